//! Approximate `exp` and `tanh` for the opt-in fast mode: branch-free polynomials that the
//! compiler vectorises, instead of one C library call per element. `exp_approx` computes in
//! double precision (within 5e-16, four lanes with AVX2), `tanh_approx` in single precision
//! (within 2e-7, eight lanes).
//!
//! `exp_approx_f32` is `exp` in single precision (within 1e-7), for the two-class gradient
//! kernel, whose probabilities need no more accuracy than its single-precision activations.
//!
//! Each is written once on the crate's lane types (`lanes::Real`): the public scalar function
//! and the crate's vector kernels (`exp_lanes`, `tanh_lanes`, `exp_f32_lanes` on AVX2
//! registers or arrays) run the same operations, with the same bits per lane.
//!
//! They are *not* the seed's arithmetic: a network trained with them follows a trajectory that
//! drifts from numpy's by about their error (~1e-7 relative on the seed's runs). The exact
//! path never calls them.

use crate::dispatch::dispatched;
use crate::lanes::{Real, Simd};

/// Applies a lane-wise step to each of `N` values, so that their independent chains
/// interleave in the instruction stream (a loop rather than `array::from_fn`, whose closure
/// could stay out of line, without a kernel's target features).
macro_rules! each {
    (|$first:ident $(, $v:ident)*| $op:expr) => {{
        let mut out = $first;
        for (g, out) in out.iter_mut().enumerate() {
            let $first = $first[g];
            $(let $v = $v[g];)*
            *out = $op;
        }
        out
    }};
}

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

/// `e^r - 1` as `r + r² P(r)` for a reduced argument `|r| <= ln2/2 + tiny`, on `N` values
/// step by step (so that their independent chains interleave).
#[inline(always)]
fn expm1_reduced<V: Real<Scalar = f64>, const N: usize>(r: [V; N]) -> [V; N] {
    let s = V::splat;
    let r2 = each!(|r| r * r);
    let r4 = each!(|r2| r2 * r2);
    let p23 = each!(|r| r.mul_add(s(C3), s(C2)));
    let p45 = each!(|r| r.mul_add(s(C5), s(C4)));
    let p67 = each!(|r| r.mul_add(s(C7), s(C6)));
    let p89 = each!(|r| r.mul_add(s(C9), s(C8)));
    let p1011 = each!(|r| r.mul_add(s(C11), s(C10)));
    let p25 = each!(|r2, p45, p23| r2.mul_add(p45, p23));
    let p69 = each!(|r2, p89, p67| r2.mul_add(p89, p67));
    let p1012 = each!(|r2, p1011| r2.mul_add(s(C12), p1011));
    let p = each!(|r4, p1012, p69, p25| r4.mul_add(r4.mul_add(p1012, p69), p25));
    each!(|r2, p, r| r2.mul_add(p, r))
}

/// `exp(x)` to within [`EXP_MAX_REL_ERROR`] (relative), branch-free. Inputs are clamped to
/// `[-708, 709]`, so results below `exp(-708)` come out as about 3e-308 instead of smaller;
/// NaN stays NaN.
#[inline(always)]
pub fn exp_approx(x: f64) -> f64 {
    let [e] = exp_lanes([x]);
    e
}

/// [`exp_approx`] of every lane of `N` values, step by step: one chain (~70 cycles of
/// latency) is longer than the out-of-order window can overlap with the next.
#[inline(always)]
pub(crate) fn exp_lanes<V: Real<Scalar = f64>, const N: usize>(x: [V; N]) -> [V; N] {
    let s = V::splat;
    // MAXPD and MINPD keep NaN in their second operand.
    let x = each!(|x| s(709.0).lesser(s(-708.0).greater(x)));
    let kd = each!(|x| x.mul_add(s(LOG2E), s(ROUND_SHIFT)));
    let n = each!(|kd| kd - s(ROUND_SHIFT));
    let r = each!(|n, x| n.mul_add(s(-LN2_HI), x));
    let r = each!(|n, r| n.mul_add(s(-LN2_LO), r));
    let q = expm1_reduced(r);
    // 2^n (1 + q) with one rounding, 2^n from the integer sitting in the low bits of `kd`
    // (n + 1023 is in [1, 2046]): the error is that of `q` (well below an ulp of 1 + q)
    // plus half an ulp.
    each!(|q, kd| {
        let scale = kd.pow2_of_shifted();
        scale.mul_add(q, scale)
    })
}

/// `tanh(x)` to within [`TANH_MAX_ABS_ERROR`] (absolute) and [`TANH_MAX_REL_ERROR`]
/// (relative), branch-free, computed in single precision as
/// `sign(x) (e - 1) / (e + 1)` with `e = exp(2|x|)`. NaN stays NaN.
///
/// Single precision because the activations are the fast pass's bulk (a `tanh` per hidden
/// unit per row, against a few `exp`s per row): eight lanes per AVX2 vector instead of four,
/// and a degree-7 polynomial instead of degree 12, for ~1e-7 instead of ~1e-16. `x` is
/// rounded to `f32` first; the result is an `f32` widened back, exactly.
#[inline(always)]
pub fn tanh_approx(x: f64) -> f64 {
    f64::from(tanh_lanes(x as f32))
}

/// The single-precision core of [`tanh_approx`], on every lane.
///
/// `e = 2^n (1 + q)` with `q = e^r - 1` on the reduced argument `|r| <= ln2/2 + tiny`; `e - 1`
/// and `e + 1` are each one multiply-add (`2^n q + (2^n ∓ 1)`, `2^n ∓ 1` exact up to
/// `n = 24`, beyond which `tanh` rounds to 1 anyway), so near zero, where `n = 0` and
/// `e - 1 = q`, the quotient keeps its relative accuracy instead of cancelling.
#[inline(always)]
pub(crate) fn tanh_lanes<V: Real<Scalar = f32>>(v: V) -> V {
    let s = V::splat;
    // tanh(10) rounds to 1.0 in f32; clamping keeps `e` finite. MINPS keeps NaN.
    let ax = s(TANH_CLAMP).lesser(v.abs());
    let kd = ax.mul_add(s(2.0 * LOG2E_F32), s(ROUND_SHIFT_F32));
    let n = kd - s(ROUND_SHIFT_F32);
    let r = n.neg_mul_add(s(LN2_F32), ax + ax);
    let q = expm1_reduced_f32(r);
    // 2^n from the integer sitting in the low bits of `kd`: n + 127 is in [127, 156].
    let scale = kd.pow2_of_shifted();
    let e_minus_1 = scale.mul_add(q, scale - s(1.0));
    let e_plus_1 = scale.mul_add(q, scale + s(1.0));
    (e_minus_1 / e_plus_1).copysign(v)
}

/// [`tanh_lanes`] of every vector in place: a loop of short independent iterations, which
/// the core overlaps by itself (a run-time count, so that the compiler does not merge it with
/// the steps around it in a kernel).
#[inline(always)]
pub(crate) fn tanh_lanes_in_place<V: Real<Scalar = f32>>(values: &mut [V]) {
    for v in values {
        *v = tanh_lanes(*v);
    }
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
    exp_f32_lanes(x)
}

/// [`exp_approx_f32`] on every lane.
#[inline(always)]
pub(crate) fn exp_f32_lanes<V: Real<Scalar = f32>>(x: V) -> V {
    let s = V::splat;
    // MAXPS and MINPS keep NaN in their second operand.
    let x = s(EXP_F32_MAX).lesser(s(EXP_F32_MIN).greater(x));
    let kd = x.mul_add(s(LOG2E_F32), s(ROUND_SHIFT_F32));
    let n = kd - s(ROUND_SHIFT_F32);
    let r = n.neg_mul_add(s(LN2_HI_F32), x);
    let r = n.neg_mul_add(s(LN2_LO_F32), r);
    let q = expm1_reduced_f32(r);
    // 2^n from the integer sitting in the low bits of `kd`: n + 127 is in [1, 254].
    let scale = kd.pow2_of_shifted();
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
fn expm1_reduced_f32<V: Real<Scalar = f32>>(r: V) -> V {
    let s = V::splat;
    let r2 = r * r;
    let r4 = r2 * r2;
    let p23 = r.mul_add(s(F3), s(F2));
    let p45 = r.mul_add(s(F5), s(F4));
    let p67 = r.mul_add(s(F7), s(F6));
    let p = r4.mul_add(p67, r2.mul_add(p45, p23));
    r2.mul_add(p, r)
}

dispatched! {
    /// [`tanh_approx`] over a slice, eight lanes at a time (the same bits per value).
    pub fn tanh_approx_slice<S: Simd>(values: &mut [f64]) {
        tanh_approx_in_place::<S>(values)
    }
}

/// The body of [`tanh_approx_slice`], for kernels already compiled for `S`.
#[inline(always)]
pub(crate) fn tanh_approx_in_place<S: Simd>(values: &mut [f64]) {
    let mut chunks = values.chunks_exact_mut(8);
    for chunk in &mut chunks {
        let (lo, hi) = chunk.split_at_mut(4);
        let [t_lo, t_hi] = S::widen(tanh_lanes(S::narrow(S::load(lo), S::load(hi))));
        S::store(t_lo, lo);
        S::store(t_hi, hi);
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
    use crate::dispatch::portable_only;

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

    dispatched! {
        /// `exp_approx_f32` (of each value rounded to f32) and `exp_approx` over whole vectors.
        fn exps_in_lanes<S: Simd>(values: &[f64], f32s: &mut [f64], f64s: &mut [f64]) {
            for ((x, e32), e64) in values
                .chunks_exact(8)
                .zip(f32s.chunks_exact_mut(8))
                .zip(f64s.chunks_exact_mut(8))
            {
                let (lo, hi) = (S::load(x), S::load(&x[4..]));
                let [a, b] = S::widen(exp_f32_lanes(S::narrow(lo, hi)));
                S::store(a, e32);
                S::store(b, &mut e32[4..]);
                let [a, b] = exp_lanes([lo, hi]);
                S::store(a, e64);
                S::store(b, &mut e64[4..]);
            }
        }
    }

    /// Every lane of the vector code, AVX2 or portable, has the scalar functions' bits,
    /// special values included.
    #[test]
    fn lanes_have_the_scalar_bits() {
        let values: Vec<f64> = grid(-800.0, 800.0, 39_989)
            .chain([0.0, -0.0, 1e-40, -1e-300, -87.5, 88.5, 20.0])
            .chain([f64::INFINITY, -f64::INFINITY, f64::NAN])
            .collect();
        // Whole vectors only: every special value goes through the vector lanes.
        assert_eq!(values.len() % 8, 0);
        let run = || {
            let (mut f32s, mut f64s, mut tanhs) = (values.clone(), values.clone(), values.clone());
            exps_in_lanes(&values, &mut f32s, &mut f64s);
            tanh_approx_slice(&mut tanhs);
            (f32s, f64s, tanhs)
        };
        // NaN in, NaN out: which NaN (its sign) is the compiler's choice.
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        for (isa, (f32s, f64s, tanhs)) in [("default", run()), ("portable", portable_only(run))] {
            for (i, &x) in values.iter().enumerate() {
                let want = f64::from(exp_approx_f32(x as f32));
                assert!(same(f32s[i], want), "{isa} exp_approx_f32({x})");
                assert!(same(f64s[i], exp_approx(x)), "{isa} exp_approx({x})");
                assert!(same(tanhs[i], tanh_approx(x)), "{isa} tanh_approx({x})");
            }
        }
    }
}
