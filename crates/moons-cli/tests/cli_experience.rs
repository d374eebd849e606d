//! The command line as a person meets it: help with examples, completions, JSON output,
//! and a quiet standard error when nobody is watching a terminal.

use std::process::{Command, Output};

fn moons(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moons"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let out = moons(args);
    assert!(
        out.status.success(),
        "moons {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const SUBCOMMANDS: [&str; 8] = [
    "train",
    "data",
    "predict",
    "eval",
    "sweep",
    "logreg",
    "completions",
    "help",
];

#[test]
fn every_subcommand_has_help_with_examples() {
    let top = stdout_of(&["--help"]);
    assert!(top.contains("Examples:"), "{top}");
    for sub in SUBCOMMANDS {
        assert!(top.contains(sub), "`moons --help` does not list {sub}");
    }
    for sub in &SUBCOMMANDS[..7] {
        let help = stdout_of(&[sub, "--help"]);
        assert!(
            help.contains("Examples:"),
            "moons {sub} --help has no examples:\n{help}"
        );
        assert!(help.contains("--quiet"), "moons {sub} --help lacks --quiet");
    }
}

#[test]
fn completions_are_generated_for_common_shells() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains("moons"), "{shell}");
        assert!(
            script.contains("logreg") && script.contains("hidden"),
            "{shell}"
        );
    }
}

#[test]
fn progress_stays_off_a_pipe_and_quiet_silences_notes() {
    let out = moons(&["train", "--passes", "3000"]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = moons(&["sweep", "--hidden", "1,2", "--passes", "2000"]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = std::env::temp_dir().join(format!("moons-quiet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("m.json");
    let out = moons(&[
        "train",
        "--passes",
        "10",
        "--quiet",
        "--save",
        model.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(model.exists());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn computing_subcommands_speak_json() {
    let train: serde_json::Value =
        serde_json::from_str(&stdout_of(&["train", "--passes", "2000", "--json"])).unwrap();
    for key in ["train_accuracy", "test_accuracy", "losses"] {
        assert!(
            train.get(key).is_some(),
            "train --json lacks {key}: {train}"
        );
    }
    let logreg: serde_json::Value =
        serde_json::from_str(&stdout_of(&["logreg", "--json"])).unwrap();
    for key in ["C", "coef", "intercept", "accuracy", "scores"] {
        assert!(logreg.get(key).is_some(), "logreg --json lacks {key}");
    }
    let sweep: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "sweep", "--hidden", "1,3", "--passes", "1000", "--json",
    ]))
    .unwrap();
    assert_eq!(sweep.as_array().map(Vec::len), Some(2), "{sweep}");
}
