//! Matrix products as sequential fused multiply-add chains.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2, Zip};

use super::gemv;

/// `out = a · b`, each output `fma(a[i,p], b[p,j], acc)` for `p = 0..k` from `acc = 0`.
///
/// This is the order in which OpenBLAS's `dgemm` evaluates every product the seed makes
/// with two matrix operands, so the result equals numpy's `a.dot(b)` bit for bit. Pass
/// `a.t()` or `b.t()` (views, as numpy's `.T`) for the transposed products of
/// backpropagation. `f64::mul_add` is a single rounding whether or not the CPU has an FMA
/// unit, so the bits do not depend on the machine.
///
/// When `a` is a row or `b` a column (a one-unit layer, or a single row), numpy calls
/// `dgemv` or `ddot` instead, and this function follows their order (see `gemv.rs`); which
/// one depends on the shapes and on whether the matrix operand is C- or F-ordered.
///
/// # Panics
/// If the shapes do not chain (`a: m x k`, `b: k x n`, `out: m x n`).
pub fn matmul_into(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>, out: ArrayViewMut2<'_, f64>) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert_eq!(b.nrows(), k, "matmul: inner dimensions differ");
    assert_eq!(out.dim(), (m, n), "matmul: output has the wrong shape");
    let route = gemv::route(&a, &b);
    if gemv::is_mirrored(route) {
        return gemv::product_into(route, a, b, out);
    }
    chain_into(a, b, out);
}

/// The `dgemm` rule alone: `out[i, j] = fma(a[i, p], b[p, j], acc)` for `p = 0..k` from 0.
pub(crate) fn chain_into(
    a: ArrayView2<'_, f64>,
    b: ArrayView2<'_, f64>,
    mut out: ArrayViewMut2<'_, f64>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    for i in 0..m {
        for j in 0..n {
            let mut acc = 0.0;
            for p in 0..k {
                acc = a[[i, p]].mul_add(b[[p, j]], acc);
            }
            out[[i, j]] = acc;
        }
    }
}

/// `out[i, :] += row` for every row: numpy's broadcast `X.dot(W) + b`.
pub fn add_row_in_place(mut out: ArrayViewMut2<'_, f64>, row: ArrayView1<'_, f64>) {
    for mut r in out.rows_mut() {
        Zip::from(&mut r).and(&row).for_each(|o, &b| *o += b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn chain_is_fused_and_in_order() {
        // 0.1 * 0.1 is not exactly representable: a fused chain keeps the low bits that
        // a separate multiply would round away.
        let a = array![[0.1, 1.0]];
        let b = array![[0.1], [-0.01]];
        let mut out = Array2::zeros((1, 1));
        matmul_into(a.view(), b.view(), out.view_mut());
        let fused = 1.0f64.mul_add(-0.01, 0.1f64 * 0.1);
        assert_eq!(out[[0, 0]], fused);
    }

    #[test]
    fn transposed_views_give_transposed_products() {
        let a = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let mut ata = Array2::zeros((3, 3));
        matmul_into(a.t(), a.view(), ata.view_mut());
        assert_eq!(ata, a.t().dot(&a));
    }
}
