//! `cargo xtask <task>`: project automation in Rust instead of shell scripts.
//!
//! Each task lives in its own module with a `run(&[String])` entry point; add one by adding a
//! module, a row to [`TASKS`] and an arm to the `match` in `main`.

mod bench;
mod figures;

use anyhow::{bail, Result};

/// `(name, one-line description)` of every task, for the usage message.
const TASKS: &[(&str, &str)] = &[
    ("figures", "regenerate docs/figures/ (--check: verify them)"),
    (
        "bench",
        "time ours against the seed's numpy code (--scaling: cost vs N and H)",
    ),
];

fn main() -> Result<()> {
    // The main thread joins rayon's pool, as in the `moons` binary (see its `main.rs`): the
    // benchmark then times the kernels as that binary runs them.
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        eprintln!("{}", usage());
        return Ok(());
    };
    match task.as_str() {
        "-h" | "--help" | "help" => {
            println!("{}", usage());
            Ok(())
        }
        "figures" => figures::run(rest),
        "bench" => bench::run(rest),
        other => bail!("unknown task '{other}'\n\n{}", usage()),
    }
}

fn usage() -> String {
    let mut text = String::from("usage: cargo xtask <task>\n\ntasks:");
    for (name, what) in TASKS {
        text.push_str(&format!("\n  {name:<10} {what}"));
    }
    text
}
