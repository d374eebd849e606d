//! The grid of `C` values cross-validation tries.

use moons_datasets::linspace;

use crate::error::invalid;
use crate::TrainError;

/// scikit-learn's `Cs`: a count (meaning `np.logspace(-4, 4, count)`) or explicit values.
#[derive(Clone, Debug, PartialEq)]
pub enum Cs {
    /// `np.logspace(-4, 4, count)`; scikit-learn's default is 10.
    Count(usize),
    /// These values, in this order (ties in the mean score go to the first).
    List(Vec<f64>),
}

impl Default for Cs {
    fn default() -> Self {
        Cs::Count(10)
    }
}

impl Cs {
    /// The values, checked: at least one, each finite and positive.
    pub fn values(&self) -> Result<Vec<f64>, TrainError> {
        let values = match self {
            Cs::Count(0) => return Err(invalid("cs", 0, "a count >= 1 or a list of values")),
            Cs::Count(n) => logspace(-4.0, 4.0, *n),
            Cs::List(list) if list.is_empty() => {
                return Err(invalid("cs", "an empty list", "at least one value"))
            }
            Cs::List(list) => list.clone(),
        };
        if let Some(bad) = values.iter().find(|c| !(c.is_finite() && **c > 0.0)) {
            return Err(invalid("cs", bad, "finite values > 0"));
        }
        Ok(values)
    }
}

/// `np.logspace(start, stop, num)`: `10 ** np.linspace(start, stop, num)`, where numpy's
/// `power` is the C library's `pow`, as is Rust's `powf`.
pub fn logspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    linspace(start, stop, num, true)
        .into_iter()
        .map(|e| 10f64.powf(e))
        .collect()
}

impl std::str::FromStr for Cs {
    type Err = String;

    /// `"10"` is a count; `"0.1,1,10"` (or a single value with a decimal point or exponent,
    /// like `"1.0"`) is a list.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if !s.contains(',') {
            if let Ok(n) = s.parse::<usize>() {
                if n == 0 {
                    return Err("expected a count >= 1 or values like 0.1,1,10".into());
                }
                return Ok(Cs::Count(n));
            }
        }
        s.split(',')
            .map(|part| {
                part.trim().parse::<f64>().map_err(|_| {
                    format!(
                        "'{}' is not a number; expected a count like 10 or values like 0.1,1,10",
                        part.trim()
                    )
                })
            })
            .map(|c| {
                let c = c?;
                if c.is_finite() && c > 0.0 {
                    Ok(c)
                } else {
                    Err(format!("C = {c} is not a finite number > 0"))
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Cs::List)
    }
}

/// C as a person reads it: plain for ordinary values, in scientific notation for very large
/// or very small ones (`1e308`, not 309 digits).
pub fn display_c(c: f64) -> String {
    if c != 0.0 && c.is_finite() && !(1e-4..1e6).contains(&c.abs()) {
        format!("{c:e}")
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_counts_and_lists() {
        assert_eq!("10".parse::<Cs>().unwrap(), Cs::Count(10));
        assert_eq!("0.5, 2".parse::<Cs>().unwrap(), Cs::List(vec![0.5, 2.0]));
        assert_eq!("1.0".parse::<Cs>().unwrap(), Cs::List(vec![1.0]));
        assert!("a,b".parse::<Cs>().is_err());
        assert!(Cs::Count(0).values().is_err());
        assert!(Cs::List(vec![1.0, -1.0]).values().is_err());
        assert!(Cs::List(vec![]).values().is_err());
    }

    #[test]
    fn logspace_ends_exactly() {
        let cs = Cs::default().values().unwrap();
        assert_eq!(cs.len(), 10);
        assert_eq!(cs[0], 1e-4);
        assert_eq!(cs[9], 1e4);
    }
}
