//! [`tanh`](super::tanh) four lanes at a time with AVX2 and FMA: the same operations in the
//! same order, with every branch of the scalar code computed and the right one selected per
//! lane. Lanes the vector code does not cover (`0 < |x| < 2^-55`, NaN) send their group of
//! four to the scalar code.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::expm1::{INV_LN2, LN2_HI, LN2_LO, Q1, Q2, Q3, Q4, Q5};

/// `|x|` below which expm1 needs no argument reduction (its `hx <= 0x3fd62e42`).
const NO_REDUCTION_BELOW: f64 = f64::from_bits(0x3fd6_2e43_0000_0000);
/// `|x|` below which expm1 reduces by exactly one ln 2 (its `hx < 0x3ff0a2b2`).
const ONE_LN2_BELOW: f64 = f64::from_bits(0x3ff0_a2b2_0000_0000);
/// `|x|` below which tanh returns `x (1 + x)` (its `ix < 0x3c800000`).
const TINY_BELOW: f64 = f64::from_bits(0x3c80_0000_0000_0000);

/// Independent groups of four lanes computed together: the chain of one group (two
/// divisions and ~40 dependent steps) is too long for the out-of-order window alone to
/// overlap with the next, so the code interleaves them itself.
const GROUPS: usize = 4;

/// Applies a lane-wise operation to every group.
macro_rules! each {
    (|$($v:ident),+| $op:expr) => {
        std::array::from_fn::<__m256d, G, _>(|g| {
            $(let $v = $v[g];)+
            $op
        })
    };
}

/// `tanh` of `4 * G` lanes, or `None` if a lane needs the scalar code.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn tanh_lanes<const G: usize>(x: [__m256d; G]) -> Option<[__m256d; G]> {
    let splat = _mm256_set1_pd;
    let sign_bit = splat(-0.0);
    let ax: [__m256d; G] = each!(|x| _mm256_andnot_pd(sign_bit, x));
    let zero: [__m256d; G] = each!(|ax| _mm256_cmp_pd::<_CMP_EQ_OQ>(ax, splat(0.0)));
    // Ordered comparison: NaN fails it.
    let mut all_covered = true;
    for g in 0..G {
        let covered = _mm256_cmp_pd::<_CMP_GE_OQ>(ax[g], splat(TINY_BELOW));
        all_covered &= _mm256_movemask_pd(_mm256_or_pd(covered, zero[g])) == 0b1111;
    }
    if !all_covered {
        return None;
    }
    let big: [__m256d; G] = each!(|ax| _mm256_cmp_pd::<_CMP_GE_OQ>(ax, splat(1.0)));

    // expm1(a): a = 2|x| for |x| >= 1, else -2|x| (so the sign of a is "not big"). Its
    // thresholds on |a| are compared as half of them on |x|, which is exact.
    let a: [__m256d; G] =
        each!(|ax, big| _mm256_mul_pd(ax, _mm256_blendv_pd(splat(-2.0), splat(2.0), big)));
    let k_far: [__m256d; G] = each!(|a, big| _mm256_round_pd::<
        { _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC },
    >(_mm256_add_pd(
        _mm256_mul_pd(splat(INV_LN2), a),
        _mm256_blendv_pd(splat(-0.5), splat(0.5), big)
    )));
    // Lanes below the thresholds all have a < 0: k = -1 or 0 there.
    let k: [__m256d; G] = each!(|k_far, ax| _mm256_blendv_pd(
        _mm256_blendv_pd(
            k_far,
            splat(-1.0),
            _mm256_cmp_pd::<_CMP_LT_OQ>(ax, splat(ONE_LN2_BELOW / 2.0)),
        ),
        splat(0.0),
        _mm256_cmp_pd::<_CMP_LT_OQ>(ax, splat(NO_REDUCTION_BELOW / 2.0)),
    ));
    // k = 0 gives hi = a, lo = 0; k = ±1 gives a ∓ ln2_hi and ±ln2_lo, as the scalar code.
    let hi: [__m256d; G] = each!(|k, a| _mm256_fnmadd_pd(k, splat(LN2_HI), a));
    let lo: [__m256d; G] = each!(|k| _mm256_mul_pd(k, splat(LN2_LO)));
    let r: [__m256d; G] = each!(|hi, lo| _mm256_sub_pd(hi, lo));
    let c: [__m256d; G] = each!(|hi, r, lo| _mm256_sub_pd(_mm256_sub_pd(hi, r), lo));

    let hfx: [__m256d; G] = each!(|r| _mm256_mul_pd(r, splat(0.5)));
    let hxs: [__m256d; G] = each!(|r, hfx| _mm256_mul_pd(r, hfx));
    let r1: [__m256d; G] = each!(|hxs| _mm256_fmadd_pd(hxs, splat(Q1), splat(1.0)));
    let h2: [__m256d; G] = each!(|hxs| _mm256_mul_pd(hxs, hxs));
    let r2: [__m256d; G] = each!(|hxs| _mm256_fmadd_pd(hxs, splat(Q3), splat(Q2)));
    let h4: [__m256d; G] = each!(|h2| _mm256_mul_pd(h2, h2));
    let r3: [__m256d; G] = each!(|hxs| _mm256_fmadd_pd(hxs, splat(Q5), splat(Q4)));
    let r1: [__m256d; G] =
        each!(|h4, r3, h2, r2, r1| _mm256_fmadd_pd(h4, r3, _mm256_fmadd_pd(h2, r2, r1)));
    let t: [__m256d; G] = each!(|r1, hfx| _mm256_fnmadd_pd(r1, hfx, splat(3.0)));
    let e: [__m256d; G] = each!(|r1, t, r, hxs| _mm256_mul_pd(
        _mm256_div_pd(_mm256_sub_pd(r1, t), _mm256_fnmadd_pd(r, t, splat(6.0))),
        hxs
    ));
    let when_k0: [__m256d; G] = each!(|r, e, hxs| _mm256_sub_pd(r, _mm256_fmsub_pd(r, e, hxs)));
    let e: [__m256d; G] =
        each!(|r, e, c, hxs| _mm256_sub_pd(_mm256_fmsub_pd(r, _mm256_sub_pd(e, c), c), hxs));
    let when_k_minus_1: [__m256d; G] =
        each!(|r, e| _mm256_fmadd_pd(splat(0.5), _mm256_sub_pd(r, e), splat(-0.5)));
    // 2^k and 2^-k; multiplying by 2^k is the scalar code's exponent addition (no rounding:
    // the values scaled are in [0.5, 2] and |k| < 64). Adding 2^52 + 1023 leaves k + 1023 in
    // the low bits of the sum, and shifting it up makes it an exponent.
    let magic = splat(4_503_599_627_371_519.0);
    let pow2_k: [__m256d; G] = each!(|k| _mm256_castsi256_pd(_mm256_slli_epi64::<52>(
        _mm256_castpd_si256(_mm256_add_pd(k, magic))
    )));
    let pow2_minus_k: [__m256d; G] = each!(|k| _mm256_castsi256_pd(_mm256_slli_epi64::<52>(
        _mm256_castpd_si256(_mm256_sub_pd(magic, k))
    )));
    let e_minus_r: [__m256d; G] = each!(|e, r| _mm256_sub_pd(e, r));
    let when_far: [__m256d; G] = each!(|e_minus_r, pow2_k| _mm256_sub_pd(
        _mm256_mul_pd(_mm256_sub_pd(splat(1.0), e_minus_r), pow2_k),
        splat(1.0)
    ));
    let when_mid: [__m256d; G] = each!(|pow2_minus_k, e_minus_r, pow2_k| _mm256_mul_pd(
        _mm256_sub_pd(_mm256_sub_pd(splat(1.0), pow2_minus_k), e_minus_r),
        pow2_k
    ));
    let when_high: [__m256d; G] = each!(|r, e, pow2_minus_k, pow2_k| _mm256_mul_pd(
        _mm256_add_pd(_mm256_sub_pd(r, _mm256_add_pd(e, pow2_minus_k)), splat(1.0)),
        pow2_k
    ));
    let expm1: [__m256d; G] = each!(
        |k, when_far, when_mid, when_high, when_k_minus_1, when_k0| {
            let far = _mm256_or_pd(
                _mm256_cmp_pd::<_CMP_LE_OQ>(k, splat(-2.0)),
                _mm256_cmp_pd::<_CMP_GT_OQ>(k, splat(56.0)),
            );
            let general = _mm256_blendv_pd(
                _mm256_blendv_pd(
                    when_high,
                    when_mid,
                    _mm256_cmp_pd::<_CMP_LT_OQ>(k, splat(20.0)),
                ),
                when_far,
                far,
            );
            _mm256_blendv_pd(
                _mm256_blendv_pd(
                    general,
                    when_k_minus_1,
                    _mm256_cmp_pd::<_CMP_EQ_OQ>(k, splat(-1.0)),
                ),
                when_k0,
                _mm256_cmp_pd::<_CMP_EQ_OQ>(k, splat(0.0)),
            )
        }
    );

    // tanh: 1 - 2 / (t + 2) for |x| >= 1, else -t / (t + 2); 1 from |x| >= 22.
    let q: [__m256d; G] = each!(|expm1, big| _mm256_div_pd(
        _mm256_blendv_pd(_mm256_xor_pd(expm1, sign_bit), splat(2.0), big),
        _mm256_add_pd(expm1, splat(2.0))
    ));
    // (Zeros come out of the arithmetic above as zeros of x's sign, as tanh returns them.)
    Some(each!(|q, big, ax, x| {
        let z = _mm256_blendv_pd(q, _mm256_sub_pd(splat(1.0), q), big);
        let z = _mm256_blendv_pd(z, splat(1.0), _mm256_cmp_pd::<_CMP_GE_OQ>(ax, splat(22.0)));
        _mm256_xor_pd(z, _mm256_and_pd(x, sign_bit))
    }))
}

/// `tanh` over a slice with [`tanh_lanes`]: blocks of `4 * GROUPS` values, then groups of
/// four, then the last one to three values (and any group holding a value the vector code
/// does not cover) with the scalar code.
///
/// # Safety
/// The CPU must have AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub(super) fn tanh_slice_avx2(values: &mut [f64]) {
    let mut blocks = values.chunks_exact_mut(4 * GROUPS);
    for block in &mut blocks {
        tanh_block::<GROUPS>(block);
    }
    let mut groups = blocks.into_remainder().chunks_exact_mut(4);
    for group in &mut groups {
        tanh_block::<1>(group);
    }
    for v in groups.into_remainder() {
        *v = super::tanh(*v);
    }
}

/// `tanh` of exactly `4 * G` values in place.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn tanh_block<const G: usize>(block: &mut [f64]) {
    assert_eq!(block.len(), 4 * G);
    // SAFETY: `block` holds 4 * G f64s, so every 4-lane load and store is in bounds; the
    // intrinsics take unaligned addresses.
    let x: [__m256d; G] =
        std::array::from_fn(|g| unsafe { _mm256_loadu_pd(block[4 * g..].as_ptr()) });
    match tanh_lanes(x) {
        Some(z) => {
            for (g, z) in z.into_iter().enumerate() {
                // SAFETY: as above.
                unsafe { _mm256_storeu_pd(block[4 * g..].as_mut_ptr(), z) };
            }
        }
        None => block.iter_mut().for_each(|v| *v = super::tanh(*v)),
    }
}
