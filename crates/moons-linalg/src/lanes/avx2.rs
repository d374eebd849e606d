//! The lane types as AVX2 registers: every operation one intrinsic (or a short fixed
//! sequence for the data movements), giving each lane the bits of [`super::portable`]'s.
//!
//! The methods are `#[inline(always)]` and call the intrinsics in `unsafe` blocks. SAFETY, for
//! every one of them: values of these types are only made inside a `dispatched!` kernel's
//! FMA/AVX2 copy (`S = Avx2`), which runs after `has_fma_avx2` confirmed the CPU has AVX2 and
//! FMA, and into which these bodies are inlined.

use std::arch::x86_64::*;
use std::ops::{Add, BitXor, Div, Mul, Neg, Sub};

use super::{Real, Simd, G, R};

/// [`Simd`] on AVX2 registers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2;

/// Four `f64` lanes in a register; as a mask, a lane holds where its sign bit is set
/// (comparisons set all of its bits).
#[derive(Clone, Copy, Debug)]
#[repr(transparent)]
pub(crate) struct F64x4(__m256d);

/// Eight `f32` lanes in a register; as a mask, as [`F64x4`]'s.
#[derive(Clone, Copy, Debug)]
#[repr(transparent)]
pub(crate) struct F32x8(__m256);

/// A binary operator as one intrinsic.
macro_rules! register_op {
    ($name:ident, $trait:ident, $method:ident, $intrinsic:ident) => {
        impl $trait for $name {
            type Output = Self;
            #[inline(always)]
            fn $method(self, other: Self) -> Self {
                Self(unsafe { $intrinsic(self.0, other.0) })
            }
        }
    };
}

/// The operators and [`Real`] of a register type from its intrinsics.
macro_rules! register_real {
    ($name:ident, $t:ty, $bias:expr, $mantissa:literal,
     $add:ident, $sub:ident, $mul:ident, $div:ident, $and:ident, $andnot:ident, $or:ident,
     $xor:ident, $set1:ident, $fmadd:ident, $fnmadd:ident, $fmsub:ident, $min:ident, $max:ident,
     $cmp:ident, $blendv:ident, $round:ident, $movemask:ident, $every:literal,
     $to_int:ident, $from_int:ident, $add_int:ident, $set1_int:ident, $shift:ident) => {
        register_op!($name, Add, add, $add);
        register_op!($name, Sub, sub, $sub);
        register_op!($name, Mul, mul, $mul);
        register_op!($name, Div, div, $div);
        register_op!($name, BitXor, bitxor, $xor);
        impl Neg for $name {
            type Output = Self;
            #[inline(always)]
            fn neg(self) -> Self {
                Self(unsafe { $xor(self.0, $set1(-0.0)) })
            }
        }
        impl Real for $name {
            type Scalar = $t;
            type Mask = Self;

            #[inline(always)]
            fn splat(v: $t) -> Self {
                Self(unsafe { $set1(v) })
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                Self(unsafe { $fmadd(self.0, a.0, b.0) })
            }
            #[inline(always)]
            fn neg_mul_add(self, a: Self, b: Self) -> Self {
                Self(unsafe { $fnmadd(self.0, a.0, b.0) })
            }
            #[inline(always)]
            fn mul_sub(self, a: Self, b: Self) -> Self {
                Self(unsafe { $fmsub(self.0, a.0, b.0) })
            }
            #[inline(always)]
            fn abs(self) -> Self {
                Self(unsafe { $andnot($set1(-0.0), self.0) })
            }
            #[inline(always)]
            fn neg_abs(self) -> Self {
                Self(unsafe { $or(self.0, $set1(-0.0)) })
            }
            #[inline(always)]
            fn copysign(self, sign: Self) -> Self {
                let bit = unsafe { $set1(-0.0) };
                Self(unsafe { $or($andnot(bit, self.0), $and(bit, sign.0)) })
            }
            #[inline(always)]
            fn flip_sign(self, sign: Self) -> Self {
                Self(unsafe { $xor(self.0, $and(sign.0, $set1(-0.0))) })
            }
            #[inline(always)]
            fn trunc(self) -> Self {
                Self(unsafe { $round::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(self.0) })
            }
            #[inline(always)]
            fn lesser(self, other: Self) -> Self {
                Self(unsafe { $min(self.0, other.0) })
            }
            #[inline(always)]
            fn greater(self, other: Self) -> Self {
                Self(unsafe { $max(self.0, other.0) })
            }
            #[inline(always)]
            fn ge(self, other: Self) -> Self {
                Self(unsafe { $cmp::<_CMP_GE_OQ>(self.0, other.0) })
            }
            #[inline(always)]
            fn lt(self, other: Self) -> Self {
                Self(unsafe { $cmp::<_CMP_LT_OQ>(self.0, other.0) })
            }
            #[inline(always)]
            fn sign_set(self) -> Self {
                // BLENDV and MOVMSK, the only readers of a mask, read its sign bits alone.
                self
            }
            #[inline(always)]
            fn select(mask: Self, yes: Self, no: Self) -> Self {
                Self(unsafe { $blendv(no.0, yes.0, mask.0) })
            }
            #[inline(always)]
            fn all(mask: Self) -> bool {
                unsafe { $movemask(mask.0) == $every }
            }
            #[inline(always)]
            fn pow2_of_int(self) -> Self {
                let magic = ((1u64 << $mantissa) + $bias) as $t;
                Self(unsafe { $from_int($shift::<$mantissa>($to_int($add(self.0, $set1(magic))))) })
            }
            #[inline(always)]
            fn pow2_of_shifted(self) -> Self {
                Self(unsafe {
                    $from_int($shift::<$mantissa>($add_int(
                        $to_int(self.0),
                        $set1_int($bias),
                    )))
                })
            }
        }
    };
}
register_real!(
    F64x4,
    f64,
    1023,
    52,
    _mm256_add_pd,
    _mm256_sub_pd,
    _mm256_mul_pd,
    _mm256_div_pd,
    _mm256_and_pd,
    _mm256_andnot_pd,
    _mm256_or_pd,
    _mm256_xor_pd,
    _mm256_set1_pd,
    _mm256_fmadd_pd,
    _mm256_fnmadd_pd,
    _mm256_fmsub_pd,
    _mm256_min_pd,
    _mm256_max_pd,
    _mm256_cmp_pd,
    _mm256_blendv_pd,
    _mm256_round_pd,
    _mm256_movemask_pd,
    0b1111,
    _mm256_castpd_si256,
    _mm256_castsi256_pd,
    _mm256_add_epi64,
    _mm256_set1_epi64x,
    _mm256_slli_epi64
);
register_real!(
    F32x8,
    f32,
    127,
    23,
    _mm256_add_ps,
    _mm256_sub_ps,
    _mm256_mul_ps,
    _mm256_div_ps,
    _mm256_and_ps,
    _mm256_andnot_ps,
    _mm256_or_ps,
    _mm256_xor_ps,
    _mm256_set1_ps,
    _mm256_fmadd_ps,
    _mm256_fnmadd_ps,
    _mm256_fmsub_ps,
    _mm256_min_ps,
    _mm256_max_ps,
    _mm256_cmp_ps,
    _mm256_blendv_ps,
    _mm256_round_ps,
    _mm256_movemask_ps,
    0xff,
    _mm256_castps_si256,
    _mm256_castsi256_ps,
    _mm256_add_epi32,
    _mm256_set1_epi32,
    _mm256_slli_epi32
);

impl Simd for Avx2 {
    type F64x4 = F64x4;
    type F32x8 = F32x8;

    #[inline(always)]
    fn load(values: &[f64]) -> F64x4 {
        let v = &values[..4];
        // SAFETY: `v` holds four values (and see the module's note).
        F64x4(unsafe { _mm256_loadu_pd(v.as_ptr()) })
    }

    #[inline(always)]
    fn store(v: F64x4, out: &mut [f64]) {
        let out = &mut out[..4];
        // SAFETY: `out` holds four values.
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v.0) }
    }

    #[inline(always)]
    fn lanes(v: F64x4) -> [f64; 4] {
        let mut out = [0.0; 4];
        Self::store(v, &mut out);
        out
    }

    #[inline(always)]
    fn narrow(lo: F64x4, hi: F64x4) -> F32x8 {
        F32x8(unsafe { _mm256_set_m128(_mm256_cvtpd_ps(hi.0), _mm256_cvtpd_ps(lo.0)) })
    }

    #[inline(always)]
    fn widen(v: F32x8) -> [F64x4; 2] {
        unsafe {
            [
                F64x4(_mm256_cvtps_pd(_mm256_castps256_ps128(v.0))),
                F64x4(_mm256_cvtps_pd(_mm256_extractf128_ps::<1>(v.0))),
            ]
        }
    }

    #[inline(always)]
    fn load_rows<const K: usize, const KG: usize>(x: &[f64], row0: usize) -> [F64x4; KG] {
        let n = x.len() / K;
        if row0 + R <= n {
            return unsafe { rows_transposed::<K, KG>(&x[row0 * K..(row0 + R) * K]) };
        }
        let mut padded = [0.0f64; R * 4];
        padded[..(n - row0) * K].copy_from_slice(&x[row0 * K..]);
        unsafe { rows_transposed::<K, KG>(&padded[..R * K]) }
    }

    #[inline(always)]
    fn store_rows<const K: usize, const KG: usize>(
        cols: &[F64x4; KG],
        row0: usize,
        rows: usize,
        out: &mut [f64],
    ) {
        for g in 0..G {
            let here = rows.saturating_sub(4 * g).min(4);
            if here > 0 {
                unsafe { store_four::<K, KG>(cols, g, row0 + 4 * g, here, out) };
            }
        }
    }

    #[inline(always)]
    fn load_cols<const K: usize>(block: &[f64]) -> [F64x4; K] {
        unsafe { load_cols::<K>(block) }
    }

    #[inline(always)]
    fn class_indicators<const C: usize>(labels: &[usize]) -> [F64x4; C] {
        unsafe { class_indicators::<C>(labels) }
    }

    #[inline(always)]
    fn label_masks(labels: &[usize], row0: usize) -> [F32x8; 2] {
        unsafe { label_masks(labels, row0) }
    }

    /// The index and the exponent in vector integer operations, then one 16-byte load per
    /// lane (the two entries of a lane are adjacent) and the pairs unpacked into a vector of
    /// tails and one of scale bits. (Two gathers measured 1.6 ns a value against 1.3.)
    #[inline(always)]
    fn exp_table(shifted: F64x4, table: &[u64; 256]) -> [F64x4; 2] {
        unsafe {
            let ki = _mm256_castpd_si256(shifted.0);
            let idx = _mm256_slli_epi64::<1>(_mm256_and_si256(ki, _mm256_set1_epi64x(127)));
            let mut at = [0u64; 4];
            _mm256_storeu_si256(at.as_mut_ptr().cast(), idx);
            let pair = |lane: usize| {
                let i = at[lane] as usize;
                _mm_loadu_si128(table[i..i + 2].as_ptr().cast())
            };
            // [tail, scale] of lanes 0 and 2, then of lanes 1 and 3.
            let even = _mm256_set_m128i(pair(2), pair(0));
            let odd = _mm256_set_m128i(pair(3), pair(1));
            let scale = _mm256_add_epi64(
                _mm256_unpackhi_epi64(even, odd),
                _mm256_slli_epi64::<45>(ki),
            );
            [
                F64x4(_mm256_castsi256_pd(_mm256_unpacklo_epi64(even, odd))),
                F64x4(_mm256_castsi256_pd(scale)),
            ]
        }
    }
}

/// The rows of a block (`x_b`, row-major, [`R`] rows of `K ≤ 4` values), transposed: value `i` of
/// rows `4g..4g + 4` in `[i * G + g]`.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn rows_transposed<const K: usize, const KG: usize>(x_b: &[f64]) -> [F64x4; KG] {
    let x_b = &x_b[..R * K];
    let mut out = [F64x4(_mm256_setzero_pd()); KG];
    for g in 0..G {
        let x_g = &x_b[4 * g * K..4 * (g + 1) * K];
        if K == 2 {
            // Two interleaved vectors: unpack, then put the rows back in order.
            // SAFETY: x_g holds 8 values, so both loads are in bounds.
            let (v0, v1) = unsafe {
                (
                    _mm256_loadu_pd(x_g.as_ptr()),
                    _mm256_loadu_pd(x_g[4..].as_ptr()),
                )
            };
            // [x0 r0, x0 r2, x0 r1, x0 r3] and the same for x1.
            let lo = _mm256_unpacklo_pd(v0, v1);
            let hi = _mm256_unpackhi_pd(v0, v1);
            out[g] = F64x4(_mm256_permute4x64_pd::<0b11_01_10_00>(lo));
            out[G + g] = F64x4(_mm256_permute4x64_pd::<0b11_01_10_00>(hi));
            continue;
        }
        for i in 0..K {
            out[i * G + g] = F64x4(_mm256_set_pd(
                x_g[3 * K + i],
                x_g[2 * K + i],
                x_g[K + i],
                x_g[i],
            ));
        }
    }
    out
}

/// The 4 x 4 transpose: `rows[r]` holds lane `r` of each of `cols`.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn transpose4(c: [__m256d; 4]) -> [__m256d; 4] {
    let t0 = _mm256_unpacklo_pd(c[0], c[1]);
    let t1 = _mm256_unpackhi_pd(c[0], c[1]);
    let t2 = _mm256_unpacklo_pd(c[2], c[3]);
    let t3 = _mm256_unpackhi_pd(c[2], c[3]);
    [
        _mm256_permute2f128_pd::<0x20>(t0, t2),
        _mm256_permute2f128_pd::<0x20>(t1, t3),
        _mm256_permute2f128_pd::<0x31>(t0, t2),
        _mm256_permute2f128_pd::<0x31>(t1, t3),
    ]
}

/// [`Simd::store_rows`] for the `rows ≤ 4` rows of vector `g`, starting at row `row0`.
///
/// Each row goes out as whole vectors, in increasing row order: a row of fewer than 4 (or 8)
/// values also writes the start of the next ones, which their own stores then overwrite. A
/// row whose vectors would run past the end of `out` is written value by value.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn store_four<const K: usize, const KG: usize>(
    cols: &[F64x4; KG],
    g: usize,
    row0: usize,
    rows: usize,
    out: &mut [f64],
) {
    let zero = _mm256_setzero_pd();
    let col = |j: usize| if j < K { cols[j * G + g].0 } else { zero };
    if K == 2 && rows == 4 {
        // Two columns: four rows are exactly two vectors.
        let lo = _mm256_unpacklo_pd(col(0), col(1));
        let hi = _mm256_unpackhi_pd(col(0), col(1));
        let dst = &mut out[row0 * 2..row0 * 2 + 8];
        // SAFETY: `dst` holds 8 values.
        unsafe {
            _mm256_storeu_pd(dst.as_mut_ptr(), _mm256_permute2f128_pd::<0x20>(lo, hi));
            _mm256_storeu_pd(
                dst[4..].as_mut_ptr(),
                _mm256_permute2f128_pd::<0x31>(lo, hi),
            );
        }
        return;
    }
    let low = transpose4([col(0), col(1), col(2), col(3)]);
    let high = if K > 4 {
        transpose4([col(4), col(5), col(6), col(7)])
    } else {
        [zero; 4]
    };
    let width = if K > 4 { 8 } else { 4 };
    for r in 0..rows {
        let start = (row0 + r) * K;
        if start + width <= out.len() {
            let dst = &mut out[start..start + width];
            // SAFETY: `dst` holds `width` values (4 or 8).
            unsafe {
                _mm256_storeu_pd(dst.as_mut_ptr(), low[r]);
                if K > 4 {
                    _mm256_storeu_pd(dst[4..].as_mut_ptr(), high[r]);
                }
            }
        } else {
            let mut row = [0.0f64; 8];
            // SAFETY: `row` holds 8 values.
            unsafe {
                _mm256_storeu_pd(row.as_mut_ptr(), low[r]);
                _mm256_storeu_pd(row[4..].as_mut_ptr(), high[r]);
            }
            out[start..start + K].copy_from_slice(&row[..K]);
        }
    }
}

/// `b[at], b[at + 1]` in both halves of a vector.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn pair(b: &[f64], at: usize) -> __m256d {
    let v = &b[at..at + 2];
    // SAFETY: `v` holds 2 values.
    _mm256_broadcast_pd(&unsafe { _mm_loadu_pd(v.as_ptr()) })
}

/// [`Simd::load_cols`]. Every load stays within the block.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn load_cols<const K: usize>(b: &[f64]) -> [F64x4; K] {
    let b = &b[..4 * K];
    let mut out = [F64x4(_mm256_setzero_pd()); K];
    // SAFETY (every load): it reads 4 values at an offset of at most 4 K - 4, or, for
    // rows of K ≥ 4 values, at the start of one of the 4 rows.
    let load = |at: usize| unsafe { _mm256_loadu_pd(b[at..at + 4].as_ptr()) };
    match K {
        1 => out[0] = F64x4(_mm256_permute4x64_pd::<0b11_01_10_00>(load(0))),
        2 => {
            // [r0 c0, r0 c1, r1 c0, r1 c1] and [r2 .., r3 ..] unpack to [r0, r2, r1, r3].
            let (v0, v1) = (load(0), load(4));
            out[0] = F64x4(_mm256_unpacklo_pd(v0, v1));
            out[1] = F64x4(_mm256_unpackhi_pd(v0, v1));
        }
        3 => {
            // Rows at 0, 3, 6, 9. Pairs broadcast from memory (a load, no shuffle) and
            // blended: q0 = [r0c0 r0c1 | r1c0 r1c1], q1 = [r2c0 r2c1 | r3c0 r3c1],
            // q2 = [r0c2 r1c0 | r1c1 r1c2], q3 = [r2c2 r3c0 | r3c1 r3c2]; then one
            // in-lane shuffle per column (3 shuffles where a transpose takes 7).
            let q0 = _mm256_blend_pd::<0b1100>(pair(b, 0), pair(b, 3));
            let q1 = _mm256_blend_pd::<0b1100>(pair(b, 6), pair(b, 9));
            let q2 = _mm256_blend_pd::<0b1100>(pair(b, 2), pair(b, 4));
            let q3 = _mm256_blend_pd::<0b1100>(pair(b, 8), pair(b, 10));
            out[0] = F64x4(_mm256_unpacklo_pd(q0, q1));
            out[1] = F64x4(_mm256_unpackhi_pd(q0, q1));
            out[2] = F64x4(_mm256_shuffle_pd::<0b1100>(q2, q3));
        }
        _ => {
            // The first four columns by a 4 x 4 transpose of the rows' first vectors,
            // pairing rows 0 and 2, 1 and 3 so that the lanes come out as [r0, r2, r1, r3].
            let v: [__m256d; 4] = [load(0), load(K), load(2 * K), load(3 * K)];
            let t0 = _mm256_unpacklo_pd(v[0], v[2]); // [r0c0 r2c0 r0c2 r2c2]
            let t1 = _mm256_unpacklo_pd(v[1], v[3]); // [r1c0 r3c0 r1c2 r3c2]
            let t2 = _mm256_unpackhi_pd(v[0], v[2]); // c1, c3
            let t3 = _mm256_unpackhi_pd(v[1], v[3]);
            out[0] = F64x4(_mm256_permute2f128_pd::<0x20>(t0, t1));
            out[1] = F64x4(_mm256_permute2f128_pd::<0x20>(t2, t3));
            out[2] = F64x4(_mm256_permute2f128_pd::<0x31>(t0, t1));
            out[3] = F64x4(_mm256_permute2f128_pd::<0x31>(t2, t3));
            // Columns past the fourth (K = 5, 6) value by value.
            for j in 4..K {
                out[j] = F64x4(_mm256_set_pd(b[3 * K + j], b[K + j], b[2 * K + j], b[j]));
            }
        }
    }
    out
}

/// [`Simd::class_indicators`]: the one-hot as the bits of 1.0 under a lane mask. The labels
/// are classes, so class 0 is where no other class is: one comparison fewer.
#[inline]
#[target_feature(enable = "avx2,fma")]
fn class_indicators<const C: usize>(labels: &[usize]) -> [F64x4; C] {
    let y = &labels[..4];
    // SAFETY: `y` holds four 8-byte values (`usize` is 64 bits on x86_64).
    let y = unsafe { _mm256_loadu_si256(y.as_ptr().cast()) };
    let y = _mm256_permute4x64_epi64::<0b11_01_10_00>(y);
    let one = _mm256_set1_pd(1.0);
    let mut out = [F64x4(_mm256_setzero_pd()); C];
    let mut others = _mm256_setzero_pd();
    for (k, out) in out.iter_mut().enumerate().skip(1) {
        let is_k = _mm256_castsi256_pd(_mm256_cmpeq_epi64(y, _mm256_set1_epi64x(k as i64)));
        others = _mm256_or_pd(others, is_k);
        *out = F64x4(_mm256_and_pd(is_k, one));
    }
    out[0] = F64x4(_mm256_andnot_pd(others, one));
    out
}

/// [`Simd::label_masks`].
#[inline]
#[target_feature(enable = "avx2,fma")]
fn label_masks(labels: &[usize], row0: usize) -> [F32x8; 2] {
    let rows = (labels.len() - row0).min(R);
    let mut padded = [0usize; R];
    let y = if rows == R {
        &labels[row0..row0 + R]
    } else {
        padded[..rows].copy_from_slice(&labels[row0..]);
        &padded[..]
    };
    // SAFETY: `y` holds eight 8-byte values (`usize` is 64 bits on x86_64).
    let (lo, hi) = unsafe {
        (
            _mm256_loadu_si256(y.as_ptr().cast()),
            _mm256_loadu_si256(y[4..].as_ptr().cast()),
        )
    };
    let ones = _mm256_set1_epi64x(1);
    let lo = _mm256_castsi256_ps(_mm256_cmpeq_epi64(lo, ones));
    let hi = _mm256_castsi256_ps(_mm256_cmpeq_epi64(hi, ones));
    // Each 64-bit mask's low half, rows in order: [0 1 4 5 | 2 3 6 7], then the middle
    // quarters swapped.
    let packed = _mm256_shuffle_ps::<0b10_00_10_00>(lo, hi);
    let y_is_1 = _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(
        packed,
    )));
    let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let valid = _mm256_cmpgt_epi32(_mm256_set1_epi32(rows as i32), lanes);
    [F32x8(y_is_1), F32x8(_mm256_castsi256_ps(valid))]
}
