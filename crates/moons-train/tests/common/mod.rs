//! Shared by this crate's integration tests: the golden values written by
//! `reference/generate.py` (numpy + scikit-learn).

use serde_json::Value;

/// `reference/fixtures/<name>`, parsed (floats round-trip exactly: `float_roundtrip`).
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../reference/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}
