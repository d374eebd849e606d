//! Fitting: the `Fit` trait (validated parameters plus data give a trained model), the check
//! that data fits a model, and the accuracy of a fitted model.

use moons_datasets::Dataset;
use moons_models::{Classifier, Mlp, ModelError};

use crate::error::invalid;
use crate::TrainError;

/// Hyper-parameters that can be fitted to a data set.
pub trait Fit {
    /// What fitting produces.
    type Fitted;
    /// Why fitting can fail.
    type Error;

    /// Validates the parameters, then trains on `data`.
    fn fit(&self, data: &Dataset) -> Result<Self::Fitted, Self::Error>;
}

/// Checks that `data` is non-empty and matches the model's input width and classes.
pub(crate) fn check_fit(model: &Mlp, data: &Dataset) -> Result<(), TrainError> {
    if data.n_samples() == 0 {
        return Err(invalid("samples", 0, "at least one training sample"));
    }
    model.check_input(data.x())?;
    if let Some(&label) = data.labels.iter().find(|&&l| l >= model.n_classes()) {
        return Err(ModelError::LabelOutOfRange {
            label,
            n_classes: model.n_classes(),
        }
        .into());
    }
    Ok(())
}

/// The fraction of rows whose predicted class equals the label (`np.mean(pred == y)`).
pub fn accuracy(model: &impl Classifier, data: &Dataset) -> f64 {
    if data.n_samples() == 0 {
        return 0.0;
    }
    let predicted = model.predict(data.x());
    let correct = predicted
        .iter()
        .zip(&data.labels)
        .filter(|(p, y)| p == y)
        .count();
    correct as f64 / data.n_samples() as f64
}
