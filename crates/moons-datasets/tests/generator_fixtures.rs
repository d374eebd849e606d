//! `make_circles`, `make_blobs`, the spiral and XOR against fixtures written by numpy and
//! scikit-learn (reference/generate.py).

use moons_datasets::{make_blobs, make_circles, make_spirals, make_xor, Dataset, RandomState};
use serde_json::Value;

const TOLERANCE: f64 = 1e-12;

fn cases(name: &str) -> Vec<Value> {
    let path = format!(
        "{}/../../reference/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    value["cases"].as_array().unwrap().clone()
}

fn usize_of(case: &Value, key: &str) -> usize {
    case[key].as_u64().unwrap() as usize
}

fn rng(case: &Value) -> RandomState {
    RandomState::new(case["seed"].as_u64().unwrap() as u32)
}

fn assert_matrix(got: &ndarray::Array2<f64>, want: &Value, what: &str) {
    let want = want.as_array().unwrap();
    assert_eq!(got.nrows(), want.len(), "{what}: rows");
    for (i, (row, expected)) in got.rows().into_iter().zip(want).enumerate() {
        let expected: Vec<f64> = expected
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert_eq!(row.len(), expected.len(), "{what}: row {i} width");
        for (j, (&g, &e)) in row.iter().zip(&expected).enumerate() {
            assert!(
                (g - e).abs() <= TOLERANCE,
                "{what}[{i}, {j}]: {g} vs numpy {e}"
            );
        }
    }
}

fn assert_data(got: &Dataset, case: &Value, what: &str) {
    assert_matrix(&got.features, &case["X"], what);
    let want: Vec<usize> = case["y"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect();
    assert_eq!(got.labels.to_vec(), want, "{what}: labels");
}

#[test]
fn make_circles_matches_scikit_learn() {
    for case in cases("make_circles.json") {
        let noise = case["noise"].as_f64().unwrap();
        let factor = case["factor"].as_f64().unwrap();
        let data =
            make_circles(usize_of(&case, "n"), noise, factor, true, &mut rng(&case)).unwrap();
        assert_data(&data, &case, &format!("circles {case:.40}"));
    }
}

#[test]
fn make_blobs_matches_scikit_learn() {
    for case in cases("make_blobs.json") {
        let std = case["cluster_std"].as_f64().unwrap();
        let (data, centers) = make_blobs(
            usize_of(&case, "n"),
            usize_of(&case, "centers"),
            std,
            &mut rng(&case),
        )
        .unwrap();
        assert_matrix(&centers, &case["center_points"], "blob centres");
        assert_data(&data, &case, "blobs");
    }
}

#[test]
fn spirals_match_the_reference_script() {
    for case in cases("spirals.json") {
        let noise = case["noise"].as_f64().unwrap();
        let data = make_spirals(
            usize_of(&case, "n"),
            usize_of(&case, "classes"),
            noise,
            &mut rng(&case),
        )
        .unwrap();
        assert_data(&data, &case, "spirals");
    }
}

#[test]
fn xor_matches_numpy() {
    for case in cases("xor.json") {
        let data = make_xor(usize_of(&case, "n"), &mut rng(&case)).unwrap();
        assert_data(&data, &case, "xor");
    }
}

#[test]
fn generators_refuse_bad_parameters_before_allocating() {
    let mut r = RandomState::new(0);
    assert!(make_circles(10, 0.1, 1.0, true, &mut r).is_err());
    assert!(make_circles(10, 0.1, 0.0, true, &mut r).is_err());
    assert!(make_circles(10, -0.1, 0.5, true, &mut r).is_err());
    assert!(make_blobs(10, 0, 1.0, &mut r).is_err());
    assert!(make_blobs(usize::MAX, 3, 1.0, &mut r).is_err());
    assert!(make_blobs(10, 3, f64::NAN, &mut r).is_err());
    assert!(make_spirals(10, 1, 0.1, &mut r).is_err());
    assert!(make_spirals(10, 1_000_000, 0.1, &mut r).is_err());
    assert!(make_xor(0, &mut r).is_err());
    let e = make_circles(10, 0.1, 1.5, true, &mut r)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "invalid factor 1.5: expected a number strictly between 0 and 1"
    );
}

#[test]
fn uneven_spirals_give_the_remainder_to_the_first_classes() {
    let data = make_spirals(11, 3, 0.0, &mut RandomState::new(0)).unwrap();
    assert_eq!(data.class_counts(), vec![4, 4, 3]);
}
