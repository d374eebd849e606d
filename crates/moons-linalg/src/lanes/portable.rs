//! The lane types as plain arrays: every operation is `#[inline(always)]` lane-by-lane code,
//! each lane the scalar operation. The fallback for CPUs without AVX2 and FMA; [`F64x4`] also
//! carries the exact fused-layer kernel (`exact/layer.rs`), which the compiler vectorises.

use std::ops::{Add, BitXor, Div, Mul, Neg, Sub};

use super::{Real, Simd, G, LANE_ROWS, R};

/// [`Simd`] on plain arrays.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Portable;

/// Four `f64` lanes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(align(32))]
pub(crate) struct F64x4(pub [f64; 4]);

/// Eight `f32` lanes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(align(32))]
pub(crate) struct F32x8(pub [f32; 8]);

/// A true or false per lane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Mask<const N: usize>(pub [bool; N]);

impl<const N: usize> BitXor for Mask<N> {
    type Output = Self;
    #[inline(always)]
    fn bitxor(self, other: Self) -> Self {
        Self(std::array::from_fn(|l| self.0[l] ^ other.0[l]))
    }
}

impl F64x4 {
    pub const ZERO: Self = Self([0.0; 4]);

    /// The first four values of `values`.
    #[inline(always)]
    pub fn load(values: &[f64]) -> Self {
        Self(values[..4].try_into().expect("four values"))
    }

    /// Up to four values of `values`, the missing lanes zero.
    #[inline(always)]
    pub fn load_prefix(values: &[f64]) -> Self {
        let mut lanes = [0.0; 4];
        let n = values.len().min(4);
        lanes[..n].copy_from_slice(&values[..n]);
        Self(lanes)
    }

    /// The first `out.len()` lanes (at most four) into `out`.
    #[inline(always)]
    pub fn store_prefix(self, out: &mut [f64]) {
        let n = out.len().min(4);
        out[..n].copy_from_slice(&self.0[..n]);
    }
}

/// An arithmetic operator, lane by lane. (Loops over zipped lanes, not `array::from_fn`:
/// the exact fused layer, `exact/layer.rs`, measured ~20% slower with closures.)
macro_rules! lane_op {
    ($name:ident, $trait:ident, $method:ident, $assign:tt) => {
        impl $trait for $name {
            type Output = Self;
            #[inline(always)]
            fn $method(self, other: Self) -> Self {
                let mut out = self.0;
                for (o, &b) in out.iter_mut().zip(&other.0) {
                    *o $assign b;
                }
                Self(out)
            }
        }
    };
}

/// Lane `l` of the output is `$f(self[l], other[l])`.
macro_rules! zip_lanes {
    ($a:expr, $b:expr, $f:expr) => {{
        let mut out = $a.0;
        for (o, &b) in out.iter_mut().zip(&$b.0) {
            *o = $f(*o, b);
        }
        Self(out)
    }};
}

/// The operators and [`Real`] of an array type, lane by lane from the scalar ones.
macro_rules! array_real {
    ($name:ident, $t:ty, $n:literal) => {
        lane_op!($name, Add, add, +=);
        lane_op!($name, Sub, sub, -=);
        lane_op!($name, Mul, mul, *=);
        lane_op!($name, Div, div, /=);
        impl Neg for $name {
            type Output = Self;
            #[inline(always)]
            fn neg(self) -> Self {
                Self(self.0.map(|v| -v))
            }
        }
        impl Real for $name {
            type Scalar = $t;
            type Mask = Mask<$n>;

            #[inline(always)]
            fn splat(v: $t) -> Self {
                Self([v; $n])
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                let mut out = self.0;
                for (o, (&a, &b)) in out.iter_mut().zip(a.0.iter().zip(&b.0)) {
                    *o = o.mul_add(a, b);
                }
                Self(out)
            }
            #[inline(always)]
            fn neg_mul_add(self, a: Self, b: Self) -> Self {
                let mut out = self.0;
                for (o, (&a, &b)) in out.iter_mut().zip(a.0.iter().zip(&b.0)) {
                    *o = o.neg_mul_add(a, b);
                }
                Self(out)
            }
            #[inline(always)]
            fn mul_sub(self, a: Self, b: Self) -> Self {
                let mut out = self.0;
                for (o, (&a, &b)) in out.iter_mut().zip(a.0.iter().zip(&b.0)) {
                    *o = o.mul_sub(a, b);
                }
                Self(out)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                Self(self.0.map(<$t>::abs))
            }
            #[inline(always)]
            fn neg_abs(self) -> Self {
                Self(self.0.map(<$t>::neg_abs))
            }
            #[inline(always)]
            fn copysign(self, sign: Self) -> Self {
                zip_lanes!(self, sign, <$t>::copysign)
            }
            #[inline(always)]
            fn flip_sign(self, sign: Self) -> Self {
                zip_lanes!(self, sign, <$t>::flip_sign)
            }
            #[inline(always)]
            fn trunc(self) -> Self {
                Self(self.0.map(<$t>::trunc))
            }
            #[inline(always)]
            fn lesser(self, other: Self) -> Self {
                zip_lanes!(self, other, <$t>::lesser)
            }
            #[inline(always)]
            fn greater(self, other: Self) -> Self {
                zip_lanes!(self, other, <$t>::greater)
            }
            #[inline(always)]
            fn ge(self, other: Self) -> Mask<$n> {
                Mask(std::array::from_fn(|l| self.0[l] >= other.0[l]))
            }
            #[inline(always)]
            fn lt(self, other: Self) -> Mask<$n> {
                Mask(std::array::from_fn(|l| self.0[l] < other.0[l]))
            }
            #[inline(always)]
            fn sign_set(self) -> Mask<$n> {
                Mask(self.0.map(|v| v.is_sign_negative()))
            }
            #[inline(always)]
            fn all(mask: Mask<$n>) -> bool {
                mask.0.iter().all(|&m| m)
            }
            #[inline(always)]
            fn select(mask: Mask<$n>, yes: Self, no: Self) -> Self {
                Self(std::array::from_fn(|l| {
                    if mask.0[l] {
                        yes.0[l]
                    } else {
                        no.0[l]
                    }
                }))
            }
            #[inline(always)]
            fn pow2_of_int(self) -> Self {
                Self(self.0.map(<$t>::pow2_of_int))
            }
            #[inline(always)]
            fn pow2_of_shifted(self) -> Self {
                Self(self.0.map(<$t>::pow2_of_shifted))
            }
        }
    };
}
array_real!(F64x4, f64, 4);
array_real!(F32x8, f32, 8);

impl Simd for Portable {
    type F64x4 = F64x4;
    type F32x8 = F32x8;

    #[inline(always)]
    fn load(values: &[f64]) -> F64x4 {
        F64x4::load(values)
    }

    #[inline(always)]
    fn store(v: F64x4, out: &mut [f64]) {
        out[..4].copy_from_slice(&v.0);
    }

    #[inline(always)]
    fn lanes(v: F64x4) -> [f64; 4] {
        v.0
    }

    #[inline(always)]
    fn narrow(lo: F64x4, hi: F64x4) -> F32x8 {
        F32x8(std::array::from_fn(|l| {
            if l < 4 {
                lo.0[l] as f32
            } else {
                hi.0[l - 4] as f32
            }
        }))
    }

    #[inline(always)]
    fn widen(v: F32x8) -> [F64x4; 2] {
        [0, 4].map(|at| F64x4(std::array::from_fn(|l| f64::from(v.0[at + l]))))
    }

    #[inline(always)]
    fn load_rows<const K: usize, const KG: usize>(x: &[f64], row0: usize) -> [F64x4; KG] {
        let n = x.len() / K;
        std::array::from_fn(|at| {
            let (i, g) = (at / G, at % G);
            F64x4(std::array::from_fn(|l| {
                let r = row0 + 4 * g + l;
                if r < n {
                    x[r * K + i]
                } else {
                    0.0
                }
            }))
        })
    }

    #[inline(always)]
    fn store_rows<const K: usize, const KG: usize>(
        cols: &[F64x4; KG],
        row0: usize,
        rows: usize,
        out: &mut [f64],
    ) {
        for r in 0..rows.min(R) {
            for (i, o) in out[(row0 + r) * K..(row0 + r + 1) * K]
                .iter_mut()
                .enumerate()
            {
                *o = cols[i * G + r / 4].0[r % 4];
            }
        }
    }

    #[inline(always)]
    fn load_cols<const K: usize>(block: &[f64]) -> [F64x4; K] {
        std::array::from_fn(|j| F64x4(LANE_ROWS.map(|r| block[r * K + j])))
    }

    #[inline(always)]
    fn class_indicators<const C: usize>(labels: &[usize]) -> [F64x4; C] {
        std::array::from_fn(|k| F64x4(LANE_ROWS.map(|r| f64::from(u8::from(labels[r] == k)))))
    }

    #[inline(always)]
    fn label_masks(labels: &[usize], row0: usize) -> [Mask<8>; 2] {
        let rows = labels.len() - row0;
        [
            Mask(std::array::from_fn(|l| l < rows && labels[row0 + l] == 1)),
            Mask(std::array::from_fn(|l| l < rows)),
        ]
    }

    #[inline(always)]
    fn exp_table(shifted: F64x4, table: &[u64; 256]) -> [F64x4; 2] {
        let mut out = [F64x4::ZERO; 2];
        for (l, s) in shifted.0.iter().enumerate() {
            let ki = s.to_bits();
            let i = 2 * (ki % 128) as usize;
            out[0].0[l] = f64::from_bits(table[i]);
            out[1].0[l] = f64::from_bits(table[i + 1].wrapping_add(ki << 45));
        }
        out
    }
}
