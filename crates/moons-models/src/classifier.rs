//! The interface every model offers to plotting and evaluation code.

use ndarray::{Array1, Array2, ArrayView2};

use crate::ModelError;

/// A trained classifier over `n_features` inputs and `n_classes` classes.
pub trait Classifier {
    /// Number of input columns the model expects.
    fn n_features(&self) -> usize;

    /// Number of classes the model predicts among.
    fn n_classes(&self) -> usize;

    /// Class probabilities, one row per input row, each row summing to 1.
    ///
    /// # Panics
    /// If `x` does not have [`n_features`](Self::n_features) columns; call
    /// [`check_input`](Self::check_input) first where the data comes from a user.
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Array2<f64>;

    /// The most probable class of each row (the first one on a tie, as `np.argmax`).
    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<usize> {
        let probs = self.predict_proba(x);
        let mut labels = Array1::zeros(probs.nrows());
        moons_linalg::argmax_rows_into(probs.view(), labels.view_mut());
        labels
    }

    /// Checks that `x` has the columns this model expects.
    fn check_input(&self, x: ArrayView2<'_, f64>) -> Result<(), ModelError> {
        if x.ncols() == self.n_features() {
            Ok(())
        } else {
            Err(ModelError::FeatureMismatch {
                expected: self.n_features(),
                found: x.ncols(),
            })
        }
    }
}
