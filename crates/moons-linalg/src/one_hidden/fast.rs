//! The fast mode's whole training pass for a network with one tanh hidden layer (`D → H → C`
//! with `D ≤ 4`, `1 ≤ H ≤ 64`, `2 ≤ C ≤ 4`), vectorised in whichever direction suits the
//! width, in any arithmetic order.
//!
//! Unlike [`crate::one_hidden_forward_into`] these kernels do not reproduce numpy's rounding:
//! they use [`fast::tanh_approx`](crate::fast::tanh_approx) and
//! [`fast::exp_approx`](crate::fast::exp_approx), start every chain from its bias, shift every
//! softmax row by its maximum and add the gradient sums in lanes. What they keep is
//! determinism: the same inputs give the same bits on every run and for every rayon thread
//! count, because every value is computed by one fixed sequence of operations whichever thread
//! computes it (the FMA/AVX2 and portable copies of each kernel run the same operations too).
//!
//! Forward ([`one_hidden_fast_forward_into`]), each row from its own inputs alone (so a large
//! batch splits across threads at any row without changing a bit):
//!
//! - up to [`LANES_MAX_HIDDEN`] hidden units, **rows in SIMD lanes** (`one_hidden/lanes.rs`,
//!   written once on the lane types: eight rows a block, each unit's eight values narrowed
//!   into one f32 vector for `tanh`);
//! - wider layers, **units in SIMD lanes** (chunks of [`U`], one `f64` lane vector each),
//!   [`GROUP_ROWS`] rows at a time: per row `z = b1 + Σ_i x_i W1[i, ·]`, `tanh_approx` over
//!   the group's hidden outputs in place (eight at a time in `f32`), then per row the logits
//!   as lane sums over the chunks. Measured with N = 200: rows in lanes win up to about six
//!   units, whose rows fill no vector; beyond, units in lanes win, by 1.5x at H = 50. (Left
//!   to the compiler's vectoriser, a chunk's arithmetic came out as two lanes plus two
//!   scalars, ~12% slower: hence the lane types here too.)
//!
//! The softmax is `exp(z - max) / Σ exp(z - max)`; with two classes it is `1 / (1 + e)` and
//! `e / (1 + e)` with `e = exp(-|z0 - z1|)`, one exponential per row.
//!
//! Backward ([`one_hidden_fast_gradients_into`]):
//!
//! - up to [`LANES_MAX_HIDDEN`] hidden units, **rows in SIMD lanes** (`one_hidden/lanes.rs`,
//!   ~2x faster than units in lanes for `D = 2, H = 3, C = 2, N = 200`): every sum
//!   accumulated lane by lane over blocks of four rows in row order, then each sum's four
//!   lanes added as [`lane_total`]. That is one *leaf*; a batch of more than
//!   `GRADIENT_LEAF_ROWS` rows (`lane_sums.rs`) is halved at a leaf boundary until the parts fit, and the
//!   parts' sums added back up that tree (left + right). The tree depends on `N` alone, so
//!   running its halves on two threads (large batches) or one gives the same bits;
//! - wider layers, the exact kernel's sweep (the sums of [`crate::one_hidden_gradients_into`],
//!   without its checks that mirror numpy's routes, which the fast mode does not follow) on
//!   the fast forward pass's outputs: one sweep over the rows for all units (two threads with
//!   half of the units each on large batches), deterministic, and measured 5x faster than a
//!   sweep per chunk of units at `N = 100000, H = 64`.
//!
//! A training step that needs only the gradients of a two-class network of up to 6 units
//! takes neither kernel: [`crate::one_hidden_fast_two_class_gradients_into`] runs both passes in
//! one single-precision sweep.
//!
//! Errors: each activation is within
//! [`fast::TANH_MAX_ABS_ERROR`](crate::fast::TANH_MAX_ABS_ERROR) of the C library's `tanh` and
//! each exponential within [`fast::EXP_MAX_REL_ERROR`](crate::fast::EXP_MAX_REL_ERROR); the rest
//! is ordinary rounding in another order. `crates/moons-linalg/tests/one_hidden_fast.rs`
//! compares every output with the exact kernels and checks the bits across thread counts.

// Lane loops (`for l in 0..U`, `for k in 0..C`) index several arrays by the same lane or
// class; written as iterator chains they would say less and vectorise no better.
#![allow(clippy::needless_range_loop)]

use ndarray::{ArrayView1, ArrayView2};

use crate::dispatch::{
    by_inputs_classes, dispatched, rows_per_task, worth_splitting, PARALLEL_MIN_WORK,
};
use crate::fast::{exp_approx, tanh_approx_in_place};
use crate::lanes::Real;
use crate::one_hidden::exact::gradient_sweep;
use crate::one_hidden::lane_sums::{
    lane_sums_tree, lane_total, unpack_lane_sums, Batch, LANES_MAX_HIDDEN,
};
use crate::one_hidden::lanes::{forward_lanes, lane_sums};
use crate::one_hidden::{
    ForwardOut, ForwardSlices, GradOut, GradientSlices, OneHiddenParams, Params,
    ONE_HIDDEN_MAX_CLASSES, ONE_HIDDEN_MAX_HIDDEN, ONE_HIDDEN_MAX_INPUTS,
};
use crate::plan::THRESHOLDS;

/// Units per chunk: one AVX2 vector of `f64`.
const U: usize = 4;

/// Chunks of [`U`] units in the widest hidden layer the kernels take.
const MAX_CHUNKS: usize = ONE_HIDDEN_MAX_HIDDEN / U;

/// Rows per group of the units-in-lanes forward pass: a group's hidden values (at most
/// 64 x 64) stay in the L1 cache between the sweeps over them.
const GROUP_ROWS: usize = 64;

/// Work (multiply-adds, a `tanh` counted as 25) below which a fast kernel stays on the
/// calling thread ([`THRESHOLDS`]).
pub(crate) const FAST_PARALLEL_MIN_WORK: usize = THRESHOLDS.fast_parallel_min_work;

/// `(D, H, C)` and the parameters as slices, when the kernels take this network and batch:
/// small widths, consistent shapes, row-major storage.
pub(crate) fn fast_shape<'a>(
    x: &ArrayView2<'_, f64>,
    net: &OneHiddenParams<'a>,
) -> Option<(usize, usize, usize, Params<'a>)> {
    let d = x.ncols();
    let (h, c) = net.w2.dim();
    let fits = (1..=ONE_HIDDEN_MAX_INPUTS).contains(&d)
        && (1..=ONE_HIDDEN_MAX_HIDDEN).contains(&h)
        && (2..=ONE_HIDDEN_MAX_CLASSES).contains(&c)
        && net.w1.dim() == (d, h)
        && net.b1.len() == h
        && net.b2.len() == c
        && x.as_slice().is_some();
    if !fits {
        return None;
    }
    Some((d, h, c, Params::of(net)?))
}

/// The fast mode's forward pass of a one-hidden-layer tanh network over the rows of `x`:
/// `hidden = tanh(x W1 + b1)`, `logits = hidden W2 + b2`, `probs = softmax(logits)`, with
/// [`fast::tanh_approx`](crate::fast::tanh_approx) and
/// [`fast::exp_approx`](crate::fast::exp_approx) and the softmax shifted by each row's
/// maximum. Deterministic: the bits do not depend on the thread count.
///
/// Returns `false`, leaving the outputs untouched, unless `D ≤ 4`, `1 ≤ H ≤ 64`, `2 ≤ C ≤ 4`,
/// the shapes agree and every array (`x`, the parameters, and `out`'s `hidden`, `logits`, `probs`,
/// which must be `N x H`, `N x C`, `N x C`) is row-major and contiguous.
pub fn one_hidden_fast_forward_into(
    x: ArrayView2<'_, f64>,
    net: OneHiddenParams<'_>,
    mut out: ForwardOut<'_>,
) -> bool {
    let Some((d, h, c, p)) = fast_shape(&x, &net) else {
        return false;
    };
    let Some(out) = ForwardSlices::of(&x, (h, c), &mut out) else {
        return false;
    };
    // A unit weighs its d + c multiply-adds and its tanh.
    let n = x.nrows();
    let per_row = h * (d + c + 25);
    let split = if !worth_splitting(n.saturating_mul(per_row), FAST_PARALLEL_MIN_WORK) {
        None
    } else {
        rows_per_task(n, per_row).map(|chunk| chunk.next_multiple_of(GROUP_ROWS))
    };
    out.run((d, h, c), split, |xs, hs, zs, ps| {
        forward_rows(xs, p, hs, zs, ps, d, c)
    });
    true
}

/// The fast mode's gradients of the summed cross-entropy of a one-hidden-layer tanh network,
/// after a forward pass left `hidden` and `probs` for the batch `x` with labels `labels`:
/// `dw1 = xᵀ δ2`, `db1 = Σ δ2`, `dw2 = hiddenᵀ δ3`, `db2 = Σ δ3` with `δ3 = probs -
/// onehot(labels)` and `δ2 = δ3 W2ᵀ ⊙ (1 - hidden²)`. No L2 term. Every sum runs in an order
/// fixed by the shapes alone: the bits do not depend on the thread count.
///
/// Returns `false`, leaving the outputs untouched, unless the shapes qualify as for
/// [`one_hidden_fast_forward_into`] and `labels`, `hidden`, `probs` and the gradients are
/// contiguous and shaped like the network and the batch.
///
/// # Panics
/// If a label is not a class.
pub fn one_hidden_fast_gradients_into(
    x: ArrayView2<'_, f64>,
    labels: ArrayView1<'_, usize>,
    net: OneHiddenParams<'_>,
    hidden: ArrayView2<'_, f64>,
    probs: ArrayView2<'_, f64>,
    mut out: GradOut<'_>,
) -> bool {
    let Some((d, h, c, p)) = fast_shape(&x, &net) else {
        return false;
    };
    let n = x.nrows();
    let Some(slices) = GradientSlices::of((d, h, c), &x, &labels, &hidden, &probs, &mut out) else {
        return false;
    };
    if h > LANES_MAX_HIDDEN {
        // Wide layers: the exact kernel's sweep, which reads each row once for all its units
        // (two threads with half of the units each on large batches; no chain mixes units).
        let threads = worth_splitting(n.saturating_mul(h * d.max(c + 2)), PARALLEL_MIN_WORK);
        gradient_sweep((d, h, c), p.w2, slices, threads);
        return true;
    }
    let GradientSlices {
        x: xs,
        labels: ys,
        hidden: hs,
        probs: ps,
        dw1: g1,
        db1: s1,
        dw2: g2,
        db2: s2,
    } = slices;
    // Whether the tree's halves run on two threads changes no bit.
    let work = n.saturating_mul(h * (d + 2 * c + 4));
    let parallel = worth_splitting(work, FAST_PARALLEL_MIN_WORK);
    let batch = Batch {
        x: xs,
        labels: ys,
        hidden: hs,
        probs: ps,
    };
    let sums = lane_sums_tree(batch, (d, h, c), parallel, &|b: Batch<'_>| {
        lane_sums(b, p.w2, d, h, c)
    });
    unpack_lane_sums(&sums, (d, h, c), [g1, s1, g2, s2]);
    true
}

/// The forward pass over some rows: rows in lanes for narrow hidden layers, units in lanes
/// for wider ones.
fn forward_rows(
    x: &[f64],
    p: Params<'_>,
    hidden: &mut [f64],
    logits: &mut [f64],
    probs: &mut [f64],
    d: usize,
    c: usize,
) {
    let h = p.b1.len();
    if h <= LANES_MAX_HIDDEN {
        return forward_lanes(x, p, hidden, logits, probs, d, c);
    }
    let chunks = h.div_ceil(U);
    // The parameters in unit chunks, zero past the last unit.
    let mut w1c = [[[0.0f64; U]; ONE_HIDDEN_MAX_INPUTS]; MAX_CHUNKS];
    let mut b1c = [[0.0f64; U]; MAX_CHUNKS];
    let mut w2t = [[[0.0f64; U]; ONE_HIDDEN_MAX_CLASSES]; MAX_CHUNKS];
    for (i, w1_i) in p.w1.chunks_exact(h).enumerate() {
        for (j, &w) in w1_i.iter().enumerate() {
            w1c[j / U][i][j % U] = w;
        }
    }
    for (j, &b) in p.b1.iter().enumerate() {
        b1c[j / U][j % U] = b;
    }
    for (j, w2_j) in p.w2.chunks_exact(c).enumerate() {
        for (k, &w) in w2_j.iter().enumerate() {
            w2t[j / U][k][j % U] = w;
        }
    }
    let chunked = Chunked {
        w1: &w1c[..chunks],
        b1: &b1c[..chunks],
        w2: &w2t[..chunks],
    };
    by_inputs_classes!(
        forward_units_kernel,
        d,
        c,
        (x, chunked, h, p.b2, hidden, logits, probs)
    )
}

/// The softmax of two logits: `e = exp(-|z0 - z1|)`, the larger class `1 / (1 + e)`, the
/// other `e / (1 + e)`; one exponential, and nothing can overflow.
#[inline(always)]
fn softmax2(z0: f64, z1: f64) -> (f64, f64) {
    let e = exp_approx(-(z0 - z1).abs());
    let big = 1.0 / (1.0 + e);
    let small = e * big;
    if z0 >= z1 {
        (big, small)
    } else {
        (small, big)
    }
}

/// The parameters in chunks of [`U`] units (zero past the last unit).
#[derive(Clone, Copy)]
struct Chunked<'a> {
    w1: &'a [[[f64; U]; ONE_HIDDEN_MAX_INPUTS]],
    b1: &'a [[f64; U]],
    w2: &'a [[[f64; U]; ONE_HIDDEN_MAX_CLASSES]],
}

dispatched! {
    /// The forward pass with `D` inputs and `C` classes for wider hidden layers, units in
    /// lanes of [`U`], [`GROUP_ROWS`] rows at a time: `z = b1 + Σ_i x_i W1[i, ·]` row by row,
    /// `tanh` over the whole group in place, then the logits row by row and the softmax.
    fn forward_units_kernel<S: Simd, const D: usize, const C: usize>(
        x: &[f64],
        p: Chunked<'_>,
        h: usize,
        b2: &[f64],
        hidden: &mut [f64],
        logits: &mut [f64],
        probs: &mut [f64],
    ) {
        let b2: [f64; C] = b2.try_into().expect("C output biases");
        for (((x_g, h_g), z_g), p_g) in x
            .chunks(GROUP_ROWS * D)
            .zip(hidden.chunks_mut(GROUP_ROWS * h))
            .zip(logits.chunks_mut(GROUP_ROWS * C))
            .zip(probs.chunks_mut(GROUP_ROWS * C))
        {
            for (x_r, h_r) in x_g.chunks_exact(D).zip(h_g.chunks_exact_mut(h)) {
                for (c, (w1, b1)) in p.w1.iter().zip(p.b1).enumerate() {
                    let mut z = S::load(b1);
                    for i in 0..D {
                        z = S::F64x4::splat(x_r[i]).mul_add(S::load(&w1[i]), z);
                    }
                    match h_r.get_mut(c * U..c * U + U) {
                        Some(out) => S::store(z, out),
                        None => {
                            for (l, v) in S::lanes(z).into_iter().enumerate() {
                                if let Some(o) = h_r.get_mut(c * U + l) {
                                    *o = v;
                                }
                            }
                        }
                    }
                }
            }
            tanh_approx_in_place::<S>(h_g);
            for (h_r, z_r) in h_g.chunks_exact(h).zip(z_g.chunks_exact_mut(C)) {
                let mut acc = [S::F64x4::splat(0.0); C];
                for (c, w2) in p.w2.iter().enumerate() {
                    let a = S::load(&unit_chunk(h_r, c));
                    for k in 0..C {
                        acc[k] = a.mul_add(S::load(&w2[k]), acc[k]);
                    }
                }
                for k in 0..C {
                    z_r[k] = b2[k] + lane_total(S::lanes(acc[k]));
                }
            }
            softmax_rows::<C>(z_g, p_g);
        }
    }
}

/// `probs = softmax(logits)` row by row, each row shifted by its maximum so that nothing
/// overflows.
#[inline(always)]
fn softmax_rows<const C: usize>(z_g: &[f64], p_g: &mut [f64]) {
    if C == 2 {
        for (z_r, p_r) in z_g.chunks_exact(2).zip(p_g.chunks_exact_mut(2)) {
            (p_r[0], p_r[1]) = softmax2(z_r[0], z_r[1]);
        }
        return;
    }
    for (z_r, p_r) in z_g.chunks_exact(C).zip(p_g.chunks_exact_mut(C)) {
        let mut max = z_r[0];
        for &v in &z_r[1..C] {
            max = if v > max { v } else { max };
        }
        for k in 0..C {
            p_r[k] = exp_approx(z_r[k] - max);
        }
        let mut total = p_r[0];
        for k in 1..C {
            total += p_r[k];
        }
        let inv = 1.0 / total;
        for k in 0..C {
            p_r[k] *= inv;
        }
    }
}

/// Units `U c..U c + U` of a row (zero past its end).
#[inline(always)]
fn unit_chunk(row: &[f64], c: usize) -> [f64; U] {
    match row.get(c * U..c * U + U) {
        Some(v) => v.try_into().expect("U values"),
        None => std::array::from_fn(|l| row.get(c * U + l).copied().unwrap_or(0.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::dispatch::portable_only;
    use crate::test_util::{draw, same_bits, DrawnParams};

    /// The units-in-lanes forward pass: the AVX2 copy (where the CPU has one) and the portable
    /// one give the same bits, for whole and partial chunks of units and groups of rows.
    #[test]
    fn every_copy_of_the_units_in_lanes_forward_pass_has_the_same_bits() {
        let mut seed = 11;
        for d in 1..=ONE_HIDDEN_MAX_INPUTS {
            for c in 2..=ONE_HIDDEN_MAX_CLASSES {
                for (h, n, scale) in [(7, 1, 1.5), (13, 65, 40.0), (20, 130, 1.5), (64, 63, 3.0)] {
                    let x = draw(&mut seed, n * d, 2.0);
                    let drawn = DrawnParams::draw(&mut seed, (d, h, c), scale);
                    let p = drawn.params();
                    let run = || {
                        let mut out = vec![f64::NAN; n * (h + 2 * c)];
                        let (hidden, rest) = out.split_at_mut(n * h);
                        let (logits, probs) = rest.split_at_mut(n * c);
                        forward_rows(&x, p, hidden, logits, probs, d, c);
                        out
                    };
                    let (got, want) = (run(), portable_only(run));
                    assert!(same_bits(&got, &want), "d={d} h={h} c={c} n={n}");
                    assert!(want.iter().all(|v| v.is_finite()), "d={d} h={h} c={c}");
                }
            }
        }
    }
}
