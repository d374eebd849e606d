//! The fused kernels on the shapes: tall-skinny `N x H` with tiny `H` (the seed's
//! N = 200, H = 3) and large `N x 64`, and the elementwise `tanh`/`exp`. `cargo bench -p
//! moons-linalg --bench kernels`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use moons_linalg::{
    affine_into, backprop_deltas_into, one_hidden_fast_forward_into,
    one_hidden_fast_gradients_into, one_hidden_fast_two_class_gradients_into, softmax_rows_into,
    weight_gradients_into, ForwardOut, GradOut, LayerActivation, OneHiddenParams,
};
use ndarray::{Array1, Array2};

fn pseudo_random(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    let mut s = seed;
    Array2::from_shape_fn((rows, cols), |_| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2.0
    })
}

fn shapes(c: &mut Criterion) {
    for (n, h) in [(200usize, 3usize), (100_000, 64)] {
        let x = pseudo_random(n, 2, 1);
        let w1 = pseudo_random(2, h, 2);
        let b1 = Array1::zeros(h);
        let w2 = pseudo_random(h, 2, 3);
        let b2 = Array1::zeros(2);
        let mut a1 = Array2::zeros((n, h));
        let mut z2 = Array2::zeros((n, 2));
        let mut p = Array2::zeros((n, 2));
        let mut d2 = Array2::zeros((n, h));
        let mut dw1 = Array2::zeros((2, h));
        let mut db1 = Array1::zeros(h);
        let mut group = c.benchmark_group(format!("N={n} H={h}"));
        if n > 1000 {
            group.sample_size(10);
        }
        for (name, act) in [
            ("affine+tanh", LayerActivation::Tanh),
            ("affine+fast tanh", LayerActivation::FastTanh),
        ] {
            group.bench_function(name, |b| {
                b.iter(|| affine_into(x.view(), w1.view(), b1.view(), act, a1.view_mut()))
            });
        }
        group.bench_function("affine (H -> 2)", |b| {
            b.iter(|| {
                affine_into(
                    a1.view(),
                    w2.view(),
                    b2.view(),
                    LayerActivation::Identity,
                    z2.view_mut(),
                )
            })
        });
        group.bench_function("softmax", |b| {
            b.iter(|| softmax_rows_into(z2.view(), p.view_mut()))
        });
        group.bench_function("delta below (tanh)", |b| {
            b.iter(|| backprop_deltas_into(p.view(), w2.view(), Some(a1.view()), d2.view_mut()))
        });
        group.bench_function("weight gradients (X^T delta)", |b| {
            b.iter(|| weight_gradients_into(x.view(), d2.view(), dw1.view_mut(), db1.view_mut()))
        });
        group.finish();
        black_box((&a1, &p, &dw1));
    }
}

/// The fast mode's whole pass on the seed's shape (N = 200, D = 2, H = 3, C = 2): the forward
/// and gradient kernels one after the other, against the two-class kernel that does both in
/// one sweep without writing the forward pass's outputs.
fn fast_pass(c: &mut Criterion) {
    let (n, h) = (200, 3);
    let x = pseudo_random(n, 2, 5);
    let labels: Array1<usize> = (0..n).map(|r| r % 2).collect();
    let (w1, b1) = (pseudo_random(2, h, 6), Array1::zeros(h));
    let (w2, b2) = (pseudo_random(h, 2, 7), Array1::zeros(2));
    let net = || OneHiddenParams {
        w1: w1.view(),
        b1: b1.view(),
        w2: w2.view(),
        b2: b2.view(),
    };
    let (mut a1, mut z2, mut p) = (
        Array2::zeros((n, h)),
        Array2::zeros((n, 2)),
        Array2::zeros((n, 2)),
    );
    let (mut dw1, mut db1) = (Array2::zeros((2, h)), Array1::zeros(h));
    let (mut dw2, mut db2) = (Array2::zeros((h, 2)), Array1::zeros(2));
    let mut group = c.benchmark_group(format!("fast mode N={n} H={h}"));
    group.bench_function("forward, then gradients", |b| {
        b.iter(|| {
            one_hidden_fast_forward_into(
                x.view(),
                net(),
                ForwardOut {
                    hidden: a1.view_mut(),
                    logits: z2.view_mut(),
                    probs: p.view_mut(),
                },
            );
            one_hidden_fast_gradients_into(
                x.view(),
                labels.view(),
                net(),
                a1.view(),
                p.view(),
                GradOut {
                    dw1: dw1.view_mut(),
                    db1: db1.view_mut(),
                    dw2: dw2.view_mut(),
                    db2: db2.view_mut(),
                },
            )
        })
    });
    group.bench_function("two-class gradients in one sweep", |b| {
        b.iter(|| {
            one_hidden_fast_two_class_gradients_into(
                x.view(),
                labels.view(),
                net(),
                GradOut {
                    dw1: dw1.view_mut(),
                    db1: db1.view_mut(),
                    dw2: dw2.view_mut(),
                    db2: db2.view_mut(),
                },
            )
        })
    });
    group.finish();
    black_box((&dw1, &db2));
}

/// The C library's `tanh` and `exp` against their port (`moons_linalg::libm`, the same bits)
/// and the fast mode's approximations, over 4096 values in [-3, 3] (per-value cost).
fn elementwise(c: &mut Criterion) {
    let input: Vec<f64> = pseudo_random(4096, 1, 4).iter().map(|v| 3.0 * v).collect();
    let mut values = input.clone();
    let mut group = c.benchmark_group("4096 values");
    let mut run = |name: &str, f: &dyn Fn(&mut [f64])| {
        group.bench_function(name, |b| {
            b.iter(|| {
                values.copy_from_slice(&input);
                f(&mut values);
                black_box(&values);
            })
        });
    };
    run("tanh, C library", &|v| {
        v.iter_mut().for_each(|x| *x = x.tanh())
    });
    run("tanh, libm port (AVX2)", &moons_linalg::libm::tanh_slice);
    run(
        "tanh, fast approximation",
        &moons_linalg::fast::tanh_approx_slice,
    );
    run("exp, C library", &|v| {
        v.iter_mut().for_each(|x| *x = x.exp())
    });
    run("exp, libm port (AVX2)", &moons_linalg::libm::exp_slice);
    group.finish();
}

criterion_group!(benches, shapes, fast_pass, elementwise);
criterion_main!(benches);
