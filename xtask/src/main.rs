//! `cargo xtask <task>`: project automation in Rust instead of shell scripts.

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some(other) => bail!("unknown task '{other}'"),
        None => {
            eprintln!("usage: cargo xtask <task>\n\ntasks:\n  (none yet)");
            Ok(())
        }
    }
}
