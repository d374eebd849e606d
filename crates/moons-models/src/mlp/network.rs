//! Forward pass, loss and backpropagation: the seed's formulas, one layer at a time.
//!
//! For layers `l = 1..L` with `a_0 = X`:
//!
//! ```text
//! z_l = a_{l-1} W_l + b_l        a_l = f(z_l)  (hidden)      p = softmax(z_L)
//! L   = ( -Σ_n log p[n, y_n] + λ/2 Σ_l |W_l|² ) / N
//! δ_L = p - onehot(y)
//! dW_l = a_{l-1}ᵀ δ_l + λ W_l     db_l = Σ_n δ_l
//! δ_{l-1} = (δ_l W_lᵀ) ⊙ f'(a_{l-1})
//! ```
//!
//! Gradients are sums over the batch, as in the seed; dividing by the batch size is the
//! trainer's choice. Every product and sum is a `moons_linalg` kernel that reproduces numpy's
//! rounding, so the seed network's trajectory equals numpy's bit for bit. The kernels are fused
//! per layer (`z_l`, `a_l` in one sweep; `dW_l`, `db_l` in another; `δ_{l-1}` in a third)
//! without changing that arithmetic. A workspace in fast mode swaps `tanh` and `exp` for
//! vectorised approximations (see `moons_linalg::fast`).
//!
//! Which kernels run is the workspace's [`Plan`](moons_linalg::Plan), chosen once by
//! `moons_linalg::select` from the model's shape and the mode (the table is in
//! `crates/moons-linalg/src/plan.rs`). For a network with one tanh hidden layer (up to 4
//! inputs, 64 units, 2 to 4 classes) it names a fused kernel for each pass:
//!
//! - exact mode, 5 to 64 units: `moons_linalg::one_hidden_forward_into` and
//!   `one_hidden_gradients_into`, one sweep over the rows each. They compute every value with
//!   the same operations in the same order as the layered code below (which stays the
//!   reference, and runs for every other shape), so the bits are the same; they only stop
//!   writing `N x H` intermediates between kernels (`crates/moons-linalg/tests/one_hidden.rs`
//!   checks the two against each other);
//! - fast mode, any width: `one_hidden_fast_forward_into` and
//!   `one_hidden_fast_gradients_into`, rows or units in SIMD lanes and sums in a fixed order of
//!   their own, so not the layered code's bits, but deterministic (the same bits on every run
//!   and for any number of threads; `crates/moons-linalg/tests/one_hidden_fast.rs` compares
//!   them with the exact kernels). A training step needs only the gradients: for a two-class
//!   network of up to 6 units [`Mlp::gradients`] runs both passes in one single-precision
//!   sweep that writes nothing else (`one_hidden_fast_two_class_gradients_into`).
//!
//! A planned kernel declines only a batch it cannot take (a non-contiguous view, or in exact
//! mode one whose products numpy would route differently); the layered code then computes it.

use moons_linalg::Gradients as planned;
use moons_linalg::{
    affine_into, backprop_deltas_into, cross_entropy_sum, one_hidden_fast_forward_into,
    one_hidden_fast_gradients_into, one_hidden_fast_two_class_gradients_into,
    one_hidden_forward_into, one_hidden_gradients_into, softmax_delta_into,
    softmax_rows_approx_into, softmax_rows_into, sum_of_squares, weight_gradients_into, Forward,
    ForwardOut, GradOut, LayerActivation, Mode, NetworkShape, OneHiddenParams, Step,
};
use ndarray::{ArrayView1, ArrayView2};

use super::workspace::{rows, rows_mut};
use super::{Gradients, Mlp, Workspace};
use crate::Activation;

/// A one-hidden-layer network's gradients as the fused kernels write them.
fn grad_out(grads: &mut Gradients) -> GradOut<'_> {
    let [g1, g2] = &mut grads.layers[..] else {
        unreachable!("gradients are shaped like the model")
    };
    GradOut {
        dw1: g1.weights.view_mut(),
        db1: g1.bias.view_mut(),
        dw2: g2.weights.view_mut(),
        db2: g2.bias.view_mut(),
    }
}

/// The first `n` rows of a one-hidden-layer network's forward buffers, as the fused kernels
/// write them.
fn forward_out(ws: &mut Workspace, n: usize) -> ForwardOut<'_> {
    ForwardOut {
        hidden: rows_mut(&mut ws.hidden[0], n),
        logits: rows_mut(&mut ws.logits, n),
        probs: rows_mut(&mut ws.probs, n),
    }
}

impl Mlp {
    /// The parameters as a `D → H (tanh) → C` network, when that is what this model is. The
    /// fused kernels check the sizes they take themselves and decline the others.
    fn one_hidden_tanh(&self) -> Option<OneHiddenParams<'_>> {
        match (&self.layers[..], self.activation) {
            ([hidden, out], Activation::Tanh) => Some(OneHiddenParams {
                w1: hidden.weights.view(),
                b1: hidden.bias.view(),
                w2: out.weights.view(),
                b2: out.bias.view(),
            }),
            _ => None,
        }
    }

    /// The kernels this model runs in exact or fast mode (what [`Workspace::plan`] holds for
    /// it).
    pub fn plan(&self, fast: bool) -> moons_linalg::Plan {
        let mode = if fast { Mode::Fast } else { Mode::Exact };
        moons_linalg::select(self.network_shape(), mode)
    }

    /// The shape the kernel choice (`moons_linalg::select`) reads.
    pub(super) fn network_shape(&self) -> NetworkShape {
        match self.one_hidden_tanh() {
            Some(net) => NetworkShape::OneHiddenTanh {
                inputs: net.w1.nrows(),
                hidden: net.b1.len(),
                classes: net.b2.len(),
            },
            None => NetworkShape::Other,
        }
    }

    /// Forward pass over the rows of `x`, leaving hidden outputs, logits and probabilities in
    /// `ws`. `x` may have fewer rows than the workspace's capacity.
    pub fn forward(&self, x: ArrayView2<'_, f64>, ws: &mut Workspace) {
        let n = x.nrows();
        assert!(
            n <= ws.rows,
            "batch of {n} rows exceeds the workspace capacity {}",
            ws.rows
        );
        // The workspace's plan names the kernel; a fused or fast one declines only a batch it
        // cannot take (see `moons_linalg::select`), which the layers below then compute.
        let fused = match (ws.plan.forward, self.one_hidden_tanh()) {
            (Forward::Fast, Some(net)) => one_hidden_fast_forward_into(x, net, forward_out(ws, n)),
            (Forward::Fused, Some(net)) => one_hidden_forward_into(x, net, forward_out(ws, n)),
            _ => false,
        };
        if fused {
            return;
        }
        let fast = ws.plan.mode == Mode::Fast;
        let last = self.layers.len() - 1;
        let hidden_activation = match (self.activation, fast) {
            (Activation::Tanh, false) => LayerActivation::Tanh,
            (Activation::Tanh, true) => LayerActivation::FastTanh,
            // Other activations run as a separate sweep after the affine map.
            _ => LayerActivation::Identity,
        };
        for (l, layer) in self.layers.iter().enumerate() {
            let (before, rest) = ws.hidden.split_at_mut(l);
            let input = if l == 0 { x } else { rows(&before[l - 1], n) };
            // z_l = a_{l-1} W_l + b_l, a_l = f(z_l)
            if l == last {
                affine_into(
                    input,
                    layer.weights.view(),
                    layer.bias.view(),
                    LayerActivation::Identity,
                    rows_mut(&mut ws.logits, n),
                );
            } else {
                let mut a = rows_mut(&mut rest[0], n);
                affine_into(
                    input,
                    layer.weights.view(),
                    layer.bias.view(),
                    hidden_activation,
                    a.view_mut(),
                );
                if hidden_activation == LayerActivation::Identity {
                    self.activation.apply_in_place(a);
                }
            }
        }
        // p = softmax(z_L)
        let logits = rows(&ws.logits, n);
        if fast {
            softmax_rows_approx_into(logits, rows_mut(&mut ws.probs, n));
        } else {
            softmax_rows_into(logits, rows_mut(&mut ws.probs, n));
        }
    }

    /// The seed's `calculate_loss`: mean cross-entropy plus `λ/2 Σ|W|²`, divided by `N`
    /// (biases are not regularised).
    pub fn loss(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, usize>,
        reg_lambda: f64,
        ws: &mut Workspace,
    ) -> f64 {
        let n = x.nrows();
        self.forward(x, ws);
        let data_loss = cross_entropy_sum(
            rows(&ws.logits, n),
            rows(&ws.probs, n),
            y,
            &mut ws.loss_terms[..n],
        );
        let weight_norms = self
            .layers
            .iter()
            .map(|l| sum_of_squares(l.weights.view()))
            .fold(0.0, |acc, s| acc + s);
        let data_loss = data_loss + reg_lambda / 2.0 * weight_norms;
        1.0 / n as f64 * data_loss
    }

    /// The gradient of the summed loss `N · L` on `(x, y)`, L2 term included: what
    /// [`backward`](Self::backward) gives after [`forward`](Self::forward), which is what this
    /// runs, except in fast mode for a two-class network with one tanh hidden layer of at most
    /// 6 units (up to 4 inputs). That one takes
    /// `moons_linalg::one_hidden_fast_two_class_gradients_into`: both passes in one sweep, in
    /// single precision, writing nothing but the gradients. So after this call the workspace's
    /// hidden outputs, logits and probabilities are those of `x` or are stale: call
    /// [`forward`](Self::forward) to read them.
    pub fn gradients(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, usize>,
        reg_lambda: f64,
        ws: &mut Workspace,
        grads: &mut Gradients,
    ) {
        if ws.plan.step == Step::FastTwoClass && self.fast_two_class_gradients(x, y, grads) {
            self.add_weight_decay(reg_lambda, grads);
            return;
        }
        self.forward(x, ws);
        self.backward(x, y, reg_lambda, ws, grads);
    }

    /// The fast two-class kernel's gradients, without the L2 term; `false` if it declines.
    fn fast_two_class_gradients(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, usize>,
        grads: &mut Gradients,
    ) -> bool {
        let Some(net) = self.one_hidden_tanh() else {
            return false;
        };
        one_hidden_fast_two_class_gradients_into(x, y, net, grad_out(grads))
    }

    /// Backpropagation after [`forward`](Self::forward) on the same `x`: fills `grads` with the
    /// gradient of the summed loss `N · L` (the seed's convention), L2 term included.
    pub fn backward(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, usize>,
        reg_lambda: f64,
        ws: &mut Workspace,
        grads: &mut Gradients,
    ) {
        // The planned kernel; it declines only a batch it cannot take (see `forward`).
        if let Some(net) = self.one_hidden_tanh() {
            let n = x.nrows();
            let (hidden, probs) = (rows(&ws.hidden[0], n), rows(&ws.probs, n));
            let fused = match ws.plan.gradients {
                planned::Fast => {
                    one_hidden_fast_gradients_into(x, y, net, hidden, probs, grad_out(grads))
                }
                planned::Fused => {
                    one_hidden_gradients_into(x, y, net, hidden, probs, grad_out(grads))
                }
                planned::Layered => false,
            };
            if fused {
                self.add_weight_decay(reg_lambda, grads);
                return;
            }
        }
        let n = x.nrows();
        let last = self.layers.len() - 1;

        // δ_L = p - onehot(y)
        softmax_delta_into(rows(&ws.probs, n), y, rows_mut(&mut ws.deltas[last], n));

        for l in (0..=last).rev() {
            let (lower, upper) = ws.deltas.split_at_mut(l);
            let delta = rows(&upper[0], n);
            let input = if l == 0 {
                x
            } else {
                rows(&ws.hidden[l - 1], n)
            };
            let grad = &mut grads.layers[l];

            // dW_l = a_{l-1}ᵀ δ_l,  db_l = Σ_n δ_l
            weight_gradients_into(input, delta, grad.weights.view_mut(), grad.bias.view_mut());

            // δ_{l-1} = (δ_l W_lᵀ) ⊙ f'(a_{l-1})
            if l > 0 {
                let mut below = rows_mut(&mut lower[l - 1], n);
                let weights = self.layers[l].weights.view();
                if self.activation == Activation::Tanh {
                    backprop_deltas_into(delta, weights, Some(input), below);
                } else {
                    backprop_deltas_into(delta, weights, None, below.view_mut());
                    self.activation.derivative_mul_in_place(below, input);
                }
            }
        }

        self.add_weight_decay(reg_lambda, grads);
    }

    /// `dW_l += λ W_l` (the biases are not regularised).
    fn add_weight_decay(&self, reg_lambda: f64, grads: &mut Gradients) {
        for (grad, layer) in grads.layers.iter_mut().zip(&self.layers) {
            each_pair(&mut grad.weights, &layer.weights, |g, w| {
                *g += reg_lambda * w
            });
        }
    }

    /// Gradient descent step: `W -= lr · dW`, `b -= lr · db`, layer by layer.
    pub fn apply_gradients(&mut self, grads: &Gradients, learning_rate: f64) {
        let step = -learning_rate;
        for (layer, grad) in self.layers.iter_mut().zip(&grads.layers) {
            each_pair(&mut layer.weights, &grad.weights, |w, g| *w += step * g);
            each_pair(&mut layer.bias, &grad.bias, |b, g| *b += step * g);
        }
    }
}

/// `f(a, b)` for every pair of entries of two arrays of one shape: over plain slices when both
/// are contiguous in the same order (always, for a model's own arrays), which for the seed's
/// 17 parameters costs a fraction of ndarray's general zip.
fn each_pair<D: ndarray::Dimension>(
    a: &mut ndarray::Array<f64, D>,
    b: &ndarray::Array<f64, D>,
    mut f: impl FnMut(&mut f64, f64),
) {
    assert_eq!(a.shape(), b.shape(), "arrays of one shape");
    match (a.as_slice_mut(), b.as_slice()) {
        (Some(a), Some(b)) => a.iter_mut().zip(b).for_each(|(a, &b)| f(a, b)),
        _ => a.zip_mut_with(b, |a, &b| f(a, b)),
    }
}
