//! The JSON API against a real server on an ephemeral port: every route, every error, the
//! guards and limits, concurrent sessions, and exactness against the training crate.

mod common;

use std::time::{Duration, Instant};

use base64::Engine;
use common::*;
use moons_datasets::{make_moons, RandomState};
use moons_models::{Activation, Mlp, SavedModel};
use moons_train::Trainer;
use serde_json::Value;

/// `moons train --passes 1000`'s loss after pass 999, from the training crate itself.
fn library_loss_after(passes: usize) -> f64 {
    let data = make_moons(200, 0.2, true, &mut RandomState::new(0)).unwrap();
    let mut model = Mlp::seed_init(2, &[3], 2, Activation::Tanh, &mut RandomState::new(0));
    let trainer = Trainer {
        passes,
        ..Trainer::default()
    };
    let history = trainer.train(&mut model, &data, None, |_| {}).unwrap();
    history
        .evaluations
        .iter()
        .find(|e| e.pass == passes - 1)
        .expect("the last pass is evaluated")
        .train_loss
}

#[test]
fn the_default_session_stepped_1000_epochs_has_the_cli_loss_bit_for_bit() {
    let server = server(4);
    let addr = server.addr();
    let id = session(addr, "{}");
    let a = post(
        addr,
        &format!("/api/sessions/{id}/step"),
        r#"{"epochs": 1000}"#,
    );
    assert_eq!(a.status, 200, "{}", a.text());
    let m = a.json();
    assert_eq!(m["epoch"], 1000);
    let expected = library_loss_after(1000);
    assert_eq!(
        m["train_loss"].as_f64().unwrap().to_bits(),
        expected.to_bits()
    );
    assert_eq!(m["train_loss_text"], format!("{expected:.6}"));
    assert_eq!(m["test_loss"], Value::Null);
    // Stepping in pieces gives the same bits as one run.
    let id2 = session(addr, "{}");
    for _ in 0..4 {
        post(
            addr,
            &format!("/api/sessions/{id2}/step"),
            r#"{"epochs": 250}"#,
        );
    }
    let h = get(addr, &format!("/api/sessions/{id2}")).json();
    assert_eq!(
        h["metrics"]["train_loss"].as_f64().unwrap().to_bits(),
        expected.to_bits()
    );
}

#[test]
fn health_defaults_and_the_page_answer() {
    let server = server(4);
    let addr = server.addr();
    let h = get(addr, "/api/health");
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["ok"], true);
    assert_eq!(h.json()["version"], env!("CARGO_PKG_VERSION"));
    let d = get(addr, "/api/defaults").json();
    assert_eq!(d["config"]["hidden"], serde_json::json!([3]));
    assert_eq!(d["config"]["learning_rate"], 0.01);
    assert!(d["allowed"]["activation"].as_array().unwrap().len() == 5);
    let page = get(addr, "/");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page.text().contains("id=\"map\""));
    let js = get(addr, "/js/app.js");
    assert_eq!(js.status, 200);
    assert!(js
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    let missing = get(addr, "/nope.js");
    assert_eq!(missing.status, 404);
    assert!(missing.json()["error"].is_string());
}

#[test]
fn invalid_configurations_are_400_naming_the_key() {
    let server = server(4);
    let addr = server.addr();
    let cases = [
        (r#"{"hiden": [3]}"#, "hiden"),
        (r#"{"samples": 0}"#, "samples"),
        (r#"{"samples": "many"}"#, "samples"),
        (r#"{"noise": -1}"#, "noise"),
        (r#"{"hidden": [300]}"#, "hidden"),
        (r#"{"hidden": [1,1,1,1,1,1,1,1,1]}"#, "hidden"),
        (r#"{"hidden": 3}"#, "hidden"),
        (r#"{"activation": "swish"}"#, "activation"),
        (r#"{"learning_rate": 0}"#, "learning_rate"),
        (r#"{"reg_lambda": -0.1}"#, "reg_lambda"),
        (r#"{"test_fraction": 1}"#, "test_fraction"),
        (r#"{"classes": 3}"#, "classes"),
        (r#"{"batch_size": 0}"#, "batch_size"),
        (r#"{"gradient": "median"}"#, "gradient"),
        (r#"{"momentum": 1}"#, "momentum"),
        (r#"{"seed": -1}"#, "seed"),
        (r#"{"speed": 0}"#, "speed"),
        (r#"{"stop": -5}"#, "stop"),
        (r#"{"dataset": "csv"}"#, "dataset"),
    ];
    for (body, field) in cases {
        let a = post(addr, "/api/sessions", body);
        assert_eq!(a.status, 400, "{body}: {}", a.text());
        let e = a.json();
        assert_eq!(e["field"], field, "{body}: {e}");
        let message = e["error"].as_str().unwrap();
        assert!(message.contains(field), "{body}: {message}");
    }
    for body in ["[1, 2]", "{not json", "3"] {
        let a = post(addr, "/api/sessions", body);
        assert_eq!(a.status, 400, "{body}");
        assert!(a.json()["error"].is_string());
    }
    // The CLI's words for the same range.
    let a = post(addr, "/api/sessions", r#"{"learning_rate": -1}"#).json();
    assert!(
        a["error"]
            .as_str()
            .unwrap()
            .contains("expected a finite number > 0"),
        "{a}"
    );
}

#[test]
fn unknown_sessions_are_404_json_on_every_route() {
    let server = server(4);
    let addr = server.addr();
    let routes = [
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/step"),
        ("POST", "/reset"),
        ("GET", "/data"),
        ("PUT", "/data"),
        ("POST", "/points"),
        ("POST", "/points/remove"),
        ("GET", "/model"),
        ("PUT", "/model"),
        ("GET", "/history"),
        ("GET", "/history.csv"),
        ("GET", "/animation.gif"),
        ("GET", "/frames"),
    ];
    for (method, tail) in routes {
        let body: &[u8] = match tail {
            "/points" => br#"{"x": 0, "y": 0, "class": 0}"#,
            "/points/remove" => br#"{"x": 0, "y": 0}"#,
            _ => b"{}",
        };
        let a = send(
            addr,
            method,
            &format!("/api/sessions/nope{tail}"),
            &[],
            body,
        );
        assert_eq!(a.status, 404, "{method} {tail}: {}", a.text());
        assert!(a.json()["error"].is_string());
    }
}

#[test]
fn host_and_origin_guards_refuse_other_sites() {
    let server = server(4);
    let addr = server.addr();
    let port = addr.port();
    let rebound = send(addr, "GET", "/api/health", &[("Host", "evil.example")], b"");
    assert_eq!(rebound.status, 421);
    assert!(rebound.json()["error"]
        .as_str()
        .unwrap()
        .contains("evil.example"));
    let wrong_port = send(addr, "GET", "/api/health", &[("Host", "localhost:1")], b"");
    assert_eq!(wrong_port.status, 421);
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".into(),
    ] {
        let ok = send(addr, "GET", "/api/health", &[("Host", &host)], b"");
        assert_eq!(ok.status, 200, "{host}");
    }
    let foreign = send(
        addr,
        "POST",
        "/api/sessions",
        &[("Origin", "http://evil.example")],
        b"{}",
    );
    assert_eq!(foreign.status, 403);
    assert!(foreign.json()["error"].is_string());
    let own_origin = format!("http://localhost:{port}");
    let own = send(
        addr,
        "POST",
        "/api/sessions",
        &[("Origin", &own_origin)],
        b"{}",
    );
    assert_eq!(own.status, 201);
    let id = own.json()["id"].as_str().unwrap().to_string();
    let delete = send(
        addr,
        "DELETE",
        &format!("/api/sessions/{id}"),
        &[("Origin", "https://evil.example")],
        b"",
    );
    assert_eq!(delete.status, 403);
    // Reading is not state-changing: a foreign Origin on GET is answered (CORS keeps the
    // answer from the other site's script).
    let read = send(
        addr,
        "GET",
        "/api/health",
        &[("Origin", "http://evil.example")],
        b"",
    );
    assert_eq!(read.status, 200);
}

#[test]
fn bodies_over_16_mib_are_413_and_the_session_limit_is_429() {
    let server = server(2);
    let addr = server.addr();
    let id = session(addr, "{}");
    let huge = vec![b'1'; 16 * 1024 * 1024 + 10];
    let a = send(
        addr,
        "PUT",
        &format!("/api/sessions/{id}/data"),
        &[("Content-Type", "text/csv")],
        &huge,
    );
    assert_eq!(a.status, 413, "{}", a.text());
    assert!(a.json()["error"].as_str().unwrap().contains("16 MiB"));
    let _second = session(addr, "{}");
    let full = post(addr, "/api/sessions", "{}");
    assert_eq!(full.status, 429);
    assert!(full.json()["error"]
        .as_str()
        .unwrap()
        .contains("--max-sessions"));
    assert_eq!(
        send(addr, "DELETE", &format!("/api/sessions/{id}"), &[], b"").status,
        204
    );
    assert_eq!(
        send(addr, "DELETE", &format!("/api/sessions/{id}"), &[], b"").status,
        404
    );
    session(addr, "{}");
    let step = post(
        addr,
        &format!("/api/sessions/{id}/step"),
        r#"{"epochs": 0}"#,
    );
    assert_eq!(step.status, 404);
}

#[test]
fn step_rejects_bad_epoch_counts() {
    let server = server(2);
    let addr = server.addr();
    let id = session(addr, "{}");
    for body in [
        r#"{"epochs": 0}"#,
        r#"{"epochs": -1}"#,
        r#"{"epochs": 1e12}"#,
        r#"{"epochs": 2000000}"#,
        r#"{"epoch": 3}"#,
    ] {
        let a = post(addr, &format!("/api/sessions/{id}/step"), body);
        assert_eq!(a.status, 400, "{body}");
        assert!(a.json()["field"].is_string(), "{body}");
    }
    assert_eq!(get(addr, &format!("/api/sessions/{id}")).json()["epoch"], 0);
}

#[test]
fn the_learning_rate_changes_in_place_and_the_shape_resets() {
    let server = server(2);
    let addr = server.addr();
    let id = session(addr, r#"{"test_fraction": 0.25}"#);
    let m = post(
        addr,
        &format!("/api/sessions/{id}/step"),
        r#"{"epochs": 50}"#,
    )
    .json();
    assert!(
        m["test_loss"].is_f64() && m["test_accuracy"].is_f64(),
        "{m}"
    );
    let p = patch(
        addr,
        &format!("/api/sessions/{id}"),
        r#"{"learning_rate": 0.02, "reg_lambda": 0.001}"#,
    )
    .json();
    assert_eq!(p["reset"], false);
    assert_eq!(p["epoch"], 50);
    assert_eq!(p["config"]["learning_rate"], 0.02);
    let p = patch(
        addr,
        &format!("/api/sessions/{id}"),
        r#"{"hidden": [8, 8], "activation": "relu"}"#,
    )
    .json();
    assert_eq!(p["reset"], true);
    assert_eq!(p["epoch"], 0);
    assert_eq!(p["config"]["init"], "he");
    let bad = patch(
        addr,
        &format!("/api/sessions/{id}"),
        r#"{"learning_rate": "fast"}"#,
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["field"], "learning_rate");
    let after = get(addr, &format!("/api/sessions/{id}")).json();
    assert_eq!(
        after["config"]["learning_rate"], 0.02,
        "a refused change leaves the session as it was"
    );
    let r = post(addr, &format!("/api/sessions/{id}/reset"), "").json();
    assert_eq!(r["epoch"], 0);
}

#[test]
fn data_points_uploads_models_history_and_animation() {
    let server = server(2);
    let addr = server.addr();
    let id = session(addr, "{}");
    let base = format!("/api/sessions/{id}");
    let d = get(addr, &format!("{base}/data")).json();
    assert_eq!(d["train"]["x"].as_array().unwrap().len(), 200);
    assert_eq!(d["drawable"], true);
    let added = post(
        addr,
        &format!("{base}/points"),
        r#"{"x": 0.5, "y": 2.5, "class": 1}"#,
    );
    assert_eq!(added.status, 200, "{}", added.text());
    let d = get(addr, &format!("{base}/data")).json();
    assert_eq!(d["train"]["x"].as_array().unwrap().len(), 201);
    assert_eq!(
        post(
            addr,
            &format!("{base}/points/remove"),
            r#"{"x": 0.5, "y": 2.4}"#
        )
        .status,
        200
    );
    assert_eq!(
        get(addr, &format!("{base}/data")).json()["train"]["x"]
            .as_array()
            .unwrap()
            .len(),
        200
    );
    let bad_class = post(
        addr,
        &format!("{base}/points"),
        r#"{"x": 0, "y": 0, "class": 7}"#,
    );
    assert_eq!(bad_class.status, 400);
    let bad_x = post(addr, &format!("{base}/points"), r#"{"y": 0, "class": 0}"#);
    assert_eq!(bad_x.json()["field"], "x");

    post(addr, &format!("{base}/step"), r#"{"epochs": 20}"#);
    let file = get(addr, &format!("{base}/model"));
    assert_eq!(file.status, 200);
    assert!(file
        .header("content-disposition")
        .unwrap()
        .contains("moons-model.json"));
    let saved = SavedModel::from_json("served", &file.body).expect("the model file loads");
    assert_eq!(saved.mlp().unwrap().hidden_sizes(), vec![3]);
    assert_eq!(
        send(addr, "PUT", &format!("{base}/model"), &[], &file.body).status,
        200
    );
    assert_eq!(
        send(addr, "PUT", &format!("{base}/model"), &[], b"{}").status,
        400
    );

    let h = get(addr, &format!("{base}/history")).json();
    let epochs: Vec<u64> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["epoch"].as_u64().unwrap())
        .collect();
    assert_eq!(epochs.first(), Some(&0));
    assert_eq!(epochs.last(), Some(&20));
    let csv = get(addr, &format!("{base}/history.csv")).text();
    assert!(csv.starts_with("epoch,train_loss,test_loss,train_accuracy,test_accuracy\n"));
    assert_eq!(csv.lines().count(), epochs.len() + 1);
    let gif = get(addr, &format!("{base}/animation.gif"));
    assert_eq!(gif.status, 200);
    assert!(gif.body.starts_with(b"GIF89a"));

    // Three features: trained, measured, not drawn.
    let csv3 = "a,b,c,label\n0,0,1,0\n1,1,0,1\n0,1,1,0\n1,0,0,1\n0.2,0.1,0.9,0\n0.9,0.8,0.1,1\n";
    let up = send(
        addr,
        "PUT",
        &format!("{base}/data"),
        &[("Content-Type", "text/csv")],
        csv3.as_bytes(),
    );
    assert_eq!(up.status, 200, "{}", up.text());
    let s = up.json();
    assert_eq!(s["n_features"], 3);
    assert_eq!(s["drawable"], false);
    assert_eq!(s["config"]["dataset"], "csv");
    let d = get(addr, &format!("{base}/data")).json();
    assert!(d["why_not"].as_str().unwrap().contains("3"));
    let frame = first_frame(addr, &id);
    assert_eq!(frame["map"], Value::Null);
    assert!(frame["confusion"]["train"].is_array());
    let bad = send(addr, "PUT", &format!("{base}/data"), &[], b"x,y\n1,2,3\n");
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["error"].as_str().unwrap().contains("line"),
        "{}",
        bad.text()
    );
    let no_point = post(
        addr,
        &format!("{base}/points"),
        r#"{"x": 0, "y": 0, "class": 0}"#,
    );
    assert_eq!(no_point.status, 400);
}

#[test]
fn frames_carry_the_map_units_weights_and_confusion() {
    let server = server(2);
    let addr = server.addr();
    let id = session(addr, r#"{"hidden": [4, 3], "test_fraction": 0.2}"#);
    let f = first_frame(addr, &id);
    let b64 = base64::engine::general_purpose::STANDARD;
    let map = &f["map"];
    assert_eq!(map["width"], 100);
    let argmax = b64.decode(map["argmax"].as_str().unwrap()).unwrap();
    let confidence = b64.decode(map["confidence"].as_str().unwrap()).unwrap();
    assert_eq!(argmax.len(), 10_000);
    assert_eq!(confidence.len(), 10_000);
    assert!(argmax.iter().all(|&c| c < 2));
    assert!(
        confidence.iter().all(|&c| c >= 127),
        "the top probability is at least 1/2"
    );
    let layers = f["units"]["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(layers[0].as_array().unwrap().len(), 4);
    let unit = b64
        .decode(layers[1][2]["values"].as_str().unwrap())
        .unwrap();
    assert_eq!(unit.len(), 2500);
    let w = f["weights"].as_array().unwrap();
    assert_eq!(w.len(), 3);
    assert_eq!(w[0].as_array().unwrap().len(), 2);
    assert_eq!(w[0][0].as_array().unwrap().len(), 4);
    let train: u64 = f["confusion"]["train"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|v| v.as_u64().unwrap())
        .sum();
    let test: u64 = f["confusion"]["test"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(train + test, 200);
    assert_eq!(test, 40);
}

#[test]
fn playing_stops_at_the_stop_epoch() {
    let server = server(2);
    let addr = server.addr();
    let id = session(addr, r#"{"speed": "max", "stop": 300}"#);
    let p = patch(addr, &format!("/api/sessions/{id}"), r#"{"playing": true}"#).json();
    assert_eq!(p["playing"], true);
    let deadline = Instant::now() + Duration::from_secs(60);
    let s = loop {
        let s = get(addr, &format!("/api/sessions/{id}")).json();
        if s["playing"] == false || Instant::now() > deadline {
            break s;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(s["playing"], false);
    assert_eq!(s["epoch"], 300);
    let expected = library_loss_after(300);
    assert_eq!(
        s["metrics"]["train_loss"].as_f64().unwrap().to_bits(),
        expected.to_bits()
    );
}

#[test]
fn concurrent_sessions_do_not_disturb_each_other() {
    let server = server(8);
    let addr = server.addr();
    let expected = library_loss_after(400);
    let threads: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let config = if i % 2 == 0 {
                    "{}"
                } else {
                    r#"{"hidden": [16], "optimizer": "adam", "batch_size": 16}"#
                };
                let id = session(addr, config);
                if i % 2 == 1 {
                    patch(
                        addr,
                        &format!("/api/sessions/{id}"),
                        r#"{"playing": true, "speed": "max"}"#,
                    );
                }
                let m = post(
                    addr,
                    &format!("/api/sessions/{id}/step"),
                    r#"{"epochs": 400}"#,
                )
                .json();
                (i, m["train_loss"].as_f64().unwrap())
            })
        })
        .collect();
    let mut adam = Vec::new();
    for t in threads {
        let (i, loss) = t.join().unwrap();
        if i % 2 == 0 {
            assert_eq!(loss.to_bits(), expected.to_bits());
        } else {
            adam.push(loss);
        }
    }
    assert!(adam.iter().all(|l| l.is_finite()));
}

#[test]
fn stopping_the_server_ends_open_streams_quickly() {
    let server = server(2);
    let addr = server.addr();
    let id = session(addr, r#"{"speed": "max"}"#);
    patch(addr, &format!("/api/sessions/{id}"), r#"{"playing": true}"#);
    let reader = std::thread::spawn(move || first_frame(addr, &id));
    reader.join().unwrap();
    let mut open = std::net::TcpStream::connect(addr).unwrap();
    use std::io::Write;
    write!(open, "GET /api/health HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let start = Instant::now();
    server.stop();
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "stopped in {:?}",
        start.elapsed()
    );
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "nothing listens after stop"
    );
}
