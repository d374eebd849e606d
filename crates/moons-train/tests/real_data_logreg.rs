//! Logistic regression on real data sets against scikit-learn's tightly converged
//! `LogisticRegression(C=1, tol=1e-10)` on standard-scaled training rows
//! (`reference/generate_real_data.py`): iris, wine and breast cancer (Newton's method, to the
//! last digits), digits (650 parameters, L-BFGS, to its tolerance).

use moons_datasets::table::{read_table, TableOptions};
use moons_models::{Classifier, Scaler, ScalerKind};
use moons_train::{accuracy, Fit, LogisticRegressionParams};
use serde_json::Value;

fn reference(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../reference")
        .join(path)
}

fn table(name: &str, part: &str) -> moons_datasets::table::Table {
    let file = format!("data/{name}_{part}.csv");
    read_table(
        &file,
        &std::fs::read(reference(&file)).unwrap(),
        &TableOptions::default(),
    )
    .unwrap()
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    serde_json::from_value(v.clone()).unwrap()
}

#[test]
fn fits_on_real_data_equal_scikit_learns() {
    let text = std::fs::read_to_string(reference("fixtures/real_data.json")).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    for (name, rel) in [
        ("iris", 1e-6),
        ("wine", 1e-6),
        ("breast_cancer", 1e-6),
        ("digits", 1e-2),
    ] {
        let expected = &fixture["datasets"][name]["logreg"];
        let train = table(name, "train");
        let test = table(name, "test");
        let scaler = Scaler::fit(ScalerKind::Standard, train.data.x());
        let scaled = |d: &moons_datasets::Dataset| {
            moons_datasets::Dataset::new(scaler.transform(d.x()), d.labels.clone()).unwrap()
        };
        let (train_s, test_s) = (
            scaled(&train.data),
            scaled(&test.labels_dataset(&train.classes)),
        );
        let fitted = LogisticRegressionParams {
            c: 1.0,
            ..LogisticRegressionParams::default()
        }
        .fit(&train_s)
        .unwrap();
        assert!(fitted.report.converged, "{name}: {:?}", fitted.report);
        let coef = matrix(&expected["coef"]);
        let scale = coef.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
        for (ours, theirs) in fitted.model.coef().rows().into_iter().zip(&coef) {
            for (a, b) in ours.iter().zip(theirs) {
                assert!((a - b).abs() <= rel * scale, "{name}: coef {a} vs {b}");
            }
        }
        let theirs = expected["test_accuracy"].as_f64().unwrap();
        let ours = accuracy(&fitted.model, &test_s);
        // One test row of 497 may land on the other side at digits' looser tolerance.
        assert!(
            (ours - theirs).abs() <= 1.0 / test_s.n_samples() as f64 + 1e-12,
            "{name}: {ours} vs {theirs}"
        );
        let proba = fitted.model.predict_proba(test_s.x());
        for (row, want) in proba
            .rows()
            .into_iter()
            .zip(matrix(&expected["predict_proba_test_first5"]))
        {
            for (a, b) in row.iter().zip(&want) {
                assert!((a - b).abs() <= rel.max(1e-9), "{name}: proba {a} vs {b}");
            }
        }
    }
}
