//! Hidden-layer activation functions and their derivatives.

use ndarray::{ArrayView2, ArrayViewMut2, Zip};
use serde::{Deserialize, Serialize};

/// The nonlinearity applied after every hidden layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    /// `tanh(z)`, the seed's choice; derivative `1 - a²`.
    #[default]
    Tanh,
    /// `1 / (1 + e^-z)`; derivative `a (1 - a)`.
    Sigmoid,
    /// `max(0, z)`; derivative 1 where `a > 0`, else 0.
    Relu,
    /// `z` where positive, else `0.01 z`; derivative 1 or 0.01.
    LeakyRelu,
    /// `z`; derivative 1 (a linear network, useful as a baseline).
    Identity,
}

/// The slope of [`Activation::LeakyRelu`] for negative inputs.
pub const LEAKY_RELU_SLOPE: f64 = 0.01;

impl Activation {
    /// All activations, in the order the CLI lists them.
    pub const ALL: [Activation; 5] = [
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Identity,
    ];

    /// The name used on the command line and in model files.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky-relu",
            Activation::Identity => "identity",
        }
    }

    /// `a = f(z)` in place.
    pub fn apply_in_place(self, z: ArrayViewMut2<'_, f64>) {
        match self {
            Activation::Tanh => moons_linalg::tanh_in_place(z),
            Activation::Sigmoid => apply(z, |z| 1.0 / (1.0 + (-z).exp())),
            Activation::Relu => apply(z, |z| if z > 0.0 { z } else { 0.0 }),
            Activation::LeakyRelu => apply(z, |z| if z > 0.0 { z } else { LEAKY_RELU_SLOPE * z }),
            Activation::Identity => {}
        }
    }

    /// `delta *= f'(z)`, with the derivative written in terms of the output `a = f(z)`.
    pub fn derivative_mul_in_place(self, delta: ArrayViewMut2<'_, f64>, a: ArrayView2<'_, f64>) {
        match self {
            Activation::Tanh => moons_linalg::tanh_derivative_mul_in_place(delta, a),
            Activation::Sigmoid => scale(delta, a, |a| a * (1.0 - a)),
            Activation::Relu => scale(delta, a, |a| if a > 0.0 { 1.0 } else { 0.0 }),
            Activation::LeakyRelu => {
                scale(delta, a, |a| if a > 0.0 { 1.0 } else { LEAKY_RELU_SLOPE })
            }
            Activation::Identity => {}
        }
    }
}

impl std::fmt::Display for Activation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Activation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Activation::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Activation::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "unknown activation '{s}': expected one of {}",
                    names.join(", ")
                )
            })
    }
}

fn apply(mut z: ArrayViewMut2<'_, f64>, f: impl Fn(f64) -> f64) {
    z.mapv_inplace(f);
}

fn scale(mut delta: ArrayViewMut2<'_, f64>, a: ArrayView2<'_, f64>, f: impl Fn(f64) -> f64) {
    Zip::from(&mut delta).and(&a).for_each(|d, &a| *d *= f(a));
}
