//! Approximate `exp` and `tanh` for the opt-in fast mode: branch-free polynomials that the
//! compiler vectorises (four lanes with AVX2), instead of one C library call per element.
//!
//! `exp_approx_avx2` and `tanh_approx_avx2` (crate-internal) compute the same operations on
//! AVX2 vectors, with the same bits per lane, for kernels that keep their values in registers.
//!
//! They are *not* the seed's arithmetic: a network trained with them follows a trajectory that
//! drifts from numpy's by rounding-level amounts per pass. The exact path never calls them.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use crate::dispatch::dispatched;

/// Largest relative error of [`exp_approx`] against the C library's `exp` on `[-708, 709]`
/// (measured on a dense grid by the tests: worst 3.2e-16, about 1.5 ulp).
pub const EXP_MAX_REL_ERROR: f64 = 5e-16;

/// Largest absolute error of [`tanh_approx`] against the C library's `tanh` over all finite
/// inputs (measured on a dense grid by the tests). The error is absolute, not relative: near
/// zero the approximation keeps ~1e-16 absolute accuracy but fewer significant digits.
pub const TANH_MAX_ABS_ERROR: f64 = 5e-16;

const LOG2E: f64 = std::f64::consts::LOG2_E;
// ln 2 split so that `n * LN2_HI` is exact for |n| < 2^11 (Cody and Waite).
const LN2_HI: f64 = 0.693_147_180_369_123_8;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
const LN2: f64 = std::f64::consts::LN_2;
// Adding 1.5 * 2^52 rounds to an integer and leaves it in the low mantissa bits.
const ROUND_SHIFT: f64 = 6_755_399_441_055_744.0;

// e^r = 1 + q, q = r + r² P(r), P the Taylor series of (e^r - 1 - r) / r² to degree 10
// (e^r's to degree 12): |r| <= ln2/2 + tiny, so the truncation is below 2e-16. `P` is
// evaluated by Estrin's scheme (pairs, then powers r², r⁴): ~40 cycles of latency instead of
// ~65 for Horner's rule, which is what limits a kernel holding a few vectors in flight.
const C2: f64 = 1.0 / 2.0;
const C3: f64 = 1.0 / 6.0;
const C4: f64 = 1.0 / 24.0;
const C5: f64 = 1.0 / 120.0;
const C6: f64 = 1.0 / 720.0;
const C7: f64 = 1.0 / 5_040.0;
const C8: f64 = 1.0 / 40_320.0;
const C9: f64 = 1.0 / 362_880.0;
const C10: f64 = 1.0 / 3_628_800.0;
const C11: f64 = 1.0 / 39_916_800.0;
const C12: f64 = 1.0 / 479_001_600.0;

/// `e^r - 1` as `r + r² P(r)` for a reduced argument `|r| <= ln2/2 + tiny`.
#[inline(always)]
fn expm1_reduced(r: f64) -> f64 {
    let r2 = r * r;
    let r4 = r2 * r2;
    let p23 = r.mul_add(C3, C2);
    let p45 = r.mul_add(C5, C4);
    let p67 = r.mul_add(C7, C6);
    let p89 = r.mul_add(C9, C8);
    let p1011 = r.mul_add(C11, C10);
    let p25 = r2.mul_add(p45, p23);
    let p69 = r2.mul_add(p89, p67);
    let p1012 = r2.mul_add(C12, p1011);
    let p = r4.mul_add(r4.mul_add(p1012, p69), p25);
    r2.mul_add(p, r)
}

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
    let q = expm1_reduced(r);
    // 2^n from the integer sitting in the low bits of `kd`: n + 1023 is in [1, 2046].
    let scale = f64::from_bits(kd.to_bits().wrapping_add(1023) << 52);
    // 2^n (1 + q) with one rounding: the error is that of `q` (well below an ulp of 1 + q)
    // plus half an ulp.
    scale.mul_add(q, scale)
}

/// `tanh(x)` to within [`TANH_MAX_ABS_ERROR`] (absolute), branch-free, as
/// `sign(x) (1 - 2 / (exp(2|x|) + 1))`. NaN stays NaN.
///
/// `exp(2|x|) + 1` is [`exp_approx`]'s arithmetic shortened for this one use, because the
/// kernels wait on its latency: the argument is already in `[0, 40]`, so there is no clamp;
/// `ln 2` is one constant instead of Cody and Waite's two (the reduced argument is then off
/// by up to `n · 2.3e-17`, a relative error of `e = exp(2|x|)` that moves `tanh` by
/// `2e / (e + 1)²` times as much, below `3 · 2^-n`: at most ~4e-17); and the `+ 1` joins the
/// last multiply-add (`2^n q + (2^n + 1)`, one rounding instead of two; `2^n + 1` is exact up
/// to `n = 52`, beyond which `tanh` rounds to 1 anyway).
#[inline(always)]
pub fn tanh_approx(x: f64) -> f64 {
    let ax = x.abs();
    // tanh(20) rounds to 1.0; clamping keeps exp finite. NaN fails the comparison and stays.
    let ax = if ax > 20.0 { 20.0 } else { ax };
    let kd = ax.mul_add(2.0 * LOG2E, ROUND_SHIFT);
    let n = kd - ROUND_SHIFT;
    let r = n.mul_add(-LN2, ax + ax);
    let q = expm1_reduced(r);
    let scale = f64::from_bits(kd.to_bits().wrapping_add(1023) << 52);
    let e_plus_1 = scale.mul_add(q, scale + 1.0);
    let t = 1.0 - 2.0 / e_plus_1;
    t.copysign(x)
}

/// Applies a lane-wise AVX2 operation to each of `G` vectors, step by step, so that the `G`
/// independent chains interleave in the instruction stream.
#[cfg(target_arch = "x86_64")]
macro_rules! each {
    (|$($v:ident),+| $op:expr) => {{
        // A loop rather than `array::from_fn`: a closure may stay out of line, without the
        // caller's target features. (`libm/tanh_avx2.rs` keeps `from_fn`, which measured
        // faster there: the generated code, not the arithmetic, differs.)
        let mut out = [_mm256_setzero_pd(); G];
        for g in 0..G {
            $(let $v = $v[g];)+
            out[g] = $op;
        }
        out
    }};
}

/// [`expm1_reduced`] of `4 G` lanes: the same operations in the same order.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn expm1_reduced_avx2<const G: usize>(r: [__m256d; G]) -> [__m256d; G] {
    let splat = _mm256_set1_pd;
    let r2 = each!(|r| _mm256_mul_pd(r, r));
    let r4 = each!(|r2| _mm256_mul_pd(r2, r2));
    let p23 = each!(|r| _mm256_fmadd_pd(r, splat(C3), splat(C2)));
    let p45 = each!(|r| _mm256_fmadd_pd(r, splat(C5), splat(C4)));
    let p67 = each!(|r| _mm256_fmadd_pd(r, splat(C7), splat(C6)));
    let p89 = each!(|r| _mm256_fmadd_pd(r, splat(C9), splat(C8)));
    let p1011 = each!(|r| _mm256_fmadd_pd(r, splat(C11), splat(C10)));
    let p25 = each!(|r2, p45, p23| _mm256_fmadd_pd(r2, p45, p23));
    let p69 = each!(|r2, p89, p67| _mm256_fmadd_pd(r2, p89, p67));
    let p1012 = each!(|r2, p1011| _mm256_fmadd_pd(r2, splat(C12), p1011));
    let p = each!(|r4, p1012, p69, p25| _mm256_fmadd_pd(r4, _mm256_fmadd_pd(r4, p1012, p69), p25));
    each!(|r2, p, r| _mm256_fmadd_pd(r2, p, r))
}

/// [`exp_approx`] of `4 G` lanes with AVX2 and FMA: the same operations in the same order, so
/// every lane has the bits [`exp_approx`] gives it. For kernels that hold their values in
/// registers; the `G` vectors advance together, because one chain (~70 cycles of latency) is
/// longer than the out-of-order window can overlap with the next.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
pub(crate) fn exp_approx_avx2<const G: usize>(x: [__m256d; G]) -> [__m256d; G] {
    let splat = _mm256_set1_pd;
    // `clamp`: MAXPD and MINPD return their second operand when one is NaN.
    let x = each!(|x| _mm256_min_pd(splat(709.0), _mm256_max_pd(splat(-708.0), x)));
    let kd = each!(|x| _mm256_fmadd_pd(x, splat(LOG2E), splat(ROUND_SHIFT)));
    let n = each!(|kd| _mm256_sub_pd(kd, splat(ROUND_SHIFT)));
    let r = each!(|n, x| _mm256_fnmadd_pd(n, splat(LN2_HI), x));
    let r = each!(|n, r| _mm256_fnmadd_pd(n, splat(LN2_LO), r));
    let q = expm1_reduced_avx2(r);
    each!(|q, kd| {
        let bits = _mm256_add_epi64(_mm256_castpd_si256(kd), _mm256_set1_epi64x(1023));
        let scale = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(bits));
        _mm256_fmadd_pd(scale, q, scale)
    })
}

/// [`tanh_approx`] of `4 G` lanes with AVX2 and FMA, the same operations in the same order
/// (the same bits per lane).
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
pub(crate) fn tanh_approx_avx2<const G: usize>(x: [__m256d; G]) -> [__m256d; G] {
    let splat = _mm256_set1_pd;
    let sign = splat(-0.0);
    // `if |x| > 20 { 20 } else { |x| }`: MINPD returns its second operand for NaN.
    let ax = each!(|x| _mm256_min_pd(splat(20.0), _mm256_andnot_pd(sign, x)));
    let kd = each!(|ax| _mm256_fmadd_pd(ax, splat(2.0 * LOG2E), splat(ROUND_SHIFT)));
    let n = each!(|kd| _mm256_sub_pd(kd, splat(ROUND_SHIFT)));
    let r = each!(|n, ax| _mm256_fnmadd_pd(n, splat(LN2), _mm256_add_pd(ax, ax)));
    let q = expm1_reduced_avx2(r);
    each!(|q, kd, x| {
        let bits = _mm256_add_epi64(_mm256_castpd_si256(kd), _mm256_set1_epi64x(1023));
        let scale = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(bits));
        let e_plus_1 = _mm256_fmadd_pd(scale, q, _mm256_add_pd(scale, splat(1.0)));
        let t = _mm256_sub_pd(splat(1.0), _mm256_div_pd(splat(2.0), e_plus_1));
        // copysign
        _mm256_or_pd(_mm256_andnot_pd(sign, t), _mm256_and_pd(sign, x))
    })
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
