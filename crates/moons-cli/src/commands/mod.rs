//! One module per subcommand; `run` dispatches.

mod data;
mod tour;
mod train;

use anyhow::Result;
use moons_datasets::{make_moons, Dataset, RandomState};

use crate::args::{Cli, Command, DataSource};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => tour::run(),
        Some(Command::Train(args)) => train::run(&args),
        Some(Command::Data(args)) => data::run(&args),
    }
}

/// `np.random.seed(seed); make_moons(samples, noise=noise)`.
pub fn load_data(source: &DataSource) -> Result<Dataset> {
    let mut rng = RandomState::new(source.seed);
    Ok(make_moons(source.samples, source.noise, true, &mut rng)?)
}
