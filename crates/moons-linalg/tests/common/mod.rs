//! What the one-hidden-layer kernel tests share: a seeded generator, random cases, the
//! outputs of one pass, and the reference pass through the layered kernels.
#![allow(dead_code)] // each test file uses its own part

use moons_linalg::{
    affine_into, backprop_deltas_into, softmax_delta_into, softmax_rows_approx_into,
    softmax_rows_into, weight_gradients_into, LayerActivation, OneHiddenParams,
};
use ndarray::{Array1, Array2, ArrayView2, Axis};

/// A random batch and one-hidden-layer network: inputs in `[-2, 2)`, weights in
/// `[-scale, scale)`, biases in `[-1, 1)`.
pub struct Case {
    pub x: Array2<f64>,
    pub y: Array1<usize>,
    pub w1: Array2<f64>,
    pub b1: Array1<f64>,
    pub w2: Array2<f64>,
    pub b2: Array1<f64>,
}

impl Case {
    pub fn random(rng: &mut Lcg, n: usize, d: usize, h: usize, c: usize, scale: f64) -> Self {
        Self {
            x: rng.matrix(n, d, 2.0),
            y: Array1::from_shape_fn(n, |_| rng.below(c)),
            w1: rng.matrix(d, h, scale),
            b1: rng.vector(h, 1.0),
            w2: rng.matrix(h, c, scale),
            b2: rng.vector(c, 1.0),
        }
    }

    pub fn net(&self) -> OneHiddenParams<'_> {
        OneHiddenParams {
            w1: self.w1.view(),
            b1: self.b1.view(),
            w2: self.w2.view(),
            b2: self.b2.view(),
        }
    }

    pub fn dims(&self) -> (usize, usize, usize, usize) {
        let (n, d) = self.x.dim();
        let (h, c) = self.w2.dim();
        (n, d, h, c)
    }
}

/// A linear congruential generator: the same inputs on every run.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 11
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Uniform in `[-scale, scale)`.
    pub fn value(&mut self, scale: f64) -> f64 {
        (self.next_u64() as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * scale
    }
    pub fn matrix(&mut self, rows: usize, cols: usize, scale: f64) -> Array2<f64> {
        Array2::from_shape_fn((rows, cols), |_| self.value(scale))
    }
    pub fn vector(&mut self, len: usize, scale: f64) -> Array1<f64> {
        Array1::from_shape_fn(len, |_| self.value(scale))
    }
}

/// Everything one training pass computes: activations, logits, probabilities, gradients.
pub struct Pass {
    pub hidden: Array2<f64>,
    pub logits: Array2<f64>,
    pub probs: Array2<f64>,
    pub dw1: Array2<f64>,
    pub db1: Array1<f64>,
    pub dw2: Array2<f64>,
    pub db2: Array1<f64>,
}

impl Pass {
    /// The gradients, as a kernel writes them.
    pub fn grads(&mut self) -> moons_linalg::GradOut<'_> {
        moons_linalg::GradOut {
            dw1: self.dw1.view_mut(),
            db1: self.db1.view_mut(),
            dw2: self.dw2.view_mut(),
            db2: self.db2.view_mut(),
        }
    }

    /// Where a forward kernel writes.
    pub fn forward_out(&mut self) -> moons_linalg::ForwardOut<'_> {
        moons_linalg::ForwardOut {
            hidden: self.hidden.view_mut(),
            logits: self.logits.view_mut(),
            probs: self.probs.view_mut(),
        }
    }

    /// The forward pass's outputs a gradient kernel reads, and the gradients it writes.
    pub fn forward_and_grads(
        &mut self,
    ) -> (
        ndarray::ArrayView2<'_, f64>,
        ndarray::ArrayView2<'_, f64>,
        moons_linalg::GradOut<'_>,
    ) {
        let grads = moons_linalg::GradOut {
            dw1: self.dw1.view_mut(),
            db1: self.db1.view_mut(),
            dw2: self.dw2.view_mut(),
            db2: self.db2.view_mut(),
        };
        (self.hidden.view(), self.probs.view(), grads)
    }

    /// NaN everywhere, so that a value a kernel failed to write shows.
    pub fn new(n: usize, d: usize, h: usize, c: usize) -> Self {
        Self {
            hidden: Array2::from_elem((n, h), f64::NAN),
            logits: Array2::from_elem((n, c), f64::NAN),
            probs: Array2::from_elem((n, c), f64::NAN),
            dw1: Array2::from_elem((d, h), f64::NAN),
            db1: Array1::from_elem(h, f64::NAN),
            dw2: Array2::from_elem((h, c), f64::NAN),
            db2: Array1::from_elem(c, f64::NAN),
        }
    }

    /// The gradients' values: `dW1`, `db1`, `dW2`, `db2`.
    pub fn gradient_values(&self) -> impl Iterator<Item = f64> + '_ {
        self.dw1
            .iter()
            .chain(&self.db1)
            .chain(&self.dw2)
            .chain(&self.db2)
            .copied()
    }

    /// Every value's bits, in a fixed order.
    pub fn bits(&self) -> Vec<u64> {
        self.hidden
            .iter()
            .chain(&self.logits)
            .chain(&self.probs)
            .chain(&self.dw1)
            .chain(&self.db1)
            .chain(&self.dw2)
            .chain(&self.db2)
            .map(|v| v.to_bits())
            .collect()
    }
}

/// The network's pass with the layered kernels, as `Mlp::forward` / `Mlp::backward` run them.
pub fn layered(x: &Array2<f64>, y: &Array1<usize>, net: OneHiddenParams<'_>, fast: bool) -> Pass {
    let (n, d) = x.dim();
    let (h, c) = net.w2.dim();
    let mut out = Pass::new(n, d, h, c);
    let act = if fast {
        LayerActivation::FastTanh
    } else {
        LayerActivation::Tanh
    };
    affine_into(x.view(), net.w1, net.b1, act, out.hidden.view_mut());
    affine_into(
        out.hidden.view(),
        net.w2,
        net.b2,
        LayerActivation::Identity,
        out.logits.view_mut(),
    );
    if fast {
        softmax_rows_approx_into(out.logits.view(), out.probs.view_mut());
    } else {
        softmax_rows_into(out.logits.view(), out.probs.view_mut());
    }
    let mut d3 = Array2::zeros((n, c));
    softmax_delta_into(out.probs.view(), y.view(), d3.view_mut());
    weight_gradients_into(
        out.hidden.view(),
        d3.view(),
        out.dw2.view_mut(),
        out.db2.view_mut(),
    );
    let mut d2 = Array2::zeros((n, h));
    backprop_deltas_into(d3.view(), net.w2, Some(out.hidden.view()), d2.view_mut());
    weight_gradients_into(x.view(), d2.view(), out.dw1.view_mut(), out.db1.view_mut());
    out
}

/// The largest each gradient could be for a case's inputs and weights (every `|δ3| = 1`),
/// shaped like `dW1`, `db1` (1 x H), `dW2` and `db2` (1 x C): `Σ_r |x[r, i]| Σ_k |W2[j, k]|`,
/// `N Σ_k |W2[j, k]|`, `N`, `N`. A fast kernel's gradient error scales with it (a gradient is
/// a sum whose terms can cancel, so not with `|g|`).
pub fn gradient_scales(case: &Case) -> [Array2<f64>; 4] {
    let n = case.x.nrows() as f64;
    let w2_row_sums = case
        .w2
        .mapv(f64::abs)
        .sum_axis(Axis(1))
        .insert_axis(Axis(0));
    let x_col_sums = case.x.mapv(f64::abs).sum_axis(Axis(0)).insert_axis(Axis(1));
    [
        x_col_sums.dot(&w2_row_sums),
        w2_row_sums.mapv(|v| n * v),
        Array2::from_elem(case.w2.dim(), n),
        Array2::from_elem((1, case.w2.ncols()), n),
    ]
}

/// The gradients of two passes side by side, in the order of [`gradient_scales`].
pub fn gradient_pairs<'a>(
    want: &'a Pass,
    got: &'a Pass,
) -> [(ArrayView2<'a, f64>, ArrayView2<'a, f64>); 4] {
    [
        (want.dw1.view(), got.dw1.view()),
        (
            want.db1.view().insert_axis(Axis(0)),
            got.db1.view().insert_axis(Axis(0)),
        ),
        (want.dw2.view(), got.dw2.view()),
        (
            want.db2.view().insert_axis(Axis(0)),
            got.db2.view().insert_axis(Axis(0)),
        ),
    ]
}

/// Runs `pass` on pools of 1, 2, 3 and again 1 rayon threads and checks that every run gives
/// the first one's bits.
pub fn assert_same_bits_on_any_thread_count(case: &Case, pass: impl Fn() -> Vec<u64> + Sync) {
    let runs: Vec<Vec<u64>> = [1, 2, 3, 1]
        .iter()
        .map(|&threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(&pass)
        })
        .collect();
    for (threads, run) in [2, 3, 1].iter().zip(&runs[1..]) {
        assert!(
            run == &runs[0],
            "{:?}: {threads} threads give other bits than one",
            case.dims()
        );
    }
}
