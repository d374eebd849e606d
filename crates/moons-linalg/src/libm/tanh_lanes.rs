//! [`tanh`](super::tanh) four lanes at a time, written once on the lane types: the same
//! operations in the same order, with every branch of the scalar code computed and the right
//! one selected per lane. Every input is covered (tiny values, zeros, infinities and NaN
//! included), so the loop has no branch but its own.

use std::mem::MaybeUninit;

use super::expm1::{INV_LN2, LN2_HI, LN2_LO, Q1, Q2, Q3, Q4, Q5};
use crate::dispatch::dispatched;
use crate::lanes::{Real, Simd};

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
/// replaces that branch, keeps `k` below 64 and makes infinities harmless. MINPD's rule
/// returns `|x|` when it is NaN: NaN stays NaN to the end.
#[inline(always)]
fn clamped_abs<F: Real<Scalar = f64>>(x: F) -> F {
    F::splat(22.0).lesser(x.abs())
}

/// The lanes where `tanh` takes its `|x| >= 1` branch.
#[inline(always)]
fn big<F: Real<Scalar = f64>>(ax22: F) -> F::Mask {
    ax22.ge(F::splat(1.0))
}

/// The lanes whose `expm1` argument needs no reduction (`k = 0`). expm1's thresholds on its
/// argument `|a| = 2|x|` are compared as half of them on `|x|`, which is exact.
#[inline(always)]
fn unreduced<F: Real<Scalar = f64>>(ax22: F) -> F::Mask {
    ax22.lt(F::splat(NO_REDUCTION_BELOW / 2.0))
}

/// expm1's `hxs = r (r / 2)`.
#[inline(always)]
fn half_square<F: Real<Scalar = f64>>(r: F) -> F {
    r * (r * F::splat(0.5))
}

/// Step 1: expm1's argument `a` (`2|x|` for `|x| >= 1`, else `-2|x|`) reduced to
/// `a = k ln 2 + r` with `r` carried as `r` and its correction `c`: `(k, r, c)`.
///
/// expm1's "reduce by one ln 2" branch is its general reduction with `k = -1`, which is what
/// the general formula gives for every such lane (`|a| / ln 2` is in `(0.5, 1.5)`), so only
/// the unreduced lanes (`k = 0`, `hi = a`, `lo = 0`) differ.
#[inline(always)]
fn reduce<F: Real<Scalar = f64>>(x: F) -> [F; 3] {
    let ax22 = clamped_abs(x);
    let big = big(ax22);
    let twice = ax22 + ax22;
    let a = F::select(big, twice, -twice);
    // GCC keeps this multiply and add apart (no FMA): the product is rounded.
    let half = F::select(big, F::splat(0.5), F::splat(-0.5));
    let k_far = (F::splat(INV_LN2) * a + half).trunc();
    let k = F::select(unreduced(ax22), F::splat(0.0), k_far);
    let hi = k.neg_mul_add(F::splat(LN2_HI), a);
    let lo = k * F::splat(LN2_LO);
    let r = hi - lo;
    let c = (hi - r) - lo;
    [k, r, c]
}

/// Step 2: expm1's rational correction `e = (r1 - t) / (6 - r t) hxs`.
#[inline(always)]
fn correction<F: Real<Scalar = f64>>(r: F) -> F {
    let splat = F::splat;
    let hfx = r * splat(0.5);
    let hxs = r * hfx;
    let r1 = hxs.mul_add(splat(Q1), splat(1.0));
    let h2 = hxs * hxs;
    let r2 = hxs.mul_add(splat(Q3), splat(Q2));
    let h4 = h2 * h2;
    let r3 = hxs.mul_add(splat(Q5), splat(Q4));
    let r1 = h4.mul_add(r3, h2.mul_add(r2, r1));
    let t = r1.neg_mul_add(hfx, splat(3.0));
    ((r1 - t) / r.neg_mul_add(t, splat(6.0))) * hxs
}

/// Step 3: `expm1(a)` from the reduction and the correction.
///
/// The general results `y · 2^k` (minus 1 in the far case) differ only in `y`, so `y` is
/// selected first and scaled once.
#[inline(always)]
fn expm1<F: Real<Scalar = f64>>(x: F, [k, r, c]: [F; 3], e: F) -> F {
    let splat = F::splat;
    let one = splat(1.0);
    let ax22 = clamped_abs(x);
    let hxs = half_square(r);
    let when_unreduced = r - r.mul_sub(e, hxs);
    let e = r.mul_sub(e - c, c) - hxs;
    let e_minus_r = e - r;
    // 0.5 (r - e) - 0.5, with r - e = -(e - r) exactly.
    let when_k_minus_1 = splat(0.5).neg_mul_add(e_minus_r, splat(-0.5));
    // 2^k and 2^-k; multiplying by 2^k is the scalar code's exponent addition (no rounding:
    // the values scaled are in [0.5, 2] and |k| < 64).
    let pow2_k = k.pow2_of_int();
    let pow2_minus_k = (-k).pow2_of_int();
    // The general cases scale y by 2^k: y = 1 - (e - r) for k <= -2 (then minus 1),
    // (1 - 2^-k) - (e - r) for 2 <= k < 20 and (r - (e + 2^-k)) + 1 above. (Above k = 56
    // the scalar code takes the k <= -2 formula, but those lanes have |x| > 19.4, where
    // either gives tanh = 1.)
    let far = one - e_minus_r;
    let mid = (one - pow2_minus_k) - e_minus_r;
    let high = (r - (e + pow2_minus_k)) + one;
    // k is never -0.0 (0 where unreduced, else |k| >= 1): its sign bit is k < 0.
    let negative_k = k.sign_set();
    let y = F::select(negative_k, far, F::select(k.lt(splat(20.0)), mid, high));
    let general = y * pow2_k - F::select(negative_k, one, splat(0.0));
    let k_is_minus_1 = ax22.lt(splat(ONE_LN2_BELOW / 2.0));
    F::select(
        unreduced(ax22),
        when_unreduced,
        F::select(k_is_minus_1, when_k_minus_1, general),
    )
}

/// Step 4: `tanh(x)` from `t = expm1(a)`: `1 - 2 / (t + 2)` for `|x| >= 1`, else
/// `-t / (t + 2)`, with `x`'s sign.
#[inline(always)]
fn tanh_from_expm1<F: Real<Scalar = f64>>(x: F, t: F) -> F {
    let two = F::splat(2.0);
    let big = big(clamped_abs(x));
    let q = F::select(big, two, -t) / (t + two);
    F::select(big, F::splat(1.0) - q, q).flip_sign(x)
}

dispatched! {
    /// `tanh` of every value, in place, with the bits of [`tanh`](super::tanh) on every CPU:
    /// the whole vectors in sweeps of up to 16, then the last one to three values with the
    /// scalar code. (One sweep loop for full and partial sweeps: a separate loop for the full
    /// ones kept three fewer constants in registers, 2% more instructions.)
    ///
    /// The scalar code's own cases need no lanes of their own: below `|x| = 2^-55`, where it
    /// returns `x (1 + x) = x`, the arithmetic also gives `x` (`expm1(a)` rounds to `a`, then
    /// `2|x| / 2`), zeros keep their sign, and NaN flows through to a NaN.
    pub fn tanh_slice<S: Simd>(values: &mut [f64]) {
        let whole = values.len() - values.len() % 4;
        let (vectors, tail) = values.split_at_mut(whole);
        for sweep in vectors.chunks_mut(4 * SWEEP_VECTORS) {
            tanh_sweep::<S>(sweep);
        }
        for v in tail {
            *v = super::tanh(*v);
        }
    }
}

/// `tanh` in place of at most [`SWEEP_VECTORS`] whole vectors, step by step.
///
/// Each step is a loop of its own over the vectors, with a run-time count: unrolled, the
/// compiler would schedule the steps of each vector back together into one long chain.
// Each step indexes the same vectors and the two step arrays, all of length n, so that no
// index is checked (zipped chunk iterators cost 1.3 M more instructions over the seed's run,
// and slicing four values out of `values` per load 2-5% of the sweep).
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn tanh_sweep<S: Simd>(values: &mut [f64]) {
    let vectors = as_vectors(values);
    let n = vectors.len();
    assert!(n <= SWEEP_VECTORS);
    // Uninitialised: zeroing them first measured 10% of the whole.
    let mut reduced = [MaybeUninit::<[S::F64x4; 3]>::uninit(); SWEEP_VECTORS];
    let mut t = [MaybeUninit::<S::F64x4>::uninit(); SWEEP_VECTORS];
    let (reduced, t) = (&mut reduced[..n], &mut t[..n]);
    for i in 0..n {
        reduced[i].write(reduce(S::load(&vectors[i])));
    }
    // SAFETY (every `assume_init` below): the loop above wrote every one of `reduced`, and
    // the next one writes each of `t` before it is read.
    for i in 0..n {
        t[i].write(correction(unsafe { reduced[i].assume_init() }[1]));
    }
    for i in 0..n {
        let (e, reduction) = unsafe { (t[i].assume_init(), reduced[i].assume_init()) };
        t[i].write(expm1(S::load(&vectors[i]), reduction, e));
    }
    for i in 0..n {
        let z = tanh_from_expm1(S::load(&vectors[i]), unsafe { t[i].assume_init() });
        S::store(z, &mut vectors[i]);
    }
}

/// `values` (a multiple of four long) as vectors of four.
#[inline(always)]
fn as_vectors(values: &mut [f64]) -> &mut [[f64; 4]] {
    assert!(values.len() % 4 == 0);
    // SAFETY: `[f64; 4]` has `f64`'s alignment and four times its size, and the new slice
    // covers exactly the values of `values`, whose borrow it takes over.
    unsafe { std::slice::from_raw_parts_mut(values.as_mut_ptr().cast(), values.len() / 4) }
}
