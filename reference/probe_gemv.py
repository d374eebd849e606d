"""Which arithmetic numpy uses for the seed's products when one operand is vector-shaped.

Run from the workspace root:  python3 reference/probe_gemv.py [--write]

With one hidden unit (H = 1) `W1` is 2 x 1, `a1` and `delta2` are N x 1, and numpy's
`cblas_matrixproduct` (numpy/_core/src/common/cblasfuncs.c) no longer calls `dgemm`:

  product              numpy shapes            BLAS call (OpenBLAS, column-major view)
  X.dot(W1)            matrix @ column         dgemv_t, inner length 2, N outputs
  delta3.dot(W2.T)     matrix @ column         dgemv_t, inner length 2, N outputs
  a1.T.dot(delta3)     row    @ matrix         dgemv_n, 2 outputs, inner length N
  X.T.dot(delta2)      matrix(F) @ column      dgemv_n, 2 outputs, inner length N
  a1.dot(W2)           column @ row            dgemm with K = 1 (one product: any order)
  np.sum(delta2, 0)    N x 1, axis 0           one contiguous run: numpy's pairwise sum

The library numpy ships runs the Haswell kernels (kernel/x86_64/dgemv_t_4.c, dgemv_n_4.c,
ddot.c). Two rows / two outputs go through their plain-C `m3` tails. dgemv_t's is compiled
with FMA contraction (its disassembly shows vfmadd231sd), which turns `a0*x0 + a1*x1` into
`fma(a0, x0, a1*x1)`; dgemv_n's and ddot's are not (vmulsd / vaddsd only):

  dgemv_t (k = 2):  y[j] = 0 + fma(a[j,0], x0, a[j,1] * x1)
          (k = 3):  y[j] = 0 + fma(a[j,2], x2, fma(a[j,0], x0, a[j,1] * x1))
  dgemv_n (2 or 3 outputs, inner length N), per output:  t = 0;  per block of 4 terms:
                        t = t + (a[p] * x[p] + a[p+1] * x[p+1])
                        t = t + (a[p+2] * x[p+2] + a[p+3] * x[p+3])
                    the last N % 4 terms:  t = t + a[p] * x[p];   y = 0 + t
  ddot (N = 1, row @ column, fewer than 16 terms):  t = 0;  t = t + a[p] * x[p]
  np.sum(N x 1, axis=0):  numpy's pairwise sum of the column

This script checks those rules (and rejects the dgemm rule and other candidates) against
numpy on random inputs of several lengths and on the seed's actual H = 1 trajectory. Every
candidate is computed with exact rational arithmetic (`fractions.Fraction`) and one rounding,
so a correctly rounded fma is `rnd(a*b + c)`. With --write it stores inputs and numpy's
outputs in reference/fixtures/gemv_orders.json for the Rust unit tests.
"""

import json
import math
import os
import sys
from fractions import Fraction

import numpy as np
import sklearn.datasets

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "gemv_orders.json")


def fma(a, b, c):
    """Correctly rounded a*b + c (int / int true division in CPython rounds correctly)."""
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    if exact == 0:
        # IEEE sign of an exact zero sum in round-to-nearest.
        prod_neg = (math.copysign(1, a) * math.copysign(1, b)) < 0
        return -0.0 if (prod_neg and math.copysign(1, c) < 0) else 0.0
    return float(exact)


def mul(a, b):
    return a * b  # one rounding, as the hardware


# ---- candidate orders -------------------------------------------------------------------------

def chain_from_zero(a, x):
    """The dgemm rule: acc = fma(a[p], x[p], acc) from 0."""
    acc = 0.0
    for ap, xp in zip(a, x):
        acc = fma(ap, xp, acc)
    return acc


def gemv_t2(a0, a1, x0, x1):
    """dgemv_t m3 == 2 tail: y += a0*x0 + a1*x1, contracted to fma(a0, x0, a1*x1)."""
    return 0.0 + fma(a0, x0, mul(a1, x1))


def gemv_t(row, x):
    """dgemv_t m3 tails for an inner length of 2 or 3 (dgemv_t_4.c, FMA-contracted):
    `y += a0*x0 + a1*x1 [+ a2*x2]` is fma(a0, x0, a1*x1), then fma(a2, x2, .), then 0 + ."""
    t = fma(row[0], x[0], mul(row[1], x[1]))
    if len(row) == 3:
        t = fma(row[2], x[2], t)
    return 0.0 + t


def ddot_short(a, x):
    """OpenBLAS ddot (ddot.c, Haswell) below 16 terms: `dot += y[i] * x[i]` from 0, not
    contracted (each product rounded, then added)."""
    t = 0.0
    for ap, xp in zip(a, x):
        t = t + mul(ap, xp)
    return t


def gemv_t2_other(a0, a1, x0, x1):
    return 0.0 + fma(a1, x1, mul(a0, x0))


def gemv_n2(a, x):
    """dgemv_n m3 == 2 tail with lda == 2, inc_x == 1 (one output: a is that output's row).

    This C code is compiled without FMA contraction in the library numpy ships (its
    disassembly shows vmulsd/vaddsd only): every product is rounded, then added.
    """
    n = len(a)
    t = 0.0
    p = 0
    while p < (n & -4):
        t = t + (mul(a[p], x[p]) + mul(a[p + 1], x[p + 1]))
        t = t + (mul(a[p + 2], x[p + 2]) + mul(a[p + 3], x[p + 3]))
        p += 4
    while p < n:
        t = t + mul(a[p], x[p])
        p += 1
    return 0.0 + t


def gemv_n2_fused(a, x):
    """The same loop had it been contracted like dgemv_t (rejected)."""
    n = len(a)
    t = 0.0
    p = 0
    while p < (n & -4):
        t = t + fma(a[p], x[p], mul(a[p + 1], x[p + 1]))
        t = t + fma(a[p + 2], x[p + 2], mul(a[p + 3], x[p + 3]))
        p += 4
    while p < n:
        t = fma(a[p], x[p], t)
        p += 1
    return 0.0 + t


def pairwise(v):
    """numpy's pairwise_sum (numpy/_core/src/umath/loops_utils.h.src), blocks of 128."""
    n = len(v)
    if n < 8:
        res = -0.0  # numpy starts from -0.0 for n < 8 (so that sum([-0.0]) is -0.0)
        for x in v:
            res += x
        return res
    if n <= 128:
        r = list(v[:8])
        i = 8
        while i < n - (n % 8):
            for k in range(8):
                r[k] += v[i + k]
            i += 8
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n:
            res += v[i]
            i += 1
        return res
    n2 = (n // 2) - ((n // 2) % 8)
    return pairwise(v[:n2]) + pairwise(v[n2:])


def sequential(v):
    acc = 0.0
    for x in v:
        acc += x
    return acc


def bits_equal(a, b):
    return np.array_equal(np.asarray(a, dtype=np.float64).view(np.uint64),
                          np.asarray(b, dtype=np.float64).view(np.uint64))


# ---- the products, as the seed writes them ----------------------------------------------------

def numpy_products(X, W1, a1, W2, delta3, delta2):
    return {
        "X_W1": X.dot(W1)[:, 0],
        "delta3_W2T": delta3.dot(W2.T)[:, 0],
        "a1T_delta3": (a1.T).dot(delta3)[0, :],
        "XT_delta2": np.dot(X.T, delta2)[:, 0],
        "a1_W2": a1.dot(W2),
        "sum_delta2": np.sum(delta2, axis=0),
    }


def candidates(X, W1, a1, W2, delta3, delta2):
    """name -> {product -> values} for each candidate rule."""
    N = X.shape[0]
    w, v = W1[:, 0], W2[0, :]
    out = {}
    out["dgemm_chain"] = {
        "X_W1": [chain_from_zero(X[i], w) for i in range(N)],
        "delta3_W2T": [chain_from_zero(delta3[i], v) for i in range(N)],
        "a1T_delta3": [chain_from_zero(delta3[:, c], a1[:, 0]) for c in range(2)],
        "XT_delta2": [chain_from_zero(X[:, c], delta2[:, 0]) for c in range(2)],
        "sum_delta2": [sequential(delta2[:, 0])],
    }
    out["gemv_rule"] = {
        "X_W1": [gemv_t2(X[i, 0], X[i, 1], w[0], w[1]) for i in range(N)],
        "delta3_W2T": [gemv_t2(delta3[i, 0], delta3[i, 1], v[0], v[1]) for i in range(N)],
        "a1T_delta3": [gemv_n2(delta3[:, c], a1[:, 0]) for c in range(2)],
        "XT_delta2": [gemv_n2(X[:, c], delta2[:, 0]) for c in range(2)],
        "sum_delta2": [pairwise(list(delta2[:, 0]))],
    }
    out["gemv_other_fusions"] = {
        "X_W1": [gemv_t2_other(X[i, 0], X[i, 1], w[0], w[1]) for i in range(N)],
        "delta3_W2T": [gemv_t2_other(delta3[i, 0], delta3[i, 1], v[0], v[1]) for i in range(N)],
        "a1T_delta3": [gemv_n2_fused(delta3[:, c], a1[:, 0]) for c in range(2)],
        "XT_delta2": [gemv_n2_fused(X[:, c], delta2[:, 0]) for c in range(2)],
    }
    # a1.dot(W2) has K = 1: a single rounded product whatever the order.
    out["gemv_rule"]["a1_W2"] = [[a1[i, 0] * v[j] for j in range(2)] for i in range(N)]
    return out


def compare(inputs, report, tally):
    got = numpy_products(*inputs)
    for name, cand in candidates(*inputs).items():
        for prod, vals in cand.items():
            ok = bits_equal(got[prod], vals)
            tally.setdefault((name, prod), [0, 0])
            tally[(name, prod)][0 if ok else 1] += 1
    return got


# ---- inputs ----------------------------------------------------------------------------------

def random_inputs(rs, N):
    X = rs.standard_normal((N, 2))
    W1 = rs.standard_normal((2, 1)) / np.sqrt(2)
    W2 = rs.standard_normal((1, 2))
    a1 = np.tanh(rs.standard_normal((N, 1)))
    delta3 = rs.random_sample((N, 2)) - (rs.random_sample((N, 2)) < 0.5)
    delta2 = rs.standard_normal((N, 1)) * 0.3
    return X, W1, a1, W2, delta3, delta2


def ctanh(z):
    return np.frompyfunc(math.tanh, 1, 1)(z).astype(np.float64)


def seed_trajectory(n, noise, data_seed, init_seed, passes, check_every):
    """The seed's H = 1 training loop (ctanh), yielding the product operands of some passes."""
    np.random.seed(data_seed)
    X, y = sklearn.datasets.make_moons(n, noise=noise)
    np.random.seed(init_seed)
    W1 = np.random.randn(2, 1) / np.sqrt(2)
    b1 = np.zeros((1, 1))
    W2 = np.random.randn(1, 2) / np.sqrt(1)
    b2 = np.zeros((1, 2))
    for i in range(passes):
        z1 = X.dot(W1) + b1
        a1 = ctanh(z1)
        z2 = a1.dot(W2) + b2
        exp_scores = np.exp(z2)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        delta3 = probs
        delta3[range(n), y] -= 1
        delta2 = delta3.dot(W2.T) * (1 - np.power(a1, 2))
        if i % check_every == 0:
            yield i, (X, W1.copy(), a1, W2.copy(), delta3.copy(), delta2)
        dW2 = (a1.T).dot(delta3)
        db2 = np.sum(delta3, axis=0, keepdims=True)
        dW1 = np.dot(X.T, delta2)
        db1 = np.sum(delta2, axis=0)
        dW2 += 0.01 * W2
        dW1 += 0.01 * W1
        W1 += -0.01 * dW1
        b1 += -0.01 * db1
        W2 += -0.01 * dW2
        b2 += -0.01 * db2


def main():
    write = "--write" in sys.argv
    tally = {}
    rs = np.random.RandomState(2024)
    lengths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 64, 101, 150, 200, 257, 1000]
    for N in lengths:
        for rep in range(5):
            inputs = random_inputs(rs, N)
            if N >= 2:
                compare(inputs, "random", tally)
    random_tally = dict(tally)
    tally.clear()
    for (n, noise, ds, seed_i, passes, every) in [(200, 0.2, 0, 0, 3000, 100),
                                                   (101, 0.3, 7, 7, 600, 50),
                                                   (64, 0.1, 11, 11, 600, 50),
                                                   (150, 0.25, 3, 3, 400, 50),
                                                   (7, 0.2, 5, 5, 200, 10)]:
        for i, inputs in seed_trajectory(n, noise, ds, seed_i, passes, every):
            compare(inputs, "seed", tally)

    print("candidate / product: [equal, differ] over random inputs (N >= 2) | seed H=1 passes")
    for key in sorted(set(random_tally) | set(tally)):
        print("  %-26s %-12s random %-10s seed %s" % (key[0], key[1], random_tally.get(key),
                                                      tally.get(key)))

    # N = 1 (and H = 1): X.dot(W1) and delta3.dot(W2.T) are row @ column, a ddot of length 2;
    # the other products are a scalar times a vector (single products).
    ok = True
    for rep in range(50):
        X, W1, a1, W2, delta3, delta2 = random_inputs(rs, 1)
        got = numpy_products(X, W1, a1, W2, delta3, delta2)
        want = candidates(X, W1, a1, W2, delta3, delta2)["dgemm_chain"]
        want["X_W1"] = [ddot_short(X[0], W1[:, 0])]
        want["delta3_W2T"] = [ddot_short(delta3[0], W2[0])]
        for prod in ("X_W1", "delta3_W2T", "a1T_delta3", "XT_delta2", "sum_delta2"):
            ok &= bits_equal(got[prod], want[prod])
    print("N = 1: ddot for the two row @ column products, single products otherwise:", ok)

    # Other short shapes a network with a one-unit layer can meet: inner length 3 (dgemv_t),
    # three outputs (dgemv_n), and N = 1 with a column (ddot).
    rs = np.random.RandomState(7)
    extra = {"matrix_k3_at_column": [0, 0], "row_at_matrix_q3": [0, 0],
             "Fmatrix_q3_at_column": [0, 0], "row_at_column_ddot": [0, 0]}
    for N in [2, 3, 4, 5, 7, 9, 64, 101, 200]:
        for rep in range(5):
            A = rs.standard_normal((N, 3))
            x3 = rs.standard_normal((3, 1))
            v = rs.standard_normal((N, 1))
            extra["matrix_k3_at_column"][0 if bits_equal(
                A.dot(x3)[:, 0], [gemv_t(A[i], x3[:, 0]) for i in range(N)]) else 1] += 1
            extra["row_at_matrix_q3"][0 if bits_equal(
                v.T.dot(A)[0], [gemv_n2(A[:, j], v[:, 0]) for j in range(3)]) else 1] += 1
            extra["Fmatrix_q3_at_column"][0 if bits_equal(
                A.T.dot(v)[:, 0], [gemv_n2(A[:, j], v[:, 0]) for j in range(3)]) else 1] += 1
    for k in [2, 3, 5, 15]:
        for rep in range(40):
            r = rs.standard_normal((1, k))
            c = rs.standard_normal((k, 1))
            extra["row_at_column_ddot"][0 if bits_equal(
                r.dot(c)[0], [ddot_short(r[0], c[:, 0])]) else 1] += 1
    print("other short shapes [equal, differ]:", extra)

    if write:
        write_fixture()


def write_fixture():
    """Inputs and numpy's outputs for the Rust unit tests (crates/moons-linalg/src/exact/gemv.rs)."""
    rs = np.random.RandomState(99)
    gemv_t_cases, gemv_n_cases, ddot_cases, sum_cases = [], [], [], []
    for N in [2, 3, 5, 7, 8, 17, 64, 101, 150, 200]:
        for k in ((2, 3) if N <= 17 else (2,)):
            A = rs.standard_normal((N, k))
            x = rs.standard_normal((k, 1))
            gemv_t_cases.append({"a": A.tolist(), "x": x[:, 0].tolist(),
                                 "numpy": A.dot(x)[:, 0].tolist()})
            v = np.tanh(rs.standard_normal((N, 1)))
            out = v.T.dot(A)[0]
            assert bits_equal(out, A.T.dot(v)[:, 0])
            gemv_n_cases.append({"a": A.tolist(), "v": v[:, 0].tolist(), "numpy": out.tolist()})
        d = rs.standard_normal((N, 1)) * 0.1
        sum_cases.append({"v": d[:, 0].tolist(), "numpy": float(np.sum(d, axis=0)[0])})
    for k in (2, 3, 5):
        r = rs.standard_normal((1, k))
        c = rs.standard_normal((k, 1))
        ddot_cases.append({"a": r[0].tolist(), "x": c[:, 0].tolist(),
                           "numpy": float(r.dot(c)[0, 0])})
    payload = {
        "generator": {"numpy": np.__version__, "script": "reference/probe_gemv.py"},
        "gemv_t": gemv_t_cases,
        "gemv_n": gemv_n_cases,
        "ddot": ddot_cases,
        "column_sum": sum_cases,
    }
    with open(OUT, "w") as f:
        json.dump(payload, f, indent=None, sort_keys=True, allow_nan=False)
        f.write("\n")
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
