//! The tutorial's figures, one function per figure: titles, options and file names live
//! here once, so the guided tour (`moons`), `moons sweep --plot` and `cargo xtask figures`
//! draw exactly the same pictures.

use std::path::Path;

use moons_datasets::Dataset;
use moons_models::Classifier;

use crate::{BoundaryOptions, LossCurve, LossOptions, Shading, VizError};

/// The data set scatter.
pub const DATA: &str = "moons.png";
/// The logistic-regression boundary.
pub const LOGISTIC_REGRESSION: &str = "logistic_regression.png";
/// The H = 3 boundary.
pub const HIDDEN_3: &str = "hidden_3.png";
/// The H = 3 network's probability of class 1.
pub const HIDDEN_3_PROBABILITY: &str = "hidden_3_probability.png";
/// One boundary per hidden width.
pub const HIDDEN_SIZES: &str = "hidden_sizes.png";
/// The H = 3 run's loss after every pass.
pub const LOSS_CURVE: &str = "loss_curve.png";

/// Every figure of the tutorial, in the order of its steps.
pub const FILES: [&str; 6] = [
    DATA,
    LOGISTIC_REGRESSION,
    HIDDEN_3,
    HIDDEN_3_PROBABILITY,
    HIDDEN_SIZES,
    LOSS_CURVE,
];

/// Step 1: the seed's data.
pub fn data(data: &Dataset, path: &Path) -> Result<(), VizError> {
    crate::plot_data(data, "The data: make_moons(200, noise=0.20)", path)
}

/// Step 2: the logistic-regression baseline.
pub fn logistic_regression(
    model: &dyn Classifier,
    data: &Dataset,
    path: &Path,
) -> Result<(), VizError> {
    crate::plot_decision_boundary(model, data, "Logistic Regression", path)
}

/// Step 3: the H = 3 network's class regions.
pub fn hidden_3(model: &dyn Classifier, data: &Dataset, path: &Path) -> Result<(), VizError> {
    crate::plot_decision_boundary(
        model,
        data,
        "Decision Boundary for hidden layer size 3",
        path,
    )
}

/// Step 3, shaded by the predicted probability instead of the class.
pub fn hidden_3_probability(
    model: &dyn Classifier,
    data: &Dataset,
    path: &Path,
) -> Result<(), VizError> {
    let shaded = BoundaryOptions {
        shading: Shading::Probability,
        ..BoundaryOptions::default()
    };
    crate::plot_decision_boundary_with(
        model,
        data,
        "Hidden layer size 3: probability of class 1",
        &shaded,
        path,
    )
}

/// Step 3's loss after every pass, on a log axis, with the oscillation's two branches.
pub fn loss_curve(losses: &[(usize, f64)], path: &Path) -> Result<(), VizError> {
    let curve = LossCurve {
        label: "H = 3".into(),
        points: losses.to_vec(),
    };
    let options = LossOptions {
        log_scale: true,
        ..LossOptions::default()
    };
    crate::plot_loss_curves_with(
        &[curve],
        "The seed's network (H = 3): loss after every pass",
        &options,
        path,
    )
}

/// Step 4: one panel per `(hidden width, model)`, titled as the seed's figure.
pub fn hidden_sizes(
    runs: &[(usize, &dyn Classifier)],
    data: &Dataset,
    path: &Path,
) -> Result<(), VizError> {
    let panels: Vec<(String, &dyn Classifier)> = runs
        .iter()
        .map(|&(h, model)| (format!("Hidden Layer size {h}"), model))
        .collect();
    crate::plot_boundary_grid(&panels, data, path)
}
