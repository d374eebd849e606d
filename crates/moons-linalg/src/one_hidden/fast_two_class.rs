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
//! other rows-in-lanes gradients, so the bits do not depend on the thread count; the kernel
//! is written once on the lane types, so they do not depend on the CPU either (a unit test
//! compares its AVX2 and portable copies).
//!
//! Measured on the seed's network (`D = 2, H = 3, N = 200`): see `docs/performance.md`.

// Lane loops index several arrays by the same lane or unit.
#![allow(clippy::needless_range_loop)]

use ndarray::{ArrayView1, ArrayView2};

use crate::dispatch::{by_lanes_shape, dispatched, worth_splitting};
use crate::fast::{exp_f32_lanes, tanh_lanes_in_place};
use crate::lanes::{Real, G, R};
use crate::one_hidden::fast::{fast_shape, FAST_PARALLEL_MIN_WORK};
use crate::one_hidden::lane_sums::{
    check_labels, lane_sums_tree, unpack_lane_sums, Batch, LaneSums, B1_AT, B2_AT,
    LANES_MAX_HIDDEN, W1_AT, W2_AT,
};
use crate::one_hidden::lanes::{hidden_inputs, total, V, W};
use crate::one_hidden::{Params, ONE_HIDDEN_MAX_CLASSES, ONE_HIDDEN_MAX_INPUTS};
use crate::plan::THRESHOLDS;

// The kernel's arrays hold the rows-in-lanes widths.
const _: () = assert!(THRESHOLDS.two_class_max_hidden <= LANES_MAX_HIDDEN);

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

/// One leaf's sums for `d ≤ 4` inputs and `h ≤ 6` units.
fn leaf_sums(x: &[f64], labels: &[usize], p: Params<'_>, d: usize, h: usize) -> LaneSums {
    // `sums::<D, H, D G>`: array lengths cannot be computed from generic parameters.
    macro_rules! sums_for {
        ($d:literal, $c:literal, $h:literal) => {
            sums::<$d, $h, { $d * G }>(x, labels, p)
        };
    }
    by_lanes_shape!(h, d, 2, sums_for)
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

/// The rows' `δ` from their gaps `t` and labels (`valid` false for a padding row, whose `δ`
/// is 0).
#[inline(always)]
fn row_delta<F: Real<Scalar = f32>>(t: F, y_is_1: F::Mask, valid: F::Mask) -> F {
    let one = F::splat(1.0);
    let e = exp_f32_lanes(t.neg_abs());
    let big = one / (one + e);
    let small = e * big;
    // p1 is `big` when t >= 0; p1 - 1 = -small there, and p1 = small, p1 - 1 = -big otherwise.
    let magnitude = F::select(t.ge(F::splat(0.0)) ^ y_is_1, big, small);
    let delta = F::select(y_is_1, -magnitude, magnitude);
    F::select(valid, delta, F::splat(0.0))
}

/// Blocks per group: each step below runs over a group's blocks before the next step starts,
/// so that the blocks' independent chains overlap (as in the fast forward pass).
const GROUP_BLOCKS: usize = 8;

dispatched! {
    /// The sums for `D` inputs and `H` units, groups of blocks of eight rows step by step:
    /// every block's pre-activations, every `tanh`, every block's `δ` and `δ2`, then every
    /// block's additions to the sums.
    fn sums<S: Simd, const D: usize, const H: usize, const DG: usize>(
        x: &[f64],
        labels: &[usize],
        p: Params<'_>,
    ) -> LaneSums {
        const { assert!(DG == D * G) };
        let (bd, dw) = gap_weights(&p, H);
        let zero = V::<S>::splat(0.0);
        let mut w1 = [[zero; H]; D];
        let mut b1 = [zero; H];
        let mut dwv = [W::<S>::splat(0.0); H];
        for j in 0..H {
            for i in 0..D {
                w1[i][j] = V::<S>::splat(p.w1[i * H + j]);
            }
            b1[j] = V::<S>::splat(p.b1[j]);
            dwv[j] = W::<S>::splat(dw[j]);
        }
        let bd = W::<S>::splat(bd);
        let one = W::<S>::splat(1.0);
        let mut acc_w1 = [[zero; H]; D];
        let mut acc_b1 = [zero; H];
        let mut acc_w2 = [zero; H];
        let mut acc_b2 = zero;

        let n = labels.len();
        let blocks = n.div_ceil(R);
        let mut a = [[one; H]; GROUP_BLOCKS];
        let mut delta = [one; GROUP_BLOCKS];
        let mut d2 = [[one; H]; GROUP_BLOCKS];
        for first in (0..blocks).step_by(GROUP_BLOCKS) {
            let count = (blocks - first).min(GROUP_BLOCKS);
            // The pre-activations, narrowed to f32.
            for (b, a_b) in a.iter_mut().take(count).enumerate() {
                let x_b = S::load_rows::<D, DG>(x, (first + b) * R);
                *a_b = hidden_inputs::<S, D, H, DG>(&x_b, &w1, &b1);
            }
            tanh_lanes_in_place(a[..count].as_flattened_mut());
            for (b, (a_b, (delta_b, d2_b))) in a
                .iter()
                .zip(delta.iter_mut().zip(d2.iter_mut()))
                .take(count)
                .enumerate()
            {
                let mut t = bd;
                for j in 0..H {
                    t = a_b[j].mul_add(dwv[j], t);
                }
                let [y_is_1, valid] = S::label_masks(labels, (first + b) * R);
                *delta_b = row_delta(t, y_is_1, valid);
                for j in 0..H {
                    let slope = a_b[j].neg_mul_add(a_b[j], one);
                    d2_b[j] = (*delta_b * dwv[j]) * slope;
                }
            }
            for (b, (a_b, (delta_b, d2_b))) in a
                .iter()
                .zip(delta.iter().zip(d2.iter()))
                .take(count)
                .enumerate()
            {
                let xv = S::load_rows::<D, DG>(x, (first + b) * R);
                let dl = S::widen(*delta_b);
                for g in 0..G {
                    acc_b2 = acc_b2 + dl[g];
                }
                for j in 0..H {
                    let aw = S::widen(a_b[j]);
                    let d2w = S::widen(d2_b[j]);
                    for g in 0..G {
                        acc_w2[j] = aw[g].mul_add(dl[g], acc_w2[j]);
                        acc_b1[j] = acc_b1[j] + d2w[g];
                        for i in 0..D {
                            acc_w1[i][j] = xv[i * G + g].mul_add(d2w[g], acc_w1[i][j]);
                        }
                    }
                }
            }
        }
        let mut t = Totals {
            w1: [[0.0; LANES_MAX_HIDDEN]; ONE_HIDDEN_MAX_INPUTS],
            b1: [0.0; LANES_MAX_HIDDEN],
            w2: [0.0; LANES_MAX_HIDDEN],
            b2: total::<S>(acc_b2),
        };
        for j in 0..H {
            for i in 0..D {
                t.w1[i][j] = total::<S>(acc_w1[i][j]);
            }
            t.b1[j] = total::<S>(acc_b1[j]);
            t.w2[j] = total::<S>(acc_w2[j]);
        }
        t.place(D, H)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::dispatch::portable_only;
    use crate::test_util::{draw, DrawnParams};

    /// The AVX2 copy (where the CPU has one) and the portable one give the same bits.
    #[test]
    fn every_copy_of_the_sums_has_the_same_bits() {
        let mut seed = 7;
        for d in 1..=ONE_HIDDEN_MAX_INPUTS {
            for h in 1..=LANES_MAX_HIDDEN {
                // Row counts around the block (8) and group (64 rows) sizes; moderate and
                // saturating weights.
                for n in [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 200, 203] {
                    for scale in [1.5, 200.0] {
                        let x = draw(&mut seed, n * d, 2.0);
                        let labels: Vec<usize> = (0..n).map(|r| (r * 7 + n) % 2).collect();
                        let drawn = DrawnParams::draw(&mut seed, (d, h, 2), scale);
                        let p = drawn.params();
                        let got = leaf_sums(&x, &labels, p, d, h);
                        let want = portable_only(|| leaf_sums(&x, &labels, p, d, h));
                        let bits = |s: &LaneSums| s.map(f64::to_bits);
                        assert_eq!(bits(&got), bits(&want), "d={d} h={h} n={n} scale={scale}");
                    }
                }
            }
        }
    }
}
