//! A session shows an imported network of another shape than its own: the frames and the
//! confusion matrices follow the imported shape, and a reset goes back to the session's own.

use moons_playground::{Config, Session};
use serde_json::json;

fn session(hidden: &[usize]) -> Session {
    Session::new(Config::from_json(&json!({ "hidden": hidden })).unwrap()).unwrap()
}

fn unit_layers(frame: &serde_json::Value) -> Vec<usize> {
    frame["units"]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_array().unwrap().len())
        .collect()
}

#[test]
fn an_imported_network_of_another_shape_is_drawn_and_counted() {
    let mut wide = session(&[8, 5]);
    wide.step(50).unwrap();
    let file = wide.model_file().unwrap();

    let mut own = session(&[3]);
    assert_eq!(unit_layers(&own.frame()), vec![3]);
    own.import(file.as_bytes()).unwrap();
    let frame = own.frame();
    assert_eq!(frame["imported"], true);
    assert_eq!(unit_layers(&frame), vec![8, 5]);
    // The imported network's matrix: its predictions on the same points as the trained
    // session's, so the same counts.
    assert_eq!(frame["confusion"], wide.frame()["confusion"]);
    let counted: u64 = frame["confusion"]["train"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().iter().map(|c| c.as_u64().unwrap()))
        .sum();
    assert_eq!(counted, 200);

    own.reset().unwrap();
    let frame = own.frame();
    assert_eq!(frame["imported"], false);
    assert_eq!(unit_layers(&frame), vec![3]);
}
