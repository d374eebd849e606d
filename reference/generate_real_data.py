"""Real data sets that scikit-learn ships, as CSV files, and sklearn's results on them.

Run from the workspace root:  python3 reference/generate_real_data.py

Writes
  reference/data/NAME.csv, NAME_train.csv, NAME_test.csv   for iris, wine, breast_cancer, digits
  reference/data/corpus/*.csv, *.tsv, corpus.json           small CSV-reader inputs (+ expectations)
  reference/fixtures/real_data.json                         deterministic results (byte-identical runs)
  reference/fixtures/real_data_timings.json                 every wall-clock measurement (varies)

Everything runs under threadpoolctl's threadpool_limits(1), so the BLAS calls are single-threaded:
the numbers do not depend on the machine's core count, and the timings are single-threaded times.
No data is downloaded: load_iris, load_wine, load_breast_cancer and load_digits read files that
ship inside the scikit-learn wheel.
"""

import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import sklearn
import sklearn.datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import classification_report, confusion_matrix, log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelEncoder, MinMaxScaler, StandardScaler
from threadpoolctl import threadpool_limits

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
DATA = os.path.join(HERE, "data")
CORPUS = os.path.join(DATA, "corpus")
SCRIPT = "reference/generate_real_data.py"
GENERATOR = {"numpy": np.__version__, "sklearn": sklearn.__version__, "script": SCRIPT}

# LogisticRegressionCV() announces default changes in 1.9 (l1_ratios, scoring,
# use_legacy_attributes) with FutureWarnings; we deliberately use today's defaults.
warnings.simplefilter("ignore", FutureWarning)

LOADERS = {
    "iris": sklearn.datasets.load_iris,
    "wine": sklearn.datasets.load_wine,
    "breast_cancer": sklearn.datasets.load_breast_cancer,
    "digits": sklearn.datasets.load_digits,
}
# test_size per data set: a fraction (train_test_split's rounding: n_test = ceil(0.25 n)) or a
# row count. digits: 1797 rows, 497 test rows leave exactly 1300 for training.
TEST_SIZE = {"iris": 0.25, "wine": 0.25, "breast_cancer": 0.25, "digits": 497}
MLP_SEEDS = [0, 1, 2]
TIMING_REPEATS = 3


def write_json(path, payload):
    payload = dict(payload, generator=GENERATOR)
    with open(path, "w") as f:
        json.dump(payload, f, indent=None, sort_keys=True, allow_nan=False)
        f.write("\n")
    print("wrote %-45s %9d bytes" % (os.path.relpath(path), os.path.getsize(path)))


def floats(a):
    return np.asarray(a, dtype=np.float64).tolist()


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def strs(a):
    return [str(v) for v in np.asarray(a).ravel()]


def plain(obj):
    """classification_report's dict (numpy scalars inside) as plain JSON values."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, bool):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(obj)
    raise TypeError(type(obj))


class Warned:
    """Records the ConvergenceWarnings raised inside the block (and lets the others through)."""

    def __enter__(self):
        self._cm = warnings.catch_warnings(record=True)
        self._list = self._cm.__enter__()
        warnings.simplefilter("always", ConvergenceWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return self

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)
        self.convergence = [str(w.message) for w in self._list
                            if issubclass(w.category, ConvergenceWarning)]
        for w in self._list:
            if not issubclass(w.category, ConvergenceWarning):
                warnings.showwarning(w.message, w.category, w.filename, w.lineno)
        return False


# ---------------------------------------------------------------------------------------------
# 1. the CSV files
# ---------------------------------------------------------------------------------------------

def load(name):
    d = LOADERS[name]()
    X = np.ascontiguousarray(d.data, dtype=np.float64)
    names = [str(n).replace(",", ";") for n in d.feature_names]
    target_names = [str(t) for t in d.target_names]
    labels = np.array([target_names[t] for t in d.target])  # numpy str array
    return X, labels, names, target_names


def write_csv(path, names, X, labels):
    with open(path, "w", newline="") as f:
        f.write(",".join(names + ["class"]) + "\n")
        for row, label in zip(X, labels):
            f.write(",".join(repr(float(v)) for v in row) + "," + str(label) + "\n")
    print("wrote %-45s %9d bytes" % (os.path.relpath(path), os.path.getsize(path)))


def read_csv_back(path):
    """Parse our own CSV with the csv-free obvious reader; used to assert the round trip."""
    with open(path) as f:
        header = f.readline().rstrip("\n").split(",")
        rows = [line.rstrip("\n").split(",") for line in f]
    X = np.array([[float(v) for v in r[:-1]] for r in rows], dtype=np.float64)
    return header, X, np.array([r[-1] for r in rows])


def split(name, X, labels):
    idx = np.arange(len(labels))
    # Stratify on the string labels, as they stand in the CSV's class column.
    X_tr, X_te, y_tr, y_te, i_tr, i_te = train_test_split(
        X, labels, idx, test_size=TEST_SIZE[name], random_state=0, stratify=labels)
    return X_tr, X_te, y_tr, y_te, i_tr, i_te


# ---------------------------------------------------------------------------------------------
# 2. the fixture
# ---------------------------------------------------------------------------------------------

def scaler_checks(X, mean, var):
    """How sklearn's StandardScaler arrives at mean_ and var_, checked bit for bit."""
    n = X.shape[0]
    s = np.zeros(X.shape[1])
    for row in X:  # np.sum(axis=0) on a C-ordered matrix adds the rows in order
        s = s + row
    seq_mean = s / n
    d = X - seq_mean
    c = np.zeros(X.shape[1])
    q = np.zeros(X.shape[1])
    for row in d:
        c = c + row
        q = q + row * row
    two_pass = (q - c * c / n) / n
    return {
        "mean_is_rows_summed_in_order_over_n": bool(np.array_equal(seq_mean, mean)),
        "var_is_corrected_two_pass": bool(np.array_equal(two_pass, var)),
        "mean_equals_np_mean": bool(np.array_equal(np.mean(X, axis=0), mean)),
        "var_equals_np_var": bool(np.array_equal(np.var(X, axis=0), var)),
    }


def logreg_fit(X_tr, y_tr, **kw):
    with Warned() as w:
        m = LogisticRegression(**kw).fit(X_tr, y_tr)
    return m, w.convergence


def best_of(fn, repeats=TIMING_REPEATS):
    times = []
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, times


def dataset_fixture(name, timings):
    X, labels, names, target_names = load(name)
    write_csv(os.path.join(DATA, name + ".csv"), names, X, labels)
    X_tr, X_te, y_tr, y_te, i_tr, i_te = split(name, X, labels)
    write_csv(os.path.join(DATA, name + "_train.csv"), names, X_tr, y_tr)
    write_csv(os.path.join(DATA, name + "_test.csv"), names, X_te, y_te)
    for suffix, (Xs, ys) in {"": (X, labels), "_train": (X_tr, y_tr), "_test": (X_te, y_te)}.items():
        header, Xb, yb = read_csv_back(os.path.join(DATA, name + suffix + ".csv"))
        assert header == names + ["class"]
        assert np.array_equal(Xb, Xs) and np.array_equal(yb, ys)

    classes = sorted(set(strs(labels)))
    out = {
        "classes": classes,
        "target_names": target_names,
        "n_samples": int(len(labels)),
        "n_train": int(len(y_tr)),
        "n_test": int(len(y_te)),
        "n_features": int(X.shape[1]),
        "feature_names": names,
        "split": {"test_size": TEST_SIZE[name], "random_state": 0, "stratify": "class column (strings)",
                  "train_indices": ints(i_tr), "test_indices": ints(i_te)},
        "class_counts_train": {c: int(np.sum(y_tr == c)) for c in classes},
        "class_counts_test": {c: int(np.sum(y_te == c)) for c in classes},
    }
    if all(c.lstrip("-").isdigit() for c in classes):
        numeric = [str(v) for v in sorted(int(c) for c in classes)]
        if numeric != classes:
            out["classes_numeric_order"] = numeric

    ss = StandardScaler().fit(X_tr)
    assert list(LabelEncoder().fit(y_tr).classes_) == classes
    out["standard_scaler"] = {
        "mean": floats(ss.mean_), "scale": floats(ss.scale_), "var": floats(ss.var_),
        "n_samples_seen": int(ss.n_samples_seen_),
        # features where scale_ is not sqrt(var_): sklearn put 1.0 for a (near-)constant column
        "constant_features": ints(np.flatnonzero(ss.scale_ != np.sqrt(ss.var_))),
        "checks": scaler_checks(X_tr, ss.mean_, ss.var_),
    }
    mm = MinMaxScaler().fit(X_tr)
    out["minmax_scaler"] = {"data_min": floats(mm.data_min_), "data_max": floats(mm.data_max_),
                            "data_range": floats(mm.data_range_),
                            "scale": floats(mm.scale_), "min": floats(mm.min_)}
    out["standard_test_first3"] = floats(ss.transform(X_te[:3]))
    out["minmax_test_first3"] = floats(mm.transform(X_te[:3]))
    # sklearn's transforms are (x - mean_) / scale_ and x * scale_ + min_; check that bit for bit.
    assert np.array_equal(ss.transform(X_te), (X_te - ss.mean_) / ss.scale_)
    assert np.array_equal(mm.transform(X_te), X_te * mm.scale_ + mm.min_)

    S_tr, S_te = ss.transform(X_tr), ss.transform(X_te)
    m, conv = logreg_fit(S_tr, y_tr, C=1.0, tol=1e-10, max_iter=100000)
    assert list(m.classes_) == classes
    proba = m.predict_proba(S_te)
    y_pred = m.predict(S_te)
    out["logreg"] = {
        "params": {"C": 1.0, "tol": 1e-10, "max_iter": 100000, "solver": "lbfgs"},
        "classes": strs(m.classes_),
        "coef": floats(m.coef_), "intercept": floats(m.intercept_),
        "n_iter": ints(m.n_iter_), "convergence_warnings": conv,
        "predict_proba_test_first5": floats(proba[:5]),
        "decision_test_first5": floats(m.decision_function(S_te[:5])),
        "test_accuracy": float(m.score(S_te, y_te)),
        "train_accuracy": float(m.score(S_tr, y_tr)),
        "test_predictions": strs(y_pred),
    }
    md, convd = logreg_fit(S_tr, y_tr, C=1.0, max_iter=100000)
    out["logreg_default_tol"] = {
        "params": {"C": 1.0, "tol": md.tol, "max_iter": 100000, "solver": "lbfgs"},
        "coef": floats(md.coef_), "intercept": floats(md.intercept_),
        "n_iter": ints(md.n_iter_), "convergence_warnings": convd,
        "test_accuracy": float(md.score(S_te, y_te)),
        "test_predictions_equal_tight": bool(np.array_equal(md.predict(S_te), y_pred)),
        "n_test_predictions_differ": int(np.sum(md.predict(S_te) != y_pred)),
    }
    out["report"] = {
        "classification_report": plain(classification_report(
            y_te, y_pred, output_dict=True, zero_division=0)),
        "y_true": strs(y_te), "y_pred": strs(y_pred),
        "log_loss": float(log_loss(y_te, proba, labels=m.classes_)),
        "confusion_matrix": confusion_matrix(y_te, y_pred, labels=classes).tolist(),
        "labels": classes,
    }

    # MLPClassifier: all defaults except random_state, behind a StandardScaler (fitted in the
    # pipeline, i.e. on the training split).
    runs = []
    run_times = []
    for seed in MLP_SEEDS:
        pipe = make_pipeline(StandardScaler(), MLPClassifier(random_state=seed))
        with Warned() as w:
            t = time.perf_counter()
            pipe.fit(X_tr, y_tr)
            dt = time.perf_counter() - t
        mlp = pipe[-1]
        runs.append({"random_state": seed, "test_accuracy": float(pipe.score(X_te, y_te)),
                     "train_accuracy": float(pipe.score(X_tr, y_tr)),
                     "n_iter": int(mlp.n_iter_), "final_loss": float(mlp.loss_),
                     "convergence_warning": bool(w.convergence)})
        run_times.append({"random_state": seed, "fit_seconds": dt})
    out["mlp_classifier"] = {
        "pipeline": "make_pipeline(StandardScaler(), MLPClassifier(random_state=seed))",
        "runs": runs,
        "mean_test_accuracy": float(np.mean([r["test_accuracy"] for r in runs])),
    }

    # LogisticRegressionCV() with its defaults on the standard-scaled training split.
    def cv_fit():
        with Warned() as w:
            c = LogisticRegressionCV().fit(S_tr, y_tr)
        return c, w.convergence
    (cv, cv_conv), cv_times = best_of(cv_fit)
    out["logreg_cv"] = {
        "C": float(cv.C_[0]), "C_all": floats(cv.C_), "Cs": floats(cv.Cs_),
        "test_accuracy": float(cv.score(S_te, y_te)),
        "train_accuracy": float(cv.score(S_tr, y_tr)),
        "convergence_warnings": len(cv_conv),
        "convergence_warning_messages": sorted(set(cv_conv)),
    }
    timings[name] = {
        "mlp_classifier": {"runs": run_times,
                           "mean_fit_seconds": float(np.mean([r["fit_seconds"] for r in run_times]))},
        "logreg_cv": {"fit_seconds_best": min(cv_times), "fit_seconds_all": cv_times},
    }
    return out


def report_case():
    """A class that is never predicted ("dog") and one that never occurs in y_true ("fox")."""
    y_true = ["cat", "dog", "cat", "emu", "dog", "cat", "emu", "cat"]
    y_pred = ["cat", "cat", "fox", "emu", "emu", "cat", "emu", "fox"]
    labels = sorted(set(y_true) | set(y_pred))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # zero_division=0 must keep it quiet
        rep = plain(classification_report(y_true, y_pred, labels=labels, output_dict=True,
                                          zero_division=0))
        rep_nolabels = plain(classification_report(y_true, y_pred, output_dict=True,
                                                   zero_division=0))
    assert rep == rep_nolabels
    return {"y_true": y_true, "y_pred": y_pred, "labels": labels, "report": rep,
            "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()}


# ---------------------------------------------------------------------------------------------
# 3. the CSV-reader corpus (inputs written from literals here, expectations computed)
# ---------------------------------------------------------------------------------------------

CORPUS_FILES = {
    "string_labels.csv": (
        "x1,x2,species\n"
        "0.5,1.25,cat\n1.0,0.75,dog\n-0.5,2.0,emu\n0.25,1.5,cat\n1.5,0.5,dog\n"
        "-1.0,2.5,emu\n0.75,1.0,cat\n2.0,0.25,dog\n-0.75,1.75,emu\n"),
    "labels_one_to_k.csv": (
        "x1,x2,label\n"
        "0.1,0.2,1\n1.1,1.2,2\n2.1,2.2,3\n0.3,0.1,1\n1.3,1.1,2\n2.3,2.1,3\n0.2,0.3,1\n1.2,1.3,2\n"),
    "pandas_index.csv": (
        ",x1,x2,label\n"
        "0,0.1,0.2,a\n1,0.3,0.1,a\n2,0.2,0.4,a\n3,1.1,1.2,b\n4,1.3,1.0,b\n5,1.2,1.4,b\n"
        "6,2.1,2.2,c\n7,2.3,2.0,c\n"),
    "semicolon.csv": (
        "x1;x2;label\n"
        "0.5;-1.5;no\n1.25;2.0;yes\n-0.75;0.125;no\n3.5;1.0;yes\n0.0;-2.25;no\n2.75;0.5;yes\n"),
    "tab.tsv": (
        "x1\tx2\tlabel\n"
        "0.5\t-1.5\tno\n1.25\t2.0\tyes\n-0.75\t0.125\tno\n3.5\t1.0\tyes\n0.0\t-2.25\tno\n"),
    "numeric_header.csv": (
        "1990,2000,label\n"
        "1.5,2.5,up\n0.5,0.25,down\n3.0,4.0,up\n0.75,0.5,down\n2.0,3.5,up\n"),
    "missing_cells.csv": (
        "x1,x2,label\n"
        "0.5,1.0,a\n,2.0,b\n1.5,3.0,a\n2.5,NA,b\n3.5,5.0,a\n"),
    "label_first.csv": (
        "target,x1,x2\n"
        "pos,0.5,1.5\nneg,-0.5,-1.5\npos,1.0,2.0\nneg,-1.0,-2.0\npos,0.25,0.75\nneg,-0.25,-0.75\n"),
    "mixed_labels.csv": (
        "x1,x2,label\n"
        "0.1,0.1,1\n0.2,0.3,2\n0.4,0.2,10\n1.1,0.9,1\n1.2,1.4,2\n1.5,1.1,10\n"),
}

# What each file is for and how it should be read (label column, delimiter, leading index column).
CORPUS_SPEC = {
    "string_labels.csv": dict(delimiter=",", label="species", index_column=False,
                              exercises="string class names become classes in sorted order"),
    "labels_one_to_k.csv": dict(delimiter=",", label="label", index_column=False,
                                exercises="integer labels 1..3 give 3 classes (not 4 from 0..3)"),
    "pandas_index.csv": dict(delimiter=",", label="label", index_column=True,
                             exercises="df.to_csv() index column: empty first header field, "
                                       "0..n-1 counter that leaks the class if used as a feature"),
    "semicolon.csv": dict(delimiter=";", label="label", index_column=False,
                          exercises="';' delimiter, '.' decimal point"),
    "tab.tsv": dict(delimiter="\t", label="label", index_column=False,
                    exercises="tab delimiter (.tsv)"),
    "numeric_header.csv": dict(delimiter=",", label="label", index_column=False,
                               exercises="numeric-looking header names ('1990', '2000') are "
                                         "still a header row, not data"),
    "missing_cells.csv": dict(delimiter=",", label="label", index_column=False,
                              exercises="an empty cell (row 1, x1) and an 'NA' cell (row 3, x2)"),
    "label_first.csv": dict(delimiter=",", label="target", index_column=False,
                            exercises="label column first, named 'target'"),
    "mixed_labels.csv": dict(delimiter=",", label="label", index_column=False,
                             exercises="labels 1, 2, 10: classes_ is [1, 2, 10] read as ints "
                                       "but ['1', '10', '2'] read as strings"),
}


def parse_corpus_file(text, spec):
    """The reference reading of a corpus file with the csv-free obvious rules (numpy only)."""
    lines = text.rstrip("\n").split("\n")
    header = lines[0].split(spec["delimiter"])
    rows = [l.split(spec["delimiter"]) for l in lines[1:]]
    if spec["index_column"]:
        assert header[0] == ""
        assert [int(r[0]) for r in rows] == list(range(len(rows)))
        header = header[1:]
        rows = [r[1:] for r in rows]
    li = header.index(spec["label"])
    features = [h for i, h in enumerate(header) if i != li]
    missing = []
    X = []
    for ri, r in enumerate(rows):
        xr = []
        for ci, (i, v) in enumerate([(i, v) for i, v in enumerate(r) if i != li]):
            if v in ("", "NA"):
                missing.append({"row": ri, "column": features[ci], "raw": v})
                xr.append(float("nan"))
            else:
                xr.append(float(v))
        X.append(xr)
    y = [r[li] for r in rows]
    return header, features, np.array(X, dtype=np.float64), y, missing


def corpus():
    os.makedirs(CORPUS, exist_ok=True)
    try:
        import pandas as pd
    except ImportError:
        pd = None
    files = {}
    for fname, text in CORPUS_FILES.items():
        spec = CORPUS_SPEC[fname]
        path = os.path.join(CORPUS, fname)
        with open(path, "w", newline="") as f:
            f.write(text)
        header, features, X, y, missing = parse_corpus_file(text, spec)
        entry = {"delimiter": spec["delimiter"], "label_column": spec["label"],
                 "label_column_index": header.index(spec["label"]),
                 "index_column": spec["index_column"], "exercises": spec["exercises"],
                 "n_rows": len(y), "n_features": len(features), "feature_names": features,
                 "y_raw": y, "missing": missing}
        if not missing:
            entry["X"] = floats(X)
        # classes_ as sklearn gives them (LabelEncoder, which is what classifiers use), for the
        # labels as strings and, when all are integers, as ints; checked against a real
        # LogisticRegression fit where every row is complete.
        y_str = np.array(y, dtype=object)
        entry["classes_as_strings"] = strs(LabelEncoder().fit(y_str).classes_)
        assert entry["classes_as_strings"] == strs(np.unique(np.array(y)))
        if not missing:
            assert strs(LogisticRegression().fit(X, y_str).classes_) == entry["classes_as_strings"]
        if all(v.lstrip("-").isdigit() for v in y):
            y_int = np.array([int(v) for v in y])
            entry["classes_as_ints"] = ints(LabelEncoder().fit(y_int).classes_)
            assert entry["classes_as_ints"] == ints(np.unique(y_int))
            if not missing:
                assert ints(LogisticRegression().fit(X, y_int).classes_) == entry["classes_as_ints"]
        if pd is not None:  # cross-check with pandas.read_csv (not recorded: pandas is optional)
            kw = {"sep": spec["delimiter"]}
            df = pd.read_csv(path, **kw, index_col=0 if spec["index_column"] else None)
            assert list(df.columns) == header, (fname, list(df.columns), header)
            assert len(df) == len(y)
            lab = df[spec["label"]]
            if "classes_as_ints" in entry:
                assert lab.dtype.kind == "i", (fname, lab.dtype)
                assert ints(np.unique(lab.to_numpy())) == entry["classes_as_ints"]
            dfs = pd.read_csv(path, **kw, dtype={spec["label"]: str},
                              index_col=0 if spec["index_column"] else None)
            assert strs(np.unique(dfs[spec["label"]].to_numpy())) == entry["classes_as_strings"]
            feat = df.drop(columns=[spec["label"]]).to_numpy(dtype=np.float64)
            assert np.array_equal(feat, X, equal_nan=True), fname
            if spec["index_column"]:
                assert list(pd.read_csv(path, sep=spec["delimiter"]).columns)[0] == "Unnamed: 0"
        files[fname] = entry
        print("wrote %-45s %9d bytes" % (os.path.relpath(path), os.path.getsize(path)))
    notes = {
        "pandas_defaults": "pandas.read_csv reads both '' and 'NA' as NaN; without index_col=0 "
                           "the unnamed first column of pandas_index.csv is called 'Unnamed: 0' "
                           "and read as an int feature; numeric_header.csv's names stay strings "
                           "'1990' and '2000'.",
        "classes": "sklearn's classes_ is np.unique of y: numeric order for an int column, "
                   "lexicographic for a string column.",
    }
    # The pandas version (if any) goes to the timings file: corpus.json must not depend on it.
    write_json(os.path.join(CORPUS, "corpus.json"), {"files": files, "notes": notes})
    return pd.__version__ if pd is not None else None


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    os.makedirs(DATA, exist_ok=True)
    t0 = time.time()
    timings = {}
    with threadpool_limits(limits=1):
        load_before = os.getloadavg()
        sets = {}
        for name in LOADERS:
            t = time.time()
            sets[name] = dataset_fixture(name, timings)
            print("  %s: %.1f s" % (name, time.time() - t), file=sys.stderr)
        case = report_case()
        pandas_version = corpus()
        load_after = os.getloadavg()
    write_json(os.path.join(FIXTURES, "real_data.json"),
               {"datasets": sets, "report_case": case, "threadpool_limits": 1})
    timings["how"] = ("time.perf_counter() around each fit, inside threadpoolctl "
                      "threadpool_limits(1) (single-threaded BLAS); MLPClassifier: one fit per "
                      "random_state; LogisticRegressionCV: best of %d fits" % TIMING_REPEATS)
    timings["machine"] = {"python": platform.python_version(), "platform": platform.platform(),
                          "processor": platform.processor(), "cpu_count": os.cpu_count(),
                          "loadavg_before": list(load_before), "loadavg_after": list(load_after),
                          "pandas_cross_check": pandas_version}
    write_json(os.path.join(FIXTURES, "real_data_timings.json"), timings)
    print("total %.1f s" % (time.time() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
