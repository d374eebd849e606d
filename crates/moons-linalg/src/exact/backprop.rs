//! The backward pass, fused: output deltas, weight and bias gradients, and deltas one layer
//! down, each written into a caller-owned buffer.
//!
//! Every gradient entry keeps numpy's arithmetic: `dW = aᵀ δ` is one fused multiply-add
//! chain per entry over the rows in order, `db = Σ_n δ` adds rows in order, and the deltas one
//! layer down are chains over the layer's outputs. Threads split *which* entries they compute
//! (rows of `dW`, rows of the deltas), never one entry's chain, so the bits do not depend on
//! the thread count.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rayon::prelude::*;

use super::gemv;
use crate::dispatch::{dispatched, rows_per_task, worth_splitting, PARALLEL_MIN_WORK};
use crate::exact::matmul::chain_into;
use crate::{column_sums_into, matmul_into, tanh_derivative_mul_in_place};

/// `delta = probs - onehot(labels)`: the gradient of the summed cross-entropy with respect to
/// the logits (the seed's `delta3 = probs; delta3[range(N), y] -= 1`).
///
/// # Panics
/// If the shapes differ or a label is not a column of `probs`.
pub fn softmax_delta_into(
    probs: ArrayView2<'_, f64>,
    labels: ArrayView1<'_, usize>,
    mut delta: ArrayViewMut2<'_, f64>,
) {
    assert_eq!(
        probs.dim(),
        delta.dim(),
        "softmax delta: output has the wrong shape"
    );
    assert_eq!(
        labels.len(),
        probs.nrows(),
        "softmax delta: one label per row"
    );
    let classes = probs.ncols();
    if let (Some(p), Some(d)) = (probs.as_slice(), delta.as_slice_mut()) {
        d.copy_from_slice(p);
        for (d_r, &label) in d.chunks_exact_mut(classes.max(1)).zip(labels) {
            d_r[label] -= 1.0;
        }
        return;
    }
    delta.assign(&probs);
    for (row, &label) in labels.iter().enumerate() {
        delta[[row, label]] -= 1.0;
    }
}

/// `dw = inputᵀ · delta` and `db = Σ_rows delta`: a layer's weight and bias gradients
/// (summed over the batch, as the seed does).
///
/// `input` is `m x k`, `delta` `m x n`, `dw` `k x n`, `db` `n`. Equal, bit for bit, to
/// `matmul_into(input.t(), delta, dw)` and `column_sums_into(delta, db)`.
///
/// # Panics
/// If the shapes do not match.
pub fn weight_gradients_into(
    input: ArrayView2<'_, f64>,
    delta: ArrayView2<'_, f64>,
    mut dw: ArrayViewMut2<'_, f64>,
    mut db: ArrayViewMut1<'_, f64>,
) {
    let (m, k) = input.dim();
    let n = delta.ncols();
    assert_eq!(
        delta.nrows(),
        m,
        "weight gradients: input and delta have different rows"
    );
    assert_eq!(dw.dim(), (k, n), "weight gradients: dw has the wrong shape");
    assert_eq!(db.len(), n, "weight gradients: db has the wrong length");
    // One input or one output unit: numpy's dgemv for dw and a pairwise sum for a single
    // column's db, which the plain kernels below follow.
    let vector_shaped = gemv::is_mirrored(gemv::route(&input.t(), &delta)) || (n == 1 && m > 1);
    if let (Some(a), Some(d), Some(g), Some(s), false) = (
        input.as_slice(),
        delta.as_slice(),
        dw.as_slice_mut(),
        db.as_slice_mut(),
        vector_shaped,
    ) {
        if k > 0 && n > 0 {
            gradient_sums(a, d, g, s, k, n);
            return;
        }
    }
    matmul_into(input.t(), delta, dw);
    column_sums_into(delta, db);
}

fn gradient_sums(a: &[f64], d: &[f64], dw: &mut [f64], db: &mut [f64], k: usize, n: usize) {
    let m = d.len() / n;
    let work = m.saturating_mul(k * n);
    if !worth_splitting(work, PARALLEL_MIN_WORK) {
        if k <= 4 && n <= 4 {
            return small_gradient_sums(a, d, dw, db, k, n);
        }
        dw.fill(0.0);
        weight_sums_any(a, d, dw, k, n, 0);
        column_sums(d, db);
        return;
    }
    // Split the rows of dw (one per input unit); each task runs the full chain over the batch
    // for its entries. The bias sums are one more task.
    let per_task = k.div_ceil(rayon::current_num_threads() * 2).max(1);
    rayon::join(
        || {
            dw.par_chunks_mut(per_task * n)
                .enumerate()
                .for_each(|(t, block)| {
                    block.fill(0.0);
                    weight_sums_any(a, d, block, k, n, t * per_task);
                })
        },
        || column_sums(d, db),
    );
}

/// Tiny layers (the seed's `2 → 3 → 2`): every chain of `dw` and `db` in registers at once.
fn small_gradient_sums(a: &[f64], d: &[f64], dw: &mut [f64], db: &mut [f64], k: usize, n: usize) {
    macro_rules! by_shape {
        ($(($kk:literal, $nn:literal)),*) => {
            match (k, n) {
                $(($kk, $nn) => fixed_sums::<{ $kk * 8 + $nn }>(a, d, dw, db),)*
                _ => unreachable!("k and n are at most 4"),
            }
        };
    }
    by_shape!(
        (1, 1),
        (1, 2),
        (1, 3),
        (1, 4),
        (2, 1),
        (2, 2),
        (2, 3),
        (2, 4),
        (3, 1),
        (3, 2),
        (3, 3),
        (3, 4),
        (4, 1),
        (4, 2),
        (4, 3),
        (4, 4)
    );
}

dispatched! {
    /// `dw` (`K x N`) and `db` (`N`) with `K = S / 8`, `N = S % 8` (one const parameter, as
    /// the dispatch macro takes one), accumulated in local arrays the compiler keeps in
    /// registers.
    fn fixed_sums<const S: usize>(a: &[f64], d: &[f64], dw: &mut [f64], db: &mut [f64]) {
        let (k, n) = (S / 8, S % 8);
        let mut g = [[0.0f64; 4]; 4];
        let mut s = [0.0f64; 4];
        for (a_r, d_r) in a.chunks_exact(k).zip(d.chunks_exact(n)) {
            for p in 0..k {
                for j in 0..n {
                    g[p][j] = a_r[p].mul_add(d_r[j], g[p][j]);
                }
            }
            for j in 0..n {
                s[j] += d_r[j];
            }
        }
        for (p, dw_p) in dw.chunks_exact_mut(n).enumerate() {
            dw_p.copy_from_slice(&g[p][..n]);
        }
        db.copy_from_slice(&s[..n]);
    }
}
/// [`weight_sums`] with the narrow widths of output layers fixed at compile time, so that the
/// per-entry loop unrolls.
fn weight_sums_any(a: &[f64], d: &[f64], dw: &mut [f64], k: usize, n: usize, first: usize) {
    match n {
        1 => weight_sums_narrow::<1>(a, d, dw, k, first),
        2 => weight_sums_narrow::<2>(a, d, dw, k, first),
        3 => weight_sums_narrow::<3>(a, d, dw, k, first),
        4 => weight_sums_narrow::<4>(a, d, dw, k, first),
        _ => weight_sums(a, d, dw, k, n, first),
    }
}

dispatched! {
    fn weight_sums_narrow<const N: usize>(a: &[f64], d: &[f64], dw: &mut [f64], k: usize, first: usize) {
        let units = dw.len() / N;
        for (a_r, d_r) in a.chunks_exact(k).zip(d.chunks_exact(N)) {
            let d_r: &[f64; N] = d_r.try_into().expect("N deltas per row");
            for (ap, dw_p) in a_r[first..first + units].iter().zip(dw.chunks_exact_mut(N)) {
                for j in 0..N {
                    dw_p[j] = ap.mul_add(d_r[j], dw_p[j]);
                }
            }
        }
    }
}

dispatched! {
    /// `dw[p - first, j] = chain_i fma(a[i, p], d[i, j], ·)` for the rows `first..` of dw that
    /// `dw` holds; rows of the batch in order, all entries advancing together.
    fn weight_sums(a: &[f64], d: &[f64], dw: &mut [f64], k: usize, n: usize, first: usize) {
        let units = dw.len() / n;
        for (a_r, d_r) in a.chunks_exact(k).zip(d.chunks_exact(n)) {
            for (ap, dw_p) in a_r[first..first + units].iter().zip(dw.chunks_exact_mut(n)) {
                for (g, &dj) in dw_p.iter_mut().zip(d_r) {
                    *g = ap.mul_add(dj, *g);
                }
            }
        }
    }
}

dispatched! {
    /// `np.sum(d, axis=0)`: rows added in order, from zero.
    fn column_sums(d: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        for d_r in d.chunks_exact(out.len()) {
            for (s, &x) in out.iter_mut().zip(d_r) {
                *s += x;
            }
        }
    }
}

/// `below = (delta · weightsᵀ) ⊙ (1 - a²)`: the deltas one layer down through a tanh layer
/// whose outputs are `a` (the seed's `delta2 = delta3.dot(W2.T) * (1 - np.power(a1, 2))`).
/// With `a = None` no activation derivative is applied (`below = delta · weightsᵀ`).
///
/// `delta` is `m x c`, `weights` `h x c`, `a` and `below` `m x h`. Equal, bit for bit, to
/// `matmul_into(delta, weights.t(), below)` followed by `tanh_derivative_mul_in_place`, except
/// for a single row (`m = 1`), which is computed as a row of a larger batch (see
/// [`crate::affine_into`]).
///
/// # Panics
/// If the shapes do not match.
pub fn backprop_deltas_into(
    delta: ArrayView2<'_, f64>,
    weights: ArrayView2<'_, f64>,
    a: Option<ArrayView2<'_, f64>>,
    mut below: ArrayViewMut2<'_, f64>,
) {
    let (m, c) = delta.dim();
    let h = weights.nrows();
    assert_eq!(
        weights.ncols(),
        c,
        "backprop: delta and weights have different outputs"
    );
    assert_eq!(below.dim(), (m, h), "backprop: output has the wrong shape");
    if let Some(a) = &a {
        assert_eq!(
            a.dim(),
            (m, h),
            "backprop: activations have the wrong shape"
        );
    }
    let a_slice = a.as_ref().map(|a| a.as_slice());
    // One unit below: numpy's dgemv (gemv.rs).
    let route = gemv::batch_route(&delta, &weights.t());
    let vector_shaped = gemv::is_mirrored(route);
    if let (Some(d), Some(w), Some(b), false) = (
        delta.as_slice(),
        weights.as_slice(),
        below.as_slice_mut(),
        a_slice == Some(None) || vector_shaped,
    ) {
        if c > 0 && h > 0 {
            backprop_rows(d, w, a_slice.flatten(), b, c, h);
            return;
        }
    }
    if vector_shaped {
        gemv::product_into(route, delta, weights.t(), below.view_mut());
    } else {
        chain_into(delta, weights.t(), below.view_mut());
    }
    if let Some(a) = a {
        tanh_derivative_mul_in_place(below, a);
    }
}

fn backprop_rows(d: &[f64], w: &[f64], a: Option<&[f64]>, below: &mut [f64], c: usize, h: usize) {
    let rows = below.len() / h;
    match rows_per_task(rows, h * (c + 2)) {
        None => backprop_block(d, w, a, below, c, h),
        Some(chunk) => match a {
            Some(a) => below
                .par_chunks_mut(chunk * h)
                .zip(d.par_chunks(chunk * c))
                .zip(a.par_chunks(chunk * h))
                .for_each(|((b, d), a)| backprop_block(d, w, Some(a), b, c, h)),
            None => below
                .par_chunks_mut(chunk * h)
                .zip(d.par_chunks(chunk * c))
                .for_each(|(b, d)| backprop_block(d, w, None, b, c, h)),
        },
    }
}

fn backprop_block(d: &[f64], w: &[f64], a: Option<&[f64]>, below: &mut [f64], c: usize, h: usize) {
    if let (2, Some(a)) = (c, a) {
        // The seed's narrow tanh layers (whose pass is a few microseconds): one sweep for both
        // steps, every row's units unrolled.
        match h {
            1 => return tanh_deltas_below::<2, 1>(d, w, a, below),
            2 => return tanh_deltas_below::<2, 2>(d, w, a, below),
            3 => return tanh_deltas_below::<2, 3>(d, w, a, below),
            4 => return tanh_deltas_below::<2, 4>(d, w, a, below),
            _ => {}
        }
    }
    // The chains run over the `c` outputs of the layer above; fixing `c` at compile time for
    // the common small layers unrolls them.
    match c {
        1 => deltas_below::<1>(d, w, below, h),
        2 => deltas_below::<2>(d, w, below, h),
        3 => deltas_below::<3>(d, w, below, h),
        4 => deltas_below::<4>(d, w, below, h),
        _ => deltas_below_any(d, w, below, c, h),
    }
    if let Some(a) = a {
        tanh_derivative_mul(below, a);
    }
}

dispatched! {
    /// [`deltas_below`] then [`tanh_derivative_mul`], in one sweep over rows of `H` units:
    /// `below[j] = (Σ_k d[k] W[j, k]) · (1 - a[j]²)`, each step rounded as there.
    fn tanh_deltas_below<const C: usize, const H: usize>(
        d: &[f64],
        w: &[f64],
        a: &[f64],
        below: &mut [f64],
    ) {
        let w = &w[..H * C];
        for ((d_r, a_r), b_r) in d.chunks_exact(C).zip(a.chunks_exact(H)).zip(below.chunks_exact_mut(H)) {
            for ((b, &aj), w_j) in b_r.iter_mut().zip(a_r).zip(w.chunks_exact(C)) {
                let mut acc = 0.0f64;
                for (&dk, &wk) in d_r.iter().zip(w_j) {
                    acc = dk.mul_add(wk, acc);
                }
                *b = acc * (1.0 - aj * aj);
            }
        }
    }
}

dispatched! {
    fn deltas_below<const C: usize>(d: &[f64], w: &[f64], below: &mut [f64], h: usize) {
        for (d_r, b_r) in d.chunks_exact(C).zip(below.chunks_exact_mut(h)) {
            for (b, w_j) in b_r.iter_mut().zip(w.chunks_exact(C)) {
                let mut acc = 0.0f64;
                for c in 0..C {
                    acc = d_r[c].mul_add(w_j[c], acc);
                }
                *b = acc;
            }
        }
    }
}

dispatched! {
    fn deltas_below_any(d: &[f64], w: &[f64], below: &mut [f64], c: usize, h: usize) {
        for (d_r, b_r) in d.chunks_exact(c).zip(below.chunks_exact_mut(h)) {
            for (b, w_j) in b_r.iter_mut().zip(w.chunks_exact(c)) {
                let mut acc = 0.0f64;
                for (&dc, &wc) in d_r.iter().zip(w_j) {
                    acc = dc.mul_add(wc, acc);
                }
                *b = acc;
            }
        }
    }
}

dispatched! {
    /// `below *= 1 - a * a`, as numpy's `* (1 - np.power(a1, 2))`.
    fn tanh_derivative_mul(below: &mut [f64], a: &[f64]) {
        for (b, &aj) in below.iter_mut().zip(a) {
            *b *= 1.0 - aj * aj;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{pseudo_random, same_bits};
    use ndarray::{Array1, Array2};

    #[test]
    fn fused_backward_equals_the_separate_kernels() {
        for (m, k, n) in [
            (1, 1, 1),
            (200, 2, 3),
            (200, 3, 2),
            (70, 64, 2),
            (5000, 2, 64),
            (5000, 64, 2),
            (300, 7, 9),
        ] {
            let a = pseudo_random(m, k, 1, 1.0);
            let d = pseudo_random(m, n, 2, 1.0);
            let mut dw = Array2::from_elem((k, n), f64::NAN);
            let mut db = Array1::from_elem(n, f64::NAN);
            weight_gradients_into(a.view(), d.view(), dw.view_mut(), db.view_mut());
            let mut dw_ref = Array2::zeros((k, n));
            let mut db_ref = Array1::zeros(n);
            matmul_into(a.t(), d.view(), dw_ref.view_mut());
            column_sums_into(d.view(), db_ref.view_mut());
            assert!(
                same_bits(&dw, &dw_ref) && same_bits(&db, &db_ref),
                "gradients m={m} k={k} n={n}"
            );

            // The deltas below a layer with k inputs and n outputs.
            let w = pseudo_random(k, n, 3, 1.0);
            let act = pseudo_random(m, k, 4, 1.0).mapv(f64::tanh);
            let mut below = Array2::zeros((m, k));
            backprop_deltas_into(d.view(), w.view(), Some(act.view()), below.view_mut());
            let mut below_ref = Array2::zeros((m, k));
            matmul_into(d.view(), w.t(), below_ref.view_mut());
            let plain = below_ref.clone();
            tanh_derivative_mul_in_place(below_ref.view_mut(), act.view());
            assert!(
                same_bits(&below, &below_ref),
                "tanh deltas m={m} k={k} n={n}"
            );
            backprop_deltas_into(d.view(), w.view(), None, below.view_mut());
            assert!(same_bits(&below, &plain), "linear deltas m={m} k={k} n={n}");
        }
    }

    #[test]
    fn softmax_delta_subtracts_one_at_the_label() {
        let p = ndarray::array![[0.25, 0.75], [0.5, 0.5]];
        let mut d = Array2::zeros((2, 2));
        softmax_delta_into(p.view(), ndarray::array![1, 0].view(), d.view_mut());
        assert_eq!(d, ndarray::array![[0.25, -0.25], [-0.5, 0.5]]);
    }
}
