//! The fast mode's gradients of a two-class network with one narrow tanh hidden layer, straight
//! from the inputs: forward and backward in one sweep over the rows, nothing written but the
//! gradients.
//!
//! With two classes the softmax depends on the logit gap `t = z1 - z0` alone, and its error
//! signal is one number per row (`δ3[·, 0] = -δ3[·, 1]`), so a row's whole pass is short
//! enough to run in single precision, eight rows to an AVX2 vector:
//!
//! ```text
//! z_j = f32(b1[j] + Σ_i x_i W1[i, j])    (in f64, then rounded, as the fast forward pass)
//! a_j = tanh_approx(z_j)
//! t   = Δb + Σ_j a_j ΔW[j]     Δb = f32(b2[1] - b2[0]),  ΔW[j] = f32(W2[j, 1] - W2[j, 0])
//! e   = exp_approx_f32(-|t|)   big = 1 / (1 + e)   small = e · big   (the two probabilities)
//! δ   = p1 - [y = 1]           = ±small or ±big, chosen without a subtraction
//! δ2_j = (δ ΔW[j]) (1 - a_j²)
//! ```
//!
//! and the sums in f64: `db2[1] = Σ δ`, `dW2[j, 1] = Σ a_j δ`, `db1[j] = Σ δ2_j`,
//! `dW1[i, j] = Σ x_i δ2_j`, with `db2[0] = -db2[1]` and `dW2[j, 0] = -dW2[j, 1]`. Choosing
//! `δ` from `small` and `big` keeps its relative accuracy where `p1 - 1` would cancel (a
//! confidently right row), so every term is within a few single-precision ulps, as the
//! activations are.
//!
//! Lane `l` of a block of eight rows holds row `l`; every sum is accumulated in four f64
//! lanes (rows `l` and `l + 4` of each block into lane `l`, in row order) and the lanes added
//! as `lane_total`. A batch of more rows than a leaf splits by the same fixed tree as the
//! other rows-in-lanes gradients, so the bits do not depend on the thread count; the AVX2
//! kernel and the portable one run the same operations, so they do not depend on the CPU
//! either (a unit test compares them).
//!
//! Measured on the seed's network (`D = 2, H = 3, N = 200`): see `docs/performance.md`.

// Lane loops index several arrays by the same lane or unit.
#![allow(clippy::needless_range_loop)]

use ndarray::{ArrayView1, ArrayView2};

use crate::dispatch::{dispatched, worth_splitting};
use crate::fast::{exp_approx_f32, tanh_approx};
use crate::one_hidden::fast::{
    check_labels, fast_shape, lane_sums_tree, lane_total, unpack_lane_sums, Batch, LaneSums, B1_AT,
    B2_AT, FAST_PARALLEL_MIN_WORK, LANES_MAX_HIDDEN, W1_AT, W2_AT,
};
use crate::one_hidden::{Params, ONE_HIDDEN_MAX_CLASSES, ONE_HIDDEN_MAX_INPUTS};
use crate::plan::THRESHOLDS;

// The kernel's arrays hold the rows-in-lanes widths.
const _: () = assert!(THRESHOLDS.two_class_max_hidden <= LANES_MAX_HIDDEN);

/// Rows per block: one f32 vector.
const R: usize = 8;

/// The fast mode's gradients of the summed cross-entropy of a two-class network with one tanh
/// hidden layer of at most 6 units, computed from the inputs alone (its own forward pass, in
/// single precision, see the module documentation); no L2 term. Deterministic: the same bits
/// for every thread count and CPU.
///
/// Returns `false`, leaving the gradients untouched, unless `D ≤ 4`, `1 ≤ H ≤ 6`, `C = 2`,
/// `labels` has a label per row, and every array is contiguous, row-major and shaped like the
/// network.
///
/// # Panics
/// If a label is not 0 or 1.
pub fn one_hidden_fast_two_class_gradients_into(
    x: ArrayView2<'_, f64>,
    labels: ArrayView1<'_, usize>,
    net: crate::OneHiddenParams<'_>,
    out: crate::GradOut<'_>,
) -> bool {
    let crate::GradOut {
        mut dw1,
        mut db1,
        mut dw2,
        mut db2,
    } = out;
    let Some((d, h, c, p)) = fast_shape(&x, &net) else {
        return false;
    };
    let n = x.nrows();
    if c != 2
        || h > THRESHOLDS.two_class_max_hidden
        || labels.len() != n
        || dw1.dim() != (d, h)
        || db1.len() != h
        || dw2.dim() != (h, c)
        || db2.len() != c
    {
        return false;
    }
    let (Some(xs), Some(ys)) = (x.to_slice(), labels.to_slice()) else {
        return false;
    };
    let (Some(g1), Some(s1), Some(g2), Some(s2)) = (
        dw1.as_slice_mut(),
        db1.as_slice_mut(),
        dw2.as_slice_mut(),
        db2.as_slice_mut(),
    ) else {
        return false;
    };
    check_labels::<2>(ys);
    // A unit weighs its multiply-adds and its tanh, as in the fast forward pass.
    let parallel = worth_splitting(n.saturating_mul(h * (2 * d + 30)), FAST_PARALLEL_MIN_WORK);
    let batch = Batch {
        x: xs,
        labels: ys,
        hidden: &[],
        probs: &[],
    };
    let sums = lane_sums_tree(batch, (d, 0, 0), parallel, &|b: Batch<'_>| {
        leaf_sums(b.x, b.labels, p, d, h)
    });
    unpack_lane_sums(&sums, (d, h, c), [g1, s1, g2, s2]);
    true
}

/// The parameters the pass needs beyond `W1` and `b1`, in single precision: `Δb` and `ΔW`.
fn gap_weights(p: &Params<'_>, h: usize) -> (f32, [f32; LANES_MAX_HIDDEN]) {
    let mut dw = [0.0f32; LANES_MAX_HIDDEN];
    for j in 0..h {
        dw[j] = (p.w2[j * 2 + 1] - p.w2[j * 2]) as f32;
    }
    ((p.b2[1] - p.b2[0]) as f32, dw)
}

/// One leaf's sums: with AVX2 and FMA from vectors (`avx2::sums`), else [`sums_kernel`]; the
/// same operations.
fn leaf_sums(x: &[f64], labels: &[usize], p: Params<'_>, d: usize, h: usize) -> LaneSums {
    #[cfg(target_arch = "x86_64")]
    if crate::dispatch::has_fma_avx2() {
        // SAFETY: the CPU has the features `sums_avx2` is compiled for.
        return unsafe { avx2::sums_avx2(x, labels, p, d, h) };
    }
    match d {
        1 => sums_kernel::<1>(x, labels, p, h),
        2 => sums_kernel::<2>(x, labels, p, h),
        3 => sums_kernel::<3>(x, labels, p, h),
        4 => sums_kernel::<4>(x, labels, p, h),
        _ => unreachable!("checked by fast_shape"),
    }
}

/// The sums' lanes, `[unit][lane]` (f64 lanes, as the AVX2 kernel's accumulators).
struct Acc<const D: usize> {
    w1: [[[f64; 4]; LANES_MAX_HIDDEN]; D],
    b1: [[f64; 4]; LANES_MAX_HIDDEN],
    w2: [[f64; 4]; LANES_MAX_HIDDEN],
    b2: [f64; 4],
}

/// One leaf's totals: `dW1`, `db1`, `dW2[·, 1]`, `db2[1]`.
struct Totals {
    w1: [[f64; LANES_MAX_HIDDEN]; ONE_HIDDEN_MAX_INPUTS],
    b1: [f64; LANES_MAX_HIDDEN],
    w2: [f64; LANES_MAX_HIDDEN],
    b2: f64,
}

impl Totals {
    /// The sums at their places in a [`LaneSums`], class 0 as `0 - ` class 1's.
    fn place(&self, d: usize, h: usize) -> LaneSums {
        let mut sums = [0.0f64; B2_AT + ONE_HIDDEN_MAX_CLASSES];
        for j in 0..h {
            for i in 0..d {
                sums[W1_AT + i * LANES_MAX_HIDDEN + j] = self.w1[i][j];
            }
            sums[B1_AT + j] = self.b1[j];
            sums[W2_AT + j * ONE_HIDDEN_MAX_CLASSES] = 0.0 - self.w2[j];
            sums[W2_AT + j * ONE_HIDDEN_MAX_CLASSES + 1] = self.w2[j];
        }
        sums[B2_AT] = 0.0 - self.b2;
        sums[B2_AT + 1] = self.b2;
        sums
    }
}

/// One row's `δ` from its gap `t` and label (`valid` false for a padding row, whose `δ` is 0).
#[inline(always)]
fn row_delta(t: f32, y_is_1: bool, valid: bool) -> f32 {
    let e = exp_approx_f32(-t.abs());
    let big = 1.0 / (1.0 + e);
    let small = e * big;
    // p1 is `big` when t >= 0; p1 - 1 = -small there, and p1 = small, p1 - 1 = -big otherwise.
    let magnitude = if (t >= 0.0) != y_is_1 { big } else { small };
    let delta = if y_is_1 { -magnitude } else { magnitude };
    if valid {
        delta
    } else {
        0.0
    }
}

dispatched! {
    /// The sums over some rows for `D` inputs and `h ≤ 6` units, row by row in the order and
    /// with the operations of `avx2::sums` (blocks of eight rows, a short last block padded
    /// with zero rows whose `δ` is 0): the fallback on other CPUs and the reference the AVX2
    /// kernel's bits are tested against.
    fn sums_kernel<const D: usize>(
        x: &[f64],
        labels: &[usize],
        p: Params<'_>,
        h: usize,
    ) -> LaneSums {
        let (bd, dw) = gap_weights(&p, h);
        let mut acc = Acc::<D> {
            w1: [[[0.0; 4]; LANES_MAX_HIDDEN]; D],
            b1: [[0.0; 4]; LANES_MAX_HIDDEN],
            w2: [[0.0; 4]; LANES_MAX_HIDDEN],
            b2: [0.0; 4],
        };
        let n = labels.len();
        for row0 in (0..n).step_by(R) {
            for r in 0..R {
                let row = row0 + r;
                let valid = row < n;
                let mut x_r = [0.0f64; D];
                if valid {
                    x_r.copy_from_slice(&x[row * D..(row + 1) * D]);
                }
                let y_is_1 = valid && labels[row] == 1;
                let mut a = [0.0f32; LANES_MAX_HIDDEN];
                let mut t = bd;
                for j in 0..h {
                    let mut z = p.b1[j];
                    for i in 0..D {
                        z = x_r[i].mul_add(p.w1[i * h + j], z);
                    }
                    a[j] = tanh_approx(f64::from(z as f32)) as f32;
                    t = a[j].mul_add(dw[j], t);
                }
                let delta = row_delta(t, y_is_1, valid);
                let l = r % 4;
                let delta64 = f64::from(delta);
                acc.b2[l] += delta64;
                for j in 0..h {
                    let d2 = f64::from((delta * dw[j]) * (-a[j]).mul_add(a[j], 1.0));
                    acc.w2[j][l] = f64::from(a[j]).mul_add(delta64, acc.w2[j][l]);
                    acc.b1[j][l] += d2;
                    for i in 0..D {
                        acc.w1[i][j][l] = x_r[i].mul_add(d2, acc.w1[i][j][l]);
                    }
                }
            }
        }
        let mut t = Totals {
            w1: [[0.0; LANES_MAX_HIDDEN]; ONE_HIDDEN_MAX_INPUTS],
            b1: [0.0; LANES_MAX_HIDDEN],
            w2: [0.0; LANES_MAX_HIDDEN],
            b2: lane_total(acc.b2),
        };
        for j in 0..h {
            for i in 0..D {
                t.w1[i][j] = lane_total(acc.w1[i][j]);
            }
            t.b1[j] = lane_total(acc.b1[j]);
            t.w2[j] = lane_total(acc.w2[j]);
        }
        t.place(D, h)
    }
}

/// [`sums_kernel`] with AVX2 intrinsics.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{gap_weights, Totals, R};
    use crate::dispatch::by_lanes_shape;
    use crate::fast::{exp_approx_f32_ps, tanh_approx_ps_in_place};
    use crate::one_hidden::fast::avx2::{block_inputs, hidden_inputs, total, widen_ps, G};
    use crate::one_hidden::fast::{LaneSums, LANES_MAX_HIDDEN};
    use crate::one_hidden::{Params, ONE_HIDDEN_MAX_INPUTS};

    /// Blocks per group: each step below runs over a group's blocks before the next step
    /// starts, so that the blocks' independent chains overlap (as in the fast forward pass).
    const GROUP_BLOCKS: usize = 8;

    /// [`super::sums_kernel`] for `d ≤ 4` inputs and `h ≤ 6` units.
    ///
    /// # Safety
    /// The CPU must have AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn sums_avx2(
        x: &[f64],
        labels: &[usize],
        p: Params<'_>,
        d: usize,
        h: usize,
    ) -> LaneSums {
        // `sums::<D, H, D G>`: array lengths cannot be computed from generic parameters.
        macro_rules! sums_for {
            ($d:literal, $c:literal, $h:literal) => {
                sums::<$d, $h, { $d * G }>(x, labels, p)
            };
        }
        by_lanes_shape!(h, d, 2, sums_for)
    }

    /// The sums for `D` inputs and `H` units, groups of blocks of eight rows step by step:
    /// every block's pre-activations, every `tanh`, every block's `δ` and `δ2`, then every
    /// block's additions to the sums.
    #[target_feature(enable = "avx2,fma")]
    fn sums<const D: usize, const H: usize, const DG: usize>(
        x: &[f64],
        labels: &[usize],
        p: Params<'_>,
    ) -> LaneSums {
        const { assert!(DG == D * G && R == 4 * G) };
        let (bd, dw) = gap_weights(&p, H);
        let zero = _mm256_setzero_pd();
        let mut w1 = [[zero; H]; D];
        let mut b1 = [zero; H];
        let mut dwv = [_mm256_setzero_ps(); H];
        for j in 0..H {
            for i in 0..D {
                w1[i][j] = _mm256_set1_pd(p.w1[i * H + j]);
            }
            b1[j] = _mm256_set1_pd(p.b1[j]);
            dwv[j] = _mm256_set1_ps(dw[j]);
        }
        let bd = _mm256_set1_ps(bd);
        let mut acc_w1 = [[zero; H]; D];
        let mut acc_b1 = [zero; H];
        let mut acc_w2 = [zero; H];
        let mut acc_b2 = zero;

        let n = labels.len();
        let blocks = n.div_ceil(R);
        let mut a = [[_mm256_setzero_ps(); H]; GROUP_BLOCKS];
        let mut delta = [_mm256_setzero_ps(); GROUP_BLOCKS];
        let mut d2 = [[_mm256_setzero_ps(); H]; GROUP_BLOCKS];
        for first in (0..blocks).step_by(GROUP_BLOCKS) {
            let count = (blocks - first).min(GROUP_BLOCKS);
            // The pre-activations, narrowed to f32 (rows 0..4 in the low half).
            for (b, a_b) in a.iter_mut().take(count).enumerate() {
                hidden_inputs::<D, H, DG>(block_inputs::<D, DG>(x, (first + b) * R), &w1, &b1, a_b);
            }
            tanh_approx_ps_in_place(a[..count].as_flattened_mut());
            for (b, (a_b, (delta_b, d2_b))) in a
                .iter()
                .zip(delta.iter_mut().zip(d2.iter_mut()))
                .take(count)
                .enumerate()
            {
                let row0 = (first + b) * R;
                let mut t = bd;
                for j in 0..H {
                    t = _mm256_fmadd_ps(a_b[j], dwv[j], t);
                }
                let (y_is_1, valid) = label_masks(labels, row0);
                *delta_b = row_delta(t, y_is_1, valid);
                let one = _mm256_set1_ps(1.0);
                for j in 0..H {
                    let slope = _mm256_fnmadd_ps(a_b[j], a_b[j], one);
                    d2_b[j] = _mm256_mul_ps(_mm256_mul_ps(*delta_b, dwv[j]), slope);
                }
            }
            for (b, (a_b, (delta_b, d2_b))) in a
                .iter()
                .zip(delta.iter().zip(d2.iter()))
                .take(count)
                .enumerate()
            {
                let xv = block_inputs::<D, DG>(x, (first + b) * R);
                let dl = widen_ps(*delta_b);
                for g in 0..G {
                    acc_b2 = _mm256_add_pd(acc_b2, dl[g]);
                }
                for j in 0..H {
                    let aw = widen_ps(a_b[j]);
                    let d2w = widen_ps(d2_b[j]);
                    for g in 0..G {
                        acc_w2[j] = _mm256_fmadd_pd(aw[g], dl[g], acc_w2[j]);
                        acc_b1[j] = _mm256_add_pd(acc_b1[j], d2w[g]);
                        for i in 0..D {
                            acc_w1[i][j] = _mm256_fmadd_pd(xv[i * G + g], d2w[g], acc_w1[i][j]);
                        }
                    }
                }
            }
        }
        let mut t = Totals {
            w1: [[0.0; LANES_MAX_HIDDEN]; ONE_HIDDEN_MAX_INPUTS],
            b1: [0.0; LANES_MAX_HIDDEN],
            w2: [0.0; LANES_MAX_HIDDEN],
            b2: total(acc_b2),
        };
        for j in 0..H {
            for i in 0..D {
                t.w1[i][j] = total(acc_w1[i][j]);
            }
            t.b1[j] = total(acc_b1[j]);
            t.w2[j] = total(acc_w2[j]);
        }
        t.place(D, H)
    }

    /// [`super::row_delta`] of eight rows.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn row_delta(t: __m256, y_is_1: __m256, valid: __m256) -> __m256 {
        let sign = _mm256_set1_ps(-0.0);
        let one = _mm256_set1_ps(1.0);
        let e = exp_approx_f32_ps(_mm256_or_ps(t, sign));
        let big = _mm256_div_ps(one, _mm256_add_ps(one, e));
        let small = _mm256_mul_ps(e, big);
        let positive = _mm256_cmp_ps::<_CMP_GE_OQ>(t, _mm256_setzero_ps());
        let magnitude = _mm256_blendv_ps(small, big, _mm256_xor_ps(positive, y_is_1));
        let delta = _mm256_xor_ps(magnitude, _mm256_and_ps(y_is_1, sign));
        _mm256_and_ps(delta, valid)
    }

    /// Masks of the eight rows from `row0`: whose label is 1, and which rows exist.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn label_masks(labels: &[usize], row0: usize) -> (__m256, __m256) {
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
        (y_is_1, _mm256_castsi256_ps(valid))
    }

    // `LANES_MAX_HIDDEN` bounds `H` at the dispatch above.
    const _: () = assert!(LANES_MAX_HIDDEN == 6);
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    use crate::test_util::draw;

    #[test]
    fn avx2_sums_have_the_portable_kernels_bits() {
        if !crate::dispatch::has_fma_avx2() {
            return;
        }
        let mut seed = 7;
        for d in 1..=ONE_HIDDEN_MAX_INPUTS {
            for h in 1..=LANES_MAX_HIDDEN {
                // Row counts around the block (8) and group (64 rows) sizes; moderate and
                // saturating weights.
                for n in [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 200, 203] {
                    for scale in [1.5, 200.0] {
                        let x = draw(&mut seed, n * d, 2.0);
                        let labels: Vec<usize> = (0..n).map(|r| (r * 7 + n) % 2).collect();
                        let (w1, b1) = (draw(&mut seed, d * h, scale), draw(&mut seed, h, 1.0));
                        let (w2, b2) = (draw(&mut seed, h * 2, scale), draw(&mut seed, 2, 1.0));
                        let p = Params {
                            w1: &w1,
                            b1: &b1,
                            w2: &w2,
                            b2: &b2,
                        };
                        let want = match d {
                            1 => sums_kernel::<1>(&x, &labels, p, h),
                            2 => sums_kernel::<2>(&x, &labels, p, h),
                            3 => sums_kernel::<3>(&x, &labels, p, h),
                            _ => sums_kernel::<4>(&x, &labels, p, h),
                        };
                        // SAFETY: the CPU has AVX2 and FMA (checked above).
                        let got = unsafe { avx2::sums_avx2(&x, &labels, p, d, h) };
                        let bits = |s: &LaneSums| s.map(f64::to_bits);
                        assert_eq!(bits(&got), bits(&want), "d={d} h={h} n={n} scale={scale}");
                    }
                }
            }
        }
    }
}
