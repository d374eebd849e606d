//! Value parsers for numeric flags: a value out of range is a usage error (exit 2) whose
//! message names the flag, the value and what is allowed, before any work starts.

use moons_datasets::{MAX_CLASSES, MAX_SAMPLES};
use moons_models::MAX_WIDTH;
use moons_train::MAX_PASSES;

fn integer(s: &str) -> Result<usize, String> {
    s.trim()
        .parse::<usize>()
        .map_err(|_| format!("expected a whole number, not '{s}'"))
}

fn number(s: &str) -> Result<f64, String> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("expected a number, not '{s}'"))?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err("expected a finite number".into())
    }
}

fn integer_in(s: &str, low: usize, high: usize) -> Result<usize, String> {
    let n = integer(s)?;
    if (low..=high).contains(&n) {
        Ok(n)
    } else {
        Err(format!("expected a whole number from {low} to {high}"))
    }
}

/// Sample counts: 1 to [`MAX_SAMPLES`].
pub fn samples(s: &str) -> Result<usize, String> {
    integer_in(s, 1, MAX_SAMPLES)
}

/// Layer widths: 1 to [`MAX_WIDTH`].
pub fn width(s: &str) -> Result<usize, String> {
    integer_in(s, 1, MAX_WIDTH)
}

/// Class counts: 2 to [`MAX_CLASSES`].
pub fn classes(s: &str) -> Result<usize, String> {
    integer_in(s, 2, MAX_CLASSES)
}

/// Cross-validation folds: at least 2.
pub fn folds(s: &str) -> Result<usize, String> {
    integer_in(s, 2, 1000)
}

/// Passes: 1 to [`MAX_PASSES`].
pub fn passes(s: &str) -> Result<usize, String> {
    integer_in(s, 1, MAX_PASSES)
}

/// Counts that must be at least one: report intervals, batch sizes, patience.
pub fn at_least_one(s: &str) -> Result<usize, String> {
    integer_in(s, 1, 1_000_000_000)
}

/// Learning rates and standard deviations that must be positive.
pub fn positive(s: &str) -> Result<f64, String> {
    let x = number(s)?;
    if x > 0.0 {
        Ok(x)
    } else {
        Err("expected a finite number > 0".into())
    }
}

/// Noise, regularisation and decay: zero or more.
pub fn non_negative(s: &str) -> Result<f64, String> {
    let x = number(s)?;
    if x >= 0.0 {
        Ok(x)
    } else {
        Err("expected a finite number >= 0".into())
    }
}

/// The largest noise accepted: beyond it the points are noise alone, and near f64's range
/// every loss overflows.
pub const MAX_NOISE: f64 = 1e6;

/// Noise: 0 to [`MAX_NOISE`].
pub fn noise(s: &str) -> Result<f64, String> {
    let x = number(s)?;
    if (0.0..=MAX_NOISE).contains(&x) {
        Ok(x)
    } else {
        Err(format!("expected a number from 0 to {MAX_NOISE:e}"))
    }
}

/// Blob spreads: above 0, at most [`MAX_NOISE`].
pub fn spread(s: &str) -> Result<f64, String> {
    let x = number(s)?;
    if x > 0.0 && x <= MAX_NOISE {
        Ok(x)
    } else {
        Err(format!("expected a number > 0 and at most {MAX_NOISE:e}"))
    }
}

/// Figure files: the format follows the extension, `.png` or `.svg` (any case).
pub fn figure_path(s: &str) -> Result<std::path::PathBuf, String> {
    let path = std::path::PathBuf::from(s);
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("png") || ext.eq_ignore_ascii_case("svg") => Ok(path),
        _ => Err("figures are written as .png or .svg: end the file name with one of them".into()),
    }
}

/// CSV field separators.
pub fn delimiter(s: &str) -> Result<char, String> {
    match s {
        "," | "comma" => Ok(','),
        ";" | "semicolon" => Ok(';'),
        "tab" | "\t" | "\\t" => Ok('\t'),
        _ => Err("expected , or ; or tab".into()),
    }
}

/// Fractions and momentum: in [0, 1).
pub fn fraction(s: &str) -> Result<f64, String> {
    let x = number(s)?;
    if (0.0..1.0).contains(&x) {
        Ok(x)
    } else {
        Err("expected a number in [0, 1)".into())
    }
}

/// The circles' factor: strictly between 0 and 1.
pub fn open_unit(s: &str) -> Result<f64, String> {
    let x = number(s)?;
    if x > 0.0 && x < 1.0 {
        Ok(x)
    } else {
        Err("expected a number strictly between 0 and 1".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_enforced_with_a_reason() {
        assert_eq!(samples("200"), Ok(200));
        assert!(samples("0").unwrap_err().contains("from 1 to"));
        assert!(samples("-3").unwrap_err().contains("whole number"));
        assert!(positive("0").is_err());
        assert!(positive("nan").unwrap_err().contains("finite"));
        assert!(positive("inf").is_err());
        assert_eq!(non_negative("0"), Ok(0.0));
        assert!(non_negative("-0.1").is_err());
        assert!(fraction("1").is_err());
        assert_eq!(fraction("0.25"), Ok(0.25));
        assert!(open_unit("0").is_err());
        assert!(open_unit("1").is_err());
        assert!(width("0").is_err());
        assert!(classes("1").is_err());
        assert!(folds("1").is_err());
        assert!(at_least_one("abc").unwrap_err().contains("'abc'"));
        assert!(noise("1e308").unwrap_err().contains("from 0 to 1e6"));
        assert_eq!(noise("1e6"), Ok(1e6));
        assert!(figure_path("a.PNG").is_ok() && figure_path("b.svg").is_ok());
        assert!(figure_path("c.jpg").unwrap_err().contains(".png or .svg"));
        assert!(figure_path("plot").is_err());
    }
}
