//! [`tanh`](super::tanh) four lanes at a time with AVX2 and FMA: the same operations in the
//! same order, with every branch of the scalar code computed and the right one selected per
//! lane. Every input is covered (tiny values, zeros, infinities and NaN included), so the
//! loop has no branch but its own.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use super::expm1::{INV_LN2, LN2_HI, LN2_LO, Q1, Q2, Q3, Q4, Q5};

/// `|x|` below which expm1 needs no argument reduction (its `hx <= 0x3fd62e42`).
const NO_REDUCTION_BELOW: f64 = f64::from_bits(0x3fd6_2e43_0000_0000);
/// `|x|` below which expm1 reduces by exactly one ln 2 (its `hx < 0x3ff0a2b2`).
const ONE_LN2_BELOW: f64 = f64::from_bits(0x3ff0_a2b2_0000_0000);

/// Independent groups of four lanes computed together: the chain of one group (two
/// divisions and ~50 dependent steps, ~120 cycles) is too long for the out-of-order window
/// alone to overlap with the next, so the code interleaves them itself. Three measured best
/// (two and four spill or stall more; 3.3-3.9 ns a value against 4.2-5.1 for the previous
/// code with four).
const GROUPS: usize = 3;

/// Applies a lane-wise operation to every group. (`fast.rs` has a loop-based twin; here
/// `array::from_fn` measured 3.2 ns a value against 4.7 for that loop, there the loop wins.)
macro_rules! each {
    (|$($v:ident),+| $op:expr) => {
        std::array::from_fn::<__m256d, G, _>(|g| {
            $(let $v = $v[g];)+
            $op
        })
    };
}

/// `tanh` of `4 * G` lanes.
///
/// Three facts let the lanes share more work than the scalar code's branches suggest:
/// - `tanh` is 1 (before the sign) from `|x| >= 22`, and also computes to exactly 1 at
///   `|x| = 22` (`2 / (e^44 + 2)` is far below half an ulp of 1), so clamping `|x|` at 22
///   replaces that branch, keeps `k` below 64 and makes infinities harmless;
/// - `expm1`'s "reduce by one ln 2" branch is its general reduction with `k = -1`, which is
///   what the general formula gives for every such lane (`|a| / ln 2` is in `(0.5, 1.5)`), so
///   only the unreduced lanes (`k = 0`) need a fix-up;
/// - the general results `y · 2^k` (minus 1 in the far case) differ only in `y`, so `y` is
///   selected first and scaled once.
///
/// The scalar code's own cases need no lanes of their own: below `|x| = 2^-55`, where it
/// returns `x (1 + x) = x`, the arithmetic also gives `x` (`expm1(a)` rounds to `a`, then
/// `2|x| / 2`), zeros keep their sign, and NaN flows through to a NaN.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2,fma")]
fn tanh_lanes<const G: usize>(x: [__m256d; G]) -> [__m256d; G] {
    let splat = _mm256_set1_pd;
    let sign_bit = splat(-0.0);
    let ax: [__m256d; G] = each!(|x| _mm256_andnot_pd(sign_bit, x));
    // `min` returns its second operand when one is NaN: NaN stays NaN to the end.
    let ax22: [__m256d; G] = each!(|ax| _mm256_min_pd(splat(22.0), ax));
    let big: [__m256d; G] = each!(|ax22| _mm256_cmp_pd::<_CMP_GE_OQ>(ax22, splat(1.0)));
    // The sign bit where expm1's argument is negative (|x| < 1).
    let negative: [__m256d; G] = each!(|big| _mm256_andnot_pd(big, sign_bit));

    // expm1(a): a = 2|x| for |x| >= 1, else -2|x|. Its thresholds on |a| are compared as
    // half of them on |x|, which is exact.
    let a: [__m256d; G] =
        each!(|ax22, negative| _mm256_xor_pd(_mm256_add_pd(ax22, ax22), negative));
    let k_far: [__m256d; G] = each!(|a, negative| _mm256_round_pd::<
        { _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC },
    >(_mm256_add_pd(
        _mm256_mul_pd(splat(INV_LN2), a),
        _mm256_xor_pd(splat(0.5), negative)
    )));
    let unreduced: [__m256d; G] =
        each!(|ax22| _mm256_cmp_pd::<_CMP_LT_OQ>(ax22, splat(NO_REDUCTION_BELOW / 2.0)));
    let k: [__m256d; G] = each!(|unreduced, k_far| _mm256_andnot_pd(unreduced, k_far));
    // k = 0 gives hi = a, lo = 0; k = -1 gives a + ln2_hi and -ln2_lo, as the scalar code.
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
    let when_unreduced: [__m256d; G] =
        each!(|r, e, hxs| _mm256_sub_pd(r, _mm256_fmsub_pd(r, e, hxs)));
    let e: [__m256d; G] =
        each!(|r, e, c, hxs| _mm256_sub_pd(_mm256_fmsub_pd(r, _mm256_sub_pd(e, c), c), hxs));
    let e_minus_r: [__m256d; G] = each!(|e, r| _mm256_sub_pd(e, r));
    // 0.5 (r - e) - 0.5, with r - e = -(e - r) exactly.
    let when_k_minus_1: [__m256d; G] =
        each!(|e_minus_r| _mm256_fnmadd_pd(splat(0.5), e_minus_r, splat(-0.5)));
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
    // The general cases scale y by 2^k: y = 1 - (e - r) for k <= -2 (then minus 1),
    // (1 - 2^-k) - (e - r) for 2 <= k < 20 and (r - (e + 2^-k)) + 1 above. (Above k = 56
    // the scalar code takes the k <= -2 formula, but those lanes have |x| > 19.4, where
    // either gives tanh = 1.) Blends select by k's sign bit where "k < 0" is the test.
    let y: [__m256d; G] = each!(|k, r, e, e_minus_r, pow2_minus_k| {
        let far = _mm256_sub_pd(splat(1.0), e_minus_r);
        let mid = _mm256_sub_pd(_mm256_sub_pd(splat(1.0), pow2_minus_k), e_minus_r);
        let high = _mm256_add_pd(_mm256_sub_pd(r, _mm256_add_pd(e, pow2_minus_k)), splat(1.0));
        _mm256_blendv_pd(
            _mm256_blendv_pd(high, mid, _mm256_cmp_pd::<_CMP_LT_OQ>(k, splat(20.0))),
            far,
            k,
        )
    });
    let expm1: [__m256d; G] =
        each!(
            |y, pow2_k, k, ax22, when_k_minus_1, unreduced, when_unreduced| {
                let general = _mm256_sub_pd(
                    _mm256_mul_pd(y, pow2_k),
                    _mm256_blendv_pd(_mm256_setzero_pd(), splat(1.0), k),
                );
                let k_is_minus_1 = _mm256_cmp_pd::<_CMP_LT_OQ>(ax22, splat(ONE_LN2_BELOW / 2.0));
                _mm256_blendv_pd(
                    _mm256_blendv_pd(general, when_k_minus_1, k_is_minus_1),
                    when_unreduced,
                    unreduced,
                )
            }
        );

    // tanh: 1 - 2 / (t + 2) for |x| >= 1, else -t / (t + 2).
    let q: [__m256d; G] = each!(|expm1, big| _mm256_div_pd(
        _mm256_blendv_pd(_mm256_xor_pd(expm1, sign_bit), splat(2.0), big),
        _mm256_add_pd(expm1, splat(2.0))
    ));
    each!(|q, big, x| {
        let z = _mm256_blendv_pd(q, _mm256_sub_pd(splat(1.0), q), big);
        _mm256_xor_pd(z, _mm256_and_pd(x, sign_bit))
    })
}

/// `tanh` over a slice with [`tanh_lanes`]: blocks of `4 * GROUPS` values, then groups of
/// four, then the last one to three values with the scalar code.
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
    for (g, z) in tanh_lanes(x).into_iter().enumerate() {
        // SAFETY: as above.
        unsafe { _mm256_storeu_pd(block[4 * g..].as_mut_ptr(), z) };
    }
}
