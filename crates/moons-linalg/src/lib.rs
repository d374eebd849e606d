//! The dense kernels a small network needs, computing what numpy computes bit for bit.
//!
//! Each kernel writes into a caller-owned buffer, so a training loop that owns its buffers
//! never allocates. The arithmetic mirrors numpy 2 with OpenBLAS on x86-64:
//!
//! - a matrix product computes every output as a fused multiply-add chain over the inner
//!   dimension, starting from zero ([`matmul_into`]), except where one operand is a row or
//!   a column: numpy then calls OpenBLAS's `dgemv`/`ddot`, whose rounding is mirrored
//!   separately (`exact/gemv.rs`; a network with a one-unit layer, or a batch of one row);
//! - `np.sum(a, axis=0)` adds rows in order, except for a single column, which numpy sums
//!   pairwise ([`column_sums_into`]);
//! - a reduction over rows adds them in order ([`column_sums_into`]), while a sum over one
//!   contiguous run uses numpy's pairwise summation ([`pairwise_sum`]);
//! - `exp` and `ln` are the C library's, which is what Rust's `f64` methods call on Linux;
//!   `tanh` is the C library's too, computed by [`libm`], a port of glibc's that gives the same
//!   bits four lanes at a time (and on every CPU and C library).
//!
//! The training kernels are fused ([`affine_into`] is a layer's forward pass with its
//! activation; [`weight_gradients_into`] and [`backprop_deltas_into`] its backward pass), compiled
//! for FMA/AVX2 and for plain x86-64 with a run-time choice, and split across threads for large
//! batches; none of this changes a bit of the result. [`fast`] holds the approximations of the
//! opt-in fast mode, which do.
//!
//! ```
//! use moons_linalg::matmul_into;
//! use ndarray::{array, Array2};
//!
//! let a = array![[1.0, 2.0], [3.0, 4.0]];
//! let b = array![[5.0], [6.0]];
//! let mut out = Array2::zeros((2, 1));
//! matmul_into(a.view(), b.view(), out.view_mut());
//! assert_eq!(out, array![[17.0], [39.0]]);
//! ```
#![warn(missing_docs)]

mod dispatch;
mod exact;
pub mod fast;
mod lanes;
pub mod libm;
mod one_hidden;
mod plan;
#[cfg(test)]
mod test_util;

pub use dispatch::{has_fma_avx2, in_pool_when_worth};
pub use exact::activation::{tanh_derivative_mul_in_place, tanh_in_place};
pub use exact::backprop::{backprop_deltas_into, softmax_delta_into, weight_gradients_into};
pub use exact::layer::{affine_into, LayerActivation};
pub use exact::matmul::{add_row_in_place, matmul_into};
pub use exact::reduce::{argmax_rows_into, column_sums_into, pairwise_sum, sum_of_squares};
pub use exact::softmax::{
    cross_entropy_sum, softmax_rows_approx_into, softmax_rows_into, SOFTMAX_SHIFT_THRESHOLD,
};
pub use one_hidden::exact::{one_hidden_forward_into, one_hidden_gradients_into};
pub use one_hidden::fast::{one_hidden_fast_forward_into, one_hidden_fast_gradients_into};
pub use one_hidden::fast_two_class::one_hidden_fast_two_class_gradients_into;
pub use one_hidden::{
    ForwardOut, GradOut, OneHiddenParams, ONE_HIDDEN_MAX_CLASSES, ONE_HIDDEN_MAX_HIDDEN,
    ONE_HIDDEN_MAX_INPUTS,
};
pub use plan::{
    select, Forward, Gradients, Mode, NetworkShape, Plan, Step, Thresholds, THRESHOLDS,
};
