//! A logarithmic axis with matplotlib-like ticks. plotters' own log axis labels only powers of
//! ten, which leaves a loss curve spanning less than a decade with a single tick.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

/// `lo..hi` (both > 0) mapped logarithmically.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LogAxis {
    lo: f64,
    hi: f64,
}

impl LogAxis {
    /// The axis over `lo..hi`; callers guarantee `0 < lo < hi`, both finite.
    pub(crate) fn new(lo: f64, hi: f64) -> Self {
        Self { lo, hi }
    }
}

impl Ranged for LogAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi.log10() - self.lo.log10();
        let t = (value.max(f64::MIN_POSITIVE).log10() - self.lo.log10()) / span;
        let t = if t.is_finite() {
            t.clamp(-10.0, 10.0)
        } else {
            0.0
        };
        // The same rounding as plotters' linear axes, so frames and ticks line up.
        limit.0 + (f64::from(limit.1 - limit.0) * t + 1e-3).floor() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        log_ticks(self.lo, self.hi, hint.max_num_points())
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// Ticks `m · 10^k` inside `lo..=hi`, with the richest mantissa set that keeps at most
/// `max_points` ticks (and at least two), falling back to every n-th power of ten.
pub(crate) fn log_ticks(lo: f64, hi: f64, max_points: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) || max_points == 0 {
        return Vec::new();
    }
    let (k0, k1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let in_range = |v: f64| v >= lo * (1.0 - 1e-12) && v <= hi * (1.0 + 1e-12);
    const MANTISSAS: [&[f64]; 5] = [
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
        &[1.0, 2.0, 3.0, 5.0],
        &[1.0, 2.0, 5.0],
        &[1.0, 3.0],
        &[1.0],
    ];
    let mut fallback = Vec::new();
    for set in MANTISSAS {
        let ticks: Vec<f64> = (k0..=k1)
            .flat_map(|k| set.iter().map(move |m| m * 10f64.powi(k)))
            .filter(|&v| in_range(v))
            .collect();
        if ticks.len() <= max_points {
            if ticks.len() >= 2 {
                return ticks;
            }
            if fallback.is_empty() {
                fallback = ticks;
            }
        }
    }
    if !fallback.is_empty() {
        return fallback;
    }
    let decades = (k1 - k0).max(1) as usize;
    let every = decades.div_ceil(max_points).max(1);
    (k0..=k1)
        .step_by(every)
        .map(|k| 10f64.powi(k))
        .filter(|&v| in_range(v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loss_curve_under_a_decade_gets_several_ticks() {
        let ticks = log_ticks(0.065, 0.47, 7);
        assert_eq!(ticks.len(), 7, "{ticks:?}");
        assert!((ticks[0] - 0.07).abs() < 1e-12 && (ticks[6] - 0.4).abs() < 1e-12);
    }

    #[test]
    fn many_decades_thin_out_to_powers_of_ten() {
        let ticks = log_ticks(1e-12, 1.0, 5);
        assert!(ticks.len() <= 5 && ticks.len() >= 2, "{ticks:?}");
    }

    #[test]
    fn mapping_is_monotone_and_spans_the_limits() {
        let axis = LogAxis::new(0.01, 1.0);
        assert_eq!(axis.map(&0.01, (0, 100)), 0);
        assert_eq!(axis.map(&0.1, (0, 100)), 50);
        assert_eq!(axis.map(&1.0, (0, 100)), 100);
    }
}
