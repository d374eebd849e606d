//! `moons train`: the seed's network, its loss table and accuracy.

use anyhow::Result;
use moons_train::{FittedNetwork, SeedNetwork};

use crate::args::TrainArgs;

pub fn run(args: &TrainArgs) -> Result<()> {
    let data = super::load_data(&args.data)?;
    let params = SeedNetwork {
        hidden: args.hidden,
        init_seed: args.data.seed,
        learning_rate: args.lr,
        reg_lambda: args.reg,
        passes: args.passes,
        report_every: args.print_every,
    };
    let fitted = params.fit_with(&data, |r| println!("Loss after iteration {}: {:.6}", r.pass, r.loss))?;
    println!("Training accuracy: {}", fitted.train_accuracy);
    print_oscillation(&fitted, is_seed_run(args));
    Ok(())
}

/// True for the tutorial's own settings, whose published table we can compare with.
fn is_seed_run(args: &TrainArgs) -> bool {
    let d = &args.data;
    d.samples == 200 && d.noise == 0.2 && d.seed == 0 && args.hidden == 3 && args.lr == 0.01 && args.reg == 0.01
}

/// Says so when the run ends in a period-2 oscillation, with both branches.
pub fn print_oscillation(fitted: &FittedNetwork, seed_run: bool) {
    let Some((even, odd)) = fitted.history.period_two() else {
        return;
    };
    println!(
        "The loss now alternates between {:.6} (even passes) and {:.6} (odd passes): \
         a period-2 oscillation of full-batch gradient descent.",
        even.loss, odd.loss
    );
    if seed_run {
        println!(
            "The tutorial's printed table shows the other branch of the same oscillation; \
             see docs/oscillation.md."
        );
    }
}
