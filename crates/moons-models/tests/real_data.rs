//! Scalers and classification reports against scikit-learn on the real data sets that
//! `reference/generate_real_data.py` wrote (iris, wine, breast cancer, digits): the fitted
//! statistics, the transformed rows and every number of `classification_report`.

use moons_datasets::table::{read_table, TableOptions};
use moons_models::{ClassReport, ClassificationReport, Scaler, ScalerKind};
use serde_json::Value;

const SETS: [&str; 4] = ["iris", "wine", "breast_cancer", "digits"];

fn reference(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../reference")
        .join(path)
}

fn fixture() -> Value {
    let text = std::fs::read_to_string(reference("fixtures/real_data.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn split(name: &str, part: &str) -> moons_datasets::table::Table {
    let file = format!("data/{name}_{part}.csv");
    let bytes = std::fs::read(reference(&file)).unwrap();
    read_table(&file, &bytes, &TableOptions::default()).unwrap()
}

#[test]
fn scalers_equal_scikit_learns_on_the_training_rows() {
    let fixture = fixture();
    for name in SETS {
        let expected = &fixture["datasets"][name];
        let train = split(name, "train");
        let test = split(name, "test");
        assert_eq!(train.classes, strings(&expected["classes"]), "{name}");
        let standard = Scaler::fit(ScalerKind::Standard, train.data.x());
        let Scaler::Standard { mean, scale } = &standard else {
            unreachable!()
        };
        assert_eq!(
            mean,
            &floats(&expected["standard_scaler"]["mean"]),
            "{name} mean"
        );
        assert_eq!(
            scale,
            &floats(&expected["standard_scaler"]["scale"]),
            "{name} scale"
        );
        let minmax = Scaler::fit(ScalerKind::Minmax, train.data.x());
        let Scaler::Minmax { scale, min } = &minmax else {
            unreachable!()
        };
        assert_eq!(
            scale,
            &floats(&expected["minmax_scaler"]["scale"]),
            "{name} minmax scale"
        );
        assert_eq!(
            min,
            &floats(&expected["minmax_scaler"]["min"]),
            "{name} minmax min"
        );
        for (scaler, key) in [
            (&standard, "standard_test_first3"),
            (&minmax, "minmax_test_first3"),
        ] {
            let scaled = scaler.transform(test.data.x());
            for (row, want) in scaled
                .rows()
                .into_iter()
                .zip(expected[key].as_array().unwrap())
            {
                assert_eq!(row.to_vec(), floats(want), "{name} {key}");
            }
        }
    }
}

fn assert_line(line: &ClassReport, want: &Value, what: &str) {
    assert_eq!(
        line.precision,
        want["precision"].as_f64().unwrap(),
        "{what} precision"
    );
    assert_eq!(
        line.recall,
        want["recall"].as_f64().unwrap(),
        "{what} recall"
    );
    assert_eq!(line.f1, want["f1-score"].as_f64().unwrap(), "{what} f1");
    assert_eq!(
        line.support as f64,
        want["support"].as_f64().unwrap(),
        "{what} support"
    );
}

fn check_report(
    y_true: &[String],
    y_pred: &[String],
    classes: &[String],
    want: &Value,
    confusion: &Value,
    what: &str,
) {
    let index = |l: &String| classes.iter().position(|c| c == l).unwrap();
    let t: Vec<usize> = y_true.iter().map(index).collect();
    let p: Vec<usize> = y_pred.iter().map(index).collect();
    let report = ClassificationReport::new(&t, &p, classes);
    for line in &report.classes {
        assert_line(line, &want[&line.class], &format!("{what} {}", line.class));
    }
    assert_line(
        &report.macro_avg,
        &want["macro avg"],
        &format!("{what} macro"),
    );
    assert_line(
        &report.weighted_avg,
        &want["weighted avg"],
        &format!("{what} weighted"),
    );
    if let Some(acc) = want.get("accuracy") {
        assert_eq!(report.accuracy, acc.as_f64().unwrap(), "{what}");
    }
    let cm: Vec<Vec<usize>> = serde_json::from_value(confusion.clone()).unwrap();
    assert_eq!(report.confusion_matrix, cm, "{what}");
}

#[test]
fn classification_reports_equal_scikit_learns() {
    let fixture = fixture();
    for name in SETS {
        let r = &fixture["datasets"][name]["report"];
        let classes = strings(&fixture["datasets"][name]["classes"]);
        check_report(
            &strings(&r["y_true"]),
            &strings(&r["y_pred"]),
            &classes,
            &r["classification_report"],
            &r["confusion_matrix"],
            name,
        );
    }
    // A class never predicted and one never present: zero_division=0 and support 0.
    let case = &fixture["report_case"];
    check_report(
        &strings(&case["y_true"]),
        &strings(&case["y_pred"]),
        &strings(&case["labels"]),
        &case["report"],
        &case["confusion_matrix"],
        "report_case",
    );
}
