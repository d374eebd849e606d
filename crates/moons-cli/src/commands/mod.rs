//! One module per subcommand; `run` dispatches.

mod completions;
mod data;
mod eval;
mod logreg;
mod playground;
mod predict;
mod prepare;
mod sweep;
mod tour;
mod train;

use anyhow::Result;
use moons_datasets::{make_moons, Dataset, RandomState};

use crate::args::{Cli, Command, DataSource};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => tour::run(cli.out.as_deref()),
        Some(Command::Train(args)) => train::run(&args),
        Some(Command::Data(args)) => data::run(&args),
        Some(Command::Predict(args)) => predict::run(&args),
        Some(Command::Eval(args)) => eval::run(&args),
        Some(Command::Sweep(args)) => sweep::run(&args),
        Some(Command::Completions(args)) => completions::run(&args),
        Some(Command::Logreg(args)) => logreg::run(&args),
        Some(Command::Playground(args)) => playground::run(&args),
    }
}

/// `np.random.seed(seed); make_moons(samples, noise=noise)`.
pub fn load_data(source: &DataSource) -> Result<Dataset> {
    let mut rng = RandomState::new(source.seed);
    Ok(make_moons(source.samples, source.noise, true, &mut rng)?)
}

/// The CSV file given with `--data`, or else the generated moons.
pub fn load_file_or_moons(file: Option<&std::path::Path>, source: &DataSource) -> Result<Dataset> {
    match file {
        Some(path) => {
            let (name, bytes) = crate::output::read_input(path)?;
            Ok(moons_datasets::parse_csv(&name, &bytes)?)
        }
        None => load_data(source),
    }
}

/// Points for a saved model: its feature columns found by name when the file's header has
/// them (in any order, among other columns), else by position; the label column (by the
/// model's label name, or the column after the features) is optional. Labels the model does
/// not know are refused, naming the first and the model's classes (`predict` and `eval`
/// agree on this).
pub fn read_points_for(
    model: &moons_models::SavedModel,
    path: &std::path::Path,
) -> Result<(String, Points)> {
    use moons_datasets::table::{read_table, ColumnRef, Labels, TableOptions};
    let (name, bytes) = crate::output::read_input(path)?;
    let n = model.feature_names.len();
    let by_name = |label: bool| TableOptions {
        features: Some(
            model
                .feature_names
                .iter()
                .cloned()
                .map(ColumnRef::Name)
                .collect(),
        ),
        label_column: label.then(|| ColumnRef::Name(model.label_name.clone())),
        labels: Labels::OptionalFor(n),
        ..TableOptions::default()
    };
    let positional = TableOptions {
        labels: Labels::OptionalFor(n),
        ..TableOptions::default()
    };
    let table = read_table(&name, &bytes, &by_name(true))
        .or_else(|_| read_table(&name, &bytes, &by_name(false)))
        .or_else(|_| read_table(&name, &bytes, &positional))?;
    let labels = if table.has_labels {
        Some(table.labels_in(&name, &model.classes)?)
    } else {
        None
    };
    Ok((
        name,
        Points {
            features: table.data.features,
            labels,
            raw_labels: table.raw_labels,
            feature_names: table.feature_names,
            label_name: table.label_name,
        },
    ))
}

/// Rows to predict, with their labels when the file has them.
pub struct Points {
    /// The model's features, unscaled, in the model's order.
    pub features: ndarray::Array2<f64>,
    /// Class positions, when the file has labels.
    pub labels: Option<ndarray::Array1<usize>>,
    /// The labels as written.
    pub raw_labels: Vec<String>,
    /// The feature columns' names.
    pub feature_names: Vec<String>,
    /// The label column's name.
    pub label_name: String,
}
