//! A model as a user trains and uses it on real data: the estimator (a network or a
//! logistic regression), the scaler fitted on its training rows, and the names of its classes
//! and features, saved together in one file (`moons-model` version 2) so that raw data gets
//! the same treatment at prediction time as at training time.
//!
//! ```json
//! {"format": "moons-model", "version": 2, "kind": "mlp",
//!  "classes": ["setosa", "versicolor", "virginica"], "feature_names": [...], "label_name": "species",
//!  "scaler": {"kind": "standard", "mean": [...], "scale": [...]},
//!  "model": { ...a moons-mlp version 1 file... }}
//! ```
//! `kind` is `mlp` (`model` is a `moons-mlp` v1 file) or `logistic-regression` (`model` holds
//! `coef` and `intercept`). Version-1 `moons-mlp` files still load, with classes `0..K-1` and
//! no scaler.
//!
//! ```
//! use moons_datasets::RandomState;
//! use moons_models::{Activation, Classifier, Estimator, Init, Mlp, SavedModel, Scaler, ScalerKind};
//! use ndarray::array;
//!
//! let raw = array![[1000.0, 0.5], [3000.0, 0.1], [2000.0, 0.9]];
//! let scaler = Scaler::fit(ScalerKind::Standard, raw.view());
//! let mlp = Mlp::new(2, &[4], 2, Activation::Relu, Init::He, &mut RandomState::new(0))?;
//! let model = SavedModel {
//!     estimator: Estimator::Mlp(mlp.clone()),
//!     scaler: scaler.clone(),
//!     classes: vec!["no".into(), "yes".into()],
//!     feature_names: vec!["income".into(), "ratio".into()],
//!     label_name: "bought".into(),
//! };
//! // The model scales raw rows itself, exactly as the network saw them in training.
//! assert_eq!(model.predict_proba(raw.view()), mlp.predict_proba(scaler.transform(raw.view()).view()));
//! let text = model.to_json()?;
//! assert_eq!(SavedModel::from_json("m.json", text.as_bytes())?, model);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model_file::invalid;
use crate::{Classifier, LogisticRegression, Mlp, ModelFileError, Scaler};

/// The `format` field of a version-2 model file.
pub const SAVED_MODEL_FORMAT: &str = "moons-model";

/// The `version` field of a version-2 model file.
pub const SAVED_MODEL_VERSION: u64 = 2;

/// The estimator inside a [`SavedModel`].
#[derive(Clone, Debug, PartialEq)]
pub enum Estimator {
    /// A network.
    Mlp(Mlp),
    /// A logistic regression.
    Logistic(LogisticRegression),
}

impl Estimator {
    fn classifier(&self) -> &dyn Classifier {
        match self {
            Estimator::Mlp(m) => m,
            Estimator::Logistic(m) => m,
        }
    }

    /// `mlp` or `logistic-regression`, as the file names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Estimator::Mlp(_) => "mlp",
            Estimator::Logistic(_) => "logistic-regression",
        }
    }
}

/// An estimator with its scaler and the names of its classes and features.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedModel {
    /// The model proper, which sees scaled features.
    pub estimator: Estimator,
    /// Applied to raw features before the estimator.
    pub scaler: Scaler,
    /// Class `i` is `classes[i]` (sorted as scikit-learn's `classes_`).
    pub classes: Vec<String>,
    /// The names of the feature columns it was trained on.
    pub feature_names: Vec<String>,
    /// The name of the label column it was trained on.
    pub label_name: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedFile {
    format: String,
    version: u64,
    kind: String,
    classes: Vec<String>,
    feature_names: Vec<String>,
    label_name: String,
    scaler: Scaler,
    model: Value,
}

impl SavedModel {
    /// A model with classes named `0..K-1`, features `x1..xd` and no scaler.
    pub fn plain(estimator: Estimator) -> Self {
        let c = estimator.classifier();
        Self {
            classes: (0..c.n_classes()).map(|k| k.to_string()).collect(),
            feature_names: (1..=c.n_features()).map(|j| format!("x{j}")).collect(),
            label_name: "label".into(),
            scaler: Scaler::None,
            estimator,
        }
    }

    /// The network, when the estimator is one.
    pub fn mlp(&self) -> Option<&Mlp> {
        match &self.estimator {
            Estimator::Mlp(m) => Some(m),
            Estimator::Logistic(_) => None,
        }
    }

    /// The model file text (pretty-printed JSON, version 2).
    pub fn to_json(&self) -> Result<String, ModelFileError> {
        let model: Value = match &self.estimator {
            Estimator::Mlp(m) => serde_json::from_str(&m.to_model_json()?)
                .map_err(|e| ModelFileError::Unsaveable(e.to_string()))?,
            Estimator::Logistic(m) => {
                if !m.coef().iter().chain(m.intercept()).all(|v| v.is_finite()) {
                    return Err(ModelFileError::Unsaveable("non-finite coefficients".into()));
                }
                serde_json::to_value(m).map_err(|e| ModelFileError::Unsaveable(e.to_string()))?
            }
        };
        let file = SavedFile {
            format: SAVED_MODEL_FORMAT.into(),
            version: SAVED_MODEL_VERSION,
            kind: self.estimator.kind().into(),
            classes: self.classes.clone(),
            feature_names: self.feature_names.clone(),
            label_name: self.label_name.clone(),
            scaler: self.scaler.clone(),
            model,
        };
        serde_json::to_string_pretty(&file).map_err(|e| ModelFileError::Unsaveable(e.to_string()))
    }

    /// Saves the model file at `path` atomically (see [`moons_datasets::atomic`]).
    pub fn save(&self, path: &Path) -> Result<(), ModelFileError> {
        let text = self.to_json()?;
        moons_datasets::atomic::write_atomically(path, |w| writeln!(w, "{text}")).map_err(|e| {
            ModelFileError::Write {
                path: path.display().to_string(),
                message: e.to_string(),
            }
        })
    }

    /// Reads a model file: version 2 of any kind, or a version-1 `moons-mlp` file.
    pub fn load(path: &Path) -> Result<Self, ModelFileError> {
        let (name, bytes) = crate::model_file::read_model_file(path)?;
        Self::from_json(&name, &bytes)
    }

    /// Parses a model file's bytes; `name` is used in errors.
    pub fn from_json(name: &str, bytes: &[u8]) -> Result<Self, ModelFileError> {
        let value: Value = serde_json::from_slice(bytes).ok().unwrap_or(Value::Null);
        if value.get("format").and_then(Value::as_str) != Some(SAVED_MODEL_FORMAT) {
            // Not version 2: a version-1 network file, or an error that says why not.
            return Mlp::from_model_json(name, bytes).map(|m| Self::plain(Estimator::Mlp(m)));
        }
        let file: SavedFile =
            serde_json::from_value(value).map_err(|e| invalid(name, e.to_string()))?;
        if file.version != SAVED_MODEL_VERSION {
            return Err(invalid(
                name,
                format!("it is version {}; this build reads version {SAVED_MODEL_VERSION} (and moons-mlp version 1)", file.version),
            ));
        }
        let estimator = match file.kind.as_str() {
            "mlp" => {
                let text = file.model.to_string();
                Estimator::Mlp(Mlp::from_model_json(name, text.as_bytes())?)
            }
            "logistic-regression" => {
                Estimator::Logistic(serde_json::from_value(file.model).map_err(|e| {
                    invalid(name, format!("its logistic regression is invalid: {e}"))
                })?)
            }
            other => {
                return Err(invalid(
                    name,
                    format!("unknown kind '{other}': expected mlp or logistic-regression"),
                ))
            }
        };
        let c = estimator.classifier();
        if file.classes.len() != c.n_classes() {
            return Err(invalid(
                name,
                format!(
                    "it names {} classes but the model has {}",
                    file.classes.len(),
                    c.n_classes()
                ),
            ));
        }
        if file.feature_names.len() != c.n_features() {
            return Err(invalid(
                name,
                format!(
                    "it names {} features but the model has {}",
                    file.feature_names.len(),
                    c.n_features()
                ),
            ));
        }
        if !file.scaler.is_valid()
            || file
                .scaler
                .n_features()
                .is_some_and(|n| n != c.n_features())
        {
            return Err(invalid(
                name,
                "its scaler does not fit the model (lengths or non-finite numbers)",
            ));
        }
        Ok(Self {
            estimator,
            scaler: file.scaler,
            classes: file.classes,
            feature_names: file.feature_names,
            label_name: file.label_name,
        })
    }
}

impl Classifier for SavedModel {
    fn n_features(&self) -> usize {
        self.estimator.classifier().n_features()
    }

    fn n_classes(&self) -> usize {
        self.estimator.classifier().n_classes()
    }

    /// Scales the raw features, then asks the estimator.
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        match self.scaler {
            Scaler::None => self.estimator.classifier().predict_proba(x),
            _ => self
                .estimator
                .classifier()
                .predict_proba(self.scaler.transform(x).view()),
        }
    }
}
