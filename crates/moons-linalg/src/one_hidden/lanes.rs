//! The fast mode's rows-in-lanes kernels for narrow hidden layers (`H ≤ 6`, whose rows fill
//! no vector): the forward pass and the gradient sums, each written once on the lane types
//! ([`crate::lanes::Simd`]) and run on AVX2 registers or on arrays with the same bits.
//!
//! Forward: blocks of [`R`] = 8 rows, everything in registers. A block's inputs are loaded
//! transposed (input `i` of rows `4g..4g + 4` in one vector); each unit's pre-activation
//! `z = b1[j] + Σ_i x_i W1[i, j]` is a chain from the bias, narrowed to one f32 vector of
//! eight rows for `tanh`, widened back; the logits `b2[k] + Σ_j a_j W2[j, k]` take the units
//! in order; then the softmax and the stores transposed back into the row-major outputs.
//! Groups of [`FORWARD_GROUP_BLOCKS`] blocks go step by step (every hidden layer, every
//! `tanh`, every block's logits and stores, every softmax): one block from inputs to
//! probabilities is a chain of ~170 cycles, longer than the out-of-order window can overlap
//! with the next block's; each step alone is short and its blocks are independent.
//!
//! Gradients: blocks of four rows, lane `l` holding row
//! [`LANE_ROWS`](crate::lanes::LANE_ROWS)`[l]` of its block; `δ3 = p - onehot(y)`,
//! `δ2 = (Σ_k δ3_k W2[j, k]) (1 - a_j²)`, and every sum (`dW1`, `db1`, `dW2`, `db2`)
//! accumulated lane by lane over the blocks in row order, a short last block padded with rows
//! whose `δ3` is exactly zero; then each sum's four lanes are added as [`lane_total`].

// Lane loops (`for k in 0..C`, `for i in 0..D`) index several arrays by the same lane or
// class; written as iterator chains they would say less.
#![allow(clippy::needless_range_loop)]

use crate::dispatch::{by_lanes_shape, dispatched};
use crate::fast::{exp_lanes, tanh_lanes_in_place};
use crate::lanes::{Real, Simd, G, R};
use crate::one_hidden::lane_sums::{
    check_labels, lane_total, padded_block, Batch, LaneSums, B1_AT, B2_AT, LANES_MAX_HIDDEN, W1_AT,
    W2_AT,
};
use crate::one_hidden::{Params, ONE_HIDDEN_MAX_CLASSES};

/// Four `f64` lanes of `S`.
pub(crate) type V<S> = <S as Simd>::F64x4;
/// Eight `f32` lanes of `S`.
pub(crate) type W<S> = <S as Simd>::F32x8;

/// Blocks per group of the forward pass.
const FORWARD_GROUP_BLOCKS: usize = 8;

/// Blocks of four rows per group of the gradient sums: a group's `δ2` (`H` vectors a block, at
/// most 3 KB) wait on the stack between the group's two sweeps.
const GRADIENT_GROUP_BLOCKS: usize = 16;

/// The forward pass over some rows for `h ≤ 6` units (`p.b1.len()`), `d` inputs and `c`
/// classes, rows in lanes (see the module).
pub(crate) fn forward_lanes(
    x: &[f64],
    p: Params<'_>,
    hidden: &mut [f64],
    logits: &mut [f64],
    probs: &mut [f64],
    d: usize,
    c: usize,
) {
    // The vector counts `D G`, `H G`, `C G` spelled out: array lengths cannot be computed
    // from generic parameters.
    macro_rules! kernel_for {
        ($d:literal, $c:literal, $h:literal) => {
            forward_blocks::<$d, $h, $c, { $d * G }, { $h * G }, { $c * G }>(
                x, p, hidden, logits, probs,
            )
        };
    }
    by_lanes_shape!(p.b1.len(), d, c, kernel_for)
}

/// The gradient sums of some rows for `d` inputs, `h ≤ 6` units and `c` classes, rows in
/// lanes (see the module). Panics on a label that is not a class.
pub(crate) fn lane_sums(b: Batch<'_>, w2: &[f64], d: usize, h: usize, c: usize) -> LaneSums {
    macro_rules! sums_for {
        ($d:literal, $c:literal, $h:literal) => {
            lane_sums_of::<$d, $h, $c>(b, w2)
        };
    }
    by_lanes_shape!(h, d, c, sums_for)
}

/// The parameters in every lane.
struct Broadcast<S: Simd, const D: usize, const H: usize, const C: usize> {
    w1: [[V<S>; H]; D],
    b1: [V<S>; H],
    w2: [[V<S>; C]; H],
    b2: [V<S>; C],
}

impl<S: Simd, const D: usize, const H: usize, const C: usize> Broadcast<S, D, H, C> {
    /// `p` (of `D` inputs, `H` units, `C` classes) broadcast.
    #[inline(always)]
    fn of(p: &Params<'_>) -> Self {
        let zero = V::<S>::splat(0.0);
        let mut w = Self {
            w1: [[zero; H]; D],
            b1: [zero; H],
            w2: [[zero; C]; H],
            b2: [zero; C],
        };
        for j in 0..H {
            for i in 0..D {
                w.w1[i][j] = V::<S>::splat(p.w1[i * H + j]);
            }
            w.b1[j] = V::<S>::splat(p.b1[j]);
            for k in 0..C {
                w.w2[j][k] = V::<S>::splat(p.w2[j * C + k]);
            }
        }
        for k in 0..C {
            w.b2[k] = V::<S>::splat(p.b2[k]);
        }
        w
    }
}

dispatched! {
    /// The forward pass for `D` inputs, `H` units and `C` classes; `DG`, `HG`, `CG` are `D`, `H`,
    /// `C` times [`G`], the lengths of a block's arrays of vectors (`[j * G + g]` for value `j` of
    /// rows `4g..4g + 4`).
    ///
    /// Measured for `D = 2, H = 3, C = 2, N = 200` on AVX2: 1.14 us against 1.57 for one block at
    /// a time from inputs to probabilities, which in turn was 1.3x faster than sweeps over arrays.
    fn forward_blocks<
        S: Simd,
        const D: usize,
        const H: usize,
        const C: usize,
        const DG: usize,
        const HG: usize,
        const CG: usize,
    >(
        x: &[f64],
        p: Params<'_>,
        hidden: &mut [f64],
        logits: &mut [f64],
        probs: &mut [f64],
    ) {
        const { assert!(DG == D * G && HG == H * G && CG == C * G) };
        let w = Broadcast::<S, D, H, C>::of(&p);
        let n = x.len() / D;
        let blocks = n.div_ceil(R);
        let mut z1 = [[W::<S>::splat(0.0); H]; FORWARD_GROUP_BLOCKS];
        let mut z2 = [[V::<S>::splat(0.0); CG]; FORWARD_GROUP_BLOCKS];
        let mut e = [[V::<S>::splat(0.0); G]; FORWARD_GROUP_BLOCKS];
        for first in (0..blocks).step_by(FORWARD_GROUP_BLOCKS) {
            let count = (blocks - first).min(FORWARD_GROUP_BLOCKS);
            let rows_of = |b: usize| ((first + b) * R, (n - (first + b) * R).min(R));
            for (b, z1_b) in z1.iter_mut().take(count).enumerate() {
                let x_b = S::load_rows::<D, DG>(x, (first + b) * R);
                *z1_b = hidden_inputs::<S, D, H, DG>(&x_b, &w.w1, &w.b1);
            }
            tanh_lanes_in_place(z1[..count].as_flattened_mut());
            for (b, (a_b, z2_b)) in z1.iter().zip(z2.iter_mut()).take(count).enumerate() {
                let (row0, rows) = rows_of(b);
                let mut a = [V::<S>::splat(0.0); HG];
                for (j, &a_j) in a_b.iter().enumerate() {
                    [a[j * G], a[j * G + 1]] = S::widen(a_j);
                }
                *z2_b = output_logits::<S, D, H, C, HG, CG>(&a, &w);
                S::store_rows::<H, HG>(&a, row0, rows, hidden);
                S::store_rows::<C, CG>(z2_b, row0, rows, logits);
            }
            if C == 2 {
                // The two-class softmax in two steps too: every block's exponential, then every
                // block's division (the forward pass 1.30 -> 1.14 us at H = 3, from both in one
                // step).
                for (e_b, z2_b) in e.iter_mut().zip(&z2).take(count) {
                    *e_b = exp_lanes(gaps2::<S, CG>(z2_b));
                }
                for (b, (e_b, z2_b)) in e.iter().zip(&z2).take(count).enumerate() {
                    let (row0, rows) = rows_of(b);
                    S::store_rows::<C, CG>(&probs2::<S, CG>(z2_b, e_b), row0, rows, probs);
                }
                continue;
            }
            for (b, z2_b) in z2.iter().take(count).enumerate() {
                let (row0, rows) = rows_of(b);
                S::store_rows::<C, CG>(&softmax::<S, C, CG>(*z2_b), row0, rows, probs);
            }
        }
    }
}

/// One block's hidden pre-activations `z1 = b1 + Σ_i x_i W1[i, ·]` (chains from the bias),
/// unit `j`'s [`G`] vectors of rows narrowed into one f32 vector.
#[inline(always)]
pub(crate) fn hidden_inputs<S: Simd, const D: usize, const H: usize, const DG: usize>(
    x: &[V<S>; DG],
    w1: &[[V<S>; H]; D],
    b1: &[V<S>; H],
) -> [W<S>; H] {
    let mut z1 = [W::<S>::splat(0.0); H];
    for (j, z1_j) in z1.iter_mut().enumerate() {
        let mut half = [b1[j]; G];
        for (g, acc) in half.iter_mut().enumerate() {
            for i in 0..D {
                *acc = x[i * G + g].mul_add(w1[i][j], *acc);
            }
        }
        *z1_j = S::narrow(half[0], half[1]);
    }
    z1
}

/// The block's logits `z[k] = b2[k] + Σ_j a_j W2[j, k]`, units in order.
#[inline(always)]
fn output_logits<
    S: Simd,
    const D: usize,
    const H: usize,
    const C: usize,
    const HG: usize,
    const CG: usize,
>(
    a: &[V<S>; HG],
    w: &Broadcast<S, D, H, C>,
) -> [V<S>; CG] {
    let mut z = [V::<S>::splat(0.0); CG];
    for k in 0..C {
        for g in 0..G {
            let mut acc = w.b2[k];
            for j in 0..H {
                acc = a[j * G + g].mul_add(w.w2[j][k], acc);
            }
            z[k * G + g] = acc;
        }
    }
    z
}

/// The two-class softmax's exponent `-|z0 - z1|` (`z`: [`G`] vectors of each logit).
#[inline(always)]
fn gaps2<S: Simd, const CG: usize>(z: &[V<S>; CG]) -> [V<S>; G] {
    let mut gaps = [z[0]; G];
    for (g, gap) in gaps.iter_mut().enumerate() {
        *gap = (z[g] - z[G + g]).neg_abs();
    }
    gaps
}

/// The two-class softmax from `e = exp(-|z0 - z1|)`: `big = 1 / (1 + e)` for the larger
/// logit, `small = e big` for the other; one exponential, and nothing can overflow.
#[inline(always)]
fn probs2<S: Simd, const CG: usize>(z: &[V<S>; CG], e: &[V<S>; G]) -> [V<S>; CG] {
    let one = V::<S>::splat(1.0);
    let mut out = [one; CG];
    for g in 0..G {
        let big = one / (one + e[g]);
        let small = e[g] * big;
        let first = z[g].ge(z[G + g]);
        out[g] = V::<S>::select(first, big, small);
        out[G + g] = V::<S>::select(first, small, big);
    }
    out
}

/// The softmax of `C > 2` logits, each row shifted by its maximum so that nothing overflows.
#[inline(always)]
fn softmax<S: Simd, const C: usize, const CG: usize>(z: [V<S>; CG]) -> [V<S>; CG] {
    // The maximum as `if z > max { z } else { max }`.
    let mut max = [z[0]; G];
    for g in 0..G {
        max[g] = z[g];
        for k in 1..C {
            max[g] = z[k * G + g].greater(max[g]);
        }
    }
    let mut shifted = z;
    for (v, &m) in shifted.iter_mut().zip(max.iter().cycle()) {
        *v = *v - m;
    }
    let e = exp_lanes(shifted);
    let mut out = e;
    for g in 0..G {
        let mut sum = e[g];
        for k in 1..C {
            sum = sum + e[k * G + g];
        }
        let inv = V::<S>::splat(1.0) / sum;
        for k in 0..C {
            out[k * G + g] = e[k * G + g] * inv;
        }
    }
    out
}

/// The gradient sums' accumulators, lane by lane.
struct GradientAcc<S: Simd, const D: usize, const H: usize, const C: usize> {
    w1: [[V<S>; H]; D],
    b1: [V<S>; H],
    w2: [[V<S>; C]; H],
    b2: [V<S>; C],
}

dispatched! {
    /// The sums for `D` inputs, `H` units and `C` classes, in two sweeps over each group of
    /// blocks: the first computes `δ3` and `δ2` and adds `dW2`, `db2`; the second adds `dW1`,
    /// `db1` from the inputs and the stored `δ2`. One sweep would hold all the `(D + 1 + C) H + C`
    /// sums at once (17 for the two-moons network), more than the 16 vector registers: it
    /// spilled, and measured ~10% slower per row. Each sum still takes the blocks in order, so
    /// the bits are those of one sweep.
    fn lane_sums_of<S: Simd, const D: usize, const H: usize, const C: usize>(
        b: Batch<'_>,
        w2: &[f64],
    ) -> LaneSums {
        let zero = V::<S>::splat(0.0);
        let mut w = [[zero; C]; H];
        for j in 0..H {
            for k in 0..C {
                w[j][k] = V::<S>::splat(w2[j * C + k]);
            }
        }
        let mut acc = GradientAcc::<S, D, H, C> {
            w1: [[zero; H]; D],
            b1: [zero; H],
            w2: [[zero; C]; H],
            b2: [zero; C],
        };
        let mut d2 = [[zero; H]; GRADIENT_GROUP_BLOCKS];
        check_labels::<C>(b.labels);
        let n = b.labels.len();
        let full = n - n % 4;
        for (((x_g, y_g), h_g), p_g) in b.x[..full * D]
            .chunks(GRADIENT_GROUP_BLOCKS * 4 * D)
            .zip(b.labels[..full].chunks(GRADIENT_GROUP_BLOCKS * 4))
            .zip(b.hidden[..full * H].chunks(GRADIENT_GROUP_BLOCKS * 4 * H))
            .zip(b.probs[..full * C].chunks(GRADIENT_GROUP_BLOCKS * 4 * C))
        {
            for (((d2_b, y_b), h_b), p_b) in d2
                .iter_mut()
                .zip(y_g.chunks_exact(4))
                .zip(h_g.chunks_exact(4 * H))
                .zip(p_g.chunks_exact(4 * C))
            {
                *d2_b = outer_sums(&mut acc, &w, y_b, S::load_cols::<H>(h_b), S::load_cols(p_b));
            }
            for (d2_b, x_b) in d2.iter().zip(x_g.chunks_exact(4 * D)) {
                inner_sums(&mut acc, S::load_cols::<D>(x_b), d2_b);
            }
        }
        if full < n {
            let (x_t, y_t, h_t, p_t) = padded_block(b, full, (D, H, C));
            let d2 = outer_sums(
                &mut acc,
                &w,
                &y_t,
                S::load_cols::<H>(&h_t),
                S::load_cols(&p_t),
            );
            inner_sums(&mut acc, S::load_cols::<D>(&x_t), &d2);
        }
        let mut sums = [0.0f64; B2_AT + ONE_HIDDEN_MAX_CLASSES];
        for j in 0..H {
            for i in 0..D {
                sums[W1_AT + i * LANES_MAX_HIDDEN + j] = total::<S>(acc.w1[i][j]);
            }
            sums[B1_AT + j] = total::<S>(acc.b1[j]);
            for k in 0..C {
                sums[W2_AT + j * ONE_HIDDEN_MAX_CLASSES + k] = total::<S>(acc.w2[j][k]);
            }
        }
        for k in 0..C {
            sums[B2_AT + k] = total::<S>(acc.b2[k]);
        }
        sums
    }
}

/// [`lane_total`] of a vector's lanes.
#[inline(always)]
pub(crate) fn total<S: Simd>(v: V<S>) -> f64 {
    lane_total(S::lanes(v))
}

/// The first sweep's work for one block of four rows (labels `y`, activations `a`,
/// probabilities `p`, a vector per column; `w` is `W2` broadcast): adds to `db2` and `dW2`,
/// and returns `δ2`, a vector per unit.
#[inline(always)]
fn outer_sums<S: Simd, const D: usize, const H: usize, const C: usize>(
    acc: &mut GradientAcc<S, D, H, C>,
    w: &[[V<S>; C]; H],
    y: &[usize],
    a: [V<S>; H],
    p: [V<S>; C],
) -> [V<S>; H] {
    let one = V::<S>::splat(1.0);
    let onehot = S::class_indicators::<C>(y);
    let mut d3 = p;
    for k in 0..C {
        d3[k] = p[k] - onehot[k];
        acc.b2[k] = acc.b2[k] + d3[k];
    }
    // δ2 = (Σ_k δ3[k] W2[j, k]) (1 - a²)
    let mut d2 = a;
    for j in 0..H {
        let mut s = d3[0] * w[j][0];
        for k in 1..C {
            s = d3[k].mul_add(w[j][k], s);
        }
        d2[j] = s * a[j].neg_mul_add(a[j], one);
        for k in 0..C {
            acc.w2[j][k] = a[j].mul_add(d3[k], acc.w2[j][k]);
        }
    }
    d2
}

/// The second sweep's work for one block: adds the inputs `x` (a vector per column) times
/// `δ2` to `dW1`, and `δ2` to `db1`.
#[inline(always)]
fn inner_sums<S: Simd, const D: usize, const H: usize, const C: usize>(
    acc: &mut GradientAcc<S, D, H, C>,
    x: [V<S>; D],
    d2: &[V<S>; H],
) {
    for j in 0..H {
        acc.b1[j] = acc.b1[j] + d2[j];
        for i in 0..D {
            acc.w1[i][j] = x[i].mul_add(d2[j], acc.w1[i][j]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::dispatch::portable_only;
    use crate::one_hidden::{ONE_HIDDEN_MAX_CLASSES, ONE_HIDDEN_MAX_INPUTS};
    use crate::test_util::{draw, DrawnParams};

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|f| f.to_bits()).collect()
    }

    /// `f(d, h, c)` for every shape the rows-in-lanes kernels take.
    fn each_shape(mut f: impl FnMut(usize, usize, usize)) {
        for d in 1..=ONE_HIDDEN_MAX_INPUTS {
            for h in 1..=LANES_MAX_HIDDEN {
                for c in 2..=ONE_HIDDEN_MAX_CLASSES {
                    f(d, h, c);
                }
            }
        }
    }

    /// The AVX2 copy (where the CPU has one) and the portable one give the same bits.
    #[test]
    fn every_copy_of_the_gradient_sums_has_the_same_bits() {
        let mut seed = 9;
        each_shape(|d, h, c| {
            // Row counts around the block size (a tail of 0 to 3 rows) and the group size.
            for n in [0, 1, 2, 3, 4, 5, 7, 13, 64, 65, 200, 203] {
                let x = draw(&mut seed, n * d, 2.0);
                let hidden = draw(&mut seed, n * h, 1.0);
                let w2 = draw(&mut seed, h * c, 1.5);
                let probs: Vec<f64> = draw(&mut seed, n * c, 1.0)
                    .iter()
                    .map(|v| v.abs())
                    .collect();
                let labels: Vec<usize> = (0..n).map(|r| (r * 7 + n) % c).collect();
                let b = Batch {
                    x: &x,
                    labels: &labels,
                    hidden: &hidden,
                    probs: &probs,
                };
                let got = lane_sums(b, &w2, d, h, c);
                let want = portable_only(|| lane_sums(b, &w2, d, h, c));
                assert_eq!(bits(&got), bits(&want), "d={d} h={h} c={c} n={n}");
                if n == 203 {
                    assert!(want[B2_AT] != 0.0 && want[W1_AT] != 0.0);
                }
            }
        });
    }

    /// The same for the forward pass, with weights that saturate some units.
    #[test]
    fn every_copy_of_the_forward_pass_has_the_same_bits() {
        let mut seed = 7;
        each_shape(|d, h, c| {
            for (n, scale) in [
                (1, 1.5),
                (7, 1.5),
                (13, 40.0),
                (64, 1.5),
                (200, 1.5),
                (203, 300.0),
            ] {
                let x = draw(&mut seed, n * d, 2.0);
                let drawn = DrawnParams::draw(&mut seed, (d, h, c), scale);
                let p = drawn.params();
                let run = || {
                    let (mut hidden, mut outputs) =
                        (vec![f64::NAN; n * h], vec![f64::NAN; n * c * 2]);
                    let (logits, probs) = outputs.split_at_mut(n * c);
                    forward_lanes(&x, p, &mut hidden, logits, probs, d, c);
                    (hidden, outputs)
                };
                let (h_got, out_got) = run();
                let (h_want, out_want) = portable_only(run);
                let where_ = format!("d={d} h={h} c={c} n={n}");
                assert_eq!(bits(&h_got), bits(&h_want), "hidden, {where_}");
                assert_eq!(bits(&out_got), bits(&out_want), "outputs, {where_}");
                assert!(out_want.iter().all(|v| v.is_finite()), "{where_}");
            }
        });
    }
}
