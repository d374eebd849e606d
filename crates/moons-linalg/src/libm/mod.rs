//! The C library's `tanh` and `exp`, bit for bit, in Rust.
//!
//! The exact path must round every activation and every softmax exponential as numpy did
//! when the fixtures were made, and numpy called glibc's `tanh` and `exp`. A call costs
//! 4-20 ns (through the PLT into an `ifunc`-selected variant, divisions on the critical path,
//! nothing overlapping); the seed's sweep makes 340 million `tanh` calls. This module
//! computes the same functions the same way (glibc 2.36's code with each FMA where GCC placed
//! one: `expm1.rs`, `tanh.rs`, `exp.rs`), inlined and four lanes at a time with AVX2
//! (`tanh_avx2.rs`, `exp_avx2.rs`). Tests compare them with the values Python's `math.tanh`
//! and `math.exp` returned on the reference machine (`reference/fixtures/libm_bits.json`) and
//! with the running C library.

mod exp;
#[cfg(target_arch = "x86_64")]
mod exp_avx2;
mod expm1;
mod tanh;
#[cfg(target_arch = "x86_64")]
mod tanh_avx2;

pub use self::tanh::tanh;
pub use exp::exp;
pub use expm1::expm1;

/// `tanh` of every value, in place: [`tanh`] four lanes at a time where the CPU has AVX2
/// and FMA, one at a time elsewhere. The same bits either way.
pub fn tanh_slice(values: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if crate::dispatch::use_avx2() {
        // SAFETY: the CPU has the features `tanh_slice_avx2` is compiled for.
        unsafe { tanh_avx2::tanh_slice_avx2(values) };
        return;
    }
    values.iter_mut().for_each(|v| *v = tanh(*v));
}

/// `exp` of every value, in place: [`exp`] four lanes at a time where the CPU has AVX2 and
/// FMA, one at a time elsewhere. The same bits either way.
pub fn exp_slice(values: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if crate::dispatch::use_avx2() {
        // SAFETY: the CPU has the features `exp_slice_avx2` is compiled for.
        unsafe { exp_avx2::exp_slice_avx2(values) };
        return;
    }
    values.iter_mut().for_each(|v| *v = exp(*v));
}
