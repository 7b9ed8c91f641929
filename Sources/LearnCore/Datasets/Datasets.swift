import LinearAlgebra

/// Built-in datasets (scikit-learn's `load_*`) and seeded generators (scikit-learn's `make_*`).
public enum Datasets {}
