"""The mlp family of bench_sklearn.py: MLPClassifier with scikit-learn's defaults (one hidden layer
of 100 relu units, Adam, max_iter=200) on standardised features, random_state=0."""

from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# (estimator name as in Learn's Benchmarks target, dataset, factory, is classification)
BENCHMARKS = [
    ("MLPClassifier((100,),max_iter=200)+scaler", dataset,
     lambda: make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(100,), max_iter=200, random_state=0)),
     True)
    for dataset in ("digits", "synth20k")
]
