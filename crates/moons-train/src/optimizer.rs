//! Update rules: plain gradient descent, SGD with (Nesterov) momentum, Adam.

use moons_models::{Gradients, Layer, Mlp};
use serde::Serialize;

use crate::error::invalid;
use crate::TrainError;

/// How a gradient becomes a step. The formulas are scikit-learn's `SGDOptimizer` and
/// `AdamOptimizer` (`sklearn/neural_network/_stochastic_optimizers.py`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Optimizer {
    /// `W -= lr · dW`: the seed's step.
    Gd,
    /// `v = momentum · v - lr · dW`, then `W += v`, or with Nesterov
    /// `W += momentum · v - lr · dW`; velocities start at zero.
    Sgd {
        /// Momentum in [0, 1); 0 is plain SGD.
        momentum: f64,
        /// Nesterov's accelerated gradient.
        nesterov: bool,
    },
    /// Adam: `m = β1 m + (1-β1) g`, `v = β2 v + (1-β2) g²`, `t += 1`,
    /// `W -= lr · sqrt(1-β2^t)/(1-β1^t) · m / (sqrt(v) + ε)`.
    Adam {
        /// First-moment decay β1 in [0, 1).
        beta1: f64,
        /// Second-moment decay β2 in [0, 1).
        beta2: f64,
        /// ε > 0 in the denominator.
        epsilon: f64,
    },
}

impl Default for Optimizer {
    /// The seed's plain gradient descent.
    fn default() -> Self {
        Optimizer::Gd
    }
}

impl Optimizer {
    /// The names the CLI accepts, in order.
    pub const NAMES: [&'static str; 3] = ["gd", "sgd", "adam"];

    /// Adam with scikit-learn's defaults: β1 = 0.9, β2 = 0.999, ε = 1e-8.
    pub const fn adam() -> Self {
        Optimizer::Adam {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }

    /// The CLI name.
    pub fn name(&self) -> &'static str {
        match self {
            Optimizer::Gd => "gd",
            Optimizer::Sgd { .. } => "sgd",
            Optimizer::Adam { .. } => "adam",
        }
    }

    /// Checks the optimizer's constants.
    pub fn validate(&self) -> Result<(), TrainError> {
        let unit = |name: &'static str, v: f64| {
            if (0.0..1.0).contains(&v) {
                Ok(())
            } else {
                Err(invalid(name, v, "a number in [0, 1)"))
            }
        };
        match *self {
            Optimizer::Gd => Ok(()),
            Optimizer::Sgd { momentum, .. } => unit("momentum", momentum),
            Optimizer::Adam {
                beta1,
                beta2,
                epsilon,
            } => {
                unit("beta1", beta1)?;
                unit("beta2", beta2)?;
                if epsilon.is_finite() && epsilon > 0.0 {
                    Ok(())
                } else {
                    Err(invalid("epsilon", epsilon, "a finite number > 0"))
                }
            }
        }
    }
}

/// The optimizer's running state (velocities or moments), allocated once per run.
#[derive(Clone, Debug)]
pub(crate) struct OptimizerState {
    optimizer: Optimizer,
    first: Option<Gradients>,
    second: Option<Gradients>,
    steps: i32,
}

impl OptimizerState {
    pub(crate) fn new(optimizer: Optimizer, model: &Mlp) -> Self {
        let (first, second) = match optimizer {
            Optimizer::Gd => (None, None),
            Optimizer::Sgd { .. } => (Some(Gradients::zeros_like(model)), None),
            Optimizer::Adam { .. } => (
                Some(Gradients::zeros_like(model)),
                Some(Gradients::zeros_like(model)),
            ),
        };
        Self {
            optimizer,
            first,
            second,
            steps: 0,
        }
    }

    /// One update of `model` from `grads` with step size `lr`; allocation-free.
    pub(crate) fn step(&mut self, model: &mut Mlp, grads: &Gradients, lr: f64) {
        match (self.optimizer, self.first.as_mut(), self.second.as_mut()) {
            (Optimizer::Sgd { momentum, nesterov }, Some(velocity), _) => {
                for_each_param(model, grads, velocity, |w, g, v| {
                    *v = momentum * *v - lr * g;
                    *w += if nesterov { momentum * *v - lr * g } else { *v };
                });
            }
            (
                Optimizer::Adam {
                    beta1,
                    beta2,
                    epsilon,
                },
                Some(m),
                Some(v),
            ) => {
                self.steps = self.steps.saturating_add(1);
                let t = self.steps;
                let lr_t = lr * (1.0 - beta2.powi(t)).sqrt() / (1.0 - beta1.powi(t));
                for_each_param2(model, grads, m, v, |w, g, m, v| {
                    *m = beta1 * *m + (1.0 - beta1) * g;
                    *v = beta2 * *v + (1.0 - beta2) * (g * g);
                    *w += -lr_t * *m / (v.sqrt() + epsilon);
                });
            }
            // The seed's update, through the network's own method so it stays bit-identical.
            _ => model.apply_gradients(grads, lr),
        }
    }
}

fn params_of(l: &mut Layer) -> impl Iterator<Item = &mut f64> {
    l.weights.iter_mut().chain(l.bias.iter_mut())
}

fn grads_of(l: &Layer) -> impl Iterator<Item = &f64> {
    l.weights.iter().chain(l.bias.iter())
}

fn for_each_param(
    model: &mut Mlp,
    grads: &Gradients,
    state: &mut Gradients,
    mut f: impl FnMut(&mut f64, f64, &mut f64),
) {
    for ((layer, g), s) in model
        .layers
        .iter_mut()
        .zip(&grads.layers)
        .zip(&mut state.layers)
    {
        for ((w, &g), s) in params_of(layer).zip(grads_of(g)).zip(params_of(s)) {
            f(w, g, s);
        }
    }
}

fn for_each_param2(
    model: &mut Mlp,
    grads: &Gradients,
    first: &mut Gradients,
    second: &mut Gradients,
    mut f: impl FnMut(&mut f64, f64, &mut f64, &mut f64),
) {
    for (((layer, g), m), v) in model
        .layers
        .iter_mut()
        .zip(&grads.layers)
        .zip(&mut first.layers)
        .zip(&mut second.layers)
    {
        for (((w, &g), m), v) in params_of(layer)
            .zip(grads_of(g))
            .zip(params_of(m))
            .zip(params_of(v))
        {
            f(w, g, m, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use moons_datasets::RandomState;
    use moons_models::Activation;

    fn one_weight(w: f64) -> (Mlp, Gradients) {
        let mut model = Mlp::seed_init(1, &[], 2, Activation::Identity, &mut RandomState::new(0));
        model.layers[0].weights.fill(w);
        model.layers[0].bias.fill(0.0);
        let mut g = Gradients::zeros_like(&model);
        g.layers[0].weights.fill(1.0);
        (model, g)
    }

    #[test]
    fn sgd_momentum_follows_scikit_learn() {
        let (mut model, g) = one_weight(0.0);
        let mut s = OptimizerState::new(
            Optimizer::Sgd {
                momentum: 0.9,
                nesterov: false,
            },
            &model,
        );
        s.step(&mut model, &g, 0.1); // v = -0.1
        s.step(&mut model, &g, 0.1); // v = -0.19
        assert!((model.layers[0].weights[[0, 0]] - (-0.29)).abs() < 1e-15);

        let (mut model, g) = one_weight(0.0);
        let mut s = OptimizerState::new(
            Optimizer::Sgd {
                momentum: 0.9,
                nesterov: true,
            },
            &model,
        );
        s.step(&mut model, &g, 0.1); // v = -0.1, w += 0.9·(-0.1) - 0.1
        assert!((model.layers[0].weights[[0, 0]] - (-0.19)).abs() < 1e-15);
    }

    #[test]
    fn adam_first_step_is_lr_times_sign() {
        let (mut model, g) = one_weight(1.0);
        let mut s = OptimizerState::new(Optimizer::adam(), &model);
        s.step(&mut model, &g, 0.01);
        // m̂ / sqrt(v̂) = 1 on the first step, up to ε.
        assert!((model.layers[0].weights[[0, 0]] - 0.99).abs() < 1e-8);
        assert_eq!(model.layers[0].bias[0], 0.0);
    }

    #[test]
    fn bad_constants_are_named() {
        let e = Optimizer::Sgd {
            momentum: 1.0,
            nesterov: false,
        }
        .validate()
        .unwrap_err()
        .to_string();
        assert_eq!(e, "invalid momentum 1: expected a number in [0, 1)");
        assert!(Optimizer::Adam {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 0.0
        }
        .validate()
        .is_err());
        assert!(Optimizer::adam().validate().is_ok());
    }
}
