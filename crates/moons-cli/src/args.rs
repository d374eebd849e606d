//! Command-line arguments: every flag, its default and its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const ABOUT: &str = "Neural networks from scratch on the two-moons problem, reproducing the \
numpy/scikit-learn tutorial exactly.";

const AFTER_HELP: &str = "\
Examples:
  moons                       walk through the whole tutorial
  moons train                 the seed's H = 3 network and its loss table
  moons train --hidden 5      the same with five hidden units
  moons data --out moons.csv  the tutorial's data set as CSV";

/// `moons`: with no subcommand, walks through the seed tutorial.
#[derive(Debug, Parser)]
#[command(name = "moons", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    /// What to run (default: the guided tour of the whole tutorial).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train the seed's network and print its loss table and accuracy.
    #[command(after_help = "\
Examples:
  moons train                          the seed's run: H = 3, 20000 passes
  moons train --hidden 20 --passes 5000
  moons train --samples 500 --noise 0.3 --seed 7")]
    Train(TrainArgs),
    /// Print a data set as CSV (`x1,x2,label`), or write it to a file.
    #[command(after_help = "\
Examples:
  moons data                           the tutorial's 200 points
  moons data --samples 1000 --noise 0.1 --out moons.csv")]
    Data(DataArgs),
}

/// How the two-moons data set is generated.
#[derive(Debug, Clone, Args)]
pub struct DataSource {
    /// Number of points (split evenly between the two moons).
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub samples: usize,
    /// Standard deviation of the Gaussian noise added to every coordinate.
    #[arg(long, default_value_t = 0.2, value_name = "SD")]
    pub noise: f64,
    /// Seed of numpy's generator, set before the data is drawn and again before the weights
    /// are initialised (the tutorial uses 0 for both).
    #[arg(long, default_value_t = 0, value_name = "SEED")]
    pub seed: u32,
}

/// Flags of `moons train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataSource,
    /// Width of the hidden layer.
    #[arg(long, default_value_t = 3, value_name = "H")]
    pub hidden: usize,
    /// Passes of full-batch gradient descent.
    #[arg(long, default_value_t = 20_000, value_name = "P")]
    pub passes: usize,
    /// Learning rate (the seed's epsilon).
    #[arg(long, default_value_t = 0.01, value_name = "LR")]
    pub lr: f64,
    /// L2 regularisation strength (the seed's reg_lambda).
    #[arg(long, default_value_t = 0.01, value_name = "LAMBDA")]
    pub reg: f64,
    /// Print the loss every this many passes.
    #[arg(long, default_value_t = 1000, value_name = "K")]
    pub print_every: usize,
}

/// Flags of `moons data`.
#[derive(Debug, Args)]
pub struct DataArgs {
    #[command(flatten)]
    pub data: DataSource,
    /// Write the CSV to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}
