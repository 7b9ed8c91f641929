"""Writes Fixtures/trees/histogram_bins.json for the histogram splitter's tests (`maxBins` of
Learn's trees and forests): scikit-learn 1.9.1's `HistGradientBoosting` bin edges on a few columns.

    pip install scikit-learn==1.9.1 && python3 Fixtures/scripts/histogram_fixtures.py

The columns hold float32 values (Learn's trees round features to float32, as scikit-learn's do),
no ties in the first, heavy ties in the second, few distinct values in the third:

- "normal": 1,000 draws of N(0, 1);
- "rounded": N(0, 3) rounded to one decimal (about 150 distinct values);
- "small": the integers 0 … 11 (12 distinct values: never binned by `maxBins` 16 or 255).

For each `max_bins` in (16, 255): `_BinMapper(n_bins=max_bins + 1)` (scikit-learn keeps one of its
`n_bins` for missing values), its `bin_thresholds_` per column and the bin of every value. A
value's bin `b` splits off the values above at threshold `thresholds[b]` (none for the last bin).

{"versions", "X": rows of 3 columns, "cases": [{"max_bins", "thresholds": per column,
"bins": per column, one per row}]}.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper

OUT = os.path.join(os.path.dirname(__file__), "..", "trees")


def main():
    rng = np.random.default_rng(20261207)
    n = 1000
    columns = [
        rng.normal(size=n).astype(np.float32),
        np.round(rng.normal(scale=3.0, size=n), 1).astype(np.float32),
        rng.integers(0, 12, size=n).astype(np.float32),
    ]
    x = np.column_stack(columns).astype(np.float64)
    cases = []
    for max_bins in (16, 255):
        mapper = _BinMapper(n_bins=max_bins + 1, random_state=0).fit(x)
        binned = mapper.transform(x)
        cases.append({
            "max_bins": max_bins,
            "thresholds": [[float(t) for t in column] for column in mapper.bin_thresholds_],
            "bins": [[int(b) for b in binned[:, j]] for j in range(x.shape[1])],
        })
    document = {"versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
                "X": [[float(v) for v in row] for row in x], "cases": cases}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "histogram_bins.json"), "w") as f:
        json.dump(document, f)
        f.write("\n")


if __name__ == "__main__":
    main()
