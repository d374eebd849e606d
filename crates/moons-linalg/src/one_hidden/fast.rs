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
//! computes it (the FMA/AVX2 and plain copies of each kernel run the same operations too).
//!
//! Forward ([`one_hidden_fast_forward_into`]), each row from its own inputs alone (so a large
//! batch splits across threads at any row without changing a bit), [`GROUP_ROWS`] rows at a
//! time:
//!
//! - up to [`LANES_MAX_HIDDEN`] hidden units, **rows in SIMD lanes**: the group's values are
//!   held transposed (unit by unit, then row by row) so that every step is a loop along the
//!   rows: `z = b1[j] + Σ_i x_i W1[i, j]` (fused multiply-adds, the inputs read as interleaved
//!   vectors), `a = tanh_approx(z)` over the whole group in one sweep, the logits, the
//!   softmax; a short group is padded with zero rows, which are never stored. On a CPU with
//!   AVX2 and FMA the same operations run on vectors instead (`avx2` below, written with
//!   intrinsics): blocks of eight rows, each unit's eight values narrowed into one f32 vector
//!   for `tanh`, and groups of eight blocks taken step by step (hidden layers, `tanh`s,
//!   logits and stores, softmaxes) through small arrays of vectors, so that the blocks'
//!   independent chains overlap. A unit test checks that its bits are the portable kernel's;
//! - wider layers, **units in SIMD lanes** (chunks of [`U`]): per row
//!   `z = b1 + Σ_i x_i W1[i, ·]`, `tanh_approx` over the group's hidden outputs in place, then
//!   per row the logits as lane sums over the chunks. (Measured with N = 200: rows in lanes win
//!   up to about six units, whose rows fill no vector; beyond, units in lanes win, by 1.5x at
//!   H = 50.)
//!
//! The softmax is `exp(z - max) / Σ exp(z - max)`; with two classes it is `1 / (1 + e)` and
//! `e / (1 + e)` with `e = exp(-|z0 - z1|)`, one exponential per row.
//!
//! Backward ([`one_hidden_fast_gradients_into`]):
//!
//! - up to [`LANES_MAX_HIDDEN`] hidden units, **rows in SIMD lanes**: blocks of four rows, lane
//!   `l` holding row [`LANE_ROWS`]`[l]` of its block; `δ3 = p - onehot(y)`,
//!   `δ2 = (Σ_k δ3_k W2[j, k]) (1 - a_j²)`, and every sum (`dW1`, `db1`, `dW2`, `db2`)
//!   accumulated lane by lane over the blocks in row order, a short last block padded with
//!   rows whose `δ3` is exactly zero; then each sum's four lanes are added as [`lane_total`].
//!   That is one *leaf*; a batch of more than [`GRADIENT_LEAF_ROWS`] rows is halved at a leaf
//!   boundary until the parts fit, and the parts' sums added back up that tree (left + right).
//!   The tree depends on `N` alone, so running its halves on two threads (large batches) or
//!   one gives the same bits. On a CPU with AVX2 and FMA the leaves run from registers
//!   (`avx2::lane_sums_avx2`, intrinsics, ~2x faster than units in lanes for
//!   `D = 2, H = 3, C = 2, N = 200`); [`lane_sums_kernel`] runs the same operations on arrays
//!   elsewhere, and a unit test checks that the two give the same bits;
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
use crate::fast::{exp_approx, tanh_approx};
use crate::one_hidden::exact::gradient_sweep;
use crate::one_hidden::{
    ForwardOut, ForwardSlices, GradOut, GradientSlices, OneHiddenParams, Params,
    ONE_HIDDEN_MAX_CLASSES, ONE_HIDDEN_MAX_HIDDEN, ONE_HIDDEN_MAX_INPUTS,
};
use crate::plan::THRESHOLDS;

/// The widest hidden layer run with rows in lanes ([`THRESHOLDS`]).
pub(crate) const LANES_MAX_HIDDEN: usize = THRESHOLDS.lanes_max_hidden;

/// Units per chunk: one AVX2 vector of `f64`.
const U: usize = 4;

/// Chunks of [`U`] units in the widest hidden layer the kernels take.
const MAX_CHUNKS: usize = ONE_HIDDEN_MAX_HIDDEN / U;

/// Rows per group of the forward pass (a multiple of [`L`]): a group's hidden values (at most
/// 64 x 64) stay in the L1 cache between the sweeps over them.
const GROUP_ROWS: usize = 64;

/// Rows-in-lanes loops run over a multiple of this many rows (whole vector iterations).
const L: usize = 8;

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

/// Copies [`LaneSums`] to the gradients' row-major slices `[dW1, db1, dW2, db2]`.
pub(crate) fn unpack_lane_sums(
    sums: &LaneSums,
    (d, h, c): (usize, usize, usize),
    [g1, s1, g2, s2]: [&mut [f64]; 4],
) {
    for j in 0..h {
        for i in 0..d {
            g1[i * h + j] = sums[W1_AT + i * LANES_MAX_HIDDEN + j];
        }
        s1[j] = sums[B1_AT + j];
        for k in 0..c {
            g2[j * c + k] = sums[W2_AT + j * ONE_HIDDEN_MAX_CLASSES + k];
        }
    }
    s2.copy_from_slice(&sums[B2_AT..B2_AT + c]);
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
    #[cfg(target_arch = "x86_64")]
    if h <= LANES_MAX_HIDDEN && crate::dispatch::has_fma_avx2() {
        // SAFETY: the CPU has the features `forward_lanes_avx2` is compiled for.
        return unsafe { avx2::forward_lanes_avx2(x, p, hidden, logits, probs, d, c) };
    }
    if h <= LANES_MAX_HIDDEN {
        return by_inputs_classes!(forward_lanes_kernel, d, c, (x, p, hidden, logits, probs));
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

dispatched! {
    /// The forward pass with `D` inputs, `C` classes and at most [`LANES_MAX_HIDDEN`] hidden
    /// units, rows in lanes: each group's hidden values held transposed (`za[j * g + r]` is
    /// unit `j` of row `r`, `g` the group's rows padded to a multiple of [`L`]), so that every
    /// step is a loop along the rows over contiguous values.
    fn forward_lanes_kernel<const D: usize, const C: usize>(
        x: &[f64],
        p: Params<'_>,
        hidden: &mut [f64],
        logits: &mut [f64],
        probs: &mut [f64],
    ) {
        let Params { w1, b1, w2, b2 } = p;
        let h = b1.len();
        // Set up once per call; each group overwrites what it reads.
        let mut za = [0.0f64; LANES_MAX_HIDDEN * GROUP_ROWS];
        let mut zc = [[0.0f64; GROUP_ROWS]; C];
        for (((x_g, h_g), z_g), p_g) in x
            .chunks(GROUP_ROWS * D)
            .zip(hidden.chunks_mut(GROUP_ROWS * h))
            .zip(logits.chunks_mut(GROUP_ROWS * C))
            .zip(probs.chunks_mut(GROUP_ROWS * C))
        {
            let rows = x_g.len() / D;
            let g = rows.next_multiple_of(L);
            // za[j * g + r] = tanh(b1[j] + Σ_i x[r, i] W1[i, j]); padding rows are zeros.
            let za = &mut za[..h * g];
            for (j, za_j) in za.chunks_exact_mut(g).enumerate() {
                let w: [f64; D] = std::array::from_fn(|i| w1[i * h + j]);
                let bias = b1[j];
                for (z, x_r) in za_j.iter_mut().zip(x_g.chunks_exact(D)) {
                    let mut acc = bias;
                    for i in 0..D {
                        acc = x_r[i].mul_add(w[i], acc);
                    }
                    *z = acc;
                }
                za_j[rows..].fill(0.0);
            }
            for v in za.iter_mut() {
                *v = tanh_approx(*v);
            }
            // zc[k][r] = b2[k] + Σ_j a[r, j] W2[j, k]
            for (k, zc_k) in zc.iter_mut().enumerate() {
                let zc_k = &mut zc_k[..g];
                zc_k.fill(b2[k]);
                for (a_j, w2_j) in za.chunks_exact(g).zip(w2.chunks_exact(C)) {
                    let w = w2_j[k];
                    for (z, &a) in zc_k.iter_mut().zip(a_j) {
                        *z = a.mul_add(w, *z);
                    }
                }
            }
            for (r, z_r) in z_g.chunks_exact_mut(C).enumerate() {
                for k in 0..C {
                    z_r[k] = zc[k][r];
                }
            }
            softmax_lanes::<C>(&mut zc, g, p_g);
            // The hidden outputs, row-major, last: by now the activations' vector stores have
            // left the store buffer, so reading them back value by value does not stall.
            match h {
                1 => store_rows::<1>(za, g, h_g),
                2 => store_rows::<2>(za, g, h_g),
                3 => store_rows::<3>(za, g, h_g),
                4 => store_rows::<4>(za, g, h_g),
                5 => store_rows::<5>(za, g, h_g),
                _ => store_rows::<6>(za, g, h_g),
            }
        }
    }
}

/// `h_g[r * H + j] = za[j * g + r]`, with the width known at compile time so that a row's
/// stores are contiguous and the loop vectorises (interleaved stores).
#[inline(always)]
fn store_rows<const H: usize>(za: &[f64], g: usize, h_g: &mut [f64]) {
    let cols: [&[f64]; H] = std::array::from_fn(|j| &za[j * g..j * g + g]);
    for (r, h_r) in h_g.chunks_exact_mut(H).enumerate() {
        for j in 0..H {
            h_r[j] = cols[j][r];
        }
    }
}

/// `probs = softmax(logits)` for a group, the logits transposed in `zc` (`g` rows, overwritten),
/// each row shifted by its maximum so that nothing overflows. The same operations, row for row,
/// as [`softmax_rows`].
#[inline(always)]
fn softmax_lanes<const C: usize>(zc: &mut [[f64; GROUP_ROWS]; C], g: usize, p_g: &mut [f64]) {
    if C == 2 {
        let [z0, z1] = zc.as_mut_slice() else {
            unreachable!("two classes")
        };
        let (z0, z1) = (&mut z0[..g], &mut z1[..g]);
        for (a, b) in z0.iter_mut().zip(z1.iter_mut()) {
            (*a, *b) = softmax2(*a, *b);
        }
        for ((p_r, &a), &b) in p_g.chunks_exact_mut(2).zip(z0.iter()).zip(z1.iter()) {
            p_r[0] = a;
            p_r[1] = b;
        }
        return;
    }
    let mut inv = [0.0f64; GROUP_ROWS];
    let inv = &mut inv[..g];
    for (r, m) in inv.iter_mut().enumerate() {
        let mut max = zc[0][r];
        for zc_k in &zc[1..] {
            max = if zc_k[r] > max { zc_k[r] } else { max };
        }
        *m = max;
    }
    for zc_k in zc.iter_mut() {
        for (v, &m) in zc_k[..g].iter_mut().zip(inv.iter()) {
            *v = exp_approx(*v - m);
        }
    }
    for (r, m) in inv.iter_mut().enumerate() {
        let mut total = zc[0][r];
        for zc_k in &zc[1..] {
            total += zc_k[r];
        }
        *m = 1.0 / total;
    }
    for (r, p_r) in p_g.chunks_exact_mut(C).enumerate() {
        for k in 0..C {
            p_r[k] = zc[k][r] * inv[r];
        }
    }
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
    fn forward_units_kernel<const D: usize, const C: usize>(
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
                    let mut z = *b1;
                    for i in 0..D {
                        for l in 0..U {
                            z[l] = x_r[i].mul_add(w1[i][l], z[l]);
                        }
                    }
                    match h_r.get_mut(c * U..c * U + U) {
                        Some(out) => out.copy_from_slice(&z),
                        None => {
                            for (l, &v) in z.iter().enumerate() {
                                if let Some(o) = h_r.get_mut(c * U + l) {
                                    *o = v;
                                }
                            }
                        }
                    }
                }
            }
            for v in h_g.iter_mut() {
                *v = tanh_approx(*v);
            }
            for (h_r, z_r) in h_g.chunks_exact(h).zip(z_g.chunks_exact_mut(C)) {
                let mut acc = [[0.0f64; U]; C];
                for (c, w2) in p.w2.iter().enumerate() {
                    let a = unit_chunk(h_r, c);
                    for k in 0..C {
                        for l in 0..U {
                            acc[k][l] = a[l].mul_add(w2[k][l], acc[k][l]);
                        }
                    }
                }
                for k in 0..C {
                    z_r[k] = b2[k] + lane_total(acc[k]);
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

/// The sum of the lanes in a fixed order.
#[inline(always)]
pub(crate) fn lane_total(v: [f64; U]) -> f64 {
    (v[0] + v[2]) + (v[1] + v[3])
}

/// Rows per leaf of the rows-in-lanes gradient sums (a multiple of 4): a batch of more rows
/// is halved, at a leaf boundary, until the parts fit, and the parts' sums added back up the
/// same tree. The tree depends on `N` alone, so running its halves on two threads or one gives
/// the same bits; a leaf holds ~10 to 50 us of work, enough to amortise a hand-off.
const GRADIENT_LEAF_ROWS: usize = 1 << 13;

/// Lane `l` of a rows-in-lanes gradient block holds row `LANE_ROWS[l]` of its four: the order
/// in which unpacking two vectors of interleaved pairs leaves them (see `avx2::load_cols`).
const LANE_ROWS: [usize; 4] = [0, 2, 1, 3];

/// The gradient sums of a network of at most [`LANES_MAX_HIDDEN`] units, at fixed places
/// (zero where the shape has no value): `dW1[i, j]` at `W1_AT + i * LANES_MAX_HIDDEN + j`,
/// `db1[j]` at `B1_AT + j`, `dW2[j, k]` at `W2_AT + j * ONE_HIDDEN_MAX_CLASSES + k`, `db2[k]`
/// at `B2_AT + k`.
pub(crate) type LaneSums = [f64; B2_AT + ONE_HIDDEN_MAX_CLASSES];
pub(crate) const W1_AT: usize = 0;
pub(crate) const B1_AT: usize = W1_AT + ONE_HIDDEN_MAX_INPUTS * LANES_MAX_HIDDEN;
pub(crate) const W2_AT: usize = B1_AT + LANES_MAX_HIDDEN;
pub(crate) const B2_AT: usize = W2_AT + LANES_MAX_HIDDEN * ONE_HIDDEN_MAX_CLASSES;

/// The rows of a gradient call: inputs, labels, hidden outputs, probabilities (row-major).
#[derive(Clone, Copy)]
pub(crate) struct Batch<'a> {
    pub(crate) x: &'a [f64],
    pub(crate) labels: &'a [usize],
    pub(crate) hidden: &'a [f64],
    pub(crate) probs: &'a [f64],
}

impl<'a> Batch<'a> {
    /// The first `rows` rows and the rest.
    fn split_at(self, rows: usize, (d, h, c): (usize, usize, usize)) -> (Self, Self) {
        let (x0, x1) = self.x.split_at(rows * d);
        let (y0, y1) = self.labels.split_at(rows);
        let (h0, h1) = self.hidden.split_at(rows * h);
        let (p0, p1) = self.probs.split_at(rows * c);
        (
            Self {
                x: x0,
                labels: y0,
                hidden: h0,
                probs: p0,
            },
            Self {
                x: x1,
                labels: y1,
                hidden: h1,
                probs: p1,
            },
        )
    }
}

/// The gradient sums of `batch` by a fixed tree over its rows: [`GRADIENT_LEAF_ROWS`] rows or
/// fewer are one `leaf`; more are split after the first half of their leaves (rounded down),
/// and the two halves' sums added, left + right. With `parallel` the halves run under
/// `rayon::join`, which changes no bit.
pub(crate) fn lane_sums_tree<F>(
    batch: Batch<'_>,
    dims: (usize, usize, usize),
    parallel: bool,
    leaf: &F,
) -> LaneSums
where
    F: Fn(Batch<'_>) -> LaneSums + Sync,
{
    let n = batch.labels.len();
    if n <= GRADIENT_LEAF_ROWS {
        return leaf(batch);
    }
    let (left, right) = batch.split_at(
        n.div_ceil(GRADIENT_LEAF_ROWS) / 2 * GRADIENT_LEAF_ROWS,
        dims,
    );
    let (a, b) = if parallel {
        rayon::join(
            || lane_sums_tree(left, dims, parallel, leaf),
            || lane_sums_tree(right, dims, parallel, leaf),
        )
    } else {
        (
            lane_sums_tree(left, dims, parallel, leaf),
            lane_sums_tree(right, dims, parallel, leaf),
        )
    };
    std::array::from_fn(|i| a[i] + b[i])
}

/// One leaf's gradient sums, rows in lanes: with AVX2 and FMA from registers
/// (`avx2::lane_sums_avx2`), else [`lane_sums_kernel`]; both run the same operations.
fn lane_sums(b: Batch<'_>, w2: &[f64], d: usize, h: usize, c: usize) -> LaneSums {
    #[cfg(target_arch = "x86_64")]
    if crate::dispatch::has_fma_avx2() {
        // SAFETY: the CPU has the features `lane_sums_avx2` is compiled for.
        return unsafe { avx2::lane_sums_avx2(b, w2, d, h, c) };
    }
    by_inputs_classes!(
        lane_sums_kernel,
        d,
        c,
        (b.x, b.labels, b.hidden, b.probs, w2, h)
    )
}

dispatched! {
    /// The gradient sums of some rows for `D` inputs, `C` classes and `h ≤ 6` units, rows in
    /// lanes: blocks of four rows (lane `l` holding row [`LANE_ROWS`]`[l]`), every sum
    /// accumulated lane by lane over the blocks in order, then each sum's four lanes added as
    /// [`lane_total`]. The last rows are padded to a block with rows (`x = 0`, `a = 0`,
    /// `p = onehot(0)`, label 0) whose `δ3` is exactly zero. Panics on a label that is not a
    /// class. The operations of `avx2::lane_sums_avx2`, written on arrays (the fallback on
    /// other CPUs, and the reference its bits are tested against).
    fn lane_sums_kernel<const D: usize, const C: usize>(
        x: &[f64],
        labels: &[usize],
        hidden: &[f64],
        probs: &[f64],
        w2: &[f64],
        h: usize,
    ) -> LaneSums {
        const M: usize = LANES_MAX_HIDDEN;
        let mut acc_w1 = [[[0.0f64; 4]; M]; D];
        let mut acc_b1 = [[0.0f64; 4]; M];
        let mut acc_w2 = [[[0.0f64; 4]; C]; M];
        let mut acc_b2 = [[0.0f64; 4]; C];
        check_labels::<C>(labels);
        let mut block = |x_b: &[f64], y_b: &[usize], h_b: &[f64], p_b: &[f64]| {
            for (l, &r) in LANE_ROWS.iter().enumerate() {
                let y = y_b[r];
                let d3: [f64; C] =
                    std::array::from_fn(|k| p_b[r * C + k] - if y == k { 1.0 } else { 0.0 });
                for k in 0..C {
                    acc_b2[k][l] += d3[k];
                }
                for j in 0..h {
                    let a = h_b[r * h + j];
                    let mut s = d3[0] * w2[j * C];
                    for k in 1..C {
                        s = d3[k].mul_add(w2[j * C + k], s);
                    }
                    let d2 = s * a.mul_add(-a, 1.0);
                    acc_b1[j][l] += d2;
                    for i in 0..D {
                        acc_w1[i][j][l] = x_b[r * D + i].mul_add(d2, acc_w1[i][j][l]);
                    }
                    for k in 0..C {
                        acc_w2[j][k][l] = a.mul_add(d3[k], acc_w2[j][k][l]);
                    }
                }
            }
        };
        let n = labels.len();
        let full = n - n % 4;
        for (((x_b, y_b), h_b), p_b) in x[..full * D]
            .chunks_exact(4 * D)
            .zip(labels[..full].chunks_exact(4))
            .zip(hidden[..full * h].chunks_exact(4 * h))
            .zip(probs[..full * C].chunks_exact(4 * C))
        {
            block(x_b, y_b, h_b, p_b);
        }
        if full < n {
            let rows = Batch {
                x,
                labels,
                hidden,
                probs,
            };
            let (x_t, y_t, h_t, p_t) = padded_block(rows, full, (D, h, C));
            block(&x_t[..4 * D], &y_t, &h_t[..4 * h], &p_t[..4 * C]);
        }
        let mut sums = [0.0f64; B2_AT + ONE_HIDDEN_MAX_CLASSES];
        for j in 0..h {
            for i in 0..D {
                sums[W1_AT + i * M + j] = lane_total(acc_w1[i][j]);
            }
            sums[B1_AT + j] = lane_total(acc_b1[j]);
            for k in 0..C {
                sums[W2_AT + j * ONE_HIDDEN_MAX_CLASSES + k] = lane_total(acc_w2[j][k]);
            }
        }
        for k in 0..C {
            sums[B2_AT + k] = lane_total(acc_b2[k]);
        }
        sums
    }
}

/// Panics unless every label is one of the `C` classes. The labels' bitwise OR first (one
/// vector operation per four labels): below `C`, every label is; otherwise (a bad label, or
/// `C = 3` with labels 1 and 2 both present) each label is compared.
#[inline(always)]
pub(crate) fn check_labels<const C: usize>(labels: &[usize]) {
    let any_bits = labels.iter().fold(0usize, |m, &y| m | y);
    if any_bits >= C {
        let bad = labels.iter().fold(false, |bad, &y| bad | (y >= C));
        assert!(!bad, "a label is not one of the {C} classes");
    }
}

/// The rows from `full` on (fewer than 4), padded to a block of four with rows whose `δ3` is
/// exactly zero: `x = 0`, `a = 0`, label 0 and `p = onehot(0)`.
#[allow(clippy::type_complexity)]
#[inline(always)]
fn padded_block(
    Batch {
        x,
        labels,
        hidden,
        probs,
    }: Batch<'_>,
    full: usize,
    (d, h, c): (usize, usize, usize),
) -> (
    [f64; 4 * ONE_HIDDEN_MAX_INPUTS],
    [usize; 4],
    [f64; 4 * LANES_MAX_HIDDEN],
    [f64; 4 * ONE_HIDDEN_MAX_CLASSES],
) {
    let rows = labels.len() - full;
    let mut x_t = [0.0f64; 4 * ONE_HIDDEN_MAX_INPUTS];
    let mut y_t = [0usize; 4];
    let mut h_t = [0.0f64; 4 * LANES_MAX_HIDDEN];
    let mut p_t = [0.0f64; 4 * ONE_HIDDEN_MAX_CLASSES];
    x_t[..rows * d].copy_from_slice(&x[full * d..]);
    y_t[..rows].copy_from_slice(&labels[full..]);
    h_t[..rows * h].copy_from_slice(&hidden[full * h..]);
    p_t[..rows * c].copy_from_slice(&probs[full * c..]);
    for r in rows..4 {
        p_t[r * c] = 1.0;
    }
    (x_t, y_t, h_t, p_t)
}

/// The rows-in-lanes kernels written with AVX2 intrinsics: the gradient sums
/// (`lane_sums_avx2`, see there) and the forward pass.
///
/// The forward pass keeps everything in registers: per
/// block of four rows (one vector) the inputs are loaded transposed, the hidden outputs,
/// logits and probabilities computed as vectors of rows (the units' `tanh` chains
/// interleaved), then transposed back into the row-major outputs. Each value goes through the
/// very operations of [`forward_lanes_kernel`] (same order, same `mul_add`s), so the bits are
/// the same; only the bookkeeping differs (no scratch arrays, no separate sweeps).
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2 {
    use std::arch::x86_64::*;

    use super::{
        check_labels, lane_total, padded_block, Batch, LaneSums, B1_AT, B2_AT, LANES_MAX_HIDDEN,
        W1_AT, W2_AT,
    };
    use crate::dispatch::by_lanes_shape;
    use crate::fast::{exp_approx_avx2, tanh_approx_ps_in_place};
    use crate::one_hidden::{Params, ONE_HIDDEN_MAX_CLASSES, ONE_HIDDEN_MAX_INPUTS};

    /// Vectors of four rows per block (a unit's `G` = 2 vectors narrow into one f32 vector).
    pub(crate) const G: usize = 2;

    /// Rows per block.
    pub(crate) const R: usize = 4 * G;

    /// [`super::forward_rows`] for `H ≤ 6` units with AVX2 and FMA.
    ///
    /// # Safety
    /// The CPU must have AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn forward_lanes_avx2(
        x: &[f64],
        p: Params<'_>,
        hidden: &mut [f64],
        logits: &mut [f64],
        probs: &mut [f64],
        d: usize,
        c: usize,
    ) {
        // `kernel::<D, H, C, D G, H G, C G>`: the vector counts spelled out, since array
        // lengths cannot be computed from generic parameters.
        macro_rules! kernel_for {
            ($d:literal, $c:literal, $h:literal) => {
                kernel::<$d, $h, $c, { $d * G }, { $h * G }, { $c * G }>(
                    x, p, hidden, logits, probs,
                )
            };
        }
        by_lanes_shape!(p.b1.len(), d, c, kernel_for)
    }

    /// [`super::lane_sums_kernel`] for `h ≤ 6` units with AVX2 and FMA: the same operations,
    /// each block's values as vectors (lane `l` holding row `LANE_ROWS[l]`) and every sum in a
    /// register.
    ///
    /// # Safety
    /// The CPU must have AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn lane_sums_avx2(
        b: Batch<'_>,
        w2: &[f64],
        d: usize,
        h: usize,
        c: usize,
    ) -> LaneSums {
        macro_rules! sums_for {
            ($d:literal, $c:literal, $h:literal) => {
                lane_sums::<$d, $h, $c>(b, w2)
            };
        }
        by_lanes_shape!(h, d, c, sums_for)
    }

    /// The gradient sums' accumulators, lane by lane.
    struct GradientAcc<const D: usize, const H: usize, const C: usize> {
        w1: [[__m256d; H]; D],
        b1: [__m256d; H],
        w2: [[__m256d; C]; H],
        b2: [__m256d; C],
    }

    /// Blocks of four rows per group: a group's `δ2` (`H` vectors a block, at most 3 KB) wait
    /// on the stack between the group's two sweeps.
    const GROUP_BLOCKS: usize = 16;

    /// The sums for `D` inputs, `H` units and `C` classes, in two sweeps over each group of
    /// blocks: the first computes `δ3` and `δ2` and adds `dW2`, `db2`; the second adds `dW1`,
    /// `db1` from the inputs and the stored `δ2`. One sweep would hold all the
    /// `(D + 1 + C) H + C` sums at once (17 for the two-moons network), more than the 16
    /// vector registers: it spilled, and measured ~10% slower per row. Each sum still takes the blocks
    /// in order, so the bits are those of one sweep.
    #[target_feature(enable = "avx2,fma")]
    fn lane_sums<const D: usize, const H: usize, const C: usize>(
        b: Batch<'_>,
        w2: &[f64],
    ) -> LaneSums {
        let zero = _mm256_setzero_pd();
        let mut w = [[zero; C]; H];
        for j in 0..H {
            for k in 0..C {
                w[j][k] = _mm256_set1_pd(w2[j * C + k]);
            }
        }
        let mut acc = GradientAcc::<D, H, C> {
            w1: [[zero; H]; D],
            b1: [zero; H],
            w2: [[zero; C]; H],
            b2: [zero; C],
        };
        let mut d2 = [[zero; H]; GROUP_BLOCKS];
        check_labels::<C>(b.labels);
        let n = b.labels.len();
        let full = n - n % 4;
        for (((x_g, y_g), h_g), p_g) in b.x[..full * D]
            .chunks(GROUP_BLOCKS * 4 * D)
            .zip(b.labels[..full].chunks(GROUP_BLOCKS * 4))
            .zip(b.hidden[..full * H].chunks(GROUP_BLOCKS * 4 * H))
            .zip(b.probs[..full * C].chunks(GROUP_BLOCKS * 4 * C))
        {
            for (((d2_b, y_b), h_b), p_b) in d2
                .iter_mut()
                .zip(y_g.chunks_exact(4))
                .zip(h_g.chunks_exact(4 * H))
                .zip(p_g.chunks_exact(4 * C))
            {
                let y = load_labels(y_b);
                *d2_b = outer_sums(&mut acc, &w, y, load_cols::<H>(h_b), load_cols::<C>(p_b));
            }
            for (d2_b, x_b) in d2.iter().zip(x_g.chunks_exact(4 * D)) {
                inner_sums(&mut acc, load_cols::<D>(x_b), d2_b);
            }
        }
        if full < n {
            let (x_t, y_t, h_t, p_t) = padded_block(b, full, (D, H, C));
            let y = load_labels(&y_t);
            let d2 = outer_sums(&mut acc, &w, y, load_cols::<H>(&h_t), load_cols::<C>(&p_t));
            inner_sums(&mut acc, load_cols::<D>(&x_t), &d2);
        }
        let mut sums = [0.0f64; B2_AT + ONE_HIDDEN_MAX_CLASSES];
        for j in 0..H {
            for i in 0..D {
                sums[W1_AT + i * LANES_MAX_HIDDEN + j] = total(acc.w1[i][j]);
            }
            sums[B1_AT + j] = total(acc.b1[j]);
            for k in 0..C {
                sums[W2_AT + j * ONE_HIDDEN_MAX_CLASSES + k] = total(acc.w2[j][k]);
            }
        }
        for k in 0..C {
            sums[B2_AT + k] = total(acc.b2[k]);
        }
        sums
    }

    /// The first sweep's work for one block of four rows (labels `y`, activations `a`,
    /// probabilities `p`, a vector per column; `w` is `W2` broadcast): adds to `db2`, `dW2`
    /// and the labels' check, and returns `δ2`, a vector per unit.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn outer_sums<const D: usize, const H: usize, const C: usize>(
        acc: &mut GradientAcc<D, H, C>,
        w: &[[__m256d; C]; H],
        y: __m256i,
        a: [__m256d; H],
        p: [__m256d; C],
    ) -> [__m256d; H] {
        let one = _mm256_set1_pd(1.0);
        // δ3 = p - onehot(y), the one-hot as the bits of 1.0 under a lane mask. The labels
        // are classes (checked), so class 0 is where no other class is: one comparison fewer.
        let mut d3 = [_mm256_setzero_pd(); C];
        let mut others = _mm256_setzero_pd();
        for k in 1..C {
            let is_k = _mm256_castsi256_pd(_mm256_cmpeq_epi64(y, _mm256_set1_epi64x(k as i64)));
            others = _mm256_or_pd(others, is_k);
            d3[k] = _mm256_sub_pd(p[k], _mm256_and_pd(is_k, one));
        }
        d3[0] = _mm256_sub_pd(p[0], _mm256_andnot_pd(others, one));
        for k in 0..C {
            acc.b2[k] = _mm256_add_pd(acc.b2[k], d3[k]);
        }
        // δ2 = (Σ_k δ3[k] W2[j, k]) (1 - a²)
        let mut d2 = [_mm256_setzero_pd(); H];
        for j in 0..H {
            let mut s = _mm256_mul_pd(d3[0], w[j][0]);
            for k in 1..C {
                s = _mm256_fmadd_pd(d3[k], w[j][k], s);
            }
            d2[j] = _mm256_mul_pd(s, _mm256_fnmadd_pd(a[j], a[j], one));
            for k in 0..C {
                acc.w2[j][k] = _mm256_fmadd_pd(a[j], d3[k], acc.w2[j][k]);
            }
        }
        d2
    }

    /// The second sweep's work for one block: adds the inputs `x` (a vector per column) times
    /// `δ2` to `dW1`, and `δ2` to `db1`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn inner_sums<const D: usize, const H: usize, const C: usize>(
        acc: &mut GradientAcc<D, H, C>,
        x: [__m256d; D],
        d2: &[__m256d; H],
    ) {
        for j in 0..H {
            acc.b1[j] = _mm256_add_pd(acc.b1[j], d2[j]);
            for i in 0..D {
                acc.w1[i][j] = _mm256_fmadd_pd(x[i], d2[j], acc.w1[i][j]);
            }
        }
    }

    /// [`lane_total`] of a vector's lanes.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn total(v: __m256d) -> f64 {
        let mut l = [0.0f64; 4];
        // SAFETY: `l` holds 4 values.
        unsafe { _mm256_storeu_pd(l.as_mut_ptr(), v) };
        lane_total(l)
    }

    /// `b[at], b[at + 1]` in both halves of a vector.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn pair(b: &[f64], at: usize) -> __m256d {
        let v = &b[at..at + 2];
        // SAFETY: `v` holds 2 values.
        _mm256_broadcast_pd(&unsafe { _mm_loadu_pd(v.as_ptr()) })
    }

    /// Four labels, in the lanes' row order `[0, 2, 1, 3]`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn load_labels(y: &[usize]) -> __m256i {
        let y = &y[..4];
        // SAFETY: `y` holds four 8-byte values (`usize` is 64 bits on x86_64).
        let v = unsafe { _mm256_loadu_si256(y.as_ptr().cast()) };
        _mm256_permute4x64_epi64::<0b11_01_10_00>(v)
    }

    /// The `K` columns of four rows (`b`, row-major, `4 K` values) as vectors whose lane `l`
    /// holds row `[0, 2, 1, 3][l]`: the order that unpacking interleaved pairs leaves, so that
    /// two columns (the inputs and probabilities of the two-moons network) need no
    /// permutation. Every load stays within the block.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn load_cols<const K: usize>(b: &[f64]) -> [__m256d; K] {
        let b = &b[..4 * K];
        let mut out = [_mm256_setzero_pd(); K];
        // SAFETY (every load): it reads 4 values at an offset of at most 4 K - 4, or, for
        // rows of K ≥ 4 values, at the start of one of the 4 rows.
        let load = |at: usize| unsafe { _mm256_loadu_pd(b[at..at + 4].as_ptr()) };
        match K {
            1 => out[0] = _mm256_permute4x64_pd::<0b11_01_10_00>(load(0)),
            2 => {
                // [r0 c0, r0 c1, r1 c0, r1 c1] and [r2 .., r3 ..] unpack to [r0, r2, r1, r3].
                let (v0, v1) = (load(0), load(4));
                out[0] = _mm256_unpacklo_pd(v0, v1);
                out[1] = _mm256_unpackhi_pd(v0, v1);
            }
            3 => {
                // Rows at 0, 3, 6, 9. Pairs broadcast from memory (a load, no shuffle) and
                // blended: q0 = [r0c0 r0c1 | r1c0 r1c1], q1 = [r2c0 r2c1 | r3c0 r3c1],
                // q2 = [r0c2 r1c0 | r1c1 r1c2], q3 = [r2c2 r3c0 | r3c1 r3c2]; then one
                // in-lane shuffle per column (3 shuffles where a transpose takes 7).
                let q0 = _mm256_blend_pd::<0b1100>(pair(b, 0), pair(b, 3));
                let q1 = _mm256_blend_pd::<0b1100>(pair(b, 6), pair(b, 9));
                let q2 = _mm256_blend_pd::<0b1100>(pair(b, 2), pair(b, 4));
                let q3 = _mm256_blend_pd::<0b1100>(pair(b, 8), pair(b, 10));
                out[0] = _mm256_unpacklo_pd(q0, q1);
                out[1] = _mm256_unpackhi_pd(q0, q1);
                out[2] = _mm256_shuffle_pd::<0b1100>(q2, q3);
            }
            _ => {
                // The first four columns by a 4 x 4 transpose of the rows' first vectors,
                // pairing rows 0 and 2, 1 and 3 so that the lanes come out as [r0, r2, r1, r3].
                let v: [__m256d; 4] = [load(0), load(K), load(2 * K), load(3 * K)];
                let t0 = _mm256_unpacklo_pd(v[0], v[2]); // [r0c0 r2c0 r0c2 r2c2]
                let t1 = _mm256_unpacklo_pd(v[1], v[3]); // [r1c0 r3c0 r1c2 r3c2]
                let t2 = _mm256_unpackhi_pd(v[0], v[2]); // c1, c3
                let t3 = _mm256_unpackhi_pd(v[1], v[3]);
                out[0] = _mm256_permute2f128_pd::<0x20>(t0, t1);
                out[1] = _mm256_permute2f128_pd::<0x20>(t2, t3);
                out[2] = _mm256_permute2f128_pd::<0x31>(t0, t1);
                out[3] = _mm256_permute2f128_pd::<0x31>(t2, t3);
                // Columns past the fourth (K = 5, 6) value by value.
                for j in 4..K {
                    out[j] = _mm256_set_pd(b[3 * K + j], b[K + j], b[2 * K + j], b[j]);
                }
            }
        }
        out
    }

    /// The parameters broadcast to every lane.
    struct Broadcast<const D: usize, const H: usize, const C: usize> {
        w1: [[__m256d; H]; D],
        b1: [__m256d; H],
        w2: [[__m256d; C]; H],
        b2: [__m256d; C],
    }

    /// The pass for `D` inputs, `H` units and `C` classes; `DG`, `HG`, `CG` are `D`, `H`, `C`
    /// times [`G`], the lengths of a block's arrays of vectors (`[j * G + g]` for value `j` of
    /// rows `4g..4g + 4`).
    ///
    /// Measured for `D = 2, H = 3, C = 2, N = 200`: 1.14 us against 1.57 for one block at a
    /// time from inputs to probabilities (with the previous block's softmax overlapped), which
    /// in turn was 1.3x faster than the portable kernel's sweeps over arrays.
    #[target_feature(enable = "avx2,fma")]
    fn kernel<
        const D: usize,
        const H: usize,
        const C: usize,
        const DG: usize,
        const HG: usize,
        const CG: usize,
    >(
        x: &[f64],
        p: Params<'_>,
        hidden: &mut [f64],
        logits: &mut [f64],
        probs: &mut [f64],
    ) {
        const { assert!(DG == D * G && HG == H * G && CG == C * G) };
        let splat = _mm256_set1_pd;
        let mut w = Broadcast::<D, H, C> {
            w1: [[splat(0.0); H]; D],
            b1: [splat(0.0); H],
            w2: [[splat(0.0); C]; H],
            b2: [splat(0.0); C],
        };
        for j in 0..H {
            for i in 0..D {
                w.w1[i][j] = splat(p.w1[i * H + j]);
            }
            w.b1[j] = splat(p.b1[j]);
            for k in 0..C {
                w.w2[j][k] = splat(p.w2[j * C + k]);
            }
        }
        for k in 0..C {
            w.b2[k] = splat(p.b2[k]);
        }
        // Groups of blocks, step by step: every block's hidden layer (narrowed to f32), then
        // every `tanh`, then every block's logits and stores, then every softmax. One block
        // from inputs to probabilities is a chain of ~170 cycles, longer than the
        // out-of-order window can overlap with the next block's; each step alone is short
        // and its blocks are independent, so they overlap.
        let n = x.len() / D;
        let blocks = n.div_ceil(R);
        let mut z1 = [[_mm256_setzero_ps(); H]; FORWARD_GROUP_BLOCKS];
        let mut z2 = [[_mm256_setzero_pd(); CG]; FORWARD_GROUP_BLOCKS];
        let mut e = [[_mm256_setzero_pd(); G]; FORWARD_GROUP_BLOCKS];
        for first in (0..blocks).step_by(FORWARD_GROUP_BLOCKS) {
            let count = (blocks - first).min(FORWARD_GROUP_BLOCKS);
            for (b, z1_b) in z1.iter_mut().take(count).enumerate() {
                let x_b = block_inputs::<D, DG>(x, (first + b) * R);
                hidden_inputs::<D, H, DG>(x_b, &w.w1, &w.b1, z1_b);
            }
            tanh_approx_ps_in_place(z1[..count].as_flattened_mut());
            for (b, (a_b, z2_b)) in z1.iter().zip(z2.iter_mut()).take(count).enumerate() {
                let row0 = (first + b) * R;
                let rows = (n - row0).min(R);
                let a = widen::<H, HG>(a_b);
                *z2_b = output_logits::<D, H, C, HG, CG>(&a, &w);
                store_rows::<H, HG>(&a, row0, rows, hidden);
                store_rows::<C, CG>(z2_b, row0, rows, logits);
            }
            if C == 2 {
                // The two-class softmax in two steps too: every block's exponential, then
                // every block's division (the forward pass 1.30 -> 1.14 us at H = 3, from both in
                // one step).
                for (e_b, z2_b) in e.iter_mut().zip(&z2).take(count) {
                    *e_b = exp_approx_avx2(gaps2(z2_b));
                }
                for (b, (e_b, z2_b)) in e.iter().zip(&z2).take(count).enumerate() {
                    let row0 = (first + b) * R;
                    let rows = (n - row0).min(R);
                    store_rows::<C, CG>(&probs2::<CG>(z2_b, e_b), row0, rows, probs);
                }
                continue;
            }
            for (b, z2_b) in z2.iter().take(count).enumerate() {
                let row0 = (first + b) * R;
                let rows = (n - row0).min(R);
                store_rows::<C, CG>(&softmax::<C, CG>(*z2_b), row0, rows, probs);
            }
        }
    }

    /// Blocks per group in [`kernel`].
    const FORWARD_GROUP_BLOCKS: usize = 8;

    /// One block's hidden pre-activations `z1 = b1 + Σ_i x_i W1[i, ·]` (the chain from the
    /// bias as in the portable code; `w1`, `b1` broadcast), unit `j`'s [`G`] = 2 vectors of
    /// rows narrowed into `z1[j]`, rows `0..4` in the low half.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn hidden_inputs<const D: usize, const H: usize, const DG: usize>(
        x: [__m256d; DG],
        w1: &[[__m256d; H]; D],
        b1: &[__m256d; H],
        z1: &mut [__m256; H],
    ) {
        for (j, z1_j) in z1.iter_mut().enumerate() {
            let mut half = [_mm_setzero_ps(); G];
            for (g, half) in half.iter_mut().enumerate() {
                let mut acc = b1[j];
                for i in 0..D {
                    acc = _mm256_fmadd_pd(x[i * G + g], w1[i][j], acc);
                }
                *half = _mm256_cvtpd_ps(acc);
            }
            *z1_j = _mm256_set_m128(half[1], half[0]);
        }
    }

    /// The block's activations widened back to f64: `[j * G + g]` for unit `j` of rows
    /// `4g..4g + 4`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn widen<const H: usize, const HG: usize>(a: &[__m256; H]) -> [__m256d; HG] {
        let mut out = [_mm256_setzero_pd(); HG];
        for (j, &a_j) in a.iter().enumerate() {
            [out[j * G], out[j * G + 1]] = widen_ps(a_j);
        }
        out
    }

    /// An f32 vector's lanes as [`G`] = 2 f64 vectors (lanes 0..4, then 4..8).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn widen_ps(v: __m256) -> [__m256d; G] {
        [
            _mm256_cvtps_pd(_mm256_castps256_ps128(v)),
            _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(v)),
        ]
    }

    /// The block's logits `z[k] = b2[k] + Σ_j a_j W2[j, k]`, units in order.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn output_logits<
        const D: usize,
        const H: usize,
        const C: usize,
        const HG: usize,
        const CG: usize,
    >(
        a: &[__m256d; HG],
        w: &Broadcast<D, H, C>,
    ) -> [__m256d; CG] {
        let mut z = [_mm256_setzero_pd(); CG];
        for k in 0..C {
            for g in 0..G {
                let mut acc = w.b2[k];
                for j in 0..H {
                    acc = _mm256_fmadd_pd(a[j * G + g], w.w2[j][k], acc);
                }
                z[k * G + g] = acc;
            }
        }
        z
    }

    /// softmax2's exponent `-|z0 - z1|` for two classes (`z`: [`G`] vectors of each).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn gaps2(z: &[__m256d]) -> [__m256d; G] {
        let mut d = [_mm256_setzero_pd(); G];
        for (g, d) in d.iter_mut().enumerate() {
            *d = _mm256_or_pd(_mm256_sub_pd(z[g], z[G + g]), _mm256_set1_pd(-0.0));
        }
        d
    }

    /// softmax2's probabilities from `e = exp(-|z0 - z1|)`: `big = 1 / (1 + e)` for the
    /// larger logit, `small = e big` for the other.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn probs2<const CG: usize>(z: &[__m256d; CG], e: &[__m256d; G]) -> [__m256d; CG] {
        let one = _mm256_set1_pd(1.0);
        let mut out = [_mm256_setzero_pd(); CG];
        for g in 0..G {
            let big = _mm256_div_pd(one, _mm256_add_pd(one, e[g]));
            let small = _mm256_mul_pd(e[g], big);
            let first = _mm256_cmp_pd::<_CMP_GE_OQ>(z[g], z[G + g]);
            out[g] = _mm256_blendv_pd(small, big, first);
            out[G + g] = _mm256_blendv_pd(big, small, first);
        }
        out
    }

    /// [`super::softmax_lanes`] on vectors: the same operations per row.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn softmax<const C: usize, const CG: usize>(z: [__m256d; CG]) -> [__m256d; CG] {
        let splat = _mm256_set1_pd;
        let mut out = [splat(0.0); CG];
        if C == 2 {
            return probs2::<CG>(&z, &exp_approx_avx2(gaps2(&z)));
        }
        // The maximum as `if z > max { z } else { max }`, which is what MAXPD computes.
        let mut max = [splat(0.0); G];
        for g in 0..G {
            max[g] = z[g];
            for k in 1..C {
                max[g] = _mm256_max_pd(z[k * G + g], max[g]);
            }
        }
        let mut shifted = z;
        for (v, &m) in shifted.iter_mut().zip(max.iter().cycle()) {
            *v = _mm256_sub_pd(*v, m);
        }
        let e = exp_approx_avx2(shifted);
        for g in 0..G {
            let mut total = e[g];
            for k in 1..C {
                total = _mm256_add_pd(total, e[k * G + g]);
            }
            let inv = _mm256_div_pd(splat(1.0), total);
            for k in 0..C {
                out[k * G + g] = _mm256_mul_pd(e[k * G + g], inv);
            }
        }
        out
    }

    /// The inputs of the [`R`] rows of `x` (row-major, `D` a row) from `row0`, as
    /// [`load_inputs`] gives them; rows past the end of `x` are zeros.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(crate) fn block_inputs<const D: usize, const DG: usize>(
        x: &[f64],
        row0: usize,
    ) -> [__m256d; DG] {
        let n = x.len() / D;
        if row0 + R <= n {
            return load_inputs::<D, DG>(&x[row0 * D..(row0 + R) * D]);
        }
        let mut x_t = [0.0f64; R * ONE_HIDDEN_MAX_INPUTS];
        x_t[..(n - row0) * D].copy_from_slice(&x[row0 * D..]);
        load_inputs::<D, DG>(&x_t[..R * D])
    }

    /// The inputs of a block's rows (`x_b`, row-major), transposed: input `i` of rows
    /// `4g..4g + 4` in `[i * G + g]`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn load_inputs<const D: usize, const DG: usize>(x_b: &[f64]) -> [__m256d; DG] {
        let x_b = &x_b[..R * D];
        let mut out = [_mm256_setzero_pd(); DG];
        for g in 0..G {
            let x_g = &x_b[4 * g * D..4 * (g + 1) * D];
            if D == 2 {
                // Two interleaved vectors: unpack, then put the rows back in order.
                // SAFETY: x_g holds 8 values, so both loads are in bounds.
                let (v0, v1) = unsafe {
                    (
                        _mm256_loadu_pd(x_g.as_ptr()),
                        _mm256_loadu_pd(x_g[4..].as_ptr()),
                    )
                };
                // [x0 r0, x0 r2, x0 r1, x0 r3] and the same for x1.
                let lo = _mm256_unpacklo_pd(v0, v1);
                let hi = _mm256_unpackhi_pd(v0, v1);
                out[g] = _mm256_permute4x64_pd::<0b11_01_10_00>(lo);
                out[G + g] = _mm256_permute4x64_pd::<0b11_01_10_00>(hi);
                continue;
            }
            for i in 0..D {
                out[i * G + g] = _mm256_set_pd(x_g[3 * D + i], x_g[2 * D + i], x_g[D + i], x_g[i]);
            }
        }
        out
    }

    /// The 4 x 4 transpose: `rows[r]` holds lane `r` of each of `cols`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn transpose4(c: [__m256d; 4]) -> [__m256d; 4] {
        let t0 = _mm256_unpacklo_pd(c[0], c[1]);
        let t1 = _mm256_unpackhi_pd(c[0], c[1]);
        let t2 = _mm256_unpacklo_pd(c[2], c[3]);
        let t3 = _mm256_unpackhi_pd(c[2], c[3]);
        [
            _mm256_permute2f128_pd::<0x20>(t0, t2),
            _mm256_permute2f128_pd::<0x20>(t1, t3),
            _mm256_permute2f128_pd::<0x31>(t0, t2),
            _mm256_permute2f128_pd::<0x31>(t1, t3),
        ]
    }

    /// Stores the first `rows` of four rows held as `K ≤ 8` column vectors at row `row0` of
    /// the row-major `out` (`K` values a row).
    ///
    /// Each row goes out as whole vectors, in increasing row order: a row of fewer than 4 (or
    /// 8) values also writes the start of the next ones, which their own stores then overwrite.
    /// A row whose vectors would run past the end of `out` is written value by value.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn store_rows<const K: usize, const KG: usize>(
        cols: &[__m256d; KG],
        row0: usize,
        rows: usize,
        out: &mut [f64],
    ) {
        for g in 0..G {
            let here = rows.saturating_sub(4 * g).min(4);
            if here > 0 {
                store_four::<K, KG>(cols, g, row0 + 4 * g, here, out);
            }
        }
    }

    /// [`store_rows`] for the `rows ≤ 4` rows of vector `g`, starting at row `row0`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn store_four<const K: usize, const KG: usize>(
        cols: &[__m256d; KG],
        g: usize,
        row0: usize,
        rows: usize,
        out: &mut [f64],
    ) {
        let zero = _mm256_setzero_pd();
        let col = |j: usize| if j < K { cols[j * G + g] } else { zero };
        if K == 2 && rows == 4 {
            // Two columns: four rows are exactly two vectors.
            let lo = _mm256_unpacklo_pd(col(0), col(1));
            let hi = _mm256_unpackhi_pd(col(0), col(1));
            let dst = &mut out[row0 * 2..row0 * 2 + 8];
            // SAFETY: `dst` holds 8 values.
            unsafe {
                _mm256_storeu_pd(dst.as_mut_ptr(), _mm256_permute2f128_pd::<0x20>(lo, hi));
                _mm256_storeu_pd(
                    dst[4..].as_mut_ptr(),
                    _mm256_permute2f128_pd::<0x31>(lo, hi),
                );
            }
            return;
        }
        let low = transpose4([col(0), col(1), col(2), col(3)]);
        let high = if K > 4 {
            transpose4([col(4), col(5), col(6), col(7)])
        } else {
            [zero; 4]
        };
        let width = if K > 4 { 8 } else { 4 };
        for r in 0..rows {
            let start = (row0 + r) * K;
            if start + width <= out.len() {
                let dst = &mut out[start..start + width];
                // SAFETY: `dst` holds `width` values (4 or 8).
                unsafe {
                    _mm256_storeu_pd(dst.as_mut_ptr(), low[r]);
                    if K > 4 {
                        _mm256_storeu_pd(dst[4..].as_mut_ptr(), high[r]);
                    }
                }
            } else {
                let mut row = [0.0f64; 8];
                // SAFETY: `row` holds 8 values.
                unsafe {
                    _mm256_storeu_pd(row.as_mut_ptr(), low[r]);
                    _mm256_storeu_pd(row[4..].as_mut_ptr(), high[r]);
                }
                out[start..start + K].copy_from_slice(&row[..K]);
            }
        }
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    use crate::test_util::draw;

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|f| f.to_bits()).collect()
    }

    /// `f(d, h, c)` for every shape the rows-in-lanes kernels take.
    fn each_lanes_shape(mut f: impl FnMut(usize, usize, usize)) {
        for d in 1..=ONE_HIDDEN_MAX_INPUTS {
            for h in 1..=LANES_MAX_HIDDEN {
                for c in 2..=ONE_HIDDEN_MAX_CLASSES {
                    f(d, h, c);
                }
            }
        }
    }

    #[test]
    fn avx2_gradient_sums_have_the_portable_kernels_bits() {
        if !crate::dispatch::has_fma_avx2() {
            return;
        }
        let mut seed = 9;
        each_lanes_shape(|d, h, c| {
            // Row counts around the block size (a tail of 0 to 3 rows).
            for n in [0, 1, 2, 3, 4, 5, 7, 13, 200, 203] {
                let x = draw(&mut seed, n * d, 2.0);
                let hidden = draw(&mut seed, n * h, 1.0);
                let w2 = draw(&mut seed, h * c, 1.5);
                let probs: Vec<f64> = draw(&mut seed, n * c, 1.0)
                    .iter()
                    .map(|v| v.abs())
                    .collect();
                let labels: Vec<usize> = (0..n).map(|r| (r * 7 + n) % c).collect();
                let b = Batch {
                    x: &x,
                    labels: &labels,
                    hidden: &hidden,
                    probs: &probs,
                };
                let want = by_inputs_classes!(
                    lane_sums_kernel,
                    d,
                    c,
                    (&x, &labels, &hidden, &probs, &w2, h)
                );
                // SAFETY: the CPU has AVX2 and FMA (checked above).
                let got = unsafe { avx2::lane_sums_avx2(b, &w2, d, h, c) };
                assert_eq!(bits(&got), bits(&want), "d={d} h={h} c={c} n={n}");
                if n == 203 {
                    assert!(want[B2_AT] != 0.0 && want[W1_AT] != 0.0);
                }
            }
        });
    }

    #[test]
    fn avx2_forward_has_the_portable_kernels_bits() {
        if !crate::dispatch::has_fma_avx2() {
            return;
        }
        let mut seed = 7;
        each_lanes_shape(|d, h, c| {
            // Row counts around the block size, and weights that saturate some units.
            for (n, scale) in [
                (1, 1.5),
                (7, 1.5),
                (13, 40.0),
                (64, 1.5),
                (200, 1.5),
                (203, 300.0),
            ] {
                let x = draw(&mut seed, n * d, 2.0);
                let w1 = draw(&mut seed, d * h, scale);
                let b1 = draw(&mut seed, h, 1.0);
                let w2 = draw(&mut seed, h * c, scale);
                let b2 = draw(&mut seed, c, 1.0);
                let p = Params {
                    w1: &w1,
                    b1: &b1,
                    w2: &w2,
                    b2: &b2,
                };
                let outputs = || (vec![f64::NAN; n * h], vec![f64::NAN; n * c * 2]);
                let (mut h_want, mut zp_want) = outputs();
                let (z_want, p_want) = zp_want.split_at_mut(n * c);
                by_inputs_classes!(
                    forward_lanes_kernel,
                    d,
                    c,
                    (&x, p, &mut h_want, z_want, p_want)
                );
                let (mut h_got, mut zp_got) = outputs();
                let (z_got, p_got) = zp_got.split_at_mut(n * c);
                // SAFETY: the CPU has AVX2 and FMA (checked above).
                unsafe { avx2::forward_lanes_avx2(&x, p, &mut h_got, z_got, p_got, d, c) };
                let where_ = format!("d={d} h={h} c={c} n={n}");
                assert_eq!(bits(&h_got), bits(&h_want), "hidden, {where_}");
                assert_eq!(bits(&zp_got), bits(&zp_want), "outputs, {where_}");
            }
        });
    }
}
