//! The fast mode's one-hidden-layer kernels against the exact layered kernels, on random
//! shapes, and their determinism across thread counts.
//!
//! Bounds (the exact kernels are the reference; each check divides the error by its bound and
//! the tests print the worst ratio). `t` is `TANH_MAX_ABS_ERROR` (2e-7: the fast `tanh` is
//! computed in single precision), the rest rounding of the f64 arithmetic:
//!
//! - hidden outputs: `t + 1e-14 (1 + |b1[j]| + Σ_i |x[r, i] W1[i, j]|)` absolute: the
//!   activation's own error, plus the rounding of its pre-activation summed in another order
//!   (a few ulp of the size of its terms, which the second factor measures).
//! - logits: `(t + 1e-13) (1 + |b2[k]| + Σ_j |W2[j, k]|)` absolute: each activation's error
//!   times its weight, plus rounding of the same order.
//! - probabilities: `p = max_k` of the logits' bounds, plus 1e-12: a probability moves by at
//!   most the largest change of the logits, plus `EXP_MAX_REL_ERROR` (5e-16); with saturated
//!   units and logits in the thousands, ulps of the logits reach ~1e-13.
//! - gradients: `(p + 2t + 1e-13) M`, with `M` the largest the gradient could be for these
//!   inputs and weights (every `|δ3| = 1`): `N` for `dW2` and `db2`, `Σ_r |x[r, i]| Σ_k
//!   |W2[j, k]|` for `dW1`, `N Σ_k |W2[j, k]|` for `db1`. Each row's term carries the errors
//!   of its probabilities (`p` each) and activations (`t`, and `2t` in `1 - a²`), weighted as
//!   `M` weights them. A gradient is a sum over rows whose terms can cancel, so its error
//!   scales with `M`, not with `|g|`: a relative bound on `|g|` would fail on gradients that
//!   cancel to nearly zero.

use moons_linalg::fast::TANH_MAX_ABS_ERROR;
use moons_linalg::{one_hidden_fast_forward_into, one_hidden_fast_gradients_into, ForwardOut};
use ndarray::{Array2, ShapeBuilder};

mod common;
use common::{
    assert_same_bits_on_any_thread_count, gradient_pairs, gradient_scales, layered, Case, Lcg, Pass,
};

/// Every output of a pass.
impl Pass {
    /// NaN-filled outputs shaped for `case`.
    fn for_case(case: &Case) -> Self {
        let (n, d, h, c) = case.dims();
        Pass::new(n, d, h, c)
    }
}

/// The exact pass: the layered kernels as `Mlp::forward` / `Mlp::backward` run them.
fn exact(case: &Case) -> Pass {
    layered(&case.x, &case.y, case.net(), false)
}

/// The fast pass; panics if a kernel declines.
fn fast(case: &Case) -> Pass {
    let net = case.net();
    let mut out = Pass::for_case(case);
    assert!(one_hidden_fast_forward_into(
        case.x.view(),
        net,
        out.forward_out(),
    ));
    let (hidden, probs, grads) = out.forward_and_grads();
    assert!(one_hidden_fast_gradients_into(
        case.x.view(),
        case.y.view(),
        net,
        hidden,
        probs,
        grads,
    ));
    out
}

/// The worst errors of one case, each divided by its bound: all must stay below 1.
#[derive(Default, Debug, Clone, Copy)]
struct Worst {
    hidden: f64,
    logits: f64,
    probs: f64,
    gradients: f64,
}

impl Worst {
    fn max(self, o: Worst) -> Worst {
        Worst {
            hidden: self.hidden.max(o.hidden),
            logits: self.logits.max(o.logits),
            probs: self.probs.max(o.probs),
            gradients: self.gradients.max(o.gradients),
        }
    }
}

const HIDDEN_ROUNDING: f64 = 1e-14;
const LOGITS_ROUNDING: f64 = 1e-13;
const PROBS_ROUNDING: f64 = 1e-12;
const GRADIENT_ROUNDING: f64 = 1e-13;
const T: f64 = TANH_MAX_ABS_ERROR;

fn compare(case: &Case) -> Worst {
    let want = exact(case);
    let got = fast(case);
    let ratio = |a: f64, b: f64, bound: f64| {
        let r = (a - b).abs() / bound;
        assert!(!r.is_nan(), "NaN: {a} vs {b}");
        r
    };
    let mut w = Worst::default();
    // |b1| + Σ_i |x W1|: the size of the terms each pre-activation sums.
    let z_mag = case.x.mapv(f64::abs).dot(&case.w1.mapv(f64::abs)) + case.b1.mapv(f64::abs);
    for ((a, b), m) in want.hidden.iter().zip(&got.hidden).zip(&z_mag) {
        w.hidden = w.hidden.max(ratio(*a, *b, T + HIDDEN_ROUNDING * (1.0 + m)));
    }
    let mut logits_bound = 0.0f64;
    for (k, col) in case.w2.columns().into_iter().enumerate() {
        let scale = 1.0 + case.b2[k].abs() + col.iter().map(|v| v.abs()).sum::<f64>();
        let bound = (T + LOGITS_ROUNDING) * scale;
        logits_bound = logits_bound.max(bound);
        for (a, b) in want.logits.column(k).iter().zip(got.logits.column(k)) {
            w.logits = w.logits.max(ratio(*a, *b, bound));
        }
    }
    let probs_bound = logits_bound + PROBS_ROUNDING;
    for (a, b) in want.probs.iter().zip(&got.probs) {
        w.probs = w.probs.max(ratio(*a, *b, probs_bound));
    }
    // The largest each gradient could be for these inputs and weights (every |δ3| = 1): the
    // scale of the absolute errors its terms carry.
    let mags = gradient_scales(case);
    let pairs = gradient_pairs(&want, &got);
    for ((a, b), m) in pairs.iter().zip(&mags) {
        assert_eq!(a.dim(), m.dim());
        for ((x, y), m) in a.iter().zip(b.iter()).zip(m.iter()) {
            let bound = (probs_bound + 2.0 * T + GRADIENT_ROUNDING) * m.max(1e-300);
            let r = ratio(*x, *y, bound);
            w.gradients = w.gradients.max(r);
        }
    }
    w
}

fn check(worst: Worst, what: &str) {
    assert!(
        worst.hidden < 1.0 && worst.logits < 1.0 && worst.probs < 1.0 && worst.gradients < 1.0,
        "{what}: errors over their bounds (ratio to the bound) {worst:?}"
    );
}

#[test]
fn fast_pass_is_close_to_the_exact_kernels_on_random_shapes() {
    let mut rng = Lcg(20250611);
    let mut worst = Worst::default();
    let mut cases = 0;
    for &n in &[1usize, 7, 8, 9, 200] {
        for _ in 0..40 {
            let d = 1 + rng.below(4);
            let h = 1 + rng.below(64);
            let c = 2 + rng.below(3);
            let case = Case::random(&mut rng, n, d, h, c, 1.5);
            let w = compare(&case);
            check(w, &format!("n={n} d={d} h={h} c={c}"));
            worst = worst.max(w);
            cases += 1;
        }
    }
    // Every (D, C) kernel, the extreme widths and the narrowest layer past rows in lanes, on
    // a batch that spans several row groups.
    for d in 1..=4 {
        for c in 2..=4 {
            for h in [1, 2, 3, 7, 64] {
                let case = Case::random(&mut rng, 5000, d, h, c, 1.5);
                let w = compare(&case);
                check(w, &format!("n=5000 d={d} h={h} c={c}"));
                worst = worst.max(w);
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 260);
    eprintln!("worst error / bound: {worst:?}");
}

#[test]
fn narrow_layers_are_close_for_every_shape_and_short_batch() {
    // The rows-in-lanes gradient kernels: every (D, H ≤ 6, C), with row counts that leave a
    // last block of 0 to 3 rows, and one batch of several leaves (8192 rows each).
    let mut rng = Lcg(17);
    let mut worst = Worst::default();
    for d in 1..=4 {
        for h in 1..=6 {
            for c in 2..=4 {
                for n in [1, 2, 3, 4, 5, 6, 11, 64, 67] {
                    let case = Case::random(&mut rng, n, d, h, c, 1.5);
                    let w = compare(&case);
                    check(w, &format!("n={n} d={d} h={h} c={c}"));
                    worst = worst.max(w);
                }
            }
        }
    }
    let case = Case::random(&mut rng, 20_001, 3, 5, 3, 1.5);
    let w = compare(&case);
    check(w, "n=20001 d=3 h=5 c=3");
    eprintln!("narrow layers: worst error / bound: {:?}", worst.max(w));
}

#[test]
fn saturated_units_and_confident_outputs_stay_close() {
    // Weights large enough that tanh saturates and probabilities reach 1 - 1e-300: the
    // softmax's shift keeps every value finite.
    let mut rng = Lcg(3);
    let mut worst = Worst::default();
    for _ in 0..20 {
        let (d, h, c) = (1 + rng.below(4), 1 + rng.below(64), 2 + rng.below(3));
        let mut case = Case::random(&mut rng, 100, d, h, c, 1.5);
        case.w1.mapv_inplace(|v| v * 300.0);
        case.w2.mapv_inplace(|v| v * 30.0);
        let w = compare(&case);
        check(w, &format!("saturated d={d} h={h} c={c}"));
        worst = worst.max(w);
    }
    eprintln!("saturated: worst error / bound: {worst:?}");
}

#[test]
fn fast_pass_is_deterministic_for_any_thread_count() {
    let mut rng = Lcg(11);
    // Large enough for both kernels to split their work across threads.
    let cases = [
        Case::random(&mut rng, 5000, 2, 64, 2, 1.5),
        Case::random(&mut rng, 20_000, 2, 3, 2, 1.5),
        Case::random(&mut rng, 3001, 4, 50, 3, 1.5),
        // Seven units: the exact kernel's sweep splits them 4 + 3 between two threads.
        Case::random(&mut rng, 40_000, 2, 7, 3, 1.5),
        Case::random(&mut rng, 200, 2, 3, 2, 1.5),
        // Rows in lanes with enough work to split the gradient's leaves across threads.
        Case::random(&mut rng, 40_003, 4, 6, 4, 1.5),
    ];
    for case in &cases {
        assert_same_bits_on_any_thread_count(case, || fast(case).bits());
    }
}

#[test]
fn fast_pass_declines_what_it_does_not_take() {
    let mut rng = Lcg(5);
    for (n, d, h, c) in [
        (10, 5, 3, 2),
        (10, 2, 65, 2),
        (10, 2, 3, 1),
        (10, 2, 3, 5),
        (10, 2, 0, 2),
    ] {
        let case = Case::random(&mut rng, n, d, h, c, 1.0);
        let mut out = Pass::for_case(&case);
        assert!(!one_hidden_fast_forward_into(
            case.x.view(),
            case.net(),
            out.forward_out(),
        ));
        let (hidden, probs, grads) = out.forward_and_grads();
        assert!(!one_hidden_fast_gradients_into(
            case.x.view(),
            case.y.view(),
            case.net(),
            hidden,
            probs,
            grads,
        ));
        assert!(out.bits().iter().all(|&b| f64::from_bits(b).is_nan()));
    }
    // Column-major inputs or outputs.
    let case = Case::random(&mut rng, 10, 2, 3, 2, 1.0);
    let mut x_cols = Array2::<f64>::zeros((10, 2).f());
    x_cols.assign(&case.x);
    let mut out = Pass::for_case(&case);
    assert!(!one_hidden_fast_forward_into(
        x_cols.view(),
        case.net(),
        out.forward_out(),
    ));
    let mut hidden_t = Array2::<f64>::zeros((3, 10));
    assert!(!one_hidden_fast_forward_into(
        case.x.view(),
        case.net(),
        ForwardOut {
            hidden: hidden_t.view_mut().reversed_axes(),
            logits: out.logits.view_mut(),
            probs: out.probs.view_mut(),
        },
    ));
}

#[test]
fn an_empty_batch_gives_zero_gradients() {
    let case = Case::random(&mut Lcg(1), 0, 2, 3, 2, 1.0);
    let out = fast(&case);
    assert!(out.gradient_values().all(|g| g == 0.0));
}

#[test]
#[should_panic(expected = "a label is not one of the 2 classes")]
fn a_label_past_the_classes_panics() {
    let mut case = Case::random(&mut Lcg(2), 10, 2, 3, 2, 1.0);
    case.y[4] = 2;
    fast(&case);
}

#[test]
#[should_panic(expected = "a label is not one of the 3 classes")]
fn a_label_past_three_classes_panics() {
    // With three classes the labels' bitwise OR (3) does not rule out a bad label by itself.
    let mut case = Case::random(&mut Lcg(4), 10, 2, 3, 3, 1.0);
    case.y[7] = 3;
    fast(&case);
}
