//! The classifiers of the moons workbench.
//!
//! - [`Mlp`]: the seed tutorial's network, `input → tanh hidden layer(s) → softmax`, with its
//!   forward pass, loss and backpropagation in one file ([`mlp`]'s `network.rs`);
//! - [`LogisticRegression`]: scikit-learn's binary (sigmoid) or multinomial (softmax) linear
//!   model, the seed's baseline;
//! - every model implements [`Classifier`], so plotting and evaluation take any of them.
//!
//! ```
//! use moons_datasets::RandomState;
//! use moons_models::{Activation, Classifier, Mlp};
//! use ndarray::array;
//!
//! // np.random.seed(0); W1 = randn(2, 3) / sqrt(2); W2 = randn(3, 2) / sqrt(3)
//! let model = Mlp::seed_init(2, &[3], 2, Activation::Tanh, &mut RandomState::new(0));
//! let probs = model.predict_proba(array![[0.5, -0.25]].view());
//! assert!((probs.sum() - 1.0).abs() < 1e-12);
//! ```
#![warn(missing_docs)]

mod activation;
mod classifier;
mod error;
mod logistic;
pub mod mlp;
mod init;
mod model_file;

pub use activation::Activation;
pub use classifier::Classifier;
pub use error::ModelError;
pub use logistic::LogisticRegression;
pub use mlp::{Gradients, Layer, Mlp, Workspace};
pub use init::{check_architecture, Init, MAX_HIDDEN_LAYERS, MAX_PARAMETERS, MAX_WIDTH};
pub use model_file::{ModelFileError, MAX_MODEL_BYTES, MODEL_FORMAT, MODEL_VERSION};
