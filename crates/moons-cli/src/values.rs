//! Value parsers for numeric flags: a value out of range is a usage error (exit 2) whose
//! message names the flag, the value and what is allowed, before any work starts.

use moons_train::ranges;

fn integer(s: &str) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .map_err(|_| format!("expected a whole number, not '{s}'"))
}

fn number(s: &str) -> Result<f64, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("expected a number, not '{s}'"))
}

/// Sample counts: see [`ranges::samples`].
pub fn samples(s: &str) -> Result<usize, String> {
    ranges::samples(integer(s)?)
}

/// Layer widths: see [`ranges::width`].
pub fn width(s: &str) -> Result<usize, String> {
    ranges::width(integer(s)?)
}

/// Class counts: see [`ranges::classes`].
pub fn classes(s: &str) -> Result<usize, String> {
    ranges::classes(integer(s)?)
}

/// Cross-validation folds: see [`ranges::folds`].
pub fn folds(s: &str) -> Result<usize, String> {
    ranges::folds(integer(s)?)
}

/// Passes: see [`ranges::passes`].
pub fn passes(s: &str) -> Result<usize, String> {
    ranges::passes(integer(s)?)
}

/// Report intervals, batch sizes, patience: see [`ranges::at_least_one`].
pub fn at_least_one(s: &str) -> Result<usize, String> {
    ranges::at_least_one(integer(s)?)
}

/// Learning rates and standard deviations: see [`ranges::positive`].
pub fn positive(s: &str) -> Result<f64, String> {
    ranges::positive(number(s)?)
}

/// Regularisation and decay: see [`ranges::non_negative`].
pub fn non_negative(s: &str) -> Result<f64, String> {
    ranges::non_negative(number(s)?)
}

/// Noise: see [`ranges::noise`].
pub fn noise(s: &str) -> Result<f64, String> {
    ranges::noise(number(s)?)
}

/// Blob spreads: see [`ranges::spread`].
pub fn spread(s: &str) -> Result<f64, String> {
    ranges::spread(number(s)?)
}

/// Figure files: the format follows the extension, `.png` or `.svg` (any case).
pub fn figure_path(s: &str) -> Result<std::path::PathBuf, String> {
    let path = std::path::PathBuf::from(s);
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("png") || ext.eq_ignore_ascii_case("svg") => Ok(path),
        _ => Err("figures are written as .png or .svg: end the file name with one of them".into()),
    }
}

/// Animations: `.gif` files.
pub fn gif_path(s: &str) -> Result<std::path::PathBuf, String> {
    let path = std::path::PathBuf::from(s);
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("gif") => Ok(path),
        _ => Err("animations are written as .gif: end the file name with .gif".into()),
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

/// Fractions and momentum: see [`ranges::fraction`].
pub fn fraction(s: &str) -> Result<f64, String> {
    ranges::fraction(number(s)?)
}

/// The circles' factor: see [`ranges::open_unit`].
pub fn open_unit(s: &str) -> Result<f64, String> {
    ranges::open_unit(number(s)?)
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
