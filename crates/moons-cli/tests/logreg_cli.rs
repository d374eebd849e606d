//! `moons logreg` against scikit-learn's LogisticRegressionCV() on the seed's data.

mod common;

use common::fixture;
use std::process::{Command, Output};

use serde_json::Value;

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
    assert_eq!(json["accuracy"], case["accuracy"]);
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
    let case = &fixture("logreg.json")["cases"][0];
    let text = stdout_of(&["logreg"]);
    let c = case["C"].as_f64().expect("C");
    assert!(text.contains(&format!("C = {c}\n")), "{text}");
    // scikit-learn stops at tol 1e-4: its coefficients agree with ours to about 1e-4.
    let first_number_after = |label: &str| -> f64 {
        let rest = &text[text.find(label).expect(label) + label.len()..];
        let end = rest.find([',', ']']).expect("a number");
        rest[..end].trim().parse().expect("a number")
    };
    let coef = first_number_after("coef = [[");
    let intercept = first_number_after("intercept = [");
    assert!(close(&coef.into(), &case["coef"][0][0], 1e-3), "{text}");
    assert!(
        close(&intercept.into(), &case["intercept"][0], 1e-3),
        "{text}"
    );
    let accuracy = case["accuracy"].as_f64().expect("accuracy");
    assert!(
        text.contains(&format!("Training accuracy: {accuracy}\n")),
        "{text}"
    );
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
