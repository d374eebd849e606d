//! A user's own CSV files, end to end through the real binary: scikit-learn's data sets
//! (`reference/data/`, written by `reference/generate_real_data.py`), the format corpus
//! (`reference/data/corpus/`), scaling stored in the model, class names in every output,
//! logistic regression as a saved model, and the warning when training does not converge.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod scratch;
use scratch::Scratch;

fn data(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../reference/data")
        .join(file)
        .to_str()
        .unwrap()
        .to_owned()
}

fn moons(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moons"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> (String, String) {
    let out = moons(args);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "moons {args:?}\n{stderr}");
    (stdout, stderr)
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args).0).unwrap()
}

#[test]
fn a_scaled_model_gives_eval_the_accuracy_training_measured_on_the_raw_test_file() {
    let dir = Scratch::new("scaled");
    let model = dir.path("iris.json");
    let (train, test) = (data("iris_train.csv"), data("iris_test.csv"));
    let report = json(&[
        "train",
        "--data",
        &train,
        "--test-data",
        &test,
        "--scale",
        "standard",
        "--save",
        &model,
        "--json",
    ]);
    assert_eq!(report["model"]["scale"], "standard");
    assert_eq!(
        report["model"]["classes"],
        serde_json::json!(["setosa", "versicolor", "virginica"])
    );
    let eval = json(&["eval", "--model", &model, "--data", &test, "--json"]);
    assert_eq!(eval["accuracy"], report["test_accuracy"]);
    assert!(eval["accuracy"].as_f64().unwrap() > 0.9);
    assert_eq!(eval["classes"][2], "virginica");
    assert_eq!(eval["report"][0]["class"], "setosa");
    assert_eq!(eval["macro_avg"]["support"], 38);
    // The text report has the per-class table.
    let (text, _) = ok(&["eval", "--model", &model, "--data", &test]);
    assert!(
        text.contains("precision    recall  f1-score   support"),
        "{text}"
    );
    assert!(text.contains("weighted avg"), "{text}");
}

#[test]
fn predict_writes_class_names_and_probabilities() {
    let dir = Scratch::new("proba");
    let model = dir.path("wine.json");
    ok(&[
        "train",
        "--data",
        &data("wine_train.csv"),
        "--passes",
        "50",
        "--save",
        &model,
    ]);
    let (csv, _) = ok(&[
        "predict",
        "--model",
        &model,
        "--data",
        &data("wine_test.csv"),
        "--proba",
    ]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[header.len() - 5..],
        [
            "class",
            "prediction",
            "proba_class_0",
            "proba_class_1",
            "proba_class_2"
        ]
    );
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let p: f64 = fields[fields.len() - 3..]
            .iter()
            .map(|v| v.parse::<f64>().unwrap())
            .sum();
        assert!((p - 1.0).abs() < 1e-12, "{line}");
        assert!(fields[fields.len() - 4].starts_with("class_"), "{line}");
    }
}

#[test]
fn every_format_of_the_corpus_trains() {
    let corpus = |f: &str| data(&format!("corpus/{f}"));
    let classes = |args: &[&str]| {
        json(&[&["train", "--passes", "5", "--json"], args].concat())["model"]["classes"].clone()
    };
    assert_eq!(
        classes(&["--data", &corpus("string_labels.csv")]),
        serde_json::json!(["cat", "dog", "emu"])
    );
    assert_eq!(
        classes(&["--data", &corpus("labels_one_to_k.csv")]),
        serde_json::json!(["1", "2", "3"])
    );
    assert_eq!(
        classes(&["--data", &corpus("mixed_labels.csv")]),
        serde_json::json!(["1", "2", "10"])
    );
    assert_eq!(
        classes(&["--data", &corpus("semicolon.csv")]),
        serde_json::json!(["no", "yes"])
    );
    assert_eq!(
        classes(&["--data", &corpus("tab.tsv")]),
        serde_json::json!(["no", "yes"])
    );
    assert_eq!(
        classes(&[
            "--data",
            &corpus("label_first.csv"),
            "--label-column",
            "target"
        ]),
        serde_json::json!(["neg", "pos"])
    );
    assert_eq!(
        classes(&["--data", &corpus("label_first.csv"), "--label-column", "1"]),
        serde_json::json!(["neg", "pos"])
    );
    let numeric = json(&[
        "train",
        "--passes",
        "5",
        "--json",
        "--data",
        &corpus("numeric_header.csv"),
    ]);
    assert_eq!(
        numeric["model"]["features"],
        serde_json::json!(["1990", "2000"])
    );
    let (_, note) = ok(&[
        "train",
        "--passes",
        "5",
        "--data",
        &corpus("pandas_index.csv"),
    ]);
    assert!(note.contains("pandas index"), "{note}");
    let index = json(&[
        "train",
        "--passes",
        "5",
        "--json",
        "--data",
        &corpus("pandas_index.csv"),
    ]);
    assert_eq!(index["model"]["features"], serde_json::json!(["x1", "x2"]));
    let missing = moons(&[
        "train",
        "--passes",
        "5",
        "--data",
        &corpus("missing_cells.csv"),
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--missing drop"));
    // Dropping both rows with a missing cell leaves one class of the file's two.
    let dropped = moons(&[
        "train",
        "--passes",
        "5",
        "--data",
        &corpus("missing_cells.csv"),
        "--missing",
        "drop",
    ]);
    let note = String::from_utf8_lossy(&dropped.stderr);
    assert!(
        note.contains("dropped 2 rows") && note.contains("single class"),
        "{note}"
    );
    let picked = json(&[
        "train",
        "--passes",
        "5",
        "--json",
        "--data",
        &data("iris_train.csv"),
        "--features",
        "petal length (cm),4",
    ]);
    assert_eq!(
        picked["model"]["features"],
        serde_json::json!(["petal length (cm)", "petal width (cm)"])
    );
}

#[test]
fn logistic_regression_is_a_saved_model_that_predict_and_eval_read() {
    let dir = Scratch::new("logreg");
    let model = dir.path("bc.json");
    let report = json(&[
        "logreg",
        "--data",
        &data("breast_cancer_train.csv"),
        "--test-data",
        &data("breast_cancer_test.csv"),
        "--save",
        &model,
        "--json",
    ]);
    // scikit-learn's LogisticRegressionCV() chooses this C and scores this on the test rows.
    let fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(data("../fixtures/real_data.json")).unwrap())
            .unwrap();
    let cv = &fixture["datasets"]["breast_cancer"]["logreg_cv"];
    assert_eq!(report["C"], cv["C"]);
    assert_eq!(report["test_accuracy"], cv["test_accuracy"]);
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(file["kind"], "logistic-regression");
    let eval = json(&[
        "eval",
        "--model",
        &model,
        "--data",
        &data("breast_cancer_test.csv"),
        "--json",
    ]);
    assert_eq!(eval["accuracy"], report["test_accuracy"]);
    let (csv, _) = ok(&[
        "predict",
        "--model",
        &model,
        "--data",
        &data("breast_cancer_test.csv"),
    ]);
    assert!(
        csv.lines().nth(1).unwrap().ends_with("benign")
            || csv.lines().nth(1).unwrap().ends_with("malignant")
    );
    let fixed = json(&[
        "logreg",
        "--data",
        &data("iris_train.csv"),
        "--c",
        "1",
        "--json",
    ]);
    assert_eq!(fixed["C"], 1.0);
    assert!(fixed["scores"].is_null());
}

#[test]
fn training_that_does_not_converge_says_why_and_which_flag_fixes_it() {
    let (_, stderr) = ok(&[
        "train",
        "--samples",
        "2000",
        "--passes",
        "300",
        "--print-every",
        "50",
    ]);
    assert!(
        stderr.contains("not converging") && stderr.contains("--gradient mean"),
        "{stderr}"
    );
    let (_, quiet) = ok(&["train", "--passes", "2000"]);
    assert!(
        !quiet.contains("warning"),
        "the seed's run converges: {quiet}"
    );
}

#[test]
fn write_split_saves_the_rows_of_the_split_with_their_names() {
    let dir = Scratch::new("split");
    let out = dir.path("split");
    ok(&[
        "train",
        "--data",
        &data("iris.csv"),
        "--test-fraction",
        "0.2",
        "--passes",
        "5",
        "--write-split",
        &out,
    ]);
    let train = std::fs::read_to_string(dir.0.join("split/train.csv")).unwrap();
    let test = std::fs::read_to_string(dir.0.join("split/test.csv")).unwrap();
    assert!(train.starts_with("sepal length (cm),"));
    assert_eq!(train.lines().count() + test.lines().count(), 150 + 2);
    assert!(test.contains(",virginica\n"));
}

#[test]
fn a_version_1_model_file_still_predicts() {
    let dir = Scratch::new("v1");
    let v1 = dir.path("v1.json");
    let model = moons_models::Mlp::new(
        2,
        &[3],
        2,
        moons_models::Activation::Tanh,
        moons_models::Init::Seed,
        &mut moons_datasets::RandomState::new(0),
    )
    .unwrap();
    model.save(Path::new(&v1)).unwrap();
    let points = dir.file("p.csv", b"x1,x2\n0.5,0.5\n");
    let (csv, _) = ok(&["predict", "--model", &v1, "--data", &points]);
    assert!(csv.starts_with("x1,x2,prediction\n0.5,0.5,"), "{csv}");
}
