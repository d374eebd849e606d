//! One module per subcommand; `run` dispatches.

mod completions;
mod data;
mod eval;
mod logreg;
mod predict;
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

/// Refuses labels the model has no class for, naming the first and the model's classes:
/// `predict` and `eval` agree on this.
pub fn check_known_labels(
    source: &str,
    labels: &ndarray::Array1<usize>,
    n_classes: usize,
) -> Result<()> {
    if let Some((row, &label)) = labels.iter().enumerate().find(|(_, &l)| l >= n_classes) {
        anyhow::bail!(
            "{source}: data row {} has label {label}, which the model does not know: its \
             classes are {}",
            row + 1,
            (0..n_classes)
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}
