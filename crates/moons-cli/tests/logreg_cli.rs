//! `moons logreg` against scikit-learn's LogisticRegressionCV() on the seed's data.

use std::process::{Command, Output};

use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../reference/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moons"))
        .args(args)
        .output()
        .expect("the moons binary runs")
}

fn stdout_of(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "moons {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn close(ours: &Value, theirs: &Value, rel: f64) -> bool {
    let (o, t) = (
        ours.as_f64().expect("number"),
        theirs.as_f64().expect("number"),
    );
    (o - t).abs() <= rel * t.abs()
}

#[test]
fn json_output_is_scikit_learns_model() {
    let case = &fixture("logreg.json")["cases"][0];
    let json: Value = serde_json::from_str(&stdout_of(&["logreg", "--json"])).expect("JSON");
    assert_eq!(json["C"], case["C"]);
    assert_eq!(json["C"].as_f64(), Some(2.782559402207126));
    assert_eq!(json["accuracy"].as_f64(), Some(0.85));
    assert_eq!(json["scores"], case["scores"]);
    assert_eq!(json["Cs"], case["Cs"]);
    for (ours, theirs) in json["coef"][0]
        .as_array()
        .expect("coef row")
        .iter()
        .zip(case["coef"][0].as_array().expect("row"))
    {
        assert!(close(ours, theirs, 1e-3), "coef {ours} vs {theirs}");
    }
    assert!(close(&json["intercept"][0], &case["intercept"][0], 1e-3));
    assert_eq!(json["coef"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["converged"], Value::Bool(true));
    assert!(json["warnings"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn text_output_names_c_coefficients_and_accuracy() {
    let text = stdout_of(&["logreg"]);
    assert!(text.contains("C = 2.782559402207126\n"), "{text}");
    assert!(text.contains("coef = [[1.1187"), "{text}");
    assert!(text.contains("intercept = [0.511"), "{text}");
    assert!(text.contains("Training accuracy: 0.85\n"), "{text}");
    assert!(text.contains("converged"), "{text}");
}

#[test]
fn explicit_cs_and_folds_are_used() {
    let json: Value = serde_json::from_str(&stdout_of(&[
        "logreg", "--json", "--cs", "0.5,2", "--folds", "3",
    ]))
    .expect("JSON");
    assert_eq!(json["Cs"], serde_json::json!([0.5, 2.0]));
    assert_eq!(json["scores"].as_array().map(Vec::len), Some(3));
}

#[test]
fn bad_values_are_usage_errors_naming_the_flag() {
    for args in [
        &["logreg", "--folds", "1"][..],
        &["logreg", "--cs=-1"],
        &["logreg", "--cs", "abc"],
    ] {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: invalid value"), "{err}");
        assert!(
            err.contains(args[1].trim_start_matches("--").split('=').next().unwrap()),
            "{err}"
        );
    }
}
