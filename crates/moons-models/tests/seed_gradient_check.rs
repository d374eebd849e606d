//! Backpropagation of the seed network against central finite differences of its loss.

use moons_datasets::{make_moons, RandomState};
use moons_models::{Activation, Gradients, Mlp, Workspace};

/// Relative error of backprop's gradient against `(L(w + h) - L(w - h)) / 2h`, worst entry.
fn worst_relative_error(hidden: usize, seed: u32) -> f64 {
    let data = make_moons(40, 0.2, true, &mut RandomState::new(seed)).unwrap();
    let (x, y) = (data.x(), data.y());
    let reg = 0.01;
    let mut model = Mlp::seed_init(
        2,
        &[hidden],
        2,
        Activation::Tanh,
        &mut RandomState::new(seed),
    );
    let mut ws = Workspace::new(&model, data.n_samples());
    let mut grads = Gradients::zeros_like(&model);
    model.forward(x, &mut ws);
    model.backward(x, y, reg, &mut ws, &mut grads);
    // backward gives the gradient of N·L (the seed's summed convention).
    let n = data.n_samples() as f64;

    let h = 1e-6;
    let mut worst: f64 = 0.0;
    for l in 0..model.layers.len() {
        let n_weights = model.layers[l].weights.len();
        for k in 0..n_weights + model.layers[l].bias.len() {
            let analytic = if k < n_weights {
                grads.layers[l].weights.as_slice().unwrap()[k]
            } else {
                grads.layers[l].bias[k - n_weights]
            };
            let mut loss_at = |delta: f64| {
                let layer = &mut model.layers[l];
                let slot = if k < n_weights {
                    &mut layer.weights.as_slice_mut().unwrap()[k]
                } else {
                    &mut layer.bias[k - n_weights]
                };
                let saved = *slot;
                *slot = saved + delta;
                let loss = model.loss(x, y, reg, &mut ws);
                let layer = &mut model.layers[l];
                let slot = if k < n_weights {
                    &mut layer.weights.as_slice_mut().unwrap()[k]
                } else {
                    &mut layer.bias[k - n_weights]
                };
                *slot = saved;
                loss
            };
            let numeric = n * (loss_at(h) - loss_at(-h)) / (2.0 * h);
            let scale = analytic.abs().max(numeric.abs()).max(1e-3);
            worst = worst.max((analytic - numeric).abs() / scale);
        }
    }
    worst
}

#[test]
fn backprop_matches_finite_differences() {
    for (hidden, seed) in [(1, 0), (3, 0), (3, 7), (5, 1), (20, 2)] {
        let err = worst_relative_error(hidden, seed);
        assert!(
            err < 1e-6,
            "H = {hidden}, seed {seed}: relative error {err:e}"
        );
    }
}
