//! `RandomState` and `make_moons` against fixtures written by numpy and scikit-learn
//! (reference/generate.py).

use moons_datasets::{make_moons, RandomState};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../reference/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn ints(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

fn seeded(case: &Value) -> RandomState {
    RandomState::new(case["seed"].as_u64().unwrap() as u32)
}

#[test]
fn streams_equal_numpy_bit_for_bit() {
    let cases = fixture("random_streams.json");
    let cases = cases["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for case in cases {
        let seed = case["seed"].as_u64().unwrap();

        let mut rng = seeded(case);
        let raw: Vec<u64> = (0..12).map(|_| u64::from(rng.next_u32_raw())).collect();
        assert_eq!(raw, ints(&case["uint32"]), "uint32, seed {seed}");

        let mut rng = seeded(case);
        let got: Vec<f64> = (0..10).map(|_| rng.random_sample()).collect();
        assert_eq!(
            got,
            floats(&case["random_sample"]),
            "random_sample, seed {seed}"
        );

        let mut rng = seeded(case);
        assert_eq!(
            rng.randn_vec(11),
            floats(&case["randn"]),
            "randn, seed {seed}"
        );

        let mut rng = seeded(case);
        let got: Vec<f64> = (0..7).map(|_| rng.normal(1.5, 0.25)).collect();
        assert_eq!(got, floats(&case["normal"]), "normal, seed {seed}");

        let mut rng = seeded(case);
        let got: Vec<f64> = (0..6).map(|_| rng.uniform(-1.0, 1.0)).collect();
        assert_eq!(got, floats(&case["uniform"]), "uniform, seed {seed}");

        let mut rng = seeded(case);
        let got: Vec<u64> = rng.permutation(10).into_iter().map(|i| i as u64).collect();
        assert_eq!(
            got,
            ints(&case["permutation10"]),
            "permutation, seed {seed}"
        );

        for shuffle in case["shuffle_arange"].as_array().unwrap() {
            let n = shuffle["n"].as_u64().unwrap() as usize;
            let mut rng = seeded(case);
            let mut items: Vec<u64> = (0..n as u64).collect();
            rng.shuffle(&mut items);
            assert_eq!(items, ints(&shuffle["result"]), "shuffle({n}), seed {seed}");
        }

        // One generator through randn(3), random_sample(2), randn(2): the Gaussian cached by
        // the odd randn call survives the uniform draws, as in numpy.
        let mut rng = seeded(case);
        let mixed = &case["mixed"];
        assert_eq!(rng.randn_vec(3), floats(&mixed["a"]));
        let b: Vec<f64> = (0..2).map(|_| rng.random_sample()).collect();
        assert_eq!(b, floats(&mixed["b"]));
        assert_eq!(rng.randn_vec(2), floats(&mixed["c"]), "mixed, seed {seed}");
    }
}

#[test]
fn rand_rng_core_draws_the_same_stream() {
    use rand::RngCore;
    let cases = fixture("random_streams.json");
    let case = &cases["cases"][0];
    let mut rng = seeded(case);
    let got: Vec<u64> = (0..12).map(|_| u64::from(rng.next_u32())).collect();
    assert_eq!(got, ints(&case["uint32"]));
}

#[test]
fn make_moons_equals_scikit_learn() {
    let cases = fixture("make_moons.json");
    let cases = cases["cases"].as_array().unwrap();
    assert!(cases.len() >= 9);
    for case in cases {
        let n = case["n"].as_u64().unwrap() as usize;
        let noise = case["noise"].as_f64().unwrap();
        let shuffle = case["shuffle"].as_bool().unwrap();
        let data = make_moons(n, noise, shuffle, &mut seeded(case)).unwrap();
        let expected_x = case["X"].as_array().unwrap();
        let expected_y = ints(&case["y"]);
        assert_eq!(data.n_samples(), n);
        for (i, row) in expected_x.iter().enumerate() {
            let row = floats(row);
            for (j, &want) in row.iter().enumerate() {
                let got = data.features[[i, j]];
                assert!(
                    (got - want).abs() <= 1e-12,
                    "make_moons({n}, noise={noise}, seed={}) X[{i},{j}] = {got}, scikit-learn {want}",
                    case["seed"]
                );
            }
        }
        let labels: Vec<u64> = data.labels.iter().map(|&l| l as u64).collect();
        assert_eq!(
            labels, expected_y,
            "labels of make_moons({n}, seed={})",
            case["seed"]
        );
    }
}

#[test]
fn the_seed_data_is_bit_identical() {
    // The seed's own data: np.random.seed(0); make_moons(200, noise=0.20). Exact, not 1e-12,
    // because everything downstream (the loss table) depends on its last bits.
    let cases = fixture("make_moons.json");
    let case = &cases["cases"][0];
    assert_eq!(
        (case["n"].as_u64(), case["noise"].as_f64()),
        (Some(200), Some(0.2))
    );
    let data = make_moons(200, 0.2, true, &mut RandomState::new(0)).unwrap();
    for (i, row) in case["X"].as_array().unwrap().iter().enumerate() {
        assert_eq!(data.features.row(i).to_vec(), floats(row), "row {i}");
    }
}

#[test]
fn ndarray_rand_can_draw_from_the_numpy_stream() {
    use ndarray::Array2;
    use ndarray_rand::rand_distr::Uniform;
    use ndarray_rand::RandomExt;
    let mut rng = RandomState::new(5);
    let a = Array2::random_using((3, 2), Uniform::new(0.0, 1.0).unwrap(), &mut rng);
    assert!(a.iter().all(|&x| (0.0..1.0).contains(&x)));
}

#[test]
fn bad_parameters_are_refused() {
    let mut rng = RandomState::new(0);
    for (n, noise) in [
        (0, 0.2),
        (10, -0.1),
        (10, f64::NAN),
        (10, f64::INFINITY),
        (usize::MAX, 0.2),
    ] {
        let err = make_moons(n, noise, true, &mut rng).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("expected"), "{message}");
    }
}
