//! Logistic regression, shaped as scikit-learn shapes it.
//!
//! Two classes use one row of coefficients and the sigmoid: `p(1 | x) = σ(x · w + b)`.
//! Three or more classes use one row per class and the softmax of `x · W^T + b`
//! (scikit-learn's symmetric, over-parametrised multinomial model).

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::{Classifier, ModelError};

/// A linear classifier: `coef` is `n_coef_rows x n_features`, `intercept` has one entry per
/// row; one row means two classes (scikit-learn's `coef_` for a binary problem).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LogisticParts", into = "LogisticParts")]
pub struct LogisticRegression {
    coef: Array2<f64>,
    intercept: Array1<f64>,
}

/// The serialised form, checked on the way in so a model file cannot break the shapes.
#[derive(Serialize, Deserialize)]
struct LogisticParts {
    coef: Array2<f64>,
    intercept: Array1<f64>,
}

impl TryFrom<LogisticParts> for LogisticRegression {
    type Error = ModelError;

    fn try_from(parts: LogisticParts) -> Result<Self, ModelError> {
        Self::new(parts.coef, parts.intercept)
    }
}

impl From<LogisticRegression> for LogisticParts {
    fn from(model: LogisticRegression) -> Self {
        Self {
            coef: model.coef,
            intercept: model.intercept,
        }
    }
}

impl LogisticRegression {
    /// Builds a model from scikit-learn's `coef_` and `intercept_`.
    ///
    /// `coef` must have 1 row (binary) or at least 3 rows (one per class), at least one
    /// column, and `intercept` one entry per row.
    pub fn new(coef: Array2<f64>, intercept: Array1<f64>) -> Result<Self, ModelError> {
        if coef.nrows() == 0 || coef.nrows() == 2 {
            return Err(ModelError::InvalidParameter {
                name: "coef",
                value: format!("{} rows", coef.nrows()),
                allowed: "1 row (two classes) or one row per class for 3 or more classes".into(),
            });
        }
        if coef.ncols() == 0 {
            return Err(ModelError::InvalidParameter {
                name: "coef",
                value: "0 columns".into(),
                allowed: "at least one feature column".into(),
            });
        }
        if intercept.len() != coef.nrows() {
            return Err(ModelError::InvalidParameter {
                name: "intercept",
                value: format!("{} entries", intercept.len()),
                allowed: format!("one entry per coefficient row ({})", coef.nrows()),
            });
        }
        Ok(Self { coef, intercept })
    }

    /// `n_coef_rows x n_features`: scikit-learn's `coef_`.
    pub fn coef(&self) -> &Array2<f64> {
        &self.coef
    }

    /// One entry per coefficient row: scikit-learn's `intercept_`.
    pub fn intercept(&self) -> &Array1<f64> {
        &self.intercept
    }

    /// True for the two-class (sigmoid) model.
    pub fn is_binary(&self) -> bool {
        self.coef.nrows() == 1
    }

    /// `x · coef^T + intercept`, one row per input and one column per coefficient row
    /// (a single column for the binary model: the signed distance score of class 1).
    ///
    /// # Panics
    /// If `x` does not have [`n_features`](Classifier::n_features) columns.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let mut scores = x.dot(&self.coef.t());
        scores += &self.intercept.view().insert_axis(Axis(0));
        scores
    }
}

fn expit(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl Classifier for LogisticRegression {
    fn n_features(&self) -> usize {
        self.coef.ncols()
    }

    fn n_classes(&self) -> usize {
        if self.is_binary() {
            2
        } else {
            self.coef.nrows()
        }
    }

    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let scores = self.decision_function(x);
        if self.is_binary() {
            let mut probs = Array2::zeros((x.nrows(), 2));
            for (mut row, &s) in probs.rows_mut().into_iter().zip(scores.column(0)) {
                let p = expit(s);
                row[0] = 1.0 - p;
                row[1] = p;
            }
            probs
        } else {
            let mut probs = Array2::zeros(scores.raw_dim());
            for (z, mut p) in scores.rows().into_iter().zip(probs.rows_mut()) {
                let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                p.assign(&z.mapv(|v| (v - max).exp()));
                let total = p.sum();
                p.mapv_inplace(|e| e / total);
            }
            probs
        }
    }

    /// scikit-learn's rule on the scores themselves (`score > 0` for two classes, the first
    /// maximal score otherwise), so a point whose probabilities round to a tie still gets
    /// scikit-learn's label.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<usize> {
        let scores = self.decision_function(x);
        if self.is_binary() {
            scores.column(0).mapv(|s| usize::from(s > 0.0))
        } else {
            let mut labels = Array1::zeros(scores.nrows());
            moons_linalg::argmax_rows_into(scores.view(), labels.view_mut());
            labels
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn binary_probabilities_are_the_sigmoid_of_the_score() {
        let model = LogisticRegression::new(array![[1.0, -2.0]], array![0.5]).unwrap();
        let x = array![[1.0, 1.0], [0.0, 0.0], [-3.0, 4.0]];
        let probs = model.predict_proba(x.view());
        let scores = model.decision_function(x.view());
        assert_eq!(scores.column(0).to_vec(), vec![-0.5, 0.5, -10.5]);
        for (row, s) in probs.rows().into_iter().zip(scores.column(0)) {
            assert!((row[1] - 1.0 / (1.0 + (-s).exp())).abs() < 1e-15);
            assert!((row.sum() - 1.0).abs() < 1e-15);
        }
        assert_eq!(model.predict(x.view()).to_vec(), vec![0, 1, 0]);
        assert_eq!(model.n_classes(), 2);
    }

    #[test]
    fn a_zero_score_is_class_zero_as_in_scikit_learn() {
        let model = LogisticRegression::new(array![[1.0]], array![0.0]).unwrap();
        assert_eq!(
            model.predict(array![[0.0], [1e-300]].view()).to_vec(),
            vec![0, 1]
        );
    }

    #[test]
    fn multinomial_probabilities_are_the_softmax() {
        let model = LogisticRegression::new(
            array![[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]],
            array![0.0, 0.1, -0.1],
        )
        .unwrap();
        let probs = model.predict_proba(array![[2.0, 1.0], [1000.0, -1000.0]].view());
        let e = [2f64.exp(), 1.1f64.exp(), (-3.1f64).exp()];
        let total: f64 = e.iter().sum();
        assert!((probs[[0, 0]] - e[0] / total).abs() < 1e-15);
        assert!(probs.iter().all(|p| p.is_finite()));
        assert_eq!(model.predict(array![[2.0, 1.0]].view()).to_vec(), vec![0]);
        assert_eq!(model.n_classes(), 3);
    }

    #[test]
    fn shapes_are_checked_including_on_deserialisation() {
        assert!(LogisticRegression::new(Array2::zeros((2, 2)), Array1::zeros(2)).is_err());
        assert!(LogisticRegression::new(Array2::zeros((1, 2)), Array1::zeros(2)).is_err());
        assert!(LogisticRegression::new(Array2::zeros((1, 0)), Array1::zeros(1)).is_err());
        let model = LogisticRegression::new(array![[1.0, 2.0]], array![3.0]).unwrap();
        let json = serde_json::to_string(&model).unwrap();
        assert_eq!(
            serde_json::from_str::<LogisticRegression>(&json).unwrap(),
            model
        );
        let bad = r#"{"coef":{"v":1,"dim":[1,2],"data":[1.0,2.0]},"intercept":{"v":1,"dim":[2],"data":[1.0,2.0]}}"#;
        assert!(serde_json::from_str::<LogisticRegression>(bad).is_err());
    }
}
