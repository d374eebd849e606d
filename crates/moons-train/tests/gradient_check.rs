//! Backpropagation against central finite differences for every activation, depths 1-3 and
//! 2-4 classes, under both gradient conventions.

use moons_datasets::RandomState;
use moons_models::{Activation, Gradients, Init, Mlp, Workspace};
use ndarray::{Array1, Array2};

const REG: f64 = 0.05;
const H: f64 = 1e-6;

fn data(n: usize, features: usize, classes: usize, seed: u32) -> (Array2<f64>, Array1<usize>) {
    let mut rng = RandomState::new(seed);
    let x = Array2::from_shape_fn((n, features), |_| rng.standard_normal());
    let y = Array1::from_shape_fn(n, |i| i % classes);
    (x, y)
}

/// Worst `|analytic - numeric| / max(1e-4, |analytic| + |numeric|)` over all parameters, where
/// `analytic` is `backward / N` (the Mean convention's gradient) and `numeric` the central
/// difference of the mean loss.
fn worst_error(activation: Activation, hidden: &[usize], classes: usize) -> f64 {
    let (x, y) = data(17, 3, classes, 11);
    let init = if matches!(activation, Activation::Relu | Activation::LeakyRelu) {
        Init::He
    } else {
        Init::Xavier
    };
    let mut model = Mlp::new(
        3,
        hidden,
        classes,
        activation,
        init,
        &mut RandomState::new(3),
    )
    .unwrap();
    // Non-zero biases, so that a zero bias cannot hide a bias-gradient bug.
    let mut rng = RandomState::new(5);
    for layer in &mut model.layers {
        layer.bias.mapv_inplace(|_| 0.1 * rng.standard_normal());
    }
    let mut ws = Workspace::new(&model, x.nrows());
    let mut grads = Gradients::zeros_like(&model);
    model.forward(x.view(), &mut ws);
    model.backward(x.view(), y.view(), REG, &mut ws, &mut grads);
    grads.scale(1.0 / x.nrows() as f64);
    let analytic = grads.flat();

    let mut worst: f64 = 0.0;
    let mut k = 0;
    for l in 0..model.layers.len() {
        let sizes = (model.layers[l].weights.len(), model.layers[l].bias.len());
        for i in 0..sizes.0 + sizes.1 {
            let mut loss_at = |delta: f64| {
                let mut m = model.clone();
                let layer = &mut m.layers[l];
                let p = if i < sizes.0 {
                    layer.weights.iter_mut().nth(i).unwrap()
                } else {
                    layer.bias.iter_mut().nth(i - sizes.0).unwrap()
                };
                *p += delta;
                m.loss(x.view(), y.view(), REG, &mut ws)
            };
            let numeric = (loss_at(H) - loss_at(-H)) / (2.0 * H);
            let a = analytic[k];
            worst = worst.max((a - numeric).abs() / (a.abs() + numeric.abs()).max(1e-4));
            k += 1;
        }
    }
    assert_eq!(k, analytic.len());
    worst
}

#[test]
fn backprop_matches_finite_differences_for_every_activation_depth_and_class_count() {
    let depths: [&[usize]; 3] = [&[5], &[5, 4], &[5, 4, 3]];
    for activation in Activation::ALL {
        for hidden in depths {
            for classes in 2..=4 {
                let err = worst_error(activation, hidden, classes);
                assert!(
                    err < 1e-5,
                    "{activation} {hidden:?} {classes} classes: relative error {err:e}"
                );
            }
        }
    }
}

#[test]
fn summed_gradient_is_batch_size_times_the_mean() {
    let (x, y) = data(10, 2, 3, 1);
    let model = Mlp::new(
        2,
        &[4],
        3,
        Activation::Tanh,
        Init::Xavier,
        &mut RandomState::new(0),
    )
    .unwrap();
    let mut ws = Workspace::new(&model, 10);
    let mut sum = Gradients::zeros_like(&model);
    model.forward(x.view(), &mut ws);
    model.backward(x.view(), y.view(), REG, &mut ws, &mut sum);
    let mut mean = sum.clone();
    mean.scale(0.1);
    for (s, m) in sum.flat().iter().zip(mean.flat()) {
        assert!((s * 0.1 - m).abs() <= 1e-15 * s.abs().max(1.0));
    }
}
