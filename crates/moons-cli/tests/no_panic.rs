//! No argument vector makes any subcommand panic: whatever the flags and values, `moons`
//! exits with 0, 1 or 2 and an `error:` line, never with Rust's panic code 101.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;

mod scratch;
use scratch::Scratch;

const SUBCOMMANDS: &[&str] = &[
    "train",
    "data",
    "predict",
    "eval",
    "sweep",
    "logreg",
    "completions",
    "--out",
];

/// Flags of every subcommand (valid for some, unknown to others) and values that are
/// wrong in every way: empty, negative, huge, not numbers, paths that are not there.
const TOKENS: &[&str] = &[
    "--samples",
    "--noise",
    "--seed",
    "--hidden",
    "--passes",
    "--lr",
    "--reg",
    "--optimizer",
    "--activation",
    "--init",
    "--momentum",
    "--batch-size",
    "--gradient",
    "--test-fraction",
    "--patience",
    "--print-every",
    "--lr-schedule",
    "--decay",
    "--dataset",
    "--classes",
    "--factor",
    "--cluster-std",
    "--data",
    "--model",
    "--out",
    "--save",
    "--plot",
    "--json",
    "--fast",
    "--cs",
    "--folds",
    "--quiet",
    "--help",
    "-",
    "",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "1e308",
    "nan",
    "inf",
    "0.5",
    "5",
    "1,2",
    "0,0",
    "-3,4",
    "adam",
    "sgd",
    "relu",
    "spirals",
    "blobs",
    "xor",
    "circles",
    "bash",
    "m.json",
    "d.csv",
    "plot.png",
    "plot.svg",
    "plot.jpg",
    "missing.csv",
    "no/such/dir/x.json",
    "é",
    "--hidden=1,1,1",
    "--passes=3",
];

fn argument_vector() -> impl Strategy<Value = Vec<&'static str>> {
    (
        proptest::sample::select(SUBCOMMANDS),
        proptest::collection::vec(proptest::sample::select(TOKENS), 0..7),
    )
        .prop_map(|(command, mut rest)| {
            rest.insert(0, command);
            // Bounded runs: a vector that trains does so briefly.
            rest.extend(["--passes", "20"]);
            rest
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn no_argument_vector_panics(args in argument_vector()) {
        let dir = Scratch::new(&format!("no-panic-{}", args.len()));
        // Inputs that exist, so that some vectors get past reading their files.
        dir.file("d.csv", b"x1,x2,label\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n");
        let mut child = Command::new(env!("CARGO_BIN_EXE_moons"))
            .args(&args)
            .current_dir(&dir.0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            prop_assert!(Instant::now() < deadline, "moons {:?} ran for two minutes", args);
            std::thread::sleep(Duration::from_millis(10));
        };
        let stderr = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
        prop_assert!(!stderr.contains("panicked"), "moons {:?}: {}", args, stderr);
        prop_assert!(matches!(status.code(), Some(0..=2)), "moons {:?}: {:?} {}", args, status, stderr);
    }
}
