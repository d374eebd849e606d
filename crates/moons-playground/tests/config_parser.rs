//! The configuration parser never panics, refuses with the key it names, and round-trips
//! every configuration it accepts.

use moons_playground::config::{Config, KEYS};
use proptest::prelude::*;
use serde_json::{json, Value};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        (0u64..300).prop_map(Value::from),
        (0.0f64..1.0).prop_map(Value::from),
        "[a-z-]{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "tanh", "relu", "adam", "sgd", "mean", "spirals", "max"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 16, 4, |inner| {
        prop::collection::vec(inner, 0..10).prop_map(Value::from)
    })
}

fn any_object() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        prop::sample::select(KEYS.to_vec()).prop_map(String::from),
        "[a-z_]{1,10}",
    ];
    prop::collection::btree_map(key, any_json(), 0..6)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

proptest! {
    #[test]
    fn any_object_is_accepted_or_refused_naming_a_key(object in any_object()) {
        match Config::from_json(&object) {
            Ok(config) => {
                let again = Config::from_json(&config.to_json()).expect("its own output parses");
                prop_assert_eq!(again.to_json(), config.to_json());
            }
            Err(e) => {
                let keys: Vec<&String> = object.as_object().unwrap().keys().collect();
                prop_assert!(keys.iter().any(|k| **k == e.field), "{} not in {:?}", e.field, keys);
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn anything_that_is_not_an_object_is_refused(v in any_json()) {
        prop_assume!(!v.is_object());
        prop_assert!(Config::from_json(&v).is_err());
    }
}

#[test]
fn the_empty_object_is_the_seed_run() {
    assert_eq!(Config::from_json(&json!({})).unwrap(), Config::default());
    let c = Config::default().to_json();
    assert_eq!(c["hidden"], json!([3]));
    assert_eq!(c["init"], "seed");
    assert_eq!(c["gradient"], "sum");
}
