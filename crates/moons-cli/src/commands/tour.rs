//! The default run: a guided tour of the seed tutorial.

use anyhow::Result;
use clap::Parser;

use crate::args::{Cli, Command};

pub fn run() -> Result<()> {
    println!("== Training the seed's network (2 -> 3 tanh -> 2 softmax) ==");
    let Some(Command::Train(args)) = Cli::parse_from(["moons", "train"]).command else {
        unreachable!("`moons train` parses to the train command");
    };
    super::train::run(&args)?;
    println!();
    println!("Next: try `moons train --hidden 5`, or `moons --help`.");
    Ok(())
}
