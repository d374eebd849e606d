//! Figures for the moons workbench: data scatter, decision boundaries, the hidden-size sweep
//! and loss curves, drawn with plotters and an embedded font.
//!
//! Every figure is a PNG, or an SVG when the path ends in `.svg`; it is written to a temporary
//! file beside the target and renamed into place, and the same inputs give the same bytes.
//! Text is rendered from DejaVu Sans compiled into the crate, so no system font is needed.
//!
//! ```no_run
//! use moons_datasets::{make_moons, RandomState};
//! use moons_models::{Activation, Mlp};
//! use std::path::Path;
//!
//! let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
//! let model = Mlp::seed_init(2, &[3], 2, Activation::Tanh, &mut RandomState::new(0));
//! moons_viz::plot_data(&data, "The two moons", Path::new("moons.png"))?;
//! moons_viz::plot_decision_boundary(&model, &data, "Untrained network", Path::new("untrained.svg"))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod backend;
mod boundary;
mod error;
mod font;
pub mod grid;
mod log_axis;
mod loss;
pub mod palette;
mod panel;
mod scatter;
mod style;

use std::path::Path;

use moons_datasets::Dataset;
use moons_models::Classifier;

pub use backend::{Format, MAX_SIDE};
pub use boundary::{
    plot_boundary_grid_with, plot_decision_boundary_with, BoundaryOptions, Shading,
};
pub use error::VizError;
pub use loss::{plot_loss_curves_with, LossOptions};
pub use scatter::plot_data_sized;

/// One named loss curve: `(pass, loss)` points.
#[derive(Clone, Debug, PartialEq)]
pub struct LossCurve {
    /// Legend label.
    pub label: String,
    /// `(pass, loss)` in pass order.
    pub points: Vec<(usize, f64)>,
}

/// Scatter of `data`, coloured by class, titled `title`; PNG, or SVG when `path` ends in `.svg`.
pub fn plot_data(data: &Dataset, title: &str, path: &Path) -> Result<(), VizError> {
    plot_data_sized(data, title, (800, 620), path)
}

/// The seed's `plot_decision_boundary`: class regions of `model` over the data's range padded
/// by 0.5 on a 0.01 grid, the points on top, `title` above.
pub fn plot_decision_boundary(
    model: &dyn Classifier,
    data: &Dataset,
    title: &str,
    path: &Path,
) -> Result<(), VizError> {
    plot_decision_boundary_with(model, data, title, &BoundaryOptions::default(), path)
}

/// A grid of decision-boundary panels, one per `(title, model)`.
pub fn plot_boundary_grid(
    panels: &[(String, &dyn Classifier)],
    data: &Dataset,
    path: &Path,
) -> Result<(), VizError> {
    plot_boundary_grid_with(panels, data, &BoundaryOptions::default(), path)
}

/// Loss against pass for one or several runs, with a second panel zooming on the last 40
/// passes (even and odd passes marked apart).
pub fn plot_loss_curves(
    curves: &[LossCurve],
    title: &str,
    log_scale: bool,
    path: &Path,
) -> Result<(), VizError> {
    let options = LossOptions {
        log_scale,
        ..LossOptions::default()
    };
    plot_loss_curves_with(curves, title, &options, path)
}
