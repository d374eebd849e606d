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
        Some(path) => Ok(moons_datasets::read_csv(path)?),
        None => load_data(source),
    }
}
