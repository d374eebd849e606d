//! A session's configuration: the JSON keys (the same as the page's URL hash), their defaults
//! (the seed's run) and their checks, which are the CLI flags' checks
//! ([`moons_train::ranges`]).

use moons_models::{Activation, Init, MAX_HIDDEN_LAYERS};
use moons_train::ranges;
use serde_json::{json, Map, Value};

/// The widest hidden layer the page offers.
pub const MAX_PAGE_WIDTH: usize = 256;
/// The most hidden layers the page offers.
pub const MAX_PAGE_LAYERS: usize = 8;
/// The most points a session holds: enough for any lesson, small enough that a frame stays
/// cheap and a session small.
pub const MAX_PAGE_SAMPLES: usize = 100_000;

/// Data a session trains on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatasetKind {
    /// `make_moons` (the seed's).
    Moons,
    /// `make_circles` with factor 0.5.
    Circles,
    /// Uniform points labelled by the sign of `x·y`.
    Xor,
    /// K interleaved arms.
    Spirals,
    /// K Gaussian blobs.
    Blobs,
    /// An uploaded CSV file.
    Csv,
}

impl DatasetKind {
    /// The names the key accepts.
    pub const NAMES: [&'static str; 6] = ["moons", "circles", "xor", "spirals", "blobs", "csv"];

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "moons" => Self::Moons,
            "circles" => Self::Circles,
            "xor" => Self::Xor,
            "spirals" => Self::Spirals,
            "blobs" => Self::Blobs,
            "csv" => Self::Csv,
            _ => return None,
        })
    }

    /// The key's value.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// Spirals and blobs take a class count; the others have two classes.
    pub fn has_class_count(self) -> bool {
        matches!(self, Self::Spirals | Self::Blobs)
    }
}

/// Every key of a session's configuration. `Config::default()` is the seed's run.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub dataset: DatasetKind,
    pub samples: usize,
    pub noise: f64,
    /// `None`: 3 for spirals and blobs, 2 otherwise.
    pub classes: Option<usize>,
    pub seed: u32,
    pub test_fraction: f64,
    pub hidden: Vec<usize>,
    pub activation: Activation,
    /// `None`: the CLI's default for the activation.
    pub init: Option<Init>,
    /// `gd`, `sgd` or `adam`.
    pub optimizer: String,
    pub learning_rate: f64,
    /// `constant`, `inverse-time`, `exponential` or `step`.
    pub schedule: String,
    /// `None`: 0.01, or 0.5 for the step schedule.
    pub decay: Option<f64>,
    pub reg_lambda: f64,
    pub batch_size: Option<usize>,
    /// `None`: `sum` for gd, `mean` otherwise.
    pub gradient: Option<String>,
    pub momentum: f64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            dataset: DatasetKind::Moons,
            samples: 200,
            noise: 0.2,
            classes: None,
            seed: 0,
            test_fraction: 0.0,
            hidden: vec![3],
            activation: Activation::Tanh,
            init: None,
            optimizer: "gd".into(),
            learning_rate: 0.01,
            schedule: "constant".into(),
            decay: None,
            reg_lambda: 0.01,
            batch_size: None,
            gradient: None,
            momentum: 0.0,
        }
    }
}

/// A key that was refused: `{"error": ..., "field": ...}` in the API.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {message}")]
pub struct ConfigError {
    /// The key at fault.
    pub field: String,
    /// What was wrong and what is allowed.
    pub message: String,
}

fn refuse(field: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        field: field.into(),
        message: message.into(),
    }
}

/// Keys a session takes beside its configuration: how it plays.
pub const SESSION_KEYS: [&str; 3] = ["playing", "speed", "stop"];

/// The keys that change the run's settings without changing its shape.
pub const LIVE_KEYS: [&str; 2] = ["learning_rate", "reg_lambda"];

/// The configuration keys.
pub const KEYS: [&str; 17] = [
    "dataset",
    "samples",
    "noise",
    "classes",
    "seed",
    "test_fraction",
    "hidden",
    "activation",
    "init",
    "optimizer",
    "learning_rate",
    "schedule",
    "decay",
    "reg_lambda",
    "batch_size",
    "gradient",
    "momentum",
];

const OPTIMIZERS: [&str; 3] = ["gd", "sgd", "adam"];
const SCHEDULES: [&str; 4] = ["constant", "inverse-time", "exponential", "step"];
const GRADIENTS: [&str; 2] = ["sum", "mean"];

fn whole(field: &str, v: &Value) -> Result<u64, ConfigError> {
    v.as_u64()
        .ok_or_else(|| refuse(field, format!("expected a whole number, not {v}")))
}

fn number(field: &str, v: &Value) -> Result<f64, ConfigError> {
    v.as_f64()
        .ok_or_else(|| refuse(field, format!("expected a number, not {v}")))
}

fn one_of<'a>(field: &str, v: &'a Value, allowed: &[&str]) -> Result<&'a str, ConfigError> {
    match v.as_str() {
        Some(s) if allowed.contains(&s) => Ok(s),
        _ => Err(refuse(
            field,
            format!("expected one of {}, not {v}", allowed.join(", ")),
        )),
    }
}

fn checked<T>(field: &str, r: Result<T, String>) -> Result<T, ConfigError> {
    r.map_err(|m| refuse(field, m))
}

impl Config {
    /// The defaults changed by the keys of `object`; an unknown key, a value of the wrong type
    /// or out of range is refused, naming the key. The session's own keys ([`SESSION_KEYS`])
    /// are left to the session.
    pub fn from_json(object: &Value) -> Result<Self, ConfigError> {
        let mut config = Self::default();
        config.apply(object, &SESSION_KEYS)?;
        Ok(config)
    }

    /// Changes the keys `object` names. Keys in `ignored` (the session's own, such as
    /// `speed`) are left to the caller. On error `self` is unchanged.
    pub fn apply(&mut self, object: &Value, ignored: &[&str]) -> Result<(), ConfigError> {
        let Some(map) = object.as_object() else {
            return Err(refuse("", "expected a JSON object of configuration keys"));
        };
        let mut next = self.clone();
        for (key, v) in map {
            if ignored.contains(&key.as_str()) {
                continue;
            }
            next.set(key, v)?;
        }
        next.check()?;
        *self = next;
        Ok(())
    }

    fn set(&mut self, key: &str, v: &Value) -> Result<(), ConfigError> {
        match key {
            "dataset" => {
                let name = one_of(key, v, &DatasetKind::NAMES)?;
                self.dataset = DatasetKind::parse(name).expect("a listed name");
            }
            "samples" => {
                let n = checked(key, ranges::samples(whole(key, v)?))?;
                if n > MAX_PAGE_SAMPLES {
                    return Err(refuse(
                        key,
                        format!("expected a whole number from 1 to {MAX_PAGE_SAMPLES}"),
                    ));
                }
                self.samples = n;
            }
            "noise" => self.noise = checked(key, ranges::noise(number(key, v)?))?,
            "classes" => {
                self.classes = match v {
                    Value::Null => None,
                    _ => Some(checked(key, ranges::classes(whole(key, v)?))?),
                }
            }
            "seed" => {
                self.seed = u32::try_from(whole(key, v)?)
                    .map_err(|_| refuse(key, "expected a whole number from 0 to 4294967295"))?
            }
            "test_fraction" => {
                self.test_fraction = checked(key, ranges::fraction(number(key, v)?))?
            }
            "hidden" => self.hidden = hidden_widths(v)?,
            "activation" => {
                let names = Activation::ALL.map(Activation::name);
                let name = one_of(key, v, &names)?;
                self.activation = Activation::ALL[names.iter().position(|n| *n == name).unwrap()];
            }
            "init" => {
                self.init = match v {
                    Value::Null => None,
                    _ => {
                        let names = Init::ALL.map(Init::name);
                        let name = one_of(key, v, &names)?;
                        Some(Init::ALL[names.iter().position(|n| *n == name).unwrap()])
                    }
                }
            }
            "optimizer" => self.optimizer = one_of(key, v, &OPTIMIZERS)?.into(),
            "learning_rate" => {
                self.learning_rate = checked(key, ranges::positive(number(key, v)?))?
            }
            "schedule" => self.schedule = one_of(key, v, &SCHEDULES)?.into(),
            "decay" => {
                self.decay = match v {
                    Value::Null => None,
                    _ => Some(checked(key, ranges::non_negative(number(key, v)?))?),
                }
            }
            "reg_lambda" => self.reg_lambda = checked(key, ranges::non_negative(number(key, v)?))?,
            "batch_size" => {
                self.batch_size = match v {
                    Value::Null => None,
                    _ => Some(checked(key, ranges::at_least_one(whole(key, v)?))?),
                }
            }
            "gradient" => {
                self.gradient = match v {
                    Value::Null => None,
                    _ => Some(one_of(key, v, &GRADIENTS)?.into()),
                }
            }
            "momentum" => {
                let m = number(key, v)?;
                if !(m.is_finite() && (0.0..1.0).contains(&m)) {
                    return Err(refuse(key, format!("expected a number in [0, 1), not {v}")));
                }
                self.momentum = m;
            }
            _ => {
                return Err(refuse(
                    key,
                    format!("unknown key; the keys are {}", KEYS.join(", ")),
                ))
            }
        }
        Ok(())
    }

    /// Checks between keys.
    fn check(&self) -> Result<(), ConfigError> {
        if let Some(k) = self.classes {
            if !self.dataset.has_class_count() && self.dataset != DatasetKind::Csv && k != 2 {
                return Err(refuse(
                    "classes",
                    format!(
                        "the {} data set has exactly 2 classes; spirals and blobs take 2 to {}",
                        self.dataset.name(),
                        moons_datasets::MAX_CLASSES
                    ),
                ));
            }
        }
        if self.schedule == "step" {
            if let Some(d) = self.decay {
                if !(d > 0.0 && d <= 1.0) {
                    return Err(refuse(
                        "decay",
                        "the step schedule's factor must be in (0, 1]",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The class count generated data gets.
    pub fn class_count(&self) -> usize {
        self.classes
            .unwrap_or(if self.dataset.has_class_count() { 3 } else { 2 })
    }

    /// The initialisation: the one asked for, or the CLI's default for the activation.
    pub fn init(&self) -> Init {
        self.init.unwrap_or(match self.activation {
            Activation::Tanh => Init::Seed,
            Activation::Relu | Activation::LeakyRelu => Init::He,
            Activation::Sigmoid | Activation::Identity => Init::Xavier,
        })
    }

    /// Every key with its value (defaults filled in), as the API returns it.
    pub fn to_json(&self) -> Value {
        json!({
            "dataset": self.dataset.name(),
            "samples": self.samples,
            "noise": self.noise,
            "classes": self.class_count(),
            "seed": self.seed,
            "test_fraction": self.test_fraction,
            "hidden": self.hidden,
            "activation": self.activation.name(),
            "init": self.init().name(),
            "optimizer": self.optimizer,
            "learning_rate": self.learning_rate,
            "schedule": self.schedule,
            "decay": self.decay,
            "reg_lambda": self.reg_lambda,
            "batch_size": self.batch_size,
            "gradient": self.gradient.clone().unwrap_or_else(|| {
                if self.optimizer == "gd" { "sum" } else { "mean" }.to_string()
            }),
            "momentum": self.momentum,
        })
    }

    /// Whether going from `self` to `next` needs a new run (anything but the live keys).
    pub fn needs_reset(&self, next: &Config) -> bool {
        let live = |c: &Config| Config {
            learning_rate: 0.0,
            reg_lambda: 0.0,
            ..c.clone()
        };
        live(self) != live(next)
    }
}

fn hidden_widths(v: &Value) -> Result<Vec<usize>, ConfigError> {
    let key = "hidden";
    let Some(items) = v.as_array() else {
        return Err(refuse(
            key,
            format!("expected an array of layer widths such as [8, 8], not {v}"),
        ));
    };
    let most = MAX_PAGE_LAYERS.min(MAX_HIDDEN_LAYERS);
    if items.len() > most {
        return Err(refuse(
            key,
            format!("expected 0 to {most} hidden layers, not {}", items.len()),
        ));
    }
    items
        .iter()
        .map(|w| {
            let n = checked(key, ranges::width(whole(key, w)?))?;
            if n > MAX_PAGE_WIDTH {
                return Err(refuse(
                    key,
                    format!("expected widths from 1 to {MAX_PAGE_WIDTH}, not {n}"),
                ));
            }
            Ok(n)
        })
        .collect()
}

/// The allowed values of every key, for `GET /api/defaults`.
pub fn allowed() -> Value {
    let mut m = Map::new();
    m.insert("dataset".into(), json!(DatasetKind::NAMES));
    m.insert("samples".into(), json!(format!("1 to {MAX_PAGE_SAMPLES}")));
    m.insert(
        "noise".into(),
        json!(format!("0 to {:e}", ranges::MAX_NOISE)),
    );
    m.insert(
        "classes".into(),
        json!(format!(
            "2 to {} (spirals and blobs)",
            moons_datasets::MAX_CLASSES
        )),
    );
    m.insert("seed".into(), json!("0 to 4294967295"));
    m.insert("test_fraction".into(), json!("[0, 1)"));
    m.insert(
        "hidden".into(),
        json!(format!(
            "0 to {MAX_PAGE_LAYERS} layers of 1 to {MAX_PAGE_WIDTH}"
        )),
    );
    m.insert(
        "activation".into(),
        json!(Activation::ALL.map(Activation::name)),
    );
    m.insert("init".into(), json!(Init::ALL.map(Init::name)));
    m.insert("optimizer".into(), json!(OPTIMIZERS));
    m.insert("learning_rate".into(), json!("> 0"));
    m.insert("schedule".into(), json!(SCHEDULES));
    m.insert("decay".into(), json!(">= 0"));
    m.insert("reg_lambda".into(), json!(">= 0"));
    m.insert("batch_size".into(), json!("null or >= 1"));
    m.insert("gradient".into(), json!(GRADIENTS));
    m.insert("momentum".into(), json!("[0, 1)"));
    Value::Object(m)
}
