//! Approximate `exp` and `tanh` for the opt-in fast mode: branch-free polynomials that the
//! compiler vectorises, instead of one C library call per element. `exp_approx` computes in
//! double precision (within 5e-16, four lanes with AVX2), `tanh_approx` in single precision
//! (within 2e-7, eight lanes).
//!
//! `exp_approx_f32` is `exp` in single precision (within 1e-7), for the two-class gradient
//! kernel, whose probabilities need no more accuracy than its single-precision activations.
//!
//! `exp_approx_avx2`, `tanh_approx_ps` and `exp_approx_f32_ps` (crate-internal) compute the
//! same operations on AVX2 vectors, with the same bits per lane, for kernels that keep their
//! values in registers.
//!
//! They are *not* the seed's arithmetic: a network trained with them follows a trajectory that
//! drifts from numpy's by about their error (~1e-7 relative on the seed's runs). The exact
//! path never calls them.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use crate::dispatch::dispatched;

/// Largest relative error of [`exp_approx`] against the C library's `exp` on `[-708, 709]`
/// (measured on a dense grid by the tests: worst 3.2e-16, about 1.5 ulp).
pub const EXP_MAX_REL_ERROR: f64 = 5e-16;

/// Largest absolute error of [`tanh_approx`] against the C library's `tanh` over all inputs
/// (measured on dense grids by the tests). `tanh_approx` computes in single precision: this
/// is about two `f32` ulps of 1.
pub const TANH_MAX_ABS_ERROR: f64 = 2e-7;

/// Largest relative error of [`tanh_approx`] against the C library's `tanh` for
/// `|x| >= 1e-37`, where `x` rounded to `f32` keeps its 24 significant bits (measured on dense
/// grids by the tests). Below, the result is `x` rounded to `f32`'s subnormal grid.
pub const TANH_MAX_REL_ERROR: f64 = 2.5e-7;

const LOG2E: f64 = std::f64::consts::LOG2_E;
// ln 2 split so that `n * LN2_HI` is exact for |n| < 2^11 (Cody and Waite).
const LN2_HI: f64 = 0.693_147_180_369_123_8;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
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

/// `tanh(x)` to within [`TANH_MAX_ABS_ERROR`] (absolute) and [`TANH_MAX_REL_ERROR`]
/// (relative), branch-free, computed in single precision as
/// `sign(x) (e - 1) / (e + 1)` with `e = exp(2|x|)`. NaN stays NaN.
///
/// Single precision because the activations are the fast pass's bulk (a `tanh` per hidden
/// unit per row, against a few `exp`s per row): eight lanes per AVX2 vector instead of four,
/// and a degree-7 polynomial instead of degree 12, for ~1e-7 instead of ~1e-16. `x` is
/// rounded to `f32` first; the result is an `f32` widened back, exactly.
///
/// `e = 2^n (1 + q)` with `q = e^r - 1` on the reduced argument `|r| <= ln2/2 + tiny`; `e - 1`
/// and `e + 1` are each one multiply-add (`2^n q + (2^n ∓ 1)`, `2^n ∓ 1` exact up to
/// `n = 24`, beyond which `tanh` rounds to 1 anyway), so near zero, where `n = 0` and
/// `e - 1 = q`, the quotient keeps its relative accuracy instead of cancelling.
#[inline(always)]
pub fn tanh_approx(x: f64) -> f64 {
    let v = x as f32;
    let ax = v.abs();
    // tanh(10) rounds to 1.0 in f32; clamping keeps `e` finite. NaN fails the comparison.
    let ax = if ax > TANH_CLAMP { TANH_CLAMP } else { ax };
    let kd = ax.mul_add(2.0 * LOG2E_F32, ROUND_SHIFT_F32);
    let n = kd - ROUND_SHIFT_F32;
    let r = (-n).mul_add(LN2_F32, ax + ax);
    let q = expm1_reduced_f32(r);
    // 2^n from the integer sitting in the low bits of `kd`: n + 127 is in [127, 156].
    let scale = f32::from_bits(kd.to_bits().wrapping_add(127) << 23);
    let e_minus_1 = scale.mul_add(q, scale - 1.0);
    let e_plus_1 = scale.mul_add(q, scale + 1.0);
    f64::from((e_minus_1 / e_plus_1).copysign(v))
}

/// Largest relative error of [`exp_approx_f32`] against the C library's `exp` on
/// `[-87, 88]` (measured on a dense grid by the tests: worst 8.8e-8, under 1.5 `f32` ulps).
pub const EXP_F32_MAX_REL_ERROR: f64 = 1e-7;

/// `exp(x)` in single precision to within [`EXP_F32_MAX_REL_ERROR`] (relative), branch-free.
/// Inputs are clamped to `[-87, 88]` (results stay normal and finite); NaN stays NaN.
///
/// For the fast mode's two-class gradients, whose probabilities are as accurate as the
/// single-precision activations they come from: eight lanes per AVX2 vector and the degree-7
/// polynomial of [`tanh_approx`], with `ln 2` split in two (Cody and Waite) because `n` here
/// reaches ±127.
#[inline(always)]
pub fn exp_approx_f32(x: f32) -> f32 {
    // `if -87 > x { -87 } else { x }` (then the same against 88), what MAXPS and MINPS
    // compute: NaN fails both comparisons and stays.
    let x = if EXP_F32_MIN > x { EXP_F32_MIN } else { x };
    let x = if EXP_F32_MAX < x { EXP_F32_MAX } else { x };
    let kd = x.mul_add(LOG2E_F32, ROUND_SHIFT_F32);
    let n = kd - ROUND_SHIFT_F32;
    let r = (-n).mul_add(LN2_HI_F32, x);
    let r = (-n).mul_add(LN2_LO_F32, r);
    let q = expm1_reduced_f32(r);
    // 2^n from the integer sitting in the low bits of `kd`: n + 127 is in [1, 254].
    let scale = f32::from_bits(kd.to_bits().wrapping_add(127) << 23);
    scale.mul_add(q, scale)
}

const EXP_F32_MIN: f32 = -87.0;
const EXP_F32_MAX: f32 = 88.0;
// ln 2 split so that `n * LN2_HI_F32` is exact for |n| < 2^15 (Cephes' constants; the first
// literal rounds to 0.693359375, nine significant bits, as a test checks).
const LN2_HI_F32: f32 = 0.693_359_4;
const LN2_LO_F32: f32 = -2.121_944_4e-4;

/// `|x|` from which [`tanh_approx`] returns ±1 (`tanh(10)` rounds to 1 in single precision).
const TANH_CLAMP: f32 = 10.0;
const LOG2E_F32: f32 = std::f32::consts::LOG2_E;
const LN2_F32: f32 = std::f32::consts::LN_2;
// Adding 1.5 * 2^23 rounds an f32 to an integer and leaves it in the low mantissa bits.
const ROUND_SHIFT_F32: f32 = 12_582_912.0;

// e^r - 1 = r + r² P(r), P the Taylor series of (e^r - 1 - r) / r² to degree 5 (e^r's to
// degree 7): for |r| <= ln2/2 the truncation is below 1.5e-8 relative, under f32's 6e-8 ulp.
// The coefficients are `exp_approx`'s rounded to single precision (the same bits as `1/k!`
// computed in f32).
const F2: f32 = C2 as f32;
const F3: f32 = C3 as f32;
const F4: f32 = C4 as f32;
const F5: f32 = C5 as f32;
const F6: f32 = C6 as f32;
const F7: f32 = C7 as f32;

/// `e^r - 1` in single precision for `|r| <= ln2/2 + tiny`, by Estrin's scheme.
#[inline(always)]
fn expm1_reduced_f32(r: f32) -> f32 {
    let r2 = r * r;
    let r4 = r2 * r2;
    let p23 = r.mul_add(F3, F2);
    let p45 = r.mul_add(F5, F4);
    let p67 = r.mul_add(F7, F6);
    let p = r4.mul_add(p67, r2.mul_add(p45, p23));
    r2.mul_add(p, r)
}

/// Applies a lane-wise AVX2 operation to each of `G` vectors, step by step, so that the `G`
/// independent chains interleave in the instruction stream.
#[cfg(target_arch = "x86_64")]
macro_rules! each {
    (|$($v:ident),+| $op:expr) => {{
        // A loop rather than `array::from_fn`: a closure may stay out of line, without the
        // caller's target features.
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

/// [`expm1_reduced_f32`] of eight lanes: the same operations in the same order.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn expm1_reduced_ps(r: __m256) -> __m256 {
    let splat = _mm256_set1_ps;
    let r2 = _mm256_mul_ps(r, r);
    let r4 = _mm256_mul_ps(r2, r2);
    let p23 = _mm256_fmadd_ps(r, splat(F3), splat(F2));
    let p45 = _mm256_fmadd_ps(r, splat(F5), splat(F4));
    let p67 = _mm256_fmadd_ps(r, splat(F7), splat(F6));
    let p = _mm256_fmadd_ps(r4, p67, _mm256_fmadd_ps(r2, p45, p23));
    _mm256_fmadd_ps(r2, p, r)
}

/// `2^n` from the integer `n` sitting in the low mantissa bits of `kd` (`n + 127` in
/// `[1, 254]`), lane by lane.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn pow2_ps(kd: __m256) -> __m256 {
    let bits = _mm256_add_epi32(_mm256_castps_si256(kd), _mm256_set1_epi32(127));
    _mm256_castsi256_ps(_mm256_slli_epi32::<23>(bits))
}

/// The single-precision core of [`tanh_approx`] on eight lanes with AVX2 and FMA, the same
/// operations in the same order (the same bits per lane), for kernels that narrow their f64
/// values to f32 themselves (`_mm256_cvtpd_ps`, which rounds as `x as f32`) and widen the
/// results back.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
pub(crate) fn tanh_approx_ps(v: __m256) -> __m256 {
    let splat = _mm256_set1_ps;
    let sign = splat(-0.0);
    // `if |x| > 10 { 10 } else { |x| }`: MINPS returns its second operand for NaN.
    let ax = _mm256_min_ps(splat(TANH_CLAMP), _mm256_andnot_ps(sign, v));
    let kd = _mm256_fmadd_ps(ax, splat(2.0 * LOG2E_F32), splat(ROUND_SHIFT_F32));
    let n = _mm256_sub_ps(kd, splat(ROUND_SHIFT_F32));
    let r = _mm256_fnmadd_ps(n, splat(LN2_F32), _mm256_add_ps(ax, ax));
    let q = expm1_reduced_ps(r);
    let scale = pow2_ps(kd);
    let e_minus_1 = _mm256_fmadd_ps(scale, q, _mm256_sub_ps(scale, splat(1.0)));
    let e_plus_1 = _mm256_fmadd_ps(scale, q, _mm256_add_ps(scale, splat(1.0)));
    let t = _mm256_div_ps(e_minus_1, e_plus_1);
    // copysign
    _mm256_or_ps(_mm256_andnot_ps(sign, t), _mm256_and_ps(sign, v))
}

/// [`tanh_approx_ps`] of every vector in place: a loop of short independent iterations, which
/// the core overlaps by itself (a run-time count, so that the compiler does not merge it with
/// the steps around it in a kernel).
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
pub(crate) fn tanh_approx_ps_in_place(v: &mut [__m256]) {
    for v in v {
        *v = tanh_approx_ps(*v);
    }
}

/// [`exp_approx_f32`] of eight lanes with AVX2 and FMA: the same operations in the same
/// order, so every lane has its bits.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
pub(crate) fn exp_approx_f32_ps(x: __m256) -> __m256 {
    let splat = _mm256_set1_ps;
    let x = _mm256_min_ps(splat(EXP_F32_MAX), _mm256_max_ps(splat(EXP_F32_MIN), x));
    let kd = _mm256_fmadd_ps(x, splat(LOG2E_F32), splat(ROUND_SHIFT_F32));
    let n = _mm256_sub_ps(kd, splat(ROUND_SHIFT_F32));
    let r = _mm256_fnmadd_ps(n, splat(LN2_HI_F32), x);
    let r = _mm256_fnmadd_ps(n, splat(LN2_LO_F32), r);
    let q = expm1_reduced_ps(r);
    let scale = pow2_ps(kd);
    _mm256_fmadd_ps(scale, q, scale)
}

/// [`tanh_approx`] over a slice, eight lanes at a time with AVX2 (the same bits per value).
pub fn tanh_approx_slice(values: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if crate::dispatch::has_fma_avx2() {
        // SAFETY: the CPU has AVX2 and FMA, as just checked.
        unsafe { tanh_approx_slice_avx2(values) };
        return;
    }
    for v in values.iter_mut() {
        *v = tanh_approx(*v);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn tanh_approx_slice_avx2(values: &mut [f64]) {
    let mut chunks = values.chunks_exact_mut(8);
    for chunk in &mut chunks {
        let (lo, hi) = chunk.split_at_mut(4);
        // SAFETY: each half holds exactly four values, which the loads and stores cover.
        unsafe {
            let t = tanh_approx_ps(_mm256_set_m128(
                _mm256_cvtpd_ps(_mm256_loadu_pd(hi.as_ptr())),
                _mm256_cvtpd_ps(_mm256_loadu_pd(lo.as_ptr())),
            ));
            _mm256_storeu_pd(lo.as_mut_ptr(), _mm256_cvtps_pd(_mm256_castps256_ps128(t)));
            _mm256_storeu_pd(
                hi.as_mut_ptr(),
                _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(t)),
            );
        }
    }
    for v in chunks.into_remainder() {
        *v = tanh_approx(*v);
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
    fn tanh_error_is_within_the_documented_bounds() {
        let (mut worst_abs, mut worst_rel) = (0.0f64, 0.0f64);
        let tiny = (-37..0).map(|e| 10f64.powi(e));
        for x in grid(-25.0, 25.0, 2_000_003)
            .chain(grid(-1e-3, 1e-3, 20_001))
            .chain(tiny.clone().chain(tiny.map(|t| -1.7 * t)))
        {
            let (approx, exact) = (tanh_approx(x), x.tanh());
            worst_abs = worst_abs.max((approx - exact).abs());
            if exact != 0.0 {
                worst_rel = worst_rel.max(((approx - exact) / exact).abs());
            }
        }
        eprintln!("tanh_approx: worst absolute error {worst_abs:e}, relative {worst_rel:e}");
        assert!(
            worst_abs <= TANH_MAX_ABS_ERROR,
            "worst absolute error {worst_abs:e}"
        );
        assert!(
            worst_rel <= TANH_MAX_REL_ERROR,
            "worst relative error {worst_rel:e}"
        );
        assert!(tanh_approx(f64::NAN).is_nan());
        assert_eq!(tanh_approx(f64::INFINITY), 1.0);
        assert_eq!(tanh_approx(-1e300), -1.0);
        assert_eq!(tanh_approx(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(tanh_approx(1e-300), 0.0);
        let mut v = [0.5, -3.0, 1e-9, 40.0, f64::NEG_INFINITY];
        tanh_approx_slice(&mut v);
        assert_eq!(
            v,
            [0.5, -3.0, 1e-9, 40.0, f64::NEG_INFINITY].map(tanh_approx)
        );
    }

    #[test]
    fn exp_f32_error_is_within_the_documented_bound() {
        let mut worst = 0.0f64;
        for x in grid(-87.0, 88.0, 2_000_003).chain(grid(-1.0, 1.0, 200_001)) {
            let x = x as f32;
            let exact = f64::from(x).exp();
            worst = worst.max(((f64::from(exp_approx_f32(x)) - exact) / exact).abs());
        }
        eprintln!("exp_approx_f32: worst relative error {worst:e}");
        assert!(
            worst <= EXP_F32_MAX_REL_ERROR,
            "worst relative error {worst:e}"
        );
        assert!(exp_approx_f32(f32::NAN).is_nan());
        assert_eq!(exp_approx_f32(0.0), 1.0);
        assert_eq!(exp_approx_f32(f32::NEG_INFINITY), exp_approx_f32(-87.0));
        assert_eq!(exp_approx_f32(f32::INFINITY), exp_approx_f32(88.0));
        assert!(exp_approx_f32(88.0).is_finite() && exp_approx_f32(-87.0).is_normal());
        assert_eq!(f64::from(LN2_HI_F32), 0.693_359_375);
    }

    /// The AVX2 code gives every lane [`exp_approx_f32`]'s bits, special values included.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn exp_f32_avx2_lanes_have_the_scalar_bits() {
        if !crate::dispatch::has_fma_avx2() {
            return;
        }
        let values: Vec<f32> = grid(-100.0, 100.0, 19_999)
            .map(|x| x as f32)
            .chain([0.0, -0.0, 1e-40, -87.5, 88.5, f32::INFINITY, -f32::INFINITY])
            .chain([f32::NAN])
            .collect();
        assert_eq!(values.len() % 8, 0);
        for chunk in values.chunks_exact(8) {
            let mut got = [0.0f32; 8];
            // SAFETY: AVX2 and FMA are present (checked above); both arrays hold 8 values.
            unsafe {
                let e = exp_approx_f32_ps(_mm256_loadu_ps(chunk.as_ptr()));
                _mm256_storeu_ps(got.as_mut_ptr(), e);
            }
            for (x, y) in chunk.iter().zip(got) {
                assert_eq!(
                    y.to_bits(),
                    exp_approx_f32(*x).to_bits(),
                    "exp_approx_f32({x})"
                );
            }
        }
    }

    /// The AVX2 code gives every lane [`tanh_approx`]'s bits, for an odd number of vectors too
    /// (the last one then fills an eight-lane vector alone).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn tanh_avx2_lanes_have_the_scalar_bits() {
        if !crate::dispatch::has_fma_avx2() {
            return;
        }
        let values: Vec<f64> = grid(-12.0, 12.0, 12_000)
            .chain([
                0.0,
                -0.0,
                1e-40,
                -1e-300,
                20.0,
                f64::INFINITY,
                -f64::INFINITY,
            ])
            .collect();
        // Whole vectors only: every special value below goes through the vector lanes.
        assert_eq!(values.len() % 8, 0);
        let mut got = values.clone();
        tanh_approx_slice(&mut got);
        for (x, y) in values.iter().zip(got) {
            assert_eq!(y.to_bits(), tanh_approx(*x).to_bits(), "tanh_approx({x})");
        }
    }
}
