//! The guard for every speed-up: the seed network's trajectories must stay equal to the
//! numpy reference (C library tanh) bit for bit. Reads the committed fixtures only.

mod common;

use common::fixture;

use moons_datasets::{make_moons, Dataset, RandomState};
use moons_train::{Fit, FittedNetwork, SeedNetwork, Trainer};
use ndarray::{Array1, Array2};
use serde_json::Value;

fn f64_of(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

fn usize_of(v: &Value) -> usize {
    v.as_u64().expect("an integer") as usize
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .expect("a matrix")
        .iter()
        .map(|r| r.as_array().expect("a row").iter().map(f64_of).collect())
        .collect();
    let cols = rows[0].len();
    Array2::from_shape_vec((rows.len(), cols), rows.concat()).expect("rectangular")
}

fn vector(v: &Value) -> Array1<f64> {
    // numpy's b1/b2 are 1 x H matrices; accept either shape.
    let items = v.as_array().expect("an array");
    match items.first() {
        Some(Value::Array(_)) => matrix(v)
            .into_shape_with_order(items[0].as_array().unwrap().len())
            .unwrap(),
        _ => items.iter().map(f64_of).collect(),
    }
}

fn data(seed: u32, n: usize, noise: f64) -> Dataset {
    make_moons(n, noise, true, &mut RandomState::new(seed)).expect("valid moons parameters")
}

/// Bit equality, reported with the first differing element.
fn assert_bits_eq<'a>(
    what: &str,
    ours: impl IntoIterator<Item = &'a f64>,
    theirs: impl IntoIterator<Item = &'a f64>,
) {
    let ours: Vec<u64> = ours.into_iter().map(|x| x.to_bits()).collect();
    let theirs: Vec<u64> = theirs.into_iter().map(|x| x.to_bits()).collect();
    assert_eq!(ours.len(), theirs.len(), "{what}: lengths differ");
    if let Some(i) = (0..ours.len()).find(|&i| ours[i] != theirs[i]) {
        panic!(
            "{what}[{i}]: ours {} != numpy {}",
            f64::from_bits(ours[i]),
            f64::from_bits(theirs[i])
        );
    }
}

fn assert_weights(what: &str, fitted: &FittedNetwork, expected: &Value) {
    let layers = &fitted.model.layers;
    assert_bits_eq(
        &format!("{what} W1"),
        &layers[0].weights,
        &matrix(&expected["W1"]),
    );
    assert_bits_eq(
        &format!("{what} b1"),
        &layers[0].bias,
        &vector(&expected["b1"]),
    );
    assert_bits_eq(
        &format!("{what} W2"),
        &layers[1].weights,
        &matrix(&expected["W2"]),
    );
    assert_bits_eq(
        &format!("{what} b2"),
        &layers[1].bias,
        &vector(&expected["b2"]),
    );
}

#[test]
fn seed_training_cases_are_bit_exact() {
    training_cases(|hidden| hidden != 1);
}

/// With H = 1 numpy multiplies vector-shaped operands (`W1` is 2 x 1, `a1` is N x 1) with
/// OpenBLAS `dgemv`, not `dgemm`, and sums the N x 1 `delta2` pairwise; the kernels mirror
/// that by shape (moons-linalg `exact/gemv.rs`, `reference/probe_gemv.py`). Kept as its own test so
/// that a regression names the path.
#[test]
fn seed_training_cases_with_one_hidden_unit_are_bit_exact() {
    training_cases(|hidden| hidden == 1);
}

fn training_cases(include: impl Fn(usize) -> bool) {
    let fx = fixture("seed_training.json");
    let cases: Vec<&Value> = fx["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| include(usize_of(&c["hidden"])))
        .collect();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in cases.iter().copied() {
        let result = std::panic::catch_unwind(|| check_training_case(&fx, case));
        if let Err(e) = result {
            failures.push(panic_message(e));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn panic_message(e: Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

fn check_training_case(fx: &Value, case: &Value) {
    {
        let (hidden, passes, every) = (
            usize_of(&case["hidden"]),
            usize_of(&case["passes"]),
            usize_of(&case["print_every"]),
        );
        let what = format!("H={hidden} data_seed={} n={}", case["data_seed"], case["n"]);
        let data = data(
            case["data_seed"].as_u64().unwrap() as u32,
            usize_of(&case["n"]),
            f64_of(&case["noise"]),
        );
        let params = SeedNetwork {
            hidden,
            init_seed: case["init_seed"].as_u64().unwrap() as u32,
            trainer: Trainer {
                learning_rate: f64_of(&fx["epsilon"]),
                reg_lambda: f64_of(&fx["reg_lambda"]),
                passes,
                report_every: every,
                ..Trainer::default()
            },
        };
        let fitted = params.fit(&data).expect("training succeeds");
        let expected = &case["ctanh"];

        let losses = expected["losses"].as_array().unwrap();
        assert_eq!(
            fitted.history.reports.len(),
            losses.len(),
            "{what}: report count"
        );
        for (report, pair) in fitted.history.reports.iter().zip(losses) {
            assert_eq!(report.pass, usize_of(&pair[0]), "{what}: report pass");
            assert_bits_eq(
                &format!("{what} loss at {}", report.pass),
                [&report.loss],
                [&f64_of(&pair[1])],
            );
        }
        let printed: Vec<String> = fitted
            .history
            .reports
            .iter()
            .map(|r| format!("Loss after iteration {}: {:.6}", r.pass, r.loss))
            .collect();
        let expected_printed: Vec<&str> = expected["printed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(printed, expected_printed, "{what}: printed lines");

        assert_eq!(
            fitted.train_accuracy,
            f64_of(&expected["train_accuracy"]),
            "{what}: accuracy"
        );
        assert_weights(&what, &fitted, expected);

        let tail: Vec<(usize, f64)> = fitted
            .history
            .tail
            .iter()
            .map(|r| (r.pass, r.loss))
            .collect();
        let expected_tail: Vec<(usize, f64)> = expected["last_losses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (usize_of(&p[0]), f64_of(&p[1])))
            .collect();
        assert_eq!(tail.len(), expected_tail.len(), "{what}: tail length");
        for (ours, theirs) in tail.iter().zip(&expected_tail) {
            assert_eq!(ours.0, theirs.0, "{what}: tail pass");
            assert_bits_eq(
                &format!("{what} tail loss at {}", ours.0),
                [&ours.1],
                [&theirs.1],
            );
        }
    }
}

#[test]
fn seed_sweep_is_bit_exact() {
    sweep_cases(|hidden| hidden != 1);
}

/// H = 1 in the sweep: the dgemv path as above.
#[test]
fn seed_sweep_with_one_hidden_unit_is_bit_exact() {
    sweep_cases(|hidden| hidden == 1);
}

fn sweep_cases(include: impl Fn(usize) -> bool) {
    let fx = fixture("seed_sweep.json");
    let data = data(
        fx["data_seed"].as_u64().unwrap() as u32,
        usize_of(&fx["n"]),
        f64_of(&fx["noise"]),
    );
    let passes = usize_of(&fx["passes"]);
    let cases: Vec<&Value> = fx["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| include(usize_of(&c["hidden"])))
        .collect();
    let mut failures = Vec::new();
    for case in cases.iter().copied() {
        let result = std::panic::catch_unwind(|| check_sweep_case(&fx, &data, passes, case));
        if let Err(e) = result {
            failures.push(panic_message(e));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} sweep runs differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn check_sweep_case(fx: &Value, data: &Dataset, passes: usize, case: &Value) {
    {
        let hidden = usize_of(&case["hidden"]);
        let params = SeedNetwork {
            hidden,
            init_seed: fx["init_seed"].as_u64().unwrap() as u32,
            trainer: Trainer {
                passes,
                report_every: passes,
                ..Trainer::default()
            },
        };
        let fitted = params.fit(data).expect("training succeeds");
        let what = format!("sweep H={hidden}");
        assert_eq!(
            fitted.train_accuracy,
            f64_of(&case["train_accuracy"]),
            "{what}: accuracy"
        );
        let last = fitted.history.tail.last().expect("a tail");
        assert_eq!(last.pass, passes - 1);
        assert_bits_eq(
            &format!("{what} final loss"),
            [&last.loss],
            [&f64_of(&case["final_loss"])],
        );
        assert_weights(&what, &fitted, case);
    }
}

#[test]
fn seed_per_pass_losses_are_bit_exact() {
    const PASSES: usize = 3000;
    let fx = fixture("seed_per_pass.json");
    let data = data(
        fx["data_seed"].as_u64().unwrap() as u32,
        usize_of(&fx["n"]),
        f64_of(&fx["noise"]),
    );
    let params = SeedNetwork {
        hidden: usize_of(&fx["hidden"]),
        init_seed: fx["init_seed"].as_u64().unwrap() as u32,
        trainer: Trainer {
            passes: PASSES,
            report_every: 1,
            ..Trainer::default()
        },
    };
    let fitted = params.fit(&data).expect("training succeeds");
    let ours: Vec<f64> = fitted.history.reports.iter().map(|r| r.loss).collect();
    let theirs: Vec<f64> = fx["losses"].as_array().unwrap()[..PASSES]
        .iter()
        .map(f64_of)
        .collect();
    assert_bits_eq("per-pass loss", &ours, &theirs);
}
