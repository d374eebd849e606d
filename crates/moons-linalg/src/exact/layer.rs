//! The forward pass of one layer, fused: `input · W + b`, then the activation, row by row.
//!
//! Each output is the fused multiply-add chain of [`crate::matmul_into`] (over the inner
//! dimension from 0, then `+ b` as a separate rounding, as numpy's broadcast add does), so a
//! fused layer gives exactly the bits of the separate kernels. Rows are independent, so large
//! batches are split across threads by rows without changing any result.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2};
use rayon::prelude::*;

use super::gemv;
use crate::dispatch::{dispatched, rows_per_task};
use crate::exact::matmul::chain_into;
use crate::lanes::{F64x4, Real};
use crate::{add_row_in_place, fast, libm, tanh_in_place};

/// The nonlinearity a fused layer applies after its affine map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerActivation {
    /// None: the layer outputs logits.
    Identity,
    /// The C library's `tanh` (as [`crate::libm::tanh_slice`] computes it), the seed's arithmetic.
    Tanh,
    /// [`fast::tanh_approx`]: vectorised, within [`fast::TANH_MAX_ABS_ERROR`] of `tanh`.
    FastTanh,
}

/// `out = f(input · weights + bias)`.
///
/// `input` is `m x k`, `weights` `k x n`, `bias` `n`, `out` `m x n`. With
/// [`LayerActivation::Identity`] or [`LayerActivation::Tanh`] the result equals
/// `matmul_into`, `add_row_in_place` and `tanh_in_place` run one after the other, bit for bit
/// (numpy's `X.dot(W) + b`, then `tanh`). The one exception is a batch of a single row, which
/// is computed as that row inside a larger batch, so that outputs do not depend on how a
/// batch is split (numpy's `dot` would use `ddot`/`dgemv` for a lone row).
///
/// # Panics
/// If the shapes do not chain.
pub fn affine_into(
    input: ArrayView2<'_, f64>,
    weights: ArrayView2<'_, f64>,
    bias: ArrayView1<'_, f64>,
    activation: LayerActivation,
    mut out: ArrayViewMut2<'_, f64>,
) {
    let (m, k) = input.dim();
    let n = weights.ncols();
    assert_eq!(weights.nrows(), k, "affine: inner dimensions differ");
    assert_eq!(bias.len(), n, "affine: bias has the wrong length");
    assert_eq!(out.dim(), (m, n), "affine: output has the wrong shape");
    // A one-unit layer is a dgemv product in numpy; its order is in gemv.rs.
    let route = gemv::batch_route(&input, &weights);
    let vector_shaped = gemv::is_mirrored(route);
    if let (Some(a), Some(w), Some(b), Some(o), false) = (
        input.as_slice(),
        weights.as_slice(),
        bias.as_slice(),
        out.as_slice_mut(),
        vector_shaped,
    ) {
        if k > 0 && n > 0 {
            affine_rows(a, w, b, o, k, n, activation);
            return;
        }
    }
    // Views that are not row-major, or vector-shaped products: the plain kernels, same
    // arithmetic.
    if vector_shaped {
        gemv::product_into(route, input, weights, out.view_mut());
    } else {
        chain_into(input, weights, out.view_mut());
    }
    add_row_in_place(out.view_mut(), bias);
    match activation {
        LayerActivation::Identity => {}
        LayerActivation::Tanh => tanh_in_place(out),
        LayerActivation::FastTanh => out.mapv_inplace(fast::tanh_approx),
    }
}

fn affine_rows(
    a: &[f64],
    w: &[f64],
    b: &[f64],
    out: &mut [f64],
    k: usize,
    n: usize,
    activation: LayerActivation,
) {
    let rows = out.len() / n;
    // Work in multiply-adds: a 4-lane kernel (widths 5 to 16) does four per instruction, and
    // a unit's `tanh` costs about 32 of them (~4 ns), its fast approximation about 4.
    let multiply_adds = if (5..=16).contains(&n) {
        k.div_ceil(4)
    } else {
        k
    };
    let activation_cost = match activation {
        LayerActivation::Identity => 0,
        LayerActivation::Tanh => 32,
        LayerActivation::FastTanh => 4,
    };
    let per_row = n * (multiply_adds + activation_cost);
    match rows_per_task(rows, per_row) {
        None => affine_block(a, w, b, out, k, n, activation),
        Some(chunk) => out
            .par_chunks_mut(chunk * n)
            .zip(a.par_chunks(chunk * k))
            .for_each(|(o, a)| affine_block(a, w, b, o, k, n, activation)),
    }
}

fn affine_block(
    a: &[f64],
    w: &[f64],
    b: &[f64],
    out: &mut [f64],
    k: usize,
    n: usize,
    activation: LayerActivation,
) {
    macro_rules! tiny {
        ($(($kk:literal, $nn:literal)),*) => {
            match (k, n) {
                $(($kk, $nn) => affine_tiny::<{ $kk * 8 + $nn }>(a, w, b, out),)*
                _ => affine_any(a, w, b, out, k, n),
            }
        };
    }
    // The seed's shapes (2 → H → 2 with small H) with every loop bound known at compile time.
    tiny!(
        (2, 1),
        (2, 2),
        (2, 3),
        (2, 4),
        (2, 5),
        (1, 2),
        (3, 2),
        (4, 2),
        (5, 2)
    );
    match activation {
        LayerActivation::Identity => {}
        LayerActivation::Tanh => libm::tanh_slice(out),
        LayerActivation::FastTanh => fast::tanh_approx_slice(out),
    }
}

dispatched! {
    /// `K = S / 8` inputs and `N = S % 8` outputs (one const parameter, as the dispatch macro
    /// takes one): weights and bias in registers, one row at a time.
    fn affine_tiny<const S: usize>(a: &[f64], w: &[f64], b: &[f64], out: &mut [f64]) {
        let (k, n) = (S / 8, S % 8);
        let mut wr = [[0.0f64; 8]; 8];
        for p in 0..k {
            wr[p][..n].copy_from_slice(&w[p * n..p * n + n]);
        }
        for (a_r, o_r) in a.chunks_exact(k).zip(out.chunks_exact_mut(n)) {
            for j in 0..n {
                let mut acc = 0.0f64;
                for p in 0..k {
                    acc = a_r[p].mul_add(wr[p][j], acc);
                }
                o_r[j] = acc + b[j];
            }
        }
    }
}

fn affine_any(a: &[f64], w: &[f64], b: &[f64], out: &mut [f64], k: usize, n: usize) {
    let padded = n % 4 == 0 || k <= PADDED_MAX_INPUTS;
    match n {
        1 => affine_narrow::<1>(a, w, b, out, k),
        2 => affine_narrow::<2>(a, w, b, out, k),
        3 => affine_narrow::<3>(a, w, b, out, k),
        4 => affine_narrow::<4>(a, w, b, out, k),
        // Rows per block times vectors per row is at most 8: the chains fill eight registers,
        // which hides the multiply-add latency without spilling.
        5..=8 if padded => affine_lanes::<2, 4>(a, w, b, out, k, n),
        9..=12 if padded => affine_lanes::<3, 2>(a, w, b, out, k, n),
        13..=16 if padded => affine_lanes::<4, 2>(a, w, b, out, k, n),
        _ => affine_wide(a, w, b, out, k, n),
    }
}

/// The most inputs for which [`affine_lanes`] copies a layer's weights, padded to whole
/// vectors, onto the stack (widths that are not a multiple of 4).
const PADDED_MAX_INPUTS: usize = 32;

dispatched! {
    /// `V` vectors of four outputs per row (`n <= 4 V`), `R` rows at a time, with the `R x V`
    /// chains in registers. Padding lanes compute zeros that are never stored.
    fn affine_lanes<const V: usize, const R: usize>(a: &[f64], w: &[f64], b: &[f64], out: &mut [f64], k: usize, n: usize) {
        let mut bias = [F64x4::ZERO; V];
        for (v, lanes) in bias.iter_mut().enumerate() {
            *lanes = F64x4::load_prefix(&b[(4 * v).min(n)..]);
        }
        if n == 4 * V {
            let weight = |p: usize, v: usize| F64x4::load(&w[p * n + 4 * v..]);
            LaneLayer { weight, bias, k, n }.rows::<R>(a, out);
        } else {
            let mut padded = [[F64x4::ZERO; V]; PADDED_MAX_INPUTS];
            for (row, w_p) in padded.iter_mut().zip(w.chunks_exact(n)) {
                for (v, lanes) in row.iter_mut().enumerate() {
                    *lanes = F64x4::load_prefix(&w_p[(4 * v).min(n)..]);
                }
            }
            let weight = |p: usize, v: usize| padded[p][v];
            LaneLayer { weight, bias, k, n }.rows::<R>(a, out);
        }
    }
}

/// A layer as [`affine_lanes`] reads it: `weight(p, v)` is the `v`-th vector of input `p`'s
/// weights.
struct LaneLayer<F, const V: usize> {
    weight: F,
    bias: [F64x4; V],
    k: usize,
    n: usize,
}

impl<F: Fn(usize, usize) -> F64x4, const V: usize> LaneLayer<F, V> {
    /// Whole blocks of `R` rows, then the rows left one at a time.
    #[inline(always)]
    fn rows<const R: usize>(&self, a: &[f64], out: &mut [f64]) {
        let (k, n) = (self.k, self.n);
        let mut blocks_a = a.chunks_exact(R * k);
        let mut blocks_o = out.chunks_exact_mut(R * n);
        for (a_block, o_block) in (&mut blocks_a).zip(&mut blocks_o) {
            self.block::<R>(a_block, o_block);
        }
        let rest_a = blocks_a.remainder().chunks_exact(k);
        for (a_r, o_r) in rest_a.zip(blocks_o.into_remainder().chunks_exact_mut(n)) {
            self.block::<1>(a_r, o_r);
        }
    }

    /// `R` rows: every output the chain `a_p w_pj + acc` over `p` from zero, then `+ b_j`, as
    /// [`crate::matmul_into`] and [`crate::add_row_in_place`] compute it.
    #[inline(always)]
    fn block<const R: usize>(&self, a: &[f64], out: &mut [f64]) {
        let (k, n) = (self.k, self.n);
        let mut acc = [[F64x4::ZERO; V]; R];
        for p in 0..k {
            let w_p: [F64x4; V] = std::array::from_fn(|v| (self.weight)(p, v));
            for (r, acc_r) in acc.iter_mut().enumerate() {
                let a_rp = F64x4::splat(a[r * k + p]);
                for (acc_rv, &w_pv) in acc_r.iter_mut().zip(&w_p) {
                    *acc_rv = a_rp.mul_add(w_pv, *acc_rv);
                }
            }
        }
        for (o_r, acc_r) in out.chunks_exact_mut(n).zip(&acc) {
            for (v, (z, &b_v)) in acc_r.iter().zip(&self.bias).enumerate() {
                (*z + b_v).store_prefix(&mut o_r[(4 * v).min(n)..]);
            }
        }
    }
}

dispatched! {
    /// Up to four outputs per row: the chains of four rows at a time live in registers, so the
    /// fused multiply-add latency of a long inner dimension overlaps across 4·N chains.
    fn affine_narrow<const N: usize>(a: &[f64], w: &[f64], b: &[f64], out: &mut [f64], k: usize) {
        let mut rows_a = a.chunks_exact(4 * k);
        let mut rows_o = out.chunks_exact_mut(4 * N);
        for (a_block, o_block) in (&mut rows_a).zip(&mut rows_o) {
            let mut acc = [[0.0f64; N]; 4];
            for p in 0..k {
                let wp: &[f64; N] = w[p * N..p * N + N].try_into().expect("N weights per input");
                for (r, acc_r) in acc.iter_mut().enumerate() {
                    let ap = a_block[r * k + p];
                    for (acc_rj, &wpj) in acc_r.iter_mut().zip(wp) {
                        *acc_rj = ap.mul_add(wpj, *acc_rj);
                    }
                }
            }
            for (o_r, acc_r) in o_block.chunks_exact_mut(N).zip(&acc) {
                for ((o, &z), &bj) in o_r.iter_mut().zip(acc_r).zip(b) {
                    *o = z + bj;
                }
            }
        }
        for (a_r, o_r) in rows_a.remainder().chunks_exact(k).zip(rows_o.into_remainder().chunks_exact_mut(N)) {
            let mut acc = [0.0f64; N];
            for (ap, wp) in a_r.iter().zip(w.chunks_exact(N)) {
                for (acc_j, &wpj) in acc.iter_mut().zip(wp) {
                    *acc_j = ap.mul_add(wpj, *acc_j);
                }
            }
            for ((o, &z), &bj) in o_r.iter_mut().zip(&acc).zip(b) {
                *o = z + bj;
            }
        }
    }
}

dispatched! {
    /// Wide rows: the chain loop runs over the inner dimension with all outputs of a row
    /// advancing together, which vectorises across outputs.
    fn affine_wide(a: &[f64], w: &[f64], b: &[f64], out: &mut [f64], k: usize, n: usize) {
        for (a_r, o_r) in a.chunks_exact(k).zip(out.chunks_exact_mut(n)) {
            o_r.fill(0.0);
            for (ap, wp) in a_r.iter().zip(w.chunks_exact(n)) {
                for (o, &wpj) in o_r.iter_mut().zip(wp) {
                    *o = ap.mul_add(wpj, *o);
                }
            }
            for (o, &bj) in o_r.iter_mut().zip(b) {
                *o += bj;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matmul_into;
    use crate::test_util::pseudo_random;
    use ndarray::{Array1, Array2};

    #[test]
    fn fused_layer_equals_the_separate_kernels() {
        for (m, k, n) in [
            (9, 2, 5),
            (9, 5, 2),
            (9, 1, 2),
            (9, 2, 1),
            (9, 4, 2),
            (1, 1, 1),
            (7, 2, 3),
            (9, 64, 2),
            (13, 2, 64),
            (5, 3, 5),
            (33, 5, 4),
            (3000, 2, 64),
            (3000, 64, 2),
            (9, 8, 8),
            (11, 8, 6),
            (7, 3, 12),
            (9, 16, 16),
            (301, 8, 8),
            (5, 40, 6),
            (6, 40, 8),
            (13, 5, 13),
            (3, 7, 10),
            (31, 2, 7),
            (10, 32, 15),
        ] {
            let x = pseudo_random(m, k, 1, 2.0);
            let w = pseudo_random(k, n, 2, 2.0);
            let b: Array1<f64> = pseudo_random(1, n, 3, 2.0).row(0).to_owned();
            for act in [LayerActivation::Identity, LayerActivation::Tanh] {
                let mut expected = Array2::zeros((m, n));
                matmul_into(x.view(), w.view(), expected.view_mut());
                add_row_in_place(expected.view_mut(), b.view());
                if act == LayerActivation::Tanh {
                    tanh_in_place(expected.view_mut());
                }
                let mut fused = Array2::zeros((m, n));
                affine_into(x.view(), w.view(), b.view(), act, fused.view_mut());
                let same = fused
                    .iter()
                    .zip(&expected)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "m={m} k={k} n={n} {act:?}");
            }
        }
    }
}
