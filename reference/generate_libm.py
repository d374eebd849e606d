"""The C library's tanh and exp, bit for bit, for the Rust port in moons-linalg/src/libm.

Run from the workspace root:  python3 reference/generate_libm.py
Writes reference/fixtures/libm_bits.json: inputs and Python's math.tanh / math.exp of each
(which are the C library's, the functions numpy's loops called when the training fixtures were
made), as IEEE-754 bit patterns in hex, so that no decimal round trip can blur a last bit.

The tanh inputs cover every branch of glibc's tanh and of the expm1 it calls: zeros, subnormals,
the |x| < 2^-55 shortcut, each argument-reduction case of expm1 (no reduction, one ln 2, the
general k, and the k < 20, 20 <= k <= 56 and k > 56 endings), |x| >= 22, infinities and NaN,
with the inputs on both sides of every threshold, plus random values log-uniform over
[2^-60, 2^5] and uniform over [-3, 3]. The exp inputs cover its branches alike: |x| < 2^-54,
the table-driven main range, 512 <= |x| < 1024 (results near overflow and subnormal), the
limits of the finite range, infinities and NaN, plus random values log-uniform over
[2^-60, 2^10] and uniform over [-40, 1] (what a softmax sees).
"""

import json
import math
import os
import platform
import random
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "libm_bits.json")


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def around(x, steps=2):
    """x and its neighbours up to `steps` ulps either side."""
    return [from_bits(bits(x) + d) for d in range(-steps, steps + 1) if bits(x) + d > 0]


def tanh_inputs():
    xs = [0.0, 5e-324, 2.2250738585072014e-308, 1e-300, 2.0 ** -56, 0.5, 1.0, 3.0, 21.9, 22.0,
          30.0, 710.0, 1e300, math.inf]
    # Thresholds on |x| (tanh: 2^-55, 1, 22) and on |2x| (expm1: 0.5 ln2 by high word
    # 0x3fd62e42, 1.5 ln2 by 0x3ff0a2b2, and k = 20, 57 and 64 where 2|x| = (k - 1/2) ln 2).
    for t in [2.0 ** -55, 1.0, 22.0]:
        xs += around(t)
    for high in [0x3FD62E42, 0x3FD62E43, 0x3FF0A2B1, 0x3FF0A2B2]:
        xs += [from_bits(high << 32) / 2, from_bits((high << 32) - 1) / 2]
    for k in range(-4, 65):
        xs += around((k - 0.5) * math.log(2) / 2) if k > 0 else []
    rng = random.Random(0)
    xs += [2.0 ** rng.uniform(-60, 5) for _ in range(4000)]
    xs += [rng.uniform(-3, 3) for _ in range(1500)]
    xs = [x for x in xs if x > 0 or x == 0]
    signed = []
    for x in xs:
        signed.append(x)
        signed.append(-x)
    return signed + [math.nan]


def exp_inputs():
    xs = [0.0, 5e-324, 1e-300, 2.0 ** -60, 1.0, 10.0, 100.0, 708.0, 709.0, 709.78, 709.79,
          710.0, 740.0, 745.0, 745.2, 746.0, 1000.0, 1023.9, 1024.0, 1e10, 1e300, math.inf]
    for t in [2.0 ** -54, 512.0, 1024.0, 709.782712893384, 708.3964185322641,
              745.1332191019411, 745.1332191019412]:
        xs += around(t)
    rng = random.Random(1)
    xs += [2.0 ** rng.uniform(-60, 10) for _ in range(3000)]
    xs += [rng.uniform(512, 760) for _ in range(500)]
    xs = [x for x in xs if x > 0 or x == 0]
    signed = []
    for x in xs:
        signed.append(x)
        signed.append(-x)
    signed += [rng.uniform(-40, 1) for _ in range(1500)]
    return signed + [math.nan]


def exp_or_inf(x):
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def main():
    tanh_xs = tanh_inputs()
    exp_xs = exp_inputs()
    payload = {
        "tanh": {
            "inputs": ["%016x" % bits(x) for x in tanh_xs],
            "outputs": ["%016x" % bits(math.tanh(x)) for x in tanh_xs],
        },
        "exp": {
            "inputs": ["%016x" % bits(x) for x in exp_xs],
            "outputs": ["%016x" % bits(exp_or_inf(x)) for x in exp_xs],
        },
        "generator": {
            "script": "reference/generate_libm.py",
            "libc": "-".join(platform.libc_ver()),
            "machine": platform.machine(),
            "python": platform.python_version(),
        },
    }
    with open(OUT, "w") as f:
        json.dump(payload, f, indent=None, sort_keys=True)
        f.write("\n")
    print("wrote %s: %d tanh and %d exp values, %d bytes"
          % (OUT, len(tanh_xs), len(exp_xs), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
