//! The `Fit` trait: validated parameters plus data give a trained model.

use moons_datasets::Dataset;

/// Hyper-parameters that can be fitted to a data set.
pub trait Fit {
    /// What fitting produces.
    type Fitted;
    /// Why fitting can fail.
    type Error;

    /// Validates the parameters, then trains on `data`.
    fn fit(&self, data: &Dataset) -> Result<Self::Fitted, Self::Error>;
}
