//! The seed tutorial's experiment as one parameter set: `build_model(nn_hdim)`.

use moons_datasets::{Dataset, RandomState};
use moons_models::{Activation, Mlp};

use crate::error::invalid;
use crate::{accuracy, Fit, History, Report, TrainError, Trainer};

/// The widest hidden layer the CLI and library accept.
pub const MAX_HIDDEN: usize = 100_000;

/// `build_model(nn_hdim)` from the seed: a `2 → H (tanh) → C (softmax)` network initialised
/// from `np.random.seed(init_seed)` and trained by its [`Trainer`].
///
/// The default is the seed's run: `H = 3`, seed 0 and [`Trainer::default()`] (full-batch
/// gradient descent on the summed gradient, `lr = λ = 0.01`, 20000 passes, a report every
/// 1000), which reproduces numpy's loss table bit for bit.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedNetwork {
    /// Hidden layer width `H` (the seed's `nn_hdim`).
    pub hidden: usize,
    /// Seed of the initialisation stream (the seed re-seeds with 0 in every build).
    pub init_seed: u32,
    /// How the network is trained: learning rate, L2 strength, passes, report interval, fast
    /// mode and the rest; no held-out set is used.
    pub trainer: Trainer,
}

impl Default for SeedNetwork {
    /// The seed's run: `H = 3`, seed 0, [`Trainer::default()`].
    fn default() -> Self {
        Self {
            hidden: 3,
            init_seed: 0,
            trainer: Trainer::default(),
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
    /// Checks every parameter.
    pub fn validate(&self) -> Result<(), TrainError> {
        if self.hidden == 0 || self.hidden > MAX_HIDDEN {
            return Err(invalid(
                "hidden",
                self.hidden,
                format!("an integer from 1 to {MAX_HIDDEN}"),
            ));
        }
        self.trainer.validate()
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

    /// Validates, initialises and trains on all of `data` ([`Trainer::train`] without a
    /// held-out set), calling `on_report` for every loss report as it happens (the seed prints
    /// there).
    pub fn fit_with(
        &self,
        data: &Dataset,
        mut on_report: impl FnMut(&Report),
    ) -> Result<FittedNetwork, TrainError> {
        self.validate()?;
        let mut model = self.init(data);
        let history = self.trainer.train(&mut model, data, None, |e| {
            on_report(&Report {
                pass: e.pass,
                loss: e.train_loss,
            })
        })?;
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
