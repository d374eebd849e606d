//! The seed's network in plain ndarray, line for line as the tutorial writes it: the slow
//! reference that every kernel is tested against (bit for bit where the kernel is exact; see
//! `crates/moons-train/tests/seed_oracle.rs`). Every array is allocated afresh, as numpy does.
//!
//! Three helpers give numpy's rounding where ndarray's would differ: [`dot`] (numpy's
//! products), [`sum_rows`] (`np.sum(a, axis=0)`) and the C library's `tanh` and `exp`.

use moons_datasets::RandomState;
use moons_linalg::libm::{exp, tanh};
use moons_linalg::{column_sums_into, matmul_into, pairwise_sum, sum_of_squares};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

/// numpy's `a.dot(b)`, bit for bit.
pub fn dot(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> Array2<f64> {
    let mut out = Array2::zeros((a.nrows(), b.ncols()));
    matmul_into(a, b, out.view_mut());
    out
}

/// numpy's `np.sum(a, axis=0)`.
pub fn sum_rows(a: &Array2<f64>) -> Array1<f64> {
    let mut out = Array1::zeros(a.ncols());
    column_sums_into(a.view(), out.view_mut());
    out
}

/// The seed's `model` dictionary.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedModel {
    /// `W1`, inputs x hidden.
    pub w1: Array2<f64>,
    /// `b1`, one per hidden unit.
    pub b1: Array1<f64>,
    /// `W2`, hidden x classes.
    pub w2: Array2<f64>,
    /// `b2`, one per class.
    pub b2: Array1<f64>,
}

/// The seed's gradients (sums over the batch, the L2 term included in `dw1`, `dw2`).
#[derive(Clone, Debug, PartialEq)]
pub struct SeedGradients {
    /// `dW1 = X^T delta2 + λ W1`.
    pub dw1: Array2<f64>,
    /// `db1 = Σ_n delta2`.
    pub db1: Array1<f64>,
    /// `dW2 = a1^T delta3 + λ W2`.
    pub dw2: Array2<f64>,
    /// `db2 = Σ_n delta3`.
    pub db2: Array1<f64>,
}

impl SeedModel {
    /// `np.random.seed(seed); W1 = randn(2, H) / sqrt(2); b1 = 0; W2 = randn(H, 2) / sqrt(H)`.
    pub fn init(nn_input_dim: usize, nn_hdim: usize, nn_output_dim: usize, seed: u32) -> Self {
        let mut rng = RandomState::new(seed);
        let mut randn = |rows: usize, cols: usize| {
            Array2::from_shape_vec((rows, cols), rng.randn_vec(rows * cols)).expect("rows * cols")
        };
        let w1 = randn(nn_input_dim, nn_hdim) / (nn_input_dim as f64).sqrt();
        let w2 = randn(nn_hdim, nn_output_dim) / (nn_hdim as f64).sqrt();
        let (b1, b2) = (Array1::zeros(nn_hdim), Array1::zeros(nn_output_dim));
        Self { w1, b1, w2, b2 }
    }

    /// Forward propagation: the hidden activations `a1` and the probabilities.
    pub fn forward(&self, x: ArrayView2<'_, f64>) -> (Array2<f64>, Array2<f64>) {
        let z1 = dot(x, self.w1.view()) + &self.b1;
        let a1 = z1.mapv(tanh);
        let z2 = dot(a1.view(), self.w2.view()) + &self.b2;
        let exp_scores = z2.mapv(exp);
        let probs = &exp_scores / &exp_scores.sum_axis(Axis(1)).insert_axis(Axis(1));
        (a1, probs)
    }

    /// `calculate_loss`: mean cross-entropy plus `λ/2 (|W1|² + |W2|²)`, over `N`.
    pub fn calculate_loss(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, usize>,
        reg_lambda: f64,
    ) -> f64 {
        let (_, probs) = self.forward(x);
        let corect_logprobs: Vec<f64> = y
            .iter()
            .enumerate()
            .map(|(n, &c)| -probs[[n, c]].ln())
            .collect();
        let mut data_loss = pairwise_sum(&corect_logprobs);
        data_loss +=
            reg_lambda / 2.0 * (sum_of_squares(self.w1.view()) + sum_of_squares(self.w2.view()));
        1.0 / x.nrows() as f64 * data_loss
    }

    /// Backpropagation.
    pub fn gradients(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, usize>,
        reg_lambda: f64,
    ) -> SeedGradients {
        let (a1, probs) = self.forward(x);
        let mut delta3 = probs;
        for (n, &c) in y.iter().enumerate() {
            delta3[[n, c]] -= 1.0;
        }
        let dw2 = dot(a1.t(), delta3.view());
        let db2 = sum_rows(&delta3);
        let delta2 = dot(delta3.view(), self.w2.t()) * (1.0 - &a1 * &a1);
        let dw1 = dot(x.t(), delta2.view());
        let db1 = sum_rows(&delta2);
        // Regularization terms (b1 and b2 have none).
        let dw2 = dw2 + reg_lambda * &self.w2;
        let dw1 = dw1 + reg_lambda * &self.w1;
        SeedGradients { dw1, db1, dw2, db2 }
    }

    /// The gradient descent parameter update.
    pub fn update(&mut self, g: &SeedGradients, epsilon: f64) {
        self.w1 += &(-epsilon * &g.dw1);
        self.b1 += &(-epsilon * &g.db1);
        self.w2 += &(-epsilon * &g.dw2);
        self.b2 += &(-epsilon * &g.db2);
    }

    /// `build_model`'s loop from these weights: `passes` full-batch steps, with the loss after
    /// each (what `print_loss` shows every 1000th of).
    pub fn train(
        &mut self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, usize>,
        epsilon: f64,
        reg_lambda: f64,
        passes: usize,
    ) -> Vec<f64> {
        (0..passes)
            .map(|_| {
                let g = self.gradients(x, y, reg_lambda);
                self.update(&g, epsilon);
                self.calculate_loss(x, y, reg_lambda)
            })
            .collect()
    }
}
