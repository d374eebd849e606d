//! The model-file parser under arbitrary input: it may refuse, never panic, and whatever it
//! accepts is a consistent, finite network.

use moons_datasets::RandomState;
use moons_models::{Activation, Classifier, Mlp};
use proptest::prelude::*;

fn saved_model() -> String {
    let model = Mlp::seed_init(2, &[3, 2], 3, Activation::Relu, &mut RandomState::new(1));
    model.to_model_json().unwrap()
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = Mlp::from_model_json("fuzz.json", &bytes);
    }

    #[test]
    fn mutated_model_files_never_panic(position in 0usize..4000, byte in any::<u8>(), cut in 0usize..4000) {
        let text = saved_model();
        let mut bytes = text.into_bytes();
        let i = position % bytes.len();
        bytes[i] = byte;
        bytes.truncate(cut.max(1).min(bytes.len()));
        if let Ok(model) = Mlp::from_model_json("fuzz.json", &bytes) {
            // Anything accepted must be usable without panicking.
            let x = ndarray::Array2::zeros((2, model.n_features()));
            let p = model.predict_proba(x.view());
            prop_assert!(p.iter().all(|v| v.is_finite()));
        }
    }
}

#[test]
fn a_saved_model_loads_back_identical() {
    let model = Mlp::seed_init(2, &[3, 2], 3, Activation::Relu, &mut RandomState::new(1));
    let back = Mlp::from_model_json("m.json", saved_model().as_bytes()).unwrap();
    assert_eq!(back, model);
}
