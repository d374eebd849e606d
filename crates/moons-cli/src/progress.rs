//! Progress bars on standard error, only for a person watching a terminal.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

static QUIET: AtomicBool = AtomicBool::new(false);

/// `--quiet`: no bars (and no notes) on standard error.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// True when informational notes may go to standard error.
pub fn chatty() -> bool {
    !QUIET.load(Ordering::Relaxed)
}

/// A bar counting training passes, as wide as the terminal; a no-op when stderr is not a terminal or with `--quiet`,
/// so pipes, files and tests see nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for `total` passes, labelled `what`.
    pub fn passes(total: u64, what: &str) -> Self {
        if !chatty() || !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let style = ProgressStyle::with_template(
            "{msg} [{wide_bar:.cyan/blue}] {human_pos}/{human_len} passes, {eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        Self(Some(
            ProgressBar::new(total)
                .with_style(style)
                .with_message(what.to_owned()),
        ))
    }

    /// Moves the bar to `position`.
    pub fn set(&self, position: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(position);
        }
    }

    /// Prints a line on standard output without tearing the bar.
    pub fn println(&self, line: &str) -> anyhow::Result<()> {
        let print = || crate::stdout::outln!("{line}");
        Ok(match &self.0 {
            Some(bar) => bar.suspend(print),
            None => print(),
        }?)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
