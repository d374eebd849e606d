"""Write the reference fixtures that the Rust tests compare against.

Run from the workspace root:  python3 reference/generate.py
Every file goes to reference/fixtures/<family>.json. The output is deterministic: running the
script twice on the same machine and library versions gives byte-identical files.
"""

import json
import math
import os
import sys
import time
import warnings

import numpy as np
import sklearn
import sklearn.datasets
import sklearn.linear_model
from sklearn.model_selection import StratifiedKFold

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
GENERATOR = {"numpy": np.__version__, "sklearn": sklearn.__version__, "script": "reference/generate.py"}

# scikit-learn 1.9 announces default changes of LogisticRegressionCV (l1_ratios, scoring,
# use_legacy_attributes) with FutureWarnings; we deliberately use today's defaults.
warnings.simplefilter("ignore", FutureWarning)


def write(name, payload):
    payload = dict(payload, generator=GENERATOR)
    path = os.path.join(OUT_DIR, name)
    with open(path, "w") as f:
        json.dump(payload, f, indent=None, sort_keys=True, allow_nan=False)
        f.write("\n")
    print("wrote %-28s %9d bytes" % (name, os.path.getsize(path)))


def floats(a):
    """A numpy array (any shape) as nested lists of plain Python floats."""
    return np.asarray(a, dtype=np.float64).tolist()


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


# ---------------------------------------------------------------------------------------------
# 1. numpy's legacy RandomState (MT19937) streams
# ---------------------------------------------------------------------------------------------

def random_streams():
    cases = []
    for s in [0, 1, 42, 12345, 4294967295]:
        fresh = lambda: np.random.RandomState(s)
        shuffles = []
        for n in [1, 2, 5, 10, 200]:
            x = np.arange(n)
            fresh().shuffle(x)
            shuffles.append({"n": n, "result": ints(x)})
        rs = fresh()
        a = rs.randn(3)
        b = rs.random_sample(2)
        c = rs.randn(2)
        cases.append({
            "seed": s,
            "uint32": ints(fresh().randint(0, 2**32, size=12, dtype=np.uint32)),
            "random_sample": floats(fresh().random_sample(10)),
            "randn": floats(fresh().randn(11)),
            "normal": floats(fresh().normal(loc=1.5, scale=0.25, size=7)),
            "shuffle_arange": shuffles,
            "permutation10": ints(fresh().permutation(10)),
            "uniform": floats(fresh().uniform(-1, 1, size=6)),
            "mixed": {"a": floats(a), "b": floats(b), "c": floats(c)},
        })
    write("random_streams.json", {"cases": cases})


# ---------------------------------------------------------------------------------------------
# 2./3. data sets (global generator seeded with np.random.seed, as in the seed)
# ---------------------------------------------------------------------------------------------

def moons(n, noise, seed, shuffle=True):
    np.random.seed(seed)
    return sklearn.datasets.make_moons(n, noise=float(noise), shuffle=shuffle)


def make_moons_fixture():
    settings = [(200, 0.2, 0, True), (1, 0.2, 0, True), (2, 0.1, 5, True), (7, 0.0, 3, True),
                (101, 0.3, 42, True), (200, 0.2, 0, False), (50, 0.0, 0, False),
                (1000, 0.05, 7, True), (33, 1.0, 4294967295, True)]
    cases = []
    for n, noise, seed, sh in settings:
        X, y = moons(n, noise, seed, sh)
        cases.append({"n": n, "noise": noise, "seed": seed, "shuffle": sh,
                      "X": floats(X), "y": ints(y)})
    write("make_moons.json", {"cases": cases})


def make_circles_fixture():
    cases = []
    for n, noise, factor, seed in [(200, 0.1, 0.5, 0), (101, 0.05, 0.3, 3), (7, 0.0, 0.8, 1),
                                   (1, 0.1, 0.5, 2)]:
        np.random.seed(seed)
        X, y = sklearn.datasets.make_circles(n, noise=float(noise), factor=factor, shuffle=True)
        cases.append({"n": n, "noise": noise, "factor": factor, "seed": seed, "shuffle": True,
                      "X": floats(X), "y": ints(y)})
    write("make_circles.json", {"cases": cases})


def make_blobs_fixture():
    cases = []
    for n, k, std, seed in [(200, 3, 1.0, 0), (101, 4, 0.5, 7), (10, 2, 2.0, 1)]:
        np.random.seed(seed)
        X, y, centers = sklearn.datasets.make_blobs(n_samples=n, centers=k, cluster_std=std,
                                                    n_features=2, return_centers=True)
        cases.append({"n": n, "centers": k, "cluster_std": std, "seed": seed,
                      "center_points": floats(centers), "X": floats(X), "y": ints(y)})
    write("make_blobs.json", {"cases": cases})


def spiral(n, classes, noise, seed):
    """The cs231n spiral: n // classes points per class, classes in order, no shuffle."""
    assert n % classes == 0
    np.random.seed(seed)
    n_j = n // classes
    X = np.zeros((n, 2))
    y = np.zeros(n, dtype=np.int64)
    for j in range(classes):
        ix = range(n_j * j, n_j * (j + 1))
        r = np.linspace(0.0, 1, n_j)
        t = np.linspace(j * 4, (j + 1) * 4, n_j) + np.random.randn(n_j) * noise
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


def spirals_fixture():
    cases = []
    for n, k, noise, seed in [(300, 3, 0.2, 0), (100, 2, 0.1, 1), (8, 4, 0.0, 5)]:
        X, y = spiral(n, k, noise, seed)
        cases.append({"n": n, "classes": k, "noise": noise, "seed": seed,
                      "X": floats(X), "y": ints(y)})
    write("spirals.json", {"cases": cases})


def xor_fixture():
    cases = []
    for n, seed in [(200, 0), (11, 3)]:
        rs = np.random.RandomState(seed)
        X = rs.uniform(-1, 1, size=(n, 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
        cases.append({"n": n, "seed": seed, "X": floats(X), "y": ints(y)})
    write("xor.json", {"cases": cases})


# ---------------------------------------------------------------------------------------------
# 4. the seed's network, with the seed's own code (parametrised, otherwise unchanged)
# ---------------------------------------------------------------------------------------------

def ctanh(z):
    """tanh from the C library (math.tanh), elementwise."""
    return np.frompyfunc(math.tanh, 1, 1)(z).astype(np.float64)


TANH = {"ctanh": ctanh, "numpy_tanh": np.tanh}
nn_input_dim = 2
nn_output_dim = 2
epsilon = 0.01
reg_lambda = 0.01


def calculate_loss(model, X, y, tanh):
    num_examples = len(X)
    W1, b1, W2, b2 = model['W1'], model['b1'], model['W2'], model['b2']
    z1 = X.dot(W1) + b1
    a1 = tanh(z1)
    z2 = a1.dot(W2) + b2
    exp_scores = np.exp(z2)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    corect_logprobs = -np.log(probs[range(num_examples), y])
    data_loss = np.sum(corect_logprobs)
    data_loss += reg_lambda/2 * (np.sum(np.square(W1)) + np.sum(np.square(W2)))
    return 1./num_examples * data_loss


def predict(model, x, tanh):
    W1, b1, W2, b2 = model['W1'], model['b1'], model['W2'], model['b2']
    z1 = x.dot(W1) + b1
    a1 = tanh(z1)
    z2 = a1.dot(W2) + b2
    exp_scores = np.exp(z2)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    return np.argmax(probs, axis=1)


def build_model(X, y, nn_hdim, num_passes, init_seed, tanh, loss_at):
    """The seed's build_model; returns the model and {i: loss after pass i} for i in loss_at(i)."""
    num_examples = len(X)
    np.random.seed(init_seed)
    W1 = np.random.randn(nn_input_dim, nn_hdim) / np.sqrt(nn_input_dim)
    b1 = np.zeros((1, nn_hdim))
    W2 = np.random.randn(nn_hdim, nn_output_dim) / np.sqrt(nn_hdim)
    b2 = np.zeros((1, nn_output_dim))
    model = {}
    losses = {}
    for i in range(0, num_passes):
        z1 = X.dot(W1) + b1
        a1 = tanh(z1)
        z2 = a1.dot(W2) + b2
        exp_scores = np.exp(z2)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)

        delta3 = probs
        delta3[range(num_examples), y] -= 1
        dW2 = (a1.T).dot(delta3)
        db2 = np.sum(delta3, axis=0, keepdims=True)
        delta2 = delta3.dot(W2.T) * (1 - np.power(a1, 2))
        dW1 = np.dot(X.T, delta2)
        db1 = np.sum(delta2, axis=0)

        dW2 += reg_lambda * W2
        dW1 += reg_lambda * W1

        W1 += -epsilon * dW1
        b1 += -epsilon * db1
        W2 += -epsilon * dW2
        b2 += -epsilon * db2

        model = {'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}
        if loss_at(i):
            losses[i] = float(calculate_loss(model, X, y, tanh))
    return model, losses


def weights(model):
    return {k: floats(model[k]) for k in ("W1", "b1", "W2", "b2")}


def accuracy(model, X, y, tanh):
    return float(np.mean(predict(model, X, tanh) == y))


DEFAULT = (3, 200, 0.2, 0, 0, 20000, 1000)


def seed_training():
    settings = [DEFAULT, (1, 200, 0.2, 0, 0, 3000, 500), (5, 101, 0.3, 7, 7, 3000, 500),
                (20, 200, 0.2, 1, 1, 2000, 1000), (50, 150, 0.25, 3, 3, 1000, 250),
                (2, 64, 0.1, 11, 11, 1500, 500)]
    cases = []
    for H, n, noise, data_seed, init_seed, passes, every in settings:
        X, y = moons(n, noise, data_seed)
        case = {"hidden": H, "n": n, "noise": noise, "data_seed": data_seed,
                "init_seed": init_seed, "passes": passes, "print_every": every}
        for variant, tanh in TANH.items():
            model, losses = build_model(X, y, H, passes, init_seed, tanh,
                                        lambda i: i % every == 0 or i >= passes - 4)
            printed = [[i, losses[i]] for i in range(0, passes, every)]
            case[variant] = dict(
                weights(model),
                losses=printed,
                printed=["Loss after iteration %i: %f" % (i, l) for i, l in printed],
                last_losses=[[i, losses[i]] for i in range(passes - 4, passes)],
                train_accuracy=accuracy(model, X, y, tanh),
            )
        cases.append(case)
    write("seed_training.json", {"epsilon": epsilon, "reg_lambda": reg_lambda, "cases": cases})


def seed_sweep():
    _, n, noise, data_seed, init_seed, passes, _ = DEFAULT
    X, y = moons(n, noise, data_seed)
    cases = []
    for H in [1, 2, 3, 4, 5, 20, 50]:
        model, losses = build_model(X, y, H, passes, init_seed, ctanh, lambda i: i == passes - 1)
        cases.append(dict(weights(model), hidden=H, train_accuracy=accuracy(model, X, y, ctanh),
                          final_loss=losses[passes - 1]))
    write("seed_sweep.json", {"n": n, "noise": noise, "data_seed": data_seed,
                              "init_seed": init_seed, "passes": passes, "variant": "ctanh",
                              "cases": cases})


def seed_per_pass():
    H, n, noise, data_seed, init_seed, passes, _ = DEFAULT
    X, y = moons(n, noise, data_seed)
    _, losses = build_model(X, y, H, passes, init_seed, ctanh, lambda i: True)
    all_losses = [losses[i] for i in range(passes)]
    payload = {"hidden": H, "n": n, "noise": noise, "data_seed": data_seed,
               "init_seed": init_seed, "passes": passes, "variant": "ctanh"}
    if len(json.dumps(all_losses)) <= 1_000_000:
        payload["losses"] = all_losses
    else:
        payload["head"] = {"start": 0, "losses": all_losses[0:3000]}
        payload["tail"] = {"start": 19900, "losses": all_losses[19900:20000]}
    write("seed_per_pass.json", payload)


# ---------------------------------------------------------------------------------------------
# 5. scikit-learn's logistic regression
# ---------------------------------------------------------------------------------------------

def fold_of_each_sample(X, y):
    folds = np.full(len(y), -1)
    for k, (_, te) in enumerate(StratifiedKFold(5).split(X, y)):
        folds[te] = k
    return ints(folds)


def binary_objective(C, w, b, X, y):
    """C * sum_i log(1 + exp(-s_i (x_i.w + b))) + 0.5 |w|^2 with s_i = +-1 (intercept unpenalised)."""
    s = 2.0 * y - 1.0
    z = X.dot(w) + b
    return float(C * np.sum(np.logaddexp(0.0, -s * z)) + 0.5 * np.dot(w, w))


def logreg():
    cases = []
    for n, noise, seed in [(200, 0.2, 0), (100, 0.1, 1), (300, 0.3, 42), (150, 0.25, 7), (57, 0.2, 3)]:
        X, y = moons(n, noise, seed)
        clf = sklearn.linear_model.LogisticRegressionCV()
        clf.fit(X, y)
        fixed = []
        for C in [0.01, 1.0, 100.0]:
            m = sklearn.linear_model.LogisticRegression(C=C, tol=1e-12, max_iter=100000).fit(X, y)
            fixed.append({"C": C, "coef": floats(m.coef_), "intercept": floats(m.intercept_),
                          "decision_first5": floats(m.decision_function(X[:5])),
                          "objective": binary_objective(C, m.coef_[0], m.intercept_[0], X, y)})
        cases.append({
            "n": n, "noise": noise, "seed": seed,
            "C": float(clf.C_[0]), "Cs": floats(clf.Cs_),
            "coef": floats(clf.coef_), "intercept": floats(clf.intercept_),
            "accuracy": float(clf.score(X, y)),
            "scores": floats(clf.scores_[1]),
            "folds": fold_of_each_sample(X, y),
            "n_iter": clf.n_iter_.tolist(),
            "fixed_C": fixed,
        })
    write("logreg.json", {"cases": cases})


def three_clusters():
    rs = np.random.RandomState(0)
    X = np.vstack([rs.normal(loc=c, scale=1.0, size=(30, 2)) for c in [(0, 0), (2, 2), (-2, 2)]])
    y = np.repeat([0, 1, 2], 30)
    return X, y


def logreg_multinomial():
    X, y = three_clusters()
    fixed = []
    for C in [0.1, 1.0, 10.0]:
        m = sklearn.linear_model.LogisticRegression(C=C, tol=1e-12, max_iter=100000).fit(X, y)
        fixed.append({"C": C, "coef": floats(m.coef_), "intercept": floats(m.intercept_),
                      "predict_proba_first5": floats(m.predict_proba(X[:5])),
                      "accuracy": float(m.score(X, y))})
    clf = sklearn.linear_model.LogisticRegressionCV().fit(X, y)
    keys = sorted(clf.scores_)
    assert all(np.array_equal(clf.scores_[keys[0]], clf.scores_[k]) for k in keys)
    cv = {"C": float(clf.C_[0]), "Cs": floats(clf.Cs_), "coef": floats(clf.coef_),
          "intercept": floats(clf.intercept_), "scores": floats(clf.scores_[keys[0]]),
          "accuracy": float(clf.score(X, y)), "folds": fold_of_each_sample(X, y),
          "n_iter": clf.n_iter_.tolist()}
    write("logreg_multinomial.json", {"X": floats(X), "y": ints(y), "fixed_C": fixed, "cv": cv})


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    t0 = time.time()
    for family in [random_streams, make_moons_fixture, make_circles_fixture, make_blobs_fixture,
                   spirals_fixture, xor_fixture, logreg, logreg_multinomial,
                   seed_training, seed_sweep, seed_per_pass]:
        t = time.time()
        family()
        print("  %s: %.1f s" % (family.__name__, time.time() - t), file=sys.stderr)
    print("total %.1f s" % (time.time() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
