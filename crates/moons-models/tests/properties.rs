//! Properties of the network that hold for any weights and inputs.

use moons_datasets::RandomState;
use moons_models::{Activation, Classifier, Mlp};
use ndarray::{s, Array2};
use proptest::prelude::*;

fn network(
    seed: u32,
    hidden: Vec<usize>,
    classes: usize,
    activation: Activation,
    scale: f64,
) -> Mlp {
    let mut model = Mlp::seed_init(2, &hidden, classes, activation, &mut RandomState::new(seed));
    for layer in &mut model.layers {
        layer.weights.mapv_inplace(|w| w * scale);
    }
    model
}

fn points(seed: u32, n: usize, spread: f64) -> Array2<f64> {
    let mut rng = RandomState::new(seed);
    Array2::from_shape_fn((n, 2), |_| rng.normal(0.0, spread))
}

fn activation() -> impl Strategy<Value = Activation> {
    prop::sample::select(Activation::ALL.to_vec())
}

proptest! {
    #[test]
    fn probabilities_are_finite_and_rows_sum_to_one(
        seed in any::<u32>(),
        hidden in prop::collection::vec(1usize..12, 1..4),
        classes in 2usize..6,
        act in activation(),
        // Up to weights a thousand times the usual size: logits far past exp's overflow.
        scale in prop::sample::select(vec![1.0, 30.0, 1000.0]),
        spread in prop::sample::select(vec![1.0, 100.0]),
    ) {
        let model = network(seed, hidden, classes, act, scale);
        let probs = model.predict_proba(points(seed, 50, spread).view());
        for row in probs.rows() {
            prop_assert!(row.iter().all(|p| p.is_finite() && *p >= 0.0));
            prop_assert!((row.sum() - 1.0).abs() < 1e-12, "row sums to {}", row.sum());
        }
    }

    #[test]
    fn predictions_do_not_depend_on_batch_splitting(
        seed in any::<u32>(),
        hidden in prop::collection::vec(1usize..12, 1..4),
        act in activation(),
        split in 1usize..59,
    ) {
        let model = network(seed, hidden, 3, act, 1.0);
        let x = points(seed, 60, 1.5);
        let whole = model.predict_proba(x.view());
        let head = model.predict_proba(x.slice(s![..split, ..]));
        let tail = model.predict_proba(x.slice(s![split.., ..]));
        prop_assert_eq!(whole.slice(s![..split, ..]), head);
        prop_assert_eq!(whole.slice(s![split.., ..]), tail);
    }
}
