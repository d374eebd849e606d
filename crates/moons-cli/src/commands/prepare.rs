//! The data a training command works on: a user's CSV file (labels of any kind, columns by
//! name, a scaler fitted on the training rows) or a generated set, split into train and test.

use std::path::Path;

use anyhow::Result;
use moons_datasets::table::{read_table, ColumnRef, Labels, Missing, TableOptions};
use moons_datasets::{stratified_split, Dataset, RandomState};
use moons_models::{Scaler, ScalerKind};

use crate::args::{CsvArgs, DataSource, GeneratorArgs};
use crate::stdout::note;

/// Train and test rows, scaled, with what a saved model needs to know about them.
pub struct Prepared {
    /// Scaled training rows.
    pub train: Dataset,
    /// Scaled test rows (empty without a test set).
    pub test: Dataset,
    /// Every row, unscaled, for figures drawn in the data's own coordinates.
    pub raw: Dataset,
    /// The scaler fitted on the training rows.
    pub scaler: Scaler,
    /// Class names, sorted.
    pub classes: Vec<String>,
    /// Feature names.
    pub feature_names: Vec<String>,
    /// Label column name.
    pub label_name: String,
    /// Where the data came from, for titles and JSON.
    pub source: String,
}

/// Everything that decides which rows a command trains and tests on.
pub struct Source<'a> {
    /// `--data`.
    pub file: Option<&'a Path>,
    /// `--test-data`.
    pub test_file: Option<&'a Path>,
    /// How CSV files are read, and `--scale`.
    pub csv: &'a CsvArgs,
    /// The generator's size, noise and seed (the seed also seeds the split).
    pub data: &'a DataSource,
    /// Which generator, when there is no file.
    pub generator: Option<&'a GeneratorArgs>,
    /// `--test-fraction`.
    pub test_fraction: f64,
    /// `--write-split`.
    pub write_split: Option<&'a Path>,
}

fn options(csv: &CsvArgs) -> TableOptions {
    TableOptions {
        delimiter: csv.delimiter,
        label_column: csv.label_column.clone(),
        features: csv.features.clone(),
        missing: if csv.missing == "drop" {
            Missing::Drop
        } else {
            Missing::Error
        },
        labels: Labels::Required,
    }
}

/// Reads or generates the data, splits it, writes the split if asked, fits the scaler.
pub fn prepare(source: &Source<'_>) -> Result<Prepared> {
    let (data, classes, feature_names, label_name, name) = match source.file {
        Some(path) => {
            let (name, bytes) = crate::output::read_input(path)?;
            let table = read_table(&name, &bytes, &options(source.csv))?;
            for line in &table.notes {
                note!("note: {line}");
            }
            if table.classes.len() < 2 {
                anyhow::bail!(
                    "{name}: has a single class: training needs at least two distinct labels"
                );
            }
            (
                table.data,
                table.classes,
                table.feature_names,
                table.label_name,
                name,
            )
        }
        None => {
            let data = match source.generator {
                Some(generator) => super::data::generate(source.data, generator)?,
                None => super::load_data(source.data)?,
            };
            let k = data.n_classes().max(2);
            let names = (1..=data.n_features()).map(|j| format!("x{j}")).collect();
            let generator = source.generator.map_or("moons".to_string(), |g| {
                format!("{:?}", g.dataset).to_lowercase()
            });
            (
                data,
                (0..k).map(|c| c.to_string()).collect(),
                names,
                "label".to_string(),
                generator,
            )
        }
    };
    let (train, mut test) = stratified_split(
        &data,
        source.test_fraction,
        &mut RandomState::new(source.data.seed),
    )?;
    if let Some(dir) = source.write_split {
        write_split(dir, &train, &test, &classes, &feature_names, &label_name)?;
    }
    if let Some(path) = source.test_file {
        let (test_name, bytes) = crate::output::read_input(path)?;
        // The test file's columns are found by the training file's names when it has them.
        let mut test_options = options(source.csv);
        if test_options.features.is_none() && feature_names.iter().any(|n| !n.starts_with('x')) {
            test_options.features =
                Some(feature_names.iter().cloned().map(ColumnRef::Name).collect());
            test_options
                .label_column
                .get_or_insert(ColumnRef::Name(label_name.clone()));
        }
        let table = read_table(&test_name, &bytes, &test_options)?;
        if table.data.n_features() != data.n_features() {
            anyhow::bail!(
                "{test_name}: has {} feature columns but {name} has {}",
                table.data.n_features(),
                data.n_features()
            );
        }
        let labels = table.labels_in(&test_name, &classes)?;
        test = Dataset::new(table.data.features, labels)?;
    }
    let kind: ScalerKind = match &source.csv.scale {
        Some(kind) => kind.parse().map_err(anyhow::Error::msg)?,
        None if source.file.is_some() => ScalerKind::Standard,
        None => ScalerKind::None,
    };
    let scaler = Scaler::fit(kind, train.x());
    let scaled = |d: &Dataset| -> Result<Dataset> {
        Ok(match scaler {
            Scaler::None => d.clone(),
            _ => Dataset::new(scaler.transform(d.x()), d.labels.clone())?,
        })
    };
    Ok(Prepared {
        train: scaled(&train)?,
        test: scaled(&test)?,
        raw: data,
        scaler,
        classes,
        feature_names,
        label_name,
        source: name,
    })
}

/// `DIR/train.csv` and `DIR/test.csv`, with the file's own column names and class names.
fn write_split(
    dir: &Path,
    train: &Dataset,
    test: &Dataset,
    classes: &[String],
    feature_names: &[String],
    label_name: &str,
) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create --write-split {}: {e}", dir.display()))?;
    for (file, part) in [("train.csv", train), ("test.csv", test)] {
        let path = dir.join(file);
        moons_datasets::atomic::write_atomically(&path, |w| {
            writeln!(w, "{},{label_name}", feature_names.join(","))?;
            for (row, &label) in part.features.rows().into_iter().zip(&part.labels) {
                for x in row {
                    write!(w, "{x},")?;
                }
                writeln!(w, "{}", classes[label])?;
            }
            Ok(())
        })
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        note!("wrote {} rows to {}", part.n_samples(), path.display());
    }
    Ok(())
}
