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
    /// A file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        message: String,
    },
    /// A CSV file is wrong as a whole (empty, no data rows, a single class, ...).
    #[error("{path}: {message}")]
    CsvFile {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A CSV row is wrong (ragged, not text).
    #[error("{path}, line {line}: {message}")]
    CsvRow {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A CSV field is wrong (not a number, not finite, not a valid label).
    #[error("{path}, line {line}, column {column}: {message}")]
    CsvField {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// 1-based column number.
        column: usize,
        /// What is wrong.
        message: String,
    },
}
