//! The classifiers of the moons workbench: the seed tutorial's network and its
//! logistic-regression baseline.
//!
//! This is the middle layer: it builds on `moons-datasets` (for [`RandomState`] and data
//! shapes) and `moons-linalg` (the numpy-exact kernels), and `moons-train` and `moons-viz`
//! build on it. Models here know how to predict, and the network how to compute its loss and
//! gradients; *how* to train (step sizes, schedules, optimizers, cross-validation) is
//! `moons-train`'s job, and nothing here reads files or prints.
//!
//! - [`Mlp`]: the seed's network, `input → tanh hidden layer(s) → softmax`, generalised to
//!   any depth, width, class count and [`Activation`]. [`Mlp::seed_init`] draws the seed's
//!   weights bit for bit; [`Mlp::new`] takes another [`Init`]. Its forward pass, loss and
//!   backpropagation ([`Mlp::forward`], [`Mlp::loss`], [`Mlp::backward`]) are the seed's
//!   formulas in one file ([`mlp`]'s `network.rs`), running in a caller-owned [`Workspace`]
//!   and filling [`Gradients`] so that a training step never allocates. [`Mlp::gradients`] is
//!   a training step's forward and backward pass in one call (what `moons-train` runs): the
//!   same bits, and in fast mode a two-class network's step in one sweep.
//! - [`LogisticRegression`]: scikit-learn's binary (sigmoid) or multinomial (softmax) linear
//!   model, the seed's baseline.
//! - [`Classifier`]: what every model implements, so plotting and evaluation take any of them.
//! - Model files: [`Mlp::to_model_json`] / [`Mlp::save_json`] and [`Mlp::from_model_json`] /
//!   [`Mlp::load_json`] (format [`MODEL_FORMAT`] version [`MODEL_VERSION`]), checked on the
//!   way in ([`ModelFileError`]).
//!
//! One step of the seed's gradient descent, by hand (`moons-train` runs this loop for you):
//!
//! ```
//! use moons_datasets::{make_moons, RandomState};
//! use moons_models::{Activation, Classifier, Gradients, Mlp, Workspace};
//!
//! let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
//! // np.random.seed(0); W1 = randn(2, 3) / sqrt(2); W2 = randn(3, 2) / sqrt(3)
//! let mut model = Mlp::seed_init(2, &[3], 2, Activation::Tanh, &mut RandomState::new(0));
//!
//! let mut ws = Workspace::new(&model, data.n_samples());
//! let mut grads = Gradients::zeros_like(&model);
//! let before = model.loss(data.x(), data.y(), 0.01, &mut ws);
//! model.forward(data.x(), &mut ws);
//! model.backward(data.x(), data.y(), 0.01, &mut ws, &mut grads);
//! model.apply_gradients(&grads, 0.01);
//! assert!(model.loss(data.x(), data.y(), 0.01, &mut ws) < before);
//!
//! // Every model is a `Classifier`: probabilities per row, summing to 1.
//! let probs = model.predict_proba(data.x());
//! assert!((probs.row(0).sum() - 1.0).abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`RandomState`]: moons_datasets::RandomState
#![warn(missing_docs)]

mod activation;
mod classifier;
mod error;
mod init;
mod logistic;
pub mod mlp;
mod model_file;
mod report;
mod saved;
mod scaler;
pub mod seed;

pub use activation::Activation;
pub use classifier::Classifier;
pub use error::ModelError;
pub use init::{check_architecture, Init, MAX_HIDDEN_LAYERS, MAX_PARAMETERS, MAX_WIDTH};
pub use logistic::LogisticRegression;
pub use mlp::{Gradients, Layer, Mlp, Workspace, MAX_WORKSPACE_VALUES, PREDICT_CHUNK_ROWS};
pub use model_file::{ModelFileError, MAX_MODEL_BYTES, MODEL_FORMAT, MODEL_VERSION};
pub use report::{ClassReport, ClassificationReport};
pub use saved::{Estimator, SavedModel, SAVED_MODEL_FORMAT, SAVED_MODEL_VERSION};
pub use scaler::{Scaler, ScalerKind};
