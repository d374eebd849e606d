//! Errors from generating, reading or splitting data.

use thiserror::Error;

/// What went wrong while making or checking a data set.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum DatasetError {
    /// A generator parameter is outside its allowed range.
    #[error("invalid {name} {value}: expected {allowed}")]
    InvalidParameter {
        /// The parameter (and CLI flag) name.
        name: &'static str,
        /// The rejected value, as given.
        value: String,
        /// What would have been accepted.
        allowed: String,
    },
    /// Features and labels disagree on the number of samples.
    #[error("{rows} feature rows but {labels} labels")]
    LengthMismatch {
        /// Rows in the feature matrix.
        rows: usize,
        /// Entries in the label vector.
        labels: usize,
    },
}
