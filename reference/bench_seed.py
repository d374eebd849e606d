#!/usr/bin/env python3
"""Times the seed's numpy code (and PyTorch, if importable) on the performance workloads.

Run by `cargo xtask bench`, which times our side in the same run and prints the ratios;
it can also be run alone. Prints one JSON object on stdout:

    {"numpy": {"W1": {...}, "W2": {...}, "W3": {...}}, "torch": {...} | null,
     "torch_skipped": "reason" | null, "versions": {...}}

W1: the seed run, H = 3, N = 200, 20000 full-batch passes, the loss every 1000 passes
    (build_model(3, print_loss=True) without the printing).
W2: the seed's sweep, H in 1, 2, 3, 4, 5, 20, 50, 20000 passes each, then predict.
W3: make_moons(100000), H = 64, full-batch passes (--w3-passes, default 3).

Each workload's time is the best of --repeat runs (default 1).

The functions are the seed's (Denny Britz's tutorial, Python 3 port) with numpy's own tanh,
unchanged apart from parameters.
"""
import argparse
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import make_moons

nn_input_dim = 2
nn_output_dim = 2
epsilon = 0.01
reg_lambda = 0.01
W3_EPSILON = 2e-5


def calculate_loss(model, X, y):
    num_examples = len(X)
    W1, b1, W2, b2 = model['W1'], model['b1'], model['W2'], model['b2']
    z1 = X.dot(W1) + b1
    a1 = np.tanh(z1)
    z2 = a1.dot(W2) + b2
    exp_scores = np.exp(z2)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    corect_logprobs = -np.log(probs[range(num_examples), y])
    data_loss = np.sum(corect_logprobs)
    data_loss += reg_lambda/2 * (np.sum(np.square(W1)) + np.sum(np.square(W2)))
    return 1./num_examples * data_loss


def predict(model, x):
    W1, b1, W2, b2 = model['W1'], model['b1'], model['W2'], model['b2']
    z1 = x.dot(W1) + b1
    a1 = np.tanh(z1)
    z2 = a1.dot(W2) + b2
    exp_scores = np.exp(z2)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    return np.argmax(probs, axis=1)


def build_model(X, y, nn_hdim, num_passes=20000, print_loss=False):
    num_examples = len(X)
    np.random.seed(0)
    W1 = np.random.randn(nn_input_dim, nn_hdim) / np.sqrt(nn_input_dim)
    b1 = np.zeros((1, nn_hdim))
    W2 = np.random.randn(nn_hdim, nn_output_dim) / np.sqrt(nn_hdim)
    b2 = np.zeros((1, nn_output_dim))
    model = {}
    for i in range(0, num_passes):
        z1 = X.dot(W1) + b1
        a1 = np.tanh(z1)
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
        if print_loss and i % 1000 == 0:
            calculate_loss(model, X, y)  # the seed prints this
    return model


def seed_data(n):
    np.random.seed(0)
    return make_moons(n, noise=0.20)


REPEAT = 1


def timed(f):
    """The best of REPEAT timings of f (one unless --repeat says more: `cargo xtask bench`
    runs this script once a round and keeps the best itself), and f's result."""
    best = float("inf")
    for _ in range(REPEAT):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def numpy_workloads(w3_passes):
    X, y = seed_data(200)
    w1_s, model = timed(lambda: build_model(X, y, 3, print_loss=True))
    w1_acc = float(np.mean(predict(model, X) == y))

    def sweep():
        return [float(np.mean(predict(build_model(X, y, h), X) == y)) for h in (1, 2, 3, 4, 5, 20, 50)]
    w2_s, w2_acc = timed(sweep)

    # With 100000 points the summed gradient makes the seed's step 0.01 diverge within a pass
    # or two (inf/NaN, whose arithmetic runs at a different speed); the same step per point
    # as the seed's run is 0.01 * 200 / 100000 = 2e-5. `cargo xtask bench` uses it too.
    global epsilon
    saved, epsilon = epsilon, W3_EPSILON
    X3, y3 = seed_data(100_000)
    w3_s, _ = timed(lambda: build_model(X3, y3, 64, num_passes=w3_passes))
    epsilon = saved
    return {
        "W1": {"seconds": w1_s, "passes": 20000, "train_accuracy": w1_acc},
        "W2": {"seconds": w2_s, "passes": 7 * 20000, "train_accuracy": w2_acc},
        "W3": {"seconds": w3_s, "passes": w3_passes},
    }


def torch_workloads(torch, w3_passes):
    """The seed's manual-gradient loop written with torch tensors (f64, CPU)."""
    def build(X, y, h, passes, print_loss):
        X = torch.from_numpy(X)
        y = torch.from_numpy(y)
        rows = torch.arange(len(X))
        np.random.seed(0)
        W1 = torch.from_numpy(np.random.randn(2, h) / np.sqrt(2))
        b1 = torch.zeros((1, h), dtype=torch.float64)
        W2 = torch.from_numpy(np.random.randn(h, 2) / np.sqrt(h))
        b2 = torch.zeros((1, 2), dtype=torch.float64)
        eps = W3_EPSILON if len(X) > 200 else epsilon
        for i in range(passes):
            a1 = torch.tanh(X @ W1 + b1)
            e = torch.exp(a1 @ W2 + b2)
            d3 = e / e.sum(dim=1, keepdim=True)
            if print_loss and i % 1000 == 0:
                float(-torch.log(d3[rows, y]).sum())
            d3[rows, y] -= 1
            dW2 = a1.T @ d3 + reg_lambda * W2
            db2 = d3.sum(dim=0, keepdim=True)
            d2 = (d3 @ W2.T) * (1 - a1 * a1)
            dW1 = X.T @ d2 + reg_lambda * W1
            db1 = d2.sum(dim=0)
            W1 -= eps * dW1
            b1 -= eps * db1
            W2 -= eps * dW2
            b2 -= eps * db2
    X, y = seed_data(200)
    w1_s, _ = timed(lambda: build(X, y, 3, 20000, True))
    w2_s, _ = timed(lambda: [build(X, y, h, 20000, False) for h in (1, 2, 3, 4, 5, 20, 50)])
    X3, y3 = seed_data(100_000)
    w3_s, _ = timed(lambda: build(X3, y3, 64, w3_passes, False))
    return {
        "W1": {"seconds": w1_s, "passes": 20000},
        "W2": {"seconds": w2_s, "passes": 7 * 20000},
        "W3": {"seconds": w3_s, "passes": w3_passes},
        "threads": torch.get_num_threads(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--w3-passes", type=int, default=3)
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs per workload")
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    result = {
        "numpy": numpy_workloads(args.w3_passes),
        "torch": None,
        "torch_skipped": None,
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "sklearn": sklearn.__version__},
    }
    if args.no_torch:
        result["torch_skipped"] = "--no-torch"
    else:
        try:
            import torch
        except ImportError as e:
            torch = None
            result["torch_skipped"] = f"PyTorch is not installed ({e})"
        except Exception as e:  # an installed but broken torch (e.g. missing CUDA libraries)
            torch = None
            result["torch_skipped"] = f"PyTorch cannot be imported ({type(e).__name__}: {e})"
        if torch is not None:
            torch.set_default_dtype(torch.float64)
            result["versions"]["torch"] = torch.__version__
            result["torch"] = torch_workloads(torch, args.w3_passes)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
