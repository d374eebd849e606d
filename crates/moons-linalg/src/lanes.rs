//! `F64x4`: four `f64` lanes as a plain array, for kernels written once. Every method is
//! `#[inline(always)]` element-wise code, so inside a `dispatched!` body compiled for AVX2 it
//! becomes one 256-bit instruction, and elsewhere plain scalar code; each lane rounds as the
//! scalar operation does, so both builds give the same bits.

/// Four `f64` lanes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(align(32))]
pub(crate) struct F64x4(pub [f64; 4]);

impl F64x4 {
    pub const ZERO: Self = Self([0.0; 4]);

    #[inline(always)]
    pub fn splat(v: f64) -> Self {
        Self([v; 4])
    }

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

    /// `self * a + b` per lane, rounded once.
    #[inline(always)]
    pub fn mul_add(self, a: Self, b: Self) -> Self {
        let mut out = [0.0; 4];
        for (o, ((&x, &y), &z)) in out.iter_mut().zip(self.0.iter().zip(&a.0).zip(&b.0)) {
            *o = x.mul_add(y, z);
        }
        Self(out)
    }

    /// `self + other` per lane.
    #[inline(always)]
    pub fn add(self, other: Self) -> Self {
        let mut out = [0.0; 4];
        for (o, (&x, &y)) in out.iter_mut().zip(self.0.iter().zip(&other.0)) {
            *o = x + y;
        }
        Self(out)
    }
}
