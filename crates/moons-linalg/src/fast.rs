//! Approximate `exp` and `tanh` for the opt-in fast mode: branch-free polynomials that the
//! compiler vectorises (four lanes with AVX2), instead of one C library call per element.
//!
//! They are *not* the seed's arithmetic: a network trained with them follows a trajectory that
//! drifts from numpy's by rounding-level amounts per pass. The exact path never calls them.

use crate::dispatch::dispatched;

/// Largest relative error of [`exp_approx`] against the C library's `exp` on `[-708, 709]`
/// (measured on a dense grid by the tests; about 2 ulp).
pub const EXP_MAX_REL_ERROR: f64 = 5e-16;

/// Largest absolute error of [`tanh_approx`] against the C library's `tanh` over all finite
/// inputs (measured on a dense grid by the tests). The error is absolute, not relative: near
/// zero the approximation keeps ~1e-16 absolute accuracy but fewer significant digits.
pub const TANH_MAX_ABS_ERROR: f64 = 5e-16;

const LOG2E: f64 = std::f64::consts::LOG2_E;
// ln 2 split so that `n * LN2_HI` is exact for |n| < 2^11 (Cody and Waite).
const LN2_HI: f64 = 0.693_147_180_369_123_8;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
// Adding 1.5 * 2^52 rounds to an integer and leaves it in the low mantissa bits.
const ROUND_SHIFT: f64 = 6_755_399_441_055_744.0;

/// `exp(x)` to within [`EXP_MAX_REL_ERROR`] (relative), branch-free. Inputs are clamped to
/// `[-708, 709]`, so results below `exp(-708)` come out as about 3e-308 instead of smaller;
/// NaN stays NaN.
#[inline(always)]
pub fn exp_approx(x: f64) -> f64 {
    // `clamp` keeps NaN.
    let x = x.clamp(-708.0, 709.0);
    let kd = x.mul_add(LOG2E, ROUND_SHIFT);
    let n = kd - ROUND_SHIFT;
    let r = n.mul_add(-LN2_HI, x);
    let r = n.mul_add(-LN2_LO, r);
    // Taylor series to degree 12: |r| <= ln2/2 + tiny, so the truncation is below 2e-16.
    let mut p: f64 = 1.0 / 479_001_600.0;
    for c in [
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p.mul_add(r, c);
    }
    // 2^n from the integer sitting in the low bits of `kd`: n + 1023 is in [1, 2046].
    let scale = f64::from_bits(kd.to_bits().wrapping_add(1023) << 52);
    p * scale
}

/// `tanh(x)` to within [`TANH_MAX_ABS_ERROR`] (absolute), branch-free, as
/// `sign(x) (1 - 2 / (exp(2|x|) + 1))` with [`exp_approx`]. NaN stays NaN.
#[inline(always)]
pub fn tanh_approx(x: f64) -> f64 {
    let ax = x.abs();
    // tanh(20) rounds to 1.0; clamping keeps exp finite. NaN fails the comparison and stays.
    let ax = if ax > 20.0 { 20.0 } else { ax };
    let e = exp_approx(2.0 * ax);
    let t = 1.0 - 2.0 / (e + 1.0);
    t.copysign(x)
}

dispatched! {
    /// [`tanh_approx`] over a slice, vectorised.
    pub fn tanh_approx_slice(values: &mut [f64]) {
        for v in values.iter_mut() {
            *v = tanh_approx(*v);
        }
    }
}

dispatched! {
    /// `out[i] = exp_approx(z[i])` over a slice, vectorised.
    pub fn exp_approx_slice(z: &[f64], out: &mut [f64]) {
        for (o, &v) in out.iter_mut().zip(z) {
            *o = exp_approx(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(lo: f64, hi: f64, steps: usize) -> impl Iterator<Item = f64> {
        (0..=steps).map(move |i| lo + (hi - lo) * i as f64 / steps as f64)
    }

    #[test]
    fn exp_error_is_within_the_documented_bound() {
        let mut worst = 0.0f64;
        for x in grid(-708.0, 709.0, 2_000_003).chain(grid(-1.0, 1.0, 200_001)) {
            let exact = x.exp();
            worst = worst.max(((exp_approx(x) - exact) / exact).abs());
        }
        assert!(worst <= EXP_MAX_REL_ERROR, "worst relative error {worst:e}");
        assert!(exp_approx(f64::NAN).is_nan());
        assert_eq!(exp_approx(0.0), 1.0);
    }

    #[test]
    fn tanh_error_is_within_the_documented_bound() {
        let mut worst = 0.0f64;
        for x in grid(-25.0, 25.0, 2_000_003).chain(grid(-1e-3, 1e-3, 20_001)) {
            worst = worst.max((tanh_approx(x) - x.tanh()).abs());
        }
        assert!(
            worst <= TANH_MAX_ABS_ERROR,
            "worst absolute error {worst:e}"
        );
        assert!(tanh_approx(f64::NAN).is_nan());
        assert_eq!(tanh_approx(f64::INFINITY), 1.0);
        assert_eq!(tanh_approx(-1e300), -1.0);
        let mut v = [0.5, -3.0, 1e-9];
        tanh_approx_slice(&mut v);
        assert_eq!(v, [tanh_approx(0.5), tanh_approx(-3.0), tanh_approx(1e-9)]);
    }
}
