//! What a playing session costs: one frame (the 100 x 100 map and every unit's map, weights,
//! confusion) and one epoch, for TensorFlow Playground's largest network (6 x 8 tanh, 500
//! circles points with half held out, SGD, batch 10, lr 0.03) and for the seed's.

use criterion::{criterion_group, criterion_main, Criterion};
use moons_playground::{Config, Session};
use serde_json::json;

fn largest_playground_net() -> Session {
    let config = Config::from_json(&json!({
        "dataset": "circles", "samples": 500, "test_fraction": 0.5, "noise": 0.1,
        "hidden": [8, 8, 8, 8, 8, 8], "activation": "tanh", "optimizer": "sgd",
        "batch_size": 10, "learning_rate": 0.03,
    }))
    .unwrap();
    Session::new(config).unwrap()
}

fn bench(c: &mut Criterion) {
    let mut big = largest_playground_net();
    c.bench_function("frame: 6x8 tanh, map 100x100 + 48 unit maps", |b| {
        b.iter(|| big.frame())
    });
    c.bench_function("epoch: 6x8 tanh, 250 points, sgd batch 10", |b| {
        b.iter(|| big.one_epoch().unwrap())
    });
    let config = Config::from_json(&json!({"hidden": [8, 8, 8, 8, 8, 8], "samples": 500})).unwrap();
    let points = moons_playground::experiment::generate(&config).unwrap();
    let prepared = moons_playground::experiment::prepare(&config, &points).unwrap();
    let mut maps =
        moons_playground::frame::FrameBuilder::new(&prepared.model, &points.data, &prepared.scaler)
            .unwrap();
    c.bench_function("maps only: 6x8 tanh", |b| {
        b.iter(|| maps.maps(&prepared.model))
    });
    let mut seed = Session::new(Config::default()).unwrap();
    c.bench_function("frame: the seed's 2-3-2 network", |b| {
        b.iter(|| seed.frame())
    });
    c.bench_function("epoch: the seed's 2-3-2 network", |b| {
        b.iter(|| seed.one_epoch().unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
