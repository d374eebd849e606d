//! The layered kernels that compute what numpy computes, bit for bit: products (with the
//! `dgemv` routes mirrored), sums in numpy's orders, softmax and cross-entropy, and each
//! layer's fused forward and backward pass. They are the reference every other kernel is
//! tested against, and run every network the fused kernels of [`crate::one_hidden`] do not.

pub(crate) mod activation;
pub(crate) mod backprop;
pub(crate) mod gemv;
pub(crate) mod layer;
pub(crate) mod matmul;
pub(crate) mod reduce;
pub(crate) mod softmax;
