//! Beyond the seed: a two-layer ReLU network trained with Adam on three spirals, which no
//! single tanh layer trained by the seed's gradient descent separates well.
//!
//! `cargo run --release -p moons-train --example deeper_network`

use moons_datasets::{make_spirals, stratified_split, RandomState};
use moons_models::{Activation, Init, Mlp};
use moons_train::{accuracy, Optimizer, Trainer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = make_spirals(600, 3, 0.2, &mut RandomState::new(0))?;
    // Hold a quarter out, per class, so the accuracy printed at the end is an honest one.
    // Seed 0 for the split, the weights and the shuffling, as `moons train --seed 0` uses,
    // so this prints the numbers of docs/tutorial.md's spirals run.
    let (train, test) = stratified_split(&data, 0.25, &mut RandomState::new(0))?;

    // He initialisation is the one scaled for ReLU; the seed's `randn / sqrt(n)` is for tanh.
    let mut model = Mlp::new(
        2,
        &[16, 16],
        data.n_classes(),
        Activation::Relu,
        Init::He,
        &mut RandomState::new(0),
    )?;

    // Adam on minibatches of 32 with mean gradients: the step size no longer depends on the
    // data set's size, unlike the seed's summed gradient.
    let trainer = Trainer {
        optimizer: Optimizer::adam(),
        learning_rate: 0.01,
        reg_lambda: 1e-4,
        passes: 400,
        report_every: 100,
        ..Trainer::default()
    };
    trainer.train(&mut model, &train, Some(&test), |e| {
        println!(
            "pass {:>3}: train loss {:.6}, held-out accuracy {:.3}",
            e.pass,
            e.train_loss,
            e.test_accuracy.unwrap_or(f64::NAN)
        );
    })?;

    println!("train accuracy:    {:.3}", accuracy(&model, &train));
    println!("held-out accuracy: {:.3}", accuracy(&model, &test));
    Ok(())
}
