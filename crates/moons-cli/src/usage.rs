//! Usage errors found after parsing (two flags that name one file, a flag of another
//! command): like clap's own, they exit with code 2.

use std::fmt;

/// A mistake in the command line itself, as opposed to a failure while running it.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Returns early with a [`UsageError`] built like `format!`.
macro_rules! usage {
    ($($arg:tt)*) => {
        return Err(anyhow::Error::new($crate::usage::UsageError(format!($($arg)*))))
    };
}

pub(crate) use usage;
