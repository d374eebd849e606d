//! The fused one-hidden-layer pass equals the layered kernels bit for bit, on random shapes
//! and inputs (exact mode; the fast mode has its own kernels, tested in `one_hidden_fast.rs`).

use moons_linalg::{one_hidden_forward_into, one_hidden_gradients_into, OneHiddenParams};
use ndarray::{Array1, Array2};

mod common;
use common::{layered, Case, Lcg, Pass};

/// The fused pass, and whether its forward and backward sweeps ran (or declined).
fn fused(x: &Array2<f64>, y: &Array1<usize>, net: OneHiddenParams<'_>) -> (bool, bool, Pass) {
    let (n, d) = x.dim();
    let (h, c) = net.w2.dim();
    let mut out = Pass::new(n, d, h, c);
    let forward = one_hidden_forward_into(x.view(), net, out.forward_out());
    let (hidden, probs, grads) = out.forward_and_grads();
    let backward =
        forward && one_hidden_gradients_into(x.view(), y.view(), net, hidden, probs, grads);
    (forward, backward, out)
}

#[test]
fn fused_pass_equals_the_layered_kernels_on_random_shapes() {
    // On one thread, so that the fused backward sweep never leaves a batch to the threaded
    // layered kernels and every case is compared.
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(random_shapes);
}

fn random_shapes() {
    let mut rng = Lcg(20240611);
    let mut backward_checked = 0;
    for case in 0..400 {
        let d = 1 + rng.below(4);
        let h = 2 + rng.below(39);
        let c = 2 + rng.below(3);
        let n = 2 + rng.below(299);
        // Mostly the seed's scales; now and then weights large enough that logits pass the
        // softmax shift threshold and tanh saturates.
        let scale = if case % 7 == 0 { 400.0 } else { 1.5 };
        let case = Case::random(&mut rng, n, d, h, c, scale);
        let (x, y, net) = (&case.x, &case.y, case.net());
        {
            let reference = layered(x, y, net, false);
            let (forward, backward, got) = fused(x, y, net);
            assert!(forward, "forward declined d={d} h={h} c={c} n={n}");
            // numpy's `Xᵀ · δ2` with one input and two or three hidden units is a `dgemv`,
            // which only the layered kernels mirror.
            assert_eq!(
                backward,
                !(d == 1 && h <= 3),
                "backward d={d} h={h} c={c} n={n}"
            );
            let (want, have) = (reference.bits(), got.bits());
            let forward_len = n * (h + 2 * c);
            assert!(
                want[..forward_len] == have[..forward_len],
                "forward differs: d={d} h={h} c={c} n={n}"
            );
            if backward {
                assert!(want == have, "gradients differ: d={d} h={h} c={c} n={n}");
                backward_checked += 1;
            }
        }
    }
    assert!(backward_checked > 300);
}

#[test]
fn fused_pass_declines_shapes_it_does_not_mirror() {
    let mut rng = Lcg(7);
    for (n, d, h, c) in [
        (10, 2, 1, 2),
        (10, 2, 3, 1),
        (1, 2, 3, 2),
        (10, 5, 3, 2),
        (10, 2, 65, 2),
    ] {
        let x = rng.matrix(n, d, 1.0);
        let w1 = rng.matrix(d, h, 1.0);
        let b1 = Array1::zeros(h);
        let w2 = rng.matrix(h, c, 1.0);
        let b2 = Array1::zeros(c);
        let net = OneHiddenParams {
            w1: w1.view(),
            b1: b1.view(),
            w2: w2.view(),
            b2: b2.view(),
        };
        let y = Array1::zeros(n);
        let (forward, backward, out) = fused(&x, &y, net);
        assert!(!forward && !backward, "n={n} d={d} h={h} c={c}");
        assert!(out.hidden.iter().all(|v| v.is_nan()), "outputs untouched");
    }
}

#[test]
fn large_batches_match_too() {
    // From a pool thread, as a training pass runs them (outside the pool, work this size runs
    // on the calling thread instead).
    rayon::scope(|_| large_batches_match_in_the_pool());
}

fn large_batches_match_in_the_pool() {
    // Large enough for the forward sweep to split rows across threads and the backward sweep
    // to split the hidden units in two (or, below 8 units, to leave the batch to the threaded
    // layered kernels).
    let mut rng = Lcg(99);
    for (n, d, h, c) in [
        (5000, 2, 64, 2),
        (4000, 2, 50, 2),
        (3000, 3, 24, 3),
        (20000, 2, 5, 2),
    ] {
        let case = Case::random(&mut rng, n, d, h, c, 1.0);
        let (x, y, net) = (&case.x, &case.y, case.net());
        {
            let reference = layered(x, y, net, false);
            let (forward, backward, got) = fused(x, y, net);
            assert!(forward);
            assert_eq!(backward, h >= 8, "n={n} h={h}: the backward sweep's choice");
            let compared = if backward {
                reference.bits().len()
            } else {
                n * (h + 2 * c)
            };
            assert!(
                reference.bits()[..compared] == got.bits()[..compared],
                "n={n} d={d} h={h} c={c}: bits differ"
            );
        }
    }
}
