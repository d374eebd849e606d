//! Figures for the moons workbench: data scatter, decision boundaries, the hidden-size sweep
//! and loss curves, drawn with plotters and an embedded font.
//!
//! (Interface fixed; the drawing is being filled in by the figures work.)
#![warn(missing_docs)]

use std::path::Path;

use moons_datasets::Dataset;
use moons_models::Classifier;
use thiserror::Error;

/// Why a figure could not be drawn or written.
#[derive(Debug, Error)]
pub enum VizError {
    /// The drawing backend failed.
    #[error("cannot draw {path}: {message}")]
    Draw {
        /// The figure being written.
        path: String,
        /// What the backend said.
        message: String,
    },
}

/// One named loss curve: `(pass, loss)` points.
#[derive(Clone, Debug, PartialEq)]
pub struct LossCurve {
    /// Legend label.
    pub label: String,
    /// `(pass, loss)` in pass order.
    pub points: Vec<(usize, f64)>,
}

/// Scatter of `data`, coloured by class, titled `title`; PNG, or SVG when `path` ends in `.svg`.
pub fn plot_data(_data: &Dataset, _title: &str, path: &Path) -> Result<(), VizError> {
    not_yet(path)
}

/// The seed's `plot_decision_boundary`: class regions of `model` over the data's range padded
/// by 0.5 on a 0.01 grid, the points on top, `title` above.
pub fn plot_decision_boundary(
    _model: &dyn Classifier,
    _data: &Dataset,
    _title: &str,
    path: &Path,
) -> Result<(), VizError> {
    not_yet(path)
}

/// A grid of decision-boundary panels, one per `(title, model)`.
pub fn plot_boundary_grid(
    _panels: &[(String, &dyn Classifier)],
    _data: &Dataset,
    path: &Path,
) -> Result<(), VizError> {
    not_yet(path)
}

/// Loss against pass for one or several runs.
pub fn plot_loss_curves(_curves: &[LossCurve], _title: &str, _log_scale: bool, path: &Path) -> Result<(), VizError> {
    not_yet(path)
}

fn not_yet(path: &Path) -> Result<(), VizError> {
    Err(VizError::Draw {
        path: path.display().to_string(),
        message: "figures are not implemented yet".into(),
    })
}
