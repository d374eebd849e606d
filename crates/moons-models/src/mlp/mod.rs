//! The multilayer perceptron: the seed's `2 → H (tanh) → 2 (softmax)` network, generalised
//! to any input width, any number and width of hidden layers and any class count.

mod network;
mod workspace;

pub use workspace::{Gradients, Workspace, MAX_WORKSPACE_VALUES};

use moons_datasets::RandomState;
use ndarray::{s, Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::{Activation, Classifier};

/// One affine map `a · W + b`: `weights` is `inputs x outputs`, `bias` has `outputs` entries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    /// `inputs x outputs`.
    pub weights: Array2<f64>,
    /// One entry per output.
    pub bias: Array1<f64>,
}

impl Layer {
    /// A layer of zeros.
    pub fn zeros(inputs: usize, outputs: usize) -> Self {
        Self {
            weights: Array2::zeros((inputs, outputs)),
            bias: Array1::zeros(outputs),
        }
    }

    /// Number of inputs.
    pub fn inputs(&self) -> usize {
        self.weights.nrows()
    }

    /// Number of outputs.
    pub fn outputs(&self) -> usize {
        self.weights.ncols()
    }
}

/// A feed-forward network: hidden layers with one shared activation, then a softmax layer.
///
/// `layers[0]` maps the input to the first hidden layer; the last layer maps to the class
/// logits. The seed's network is `Mlp::seed_init(2, &[3], 2, Activation::Tanh, ..)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mlp {
    /// The affine maps, input side first.
    pub layers: Vec<Layer>,
    /// The nonlinearity after every hidden layer.
    pub activation: Activation,
}

impl Mlp {
    /// Builds a network from layers, checking that consecutive shapes chain.
    pub fn from_layers(
        layers: Vec<Layer>,
        activation: Activation,
    ) -> Result<Self, crate::ModelError> {
        if layers.is_empty() {
            return Err(crate::ModelError::InvalidParameter {
                name: "layers",
                value: "0".into(),
                allowed: "at least one layer".into(),
            });
        }
        for (i, pair) in layers.windows(2).enumerate() {
            if pair[0].outputs() != pair[1].inputs() {
                return Err(crate::ModelError::InvalidParameter {
                    name: "layers",
                    value: format!(
                        "layer {} has {} outputs but layer {} has {} inputs",
                        i,
                        pair[0].outputs(),
                        i + 1,
                        pair[1].inputs()
                    ),
                    allowed: "the outputs of each layer to match the inputs of the next".into(),
                });
            }
        }
        if let Some(i) = layers.iter().position(|l| l.bias.len() != l.outputs()) {
            return Err(crate::ModelError::InvalidParameter {
                name: "layers",
                value: format!("layer {i} has a bias of the wrong length"),
                allowed: "one bias entry per output".into(),
            });
        }
        Ok(Self { layers, activation })
    }

    /// The seed's initialisation, continuing `rng`'s stream layer by layer:
    /// `W = randn(inputs, outputs) / sqrt(inputs)`, `b = 0`.
    ///
    /// With `rng = RandomState::new(0)`, `n_features = 2`, `hidden = [H]`, `n_classes = 2`
    /// this is exactly the seed's `np.random.seed(0); W1 = np.random.randn(2, H) / np.sqrt(2)
    /// ...; W2 = np.random.randn(H, 2) / np.sqrt(H)`.
    pub fn seed_init(
        n_features: usize,
        hidden: &[usize],
        n_classes: usize,
        activation: Activation,
        rng: &mut RandomState,
    ) -> Self {
        let widths = Self::widths_of(n_features, hidden, n_classes);
        let layers = widths
            .windows(2)
            .map(|w| {
                let (inputs, outputs) = (w[0], w[1]);
                let scale = (inputs as f64).sqrt();
                let draws = rng.randn_vec(inputs * outputs);
                Layer {
                    weights: Array2::from_shape_vec((inputs, outputs), draws)
                        .expect("randn_vec returns inputs * outputs values")
                        .mapv(|w| w / scale),
                    bias: Array1::zeros(outputs),
                }
            })
            .collect();
        Self { layers, activation }
    }

    /// `[n_features, hidden..., n_classes]`.
    pub fn widths_of(n_features: usize, hidden: &[usize], n_classes: usize) -> Vec<usize> {
        std::iter::once(n_features)
            .chain(hidden.iter().copied())
            .chain(std::iter::once(n_classes))
            .collect()
    }

    /// The widths of the hidden layers.
    pub fn hidden_sizes(&self) -> Vec<usize> {
        self.layers[..self.layers.len() - 1]
            .iter()
            .map(Layer::outputs)
            .collect()
    }

    /// Total number of weights and biases.
    #[inline] // Asked once per training pass (how much work a pass is).
    pub fn n_parameters(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weights.len() + l.bias.len())
            .sum()
    }
}

/// The largest batch [`Mlp::predict_proba`](Classifier::predict_proba) pushes through the
/// network at once.
pub const PREDICT_CHUNK_ROWS: usize = 1 << 14;

impl Classifier for Mlp {
    fn n_features(&self) -> usize {
        self.layers[0].inputs()
    }

    fn n_classes(&self) -> usize {
        self.layers[self.layers.len() - 1].outputs()
    }

    /// Predicts in chunks of at most [`PREDICT_CHUNK_ROWS`] rows, so memory stays bounded
    /// however many points are asked for; rows are independent, so the bits are the same.
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let rows = x.nrows();
        let mut probs = Array2::zeros((rows, self.n_classes()));
        let mut workspace = Workspace::new(self, rows.min(PREDICT_CHUNK_ROWS));
        for start in (0..rows).step_by(PREDICT_CHUNK_ROWS) {
            let end = (start + PREDICT_CHUNK_ROWS).min(rows);
            self.forward(x.slice(s![start..end, ..]), &mut workspace);
            probs
                .slice_mut(s![start..end, ..])
                .assign(&workspace.probs_rows(end - start));
        }
        probs
    }
}
