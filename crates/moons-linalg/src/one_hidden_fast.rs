//! The fast mode's whole training pass for a network with one tanh hidden layer (`D → H → C`
//! with `D ≤ 4`, `1 ≤ H ≤ 64`, `2 ≤ C ≤ 4`): rows in SIMD lanes, in any arithmetic order.
//!
//! Unlike [`crate::one_hidden_forward_into`] these kernels do not reproduce numpy's rounding:
//! they use [`fast::tanh_approx`] and [`fast::exp_approx`], start every chain from its bias,
//! always shift the softmax by the row maximum, and sum the gradients in lanes. What they keep
//! is determinism: the same inputs give the same bits on every run, on every CPU with FMA and
//! AVX2 (and on every other, through the plain copy of the same code), and for every rayon
//! thread count, because no sum is split in a way that depends on the threads.
//!
//! - [`one_hidden_fast_forward_into`] takes the rows `L = 8` at a time, one row per lane:
//!   per hidden unit `z = b1 + Σ_i x_i W1[i, j]` (fused multiply-adds), `a = tanh_approx(z)`,
//!   `z2 += a W2[j, ·]`; then the logits' softmax with `exp_approx`. A short last block is
//!   padded with zero rows that are never stored. Every row is computed from its own inputs
//!   alone, so large batches split across threads at any boundary without changing a bit.
//! - [`one_hidden_fast_gradients_into`] loops over the hidden units outermost: each unit's
//!   `dW1[·, j]`, `db1[j]` and `dW2[j, ·]` sweep the rows in lanes (padded rows add zero), one
//!   chunk of [`CHUNK_ROWS`] rows at a time, then reduce the lanes in a fixed order. Units are
//!   independent, so they run in parallel for large batches with the same bits. `db2` is a
//!   sweep of its own.
//!
//! Errors: each activation is within [`fast::TANH_MAX_ABS_ERROR`] of the C library's `tanh`
//! and each exponential within [`fast::EXP_MAX_REL_ERROR`]; the rest is ordinary rounding in a
//! different order (`crates/moons-linalg/tests/one_hidden_fast.rs` compares with the exact
//! kernels).

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rayon::prelude::*;

use crate::dispatch::{dispatched, rows_per_task, PARALLEL_MIN_WORK};
use crate::fast::{exp_approx, tanh_approx};
use crate::one_hidden::{
    OneHiddenParams, ONE_HIDDEN_MAX_CLASSES, ONE_HIDDEN_MAX_HIDDEN, ONE_HIDDEN_MAX_INPUTS,
};

/// Rows per block: one per SIMD lane (two AVX2 vectors of four).
const L: usize = 8;

/// Rows per chunk of the gradient sweep: each unit's lane sums are reduced and added to its
/// totals once per chunk, so the chunk's slice of the hidden outputs stays in cache while
/// every unit reads it. A multiple of [`L`]; fixed, so the bits do not depend on anything else.
const CHUNK_ROWS: usize = 512;

/// Calls `$kernel::<D, C>($args)` for the run-time `(d, c)`.
macro_rules! by_inputs_classes {
    ($kernel:ident, $d:expr, $c:expr, ($($arg:expr),*)) => {
        match ($d, $c) {
            (1, 2) => $kernel::<1, 2>($($arg),*),
            (1, 3) => $kernel::<1, 3>($($arg),*),
            (1, 4) => $kernel::<1, 4>($($arg),*),
            (2, 2) => $kernel::<2, 2>($($arg),*),
            (2, 3) => $kernel::<2, 3>($($arg),*),
            (2, 4) => $kernel::<2, 4>($($arg),*),
            (3, 2) => $kernel::<3, 2>($($arg),*),
            (3, 3) => $kernel::<3, 3>($($arg),*),
            (3, 4) => $kernel::<3, 4>($($arg),*),
            (4, 2) => $kernel::<4, 2>($($arg),*),
            (4, 3) => $kernel::<4, 3>($($arg),*),
            (4, 4) => $kernel::<4, 4>($($arg),*),
            _ => unreachable!("checked by fast_shape"),
        }
    };
}

/// The parameters as row-major slices.
#[derive(Clone, Copy)]
struct Params<'a> {
    w1: &'a [f64],
    b1: &'a [f64],
    w2: &'a [f64],
    b2: &'a [f64],
}

/// `(D, H, C)` and the parameters as slices, when the kernels take this network and batch:
/// small widths, consistent shapes, row-major storage.
fn fast_shape<'a>(
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
    let params = Params {
        w1: net.w1.to_slice()?,
        b1: net.b1.to_slice()?,
        w2: net.w2.to_slice()?,
        b2: net.b2.to_slice()?,
    };
    Some((d, h, c, params))
}

/// The fast mode's forward pass of a one-hidden-layer tanh network over the rows of `x`:
/// `hidden = tanh(x W1 + b1)`, `logits = hidden W2 + b2`, `probs = softmax(logits)`, with
/// [`fast::tanh_approx`](crate::fast::tanh_approx) and
/// [`fast::exp_approx`](crate::fast::exp_approx) and the softmax shifted by each row's
/// maximum. Deterministic: the bits do not depend on the thread count.
///
/// Returns `false`, leaving the outputs untouched, unless `D ≤ 4`, `1 ≤ H ≤ 64`, `2 ≤ C ≤ 4`,
/// the shapes agree and every array (`x`, the parameters, and `hidden`, `logits`, `probs`,
/// which must be `N x H`, `N x C`, `N x C`) is row-major and contiguous.
pub fn one_hidden_fast_forward_into(
    x: ArrayView2<'_, f64>,
    net: OneHiddenParams<'_>,
    mut hidden: ArrayViewMut2<'_, f64>,
    mut logits: ArrayViewMut2<'_, f64>,
    mut probs: ArrayViewMut2<'_, f64>,
) -> bool {
    let Some((d, h, c, p)) = fast_shape(&x, &net) else {
        return false;
    };
    let n = x.nrows();
    if hidden.dim() != (n, h) || logits.dim() != (n, c) || probs.dim() != (n, c) {
        return false;
    }
    let (Some(xs), Some(hs), Some(zs), Some(ps)) = (
        x.as_slice(),
        hidden.as_slice_mut(),
        logits.as_slice_mut(),
        probs.as_slice_mut(),
    ) else {
        return false;
    };
    // A unit weighs its d multiply-adds, the ~25 operations of `tanh_approx` and c for the
    // output layer; which rows a task gets never changes a bit.
    match rows_per_task(n, h * (d + c + 25)) {
        None => forward_rows(xs, p, hs, zs, ps, d, c),
        Some(chunk) => {
            let chunk = chunk.next_multiple_of(L);
            hs.par_chunks_mut(chunk * h)
                .zip(zs.par_chunks_mut(chunk * c))
                .zip(ps.par_chunks_mut(chunk * c))
                .zip(xs.par_chunks(chunk * d))
                .for_each(|(((hs, zs), ps), xs)| forward_rows(xs, p, hs, zs, ps, d, c));
        }
    }
    true
}

/// The fast mode's gradients of the summed cross-entropy of a one-hidden-layer tanh network,
/// after a forward pass left `hidden` and `probs` for the batch `x` with labels `labels`:
/// `dw1 = xᵀ δ2`, `db1 = Σ δ2`, `dw2 = hiddenᵀ δ3`, `db2 = Σ δ3` with `δ3 = probs -
/// onehot(labels)` and `δ2 = δ3 W2ᵀ ⊙ (1 - hidden²)`. No L2 term. The sums run in lanes, in
/// an order fixed by the batch size alone: the bits do not depend on the thread count.
///
/// Returns `false`, leaving the outputs untouched, unless the shapes qualify as for
/// [`one_hidden_fast_forward_into`] and `labels`, `hidden`, `probs` and the gradients are
/// contiguous and shaped like the network and the batch.
///
/// # Panics
/// If a label is not a class.
#[allow(clippy::too_many_arguments)]
pub fn one_hidden_fast_gradients_into(
    x: ArrayView2<'_, f64>,
    labels: ArrayView1<'_, usize>,
    net: OneHiddenParams<'_>,
    hidden: ArrayView2<'_, f64>,
    probs: ArrayView2<'_, f64>,
    mut dw1: ArrayViewMut2<'_, f64>,
    mut db1: ArrayViewMut1<'_, f64>,
    mut dw2: ArrayViewMut2<'_, f64>,
    mut db2: ArrayViewMut1<'_, f64>,
) -> bool {
    let Some((d, h, c, p)) = fast_shape(&x, &net) else {
        return false;
    };
    let n = x.nrows();
    let shapes_ok = labels.len() == n
        && hidden.dim() == (n, h)
        && probs.dim() == (n, c)
        && dw1.dim() == (d, h)
        && db1.len() == h
        && dw2.dim() == (h, c)
        && db2.len() == c;
    if !shapes_ok {
        return false;
    }
    let (Some(xs), Some(ys), Some(hs), Some(ps), Some(g1), Some(s1), Some(g2), Some(s2)) = (
        x.as_slice(),
        labels.as_slice(),
        hidden.as_slice(),
        probs.as_slice(),
        dw1.as_slice_mut(),
        db1.as_slice_mut(),
        dw2.as_slice_mut(),
        db2.as_slice_mut(),
    ) else {
        return false;
    };
    // `db2` first: it also checks the labels.
    by_inputs_classes!(output_bias_kernel, d, c, (ys, ps, s2));

    // dW1 transposed (unit-major) on the stack, so that each unit's results are one slice.
    let mut g1t = [[0.0f64; ONE_HIDDEN_MAX_INPUTS]; ONE_HIDDEN_MAX_HIDDEN];
    let g1t = &mut g1t[..h];
    let threads = rayon::current_num_threads();
    if n.saturating_mul(h * (d + 2 * c + 4)) >= PARALLEL_MIN_WORK && threads > 1 && h > 1 {
        // Units in groups, one group per task; a unit's sums do not depend on its group.
        let units = h.div_ceil(threads);
        g1t.par_chunks_mut(units)
            .zip(s1.par_chunks_mut(units))
            .zip(g2.par_chunks_mut(units * c))
            .enumerate()
            .for_each(|(t, ((g1t, s1), g2))| {
                by_inputs_classes!(
                    unit_gradients_kernel,
                    d,
                    c,
                    (xs, ys, hs, ps, p.w2, h, t * units, g1t, s1, g2)
                )
            });
    } else {
        by_inputs_classes!(
            unit_gradients_kernel,
            d,
            c,
            (xs, ys, hs, ps, p.w2, h, 0, g1t, s1, g2)
        );
    }
    for (i, g1_i) in g1.chunks_exact_mut(h).enumerate() {
        for (g, col) in g1_i.iter_mut().zip(g1t.iter()) {
            *g = col[i];
        }
    }
    true
}

fn forward_rows(
    x: &[f64],
    p: Params<'_>,
    hidden: &mut [f64],
    logits: &mut [f64],
    probs: &mut [f64],
    d: usize,
    c: usize,
) {
    by_inputs_classes!(
        forward_kernel,
        d,
        c,
        (x, p.w1, p.b1, p.w2, p.b2, hidden, logits, probs)
    )
}

dispatched! {
    /// The forward pass with `D` inputs and `C` classes, [`L`] rows at a time.
    #[allow(clippy::too_many_arguments)]
    fn forward_kernel<const D: usize, const C: usize>(
        x: &[f64],
        w1: &[f64],
        b1: &[f64],
        w2: &[f64],
        b2: &[f64],
        hidden: &mut [f64],
        logits: &mut [f64],
        probs: &mut [f64],
    ) {
        let h = b1.len();
        let b2: &[f64; C] = b2.try_into().expect("C output biases");
        // The block's hidden pre-activations, then activations: unit-major, one row per lane.
        // Set up once per call; each block overwrites the first h units.
        let mut za = [[0.0f64; L]; ONE_HIDDEN_MAX_HIDDEN];
        let za = &mut za[..h];
        let mut x_blocks = x.chunks_exact(L * D);
        let mut h_blocks = hidden.chunks_exact_mut(L * h);
        let mut z_blocks = logits.chunks_exact_mut(L * C);
        let mut p_blocks = probs.chunks_exact_mut(L * C);
        for (((x_b, h_b), z_b), p_b) in (&mut x_blocks)
            .zip(&mut h_blocks)
            .zip(&mut z_blocks)
            .zip(&mut p_blocks)
        {
            forward_block::<D, C>(x_b, w1, b1, w2, b2, za, h_b, z_b, p_b, L);
        }
        let x_b = x_blocks.remainder();
        let rows = x_b.len() / D;
        if rows > 0 {
            forward_block::<D, C>(
                x_b,
                w1,
                b1,
                w2,
                b2,
                za,
                h_blocks.into_remainder(),
                z_blocks.into_remainder(),
                p_blocks.into_remainder(),
                rows,
            );
        }
    }
}

/// One block of `rows ≤ L` rows (lanes past `rows` compute on zeros and are not stored).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn forward_block<const D: usize, const C: usize>(
    x_b: &[f64],
    w1: &[f64],
    b1: &[f64],
    w2: &[f64],
    b2: &[f64; C],
    za: &mut [[f64; L]],
    h_b: &mut [f64],
    z_b: &mut [f64],
    p_b: &mut [f64],
    rows: usize,
) {
    let h = b1.len();
    let mut xl = [[0.0f64; L]; D];
    for (l, x_r) in x_b.chunks_exact(D).take(rows).enumerate() {
        for i in 0..D {
            xl[i][l] = x_r[i];
        }
    }
    // z = b1 + Σ_i x_i W1[i, j] for every unit, then a = tanh(z) in one sweep over all of them
    // (h * L independent evaluations, so the vector units never wait on one chain).
    for (j, z) in za.iter_mut().enumerate() {
        *z = [b1[j]; L];
        for i in 0..D {
            let w = w1[i * h + j];
            for l in 0..L {
                z[l] = xl[i][l].mul_add(w, z[l]);
            }
        }
    }
    for q in za.as_flattened_mut().chunks_exact_mut(4) {
        for v in q {
            *v = tanh_approx(*v);
        }
    }
    for (l, h_r) in h_b.chunks_exact_mut(h).enumerate() {
        for (o, a) in h_r.iter_mut().zip(za.iter()) {
            *o = a[l];
        }
    }
    // z2 = b2 + Σ_j a_j W2[j, ·]
    let mut z2 = [[0.0f64; L]; C];
    for k in 0..C {
        z2[k] = [b2[k]; L];
    }
    for (a, w2_j) in za.iter().zip(w2.chunks_exact(C)) {
        for k in 0..C {
            let w = w2_j[k];
            for l in 0..L {
                z2[k][l] = a[l].mul_add(w, z2[k][l]);
            }
        }
    }
    // p = exp(z2 - max) / Σ exp(z2 - max): the largest term is 1, so nothing overflows.
    let mut max = z2[0];
    for z2_k in &z2[1..] {
        for l in 0..L {
            max[l] = if z2_k[l] > max[l] { z2_k[l] } else { max[l] };
        }
    }
    let mut e = [[0.0f64; L]; C];
    let mut total = [0.0f64; L];
    for k in 0..C {
        for l in 0..L {
            e[k][l] = exp_approx(z2[k][l] - max[l]);
            total[l] += e[k][l];
        }
    }
    for (l, (z_r, p_r)) in z_b
        .chunks_exact_mut(C)
        .zip(p_b.chunks_exact_mut(C))
        .take(rows)
        .enumerate()
    {
        for k in 0..C {
            z_r[k] = z2[k][l];
            p_r[k] = e[k][l] / total[l];
        }
    }
}

dispatched! {
    /// `db2[k] = Σ_r (probs[r, k] - [labels[r] = k])` in lanes; panics on a label that is not a
    /// class. (`D` only keeps the dispatch uniform.)
    fn output_bias_kernel<const D: usize, const C: usize>(
        labels: &[usize],
        probs: &[f64],
        db2: &mut [f64],
    ) {
        let mut acc = [[0.0f64; L]; C];
        let mut y_blocks = labels.chunks_exact(L);
        let mut p_blocks = probs.chunks_exact(L * C);
        for (y_b, p_b) in (&mut y_blocks).zip(&mut p_blocks) {
            let d3 = output_deltas::<C>(y_b, p_b, L);
            for k in 0..C {
                for l in 0..L {
                    acc[k][l] += d3[k][l];
                }
            }
        }
        let y_b = y_blocks.remainder();
        let d3 = output_deltas::<C>(y_b, p_blocks.remainder(), y_b.len());
        for k in 0..C {
            for l in 0..L {
                acc[k][l] += d3[k][l];
            }
        }
        for (g, acc_k) in db2.iter_mut().zip(&acc) {
            *g = reduce_lanes(acc_k);
        }
    }
}

/// `δ3 = p - onehot(y)` for a block of `rows ≤ L` rows, one row per lane (zeros past `rows`).
#[inline(always)]
fn output_deltas<const C: usize>(y_b: &[usize], p_b: &[f64], rows: usize) -> [[f64; L]; C] {
    let mut d3 = [[0.0f64; L]; C];
    for (l, (&y, p_r)) in y_b.iter().zip(p_b.chunks_exact(C)).take(rows).enumerate() {
        assert!(y < C, "label {y} is not one of the {C} classes");
        for k in 0..C {
            d3[k][l] = p_r[k] - if y == k { 1.0 } else { 0.0 };
        }
    }
    d3
}

/// The sum of the lanes in a fixed order (a balanced tree).
#[inline(always)]
#[allow(clippy::assertions_on_constants)]
fn reduce_lanes(v: &[f64; L]) -> f64 {
    const { assert!(L == 8, "the tree below adds eight lanes") };
    ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]))
}

dispatched! {
    /// `dW1[·, j]` (into `g1t[j - j0]`), `db1[j]` and `dW2[j, ·]` for the units `j0..j0 +
    /// s1.len()` of a network with `h` hidden units, `D` inputs and `C` classes.
    #[allow(clippy::too_many_arguments)]
    fn unit_gradients_kernel<const D: usize, const C: usize>(
        x: &[f64],
        labels: &[usize],
        hidden: &[f64],
        probs: &[f64],
        w2: &[f64],
        h: usize,
        j0: usize,
        g1t: &mut [[f64; ONE_HIDDEN_MAX_INPUTS]],
        s1: &mut [f64],
        g2: &mut [f64],
    ) {
        for v in g1t.iter_mut() {
            *v = [0.0; ONE_HIDDEN_MAX_INPUTS];
        }
        s1.fill(0.0);
        g2.fill(0.0);
        let n = labels.len();
        for start in (0..n).step_by(CHUNK_ROWS) {
            let end = (start + CHUNK_ROWS).min(n);
            let x = &x[start * D..end * D];
            let y = &labels[start..end];
            let a = &hidden[start * h..end * h];
            let p = &probs[start * C..end * C];
            for (u, ((g1t_j, s1_j), g2_j)) in g1t
                .iter_mut()
                .zip(s1.iter_mut())
                .zip(g2.chunks_exact_mut(C))
                .enumerate()
            {
                let j = j0 + u;
                let w2_j: &[f64; C] = w2[j * C..j * C + C].try_into().expect("C weights");
                let sums = unit_chunk::<D, C>(x, y, a, p, w2_j, h, j);
                // The chunk's lane sums, reduced in a fixed order, join the totals.
                for i in 0..D {
                    g1t_j[i] += reduce_lanes(&sums.w1[i]);
                }
                *s1_j += reduce_lanes(&sums.b1);
                for k in 0..C {
                    g2_j[k] += reduce_lanes(&sums.w2[k]);
                }
            }
        }
    }
}

/// One unit's gradient sums over a chunk of rows, one lane per row of each block.
struct UnitSums<const D: usize, const C: usize> {
    w1: [[f64; L]; D],
    b1: [f64; L],
    w2: [[f64; L]; C],
}

/// Unit `j`'s lane sums over the rows of a chunk.
#[inline(always)]
fn unit_chunk<const D: usize, const C: usize>(
    x: &[f64],
    y: &[usize],
    a: &[f64],
    p: &[f64],
    w2_j: &[f64; C],
    h: usize,
    j: usize,
) -> UnitSums<D, C> {
    let mut sums = UnitSums {
        w1: [[0.0f64; L]; D],
        b1: [0.0f64; L],
        w2: [[0.0f64; L]; C],
    };
    let mut x_blocks = x.chunks_exact(L * D);
    let mut y_blocks = y.chunks_exact(L);
    let mut a_blocks = a.chunks_exact(L * h);
    let mut p_blocks = p.chunks_exact(L * C);
    for (((x_b, y_b), a_b), p_b) in (&mut x_blocks)
        .zip(&mut y_blocks)
        .zip(&mut a_blocks)
        .zip(&mut p_blocks)
    {
        unit_block(&mut sums, x_b, y_b, a_b, p_b, w2_j, h, j, L);
    }
    let y_b = y_blocks.remainder();
    if !y_b.is_empty() {
        unit_block(
            &mut sums,
            x_blocks.remainder(),
            y_b,
            a_blocks.remainder(),
            p_blocks.remainder(),
            w2_j,
            h,
            j,
            y_b.len(),
        );
    }
    sums
}

/// Adds a block of `rows ≤ L` rows to unit `j`'s lane sums (padded lanes add zeros).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn unit_block<const D: usize, const C: usize>(
    sums: &mut UnitSums<D, C>,
    x_b: &[f64],
    y_b: &[usize],
    a_b: &[f64],
    p_b: &[f64],
    w2_j: &[f64; C],
    h: usize,
    j: usize,
    rows: usize,
) {
    let mut xl = [[0.0f64; L]; D];
    for (l, x_r) in x_b.chunks_exact(D).take(rows).enumerate() {
        for i in 0..D {
            xl[i][l] = x_r[i];
        }
    }
    let mut al = [0.0f64; L];
    for (l, a_r) in a_b.chunks_exact(h).take(rows).enumerate() {
        al[l] = a_r[j];
    }
    let d3 = output_deltas::<C>(y_b, p_b, rows);
    // δ2 = (Σ_k δ3[k] W2[j, k]) (1 - a²)
    let mut back = [0.0f64; L];
    for k in 0..C {
        for l in 0..L {
            back[l] = d3[k][l].mul_add(w2_j[k], back[l]);
        }
    }
    let mut d2 = [0.0f64; L];
    for l in 0..L {
        d2[l] = back[l] * al[l].mul_add(-al[l], 1.0);
    }
    for l in 0..L {
        sums.b1[l] += d2[l];
    }
    for i in 0..D {
        for l in 0..L {
            sums.w1[i][l] = xl[i][l].mul_add(d2[l], sums.w1[i][l]);
        }
    }
    for k in 0..C {
        for l in 0..L {
            sums.w2[k][l] = al[l].mul_add(d3[k][l], sums.w2[k][l]);
        }
    }
}
