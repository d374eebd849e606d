//! `tanh`, as glibc 2.36 computes it on x86-64: fdlibm's `__tanh` (compiled without FMA)
//! around the FMA build of `expm1`.

use super::expm1::expm1;

/// `tanh(x)`, the same bits as the C library's on the reference machines (glibc 2.36,
/// x86-64 with FMA, which is what numpy's and Python's `tanh` called when the fixtures were
/// made), on every CPU.
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    let bits = x.to_bits();
    let ix = ((bits >> 32) as u32) & 0x7fff_ffff;
    let negative = bits >> 63 != 0;
    if ix >= 0x7ff0_0000 {
        // tanh(±inf) = ±1, tanh(NaN) = NaN.
        return if negative {
            1.0 / x - 1.0
        } else {
            1.0 / x + 1.0
        };
    }
    let z = if ix < 0x4036_0000 {
        // |x| < 22
        if bits << 1 == 0 {
            return x;
        }
        if ix < 0x3c80_0000 {
            // |x| < 2^-55
            return x * (1.0 + x);
        }
        if ix >= 0x3ff0_0000 {
            // |x| >= 1
            let t = expm1(x.abs() + x.abs());
            1.0 - 2.0 / (t + 2.0)
        } else {
            let t = expm1(-2.0 * x.abs());
            -t / (t + 2.0)
        }
    } else {
        // |x| >= 22: 1 - tiny rounds to 1.
        1.0
    };
    if negative {
        -z
    } else {
        z
    }
}
