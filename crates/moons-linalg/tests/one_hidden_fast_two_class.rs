//! The fast mode's two-class gradient kernel (forward and backward in one sweep, in single
//! precision) against the exact layered kernels, and its determinism across thread counts.
//!
//! Bound (the exact kernels are the reference; each check divides the error by its bound and
//! the tests print the worst ratio). `t` is `TANH_MAX_ABS_ERROR` (2e-7), `ε` is `f32`'s unit
//! roundoff 2^-24 and `E` is `EXP_F32_MAX_REL_ERROR`:
//!
//! - the gap `z1 - z0` is off by at most `g = (t + (H + 2) ε) S` with
//!   `S = 1 + |b2[1] - b2[0]| + Σ_j |W2[j, 1] - W2[j, 0]|`: every activation's error times its
//!   weight, the `f32` rounding of the weights' differences and of each multiply-add in the
//!   chain (a few ulp of the size of its terms);
//! - a probability, and so `δ = p1 - [y = 1]`, is off by at most `p = g + E + 4 ε`: it moves by
//!   at most a quarter of the gap's error, plus the exponential's error and the rounding of
//!   `1 / (1 + e)` and `e · big`;
//! - each gradient by at most `(p + 2t + 6 ε + 1e-13) M`, with `M` the largest the gradient
//!   could be for these inputs and weights (every `|δ| = 1`): `N` for `dW2` and `db2`,
//!   `Σ_r |x[r, i]| Σ_k |W2[j, k]|` for `dW1`, `N Σ_k |W2[j, k]|` for `db1`. Each row's term
//!   carries its `δ`'s error, its activation's (`t`, and `2t` in `1 - a²`) and a few roundings
//!   in `f32`; `1e-13` is the f64 sums' rounding. A gradient is a sum whose terms can cancel,
//!   so its error scales with `M`, not with `|g|`.

use moons_linalg::fast::{EXP_F32_MAX_REL_ERROR, TANH_MAX_ABS_ERROR};
use moons_linalg::{one_hidden_fast_two_class_gradients_into, GradOut};
use ndarray::{Array1, Array2, ShapeBuilder};

mod common;
use common::{
    assert_same_bits_on_any_thread_count, gradient_pairs, gradient_scales, layered, Case, Lcg, Pass,
};

const T: f64 = TANH_MAX_ABS_ERROR;
const EPS32: f64 = f32::EPSILON as f64 / 2.0;
const GRADIENT_ROUNDING: f64 = 1e-13;

/// The kernel's gradients (NaN wherever it wrote nothing); `None` if it declined.
fn fused(case: &Case) -> Option<Pass> {
    let (n, d, h, c) = case.dims();
    let mut out = Pass::new(n, d, h, c);
    one_hidden_fast_two_class_gradients_into(case.x.view(), case.y.view(), case.net(), out.grads())
        .then_some(out)
}

/// The worst gradient error of a case divided by its bound (module documentation).
fn worst_ratio(case: &Case) -> f64 {
    let want = layered(&case.x, &case.y, case.net(), false);
    let got = fused(case).expect("the kernel takes two classes and up to 6 units");
    let (_, _, h, _) = case.dims();
    let gap_weights = (0..h)
        .map(|j| (case.w2[[j, 1]] - case.w2[[j, 0]]).abs())
        .sum::<f64>();
    let s = 1.0 + (case.b2[1] - case.b2[0]).abs() + gap_weights;
    let g = (T + (h as f64 + 2.0) * EPS32) * s;
    let p = g + EXP_F32_MAX_REL_ERROR + 4.0 * EPS32;
    let per_term = p + 2.0 * T + 6.0 * EPS32 + GRADIENT_ROUNDING;

    let mags = gradient_scales(case);
    let pairs = gradient_pairs(&want, &got);
    let mut worst = 0.0f64;
    for ((a, b), m) in pairs.iter().zip(&mags) {
        assert_eq!(a.dim(), m.dim());
        for ((x, y), m) in a.iter().zip(b.iter()).zip(m.iter()) {
            let r = (x - y).abs() / (per_term * m.max(1e-300));
            assert!(!r.is_nan(), "NaN: {x} vs {y}");
            worst = worst.max(r);
        }
    }
    worst
}

fn check(case: &Case, what: &str) -> f64 {
    let r = worst_ratio(case);
    assert!(r < 1.0, "{what}: error {r} times its bound");
    r
}

#[test]
fn gradients_are_close_to_the_exact_kernels_for_every_shape_and_short_batch() {
    let mut rng = Lcg(29);
    let mut worst = 0.0f64;
    for d in 1..=4 {
        for h in 1..=6 {
            // Row counts around the block (8 rows) and group (64 rows) sizes.
            for n in [1, 2, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200, 203] {
                let case = Case::random(&mut rng, n, d, h, 2, 1.5);
                worst = worst.max(check(&case, &format!("n={n} d={d} h={h}")));
            }
        }
    }
    // Several leaves (8192 rows each), added up the tree.
    let case = Case::random(&mut rng, 20_001, 3, 5, 2, 1.5);
    worst = worst.max(check(&case, "n=20001 d=3 h=5"));
    eprintln!("two-class gradients: worst error / bound {worst:e}");
}

#[test]
fn saturated_units_and_confident_outputs_stay_close() {
    // tanh saturates and the gap reaches the hundreds: the probabilities are chosen, not
    // subtracted, so `δ` keeps its relative accuracy; `exp` is clamped at -87.
    let mut rng = Lcg(31);
    let mut worst = 0.0f64;
    for _ in 0..20 {
        let (d, h) = (1 + rng.below(4), 1 + rng.below(6));
        let mut case = Case::random(&mut rng, 100, d, h, 2, 1.5);
        case.w1.mapv_inplace(|v| v * 300.0);
        case.w2.mapv_inplace(|v| v * 30.0);
        worst = worst.max(check(&case, &format!("saturated d={d} h={h}")));
    }
    eprintln!("saturated: worst error / bound {worst:e}");
}

#[test]
fn the_seed_networks_gradients_are_close() {
    // The seed's data and initial weights (inputs in [-1.5, 2.5], W1 ~ N(0, 1/2)).
    let mut rng = Lcg(37);
    let mut case = Case::random(&mut rng, 200, 2, 3, 2, 0.7);
    case.x.mapv_inplace(|v| v + 0.5);
    check(&case, "seed-like n=200 d=2 h=3");
}

#[test]
fn gradients_are_deterministic_for_any_thread_count() {
    let mut rng = Lcg(41);
    // Enough work to split the leaves across threads, and the seed's size.
    for case in [
        Case::random(&mut rng, 40_003, 4, 6, 2, 1.5),
        Case::random(&mut rng, 20_000, 2, 3, 2, 1.5),
        Case::random(&mut rng, 200, 2, 3, 2, 1.5),
    ] {
        assert_same_bits_on_any_thread_count(&case, || fused(&case).unwrap().bits());
    }
}

#[test]
fn the_kernel_declines_what_it_does_not_take() {
    let mut rng = Lcg(43);
    // Three classes, seven units, five inputs, no units.
    for (d, h, c) in [(2, 3, 3), (2, 7, 2), (5, 3, 2), (2, 0, 2)] {
        let case = Case::random(&mut rng, 10, d, h, c, 1.0);
        assert!(fused(&case).is_none(), "d={d} h={h} c={c}");
    }
    let case = Case::random(&mut rng, 10, 2, 3, 2, 1.0);
    let mut out = Pass::new(10, 2, 3, 2);
    // Column-major inputs.
    let mut x_cols = Array2::<f64>::zeros((10, 2).f());
    x_cols.assign(&case.x);
    assert!(!one_hidden_fast_two_class_gradients_into(
        x_cols.view(),
        case.y.view(),
        case.net(),
        out.grads(),
    ));
    // A label short.
    let short = Array1::<usize>::zeros(9);
    assert!(!one_hidden_fast_two_class_gradients_into(
        case.x.view(),
        short.view(),
        case.net(),
        out.grads(),
    ));
    // Gradients shaped for another network.
    let mut dw1_t = Array2::<f64>::zeros((3, 2));
    assert!(!one_hidden_fast_two_class_gradients_into(
        case.x.view(),
        case.y.view(),
        case.net(),
        GradOut {
            dw1: dw1_t.view_mut(),
            db1: out.db1.view_mut(),
            dw2: out.dw2.view_mut(),
            db2: out.db2.view_mut(),
        },
    ));
    assert!(out.bits().iter().all(|&b| f64::from_bits(b).is_nan()));
}

#[test]
fn an_empty_batch_gives_zero_gradients() {
    let case = Case::random(&mut Lcg(47), 0, 2, 3, 2, 1.0);
    let out = fused(&case).unwrap();
    assert!(out.gradient_values().all(|g| g == 0.0));
}

#[test]
#[should_panic(expected = "a label is not one of the 2 classes")]
fn a_label_past_the_classes_panics() {
    let mut case = Case::random(&mut Lcg(53), 10, 2, 3, 2, 1.0);
    case.y[4] = 2;
    fused(&case);
}

#[test]
fn non_finite_weights_give_non_finite_gradients() {
    // A NaN must reach the gradients, where the trainer's finiteness check stops the run.
    let mut case = Case::random(&mut Lcg(59), 13, 2, 3, 2, 1.0);
    case.w2[[1, 0]] = f64::NAN;
    let out = fused(&case).unwrap();
    assert!(out.dw1.iter().chain(&out.db2).all(|g| g.is_nan()));
}
