//! Figures for the moons workbench: data scatter, decision boundaries, the hidden-size sweep
//! and loss curves, drawn with plotters and an embedded font.
//!
//! This crate sits beside `moons-train`, not above it: it depends on `moons-models` and
//! `moons-datasets` only, and a figure takes any [`Classifier`] (a trained
//! [`Mlp`](moons_models::Mlp), a [`LogisticRegression`](moons_models::LogisticRegression), or
//! your own model), so plotting never pulls in the trainer. The `moons` command and
//! `cargo xtask figures` combine the two.
//!
//! Every figure is a PNG, or an SVG when the path ends in `.svg` ([`Format::for_path`]); it is
//! written to a temporary file beside the target and renamed into place, and the same inputs
//! give the same bytes. Text is rendered from DejaVu Sans compiled into the crate, so no
//! system font is needed. Failures (an unwritable path, a size over [`MAX_SIDE`], a model
//! that does not fit the data) are a [`VizError`].
//!
//! - [`plot_data`] / [`plot_data_sized`]: the data coloured by class;
//! - [`plot_decision_boundary`] / [`plot_decision_boundary_with`]: the seed's
//!   `plot_decision_boundary`, with [`BoundaryOptions`] for the grid, size and [`Shading`]
//!   (predicted class or probability bands);
//! - [`plot_boundary_grid`] / [`plot_boundary_grid_with`]: one panel per model, as in the
//!   seed's hidden-size sweep;
//! - [`plot_loss_curves`] / [`plot_loss_curves_with`]: [`LossCurve`]s against the pass, with
//!   a zoom on the last passes that shows the seed's period-2 oscillation ([`LossOptions`]);
//! - [`grid`]: the evaluation grid (numpy's `arange` and `meshgrid`) and batched predictions
//!   on it, for drawing with something else; [`palette`]: the colours.
//!
//! ```
//! use moons_datasets::{make_moons, RandomState};
//! use moons_models::{Activation, Mlp};
//! use moons_viz::{BoundaryOptions, LossCurve, Shading};
//!
//! let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
//! // Any `Classifier` will do; an untrained seed network keeps this example quick.
//! let model = Mlp::seed_init(2, &[3], 2, Activation::Tanh, &mut RandomState::new(0));
//!
//! let dir = tempfile::tempdir()?;
//! moons_viz::plot_data(&data, "The two moons", &dir.path().join("moons.png"))?;
//! moons_viz::plot_decision_boundary(&model, &data, "Untrained", &dir.path().join("h3.svg"))?;
//!
//! // Probability bands on a coarser grid, in a smaller figure.
//! let options = BoundaryOptions {
//!     step: 0.05,
//!     shading: Shading::Probability,
//!     size: (400, 310),
//!     ..BoundaryOptions::default()
//! };
//! let path = dir.path().join("h3_probability.png");
//! moons_viz::plot_decision_boundary_with(&model, &data, "Probability", &options, &path)?;
//!
//! let curve = LossCurve { label: "H = 3".into(), points: vec![(0, 0.43), (1, 0.30), (2, 0.25)] };
//! moons_viz::plot_loss_curves(&[curve], "Loss", false, &dir.path().join("loss.png"))?;
//! assert!(std::fs::metadata(dir.path().join("loss.png"))?.len() > 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod animation;
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
pub mod tutorial;

use std::path::Path;

use moons_datasets::Dataset;
use moons_models::Classifier;

pub use animation::{animate_boundaries, save_animation, FRAME_DELAY_MS, MAX_FRAMES};
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
