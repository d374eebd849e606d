//! A whole training pass of a small network with one tanh hidden layer (the seed's
//! `D → H → C` with `D ≤ 4`, `H ≤ 64`, `C ≤ 4`), fused into two sweeps over the rows.
//!
//! The layered kernels ([`crate::affine_into`], [`crate::softmax_rows_into`],
//! [`crate::softmax_delta_into`], [`crate::weight_gradients_into`],
//! [`crate::backprop_deltas_into`]) run about nine passes over `N x H` intermediate buffers;
//! for the seed's tiny widths that overhead costs as much as the arithmetic. Here
//! [`one_hidden_forward_into`] computes a row's hidden outputs, logits and probabilities in one
//! go (a few rows at a time, so the activations still vectorise), and
//! [`one_hidden_gradients_into`] computes a row's output deltas and hidden deltas and adds them
//! to every gradient sum before moving to the next row.
//!
//! The bits are those of the layered kernels, because every output is the same sequence of
//! correctly rounded operations:
//!
//! - `z1[h]`: a fused multiply-add chain over the inputs starting from `0.0`, then `+ b1[h]`
//!   as its own rounding; `a1 = tanh(z1)` (the C library's, or `fast::tanh_approx`);
//! - `z2[c]`: the same chain over the hidden units, then `+ b2[c]`;
//! - softmax with the shift rule of [`crate::softmax_rows_into`] and its sum `0 + (((0 + e0) +
//!   e1) + ...)` (numpy's pairwise sum of fewer than eight values);
//! - `δ3 = p - onehot(y)` (`1` subtracted at the label only);
//!   `δ2[h] = (chain over c from 0.0 of δ3[c] W2[h, c]) * (1 - a1[h] * a1[h])`;
//! - `dW2[h, c]`, `dW1[i, h]`: one `fma` chain per entry over the rows in order from `0.0`;
//!   `db2`, `db1`: rows added in order from `0.0`.
//!
//! Interleaving rows does not change any of these chains: each one still sees its terms in
//! row order. The fused path is taken only where every layered kernel would take its
//! FMA-chain route (no `dgemv` mirror, see `gemv.rs`), which [`one_hidden_forward_into`] and
//! [`one_hidden_gradients_into`] check with the same route rules; otherwise they return
//! `false` and leave the work to the layered kernels.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rayon::prelude::*;

use crate::dispatch::{dispatched, rows_per_task, PARALLEL_MIN_WORK};
use crate::fast;
use crate::gemv;
use crate::softmax::row_shift;

/// The most inputs the fused kernels take.
pub const ONE_HIDDEN_MAX_INPUTS: usize = 4;
/// The most hidden units the fused kernels take.
pub const ONE_HIDDEN_MAX_HIDDEN: usize = 64;
/// The most classes the fused kernels take.
pub const ONE_HIDDEN_MAX_CLASSES: usize = 4;

/// Rows per block of the forward sweep: a block's activations are computed together.
const BLOCK_ROWS: usize = 8;

/// The parameters of a network `D → H (tanh) → C (softmax)`.
#[derive(Clone, Copy, Debug)]
pub struct OneHiddenParams<'a> {
    /// `D x H` input-to-hidden weights.
    pub w1: ArrayView2<'a, f64>,
    /// `H` hidden biases.
    pub b1: ArrayView1<'a, f64>,
    /// `H x C` hidden-to-output weights.
    pub w2: ArrayView2<'a, f64>,
    /// `C` output biases.
    pub b2: ArrayView1<'a, f64>,
}

/// `(D, H, C)` when the fused kernels compute exactly what the layered ones do for a batch
/// `x` of these parameters: small widths, `H ≥ 2` and `C ≥ 2` (a one-unit layer is a `dgemv`
/// product in numpy, mirrored in `gemv.rs`), at least two rows, and row-major storage.
fn fused_shape(x: &ArrayView2<'_, f64>, net: &OneHiddenParams<'_>) -> Option<(usize, usize, usize)> {
    let (n, d) = x.dim();
    let (h, c) = net.w2.dim();
    let fits = (1..=ONE_HIDDEN_MAX_INPUTS).contains(&d)
        && (2..=ONE_HIDDEN_MAX_HIDDEN).contains(&h)
        && (2..=ONE_HIDDEN_MAX_CLASSES).contains(&c)
        && n >= 2
        && net.w1.dim() == (d, h)
        && net.b1.len() == h
        && net.b2.len() == c;
    let contiguous = x.as_slice().is_some()
        && net.w1.as_slice().is_some()
        && net.b1.as_slice().is_some()
        && net.w2.as_slice().is_some()
        && net.b2.as_slice().is_some();
    // `X · W1` (the forward pass) takes the FMA chain for these shapes; the other products are
    // matrix times matrix. (`Xᵀ · δ2` is checked where it is computed.)
    let chained = !gemv::is_mirrored(gemv::batch_route(x, &net.w1));
    (fits && contiguous && chained).then_some((d, h, c))
}

/// The forward pass of a one-hidden-layer tanh network over the rows of `x`: `hidden = f(x W1
/// + b1)`, `logits = hidden W2 + b2`, `probs = softmax(logits)`, with `f` the C library's
/// `tanh` and `exp` (or, with `fast`, [`fast::tanh_approx`] and [`fast::exp_approx`]).
///
/// Returns `false`, leaving the outputs untouched, unless the shapes qualify (see the module
/// documentation; `hidden`, `logits` and `probs` must be row-major `N x H`, `N x C`, `N x C`).
/// When it returns `true` the outputs equal, bit for bit, [`crate::affine_into`] for both
/// layers followed by [`crate::softmax_rows_into`] (or their fast-mode counterparts).
pub fn one_hidden_forward_into(
    x: ArrayView2<'_, f64>,
    net: OneHiddenParams<'_>,
    fast: bool,
    mut hidden: ArrayViewMut2<'_, f64>,
    mut logits: ArrayViewMut2<'_, f64>,
    mut probs: ArrayViewMut2<'_, f64>,
) -> bool {
    let Some((d, h, c)) = fused_shape(&x, &net) else {
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
    let p = Params::of(&net);
    // Per row: h (d + ~32) for the hidden units and their activations, c (h + ~24) for the
    // logits and the softmax.
    match rows_per_task(n, h * (d + 32) + c * (h + 24)) {
        None => forward_rows(xs, p, hs, zs, ps, d, c, fast),
        Some(chunk) => hs
            .par_chunks_mut(chunk * h)
            .zip(zs.par_chunks_mut(chunk * c))
            .zip(ps.par_chunks_mut(chunk * c))
            .zip(xs.par_chunks(chunk * d))
            .for_each(|(((hs, zs), ps), xs)| forward_rows(xs, p, hs, zs, ps, d, c, fast)),
    }
    true
}

/// The gradients of the summed loss of a one-hidden-layer tanh network, after
/// [`one_hidden_forward_into`] (or the layered forward pass) left `hidden` and `probs` for
/// the batch `x` with labels `labels`: `dw1 = xᵀ δ2`, `db1 = Σ δ2`, `dw2 = hiddenᵀ δ3`,
/// `db2 = Σ δ3` with `δ3 = probs - onehot(labels)` and `δ2 = δ3 W2ᵀ ⊙ (1 - hidden²)`. No L2
/// term.
///
/// Returns `false`, leaving the outputs untouched, unless the shapes qualify (see the module
/// documentation) and the layered kernels would each run on one thread (large batches are
/// left to them, which split the work across threads). When it returns `true` the gradients
/// equal, bit for bit, [`crate::softmax_delta_into`], [`crate::weight_gradients_into`] and
/// [`crate::backprop_deltas_into`] run layer by layer.
///
/// # Panics
/// If a label is not a class.
#[allow(clippy::too_many_arguments)]
pub fn one_hidden_gradients_into(
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
    let Some((d, h, c)) = fused_shape(&x, &net) else {
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
    // `Xᵀ · δ2` with one input and at most three hidden units is numpy's `dgemv_n`
    // (`weight_gradients_into` mirrors it); `δ2` has the layout of `hidden`.
    if gemv::is_mirrored(gemv::route(&x.t(), &hidden)) {
        return false;
    }
    // The layered kernels split a large batch across threads (same bits); leave those to them.
    if n.saturating_mul(h * d.max(c + 2)) >= PARALLEL_MIN_WORK && rayon::current_num_threads() > 1
    {
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
    let w2 = net.w2.as_slice().expect("checked by fused_shape");
    macro_rules! by_shape {
        ($(($dd:literal, $cc:literal)),*) => {
            match (d, c) {
                $(($dd, $cc) => gradient_rows::<{ $dd * 8 + $cc }>(xs, ys, w2, hs, ps, g1, s1, g2, s2),)*
                _ => unreachable!("d and c are at most 4"),
            }
        };
    }
    by_shape!(
        (1, 2),
        (1, 3),
        (1, 4),
        (2, 2),
        (2, 3),
        (2, 4),
        (3, 2),
        (3, 3),
        (3, 4),
        (4, 2),
        (4, 3),
        (4, 4)
    );
    true
}

/// The parameters as slices (row-major), for the row kernels.
#[derive(Clone, Copy)]
struct Params<'a> {
    w1: &'a [f64],
    b1: &'a [f64],
    w2: &'a [f64],
    b2: &'a [f64],
}

impl<'a> Params<'a> {
    fn of(net: &OneHiddenParams<'a>) -> Self {
        let slice = |v: Option<&'a [f64]>| v.expect("checked by fused_shape");
        Self {
            w1: slice(net.w1.to_slice()),
            b1: slice(net.b1.to_slice()),
            w2: slice(net.w2.to_slice()),
            b2: slice(net.b2.to_slice()),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn forward_rows(
    x: &[f64],
    p: Params<'_>,
    hidden: &mut [f64],
    logits: &mut [f64],
    probs: &mut [f64],
    d: usize,
    c: usize,
    fast: bool,
) {
    macro_rules! by_shape {
        ($(($dd:literal, $cc:literal)),*) => {
            match (d, c) {
                $(($dd, $cc) => forward_block::<{ $dd * 8 + $cc }>(x, p.w1, p.b1, p.w2, p.b2, hidden, logits, probs, fast),)*
                _ => unreachable!("d and c are at most 4"),
            }
        };
    }
    by_shape!(
        (1, 2),
        (1, 3),
        (1, 4),
        (2, 2),
        (2, 3),
        (2, 4),
        (3, 2),
        (3, 3),
        (3, 4),
        (4, 2),
        (4, 3),
        (4, 4)
    );
}

dispatched! {
    /// The forward pass with `D = S / 8` inputs and `C = S % 8` classes (one const parameter,
    /// as the dispatch macro takes one), `BLOCK_ROWS` rows at a time: their hidden units, the
    /// activations of the block in one loop, their logits, their softmax.
    #[allow(clippy::too_many_arguments)]
    fn forward_block<const S: usize>(
        x: &[f64],
        w1: &[f64],
        b1: &[f64],
        w2: &[f64],
        b2: &[f64],
        hidden: &mut [f64],
        logits: &mut [f64],
        probs: &mut [f64],
        fast: bool,
    ) {
        let (d, c) = (S / 8, S % 8);
        let h = b1.len();
        for (((x_b, h_b), z_b), p_b) in x
            .chunks(BLOCK_ROWS * d)
            .zip(hidden.chunks_mut(BLOCK_ROWS * h))
            .zip(logits.chunks_mut(BLOCK_ROWS * c))
            .zip(probs.chunks_mut(BLOCK_ROWS * c))
        {
            // z1 = x W1 + b1: a chain over the inputs from 0, then the bias.
            for (x_r, h_r) in x_b.chunks_exact(d).zip(h_b.chunks_exact_mut(h)) {
                for (j, (z, &bj)) in h_r.iter_mut().zip(b1).enumerate() {
                    let mut acc = 0.0f64;
                    for i in 0..d {
                        acc = x_r[i].mul_add(w1[i * h + j], acc);
                    }
                    *z = acc + bj;
                }
            }
            // a1 = tanh(z1)
            if fast {
                for v in h_b.iter_mut() {
                    *v = fast::tanh_approx(*v);
                }
            } else {
                for v in h_b.iter_mut() {
                    *v = v.tanh();
                }
            }
            // z2 = a1 W2 + b2: a chain over the hidden units from 0, then the bias; then the
            // softmax's shifted logits.
            for ((h_r, z_r), p_r) in h_b
                .chunks_exact(h)
                .zip(z_b.chunks_exact_mut(c))
                .zip(p_b.chunks_exact_mut(c))
            {
                for k in 0..c {
                    let mut acc = 0.0f64;
                    for (j, &a) in h_r.iter().enumerate() {
                        acc = a.mul_add(w2[j * c + k], acc);
                    }
                    z_r[k] = acc + b2[k];
                }
                let shift = row_shift(z_r.iter().copied());
                for k in 0..c {
                    p_r[k] = z_r[k] - shift;
                }
            }
            // e = exp(z - shift)
            if fast {
                for v in p_b.iter_mut() {
                    *v = fast::exp_approx(*v);
                }
            } else {
                for v in p_b.iter_mut() {
                    *v = v.exp();
                }
            }
            // p = e / sum(e), the sum as numpy's pairwise sum of fewer than eight values.
            for p_r in p_b.chunks_exact_mut(c) {
                let mut total = 0.0f64;
                for &e in p_r.iter() {
                    total += e;
                }
                let total = 0.0 + total;
                for e in p_r.iter_mut() {
                    *e /= total;
                }
            }
        }
    }
}

dispatched! {
    /// The gradient sums with `D = S / 8` inputs and `C = S % 8` classes, one row at a time:
    /// the row's deltas are added to every chain before the next row.
    #[allow(clippy::too_many_arguments)]
    fn gradient_rows<const S: usize>(
        x: &[f64],
        labels: &[usize],
        w2: &[f64],
        hidden: &[f64],
        probs: &[f64],
        dw1: &mut [f64],
        db1: &mut [f64],
        dw2: &mut [f64],
        db2: &mut [f64],
    ) {
        let (d, c) = (S / 8, S % 8);
        let h = db1.len();
        dw1.fill(0.0);
        db1.fill(0.0);
        dw2.fill(0.0);
        db2.fill(0.0);
        for (((x_r, &label), a_r), p_r) in x
            .chunks_exact(d)
            .zip(labels)
            .zip(hidden.chunks_exact(h))
            .zip(probs.chunks_exact(c))
        {
            // δ3 = p - onehot(y)
            let mut d3 = [0.0f64; 8];
            d3[..c].copy_from_slice(p_r);
            assert!(label < c, "label {label} is not one of {c} classes");
            d3[label] -= 1.0;
            for k in 0..c {
                db2[k] += d3[k];
            }
            for (j, &a) in a_r.iter().enumerate() {
                // dW2[j, :] += a1[j] δ3
                let w2_j = &w2[j * c..j * c + c];
                let dw2_j = &mut dw2[j * c..j * c + c];
                let mut back = 0.0f64;
                for k in 0..c {
                    dw2_j[k] = a.mul_add(d3[k], dw2_j[k]);
                    back = d3[k].mul_add(w2_j[k], back);
                }
                // δ2[j] = (δ3 W2ᵀ)[j] (1 - a1[j]²)
                let d2 = back * (1.0 - a * a);
                db1[j] += d2;
                // dW1[:, j] += x δ2[j]
                for i in 0..d {
                    dw1[i * h + j] = x_r[i].mul_add(d2, dw1[i * h + j]);
                }
            }
        }
    }
}
