//! The evaluation grid of the seed's `plot_decision_boundary`:
//! `np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))` over the data's range
//! padded by 0.5, and the model's predictions on it in one batched call.

use moons_datasets::Dataset;
use moons_models::Classifier;
use ndarray::{Array1, Array2};

use crate::error::invalid;
use crate::VizError;

/// `np.arange(start, stop, step)` for a positive step: `ceil((stop - start) / step)` values,
/// the `i`-th computed as numpy fills it, `start + i * ((start + step) - start)`.
pub fn arange(start: f64, stop: f64, step: f64) -> Vec<f64> {
    let len = ((stop - start) / step).ceil();
    if !(len.is_finite() && len > 0.0) {
        return Vec::new();
    }
    let len = len as usize;
    let second = start + step;
    // numpy writes the first two values, then extrapolates from their difference.
    let delta = second - start;
    (0..len)
        .map(|i| match i {
            0 => start,
            1 => second,
            _ => start + i as f64 * delta,
        })
        .collect()
}

/// A rectangular grid of evaluation points.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// Column coordinates (`xx[0, :]`).
    pub xs: Vec<f64>,
    /// Row coordinates (`yy[:, 0]`).
    pub ys: Vec<f64>,
    /// The spacing actually used.
    pub step: f64,
}

impl Grid {
    /// The seed's grid around `data`: its range padded by `padding`, spaced `step` apart.
    ///
    /// If that grid would exceed `max_points` (widely spread data), the step is doubled until it
    /// fits, so a figure never needs unbounded memory.
    pub fn around(
        data: &Dataset,
        padding: f64,
        step: f64,
        max_points: usize,
    ) -> Result<Self, VizError> {
        let [(x_min, x_max), (y_min, y_max)] = feature_ranges(data)?;
        if !(step.is_finite() && step > 0.0) {
            return Err(invalid(
                "a decision boundary",
                format!("grid step {step} must be a finite number > 0"),
            ));
        }
        if !(padding.is_finite() && padding >= 0.0) {
            return Err(invalid(
                "a decision boundary",
                format!("padding {padding} must be a finite number >= 0"),
            ));
        }
        let (x0, x1) = (x_min - padding, x_max + padding);
        let (y0, y1) = (y_min - padding, y_max + padding);
        let mut step = step;
        let max_points = max_points.max(4) as f64;
        while ((x1 - x0) / step).ceil().max(1.0) * ((y1 - y0) / step).ceil().max(1.0) > max_points {
            step *= 2.0;
        }
        let mut xs = arange(x0, x1, step);
        let mut ys = arange(y0, y1, step);
        // A zero-width range (one point, no padding) still gets one cell.
        if xs.is_empty() {
            xs.push(x0);
        }
        if ys.is_empty() {
            ys.push(y0);
        }
        Ok(Self { xs, ys, step })
    }

    /// Number of grid points.
    pub fn len(&self) -> usize {
        self.xs.len() * self.ys.len()
    }

    /// True when the grid has no points (never, for a grid built by [`Grid::around`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `np.c_[xx.ravel(), yy.ravel()]`: row `j * xs.len() + i` is `(xs[i], ys[j])`.
    pub fn points(&self) -> Array2<f64> {
        let nx = self.xs.len();
        Array2::from_shape_fn((self.len(), 2), |(r, c)| {
            if c == 0 {
                self.xs[r % nx]
            } else {
                self.ys[r / nx]
            }
        })
    }

    /// The plotted extent: `(first x, last x)` and `(first y, last y)`, widened to a small
    /// positive width when the grid has a single column or row.
    pub fn extent(&self) -> ((f64, f64), (f64, f64)) {
        let span = |v: &[f64]| {
            let (a, b) = (v[0], v[v.len() - 1]);
            if b > a {
                (a, b)
            } else {
                (a - self.step / 2.0, a + self.step / 2.0)
            }
        };
        (span(&self.xs), span(&self.ys))
    }
}

/// The predicted class of every point of `grid`, in [`Grid::points`] order, from one batched
/// [`Classifier::predict`] call (the seed's `Z = pred_func(np.c_[xx.ravel(), yy.ravel()])`).
pub fn predict_grid(model: &dyn Classifier, grid: &Grid) -> Result<Array1<usize>, VizError> {
    let points = grid.points();
    model.check_input(points.view())?;
    Ok(model.predict(points.view()))
}

/// The class probabilities of every point of `grid` (one row each), from one batched
/// [`Classifier::predict_proba`] call.
pub fn predict_grid_proba(model: &dyn Classifier, grid: &Grid) -> Result<Array2<f64>, VizError> {
    let points = grid.points();
    model.check_input(points.view())?;
    Ok(model.predict_proba(points.view()))
}

/// `(min, max)` of each of the two features, checking the data can be drawn in the plane.
pub(crate) fn feature_ranges(data: &Dataset) -> Result<[(f64, f64); 2], VizError> {
    if data.n_features() != 2 {
        return Err(invalid(
            "data",
            format!(
                "a figure needs exactly 2 features, the data has {}",
                data.n_features()
            ),
        ));
    }
    if data.n_samples() == 0 {
        return Err(invalid("data", "the data set is empty"));
    }
    if data.features.iter().any(|v| !v.is_finite()) {
        return Err(invalid("data", "a feature value is not a finite number"));
    }
    let range = |j: usize| {
        let column = data.features.column(j);
        let lo = column.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    };
    Ok([range(0), range(1)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn arange_matches_numpy() {
        // np.arange(-1.0, 1.0, 0.5) -> [-1. , -0.5,  0. ,  0.5]
        assert_eq!(arange(-1.0, 1.0, 0.5), vec![-1.0, -0.5, 0.0, 0.5]);
        // len(np.arange(0, 1, 0.1)) == 10; len(np.arange(0, 1.0000001, 0.1)) == 11
        assert_eq!(arange(0.0, 1.0, 0.1).len(), 10);
        assert_eq!(arange(0.0, 1.000_000_1, 0.1).len(), 11);
        assert!(arange(1.0, 0.0, 0.1).is_empty());
    }

    #[test]
    fn points_follow_meshgrid_ravel_order() {
        let grid = Grid {
            xs: vec![0.0, 1.0, 2.0],
            ys: vec![10.0, 20.0],
            step: 1.0,
        };
        assert_eq!(
            grid.points(),
            array![
                [0.0, 10.0],
                [1.0, 10.0],
                [2.0, 10.0],
                [0.0, 20.0],
                [1.0, 20.0],
                [2.0, 20.0]
            ]
        );
    }

    #[test]
    fn huge_ranges_get_a_coarser_step() {
        let data = Dataset::new(array![[0.0, 0.0], [1.0e6, 1.0e6]], array![0, 1]).unwrap();
        let grid = Grid::around(&data, 0.5, 0.01, 1_000_000).unwrap();
        assert!(grid.len() <= 1_000_000);
        assert!(grid.step > 0.01);
    }

    #[test]
    fn bad_data_is_refused() {
        let three = Dataset::new(array![[0.0, 0.0, 0.0]], array![0]).unwrap();
        assert!(Grid::around(&three, 0.5, 0.01, 1000).is_err());
        let nan = Dataset::new(array![[f64::NAN, 0.0]], array![0]).unwrap();
        assert!(Grid::around(&nan, 0.5, 0.01, 1000).is_err());
        let one = Dataset::new(array![[1.0, 2.0]], array![0]).unwrap();
        let grid = Grid::around(&one, 0.0, 0.01, 1000).unwrap();
        assert_eq!(grid.len(), 1);
    }
}
