//! Errors from building, loading or applying a model.

use thiserror::Error;

/// What went wrong with a model or its input.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ModelError {
    /// The input has a different number of feature columns than the model was built for.
    #[error("the model expects {expected} feature columns but the data has {found}")]
    FeatureMismatch {
        /// Columns the model was trained on.
        expected: usize,
        /// Columns in the data given.
        found: usize,
    },
    /// A label is outside the model's classes.
    #[error("label {label} is outside the model's {n_classes} classes (0..{n_classes})")]
    LabelOutOfRange {
        /// The offending label.
        label: usize,
        /// How many classes the model has.
        n_classes: usize,
    },
    /// A structural parameter is outside its allowed range.
    #[error("invalid {name} {value}: expected {allowed}")]
    InvalidParameter {
        /// The parameter (and CLI flag) name.
        name: &'static str,
        /// The rejected value.
        value: String,
        /// What would have been accepted.
        allowed: String,
    },
}
