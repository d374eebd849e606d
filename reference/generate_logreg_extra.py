"""Tightly converged LogisticRegressionCV fits, to tell solver tolerance from real differences.

Run from the workspace root:  python3 reference/generate_logreg_extra.py
Writes reference/fixtures/logreg_tight.json. Same data settings as generate.py's logreg() and
logreg_multinomial(), imported from it so the data cannot drift apart.

scikit-learn's LogisticRegressionCV() stops lbfgs at tol=1e-4. A test point that lies within
about 1e-4 of the boundary can then fall on the other side from the exact optimum, changing a
fold's accuracy. Here every fit uses tol=1e-12 (max_iter=100000), so `scores`, `C`, `coef` and
`intercept` are those of the exact optimum; `differs_from_default` lists the [fold, C index]
cells where the default-tolerance scores_ differ, with the default and tight values, and the
tight solution's decision value of each test point whose predicted label changes.
"""

import json
import os
import sys
import warnings

import numpy as np
import sklearn
import sklearn.linear_model
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402  (data generators and the JSON writer)

warnings.simplefilter("ignore", FutureWarning)
GENERATOR = {"numpy": np.__version__, "sklearn": sklearn.__version__,
             "script": "reference/generate_logreg_extra.py"}


def cv_pair(X, y):
    default = sklearn.linear_model.LogisticRegressionCV().fit(X, y)
    with warnings.catch_warnings():
        # lbfgs may stop on its ftol before reaching gtol=1e-12; the point is then still
        # optimal to rounding, which is all we need.
        warnings.simplefilter("ignore")
        tight = sklearn.linear_model.LogisticRegressionCV(tol=1e-12, max_iter=100000).fit(X, y)
    key = sorted(tight.scores_)[0]
    s_def, s_tight = default.scores_[key][:, :], tight.scores_[key][:, :]
    folds = list(StratifiedKFold(5).split(X, y))
    diffs = []
    for f, c in zip(*np.nonzero(s_def != s_tight)):
        _, te = folds[f]
        w_def = default.coefs_paths_[key][f, c]
        w_tight = tight.coefs_paths_[key][f, c]
        diffs.append({"fold": int(f), "c_index": int(c),
                      "default": float(s_def[f, c]), "tight": float(s_tight[f, c]),
                      "flipped_decision": flipped(X[te], w_def, w_tight)})
    return {"C": float(tight.C_[0]), "Cs": generate.floats(tight.Cs_),
            "coef": generate.floats(tight.coef_), "intercept": generate.floats(tight.intercept_),
            "accuracy": float(tight.score(X, y)), "scores": generate.floats(s_tight),
            "default_C": float(default.C_[0]), "differs_from_default": diffs}


def flipped(X, w_def, w_tight):
    """Tight decision values (binary: one score; multinomial: all scores) of points whose label changes."""
    def scores(w):
        w = np.atleast_2d(w)
        return X @ w[:, :-1].T + w[:, -1]
    def labels(s):
        return (s[:, 0] > 0).astype(int) if s.shape[1] == 1 else s.argmax(axis=1)
    s_def, s_tight = scores(w_def), scores(w_tight)
    changed = np.nonzero(labels(s_def) != labels(s_tight))[0]
    return [generate.floats(s_tight[i]) for i in changed]


def main():
    cases = []
    for n, noise, seed in [(200, 0.2, 0), (100, 0.1, 1), (300, 0.3, 42), (150, 0.25, 7), (57, 0.2, 3)]:
        X, y = generate.moons(n, noise, seed)
        cases.append(dict(cv_pair(X, y), n=n, noise=noise, seed=seed))
    X, y = generate.three_clusters()
    payload = {"cases": cases, "multinomial": cv_pair(X, y), "generator": GENERATOR}
    path = os.path.join(generate.OUT_DIR, "logreg_tight.json")
    with open(path, "w") as f:
        json.dump(payload, f, indent=None, sort_keys=True, allow_nan=False)
        f.write("\n")
    print("wrote logreg_tight.json %d bytes" % os.path.getsize(path))


if __name__ == "__main__":
    main()
