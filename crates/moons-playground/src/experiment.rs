//! From a configuration to what a run needs: the points, the split, the scaler, the network
//! and the trainer, built exactly as `moons train` builds them from the same settings.

use moons_datasets::{
    make_blobs, make_circles, make_moons, make_spirals, make_xor, stratified_split,
    table::{read_table, TableOptions},
    Dataset, DatasetError, RandomState,
};
use moons_models::{Mlp, ModelError, Scaler, ScalerKind};
use moons_train::{GradientConvention, LrSchedule, Optimizer, Trainer};

use crate::config::{Config, DatasetKind};

/// The points of a session in their own coordinates, with their class and feature names.
#[derive(Clone, Debug)]
pub struct Points {
    pub data: Dataset,
    pub classes: Vec<String>,
    pub feature_names: Vec<String>,
    pub label_name: String,
    /// Whether the points came from a file (then they are standardised for training).
    pub uploaded: bool,
}

/// The points the configuration generates (`moons data` with the same settings).
pub fn generate(config: &Config) -> Result<Points, DatasetError> {
    let mut rng = RandomState::new(config.seed);
    let (n, noise) = (config.samples, config.noise);
    let data = match config.dataset {
        DatasetKind::Moons | DatasetKind::Csv => make_moons(n, noise, true, &mut rng)?,
        DatasetKind::Circles => make_circles(n, noise, 0.5, true, &mut rng)?,
        DatasetKind::Xor => make_xor(n, &mut rng)?,
        DatasetKind::Blobs => make_blobs(n, config.class_count(), 1.0, &mut rng)?.0,
        DatasetKind::Spirals => make_spirals(n, config.class_count(), noise, &mut rng)?,
    };
    let k = data.n_classes().max(config.class_count());
    Ok(Points {
        classes: (0..k).map(|c| c.to_string()).collect(),
        feature_names: (1..=data.n_features()).map(|j| format!("x{j}")).collect(),
        label_name: "label".into(),
        uploaded: false,
        data,
    })
}

/// A CSV file's points, read as `moons train --data` reads it.
pub fn parse_upload(name: &str, bytes: &[u8]) -> Result<Points, DatasetError> {
    let table = read_table(name, bytes, &TableOptions::default())?;
    if !table.has_labels {
        return Err(DatasetError::CsvFile {
            path: name.into(),
            message: "has no label column: give the class in the last column".into(),
        });
    }
    Ok(Points {
        data: table.data,
        classes: table.classes,
        feature_names: table.feature_names,
        label_name: table.label_name,
        uploaded: true,
    })
}

/// Everything a run starts from.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// Training rows as the network sees them (scaled for uploads).
    pub train: Dataset,
    /// Held-out rows as the network sees them; `None` without a test fraction.
    pub test: Option<Dataset>,
    /// The rows in the points' own coordinates, for drawing.
    pub raw_train: Dataset,
    pub raw_test: Option<Dataset>,
    pub scaler: Scaler,
    pub model: Mlp,
    pub trainer: Trainer,
}

/// Why a run could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Data(#[from] DatasetError),
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// Splits, scales and initialises as `moons train` does: every random stream starts from
/// the configuration's seed.
pub fn prepare(config: &Config, points: &Points) -> Result<Prepared, BuildError> {
    let (raw_train, raw_test) = stratified_split(
        &points.data,
        config.test_fraction,
        &mut RandomState::new(config.seed),
    )?;
    let kind = if points.uploaded {
        ScalerKind::Standard
    } else {
        ScalerKind::None
    };
    let scaler = Scaler::fit(kind, raw_train.x());
    let scaled = |d: &Dataset| -> Result<Dataset, DatasetError> {
        match scaler {
            Scaler::None => Ok(d.clone()),
            _ => Dataset::new(scaler.transform(d.x()), d.labels.clone()),
        }
    };
    let train = scaled(&raw_train)?;
    let test = match raw_test.n_samples() {
        0 => None,
        _ => Some(scaled(&raw_test)?),
    };
    let model = Mlp::new(
        points.data.n_features(),
        &config.hidden,
        points.classes.len().max(2),
        config.activation,
        config.init(),
        &mut RandomState::new(config.seed),
    )?;
    Ok(Prepared {
        train,
        test,
        raw_test: (raw_test.n_samples() > 0).then_some(raw_test),
        raw_train,
        scaler,
        model,
        trainer: trainer(config),
    })
}

/// The trainer the configuration describes (as `moons train` builds it from its flags).
pub fn trainer(config: &Config) -> Trainer {
    let optimizer = match config.optimizer.as_str() {
        "sgd" => Optimizer::Sgd {
            momentum: config.momentum,
            nesterov: false,
        },
        "adam" => Optimizer::adam(),
        _ => Optimizer::Gd,
    };
    let decay = config.decay;
    let schedule = match config.schedule.as_str() {
        "inverse-time" => LrSchedule::InverseTime {
            decay: decay.unwrap_or(0.01),
        },
        "exponential" => LrSchedule::Exponential {
            decay: decay.unwrap_or(0.01),
        },
        "step" => LrSchedule::Step {
            factor: decay.unwrap_or(0.5),
            every: 100,
        },
        _ => LrSchedule::Constant,
    };
    Trainer {
        optimizer,
        learning_rate: config.learning_rate,
        schedule,
        reg_lambda: config.reg_lambda,
        batch_size: config.batch_size,
        gradient: config.gradient.as_deref().map(|g| match g {
            "mean" => GradientConvention::Mean,
            _ => GradientConvention::Sum,
        }),
        shuffle_seed: config.seed,
        ..Trainer::default()
    }
}
