//! numpy's `linspace`, operation for operation.

/// `np.linspace(start, stop, num, endpoint)`: `i * step + start`, with the last point set to
/// `stop` exactly when `endpoint` is true.
pub fn linspace(start: f64, stop: f64, num: usize, endpoint: bool) -> Vec<f64> {
    let div = if endpoint { num.saturating_sub(1) } else { num };
    let delta = stop - start;
    let mut points: Vec<f64> = if div > 0 {
        let step = delta / div as f64;
        if step == 0.0 {
            (0..num).map(|i| i as f64 / div as f64 * delta).collect()
        } else {
            (0..num).map(|i| i as f64 * step).collect()
        }
    } else {
        (0..num).map(|i| i as f64 * delta).collect()
    };
    for p in &mut points {
        *p += start;
    }
    if endpoint && num > 1 {
        points[num - 1] = stop;
    }
    points
}

#[cfg(test)]
mod tests {
    use super::linspace;

    #[test]
    fn endpoints_and_lengths_follow_numpy() {
        assert!(linspace(0.0, 1.0, 0, true).is_empty());
        assert_eq!(linspace(0.0, 3.0, 1, true), vec![0.0]);
        let pts = linspace(0.0, std::f64::consts::PI, 5, true);
        assert_eq!(pts[4], std::f64::consts::PI);
        assert_eq!(pts[2], 2.0 * (std::f64::consts::PI / 4.0));
        let open = linspace(0.0, 1.0, 4, false);
        assert_eq!(open, vec![0.0, 0.25, 0.5, 0.75]);
    }
}
