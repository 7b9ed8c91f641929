"""The trees family of bench_sklearn.py: decision trees and random forests, the same names as
Learn's Benchmarks target (Sources/Benchmarks/TreeBenchmarks.swift). random_state=0 throughout."""

from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.tree import DecisionTreeClassifier

# (estimator name as in Learn's Benchmarks target, dataset, factory, is classification)
BENCHMARKS = [
    ("DecisionTreeClassifier", "digits", lambda: DecisionTreeClassifier(random_state=0), True),
    ("DecisionTreeClassifier", "synth20k", lambda: DecisionTreeClassifier(random_state=0), True),
    ("RandomForestClassifier(100,n_jobs=1)", "digits",
     lambda: RandomForestClassifier(100, n_jobs=1, random_state=0), True),
    ("RandomForestClassifier(100,n_jobs=2)", "digits",
     lambda: RandomForestClassifier(100, n_jobs=2, random_state=0), True),
    ("RandomForestClassifier(100,n_jobs=1)", "synth20k",
     lambda: RandomForestClassifier(100, n_jobs=1, random_state=0), True),
    ("RandomForestClassifier(100,n_jobs=2)", "synth20k",
     lambda: RandomForestClassifier(100, n_jobs=2, random_state=0), True),
    ("RandomForestRegressor(100,n_jobs=2)", "diabetes",
     lambda: RandomForestRegressor(100, n_jobs=2, random_state=0), False),
]
