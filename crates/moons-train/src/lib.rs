//! Training for the moons workbench: the seed tutorial's gradient descent, exactly, and what
//! comes after it.
//!
//! This crate sits above `moons-models` (the networks it trains), `moons-datasets` (the data)
//! and `moons-linalg`, and below the `moons` command, which only adds flags, files and
//! printing. Nothing here prints: progress reaches the caller through callbacks.
//!
//! Parameters live in plain structs that validate themselves (as in linfa) and name the first
//! out-of-range value in a [`TrainError`]; [`Fit`] turns parameters and data into a trained
//! model.
//!
//! - The seed: [`SeedNetwork`] is `build_model(nn_hdim)` (initialisation and training in one
//!   parameter set: the hidden width, the initialisation seed and a [`Trainer`], by default
//!   the seed's full-batch descent on the summed gradient); it reproduces numpy's loss table
//!   bit for bit. [`hidden_size_sweep`] is the seed's last experiment, the widths trained in
//!   parallel.
//! - Beyond the seed: [`Trainer`] takes any [`Optimizer`] (GD, SGD with momentum, Adam),
//!   [`LrSchedule`], batch size and [`GradientConvention`], evaluates on a held-out set and
//!   stops early; `Trainer::default()` is again the seed's run, bit for bit.
//! - What a run records: [`History`] (the loss reports, the last passes, held-out
//!   [`Evaluation`]s), with [`History::period_two`] telling a converged run from the seed's
//!   two-valued oscillation.
//! - The baseline: [`LogisticRegressionCv`] and [`LogisticRegressionParams`] fit scikit-learn's
//!   logistic regression to its optimum (see [`logreg`]).
//!
//! Threads: large batches, the sweep and cross-validation use rayon's global pool, and the
//! results do not depend on the number of threads. From a thread outside the pool (a
//! program's main thread), small work runs on that thread and a large pass hops into the pool
//! once ([`TrainingRun::pass`]); making the main thread one of the pool's, as the `moons`
//! binary does (`rayon::ThreadPoolBuilder::new().use_current_thread().build_global()`), saves
//! that hop too.
//!
//! ```
//! use moons_datasets::{make_moons, stratified_split, RandomState};
//! use moons_models::{Activation, Init, Mlp};
//! use moons_train::{accuracy, Fit, Optimizer, SeedNetwork, Trainer};
//!
//! // The seed's run, cut to 2000 passes: the same numbers numpy prints.
//! let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
//! let seed = SeedNetwork {
//!     trainer: Trainer { passes: 2000, ..Trainer::default() },
//!     ..SeedNetwork::default()
//! };
//! let fitted = seed.fit(&data)?;
//! let reports = &fitted.history.reports;
//! let table: Vec<String> = reports.iter().map(|r| format!("{:.6}", r.loss)).collect();
//! assert_eq!(table, ["0.432387", "0.068947"]);
//!
//! // Beyond it: a wider relu network, Adam on minibatches, scored on held-out data.
//! let (train, test) = stratified_split(&data, 0.25, &mut RandomState::new(1))?;
//! let mut model = Mlp::new(2, &[16], 2, Activation::Relu, Init::He, &mut RandomState::new(0))?;
//! let adam = Trainer {
//!     optimizer: Optimizer::adam(),
//!     passes: 50,
//!     report_every: 10,
//!     ..Trainer::default()
//! };
//! let history = adam.train(&mut model, &train, Some(&test), |_| {})?;
//! assert_eq!(history.evaluations.len(), 5 + 1); // passes 0, 10, .., 40 and the last one
//! assert!(accuracy(&model, &test) > 0.8);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod error;
mod fit;
mod history;
pub mod logreg;
mod optimizer;
pub mod ranges;
mod run;
mod schedule;
mod seed_network;
pub mod sweep;
mod trainer;

pub use error::TrainError;
pub use fit::{accuracy, Fit};
pub use history::{EarlyStop, Evaluation, History, Report, TAIL_PASSES};
pub use logreg::{
    Cs, FittedLogistic, FittedLogisticCv, LogisticRegressionCv, LogisticRegressionParams,
    SolverReport,
};
pub use optimizer::Optimizer;
pub use run::TrainingRun;
pub use schedule::LrSchedule;
pub use seed_network::{FittedNetwork, SeedNetwork};
pub use sweep::{hidden_size_sweep, hidden_size_sweep_with, with_separate_run, SEED_HIDDEN_SIZES};
pub use trainer::{GradientConvention, Trainer, DEFAULT_BATCH_SIZE, MAX_PASSES};
