//! The C library's `tanh` and `exp`, bit for bit, in Rust.
//!
//! The exact path must round every activation and every softmax exponential as numpy did
//! when the fixtures were made, and numpy called glibc's `tanh` and `exp`. A call costs
//! 4-20 ns (through the PLT into an `ifunc`-selected variant, divisions on the critical path,
//! nothing overlapping); the seed's sweep makes 340 million `tanh` calls. This module
//! computes the same functions the same way (glibc 2.36's code with each FMA where GCC placed
//! one: `expm1.rs`, `tanh.rs`, `exp.rs`), inlined and four lanes at a time
//! (`tanh_lanes.rs`, `exp_lanes.rs`, written once on the lane types: AVX2 registers where the
//! CPU has them, arrays elsewhere). Tests compare them with the values Python's `math.tanh`
//! and `math.exp` returned on the reference machine (`reference/fixtures/libm_bits.json`) and
//! with the running C library.

mod exp;
mod exp_lanes;
mod expm1;
mod tanh;
mod tanh_lanes;

pub use self::tanh::tanh;
pub use exp::exp;
pub use exp_lanes::exp_slice;
pub use expm1::expm1;
pub use tanh_lanes::tanh_slice;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::portable_only;

    /// Every binade from the subnormals to past `exp`'s finite range, both signs, a few
    /// mantissas each, and the special values.
    fn inputs() -> Vec<f64> {
        let mut out = vec![0.0, f64::INFINITY, f64::NAN, 22.0, 512.0, 1024.0];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for exponent in 0..1024 + 12 {
            for _ in 0..8 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                out.push(f64::from_bits(exponent << 52 | state >> 12));
            }
        }
        let negated: Vec<f64> = out.iter().map(|v| -v).collect();
        out.extend(negated);
        out
    }

    /// The portable copies (every CPU without AVX2) give the scalar functions' bits, as the
    /// AVX2 ones do (`tests/libm.rs`).
    #[test]
    fn the_portable_copies_give_the_scalar_bits() {
        portable_copy_matches("tanh", tanh_slice, tanh);
        portable_copy_matches("exp", exp_slice, exp);
    }

    fn portable_copy_matches(name: &str, slice: fn(&mut [f64]), scalar: fn(f64) -> f64) {
        let xs = inputs();
        let mut got = xs.clone();
        portable_only(|| slice(&mut got));
        for (x, y) in xs.iter().zip(&got) {
            let want = scalar(*x);
            let same = y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan());
            assert!(
                same,
                "{name}({x:e}) = {y:e}, the scalar code gives {want:e}"
            );
        }
    }
}
