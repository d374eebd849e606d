//! Why a figure could not be made.

use moons_models::ModelError;
use thiserror::Error;

/// Why a figure could not be drawn or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum VizError {
    /// The drawing backend failed.
    #[error("cannot draw {path}: {message}")]
    Draw {
        /// The figure being written.
        path: String,
        /// What the backend said.
        message: String,
    },
    /// The finished figure could not be written to disk (the cause is the error's `source`).
    #[error("cannot write {path}")]
    Io {
        /// The figure being written.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The data or curves handed in cannot be plotted.
    #[error("cannot plot {what}: {reason}")]
    InvalidInput {
        /// What was being plotted ("data", "loss curve ...").
        what: String,
        /// Why not, and what would work.
        reason: String,
    },
    /// The model does not take the data's features.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The embedded font could not be loaded (a build problem, not a user one).
    #[error("the embedded font could not be loaded")]
    Font,
}

pub(crate) fn invalid(what: impl Into<String>, reason: impl Into<String>) -> VizError {
    VizError::InvalidInput {
        what: what.into(),
        reason: reason.into(),
    }
}
