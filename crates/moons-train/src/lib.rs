//! Training for the moons workbench.
//!
//! [`GradientDescent`] is the seed tutorial's trainer: full-batch gradient descent on the
//! summed gradient, reporting the loss every `report_every` passes. Parameters live in a
//! struct that validates itself (as in linfa), and [`Fit`] turns parameters and data into a
//! trained model.
//!
//! ```
//! use moons_datasets::{make_moons, RandomState};
//! use moons_train::{Fit, SeedNetwork};
//!
//! let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
//! let params = SeedNetwork { hidden: 3, passes: 2000, ..SeedNetwork::default() };
//! let fitted = params.fit(&data)?;
//! assert!(fitted.history.reports[0].loss > fitted.history.final_loss().unwrap());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod error;
mod fit;
mod gd;
mod history;
pub mod logreg;
mod seed_network;
mod optimizer;
mod schedule;
mod trainer;
pub mod sweep;

pub use error::TrainError;
pub use fit::Fit;
pub use gd::{accuracy, GradientDescent};
pub use history::{EarlyStop, Evaluation, History, Report, TAIL_PASSES};
pub use optimizer::Optimizer;
pub use schedule::LrSchedule;
pub use trainer::{GradientConvention, Trainer, DEFAULT_BATCH_SIZE, MAX_PASSES};
pub use logreg::{Cs, FittedLogistic, FittedLogisticCv, LogisticRegressionCv, LogisticRegressionParams, SolverReport};
pub use seed_network::{FittedNetwork, SeedNetwork};
pub use sweep::{hidden_size_sweep, hidden_size_sweep_with, SEED_HIDDEN_SIZES};
