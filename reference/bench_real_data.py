"""Side by side on scikit-learn's real data sets: moons against scikit-learn, same rows.

Run from the workspace root after `cargo build --release -p moons-cli`:

    python3 reference/bench_real_data.py [--repeat 3]

For each of iris, wine, breast_cancer and digits (reference/data/NAME_{train,test}.csv) it
times, best of --repeat runs, single-threaded BLAS:
  - StandardScaler + MLPClassifier() against `moons train --data train --test-data test`
  - StandardScaler + LogisticRegressionCV() against `moons logreg --data train --test-data test`
and prints test accuracy and seconds for both. moons' time is the whole process (reading the
CSV files, scaling, fitting, scoring); scikit-learn's is the fit alone. CI does not run it.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegressionCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOONS = os.path.join(ROOT, "target", "release", "moons")
SETS = ["iris", "wine", "breast_cancer", "digits"]
warnings.simplefilter("ignore", ConvergenceWarning)
warnings.simplefilter("ignore", FutureWarning)


def load(name, part):
    path = os.path.join(ROOT, "reference", "data", "%s_%s.csv" % (name, part))
    rows = [line.rstrip("\n").split(",") for line in open(path)][1:]
    return np.array([[float(v) for v in r[:-1]] for r in rows]), np.array([r[-1] for r in rows])


def best_of(repeat, run):
    results = []
    for _ in range(repeat):
        start = time.perf_counter()
        accuracy = run()
        results.append((time.perf_counter() - start, accuracy))
    return min(results)


def sklearn_side(name, model, repeat):
    (x, y), (xt, yt) = load(name, "train"), load(name, "test")

    def run():
        pipe = make_pipeline(StandardScaler(), model()).fit(x, y)
        return float(pipe.score(xt, yt))

    return best_of(repeat, run)


def moons_side(name, command, repeat):
    train = os.path.join(ROOT, "reference", "data", "%s_train.csv" % name)
    test = os.path.join(ROOT, "reference", "data", "%s_test.csv" % name)

    def run():
        out = subprocess.run([MOONS, command, "--data", train, "--test-data", test, "--json", "-q"],
                             check=True, capture_output=True, text=True).stdout
        return float(json.loads(out)["test_accuracy"])

    return best_of(repeat, run)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(MOONS):
        sys.exit("build it first: cargo build --release -p moons-cli")
    limit = threadpool_limits(1) if threadpool_limits else None
    print("%-14s %-22s %10s %9s %10s %9s" % ("data set", "model", "sk acc", "sk s", "moons acc", "moons s"))
    for name in SETS:
        for label, model, command in [("MLPClassifier()", lambda: MLPClassifier(random_state=0), "train"),
                                      ("LogisticRegressionCV()", LogisticRegressionCV, "logreg")]:
            sk_time, sk_acc = sklearn_side(name, model, args.repeat)
            our_time, our_acc = moons_side(name, command, args.repeat)
            print("%-14s %-22s %10.4f %9.3f %10.4f %9.3f" % (name, label, sk_acc, sk_time, our_acc, our_time))
    del limit


if __name__ == "__main__":
    main()
