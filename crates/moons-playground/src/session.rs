//! One learner's run: the configuration, the points, the network and its [`TrainingRun`],
//! the loss history, and the frames the page draws. Everything here is synchronous; the
//! server calls it from blocking threads.

use moons_datasets::Dataset;
use moons_models::{Estimator, Mlp, SavedModel};
use moons_train::{Evaluation, TrainError, TrainingRun};
use serde_json::{json, Value};

use crate::config::{Config, ConfigError, DatasetKind};
use crate::experiment::{self, Points, Prepared};
use crate::frame::{self, Confusion, FrameBuilder};

/// The most epochs one `step` request may ask for.
pub const MAX_STEP_EPOCHS: usize = 1_000_000;
/// History entries kept; beyond it every other one is dropped and the spacing doubles.
const MAX_HISTORY: usize = 4096;
/// Boundary snapshots kept for the animation, thinned the same way.
const MAX_SNAPSHOTS: usize = 64;

/// Epochs per frame while playing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speed {
    /// This many epochs per frame.
    Epochs(usize),
    /// As many epochs as fit in a frame's time.
    Max,
}

impl Speed {
    /// `N` or `"max"`.
    pub fn parse(v: &Value) -> Result<Self, ConfigError> {
        let bad = || ConfigError {
            field: "speed".into(),
            message: format!("expected epochs per frame from 1 to 100000, or \"max\", not {v}"),
        };
        match v {
            Value::String(s) if s == "max" => Ok(Speed::Max),
            Value::String(s) => s
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .map(Speed::Epochs)
                .ok_or_else(bad),
            _ => v
                .as_u64()
                .filter(|n| (1..=100_000).contains(n))
                .map(|n| Speed::Epochs(n as usize))
                .ok_or_else(bad),
        }
    }

    fn to_json(self) -> Value {
        match self {
            Speed::Epochs(n) => json!(n),
            Speed::Max => json!("max"),
        }
    }
}

/// Losses and accuracies after an epoch, as the API reports them.
pub fn metrics_json(epoch: usize, e: &Evaluation) -> Value {
    json!({
        "epoch": epoch,
        "train_loss": e.train_loss,
        "test_loss": e.test_loss,
        "train_accuracy": e.train_accuracy,
        "test_accuracy": e.test_accuracy,
        "train_loss_text": format!("{:.6}", e.train_loss),
        "test_loss_text": e.test_loss.map(|l| format!("{l:.6}")),
    })
}

/// Why a request to a session failed; the server maps it to a status.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// A configuration key (400 with its field).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Data or a model that cannot be used (400).
    #[error("{0}")]
    Invalid(String),
    /// Training stopped (the loss or a gradient stopped being finite); the run is paused.
    #[error(transparent)]
    Train(#[from] TrainError),
}

fn invalid(e: impl std::fmt::Display) -> SessionError {
    SessionError::Invalid(e.to_string())
}

/// A session's state.
#[derive(Debug)]
pub struct Session {
    config: Config,
    points: Points,
    prepared: Prepared,
    model: Mlp,
    run: TrainingRun,
    imported: Option<Mlp>,
    frames: Option<FrameBuilder>,
    confusion: Confusion,
    latest: Evaluation,
    history: Vec<(usize, Evaluation)>,
    history_every: usize,
    snapshots: Vec<(usize, Mlp)>,
    snapshot_every: usize,
    /// Whether the worker trains between frames.
    pub playing: bool,
    pub speed: Speed,
    /// Pause when the epoch reaches this.
    pub stop: Option<usize>,
    /// Epochs per second over the last frame, for the page.
    pub epochs_per_second: f64,
    /// The last training error, shown by the page.
    pub error: Option<String>,
}

impl Session {
    /// A session for `config`, at epoch 0.
    pub fn new(config: Config) -> Result<Self, SessionError> {
        if config.dataset == DatasetKind::Csv {
            return Err(ConfigError {
                field: "dataset".into(),
                message: "csv data comes from an upload: create the session, then PUT the file \
                          to /api/sessions/{id}/data"
                    .into(),
            }
            .into());
        }
        let points = experiment::generate(&config).map_err(invalid)?;
        Self::with_points(config, points)
    }

    fn with_points(config: Config, points: Points) -> Result<Self, SessionError> {
        let prepared = experiment::prepare(&config, &points).map_err(invalid)?;
        let (run, latest) = start(&prepared)?;
        let frames = FrameBuilder::new(&prepared.model, &points.data, &prepared.scaler);
        let confusion = Confusion::new(&prepared.model);
        let model = prepared.model.clone();
        let mut s = Self {
            config,
            points,
            prepared,
            model,
            run,
            imported: None,
            frames,
            confusion,
            latest,
            history: Vec::new(),
            history_every: 1,
            snapshots: Vec::new(),
            snapshot_every: 1,
            playing: false,
            speed: Speed::Epochs(1),
            stop: None,
            epochs_per_second: 0.0,
            error: None,
        };
        s.record();
        Ok(s)
    }

    /// Back to epoch 0 with the initial weights of the current configuration and points.
    pub fn reset(&mut self) -> Result<(), SessionError> {
        let fresh = Self::with_points(self.config.clone(), self.points.clone())?;
        self.restart_as(fresh);
        Ok(())
    }

    /// Becomes `fresh` (a new run at epoch 0), keeping how the session plays.
    fn restart_as(&mut self, fresh: Self) {
        *self = Self {
            playing: self.playing,
            speed: self.speed,
            stop: self.stop,
            ..fresh
        };
    }

    /// Changes configuration keys; the learning rate and λ change the run in place, anything
    /// else starts it again. Returns whether it was reset.
    pub fn patch(&mut self, object: &Value) -> Result<bool, SessionError> {
        let mut next = self.config.clone();
        next.apply(object, &crate::config::SESSION_KEYS)?;
        if let Some(v) = object.get("speed") {
            self.speed = Speed::parse(v)?;
        }
        if let Some(v) = object.get("stop") {
            self.stop = parse_stop(v)?;
        }
        if let Some(v) = object.get("playing") {
            self.playing = v.as_bool().ok_or_else(|| ConfigError {
                field: "playing".into(),
                message: format!("expected true or false, not {v}"),
            })?;
        }
        if !self.config.needs_reset(&next) {
            self.run.set_rates(next.learning_rate, next.reg_lambda)?;
            self.config = next;
            return Ok(false);
        }
        let regenerate = data_keys_changed(&self.config, &next);
        if next.dataset == DatasetKind::Csv && !self.points.uploaded {
            return Err(ConfigError {
                field: "dataset".into(),
                message: "csv data comes from an upload: PUT the file to /data".into(),
            }
            .into());
        }
        let points = if regenerate && next.dataset != DatasetKind::Csv {
            experiment::generate(&next).map_err(invalid)?
        } else {
            self.points.clone()
        };
        let fresh = Self::with_points(next, points)?;
        self.restart_as(fresh);
        Ok(true)
    }

    /// Replaces the points with an uploaded CSV file; the run starts again.
    pub fn upload(&mut self, name: &str, bytes: &[u8]) -> Result<(), SessionError> {
        let points = experiment::parse_upload(name, bytes).map_err(invalid)?;
        let mut config = self.config.clone();
        config.dataset = DatasetKind::Csv;
        config.classes = None;
        self.restart_as(Self::with_points(config, points)?);
        self.playing = false;
        Ok(())
    }

    /// Adds a point of `class` at `(x, y)`; the run starts again.
    pub fn add_point(&mut self, x: f64, y: f64, class: usize) -> Result<(), SessionError> {
        self.check_drawable()?;
        if !(x.is_finite() && y.is_finite()) {
            return Err(invalid("x and y must be finite numbers"));
        }
        if class >= self.points.classes.len() {
            return Err(invalid(format!(
                "class must be from 0 to {}",
                self.points.classes.len() - 1
            )));
        }
        if self.points.data.n_samples() >= crate::config::MAX_PAGE_SAMPLES {
            return Err(invalid("the session holds as many points as it may"));
        }
        let d = &self.points.data;
        let mut features = d.features.clone();
        features
            .push_row(ndarray::aview1(&[x, y]))
            .map_err(invalid)?;
        let mut labels = d.labels.to_vec();
        labels.push(class);
        self.replace_points(Dataset::new(features, labels.into()).map_err(invalid)?)
    }

    /// Removes the point nearest `(x, y)`; the run starts again.
    pub fn remove_point(&mut self, x: f64, y: f64) -> Result<(), SessionError> {
        self.check_drawable()?;
        let d = &self.points.data;
        if d.n_samples() <= 1 {
            return Err(invalid("the last point cannot be removed"));
        }
        let nearest = d
            .x()
            .rows()
            .into_iter()
            .map(|r| (r[0] - x).powi(2) + (r[1] - y).powi(2))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
            .unwrap_or(0);
        let keep: Vec<usize> = (0..d.n_samples()).filter(|&i| i != nearest).collect();
        self.replace_points(d.select(&keep))
    }

    fn check_drawable(&self) -> Result<(), SessionError> {
        match self.points.data.n_features() {
            2 => Ok(()),
            n => Err(invalid(format!(
                "points can be added on the map only with 2 features; the data has {n}"
            ))),
        }
    }

    fn replace_points(&mut self, data: Dataset) -> Result<(), SessionError> {
        let points = Points {
            data,
            ..self.points.clone()
        };
        let fresh = Self::with_points(self.config.clone(), points)?;
        self.restart_as(fresh);
        Ok(())
    }

    /// Shows an imported model file's boundary on the current points until the next reset.
    pub fn import(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        let saved = SavedModel::from_json("model", bytes).map_err(invalid)?;
        let Some(mlp) = saved.mlp() else {
            return Err(invalid("only network (mlp) model files can be shown"));
        };
        if mlp.layers[0].inputs() != self.points.data.n_features() {
            return Err(invalid(format!(
                "the model takes {} features but the data has {}",
                mlp.layers[0].inputs(),
                self.points.data.n_features()
            )));
        }
        // The frames and the confusion matrices follow the imported network's shape.
        self.frames = FrameBuilder::new(mlp, &self.points.data, &self.prepared.scaler);
        self.confusion = Confusion::new(mlp);
        self.imported = Some(mlp.clone());
        Ok(())
    }

    /// Trains `epochs` epochs (fewer when `stop` is reached while playing).
    pub fn step(&mut self, epochs: usize) -> Result<(), SessionError> {
        for _ in 0..epochs {
            self.one_epoch()?;
        }
        self.evaluate()?;
        Ok(())
    }

    /// One epoch, recorded in the history when it falls on the history's spacing.
    pub fn one_epoch(&mut self) -> Result<(), SessionError> {
        let result = self.run.pass(&mut self.model, &self.prepared.train);
        if let Err(e) = result {
            self.playing = false;
            self.error = Some(e.to_string());
            return Err(e.into());
        }
        let epoch = self.epoch();
        if epoch % self.history_every == 0 {
            self.evaluate()?;
        }
        if epoch % self.snapshot_every == 0 {
            self.snapshot();
        }
        Ok(())
    }

    /// Measures the run now (exact) and records it.
    pub fn evaluate(&mut self) -> Result<(), SessionError> {
        let e = self.run.evaluate(
            &self.model,
            &self.prepared.train,
            self.prepared.test.as_ref(),
        );
        match e {
            Ok(e) => {
                self.latest = e;
                self.record();
                Ok(())
            }
            Err(e) => {
                self.playing = false;
                self.error = Some(e.to_string());
                Err(e.into())
            }
        }
    }

    fn record(&mut self) {
        let epoch = self.epoch();
        if self.history.last().is_some_and(|(e, _)| *e == epoch) {
            return;
        }
        if epoch % self.history_every == 0 || self.history.is_empty() {
            self.history.push((epoch, self.latest));
        }
        if self.history.len() > MAX_HISTORY {
            self.history_every *= 2;
            let every = self.history_every;
            self.history.retain(|(e, _)| e % every == 0);
        }
    }

    fn snapshot(&mut self) {
        self.snapshots.push((self.epoch(), self.model.clone()));
        if self.snapshots.len() > MAX_SNAPSHOTS {
            self.snapshot_every *= 2;
            let every = self.snapshot_every;
            self.snapshots.retain(|(e, _)| e % every == 0);
        }
    }

    /// Completed epochs.
    pub fn epoch(&self) -> usize {
        self.run.passes_done()
    }

    /// The latest metrics as JSON.
    pub fn metrics(&self) -> Value {
        metrics_json(self.epoch(), &self.latest)
    }

    /// The session as the API returns it.
    pub fn summary(&self, id: &str) -> Value {
        json!({
            "id": id,
            "config": self.config.to_json(),
            "epoch": self.epoch(),
            "playing": self.playing,
            "speed": self.speed.to_json(),
            "stop": self.stop,
            "classes": self.points.classes,
            "n_features": self.points.data.n_features(),
            "drawable": self.frames.is_some(),
            "metrics": self.metrics(),
            "error": self.error,
        })
    }

    /// The points, split, in their own coordinates.
    pub fn data_json(&self) -> Value {
        let set = |d: &Dataset| {
            let x: Vec<Vec<f64>> = d.x().rows().into_iter().map(|r| r.to_vec()).collect();
            json!({"x": x, "y": d.labels.to_vec()})
        };
        let n = self.points.data.n_features();
        json!({
            "features": self.points.feature_names,
            "classes": self.points.classes,
            "train": set(&self.prepared.raw_train),
            "test": self.prepared.raw_test.as_ref().map(set),
            "bounds": self.frames.as_ref().map(|f| f.bounds()),
            "drawable": n == 2,
            "why_not": (n != 2).then(|| format!(
                "the map shows two features; this data has {n}, so the charts, metrics and \
                 confusion matrix train on all of them and no map is drawn")),
        })
    }

    /// The model file of the run so far (what `moons eval` reads).
    pub fn model_file(&self) -> Result<String, SessionError> {
        let saved = SavedModel {
            estimator: Estimator::Mlp(self.model.clone()),
            scaler: self.prepared.scaler.clone(),
            classes: self.points.classes.clone(),
            feature_names: self.points.feature_names.clone(),
            label_name: self.points.label_name.clone(),
        };
        saved.to_json().map_err(invalid)
    }

    /// The recorded history.
    pub fn history_json(&self) -> Value {
        Value::Array(
            self.history
                .iter()
                .map(|(epoch, e)| metrics_json(*epoch, e))
                .collect(),
        )
    }

    /// The history as CSV.
    pub fn history_csv(&self) -> String {
        let mut out = String::from("epoch,train_loss,test_loss,train_accuracy,test_accuracy\n");
        let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        for (epoch, e) in &self.history {
            out.push_str(&format!(
                "{epoch},{},{},{},{}\n",
                e.train_loss,
                opt(e.test_loss),
                e.train_accuracy,
                opt(e.test_accuracy)
            ));
        }
        out
    }

    /// Snapshots of the network over the run, with the points, for the animation.
    pub fn snapshots(&self) -> (Vec<(usize, Mlp)>, Dataset) {
        let mut shots = self.snapshots.clone();
        if shots.last().is_none_or(|(e, _)| *e != self.epoch()) {
            shots.push((self.epoch(), self.model.clone()));
        }
        (shots, self.prepared.train.clone())
    }

    /// The frame the page draws now.
    pub fn frame(&mut self) -> Value {
        let shown = self.imported.as_ref().unwrap_or(&self.model);
        let (map, units) = match self.frames.as_mut() {
            Some(f) => f.maps(shown),
            None => (Value::Null, Value::Null),
        };
        let k = self.points.classes.len().max(2);
        json!({
            "epoch": self.epoch(),
            "playing": self.playing,
            "speed": self.speed.to_json(),
            "stop": self.stop,
            "epochs_per_second": self.epochs_per_second,
            "metrics": self.metrics(),
            "map": map,
            "units": units,
            "weights": frame::weights(shown),
            "confusion": {
                "train": self.confusion.of(shown, &self.prepared.train, k),
                "test": self.prepared.test.as_ref().map(|t| self.confusion.of(shown, t, k)),
            },
            "imported": self.imported.is_some(),
            "error": self.error,
        })
    }
}

fn start(prepared: &Prepared) -> Result<(TrainingRun, Evaluation), SessionError> {
    let mut run = TrainingRun::start(
        &prepared.trainer,
        &prepared.model,
        &prepared.train,
        prepared.test.as_ref(),
    )?;
    let latest = run.evaluate(&prepared.model, &prepared.train, prepared.test.as_ref())?;
    Ok((run, latest))
}

/// `stop`: null or an epoch.
pub fn parse_stop(v: &Value) -> Result<Option<usize>, ConfigError> {
    match v {
        Value::Null => Ok(None),
        _ => v
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| ConfigError {
                field: "stop".into(),
                message: format!("expected null or a whole number of epochs, not {v}"),
            }),
    }
}

fn data_keys_changed(a: &Config, b: &Config) -> bool {
    a.dataset != b.dataset
        || a.samples != b.samples
        || a.noise != b.noise
        || a.classes != b.classes
        || a.seed != b.seed
}
