//! Logistic regression as scikit-learn fits it, to the optimum.
//!
//! - [`LogisticRegressionParams`]: one fit at a fixed `C`
//!   (`LogisticRegression(C=c)`): Newton's method on scikit-learn's objective
//!   `C · Σ loss + ½ |W|²`, binary for two classes and multinomial for more;
//! - [`LogisticRegressionCv`]: `LogisticRegressionCV()` — `C` chosen by stratified
//!   cross-validated accuracy over a grid ([`Cs`]), then a refit on all the data;
//! - [`stratified_folds`]: scikit-learn's `StratifiedKFold` without shuffling.
//!
//! ```
//! use moons_datasets::{make_moons, RandomState};
//! use moons_train::{Fit, LogisticRegressionCv};
//!
//! let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
//! let fitted = LogisticRegressionCv::default().fit(&data)?;
//! assert_eq!(fitted.c, 2.782559402207126);
//! assert_eq!(fitted.refit.train_accuracy, 0.85);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cs;
mod cv;
mod folds;
mod lbfgs;
mod newton;
mod objective;
mod params;

pub use cs::{display_c, logspace, Cs};
pub use cv::{FittedLogisticCv, LogisticRegressionCv};
pub use folds::{split_indices, stratified_folds};
pub use params::{FittedLogistic, LogisticRegressionParams, SolverReport, DEFAULT_TOL};
