//! A corpus of bad invocations run through the real binary: each must exit with the right
//! code (2 for usage, 1 for runtime), say what is wrong in words, never panic or print NaN,
//! and leave an existing output file untouched.

use std::path::Path;
use std::process::Command;

mod scratch;
use scratch::Scratch;

/// Runs `moons args` and checks the exit code, that stderr mentions every `needle`, and that
/// nothing panicked or printed NaN.
fn expect_failure(args: &[&str], code: i32, needles: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_moons"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(code),
        "moons {args:?}\nstderr: {stderr}"
    );
    assert!(
        stderr.starts_with("error: "),
        "moons {args:?}\nstderr: {stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    assert!(
        !stdout.to_lowercase().contains("nan"),
        "moons {args:?} printed NaN: {stdout}"
    );
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "moons {args:?}: {needle:?} not in\n{stderr}"
        );
    }
    if code == 1 {
        assert_eq!(
            stderr.lines().count(),
            1,
            "one line for a runtime error: {stderr}"
        );
    }
}

#[test]
fn usage_errors_exit_2_naming_the_flag_and_the_allowed_values() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["frobnicate"], &["unrecognized subcommand 'frobnicate'"]),
        (&["train", "--bogus"], &["unexpected argument '--bogus'"]),
        (&["train", "--lr", "0"], &["'--lr <LR>'", "> 0"]),
        (&["train", "--lr", "nan"], &["'--lr <LR>'", "finite"]),
        (&["train", "--lr", "ten"], &["'--lr <LR>'", "'ten'"]),
        (&["train", "--reg", "-0.1"], &["'--reg <LAMBDA>'", ">= 0"]),
        (
            &["train", "--noise", "-1"],
            &["'--noise <SD>'", "from 0 to 1e6"],
        ),
        (
            &["train", "--samples", "0"],
            &["'--samples <N>'", "from 1 to"],
        ),
        (
            &["train", "--samples", "100000000000"],
            &["'--samples <N>'", "from 1 to"],
        ),
        (
            &["train", "--hidden", "3,0"],
            &["'--hidden <H,...>", "from 1 to"],
        ),
        (
            &["train", "--hidden", "1000000"],
            &["'--hidden <H,...>", "100000"],
        ),
        (&["train", "--passes", "0"], &["'--passes <P>'"]),
        (&["train", "--print-every", "0"], &["'--print-every <K>'"]),
        (&["train", "--batch-size", "0"], &["'--batch-size <B>'"]),
        (
            &["train", "--test-fraction", "1.5"],
            &["'--test-fraction <F>'", "[0, 1)"],
        ),
        (&["train", "--momentum", "1"], &["'--momentum <M>'"]),
        (&["train", "--seed", "-1"], &["'--seed <SEED>'"]),
        (&["train", "--activation", "swish"], &["'swish'", "relu"]),
        (&["train", "--optimizer", "rmsprop"], &["'rmsprop'", "adam"]),
        (&["data", "--dataset", "moon"], &["'moon'", "moons"]),
        (
            &["data", "--dataset", "spirals", "--classes", "1"],
            &["'--classes <K>'"],
        ),
        (
            &["data", "--dataset", "circles", "--factor", "1"],
            &["'--factor <F>'"],
        ),
        (&["logreg", "--folds", "1"], &["'--folds <K>'"]),
        (&["logreg", "--cs", "0"], &["--cs"]),
        (&["logreg", "--cs", "0.1,-1"], &["--cs", "> 0"]),
        (&["sweep", "--hidden", "0"], &["'--hidden <H,...>"]),
        (&["predict"], &["--model <FILE>", "--data <FILE>"]),
        (&["completions", "tcsh"], &["'tcsh'", "bash"]),
    ];
    for (args, needles) in cases {
        expect_failure(args, 2, needles);
    }
}

#[test]
fn bad_csv_files_are_named_with_line_and_column() {
    let dir = Scratch::new("csv");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (dir.path("missing.csv"), vec!["missing.csv"]),
        (dir.file("empty.csv", b""), vec!["empty.csv", "empty"]),
        (
            dir.file("header.csv", b"x1,x2,label\n"),
            vec!["header.csv", "no data rows"],
        ),
        (
            dir.file("ragged.csv", b"1,2,0\n3,4\n5,6,1\n"),
            vec!["ragged.csv", "line 2"],
        ),
        (
            dir.file("text.csv", b"1,2,0\n3,abc,1\n"),
            vec!["line 2, column 2", "'abc'"],
        ),
        (
            dir.file("inf.csv", b"1,2,0\n3,inf,1\n"),
            vec!["line 2, column 2", "finite"],
        ),
        (
            dir.file("frac.csv", b"1,2,0.5\n3,4,1\n"),
            vec!["line 1, column 3", "0.5"],
        ),
        (
            dir.file("single.csv", b"1,2,0\n3,4,0\n"),
            vec!["single.csv", "single class"],
        ),
        (
            dir.file("binary.csv", &[0u8, 159, 146, 150, 255, 1, 2, 3]),
            vec!["binary.csv"],
        ),
    ];
    for (path, needles) in &cases {
        expect_failure(&["train", "--data", path, "--passes", "1"], 1, needles);
        expect_failure(&["logreg", "--data", path], 1, needles);
    }
}

#[test]
fn bad_model_files_are_refused_with_the_reason() {
    let dir = Scratch::new("model");
    let good = dir.path("good.json");
    let points = dir.file("points.csv", b"0.5,0.5,0\n1.5,-0.2,1\n");
    let wide = dir.file("wide.csv", b"0.5,0.5,1,0\n1.5,-0.2,1,1\n");
    let status = Command::new(env!("CARGO_BIN_EXE_moons"))
        .args(["train", "--passes", "10", "--save", &good])
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    let text = std::fs::read_to_string(&good).unwrap();
    let edited = |from: &str, to: &str| {
        assert!(text.contains(from), "{from} not in the model file");
        text.replacen(from, to, 1)
    };
    let cases: Vec<(String, &str)> = vec![
        (dir.path("missing.json"), "missing.json"),
        (dir.file("notjson.json", b"hello"), "not JSON"),
        (
            dir.file("truncated.json", &text.as_bytes()[..text.len() / 2]),
            "truncated",
        ),
        (
            dir.file(
                "format.json",
                edited("\"moons-mlp\"", "\"other\"").as_bytes(),
            ),
            "'other'",
        ),
        (
            dir.file(
                "version.json",
                edited("\"version\": 1", "\"version\": 99").as_bytes(),
            ),
            "version 99",
        ),
        (
            dir.file(
                "shape.json",
                edited("\"outputs\": 3", "\"outputs\": 4").as_bytes(),
            ),
            "layer 0",
        ),
        (
            dir.file(
                "null.json",
                edited("\"weights\": [", "\"weights\": [null,").as_bytes(),
            ),
            "null.json",
        ),
        (
            dir.file(
                "huge.json",
                edited("\"weights\": [", "\"weights\": [1e999,").as_bytes(),
            ),
            "huge.json",
        ),
    ];
    for (model, needle) in &cases {
        expect_failure(
            &["predict", "--model", model, "--data", &points],
            1,
            &[needle],
        );
        expect_failure(&["eval", "--model", model, "--data", &points], 1, &[needle]);
    }
    expect_failure(
        &["predict", "--model", &good, "--data", &wide],
        1,
        &["wide.csv", "expects 2"],
    );
}

#[test]
fn a_failed_run_never_touches_an_existing_file() {
    let dir = Scratch::new("keep");
    let bad_csv = dir.file("bad.csv", b"1,2,0\n3,x,1\n");
    let keep = |name: &str| dir.file(name, b"precious");
    let runs: Vec<(Vec<String>, String, i32)> = {
        let (a, b, c, d, e) = (
            keep("a.csv"),
            keep("b.json"),
            keep("c.png"),
            keep("d.csv"),
            keep("e.png"),
        );
        vec![
            (
                vec![
                    "data".into(),
                    "--samples".into(),
                    "0".into(),
                    "--out".into(),
                    a.clone(),
                ],
                a,
                2,
            ),
            (
                vec![
                    "train".into(),
                    "--data".into(),
                    bad_csv.clone(),
                    "--save".into(),
                    b.clone(),
                ],
                b,
                1,
            ),
            (
                vec![
                    "train".into(),
                    "--lr".into(),
                    "1e300".into(),
                    "--passes".into(),
                    "50".into(),
                    "--plot".into(),
                    c.clone(),
                ],
                c,
                1,
            ),
            (
                vec![
                    "predict".into(),
                    "--model".into(),
                    dir.path("none.json"),
                    "--data".into(),
                    bad_csv.clone(),
                    "--out".into(),
                    d.clone(),
                ],
                d,
                1,
            ),
            (
                vec![
                    "logreg".into(),
                    "--data".into(),
                    bad_csv.clone(),
                    "--plot".into(),
                    e.clone(),
                ],
                e,
                1,
            ),
        ]
    };
    for (args, kept, code) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        expect_failure(&args, code.to_owned(), &[]);
        assert_eq!(
            std::fs::read(kept).unwrap(),
            b"precious",
            "moons {args:?} touched {kept}"
        );
    }
    // No temporary files are left behind either.
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.ends_with(".tmp") || name.starts_with(".moons-tmp.")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn absurd_sizes_are_refused_before_allocating() {
    expect_failure(
        &[
            "train",
            "--samples",
            "1000000",
            "--hidden",
            "1000",
            "--passes",
            "1",
        ],
        1,
        &[
            "invalid samples 1000000",
            "intermediate values",
            "--batch-size",
        ],
    );
    expect_failure(
        &["train", "--hidden", "100000,100000", "--passes", "1"],
        1,
        &["parameters"],
    );
}

#[test]
fn unwritable_outputs_are_refused_before_any_work() {
    let dir = Scratch::new("unwritable");
    let missing_folder = Path::new(&dir.0).join("no/such/folder/out.csv");
    let missing_folder = missing_folder.to_str().unwrap();
    let missing_figure = Path::new(&dir.0).join("no/such/folder/out.png");
    let missing_figure = missing_figure.to_str().unwrap();
    expect_failure(&["data", "--out", missing_folder], 1, &["does not exist"]);
    expect_failure(
        &["data", "--out", dir.0.to_str().unwrap()],
        1,
        &["is a folder"],
    );
    expect_failure(&["train", "--save", missing_folder], 1, &["does not exist"]);
    expect_failure(&["sweep", "--plot", missing_figure], 1, &["does not exist"]);
    expect_failure(
        &["logreg", "--plot", missing_figure],
        1,
        &["does not exist"],
    );
}
