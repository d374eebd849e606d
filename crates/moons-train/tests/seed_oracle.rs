//! Every kernel against the seed's network written plainly (`moons_models::seed`):
//! - the plain version reproduces numpy's per-pass losses (the committed fixture) bit for bit;
//! - the exact kernels give its weights bit for bit, for every hidden width of the seed's
//!   sweep (fused sweeps, layered code, the `dgemv` shapes of H = 1, threads for H = 50);
//! - the fast mode's kernels stay within their documented error of it.

mod common;

use common::fixture;
use moons_datasets::{make_moons, Dataset, RandomState};
use moons_models::seed::SeedModel;
use moons_models::{Gradients, Layer, Mlp, Workspace};
use moons_train::{Fit, SeedNetwork, Trainer};

fn seed_data() -> Dataset {
    make_moons(200, 0.2, true, &mut RandomState::new(0)).unwrap()
}

fn bits<'a>(values: impl IntoIterator<Item = &'a f64>) -> Vec<u64> {
    values.into_iter().map(|v| v.to_bits()).collect()
}

fn as_mlp(m: &SeedModel) -> Mlp {
    let layer = |w: &ndarray::Array2<f64>, b: &ndarray::Array1<f64>| Layer {
        weights: w.clone(),
        bias: b.clone(),
    };
    Mlp::from_layers(
        vec![layer(&m.w1, &m.b1), layer(&m.w2, &m.b2)],
        moons_models::Activation::Tanh,
    )
    .unwrap()
}

#[test]
fn the_plain_seed_prints_numpys_losses_bit_for_bit() {
    let fx = fixture("seed_per_pass.json");
    let expected: Vec<f64> = fx["losses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(fx["hidden"], 3);
    let data = seed_data();
    let mut model = SeedModel::init(2, 3, 2, 0);
    let losses = model.train(data.x(), data.y(), 0.01, 0.01, expected.len());
    if let Some(i) = (0..losses.len()).find(|&i| losses[i].to_bits() != expected[i].to_bits()) {
        panic!("pass {i}: plain {} != numpy {}", losses[i], expected[i]);
    }
}

#[test]
fn the_exact_kernels_give_the_plain_seeds_weights_bit_for_bit() {
    let data = seed_data();
    let passes = 300;
    for hidden in [1, 2, 3, 4, 5, 20, 50] {
        let mut plain = SeedModel::init(2, hidden, 2, 0);
        plain.train(data.x(), data.y(), 0.01, 0.01, passes);
        let fitted = SeedNetwork {
            hidden,
            trainer: Trainer {
                passes,
                ..Trainer::default()
            },
            ..SeedNetwork::default()
        }
        .fit(&data)
        .unwrap();
        let ours = &fitted.model.layers;
        for (name, a, b) in [
            ("W1", bits(&ours[0].weights), bits(&plain.w1)),
            ("b1", bits(&ours[0].bias), bits(&plain.b1)),
            ("W2", bits(&ours[1].weights), bits(&plain.w2)),
            ("b2", bits(&ours[1].bias), bits(&plain.b2)),
        ] {
            assert_eq!(a, b, "H = {hidden}: {name} after {passes} passes");
        }
    }
}

/// The largest difference, relative to the largest magnitude of `b`.
fn relative_gap<'a>(a: impl IntoIterator<Item = &'a f64>, b: &'a ndarray::Array2<f64>) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-300);
    a.into_iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

#[test]
fn the_fast_kernels_stay_within_their_error_of_the_plain_seed() {
    let data = seed_data();
    // H = 3 and 6: the two-class single-precision sweep; 20 and 64: rows in lanes.
    for hidden in [3, 6, 20, 64] {
        let mut plain = SeedModel::init(2, hidden, 2, 0);
        plain.train(data.x(), data.y(), 0.01, 0.01, 50);
        let mlp = as_mlp(&plain);
        let mut ws = Workspace::new(&mlp, data.n_samples());
        ws.set_fast(true);
        let mut grads = Gradients::zeros_like(&mlp);
        mlp.gradients(data.x(), data.y(), 0.01, &mut ws, &mut grads);
        mlp.forward(data.x(), &mut ws);

        let (a1, probs) = plain.forward(data.x());
        let g = plain.gradients(data.x(), data.y(), 0.01);
        // tanh in single precision is within 2e-7 per activation; through the sums the gaps
        // measured up to 4e-7 of the largest value (H = 3, dW2). Ten times the bound per
        // activation leaves room without hiding a wrong kernel (those are off by 1e-2 and more).
        let tolerance = 10.0 * moons_linalg::fast::TANH_MAX_ABS_ERROR;
        for (what, gap) in [
            ("a1", relative_gap(ws.hidden_rows(0, 200).iter(), &a1)),
            ("probs", relative_gap(ws.probs().iter(), &probs)),
            ("dW1", relative_gap(grads.layers[0].weights.iter(), &g.dw1)),
            ("dW2", relative_gap(grads.layers[1].weights.iter(), &g.dw2)),
        ] {
            assert!(
                gap < tolerance,
                "H = {hidden}: {what} differs by {gap:e} (relative)"
            );
        }
    }
}
