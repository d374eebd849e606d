//! `moons`: the seed tutorial's two-moons experiments from the command line.

mod args;
mod commands;
mod output;
mod progress;
mod signals;
mod stdout;
mod usage;
mod values;

use std::process::ExitCode;

use clap::Parser;

use crate::stdout::{note, StdoutError};
use crate::usage::UsageError;

fn main() -> ExitCode {
    restore_default_sigpipe();
    // clap prints usage errors itself and exits with code 2.
    let cli = args::Cli::parse();
    signals::remove_temporaries_on_interrupt();
    join_the_thread_pool();
    progress::set_quiet(cli.quiet);
    let result = commands::run(cli).and_then(|()| Ok(stdout::flush()?));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => exit_code_of(&err),
    }
}

/// Reports `err` on standard error: 2 for a usage error, 1 for anything else, and nothing at
/// all for a reader that closed the pipe.
fn exit_code_of(err: &anyhow::Error) -> ExitCode {
    if err
        .downcast_ref::<StdoutError>()
        .is_some_and(StdoutError::is_broken_pipe)
    {
        return ExitCode::from(141);
    }
    note!("error: {err:#}");
    if err.downcast_ref::<UsageError>().is_some() {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// Makes the main thread one of rayon's global pool threads. A kernel that splits its work
/// then hands half of it to the other thread directly (~1 us); from a thread outside the pool
/// it would queue the work from outside and sleep until the pool had done all of it, which
/// measured ~25 us per parallel section on a 2-core VM (a third of a 1000-row pass with 64
/// hidden units). The pool keeps its size (`RAYON_NUM_THREADS` or one thread per core). If
/// something already built the pool, it stays as it is.
fn join_the_thread_pool() {
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
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
