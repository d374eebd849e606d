//! `moons completions <shell>`: a completion script on standard output.

use anyhow::Result;
use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs};

pub fn run(args: &CompletionsArgs) -> Result<()> {
    let mut command = Cli::command();
    // Into memory first: the generator panics on a failed write.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "moons", &mut script);
    Ok(crate::stdout::write_with(|w| w.write_all(&script))?)
}
