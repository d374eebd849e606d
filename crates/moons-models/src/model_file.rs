//! Versioned save and load of a trained [`Mlp`] as JSON.
//!
//! ```json
//! {"format": "moons-mlp", "version": 1, "activation": "relu",
//!  "n_features": 2, "hidden": [16, 16], "n_classes": 3,
//!  "layers": [{"inputs": 2, "outputs": 16, "weights": [[...], [...]], "bias": [...]}, ...]}
//! ```
//!
//! `weights` is `inputs` rows of `outputs` numbers. Numbers are written in shortest round-trip
//! form and read back with correct rounding, so a loaded model predicts exactly as the saved one.
//! Loading refuses anything that is not exactly such a file: wrong format name or version,
//! shapes that disagree with each other or with `hidden`, non-finite weights.

use std::io::Write;
use std::path::Path;

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::{check_architecture, Activation, Layer, Mlp};

/// The `format` field of a model file.
pub const MODEL_FORMAT: &str = "moons-mlp";

/// The `version` field this build writes and reads.
pub const MODEL_VERSION: u64 = 1;

/// The largest model file read, in bytes.
pub const MAX_MODEL_BYTES: u64 = 1 << 30;

/// Why a model could not be saved or loaded.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ModelFileError {
    /// The file could not be read or written.
    #[error("cannot read model {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        message: String,
    },
    /// The file is not a valid model file.
    #[error("{path} is not a valid {MODEL_FORMAT} model file: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The file could not be written.
    #[error("cannot write model {path}: {message}")]
    Write {
        /// The file.
        path: String,
        /// What the operating system said.
        message: String,
    },
    /// The model cannot be saved (it holds non-finite weights).
    #[error("cannot save the model: {0}")]
    Unsaveable(String),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    format: String,
    version: u64,
    activation: Activation,
    n_features: usize,
    hidden: Vec<usize>,
    n_classes: usize,
    layers: Vec<LayerFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerFile {
    inputs: usize,
    outputs: usize,
    // `Option` so that a NaN written as `null` by another tool is reported as a non-finite
    // weight rather than as a type error.
    weights: Vec<Vec<Option<f64>>>,
    bias: Vec<Option<f64>>,
}

impl Mlp {
    /// The model as a version-1 model file (pretty-printed JSON).
    pub fn to_model_json(&self) -> Result<String, ModelFileError> {
        if let Some((l, _)) = self
            .layers
            .iter()
            .enumerate()
            .find(|(_, l)| !l.weights.iter().chain(&l.bias).all(|w| w.is_finite()))
        {
            return Err(ModelFileError::Unsaveable(format!(
                "layer {l} has non-finite weights"
            )));
        }
        let file = ModelFile {
            format: MODEL_FORMAT.into(),
            version: MODEL_VERSION,
            activation: self.activation,
            n_features: self.layers.first().map_or(0, Layer::inputs),
            hidden: self.hidden_sizes(),
            n_classes: self.layers.last().map_or(0, Layer::outputs),
            layers: self
                .layers
                .iter()
                .map(|l| LayerFile {
                    inputs: l.inputs(),
                    outputs: l.outputs(),
                    weights: l
                        .weights
                        .rows()
                        .into_iter()
                        .map(|r| r.iter().map(|&w| Some(w)).collect())
                        .collect(),
                    bias: l.bias.iter().map(|&b| Some(b)).collect(),
                })
                .collect(),
        };
        serde_json::to_string_pretty(&file).map_err(|e| ModelFileError::Unsaveable(e.to_string()))
    }

    /// Writes [`to_model_json`](Self::to_model_json) and a final newline to `w`.
    pub fn save_json(&self, w: &mut dyn Write) -> Result<(), ModelFileError> {
        let text = self.to_model_json()?;
        writeln!(w, "{text}").map_err(|e| ModelFileError::Unsaveable(e.to_string()))
    }

    /// Saves the model file at `path` atomically: a failure or a signal never leaves a partial
    /// file in place of an existing one (see [`moons_datasets::atomic`]).
    pub fn save(&self, path: &Path) -> Result<(), ModelFileError> {
        let text = self.to_model_json()?;
        moons_datasets::atomic::write_atomically(path, |w| writeln!(w, "{text}")).map_err(|e| {
            ModelFileError::Write {
                path: path.display().to_string(),
                message: e.to_string(),
            }
        })
    }

    /// Reads a model file written by [`save_json`](Self::save_json) or [`save`](Self::save).
    pub fn load_json(path: &Path) -> Result<Self, ModelFileError> {
        let (name, bytes) = read_model_file(path)?;
        Self::from_model_json(&name, &bytes)
    }

    /// Parses the bytes of a model file; `name` is used in errors.
    ///
    /// ```
    /// use moons_datasets::RandomState;
    /// use moons_models::{Activation, Init, Mlp};
    /// let model = Mlp::new(2, &[4], 3, Activation::Relu, Init::He, &mut RandomState::new(1))?;
    /// let text = model.to_model_json()?;
    /// assert_eq!(Mlp::from_model_json("m.json", text.as_bytes())?, model);
    /// let bad = text.replace("\"version\": 1", "\"version\": 2");
    /// assert!(Mlp::from_model_json("m.json", bad.as_bytes()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_model_json(name: &str, bytes: &[u8]) -> Result<Self, ModelFileError> {
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
            if e.is_eof() {
                invalid(
                    name,
                    format!(
                        "it ends too early (truncated?) at line {}, column {}",
                        e.line(),
                        e.column()
                    ),
                )
            } else {
                invalid(name, format!("it is not JSON ({e})"))
            }
        })?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(MODEL_FORMAT) => {}
            Some(crate::SAVED_MODEL_FORMAT) => {
                return Err(invalid(
                    name,
                    "it is a moons-model file (a model with its scaler and class names): load \
                     it with SavedModel::load, which applies them",
                ))
            }
            Some(other) => {
                return Err(invalid(
                    name,
                    format!("its format is '{other}', not '{MODEL_FORMAT}'"),
                ))
            }
            None => {
                return Err(invalid(
                    name,
                    format!("it has no \"format\": \"{MODEL_FORMAT}\" field"),
                ))
            }
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(MODEL_VERSION) => {}
            Some(v) => {
                return Err(invalid(
                    name,
                    format!("it is version {v}; this build reads version {MODEL_VERSION}"),
                ))
            }
            None => return Err(invalid(name, "it has no integer \"version\" field")),
        }
        let file: ModelFile =
            serde_json::from_value(value).map_err(|e| invalid(name, e.to_string()))?;
        check_architecture(file.n_features, &file.hidden, file.n_classes)
            .map_err(|e| invalid(name, e.to_string()))?;
        let widths = Mlp::widths_of(file.n_features, &file.hidden, file.n_classes);
        if file.layers.len() + 1 != widths.len() {
            return Err(invalid(
                name,
                format!(
                    "it has {} layers but \"hidden\" {:?} needs {}",
                    file.layers.len(),
                    file.hidden,
                    widths.len() - 1
                ),
            ));
        }
        let mut layers = Vec::with_capacity(file.layers.len());
        for (l, (layer, shape)) in file.layers.iter().zip(widths.windows(2)).enumerate() {
            layers.push(to_layer(name, l, layer, shape[0], shape[1])?);
        }
        Mlp::from_layers(layers, file.activation).map_err(|e| invalid(name, e.to_string()))
    }
}

fn to_layer(
    name: &str,
    l: usize,
    layer: &LayerFile,
    inputs: usize,
    outputs: usize,
) -> Result<Layer, ModelFileError> {
    if (layer.inputs, layer.outputs) != (inputs, outputs) {
        return Err(invalid(
            name,
            format!(
                "layer {l} is declared {}x{} but the network shape needs {inputs}x{outputs}",
                layer.inputs, layer.outputs
            ),
        ));
    }
    if layer.weights.len() != inputs || layer.weights.iter().any(|r| r.len() != outputs) {
        return Err(invalid(
            name,
            format!("layer {l}'s weights are not {inputs} rows of {outputs} numbers"),
        ));
    }
    if layer.bias.len() != outputs {
        return Err(invalid(
            name,
            format!(
                "layer {l}'s bias has {} numbers, not {outputs}",
                layer.bias.len()
            ),
        ));
    }
    let finite = |v: &Option<f64>| v.filter(|x| x.is_finite());
    let mut weights = Array2::<f64>::zeros((inputs, outputs));
    for ((i, j), w) in weights.indexed_iter_mut() {
        let stored = layer.weights.get(i).and_then(|r| r.get(j));
        *w = stored.and_then(finite).ok_or_else(|| {
            invalid(
                name,
                format!("layer {l}, weight [{i}][{j}] is not a finite number"),
            )
        })?;
    }
    let mut bias = Array1::<f64>::zeros(outputs);
    for (j, (b, stored)) in bias.iter_mut().zip(&layer.bias).enumerate() {
        *b = finite(stored).ok_or_else(|| {
            invalid(
                name,
                format!("layer {l}, bias [{j}] is not a finite number"),
            )
        })?;
    }
    Ok(Layer { weights, bias })
}

/// The bytes of a model file and the name errors use, refusing a folder or a file larger
/// than any model this build writes before reading it.
pub(crate) fn read_model_file(path: &Path) -> Result<(String, Vec<u8>), ModelFileError> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| ModelFileError::Io {
        path: name.clone(),
        message: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(invalid(&name, "it is a folder"));
    }
    if meta.len() > MAX_MODEL_BYTES {
        return Err(invalid(
            &name,
            format!(
                "it is {} bytes, more than any model this build writes",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    Ok((name, bytes))
}

pub(crate) fn invalid(name: &str, message: impl Into<String>) -> ModelFileError {
    ModelFileError::Invalid {
        path: name.to_string(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Init;
    use moons_datasets::RandomState;

    #[test]
    fn save_is_atomic_and_loads_back_the_same_model() {
        let dir = std::env::temp_dir().join(format!("moons-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.json");
        let m = model();
        m.save(&path).unwrap();
        assert_eq!(Mlp::load_json(&path).unwrap(), m);
        // A model that cannot be saved leaves the good file as it was, with no temporary.
        let mut broken = m.clone();
        broken.layers[0].weights[[0, 0]] = f64::NAN;
        assert!(broken.save(&path).is_err());
        assert_eq!(Mlp::load_json(&path).unwrap(), m);
        let err = m.save(&dir.join("missing/m.json")).unwrap_err().to_string();
        assert!(err.starts_with("cannot write model "), "{err}");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["m.json"]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn model() -> Mlp {
        Mlp::new(
            3,
            &[5, 4],
            3,
            Activation::LeakyRelu,
            Init::Xavier,
            &mut RandomState::new(7),
        )
        .unwrap()
    }

    fn load(text: &str) -> Result<Mlp, String> {
        Mlp::from_model_json("m.json", text.as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn round_trip_is_bit_exact() {
        let m = model();
        let text = m.to_model_json().unwrap();
        let back = load(&text).unwrap();
        let bits = |m: &Mlp| -> Vec<u64> {
            m.layers
                .iter()
                .flat_map(|l| l.weights.iter().chain(&l.bias).map(|w| w.to_bits()))
                .collect()
        };
        assert_eq!(bits(&back), bits(&m));
        assert_eq!(back, m);
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let text = model().to_model_json().unwrap();
        let cases = [
            (String::new(), "truncated"),
            (text[..text.len() / 2].to_string(), "truncated"),
            ("hello".into(), "not JSON"),
            (
                text.replace("moons-mlp", "moons-linear"),
                "format is 'moons-linear'",
            ),
            (
                text.replace("\"version\": 1", "\"version\": 2"),
                "version 2",
            ),
            (
                text.replace("\"version\": 1", "\"version\": \"1\""),
                "no integer \"version\"",
            ),
            ("{}".into(), "no \"format\""),
            (
                text.replacen("\"n_features\": 3", "\"n_features\": 2", 1),
                "needs 2x5",
            ),
            (
                text.replacen("\"hidden\": [\n    5,\n    4\n  ]", "\"hidden\": [5]", 1),
                "needs 2",
            ),
            (
                text.replacen(
                    "\"activation\": \"leaky-relu\"",
                    "\"activation\": \"swish\"",
                    1,
                ),
                "unknown variant",
            ),
            (
                text.replacen("\"n_classes\": 3", "\"n_classes\": 1", 1),
                "invalid classes 1",
            ),
        ];
        for (bad, why) in cases {
            let e = load(&bad).unwrap_err();
            assert!(e.contains(why), "expected '{why}' in: {e}");
            assert!(
                e.starts_with("m.json is not a valid moons-mlp model file: "),
                "{e}"
            );
        }
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["layers"][1]["weights"][2][1] = serde_json::Value::Null;
        let e = load(&v.to_string()).unwrap_err();
        assert!(
            e.contains("layer 1, weight [2][1] is not a finite number"),
            "{e}"
        );
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["layers"][0]["weights"][0] = serde_json::json!([1.0]);
        assert!(load(&v.to_string())
            .unwrap_err()
            .contains("not 3 rows of 5"));
        let big = text.replacen("\"n_features\": 3", "\"n_features\": 1e999", 1);
        assert!(load(&big).is_err());
    }

    #[test]
    fn missing_file_and_non_finite_model() {
        let e = Mlp::load_json(Path::new("/nonexistent/m.json"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("cannot read model /nonexistent/m.json: "),
            "{e}"
        );
        let mut m = model();
        m.layers[0].bias[1] = f64::NAN;
        assert!(m.to_model_json().is_err());
    }
}
