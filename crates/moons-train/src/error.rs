//! Errors from validating parameters or training.

use moons_datasets::DatasetError;
use moons_models::ModelError;
use thiserror::Error;

/// What stopped a training run.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum TrainError {
    /// A hyper-parameter is outside its allowed range.
    #[error("invalid {name} {value}: expected {allowed}")]
    InvalidParameter {
        /// The parameter (and CLI flag) name.
        name: &'static str,
        /// The rejected value.
        value: String,
        /// What would have been accepted.
        allowed: String,
    },
    /// The loss or a gradient stopped being a finite number.
    #[error("training diverged at pass {pass}: the {what} is not finite; try a smaller learning rate (--lr)")]
    NonFinite {
        /// The pass (0-based) at which it happened.
        pass: usize,
        /// "loss" or "gradient".
        what: &'static str,
    },
    /// The data set cannot be trained on.
    #[error(transparent)]
    Data(#[from] DatasetError),
    /// The model does not fit the data.
    #[error(transparent)]
    Model(#[from] ModelError),
}

pub(crate) fn invalid(
    name: &'static str,
    value: impl ToString,
    allowed: impl Into<String>,
) -> TrainError {
    TrainError::InvalidParameter {
        name,
        value: value.to_string(),
        allowed: allowed.into(),
    }
}
