//! The seed tutorial's experiment as one parameter set: `build_model(nn_hdim)`.

use moons_datasets::{Dataset, RandomState};
use moons_models::{Activation, Mlp};

use crate::error::invalid;
use crate::{accuracy, Fit, GradientDescent, History, Report, TrainError};

/// The widest hidden layer the CLI and library accept.
pub const MAX_HIDDEN: usize = 100_000;

/// `build_model(nn_hdim)` from the seed: a `2 → H (tanh) → C (softmax)` network initialised
/// from `np.random.seed(init_seed)` and trained by full-batch gradient descent.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedNetwork {
    /// Hidden layer width `H` (the seed's `nn_hdim`).
    pub hidden: usize,
    /// Seed of the initialisation stream (the seed re-seeds with 0 in every build).
    pub init_seed: u32,
    /// The seed's learning rate.
    pub learning_rate: f64,
    /// The seed's L2 strength.
    pub reg_lambda: f64,
    /// Number of passes.
    pub passes: usize,
    /// Report the loss every this many passes.
    pub report_every: usize,
    /// Opt-in fast mode ([`GradientDescent::fast`]): approximate `tanh`/`exp`, not numpy's bits.
    pub fast: bool,
}

impl Default for SeedNetwork {
    /// The seed's run: `H = 3`, seed 0, `lr = λ = 0.01`, 20000 passes, a report every 1000.
    fn default() -> Self {
        let gd = GradientDescent::default();
        Self {
            hidden: 3,
            init_seed: 0,
            learning_rate: gd.learning_rate,
            reg_lambda: gd.reg_lambda,
            passes: gd.passes,
            report_every: gd.report_every,
            fast: gd.fast,
        }
    }
}

/// A trained network with its training record.
#[derive(Clone, Debug)]
pub struct FittedNetwork {
    /// The trained model.
    pub model: Mlp,
    /// The loss reports.
    pub history: History,
    /// Accuracy on the training data.
    pub train_accuracy: f64,
}

impl SeedNetwork {
    /// The gradient-descent part of these parameters.
    pub fn gradient_descent(&self) -> GradientDescent {
        GradientDescent {
            learning_rate: self.learning_rate,
            reg_lambda: self.reg_lambda,
            passes: self.passes,
            report_every: self.report_every,
            fast: self.fast,
        }
    }

    /// Checks every parameter.
    pub fn validate(&self) -> Result<(), TrainError> {
        if self.hidden == 0 || self.hidden > MAX_HIDDEN {
            return Err(invalid(
                "hidden",
                self.hidden,
                format!("an integer from 1 to {MAX_HIDDEN}"),
            ));
        }
        self.gradient_descent().validate()
    }

    /// The untrained network for `data`: the seed's initialisation.
    pub fn init(&self, data: &Dataset) -> Mlp {
        let mut rng = RandomState::new(self.init_seed);
        Mlp::seed_init(
            data.n_features(),
            &[self.hidden],
            data.n_classes().max(2),
            Activation::Tanh,
            &mut rng,
        )
    }

    /// Trains with a callback for each loss report.
    pub fn fit_with(
        &self,
        data: &Dataset,
        on_report: impl FnMut(&Report),
    ) -> Result<FittedNetwork, TrainError> {
        self.validate()?;
        let mut model = self.init(data);
        let history = self.gradient_descent().train(&mut model, data, on_report)?;
        let train_accuracy = accuracy(&model, data);
        Ok(FittedNetwork {
            model,
            history,
            train_accuracy,
        })
    }
}

impl Fit for SeedNetwork {
    type Fitted = FittedNetwork;
    type Error = TrainError;

    fn fit(&self, data: &Dataset) -> Result<FittedNetwork, TrainError> {
        self.fit_with(data, |_| {})
    }
}
