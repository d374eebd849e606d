//! The hyperbolic tangent and its derivative, as the seed computes them.

use ndarray::{ArrayView2, ArrayViewMut2, Zip};

/// `z = tanh(z)` elementwise, with the C library's `tanh` as [`crate::libm`] computes it.
pub fn tanh_in_place(mut z: ArrayViewMut2<'_, f64>) {
    match z.as_slice_memory_order_mut() {
        Some(values) => crate::libm::tanh_slice(values),
        None => z.mapv_inplace(crate::libm::tanh),
    }
}

/// `delta *= 1 - a * a`: backpropagation through `a = tanh(z)`, written as the seed writes
/// `(1 - np.power(a1, 2))` (numpy squares with one multiply).
pub fn tanh_derivative_mul_in_place(mut delta: ArrayViewMut2<'_, f64>, a: ArrayView2<'_, f64>) {
    Zip::from(&mut delta)
        .and(&a)
        .for_each(|d, &a| *d *= 1.0 - a * a);
}
