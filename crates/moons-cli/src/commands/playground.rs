//! `moons playground`: serve the page and its API until Ctrl-C or SIGTERM, then exit 0.

use std::io::Write;
use std::sync::mpsc;

use anyhow::{Context, Result};

use crate::args::PlaygroundArgs;

pub fn run(args: &PlaygroundArgs) -> Result<()> {
    let (interrupted, wait) = mpsc::channel::<i32>();
    crate::signals::on_interrupt(move |signal| {
        // A second signal while shutting down ends the process at once.
        if interrupted.send(signal).is_err() {
            std::process::exit(0);
        }
    });
    let options = moons_playground::Options {
        host: args.host,
        port: args.port,
        max_sessions: args.max_sessions,
    };
    let running = moons_playground::start(&options).with_context(|| {
        format!(
            "cannot listen on {}:{} (--host, --port): is another program using the port? \
             --port 0 picks a free one",
            args.host, args.port
        )
    })?;
    let url = running.url();
    if !args.host.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone on your network can reach this playground and \
             use this computer's processor; --host 127.0.0.1 keeps it to this machine",
            args.host
        );
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "moons playground at {url}")?;
    out.flush()?;
    drop(out);
    if args.open {
        open_browser(&url);
    }
    let _ = wait.recv();
    running.stop();
    Ok(())
}

/// Starts the system's browser on `url`; quiet when there is none.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
