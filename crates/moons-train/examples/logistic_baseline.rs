//! The tutorial's baseline: scikit-learn's `LogisticRegressionCV()` on the moons. A linear
//! model can only draw a straight boundary, so it stops near 85% however `C` is chosen;
//! that gap is what the network closes.
//!
//! `cargo run --release -p moons-train --example logistic_baseline`

use moons_datasets::{make_moons, RandomState};
use moons_train::{Fit, LogisticRegressionCv};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;

    // The defaults are scikit-learn's: ten `C` from 1e-4 to 1e4, five stratified folds,
    // accuracy scoring, then a refit on all the data at the best `C`.
    let fitted = LogisticRegressionCv::default().fit(&data)?;
    for warning in &fitted.warnings {
        eprintln!("warning: {warning}");
    }

    let model = &fitted.refit.model;
    println!("chosen C:  {}", fitted.c);
    println!("coef:      {}", model.coef());
    println!("intercept: {}", model.intercept());
    println!("accuracy:  {}", fitted.refit.train_accuracy);
    Ok(())
}
