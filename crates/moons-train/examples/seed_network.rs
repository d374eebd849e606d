//! The seed tutorial's network, trained as a library in a few lines.
//!
//! `cargo run --release -p moons-train --example seed_network`

use moons_datasets::{make_moons, RandomState};
use moons_train::SeedNetwork;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `np.random.seed(0)` then `make_moons(200, noise=0.20)`: the same stream numpy draws,
    // so these are the tutorial's very points.
    let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;

    // The default is the seed's `build_model(3, print_loss=True)`: H = 3, lr = λ = 0.01,
    // 20000 passes. The callback sees each report as it happens, so the table streams.
    let fitted = SeedNetwork::default().fit_with(&data, |r| {
        println!("Loss after iteration {}: {:.6}", r.pass, r.loss);
    })?;
    println!("training accuracy: {}", fitted.train_accuracy);

    // The seed's step size sits at the edge of stability: the run ends alternating between
    // two losses, which is why printed tables can disagree from iteration 2000 on.
    if let Some((even, odd)) = fitted.history.period_two() {
        println!(
            "period-2 oscillation: pass {} -> {:.12}, pass {} -> {:.12}",
            even.pass, even.loss, odd.pass, odd.loss
        );
    }
    Ok(())
}
