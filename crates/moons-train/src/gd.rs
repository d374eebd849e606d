//! The seed's trainer: full-batch gradient descent on the summed gradient.

use moons_datasets::Dataset;
use moons_models::{Classifier, Mlp, ModelError};

use crate::error::invalid;
use crate::{History, Report, TrainError, Trainer};

/// Full-batch gradient descent exactly as the seed runs it.
///
/// Each pass: forward over all data, backpropagate the *summed* gradient plus `λ W`, and step
/// `W -= lr · dW`. After the passes numbered `0, report_every, 2·report_every, ...` the loss on
/// the whole data set is reported.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientDescent {
    /// Step size (the seed's `epsilon`).
    pub learning_rate: f64,
    /// L2 strength (the seed's `reg_lambda`).
    pub reg_lambda: f64,
    /// Number of full passes over the data.
    pub passes: usize,
    /// Report the loss every this many passes.
    pub report_every: usize,
    /// Opt-in fast mode: vectorised approximations of `tanh` (single precision, within 2e-7)
    /// and `exp` (see [`moons_linalg::fast`]) instead of the C library's; with two classes and
    /// up to 6 hidden units a training step runs in single precision but for its sums. About
    /// 3-4x faster than the exact path for the seed's network and ~1.3x for 100000 points and 64
    /// hidden units (see `docs/performance.md`); the losses then differ from numpy's from
    /// about the seventh significant digit. Never the default.
    pub fast: bool,
}

impl Default for GradientDescent {
    /// The seed's constants: `lr = 0.01`, `λ = 0.01`, 20000 passes, a report every 1000.
    fn default() -> Self {
        Self {
            learning_rate: 0.01,
            reg_lambda: 0.01,
            passes: 20_000,
            report_every: 1000,
            fast: false,
        }
    }
}

impl GradientDescent {
    /// The same run as a general [`Trainer`]: GD, summed gradients, constant step, full batch.
    pub fn trainer(&self) -> Trainer {
        Trainer {
            learning_rate: self.learning_rate,
            reg_lambda: self.reg_lambda,
            passes: self.passes,
            report_every: self.report_every,
            fast: self.fast,
            ..Trainer::default()
        }
    }

    /// Checks every parameter, naming the first one out of range.
    pub fn validate(&self) -> Result<(), TrainError> {
        self.trainer().validate()
    }

    /// Trains `model` in place on all of `data`, calling `on_report` for every report as it
    /// happens (the seed prints there). One training loop serves every optimizer: this is
    /// [`Trainer::train`] with the seed's settings and no held-out set.
    pub fn train(
        &self,
        model: &mut Mlp,
        data: &Dataset,
        mut on_report: impl FnMut(&Report),
    ) -> Result<History, TrainError> {
        self.trainer().train(model, data, None, |e| {
            on_report(&Report {
                pass: e.pass,
                loss: e.train_loss,
            })
        })
    }
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
