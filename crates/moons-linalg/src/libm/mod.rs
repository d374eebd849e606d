//! The C library's `tanh`, bit for bit, in Rust.
//!
//! The exact path must round every activation as numpy did when the fixtures were made, and
//! numpy called glibc's `tanh`. Calling it costs ~13 ns (a call through the PLT into an
//! `ifunc`-selected `expm1`, two divisions on the critical path, nothing overlapping); the
//! seed's sweep makes 340 million of them. This module computes the same function the same
//! way (`expm1.rs`, `tanh.rs`: glibc 2.36's code with each FMA where GCC placed one), inlined
//! and four lanes at a time with AVX2 (`tanh_avx2.rs`). Tests compare it with values that
//! Python's `math.tanh` printed (`reference/fixtures/tanh_bits.json`) and with the running
//! C library.

mod expm1;
mod tanh;
mod tanh_avx2;

pub use self::tanh::tanh;
pub use expm1::expm1;

/// `tanh` of every value, in place: [`tanh`] four lanes at a time where the CPU has AVX2
/// and FMA, one at a time elsewhere. The same bits either way.
pub fn tanh_slice(values: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if crate::has_fma_avx2() {
        // SAFETY: the CPU has the features `tanh_slice_avx2` is compiled for.
        unsafe { tanh_avx2::tanh_slice_avx2(values) };
        return;
    }
    values.iter_mut().for_each(|v| *v = tanh(*v));
}
