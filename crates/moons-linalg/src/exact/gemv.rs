//! Products with a vector-shaped operand, in the order numpy's BLAS computes them.
//!
//! numpy's `a.dot(b)` on two 2-D float64 arrays (`cblas_matrixproduct` in
//! `numpy/_core/src/common/cblasfuncs.c`) calls `dgemm` only when both operands are matrices
//! (or for a column times a row). When one operand is a row (`1 x k`) or a column (`k x 1`)
//! it calls a level-1 or level-2 routine instead, and OpenBLAS's kernels for those round
//! differently from the fused multiply-add chain of [`crate::matmul_into`]. A network with
//! a one-unit layer (the seed with H = 1: `W1` is 2 x 1, `a1` and `delta2` are N x 1) or a
//! batch of one row (N = 1) takes these paths.
//!
//! numpy picks the routine from the operands' shapes and memory order:
//!
//! | numpy operands               | BLAS call           | here        | seed, H = 1                |
//! |------------------------------|---------------------|-------------|----------------------------|
//! | C-order matrix @ column      | `dgemv_t`, inner k  | [`Route::GemvT`] | `X.dot(W1)`, `delta3.dot(W2.T)` |
//! | F-order matrix @ column      | `dgemv_n`, m outputs| [`Route::GemvN`] | `X.T.dot(delta2)`     |
//! | row @ C-order matrix         | `dgemv_n`, n outputs| [`Route::GemvN`] | `a1.T.dot(delta3)`    |
//! | row @ F-order matrix         | `dgemv_t`, inner k  | [`Route::GemvT`] | (N = 1: `delta3.dot(W2.T)`, H ≥ 2) |
//! | row @ column                 | `ddot`              | [`Route::Ddot`]  | (N = 1)               |
//! | anything with a 1 x 1 operand, matrix @ matrix, column @ row | `daxpy` / `dgemm` | [`Route::Gemm`] | `a1.dot(W2)` |
//!
//! A `1 x 1` operand or a column times a row gives one product per output, which every order
//! rounds alike, so the FMA chain is exact there.
//!
//! The library numpy ships (scipy-openblas, `DYNAMIC_ARCH`) runs the Haswell kernels on an
//! AVX2/FMA machine. For the short shapes a one-unit layer produces they take plain-C tails
//! (`m3 = m & 3` in `kernel/x86_64/dgemv_t_4.c` and `dgemv_n_4.c`, the scalar loop of
//! `ddot.c`), whose arithmetic is fixed by how that C was compiled. The disassembly of
//! `dgemv_t_HASWELL` shows FMA contraction (`vfmadd231sd`), while `dgemv_n_HASWELL` and the
//! `ddot` tail use separate `vmulsd`/`vaddsd`:
//!
//! - `dgemv_t`, inner length 2 or 3 (`y[j] += a0*x0 + a1*x1 [+ a2*x2]`, contracted):
//!   `0 + fma(a2, x2, fma(a0, x0, a1*x1))`; the output starts at `0` (beta = 0).
//! - `dgemv_n`, 2 or 3 outputs, any inner length (`temp += a[p]*x[p] + a[p+1]*x[p+1]`, two
//!   pairs per block of four, then one term at a time): every product rounded, each pair
//!   summed, the pair added to the running sum; the remaining `len % 4` terms added one by one
//!   from the last block on; the output is `0 + sum`. With a vector stride other than one the
//!   kernel adds every term one at a time.
//! - `ddot` below 16 terms: `sum = 0; sum += a[p]*x[p]` with every product rounded.
//!
//! Longer shapes go through OpenBLAS's vectorised micro-kernels (`dgemv_t` with an inner
//! length of 4 or more, `dgemv_n` with 4 or more outputs, `ddot` from 16 terms), whose
//! accumulator layout is not mirrored here: [`Route::Unmirrored`] computes them with the FMA
//! chain, which can differ from numpy in the last bit.
//!
//! `reference/probe_gemv.py` derives and checks these rules against numpy (random inputs and
//! the seed's H = 1 trajectory) and writes `reference/fixtures/gemv_orders.json`, which the
//! tests below read. Each rule is a fixed sequence of correctly rounded operations
//! (`f64::mul_add` rounds once with or without an FMA unit), evaluated on one thread, so the
//! bits depend neither on the CPU nor on the thread count.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2};

use crate::dispatch::dispatched;

/// The BLAS routine numpy's `a.dot(b)` reaches, and so the arithmetic to mirror.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// Both matrices, a column times a row, or a `1 x 1` operand: the FMA chain.
    Gemm,
    /// `dgemv_t` with an inner length of 2 or 3: one contracted short dot product per output.
    GemvT,
    /// `dgemv_n` with 2 or 3 outputs: long sums of rounded products, taken in pairs.
    GemvN,
    /// `ddot` of fewer than 16 terms: a plain sum of rounded products.
    Ddot,
    /// Vector-shaped, but through an OpenBLAS micro-kernel not mirrored here: the FMA chain.
    Unmirrored,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Scalar,
    Row,
    Column,
    Matrix,
}

/// numpy's `_select_matrix_shape` for a 2-D array.
fn shape(rows: usize, cols: usize) -> Shape {
    match (rows > 1, cols > 1) {
        (false, false) => Shape::Scalar,
        (false, true) => Shape::Row,
        (true, false) => Shape::Column,
        (true, true) => Shape::Matrix,
    }
}

/// numpy hands a C-contiguous matrix to BLAS as row-major, an F-contiguous one as
/// column-major, and copies any other layout to C order first.
fn row_major(m: &ArrayView2<'_, f64>) -> bool {
    m.is_standard_layout() || !m.t().is_standard_layout()
}

/// Which routine numpy uses for `a.dot(b)` (`a: m x k`, `b: k x n`).
pub(crate) fn route(a: &ArrayView2<'_, f64>, b: &ArrayView2<'_, f64>) -> Route {
    let (m, k) = a.dim();
    let n = b.ncols();
    let mirrored = |ok: bool, route: Route| if ok { route } else { Route::Unmirrored };
    match (shape(m, k), shape(k, n)) {
        (Shape::Scalar, _) | (_, Shape::Scalar) => Route::Gemm,
        (Shape::Row, Shape::Column) => mirrored(k < 16, Route::Ddot),
        // Row-major `a` (`cblas_dgemv(RowMajor, NoTrans)`) is OpenBLAS's `dgemv_t` over the
        // inner dimension; column-major `a` is `dgemv_n` with `m` outputs.
        (Shape::Matrix, Shape::Column) if row_major(a) => mirrored(k <= 3, Route::GemvT),
        (Shape::Matrix, Shape::Column) => mirrored(m <= 3, Route::GemvN),
        // `cblas_dgemv(.., Trans)` on `b`: row-major `b` is `dgemv_n` with `n` outputs.
        (Shape::Row, Shape::Matrix) if row_major(b) => mirrored(n <= 3, Route::GemvN),
        (Shape::Row, Shape::Matrix) => mirrored(k <= 3, Route::GemvT),
        _ => Route::Gemm,
    }
}

/// The route for `batch · b` when `batch` holds rows of a batch (a layer's inputs or
/// deltas, one row per sample): a batch of one row gets the arithmetic its row has inside a
/// larger batch, so that no result depends on how a batch is split. numpy itself multiplies
/// a lone row with `ddot` or `dgemv_n` ([`route`]); the fused layer kernels deliberately do
/// not follow it there.
pub(crate) fn batch_route(batch: &ArrayView2<'_, f64>, b: &ArrayView2<'_, f64>) -> Route {
    let (m, k) = batch.dim();
    if m != 1 {
        return route(batch, b);
    }
    // As a row of a C-ordered batch: a matrix @ column is dgemv_t; anything else dgemm.
    match (k > 1, shape(b.nrows(), b.ncols())) {
        (true, Shape::Column) if k <= 3 => Route::GemvT,
        (true, Shape::Column) => Route::Unmirrored,
        _ => Route::Gemm,
    }
}

/// True for the routes whose arithmetic [`product_into`] reproduces.
pub(crate) fn is_mirrored(route: Route) -> bool {
    matches!(route, Route::GemvT | Route::GemvN | Route::Ddot)
}

dispatched! {
    /// `out = a · b` for a [`Route::GemvT`], [`Route::GemvN`] or [`Route::Ddot`] product
    /// (compiled with FMA where the CPU has it: `dgemv_t`'s contraction is one `fma` per
    /// output, which the C library's software `fma` makes the slowest step of a pass).
    pub(crate) fn product_into(
        route: Route,
        a: ArrayView2<'_, f64>,
        b: ArrayView2<'_, f64>,
        out: ArrayViewMut2<'_, f64>,
    ) {
        let mut out = out;
        if route == Route::Ddot {
            out[[0, 0]] = ddot(a.row(0), b.column(0));
            return;
        }
        let transposed = route == Route::GemvT;
        if let (true, 1, Some(a_s), Some(x), Some(o)) =
            (transposed, b.ncols(), a.as_slice(), b.as_slice(), out.as_slice_mut())
        {
            // matrix @ column with contiguous rows (the seed's `X.dot(W1)` and
            // `delta3.dot(W2.T)` at H = 1): the same arithmetic on slices, without a view per
            // row (which cost ~5 ns a row, a third of the H = 1 pass).
            for (o, row) in o.iter_mut().zip(a_s.chunks_exact(x.len())) {
                *o = dgemv_t_sum(row, x);
            }
            return;
        }
        if b.ncols() == 1 {
            // matrix @ column: one output per row of `a`.
            let x = b.column(0);
            for (o, row) in out.iter_mut().zip(a.rows()) {
                *o = if transposed {
                    dgemv_t_dot(row, x)
                } else {
                    dgemv_n_sum(row, x)
                };
            }
        } else {
            // row @ matrix: one output per column of `b`.
            let x = a.row(0);
            for (o, col) in out.iter_mut().zip(b.columns()) {
                *o = if transposed {
                    dgemv_t_dot(col, x)
                } else {
                    dgemv_n_sum(col, x)
                };
            }
        }
    }
}

/// `dgemv_t`'s tail for an inner length of 2 or 3: `y += a0*x0 + a1*x1 (+ a2*x2)` compiled
/// with FMA contraction, onto `y = 0`.
#[inline(always)]
fn dgemv_t_dot(a: ArrayView1<'_, f64>, x: ArrayView1<'_, f64>) -> f64 {
    let k = a.len();
    let (mut a3, mut x3) = ([0.0; 3], [0.0; 3]);
    for p in 0..k {
        (a3[p], x3[p]) = (a[p], x[p]);
    }
    dgemv_t_sum(&a3[..k], &x3[..k])
}

/// [`dgemv_t_dot`] on slices of 2 or 3 values.
#[inline(always)]
fn dgemv_t_sum(a: &[f64], x: &[f64]) -> f64 {
    let mut t = a[0].mul_add(x[0], a[1] * x[1]);
    if a.len() == 3 {
        t = a[2].mul_add(x[2], t);
    }
    0.0 + t
}

/// `dgemv_n`'s tail for 2 or 3 outputs (one output here: `a` is its row of the matrix):
/// `temp += a[p]*x[p] + a[p+1]*x[p+1]` twice per block of four, not contracted, then the
/// remaining terms one by one; with a strided vector every term one by one.
#[inline(always)]
fn dgemv_n_sum(a: ArrayView1<'_, f64>, x: ArrayView1<'_, f64>) -> f64 {
    let len = a.len();
    let paired = x.strides()[0] == 1;
    let whole = if paired { len - len % 4 } else { 0 };
    let mut t = 0.0;
    let mut p = 0;
    while p < whole {
        t += a[p] * x[p] + a[p + 1] * x[p + 1];
        t += a[p + 2] * x[p + 2] + a[p + 3] * x[p + 3];
        p += 4;
    }
    for q in p..len {
        t += a[q] * x[q];
    }
    0.0 + t
}

/// `ddot` below 16 terms: rounded products added in order from zero.
#[inline(always)]
fn ddot(a: ArrayView1<'_, f64>, x: ArrayView1<'_, f64>) -> f64 {
    a.iter().zip(&x).fold(0.0, |t, (&ap, &xp)| t + ap * xp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::same_bits;
    use crate::{column_sums_into, matmul_into};
    use ndarray::{Array1, Array2};
    use serde_json::Value;

    fn fixture() -> Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../reference/fixtures/gemv_orders.json"
        );
        let text = std::fs::read_to_string(path).expect("gemv_orders.json");
        serde_json::from_str(&text).expect("valid JSON")
    }

    fn vector(v: &Value) -> Array1<f64> {
        v.as_array()
            .expect("an array")
            .iter()
            .map(|x| x.as_f64().expect("a number"))
            .collect()
    }

    fn matrix(v: &Value) -> Array2<f64> {
        let rows: Vec<Array1<f64>> = v.as_array().expect("rows").iter().map(vector).collect();
        let cols = rows[0].len();
        let flat: Vec<f64> = rows.iter().flatten().copied().collect();
        Array2::from_shape_vec((rows.len(), cols), flat).expect("rectangular")
    }

    #[test]
    fn matrix_times_column_is_dgemv_t() {
        // numpy: A.dot(x) with A C-ordered N x k (the seed's X.dot(W1), delta3.dot(W2.T)).
        let fx = fixture();
        for case in fx["gemv_t"].as_array().unwrap() {
            let a = matrix(&case["a"]);
            let x = vector(&case["x"]);
            let col = x.view().insert_axis(ndarray::Axis(1));
            assert_eq!(route(&a.view(), &col), Route::GemvT);
            let mut out = Array2::zeros((a.nrows(), 1));
            matmul_into(a.view(), col, out.view_mut());
            let numpy = vector(&case["numpy"]);
            assert!(same_bits(&out, &numpy), "gemv_t {:?}", a.dim());
        }
    }

    #[test]
    fn vector_times_long_side_is_dgemv_n() {
        // numpy: v.T.dot(A) (the seed's a1.T.dot(delta3)) and A.T.dot(v) (X.T.dot(delta2)),
        // equal to each other.
        let fx = fixture();
        for case in fx["gemv_n"].as_array().unwrap() {
            let a = matrix(&case["a"]);
            let v = vector(&case["v"]);
            let numpy = vector(&case["numpy"]);
            let q = a.ncols();

            let row = v.view().insert_axis(ndarray::Axis(0));
            assert_eq!(route(&row, &a.view()), Route::GemvN);
            let mut out = Array2::zeros((1, q));
            matmul_into(row, a.view(), out.view_mut());
            assert!(same_bits(&out, &numpy), "row @ matrix {:?}", a.dim());

            let col = v.view().insert_axis(ndarray::Axis(1));
            assert_eq!(route(&a.t(), &col), Route::GemvN);
            let mut out = Array2::zeros((q, 1));
            matmul_into(a.t(), col, out.view_mut());
            assert!(same_bits(&out, &numpy), "F matrix @ column {:?}", a.dim());
        }
    }

    #[test]
    fn row_times_column_is_ddot() {
        let fx = fixture();
        for case in fx["ddot"].as_array().unwrap() {
            let a = vector(&case["a"]);
            let x = vector(&case["x"]);
            let row = a.view().insert_axis(ndarray::Axis(0));
            let col = x.view().insert_axis(ndarray::Axis(1));
            assert_eq!(route(&row, &col), Route::Ddot);
            let mut out = Array2::zeros((1, 1));
            matmul_into(row, col, out.view_mut());
            let numpy = case["numpy"].as_f64().unwrap();
            assert_eq!(out[[0, 0]].to_bits(), numpy.to_bits(), "ddot {}", a.len());
        }
    }

    #[test]
    fn a_single_column_sums_pairwise() {
        // np.sum(d, axis=0) for an N x 1 array is one contiguous run: numpy's pairwise sum.
        let fx = fixture();
        for case in fx["column_sum"].as_array().unwrap() {
            let v = vector(&case["v"]);
            let col = v.view().insert_axis(ndarray::Axis(1));
            let mut out = Array1::zeros(1);
            column_sums_into(col, out.view_mut());
            let numpy = case["numpy"].as_f64().unwrap();
            assert_eq!(out[0].to_bits(), numpy.to_bits(), "sum of {}", v.len());
        }
    }

    #[test]
    fn a_lone_row_in_a_layer_is_computed_as_in_a_batch() {
        use crate::{affine_into, backprop_deltas_into, LayerActivation};
        let fx = fixture();
        let case = &fx["gemv_t"][0];
        let x = matrix(&case["a"]);
        let w = vector(&case["x"]).insert_axis(ndarray::Axis(1));
        let b = Array1::from_elem(1, 0.25);
        let mut batch = Array2::zeros((x.nrows(), 1));
        affine_into(
            x.view(),
            w.view(),
            b.view(),
            LayerActivation::Tanh,
            batch.view_mut(),
        );
        let mut deltas = Array2::zeros((x.nrows(), 1));
        backprop_deltas_into(x.view(), w.t(), None, deltas.view_mut());
        for i in 0..x.nrows() {
            let row = x.slice(ndarray::s![i..i + 1, ..]);
            let mut one = Array2::zeros((1, 1));
            affine_into(
                row,
                w.view(),
                b.view(),
                LayerActivation::Tanh,
                one.view_mut(),
            );
            assert_eq!(
                one[[0, 0]].to_bits(),
                batch[[i, 0]].to_bits(),
                "layer row {i}"
            );
            backprop_deltas_into(row, w.t(), None, one.view_mut());
            assert_eq!(
                one[[0, 0]].to_bits(),
                deltas[[i, 0]].to_bits(),
                "deltas row {i}"
            );
        }
    }

    #[test]
    fn routes_follow_numpy_shapes_and_order() {
        let m = Array2::<f64>::zeros((5, 2));
        let w = Array2::<f64>::zeros((2, 3));
        let col = Array2::<f64>::zeros((2, 1));
        let wide = Array2::<f64>::zeros((5, 4));
        let long_col = Array2::<f64>::zeros((4, 1));
        let one = Array2::<f64>::zeros((1, 1));
        assert_eq!(route(&m.view(), &w.view()), Route::Gemm);
        assert_eq!(route(&m.view(), &col.view()), Route::GemvT);
        assert_eq!(route(&wide.view(), &long_col.view()), Route::Unmirrored);
        assert_eq!(route(&m.t(), &m.view()), Route::Gemm);
        // a1.T.dot(delta3) at N = 1: a 1 x 1 operand scales a row (daxpy, single products).
        assert_eq!(
            route(&one.view(), &w.slice(ndarray::s![..1, ..])),
            Route::Gemm
        );
        // a1 (N x 1) @ W2 (1 x 2): a column times a row is dgemm with K = 1.
        let a1 = Array2::<f64>::zeros((5, 1));
        let w2 = Array2::<f64>::zeros((1, 2));
        assert_eq!(route(&a1.view(), &w2.view()), Route::Gemm);
        // N = 1 with H = 2: X (1 x 2) @ W1 (2 x 2) and delta3 (1 x 2) @ W2.T (F order).
        let x = Array2::<f64>::zeros((1, 2));
        let sq = Array2::<f64>::zeros((2, 2));
        assert_eq!(route(&x.view(), &sq.view()), Route::GemvN);
        assert_eq!(route(&x.view(), &sq.t()), Route::GemvT);
    }
}
