//! [`exp`](super::exp) four lanes at a time, written once on the lane types: the same
//! operations in the same order, the table read through [`Simd::exp_table`]. A group of four
//! with a lane outside `|x| < 512` (or NaN) goes to the scalar code.
//!
//! The scalar code's "tiny" case needs no lanes of its own: below `|x| = 2^-54` it returns
//! `1 + x`, and so does the arithmetic here (`k = 0`, `r = x`, and every polynomial term but
//! `r` is below half an ulp of `x`, so the result is `fma(1, x, 1)`); zeros give exactly 1.

use super::exp::{C2, C3, C4, C5, INV_LN2_N, NEG_LN2_HI_N, NEG_LN2_LO_N, SHIFT, TABLE};
use crate::dispatch::dispatched;
use crate::lanes::{Real, Simd};

/// `exp` of four lanes, or `None` if a lane needs the scalar code.
#[inline(always)]
fn exp4<S: Simd>(x: S::F64x4) -> Option<S::F64x4> {
    let splat = <S::F64x4 as Real>::splat;
    // Ordered: NaN is not covered.
    if !<S::F64x4 as Real>::all(x.abs().lt(splat(512.0))) {
        return None;
    }
    let kd = x.mul_add(splat(INV_LN2_N), splat(SHIFT));
    let [tail, scale] = S::exp_table(kd, &TABLE);
    let kd = kd - splat(SHIFT);
    let r = kd.mul_add(splat(NEG_LN2_LO_N), kd.mul_add(splat(NEG_LN2_HI_N), x));
    let r2 = r * r;
    let tmp = (r2 * r2).mul_add(
        r.mul_add(splat(C5), splat(C4)),
        r2.mul_add(r.mul_add(splat(C3), splat(C2)), tail + r),
    );
    Some(scale.mul_add(tmp, scale))
}

dispatched! {
    /// `exp` of every value, in place, with the bits of [`exp`](super::exp) on every CPU:
    /// `exp4` on groups of four, the last one to three values (and any group holding a
    /// value it does not cover) with the scalar code.
    pub fn exp_slice<S: Simd>(values: &mut [f64]) {
        let mut groups = values.chunks_exact_mut(4);
        for group in &mut groups {
            match exp4::<S>(S::load(group)) {
                Some(y) => S::store(y, group),
                None => group.iter_mut().for_each(|v| *v = super::exp(*v)),
            }
        }
        for v in groups.into_remainder() {
            *v = super::exp(*v);
        }
    }
}
