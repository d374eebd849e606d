//! scikit-learn's penalised logistic objective, its gradient and its Hessian.
//!
//! For parameters `θ` (one block `[w_k, b_k]` per coefficient row `k`):
//!
//! ```text
//! F(θ) = C · Σ_i loss_i  +  ½ Σ_k |w_k|²          (intercepts not penalised)
//! ```
//!
//! with `loss_i = log(1 + e^{z_i}) - y_i z_i` for the binary model (one row, `y_i ∈ {0, 1}`)
//! and `loss_i = logsumexp(z_i) - z_{i, y_i}` for the multinomial one (one row per class).
//! scikit-learn minimises `F / (C n)`; the minimiser is the same.
//!
//! The multinomial model is over-parametrised: adding a constant to every intercept changes
//! nothing, so `F` is flat along that direction and its Hessian singular. The solver adds
//! `½ (Σ_k b_k)²` (the "gauge" term), which is zero exactly on the minimiser scikit-learn's
//! L-BFGS reaches from zero (its steps keep the intercepts summing to zero), and makes the
//! Hessian positive definite.

use ndarray::{s, Array2, ArrayView1, ArrayView2};

/// One fitting problem: data, labels and `C`.
pub(crate) struct Objective<'a> {
    x: ArrayView2<'a, f64>,
    y: ArrayView1<'a, usize>,
    c: f64,
    /// 1 for the binary model, else the number of classes.
    rows: usize,
}

/// The objective with its first and second derivatives at one point.
pub(crate) struct Derivatives {
    /// `F(θ)` including the gauge term.
    pub value: f64,
    /// `∇F(θ)`.
    pub gradient: Vec<f64>,
    /// `∇²F(θ)`, row-major `n_params x n_params`.
    pub hessian: Vec<f64>,
}

impl<'a> Objective<'a> {
    /// `rows` is 1 for two classes, else the number of classes; labels must be `< max(rows, 2)`.
    pub fn new(x: ArrayView2<'a, f64>, y: ArrayView1<'a, usize>, c: f64, rows: usize) -> Self {
        Self { x, y, c, rows }
    }

    /// Parameters per coefficient row: the features and the intercept.
    pub fn block(&self) -> usize {
        self.x.ncols() + 1
    }

    /// Length of `θ`.
    pub fn n_params(&self) -> usize {
        self.rows * self.block()
    }

    /// `C · n`: dividing by it gives scikit-learn's scaled objective and gradient.
    pub fn scale(&self) -> f64 {
        self.c * self.x.nrows() as f64
    }

    /// scikit-learn's objective `C Σ loss + ½ |W|²` (no gauge term).
    pub fn sklearn_value(&self, theta: &[f64]) -> f64 {
        self.loss_sum(theta) * self.c + self.penalty(theta)
    }

    /// The solver's objective: scikit-learn's plus the gauge term.
    pub fn value(&self, theta: &[f64]) -> f64 {
        self.sklearn_value(theta) + self.gauge(theta)
    }

    /// The gradient only (for the line search's flat-region test).
    pub fn gradient(&self, theta: &[f64]) -> Vec<f64> {
        self.evaluate(theta, false).gradient
    }

    /// The gradient of scikit-learn's objective (without the gauge term).
    pub fn sklearn_gradient(&self, theta: &[f64]) -> Vec<f64> {
        let mut gradient = self.gradient(theta);
        if self.rows > 1 {
            let (s, block) = (self.intercept_sum(theta), self.block());
            for k in 0..self.rows {
                gradient[k * block + block - 1] -= s;
            }
        }
        gradient
    }

    /// The solver's objective and its gradient from two matrix products over all rows at
    /// once (`Z = X Wᵀ + b`, then `(P - Y)ᵀ X`): the large problems' path (L-BFGS), where the
    /// per-row Hessian would dominate.
    pub fn value_and_gradient(&self, theta: &[f64]) -> (f64, Vec<f64>) {
        let (block, rows) = (self.block(), self.rows);
        let d = block - 1;
        let params =
            ArrayView2::from_shape((rows, block), theta).expect("theta has rows x block entries");
        let weights = params.slice(s![.., ..d]);
        // Scores, then in place the residuals p - onehot (softmax) or σ(z) - y (binary).
        let mut residual: Array2<f64> = self.x.dot(&weights.t()) + params.column(d);
        let mut loss = 0.0;
        let mut p = [0.0];
        for (mut r, &label) in residual.rows_mut().into_iter().zip(self.y.iter()) {
            let z = r
                .as_slice_mut()
                .expect("rows of a standard-layout array are contiguous");
            if rows == 1 {
                loss += self.loss(z, label);
                probabilities(z, &mut p);
                z[0] = p[0] - f64::from(u8::from(label == 1));
                continue;
            }
            // One exponential per score serves the loss (log-sum-exp) and the softmax.
            let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let picked = z[label];
            let mut total = 0.0;
            for zk in z.iter_mut() {
                *zk = (*zk - max).exp();
                total += *zk;
            }
            loss += max + total.ln() - picked;
            for (k, zk) in z.iter_mut().enumerate() {
                *zk = *zk / total - f64::from(u8::from(label == k));
            }
        }
        let grad_w = residual.t().dot(&self.x) * self.c + weights;
        let s = self.intercept_sum(theta);
        let mut gradient = vec![0.0; theta.len()];
        for (k, g) in gradient.chunks_exact_mut(block).enumerate() {
            g[..d]
                .iter_mut()
                .zip(grad_w.row(k))
                .for_each(|(g, &v)| *g = v);
            g[d] = self.c * residual.column(k).sum() + if rows > 1 { s } else { 0.0 };
        }
        (
            self.c * loss + self.penalty(theta) + self.gauge(theta),
            gradient,
        )
    }

    /// Value, gradient and Hessian.
    pub fn derivatives(&self, theta: &[f64]) -> Derivatives {
        self.evaluate(theta, true)
    }

    fn scores(&self, theta: &[f64], i: usize, z: &mut [f64]) {
        let block = self.block();
        let d = block - 1;
        let xi = self.x.row(i);
        for (k, zk) in z.iter_mut().enumerate() {
            let w = &theta[k * block..(k + 1) * block];
            *zk = xi
                .iter()
                .zip(w)
                .fold(w[d], |acc, (&x, &w)| x.mul_add(w, acc));
        }
    }

    fn loss_sum(&self, theta: &[f64]) -> f64 {
        let mut z = vec![0.0; self.rows];
        let mut total = 0.0;
        for i in 0..self.x.nrows() {
            self.scores(theta, i, &mut z);
            total += self.loss(&z, self.y[i]);
        }
        total
    }

    fn loss(&self, z: &[f64], label: usize) -> f64 {
        if self.rows == 1 {
            let z = z[0];
            let softplus = if z > 0.0 {
                z + (-z).exp().ln_1p()
            } else {
                z.exp().ln_1p()
            };
            softplus - if label == 1 { z } else { 0.0 }
        } else {
            log_sum_exp(z) - z[label]
        }
    }

    fn penalty(&self, theta: &[f64]) -> f64 {
        let d = self.block() - 1;
        let sq: f64 = theta
            .chunks(self.block())
            .flat_map(|row| &row[..d])
            .map(|w| w * w)
            .sum();
        0.5 * sq
    }

    fn intercept_sum(&self, theta: &[f64]) -> f64 {
        if self.rows == 1 {
            return 0.0;
        }
        let d = self.block() - 1;
        theta.chunks(self.block()).map(|row| row[d]).sum()
    }

    fn gauge(&self, theta: &[f64]) -> f64 {
        let s = self.intercept_sum(theta);
        0.5 * s * s
    }

    fn evaluate(&self, theta: &[f64], with_hessian: bool) -> Derivatives {
        let (block, n_params, rows) = (self.block(), self.n_params(), self.rows);
        let d = block - 1;
        let mut gradient = vec![0.0; n_params];
        let mut hessian = vec![0.0; if with_hessian { n_params * n_params } else { 0 }];
        let (mut z, mut p, mut xt) = (vec![0.0; rows], vec![0.0; rows], vec![1.0; block]);
        let mut loss = 0.0;
        for i in 0..self.x.nrows() {
            self.scores(theta, i, &mut z);
            let label = self.y[i];
            loss += self.loss(&z, label);
            for (t, &x) in xt.iter_mut().zip(self.x.row(i)) {
                *t = x;
            }
            probabilities(&z, &mut p);
            for k in 0..rows {
                let target = if rows == 1 { label == 1 } else { label == k };
                let residual = p[k] - f64::from(u8::from(target));
                for (g, &t) in gradient[k * block..(k + 1) * block].iter_mut().zip(&xt) {
                    *g += self.c * residual * t;
                }
            }
            if with_hessian {
                add_sample_hessian(&mut hessian, &p, &xt, self.c, rows == 1);
            }
        }
        for k in 0..rows {
            for j in 0..d {
                gradient[k * block + j] += theta[k * block + j];
                if with_hessian {
                    let at = (k * block + j) * (n_params + 1);
                    hessian[at] += 1.0;
                }
            }
        }
        if rows > 1 {
            let s = self.intercept_sum(theta);
            for k in 0..rows {
                gradient[k * block + d] += s;
                if with_hessian {
                    for l in 0..rows {
                        hessian[(k * block + d) * n_params + l * block + d] += 1.0;
                    }
                }
            }
        }
        let value = self.c * loss + self.penalty(theta) + self.gauge(theta);
        Derivatives {
            value,
            gradient,
            hessian,
        }
    }
}

/// `H += C · (diag(p) - p pᵀ) ⊗ x̃ x̃ᵀ`, or `C p(1-p) x̃ x̃ᵀ` for the binary model.
fn add_sample_hessian(hessian: &mut [f64], p: &[f64], xt: &[f64], c: f64, binary: bool) {
    let rows = p.len();
    let block = xt.len();
    let n_params = rows * block;
    for k in 0..rows {
        for l in 0..rows {
            let weight = if binary {
                p[0] * (1.0 - p[0])
            } else {
                let delta = if k == l { p[k] } else { 0.0 };
                delta - p[k] * p[l]
            };
            if weight == 0.0 {
                continue;
            }
            for a in 0..block {
                let row = (k * block + a) * n_params + l * block;
                let wa = c * weight * xt[a];
                for (h, &xb) in hessian[row..row + block].iter_mut().zip(xt) {
                    *h += wa * xb;
                }
            }
        }
    }
}

/// The model's probabilities from its scores: `σ(z)` (binary) or `softmax(z)`.
fn probabilities(z: &[f64], p: &mut [f64]) {
    if let ([z], [p]) = (z, &mut *p) {
        *p = if *z >= 0.0 {
            1.0 / (1.0 + (-z).exp())
        } else {
            let e = z.exp();
            e / (1.0 + e)
        };
        return;
    }
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (pk, &zk) in p.iter_mut().zip(z) {
        *pk = (zk - max).exp();
    }
    let total: f64 = p.iter().sum();
    for pk in p.iter_mut() {
        *pk /= total;
    }
}

fn log_sum_exp(z: &[f64]) -> f64 {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    max + z.iter().map(|&v| (v - max).exp()).sum::<f64>().ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn finite_difference_check(obj: &Objective<'_>, theta: &[f64]) {
        let derivs = obj.derivatives(theta);
        let n = theta.len();
        for j in 0..n {
            let h = 1e-6;
            let mut up = theta.to_vec();
            let mut down = theta.to_vec();
            up[j] += h;
            down[j] -= h;
            let numeric = (obj.value(&up) - obj.value(&down)) / (2.0 * h);
            assert!(
                (numeric - derivs.gradient[j]).abs() < 1e-5 * (1.0 + numeric.abs()),
                "gradient {j}"
            );
            let (gu, gd) = (obj.gradient(&up), obj.gradient(&down));
            for i in 0..n {
                let numeric = (gu[i] - gd[i]) / (2.0 * h);
                let exact = derivs.hessian[i * n + j];
                assert!(
                    (numeric - exact).abs() < 1e-5 * (1.0 + numeric.abs()),
                    "hessian {i},{j}"
                );
            }
        }
        assert!((derivs.value - obj.value(theta)).abs() < 1e-12 * (1.0 + derivs.value.abs()));
    }

    #[test]
    fn the_matrix_form_gives_the_row_by_row_value_and_gradient() {
        let x = ndarray::array![
            [0.5, -1.0, 2.0],
            [1.5, 0.25, -0.5],
            [-2.0, 1.0, 0.0],
            [0.1, 0.2, 0.3]
        ];
        for (labels, rows) in [(vec![0usize, 1, 1, 0], 1usize), (vec![0, 1, 2, 1], 3)] {
            let y = ndarray::Array1::from(labels);
            let obj = Objective::new(x.view(), y.view(), 0.7, rows);
            let theta: Vec<f64> = (0..obj.n_params()).map(|i| 0.3 * i as f64 - 0.8).collect();
            let row_by_row = obj.evaluate(&theta, false);
            let (value, gradient) = obj.value_and_gradient(&theta);
            assert!((value - row_by_row.value).abs() <= 1e-12 * value.abs());
            for (a, b) in gradient.iter().zip(&row_by_row.gradient) {
                assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn binary_derivatives_match_finite_differences() {
        let x = array![[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0], [0.1, 0.1]];
        let y = array![0, 1, 1, 0];
        let obj = Objective::new(x.view(), y.view(), 2.5, 1);
        finite_difference_check(&obj, &[0.3, -0.7, 0.2]);
    }

    #[test]
    fn multinomial_derivatives_match_finite_differences() {
        let x = array![
            [0.5, -1.0],
            [1.5, 0.25],
            [-0.75, 2.0],
            [0.1, 0.1],
            [1.0, 1.0]
        ];
        let y = array![0, 1, 2, 0, 2];
        let obj = Objective::new(x.view(), y.view(), 0.7, 3);
        finite_difference_check(&obj, &[0.3, -0.7, 0.2, 0.1, 0.4, -0.5, -0.2, 0.6, 0.9]);
    }

    #[test]
    fn binary_loss_is_stable_for_large_scores() {
        let x = array![[1000.0], [-1000.0]];
        let y = array![0, 1];
        let obj = Objective::new(x.view(), y.view(), 1.0, 1);
        let value = obj.sklearn_value(&[1.0, 0.0]);
        assert!((value - 2000.5).abs() < 1e-9, "{value}");
    }
}
