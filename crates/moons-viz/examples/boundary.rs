//! Train a small network, then draw its decision boundary.
//!
//! `cargo run --release -p moons-viz --example boundary`
//!
//! moons-viz itself never depends on moons-train: a figure takes any `Classifier`. The
//! training here comes from a dev-dependency, as it would in an application using both.

use moons_datasets::{make_moons, RandomState};
use moons_train::SeedNetwork;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
    let fitted = SeedNetwork::default().fit_with(&data, |_| {})?;

    // A temporary directory, so running the example never litters the working tree.
    let path = std::env::temp_dir().join("moons_boundary_h3.png");
    let title = format!("Hidden layer size 3, accuracy {:.3}", fitted.train_accuracy);
    moons_viz::plot_decision_boundary(&fitted.model, &data, &title, &path)?;
    println!("{}", path.display());
    Ok(())
}
