//! `moons completions <shell>`: a completion script on standard output.

use anyhow::Result;
use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs};

pub fn run(args: &CompletionsArgs) -> Result<()> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "moons", &mut std::io::stdout());
    Ok(())
}
