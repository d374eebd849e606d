//! `moons`: the seed tutorial's two-moons experiments from the command line.

mod args;
mod commands;
mod output;
mod progress;
mod values;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    restore_default_sigpipe();
    // clap prints usage errors itself and exits with code 2.
    let cli = args::Cli::parse();
    progress::set_quiet(cli.quiet);
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// Lets `moons data | head` end quietly, as other Unix tools do, instead of failing on the
/// closed pipe: Rust ignores SIGPIPE by default, which turns it into a write error.
#[cfg(unix)]
fn restore_default_sigpipe() {
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_default_sigpipe() {}
