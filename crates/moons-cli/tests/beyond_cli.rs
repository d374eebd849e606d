//! `moons train/data/predict/eval` beyond the seed, through the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use moons_datasets::{make_spirals, read_points, stratified_split, RandomState};
use moons_models::{Activation, Classifier, Init, Mlp};
use moons_train::{Optimizer, Trainer};
use serde_json::Value;

fn moons(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moons"))
        .args(args)
        .output()
        .expect("the moons binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = moons(args);
    assert!(
        out.status.success(),
        "moons {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs a failing command and returns its single stderr line.
fn fails(args: &[&str], code: i32) -> String {
    let out = moons(args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "moons {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("moons-beyond-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const SPIRALS: [&str; 22] = [
    "train",
    "--dataset",
    "spirals",
    "--classes",
    "3",
    "--samples",
    "300",
    "--hidden",
    "16,16",
    "--activation",
    "relu",
    "--optimizer",
    "adam",
    "--passes",
    "60",
    "--print-every",
    "20",
    "--test-fraction",
    "0.25",
    "--reg",
    "0.0001",
    "--json",
];

#[test]
fn save_then_predict_reproduces_the_in_process_model_exactly() {
    let dir = scratch("predict");
    let model_path = dir.join("spirals.json");
    let mut args = SPIRALS.to_vec();
    args.extend(["--save", s(&model_path)]);
    let report: Value = serde_json::from_str(&ok(&args)).unwrap();

    // The same run in process: every random stream starts from --seed (0).
    let data = make_spirals(300, 3, 0.2, &mut RandomState::new(0)).unwrap();
    let (train, test) = stratified_split(&data, 0.25, &mut RandomState::new(0)).unwrap();
    let mut model = Mlp::new(
        2,
        &[16, 16],
        3,
        Activation::Relu,
        Init::He,
        &mut RandomState::new(0),
    )
    .unwrap();
    let trainer = Trainer {
        optimizer: Optimizer::adam(),
        reg_lambda: 1e-4,
        passes: 60,
        report_every: 20,
        ..Trainer::default()
    };
    trainer
        .train(&mut model, &train, Some(&test), |_| {})
        .unwrap();
    let saved = moons_models::SavedModel::load(&model_path).unwrap();
    assert_eq!(
        saved.mlp(),
        Some(&model),
        "the saved weights are the in-process weights, bit for bit"
    );
    assert_eq!(
        report["test_accuracy"].as_f64(),
        Some(moons_train::accuracy(&model, &test))
    );

    let points = dir.join("points.csv");
    ok(&[
        "data",
        "--dataset",
        "spirals",
        "--classes",
        "3",
        "--samples",
        "90",
        "--seed",
        "5",
        "--out",
        s(&points),
    ]);
    let out = moons(&["predict", "--model", s(&model_path), "--data", s(&points)]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("x1,x2,label,prediction"));
    let from_cli: Vec<usize> = lines
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    let features = read_points(&points, 2).unwrap().features;
    assert_eq!(from_cli, model.predict(features.view()).to_vec());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("accuracy: "));

    let eval: Value = serde_json::from_str(&ok(&[
        "eval",
        "--model",
        s(&model_path),
        "--data",
        s(&points),
        "--json",
    ]))
    .unwrap();
    let confusion = eval["confusion_matrix"].as_array().unwrap();
    let total: u64 = confusion
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, 90);
    assert!(eval["log_loss"].as_f64().unwrap().is_finite());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn json_report_has_accuracies_losses_and_history() {
    let report: Value = serde_json::from_str(&ok(&SPIRALS)).unwrap();
    let losses = report["losses"].as_array().unwrap();
    let passes: Vec<u64> = losses.iter().map(|p| p[0].as_u64().unwrap()).collect();
    // Every --print-every pass, and the last pass, which history ends with too.
    assert_eq!(passes, vec![0, 20, 40, 59]);
    assert!(losses.iter().all(|p| p[1].as_f64().unwrap().is_finite()));
    assert!(report["train_accuracy"].as_f64().is_some());
    assert!(report["test_accuracy"].as_f64().is_some());
    assert_eq!(
        report["history"].as_array().unwrap().last().unwrap()["pass"],
        59
    );
    assert_eq!(report["gradient"], "mean");
}

#[test]
fn json_report_names_the_kernels_the_run_took() {
    let kernels = |extra: &[&str]| {
        let mut args = vec!["train", "--passes", "2", "--print-every", "1", "--json"];
        args.extend_from_slice(extra);
        let report: Value = serde_json::from_str(&ok(&args)).unwrap();
        let k = &report["kernels"];
        [&k["mode"], &k["forward"], &k["gradients"], &k["step"]]
            .map(|v| v.as_str().unwrap().to_owned())
    };
    let step = "forward_then_gradients";
    // The seed's H = 3 is left to the layered kernels; from 5 units the fused sweeps run.
    assert_eq!(kernels(&[]), ["exact", "layered", "layered", step]);
    assert_eq!(
        kernels(&["--hidden", "20"]),
        ["exact", "fused", "fused", step]
    );
    assert_eq!(
        kernels(&["--fast"]),
        ["fast", "fast", "fast", "fast_two_class"]
    );
    assert_eq!(
        kernels(&["--fast", "--hidden", "20"]),
        ["fast", "fast", "fast", step]
    );
    // Two hidden layers: the layered kernels in either mode.
    assert_eq!(
        kernels(&["--fast", "--hidden", "4,4"]),
        ["fast", "layered", "layered", step]
    );
}

#[test]
fn every_generator_and_csv_training_work() {
    for dataset in ["moons", "circles", "blobs", "spirals", "xor"] {
        let csv = ok(&["data", "--dataset", dataset, "--samples", "40"]);
        assert_eq!(csv.lines().count(), 41, "{dataset}");
    }
    let dir = scratch("csv");
    let points = dir.join("blobs.csv");
    ok(&[
        "data",
        "--dataset",
        "blobs",
        "--classes",
        "4",
        "--samples",
        "80",
        "--out",
        s(&points),
    ]);
    let report: Value = serde_json::from_str(&ok(&[
        "train",
        "--data",
        s(&points),
        "--hidden",
        "8",
        "--optimizer",
        "sgd",
        "--momentum",
        "0.9",
        "--lr",
        "0.05",
        "--passes",
        "20",
        "--print-every",
        "5",
        "--json",
    ]))
    .unwrap();
    assert!(report["train_accuracy"].as_f64().unwrap() > 0.5);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bad_inputs_give_one_clear_line_and_touch_nothing() {
    let dir = scratch("bad");
    let csv = dir.join("bad.csv");
    std::fs::write(&csv, "x1,x2,label\n1,2,0\n3,oops,1\n").unwrap();
    let e = fails(&["train", "--data", s(&csv), "--passes", "1"], 1);
    assert_eq!(
        e,
        format!(
            "error: {}, line 3, column 2: 'oops' is not a number\n",
            s(&csv)
        )
    );

    let e = fails(
        &[
            "predict",
            "--model",
            s(&dir.join("missing.json")),
            "--data",
            s(&csv),
        ],
        1,
    );
    assert!(
        e.starts_with("error: cannot read model ") && e.lines().count() == 1,
        "{e}"
    );

    let not_model = dir.join("model.json");
    std::fs::write(&not_model, "{\"format\": \"moons-mlp\", \"version\": 7}").unwrap();
    let e = fails(&["eval", "--model", s(&not_model), "--data", s(&csv)], 1);
    assert!(e.contains("version 7"), "{e}");

    // Out-of-range values are usage errors, refused by the argument parser (exit 2).
    let e = fails(&["train", "--hidden", "0", "--passes", "1"], 2);
    assert!(e.contains("invalid value '0' for '--hidden"), "{e}");
    let e = fails(
        &[
            "train",
            "--optimizer",
            "sgd",
            "--momentum",
            "1.5",
            "--passes",
            "1",
        ],
        2,
    );
    assert!(
        e.contains("'--momentum <M>': expected a number in [0, 1)"),
        "{e}"
    );
    let e = fails(&["train", "--test-fraction", "1", "--passes", "1"], 2);
    assert!(e.contains("'--test-fraction <F>'"), "{e}");
    let e = fails(&["data", "--dataset", "circles", "--factor", "2"], 2);
    assert!(
        e.contains("'--factor <F>': expected a number strictly between 0 and 1"),
        "{e}"
    );
    fails(&["train", "--optimizer", "rmsprop"], 2);
    fails(&["train", "--dataset", "moons", "--data", s(&csv)], 2);

    // An unwritable --save is refused before training, and an existing file survives a failure.
    let e = fails(
        &[
            "train",
            "--save",
            s(&dir.join("no/such/dir/m.json")),
            "--passes",
            "1",
        ],
        1,
    );
    assert!(e.contains("does not exist"), "{e}");
    let keep = dir.join("keep.json");
    std::fs::write(&keep, "precious").unwrap();
    fails(
        &[
            "train",
            "--lr",
            "1e300",
            "--activation",
            "identity",
            "--passes",
            "50",
            "--save",
            s(&keep),
        ],
        1,
    );
    assert_eq!(std::fs::read_to_string(&keep).unwrap(), "precious");
    std::fs::remove_dir_all(dir).ok();
}
