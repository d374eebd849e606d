//! [`tanh`](super::tanh) four lanes at a time with AVX2 and FMA: the same operations in the
//! same order, with every branch of the scalar code computed and the right one selected per
//! lane. Every input is covered (tiny values, zeros, infinities and NaN included), so the
//! loop has no branch but its own.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;
use std::mem::MaybeUninit;

use super::expm1::{INV_LN2, LN2_HI, LN2_LO, Q1, Q2, Q3, Q4, Q5};

/// `|x|` below which expm1 needs no argument reduction (its `hx <= 0x3fd62e42`).
const NO_REDUCTION_BELOW: f64 = f64::from_bits(0x3fd6_2e43_0000_0000);
/// `|x|` below which expm1 reduces by exactly one ln 2 (its `hx < 0x3ff0a2b2`).
const ONE_LN2_BELOW: f64 = f64::from_bits(0x3ff0_a2b2_0000_0000);

/// Vectors (of four lanes) per sweep: each step of the computation runs over all of them
/// before the next step starts, its intermediate values kept in arrays on the stack.
///
/// One value's chain is two divisions and ~50 dependent steps (~125 cycles). Computed in one
/// piece, a few values at a time, the out-of-order window holds barely one piece, so the
/// core waits on each chain's end (3.1-3.3 ns a value, whatever the number of interleaved
/// chains). Cut into four steps of short chains, each step's loop has small independent
/// iterations that overlap, and the core runs at its throughput instead.
const SWEEP_VECTORS: usize = 16;

/// `min(|x|, 22)`: `tanh` is 1 (before the sign) from `|x| >= 22`, and also computes to
/// exactly 1 at `|x| = 22` (`2 / (e^44 + 2)` is far below half an ulp of 1), so clamping
/// replaces that branch, keeps `k` below 64 and makes infinities harmless. `min` returns its
/// second operand when one is NaN: NaN stays NaN to the end.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn clamped_abs(x: __m256d) -> __m256d {
    _mm256_min_pd(
        _mm256_set1_pd(22.0),
        _mm256_andnot_pd(_mm256_set1_pd(-0.0), x),
    )
}

/// The lanes where `tanh` takes its `|x| >= 1` branch.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn big(ax22: __m256d) -> __m256d {
    _mm256_cmp_pd::<_CMP_GE_OQ>(ax22, _mm256_set1_pd(1.0))
}

/// The lanes whose `expm1` argument needs no reduction (`k = 0`). expm1's thresholds on its
/// argument `|a| = 2|x|` are compared as half of them on `|x|`, which is exact.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn unreduced(ax22: __m256d) -> __m256d {
    _mm256_cmp_pd::<_CMP_LT_OQ>(ax22, _mm256_set1_pd(NO_REDUCTION_BELOW / 2.0))
}

/// expm1's `hxs = r (r / 2)`.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn half_square(r: __m256d) -> __m256d {
    _mm256_mul_pd(r, _mm256_mul_pd(r, _mm256_set1_pd(0.5)))
}

/// Step 1: expm1's argument `a` (`2|x|` for `|x| >= 1`, else `-2|x|`) reduced to
/// `a = k ln 2 + r` with `r` carried as `r` and its correction `c`: `(k, r, c)`.
///
/// expm1's "reduce by one ln 2" branch is its general reduction with `k = -1`, which is what
/// the general formula gives for every such lane (`|a| / ln 2` is in `(0.5, 1.5)`), so only
/// the unreduced lanes (`k = 0`, `hi = a`, `lo = 0`) differ.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn reduce(x: __m256d) -> [__m256d; 3] {
    let splat = _mm256_set1_pd;
    let ax22 = clamped_abs(x);
    // The sign bit where expm1's argument is negative (|x| < 1).
    let negative = _mm256_andnot_pd(big(ax22), splat(-0.0));
    let a = _mm256_xor_pd(_mm256_add_pd(ax22, ax22), negative);
    // GCC keeps this multiply and add apart (no FMA): the product is rounded.
    let k_far = _mm256_round_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(_mm256_add_pd(
        _mm256_mul_pd(splat(INV_LN2), a),
        _mm256_xor_pd(splat(0.5), negative),
    ));
    let k = _mm256_andnot_pd(unreduced(ax22), k_far);
    let hi = _mm256_fnmadd_pd(k, splat(LN2_HI), a);
    let lo = _mm256_mul_pd(k, splat(LN2_LO));
    let r = _mm256_sub_pd(hi, lo);
    let c = _mm256_sub_pd(_mm256_sub_pd(hi, r), lo);
    [k, r, c]
}

/// Step 2: expm1's rational correction `e = (r1 - t) / (6 - r t) hxs`.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn correction(r: __m256d) -> __m256d {
    let splat = _mm256_set1_pd;
    let hfx = _mm256_mul_pd(r, splat(0.5));
    let hxs = _mm256_mul_pd(r, hfx);
    let r1 = _mm256_fmadd_pd(hxs, splat(Q1), splat(1.0));
    let h2 = _mm256_mul_pd(hxs, hxs);
    let r2 = _mm256_fmadd_pd(hxs, splat(Q3), splat(Q2));
    let h4 = _mm256_mul_pd(h2, h2);
    let r3 = _mm256_fmadd_pd(hxs, splat(Q5), splat(Q4));
    let r1 = _mm256_fmadd_pd(h4, r3, _mm256_fmadd_pd(h2, r2, r1));
    let t = _mm256_fnmadd_pd(r1, hfx, splat(3.0));
    _mm256_mul_pd(
        _mm256_div_pd(_mm256_sub_pd(r1, t), _mm256_fnmadd_pd(r, t, splat(6.0))),
        hxs,
    )
}

/// Step 3: `expm1(a)` from the reduction and the correction.
///
/// The general results `y · 2^k` (minus 1 in the far case) differ only in `y`, so `y` is
/// selected first and scaled once.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn expm1(x: __m256d, [k, r, c]: [__m256d; 3], e: __m256d) -> __m256d {
    let splat = _mm256_set1_pd;
    let ax22 = clamped_abs(x);
    let hxs = half_square(r);
    let when_unreduced = _mm256_sub_pd(r, _mm256_fmsub_pd(r, e, hxs));
    let e = _mm256_sub_pd(_mm256_fmsub_pd(r, _mm256_sub_pd(e, c), c), hxs);
    let e_minus_r = _mm256_sub_pd(e, r);
    // 0.5 (r - e) - 0.5, with r - e = -(e - r) exactly.
    let when_k_minus_1 = _mm256_fnmadd_pd(splat(0.5), e_minus_r, splat(-0.5));
    // 2^k and 2^-k; multiplying by 2^k is the scalar code's exponent addition (no rounding:
    // the values scaled are in [0.5, 2] and |k| < 64). Adding 2^52 + 1023 leaves k + 1023 in
    // the low bits of the sum, and shifting it up makes it an exponent.
    let magic = splat(4_503_599_627_371_519.0);
    let pow2_k = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_castpd_si256(_mm256_add_pd(
        k, magic,
    ))));
    let pow2_minus_k = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_castpd_si256(
        _mm256_sub_pd(magic, k),
    )));
    // The general cases scale y by 2^k: y = 1 - (e - r) for k <= -2 (then minus 1),
    // (1 - 2^-k) - (e - r) for 2 <= k < 20 and (r - (e + 2^-k)) + 1 above. (Above k = 56
    // the scalar code takes the k <= -2 formula, but those lanes have |x| > 19.4, where
    // either gives tanh = 1.) Blends select by k's sign bit where "k < 0" is the test.
    let far = _mm256_sub_pd(splat(1.0), e_minus_r);
    let mid = _mm256_sub_pd(_mm256_sub_pd(splat(1.0), pow2_minus_k), e_minus_r);
    let high = _mm256_add_pd(_mm256_sub_pd(r, _mm256_add_pd(e, pow2_minus_k)), splat(1.0));
    let y = _mm256_blendv_pd(
        _mm256_blendv_pd(high, mid, _mm256_cmp_pd::<_CMP_LT_OQ>(k, splat(20.0))),
        far,
        k,
    );
    let general = _mm256_sub_pd(
        _mm256_mul_pd(y, pow2_k),
        _mm256_blendv_pd(_mm256_setzero_pd(), splat(1.0), k),
    );
    let k_is_minus_1 = _mm256_cmp_pd::<_CMP_LT_OQ>(ax22, splat(ONE_LN2_BELOW / 2.0));
    _mm256_blendv_pd(
        _mm256_blendv_pd(general, when_k_minus_1, k_is_minus_1),
        when_unreduced,
        unreduced(ax22),
    )
}

/// Step 4: `tanh(x)` from `t = expm1(a)`: `1 - 2 / (t + 2)` for `|x| >= 1`, else
/// `-t / (t + 2)`, with `x`'s sign.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn tanh_from_expm1(x: __m256d, t: __m256d) -> __m256d {
    let splat = _mm256_set1_pd;
    let sign_bit = splat(-0.0);
    let big = big(clamped_abs(x));
    let q = _mm256_div_pd(
        _mm256_blendv_pd(_mm256_xor_pd(t, sign_bit), splat(2.0), big),
        _mm256_add_pd(t, splat(2.0)),
    );
    let z = _mm256_blendv_pd(q, _mm256_sub_pd(splat(1.0), q), big);
    _mm256_xor_pd(z, _mm256_and_pd(x, sign_bit))
}

/// `tanh` over a slice: sweeps of [`SWEEP_VECTORS`] vectors, then one of the remaining whole
/// vectors, then the last one to three values with the scalar code.
///
/// The scalar code's own cases need no lanes of their own: below `|x| = 2^-55`, where it
/// returns `x (1 + x) = x`, the arithmetic also gives `x` (`expm1(a)` rounds to `a`, then
/// `2|x| / 2`), zeros keep their sign, and NaN flows through to a NaN. So every input is
/// covered (tiny values, zeros, infinities and NaN included), and the loops have no branch
/// but their own.
///
/// # Safety
/// The CPU must have AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub(super) fn tanh_slice_avx2(values: &mut [f64]) {
    let mut sweeps = values.chunks_exact_mut(4 * SWEEP_VECTORS);
    for sweep in &mut sweeps {
        tanh_sweep(sweep);
    }
    let rest = sweeps.into_remainder();
    let whole = rest.len() - rest.len() % 4;
    let (vectors, tail) = rest.split_at_mut(whole);
    tanh_sweep(vectors);
    for v in tail {
        *v = super::tanh(*v);
    }
}

/// `tanh` in place of at most [`SWEEP_VECTORS`] whole vectors, step by step.
///
/// Each step is a loop of its own over the vectors, with a run-time count: unrolled, the
/// compiler would schedule the steps of each vector back together into one long chain.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn tanh_sweep(values: &mut [f64]) {
    let n = values.len() / 4;
    assert!(values.len() % 4 == 0 && n <= SWEEP_VECTORS);
    // Uninitialised: zeroing them first measured 10% of the whole.
    let mut reduced = [MaybeUninit::<[__m256d; 3]>::uninit(); SWEEP_VECTORS];
    let mut t = [MaybeUninit::<__m256d>::uninit(); SWEEP_VECTORS];
    let (reduced, t) = (&mut reduced[..n], &mut t[..n]);
    let at = values.as_mut_ptr();
    // SAFETY (every load and store below): `values` holds 4 n f64s and `i < n`, so each
    // 4-lane access at `at + 4 i` is in bounds; the intrinsics take unaligned addresses.
    let load = |i: usize| unsafe { _mm256_loadu_pd(at.add(4 * i)) };
    for (i, red) in reduced.iter_mut().enumerate() {
        red.write(reduce(load(i)));
    }
    // SAFETY (every `assume_init` below): the loop above wrote all n of `reduced`, and the
    // next one writes all n of `t` before any is read.
    for (t, red) in t.iter_mut().zip(reduced.iter()) {
        t.write(correction(unsafe { red.assume_init() }[1]));
    }
    for (i, (t, red)) in t.iter_mut().zip(reduced.iter()).enumerate() {
        let e = unsafe { t.assume_init() };
        t.write(expm1(load(i), unsafe { red.assume_init() }, e));
    }
    for (i, t) in t.iter().enumerate() {
        let z = tanh_from_expm1(load(i), unsafe { t.assume_init() });
        unsafe { _mm256_storeu_pd(at.add(4 * i), z) };
    }
}
