//! Standard output and standard error for every command: a failed write to standard output
//! (a full disk, a closed descriptor) is an error the command returns, never a panic, and
//! notes on standard error never fail a command.

use std::fmt;
use std::io::{self, Write};

/// Writing to standard output failed.
#[derive(Debug)]
pub struct StdoutError(pub io::Error);

impl fmt::Display for StdoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write to standard output: {}", self.0)
    }
}

impl std::error::Error for StdoutError {}

impl StdoutError {
    /// True when the reader went away (`moons data | head`): the quiet end of a pipe.
    pub fn is_broken_pipe(&self) -> bool {
        self.0.kind() == io::ErrorKind::BrokenPipe
    }
}

/// Writes one formatted line to standard output.
pub fn write_line(args: fmt::Arguments<'_>) -> Result<(), StdoutError> {
    let mut out = io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(StdoutError)
}

/// Gives `write` standard output as a writer and turns its failure into a [`StdoutError`].
pub fn write_with(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), StdoutError> {
    let mut out = io::stdout().lock();
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(StdoutError)
}

/// Flushes standard output; a command's last step, so that an error surfaces in its exit code.
pub fn flush() -> Result<(), StdoutError> {
    io::stdout().flush().map_err(StdoutError)
}

/// Writes a line to standard error, ignoring failure: a note must never end a run.
pub fn write_note(args: fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr(), "{args}");
}

/// `println!` that returns a [`StdoutError`] instead of panicking.
macro_rules! outln {
    () => {
        $crate::stdout::write_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::stdout::write_line(format_args!($($arg)*))
    };
}

/// `eprintln!` that cannot panic.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::stdout::write_note(format_args!($($arg)*))
    };
}

pub(crate) use {note, outln};
