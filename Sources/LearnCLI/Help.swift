/// `learn <command> --help`: every option of each command.
let commandHelp: [String: String] = [
  "demo": """
    learn demo [options]
      Tunes MLPClassifier on the built-in digits (hidden layers, activation, alpha, learning
      rate; 3-fold stratified CV) by random search, Bayesian search (GP, TPE), Hyperband, ASHA
      and PBT at comparable budgets in epochs; prints a table and writes an HTML report.
      --quick                          10 configurations × 18 epochs per search (seconds)
      --smoke                          3 × 3 on 300 images (the test suite's run)
      --threads N                      threads (default: every core)
      --folds K                        cross-validation folds (default 3)
      --seed S                         the searches' and the MLPs' seed (default 0)
      --report FILE                    where the report goes (default learn-demo-report.html)
      --verbose N                      progress on standard error: 0 none, 1 a live bar (default),
                                       2 a line per trial, 3 with its parameters
    """,
  "tune": tuneUsage,
  "cv": """
    learn cv --data CSV --target COLUMN [options]
      Cross-validates one configuration of learn tune's pipeline and prints each metric's mean,
      standard deviation and fold scores.
      --estimator NAME                 as for learn tune (default: forest)
      --set NAME=VALUE,…               hyperparameters by the pipeline's names (model.c=10,
                                       model.kernel=rbf); integers, reals, true/false, none, text
      --cv K                           folds (default 5; stratified for classifiers)
      --scoring S1,S2                  scorers by scikit-learn's names (default accuracy or R²)
      --seed S                         the folds' shuffle and the estimator's seed
      --separator C                    the CSV's field separator (default ,)
      --warnings record|error          print warnings on standard error (default), or fail
    """,
  "predict": """
    learn predict --model FILE --data CSV [options]
      A saved model's prediction for each row of the CSV, under a `prediction` header. A model
      saved with its training file's encoding (learn tune's model.json) reads columns by name
      and writes the training file's labels.
      --out FILE                       write the predictions there instead of standard output
      --separator C                    the CSV's field separator (default ,)
    """,
  "inspect": """
    learn inspect FILE
      What a saved model (type, version, classes, hyperparameters, columns and labels), a search
      journal (trials by status, strategy, best) or a report (title, plots, searches) holds.
    """,
  "report": """
    learn report --journal FILE [options]
      An HTML report of the search a journal records: history, parallel coordinates, parameter
      importance, slices, rungs (Hyperband, ASHA), lineage and schedule (PBT), the best trials.
      The journal is read without locking, so workers may still be writing it.
      --out FILE                       where the report goes (default: the journal's path with .html)
      --title TEXT                     the report's title
    """,
]
