//! Lane types, so that a vectorised kernel is written once.
//!
//! A kernel generic over `S: Simd` holds its values in `S::F64x4` (four `f64` lanes) and
//! `S::F32x8` (eight `f32` lanes). `dispatched!` compiles it twice: with `S = Avx2`, whose
//! lanes are AVX2 registers and whose operations are single intrinsics, inside the FMA/AVX2
//! copy, and with `S = Portable`, whose lanes are plain arrays, for any other CPU. Every
//! operation rounds each lane as the scalar operation does (`mul_add` is one fused
//! multiply-add, `lesser` and `greater` compare as MINPD and MAXPD do), and the data-movement
//! operations put the same values in the same lanes, so both copies give the same bits.
//!
//! [`Real`] is implemented for `f64` and `f32` as well: a formula written on it (the fast
//! mode's `exp` and `tanh`) is at once the scalar function and every lane of a vector.
//!
//! Rows in lanes: a *block* is [`R`] = 8 rows, [`G`] = 2 vectors of four `f64` rows or one
//! vector of eight `f32` rows.

use std::ops::{Add, BitXor, Div, Mul, Neg, Sub};

#[cfg(target_arch = "x86_64")]
mod avx2;
mod portable;

#[cfg(target_arch = "x86_64")]
pub(crate) use avx2::Avx2;
pub(crate) use portable::{F64x4, Portable};

/// `f64` vectors per block of rows.
pub(crate) const G: usize = 2;

/// Rows per block.
pub(crate) const R: usize = 4 * G;

/// Lane-wise arithmetic, each lane rounded as the scalar operation rounds it.
pub(crate) trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// `f64` or `f32`.
    type Scalar: Copy;
    /// A true or false per lane.
    type Mask: Copy + BitXor<Output = Self::Mask>;

    /// `v` in every lane.
    fn splat(v: Self::Scalar) -> Self;
    /// `self * a + b`, rounded once.
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// `b - self * a`, rounded once (the bits of `(-self).mul_add(a, b)`).
    fn neg_mul_add(self, a: Self, b: Self) -> Self;
    /// `self * a - b`, rounded once.
    fn mul_sub(self, a: Self, b: Self) -> Self;
    /// `|self|`.
    fn abs(self) -> Self;
    /// `-|self|`.
    fn neg_abs(self) -> Self;
    /// `|self|` with the sign of `sign`.
    fn copysign(self, sign: Self) -> Self;
    /// `self` with its sign flipped where `sign` is negative (the sign bits XOR-ed).
    fn flip_sign(self, sign: Self) -> Self;
    /// `self` rounded toward zero.
    fn trunc(self) -> Self;
    /// `if self < other { self } else { other }` (MINPD's rule: `other` when either is NaN).
    fn lesser(self, other: Self) -> Self;
    /// `if self > other { self } else { other }` (MAXPD's rule).
    fn greater(self, other: Self) -> Self;
    /// `self >= other` (false for NaN).
    fn ge(self, other: Self) -> Self::Mask;
    /// `self < other` (false for NaN).
    fn lt(self, other: Self) -> Self::Mask;
    /// Whether the sign bit is set: `self < 0` but for `-0.0` and NaNs, which go by their
    /// sign bit. (On AVX2 a value is its own mask, so this costs no instruction.)
    fn sign_set(self) -> Self::Mask;
    /// `yes` where `mask` holds, `no` elsewhere.
    fn select(mask: Self::Mask, yes: Self, no: Self) -> Self;
    /// Whether `mask` holds in every lane.
    fn all(mask: Self::Mask) -> bool;
    /// `2^n` from a value `n + 1.5 · 2^p` (`p` the mantissa width) whose low mantissa bits
    /// hold the integer `n`, with `2^n` normal.
    fn pow2_of_shifted(self) -> Self;
    /// `2^self` for a whole `self` with `2^self` normal.
    fn pow2_of_int(self) -> Self;
}

/// An instruction set: its lane types, and the data movements the rows-in-lanes kernels need.
pub(crate) trait Simd: Copy {
    /// Four `f64` lanes.
    type F64x4: Real<Scalar = f64>;
    /// Eight `f32` lanes.
    type F32x8: Real<Scalar = f32>;

    /// The first four values of `values`.
    fn load(values: &[f64]) -> Self::F64x4;
    /// The four lanes into the first four places of `out`.
    fn store(v: Self::F64x4, out: &mut [f64]);
    /// The four lanes.
    fn lanes(v: Self::F64x4) -> [f64; 4];
    /// Eight lanes, `lo`'s then `hi`'s, each rounded to `f32`.
    fn narrow(lo: Self::F64x4, hi: Self::F64x4) -> Self::F32x8;
    /// The eight lanes widened to `f64`: lanes 0..4, then 4..8.
    fn widen(v: Self::F32x8) -> [Self::F64x4; 2];

    /// The block of [`R`] rows of `x` (row-major, `K ≤ 4` values a row) from row `row0`,
    /// transposed: value `i` of rows `4g..4g + 4` in `[i * G + g]`; rows past the end of `x`
    /// are zeros. `KG = K * G`.
    fn load_rows<const K: usize, const KG: usize>(x: &[f64], row0: usize) -> [Self::F64x4; KG];
    /// The inverse of [`Simd::load_rows`] for the first `rows` rows of a block: writes rows
    /// `row0..row0 + rows` of the row-major `out` (`K ≤ 8` values a row). It may also write
    /// into the places of later rows, which the caller then writes in increasing row order.
    fn store_rows<const K: usize, const KG: usize>(
        cols: &[Self::F64x4; KG],
        row0: usize,
        rows: usize,
        out: &mut [f64],
    );
    /// The `K` columns of four rows (`block`, row-major) as vectors whose lane `l` holds row
    /// [`LANE_ROWS`]`[l]`.
    fn load_cols<const K: usize>(block: &[f64]) -> [Self::F64x4; K];
    /// `[labels[r] == k]` as 1.0 or 0.0 for the four labels of a block of four rows, lanes
    /// ordered as [`Simd::load_cols`]'s, for each class `k < C`; every label must be a class.
    fn class_indicators<const C: usize>(labels: &[usize]) -> [Self::F64x4; C];
    /// For the [`R`] rows from `row0`: which have label 1, and which exist (`row0 + l` below
    /// `labels.len()`).
    fn label_masks(labels: &[usize], row0: usize) -> [<Self::F32x8 as Real>::Mask; 2];
    /// The C library's `exp` table (`libm/exp.rs`) read for each lane of `shifted`, a value
    /// `k + 1.5 · 2^52` whose low bits hold the integer `k`: with `i = 2 (k mod 128)`,
    /// `table[i]` as an `f64`, and `table[i + 1] + (k << 45)` as the bits of one.
    fn exp_table(shifted: Self::F64x4, table: &[u64; 256]) -> [Self::F64x4; 2];
}

/// Lane `l` of [`Simd::load_cols`]' vectors holds row `LANE_ROWS[l]` of its four: the order
/// in which unpacking two vectors of interleaved pairs leaves them, so that two columns need
/// no permutation.
pub(crate) const LANE_ROWS: [usize; 4] = [0, 2, 1, 3];

/// [`Real`] for one lane: the scalar operations themselves.
macro_rules! scalar_real {
    ($t:ty, $bits:ty, $bias:expr, $mantissa:expr) => {
        impl Real for $t {
            type Scalar = $t;
            type Mask = bool;

            #[inline(always)]
            fn splat(v: $t) -> Self {
                v
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                <$t>::mul_add(self, a, b)
            }
            #[inline(always)]
            fn neg_mul_add(self, a: Self, b: Self) -> Self {
                <$t>::mul_add(-self, a, b)
            }
            #[inline(always)]
            fn mul_sub(self, a: Self, b: Self) -> Self {
                <$t>::mul_add(self, a, -b)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline(always)]
            fn neg_abs(self) -> Self {
                -<$t>::abs(self)
            }
            #[inline(always)]
            fn copysign(self, sign: Self) -> Self {
                <$t>::copysign(self, sign)
            }
            #[inline(always)]
            fn flip_sign(self, sign: Self) -> Self {
                let bit = (-0.0 as $t).to_bits();
                <$t>::from_bits(self.to_bits() ^ (sign.to_bits() & bit))
            }
            #[inline(always)]
            fn trunc(self) -> Self {
                <$t>::trunc(self)
            }
            #[inline(always)]
            fn lesser(self, other: Self) -> Self {
                if self < other {
                    self
                } else {
                    other
                }
            }
            #[inline(always)]
            fn greater(self, other: Self) -> Self {
                if self > other {
                    self
                } else {
                    other
                }
            }
            #[inline(always)]
            fn ge(self, other: Self) -> bool {
                self >= other
            }
            #[inline(always)]
            fn lt(self, other: Self) -> bool {
                self < other
            }
            #[inline(always)]
            fn sign_set(self) -> bool {
                self.is_sign_negative()
            }
            #[inline(always)]
            fn select(mask: bool, yes: Self, no: Self) -> Self {
                if mask {
                    yes
                } else {
                    no
                }
            }
            #[inline(always)]
            fn all(mask: bool) -> bool {
                mask
            }
            #[inline(always)]
            fn pow2_of_shifted(self) -> Self {
                <$t>::from_bits(self.to_bits().wrapping_add($bias) << $mantissa)
            }
            #[inline(always)]
            fn pow2_of_int(self) -> Self {
                // The biased exponent lands in the low bits of a value in `[2^p, 2^(p+1))`.
                let biased = self + ((1u64 << $mantissa) + $bias) as $t;
                <$t>::from_bits(biased.to_bits() << $mantissa)
            }
        }
    };
}
scalar_real!(f64, u64, 1023, 52);
scalar_real!(f32, u32, 127, 23);
