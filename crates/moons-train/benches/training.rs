//! One full-batch training pass (forward, backward, update) on the workloads, and the
//! seed's hidden-size sweep, and `LogisticRegressionCV()` on scikit-learn's digits (64
//! features, 10 classes, 1300 rows; scikit-learn takes 0.40 s, see docs/real-data.md).
//! `cargo bench -p moons-train --bench training`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use moons_datasets::{make_moons, Dataset, RandomState};
use moons_models::{Activation, Gradients, Mlp, Workspace};
use moons_train::{Fit, SeedNetwork, Trainer};

fn moons(n: usize) -> Dataset {
    make_moons(n, 0.2, true, &mut RandomState::new(0)).expect("valid parameters")
}

/// The step keeps the seed's step per point (0.01 at N = 200) so that long benchmark runs stay
/// finite: with summed gradients 0.01 itself diverges on large N.
fn one_pass(c: &mut Criterion, name: &str, n: usize, hidden: usize, fast: bool) {
    let lr = 0.01 * 200.0 / n as f64;
    let data = moons(n);
    let mut model = Mlp::seed_init(2, &[hidden], 2, Activation::Tanh, &mut RandomState::new(0));
    let mut ws = Workspace::new(&model, n);
    ws.set_fast(fast);
    let mut grads = Gradients::zeros_like(&model);
    c.bench_function(name, |b| {
        b.iter(|| {
            // What the trainer's step runs: forward and backward (in one kernel where fast mode
            // has one for the shape).
            model.gradients(data.x(), data.y(), 0.01, &mut ws, &mut grads);
            model.apply_gradients(&grads, lr);
            black_box(&model);
        })
    });
}

fn passes(c: &mut Criterion) {
    one_pass(c, "W1 pass (N=200, H=3)", 200, 3, false);
    one_pass(c, "W1 pass fast (N=200, H=3)", 200, 3, true);
    // `configure_from_args`, so that a name filter and `--profile-time` reach these too.
    let mut slow = Criterion::default().configure_from_args().sample_size(10);
    one_pass(&mut slow, "W3 pass (N=100000, H=64)", 100_000, 64, false);
    one_pass(
        &mut slow,
        "W3 pass fast (N=100000, H=64)",
        100_000,
        64,
        true,
    );
}

fn sweep(c: &mut Criterion) {
    let data = moons(200);
    let mut group = c.benchmark_group("W2");
    group.sample_size(10);
    group.bench_function("sweep H in 1,2,3,4,5,20,50 x 20000 passes", |b| {
        b.iter(|| {
            [1, 2, 3, 4, 5, 20, 50].map(|hidden| {
                let params = SeedNetwork {
                    hidden,
                    trainer: Trainer {
                        report_every: 20_000,
                        ..Trainer::default()
                    },
                    ..SeedNetwork::default()
                };
                black_box(params.fit(&data).expect("trains").train_accuracy)
            })
        })
    });
    group.finish();
}

fn logistic_regression_cv(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../reference/data/digits_train.csv"
    );
    let bytes = std::fs::read(path).expect("reference/data/digits_train.csv");
    let table =
        moons_datasets::table::read_table(path, &bytes, &Default::default()).expect("a valid file");
    let scaler = moons_models::Scaler::fit(moons_models::ScalerKind::Standard, table.data.x());
    let data = Dataset::new(scaler.transform(table.data.x()), table.data.labels.clone())
        .expect("same rows");
    let mut group = c.benchmark_group("logistic regression");
    group.sample_size(10);
    group.bench_function(
        "LogisticRegressionCV() on digits (1300 x 64, 10 classes)",
        |b| {
            b.iter(|| {
                black_box(
                    moons_train::LogisticRegressionCv::default()
                        .fit(&data)
                        .expect("fits")
                        .c,
                )
            })
        },
    );
    group.finish();
}

criterion_group!(benches, passes, sweep, logistic_regression_cv);
criterion_main!(benches);
