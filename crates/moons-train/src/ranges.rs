//! The allowed range of every numeric setting, shared by the `moons` flags and the
//! playground's JSON keys, so that both refuse the same values with the same words.

use moons_datasets::{MAX_CLASSES, MAX_SAMPLES};
use moons_models::MAX_WIDTH;

use crate::MAX_PASSES;

/// The largest noise accepted: beyond it the points are noise alone, and near f64's range
/// every loss overflows.
pub const MAX_NOISE: f64 = 1e6;

fn integer_in(n: u64, low: usize, high: usize) -> Result<usize, String> {
    match usize::try_from(n) {
        Ok(n) if (low..=high).contains(&n) => Ok(n),
        _ => Err(format!("expected a whole number from {low} to {high}")),
    }
}

fn finite(x: f64) -> Result<f64, String> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err("expected a finite number".into())
    }
}

/// Sample counts: 1 to [`MAX_SAMPLES`].
pub fn samples(n: u64) -> Result<usize, String> {
    integer_in(n, 1, MAX_SAMPLES)
}

/// Layer widths: 1 to [`MAX_WIDTH`].
pub fn width(n: u64) -> Result<usize, String> {
    integer_in(n, 1, MAX_WIDTH)
}

/// Class counts: 2 to [`MAX_CLASSES`].
pub fn classes(n: u64) -> Result<usize, String> {
    integer_in(n, 2, MAX_CLASSES)
}

/// Cross-validation folds: 2 to 1000.
pub fn folds(n: u64) -> Result<usize, String> {
    integer_in(n, 2, 1000)
}

/// Passes: 1 to [`MAX_PASSES`].
pub fn passes(n: u64) -> Result<usize, String> {
    integer_in(n, 1, MAX_PASSES)
}

/// Counts that must be at least one: report intervals, batch sizes, patience.
pub fn at_least_one(n: u64) -> Result<usize, String> {
    integer_in(n, 1, 1_000_000_000)
}

/// Learning rates and standard deviations: finite and positive.
pub fn positive(x: f64) -> Result<f64, String> {
    match finite(x)? {
        x if x > 0.0 => Ok(x),
        _ => Err("expected a finite number > 0".into()),
    }
}

/// Regularisation and decay: finite, zero or more.
pub fn non_negative(x: f64) -> Result<f64, String> {
    match finite(x)? {
        x if x >= 0.0 => Ok(x),
        _ => Err("expected a finite number >= 0".into()),
    }
}

/// Noise: 0 to [`MAX_NOISE`].
pub fn noise(x: f64) -> Result<f64, String> {
    match finite(x)? {
        x if (0.0..=MAX_NOISE).contains(&x) => Ok(x),
        _ => Err(format!("expected a number from 0 to {MAX_NOISE:e}")),
    }
}

/// Blob spreads: above 0, at most [`MAX_NOISE`].
pub fn spread(x: f64) -> Result<f64, String> {
    match finite(x)? {
        x if x > 0.0 && x <= MAX_NOISE => Ok(x),
        _ => Err(format!("expected a number > 0 and at most {MAX_NOISE:e}")),
    }
}

/// Fractions and momentum: in [0, 1).
pub fn fraction(x: f64) -> Result<f64, String> {
    match finite(x)? {
        x if (0.0..1.0).contains(&x) => Ok(x),
        _ => Err("expected a number in [0, 1)".into()),
    }
}

/// The circles' factor: strictly between 0 and 1.
pub fn open_unit(x: f64) -> Result<f64, String> {
    match finite(x)? {
        x if x > 0.0 && x < 1.0 => Ok(x),
        _ => Err("expected a number strictly between 0 and 1".into()),
    }
}
