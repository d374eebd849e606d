//! Feature scaling, as scikit-learn's `StandardScaler` and `MinMaxScaler` compute it: fitted
//! on the training rows only and stored in the model file, so that `predict`, `eval` and
//! [`SavedModel::predict_proba`](crate::SavedModel) apply the same transform to raw data.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

/// Which scaler `--scale` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScalerKind {
    /// No scaling (generated data, so the seed's run stays exact).
    None,
    /// Zero mean, unit variance per feature (`StandardScaler()`).
    Standard,
    /// Each feature onto [0, 1] over the training rows (`MinMaxScaler()`).
    Minmax,
}

impl std::str::FromStr for ScalerKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Self::None),
            "standard" => Ok(Self::Standard),
            "minmax" => Ok(Self::Minmax),
            _ => Err(format!(
                "unknown scaler '{s}': expected standard, minmax or none"
            )),
        }
    }
}

/// A fitted scaler: `x' = (x - offset) / scale` per feature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Scaler {
    /// The identity.
    None,
    /// `(x - mean) / scale`, `scale` the population standard deviation (1 where it is 0).
    Standard {
        /// scikit-learn's `mean_`.
        mean: Vec<f64>,
        /// scikit-learn's `scale_`.
        scale: Vec<f64>,
    },
    /// `x * scale + min`, with `scale = 1 / (max - min)` (1 where the range is 0).
    Minmax {
        /// scikit-learn's `scale_`.
        scale: Vec<f64>,
        /// scikit-learn's `min_` (`-data_min * scale`).
        min: Vec<f64>,
    },
}

/// scikit-learn's `_handle_zeros_in_scale`: a scale below 10 machine epsilons is taken as 1,
/// so a constant feature is left centred rather than divided by zero.
fn handle_zeros(scale: f64) -> f64 {
    if scale < 10.0 * f64::EPSILON {
        1.0
    } else {
        scale
    }
}

impl Scaler {
    /// Fits `kind` on the rows of `x`.
    pub fn fit(kind: ScalerKind, x: ArrayView2<'_, f64>) -> Self {
        let n = x.nrows() as f64;
        match kind {
            ScalerKind::None => Scaler::None,
            ScalerKind::Standard => {
                // numpy's mean and var for a 2-D column: rows added in order, then the
                // corrected two-pass variance (the same bits as `np.var`).
                let mean: Array1<f64> = x.sum_axis(Axis(0)) / n;
                let centred = &x - &mean;
                let sum: Array1<f64> = centred.sum_axis(Axis(0));
                let squares: Array1<f64> = centred.mapv(|d| d * d).sum_axis(Axis(0));
                let scale = squares
                    .iter()
                    .zip(&sum)
                    .map(|(&s2, &s)| handle_zeros(((s2 - s * s / n) / n).sqrt()))
                    .collect();
                Scaler::Standard {
                    mean: mean.to_vec(),
                    scale,
                }
            }
            ScalerKind::Minmax => {
                let (mut scale, mut min) = (Vec::new(), Vec::new());
                for column in x.columns() {
                    let lo = column.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let s = 1.0 / handle_zeros(hi - lo);
                    scale.push(s);
                    min.push(0.0 - lo * s);
                }
                Scaler::Minmax { scale, min }
            }
        }
    }

    /// Which kind this is.
    pub fn kind(&self) -> ScalerKind {
        match self {
            Scaler::None => ScalerKind::None,
            Scaler::Standard { .. } => ScalerKind::Standard,
            Scaler::Minmax { .. } => ScalerKind::Minmax,
        }
    }

    /// The number of features it was fitted on (`None` for the identity).
    pub fn n_features(&self) -> Option<usize> {
        match self {
            Scaler::None => None,
            Scaler::Standard { mean, .. } => Some(mean.len()),
            Scaler::Minmax { scale, .. } => Some(scale.len()),
        }
    }

    /// The scaled copy of `x` (which must have [`n_features`](Self::n_features) columns).
    pub fn transform(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let mut out = x.to_owned();
        match self {
            Scaler::None => {}
            Scaler::Standard { mean, scale } => {
                for mut row in out.rows_mut() {
                    for ((v, m), s) in row.iter_mut().zip(mean).zip(scale) {
                        *v = (*v - m) / s;
                    }
                }
            }
            Scaler::Minmax { scale, min } => {
                for mut row in out.rows_mut() {
                    for ((v, s), m) in row.iter_mut().zip(scale).zip(min) {
                        *v = *v * s + m;
                    }
                }
            }
        }
        out
    }

    /// True when every number is finite and the lengths agree (a loaded file's check).
    pub fn is_valid(&self) -> bool {
        let ok =
            |a: &[f64], b: &[f64]| a.len() == b.len() && a.iter().chain(b).all(|v| v.is_finite());
        match self {
            Scaler::None => true,
            Scaler::Standard { mean, scale } => ok(mean, scale) && scale.iter().all(|&s| s > 0.0),
            Scaler::Minmax { scale, min } => ok(scale, min),
        }
    }
}
