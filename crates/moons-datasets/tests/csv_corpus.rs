//! The CSV corpus in `reference/data/corpus/` read as scikit-learn users read it with pandas:
//! the expectations (features, names, classes) are in `corpus.json`, written by
//! `reference/generate_real_data.py` with numpy and scikit-learn's `LabelEncoder`.

use moons_datasets::table::{read_table, ColumnRef, Missing, TableOptions};
use serde_json::Value;

fn corpus() -> (std::path::PathBuf, Value) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reference/data/corpus");
    let json = std::fs::read_to_string(dir.join("corpus.json")).unwrap();
    (dir, serde_json::from_str(&json).unwrap())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| match s {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

#[test]
fn every_corpus_file_reads_as_pandas_and_scikit_learn_read_it() {
    let (dir, corpus) = corpus();
    let files = corpus["files"].as_object().unwrap();
    assert_eq!(files.len(), 9);
    for (file, expected) in files {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let label = expected["label_column"].as_str().unwrap();
        let options = TableOptions {
            label_column: (file == "label_first.csv").then(|| ColumnRef::Name(label.into())),
            ..TableOptions::default()
        };
        let missing = !expected["missing"].as_array().unwrap().is_empty();
        let table = if missing {
            let err = read_table(file, &bytes, &options).unwrap_err().to_string();
            assert!(
                err.contains("the cell is missing") && err.contains("--missing drop"),
                "{err}"
            );
            let dropped = TableOptions {
                missing: Missing::Drop,
                ..options
            };
            read_table(file, &bytes, &dropped).unwrap()
        } else {
            read_table(file, &bytes, &options).unwrap()
        };
        let n_rows = expected["n_rows"].as_u64().unwrap() as usize;
        let n_missing = expected["missing"].as_array().unwrap().len();
        assert_eq!(table.data.n_samples(), n_rows - n_missing, "{file}");
        assert_eq!(
            table.feature_names,
            strings(&expected["feature_names"]),
            "{file}"
        );
        assert_eq!(table.label_name, label, "{file}");
        assert_eq!(
            table.notes.len(),
            usize::from(expected["index_column"].as_bool().unwrap() || missing),
            "{file}: {:?}",
            table.notes
        );
        // Integer labels take numeric order (pandas reads them as ints); others string order.
        let classes = match expected.get("classes_as_ints") {
            Some(ints) => strings(ints),
            None => strings(&expected["classes_as_strings"]),
        };
        if missing {
            // Dropping rows may drop a class with them.
            assert!(table.classes.iter().all(|c| classes.contains(c)), "{file}");
        } else {
            assert_eq!(table.classes, classes, "{file}");
            let x = expected["X"].as_array().unwrap();
            for (row, want) in table.data.features.rows().into_iter().zip(x) {
                let want: Vec<f64> = want
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect();
                assert_eq!(row.to_vec(), want, "{file}");
            }
            let raw = strings(&expected["y_raw"]);
            for (&label, raw) in table.data.labels.iter().zip(&raw) {
                assert_eq!(&table.classes[label], raw, "{file}");
            }
        }
    }
}
