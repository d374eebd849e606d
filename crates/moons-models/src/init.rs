//! Weight initialisations and the size limits checked before any weight is allocated.

use moons_datasets::RandomState;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::{Activation, Layer, Mlp, ModelError};

/// The widest layer (input, hidden or output) a network may have.
pub const MAX_WIDTH: usize = 100_000;

/// The most hidden layers a network may have.
pub const MAX_HIDDEN_LAYERS: usize = 64;

/// The most weights and biases a network may have (80 MB of f64).
pub const MAX_PARAMETERS: usize = 10_000_000;

/// How the weights of a new network are drawn; biases always start at zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Init {
    /// The seed's: `W = randn(inputs, outputs) / sqrt(inputs)` (see [`Mlp::seed_init`]).
    #[default]
    Seed,
    /// Glorot & Bengio (2010), uniform: `W ~ U(-b, b)` with `b = sqrt(6 / (inputs + outputs))`,
    /// drawn row-major with `uniform`. Suits tanh, sigmoid and identity.
    Xavier,
    /// He et al. (2015), normal: `W = randn(inputs, outputs) * sqrt(2 / inputs)`. Suits relu
    /// and leaky-relu.
    He,
}

impl Init {
    /// All initialisations, in the order the CLI lists them.
    pub const ALL: [Init; 3] = [Init::Seed, Init::Xavier, Init::He];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Init::Seed => "seed",
            Init::Xavier => "xavier",
            Init::He => "he",
        }
    }
}

impl std::fmt::Display for Init {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Init {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "glorot" => Ok(Init::Xavier),
            _ => Init::ALL
                .into_iter()
                .find(|i| i.name() == s)
                .ok_or_else(|| {
                    format!(
                        "unknown initialisation '{s}': expected one of seed, xavier (glorot), he"
                    )
                }),
        }
    }
}

/// Checks a network shape against [`MAX_WIDTH`], [`MAX_HIDDEN_LAYERS`] and
/// [`MAX_PARAMETERS`], and that every width is at least 1 and there are at least 2 classes.
pub fn check_architecture(
    n_features: usize,
    hidden: &[usize],
    n_classes: usize,
) -> Result<(), ModelError> {
    let invalid =
        |name: &'static str, value: String, allowed: String| ModelError::InvalidParameter {
            name,
            value,
            allowed,
        };
    if n_features == 0 || n_features > MAX_WIDTH {
        return Err(invalid(
            "features",
            n_features.to_string(),
            format!("1 to {MAX_WIDTH} input columns"),
        ));
    }
    if !(2..=MAX_WIDTH).contains(&n_classes) {
        return Err(invalid(
            "classes",
            n_classes.to_string(),
            format!("an integer from 2 to {MAX_WIDTH}"),
        ));
    }
    if hidden.len() > MAX_HIDDEN_LAYERS {
        return Err(invalid(
            "hidden",
            format!("{} layers", hidden.len()),
            format!("at most {MAX_HIDDEN_LAYERS} hidden layers"),
        ));
    }
    if let Some(&bad) = hidden.iter().find(|&&h| h == 0 || h > MAX_WIDTH) {
        return Err(invalid(
            "hidden",
            bad.to_string(),
            format!("widths from 1 to {MAX_WIDTH}"),
        ));
    }
    let widths = Mlp::widths_of(n_features, hidden, n_classes);
    // Saturating: an absurd request must be refused, not overflow.
    let total = widths
        .windows(2)
        .map(|w| w[0].saturating_mul(w[1]).saturating_add(w[1]))
        .fold(0usize, usize::saturating_add);
    if total > MAX_PARAMETERS {
        return Err(invalid(
            "hidden",
            format!("{hidden:?} ({total} parameters)"),
            format!("a network of at most {MAX_PARAMETERS} weights and biases"),
        ));
    }
    Ok(())
}

impl Mlp {
    /// A new network `n_features → hidden... → n_classes` with weights drawn by `init` from
    /// `rng`, layer by layer from the input side; the shape is checked first.
    ///
    /// `Init::Seed` gives exactly [`Mlp::seed_init`].
    ///
    /// ```
    /// use moons_datasets::RandomState;
    /// use moons_models::{Activation, Init, Mlp};
    /// let model = Mlp::new(2, &[16, 16], 3, Activation::Relu, Init::He, &mut RandomState::new(0))?;
    /// assert_eq!(model.n_parameters(), 2 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3);
    /// # Ok::<(), moons_models::ModelError>(())
    /// ```
    pub fn new(
        n_features: usize,
        hidden: &[usize],
        n_classes: usize,
        activation: Activation,
        init: Init,
        rng: &mut RandomState,
    ) -> Result<Self, ModelError> {
        check_architecture(n_features, hidden, n_classes)?;
        if init == Init::Seed {
            return Ok(Self::seed_init(
                n_features, hidden, n_classes, activation, rng,
            ));
        }
        let widths = Self::widths_of(n_features, hidden, n_classes);
        let layers = widths
            .windows(2)
            .map(|w| {
                let (inputs, outputs) = (w[0], w[1]);
                let mut weights = Array2::<f64>::zeros((inputs, outputs));
                match init {
                    Init::Xavier => {
                        let bound = (6.0 / (inputs + outputs) as f64).sqrt();
                        weights
                            .iter_mut()
                            .for_each(|x| *x = rng.uniform(-bound, bound));
                    }
                    Init::He | Init::Seed => {
                        let scale = (2.0 / inputs as f64).sqrt();
                        weights
                            .iter_mut()
                            .for_each(|x| *x = rng.standard_normal() * scale);
                    }
                }
                Layer {
                    weights,
                    bias: Array1::zeros(outputs),
                }
            })
            .collect();
        Ok(Self { layers, activation })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_init_is_the_seed_and_others_have_the_right_scale() {
        let rng = || RandomState::new(0);
        let seed = Mlp::new(2, &[3], 2, Activation::Tanh, Init::Seed, &mut rng()).unwrap();
        assert_eq!(
            seed,
            Mlp::seed_init(2, &[3], 2, Activation::Tanh, &mut rng())
        );

        let xavier = Mlp::new(50, &[50], 2, Activation::Tanh, Init::Xavier, &mut rng()).unwrap();
        let bound = (6.0f64 / 100.0).sqrt();
        assert!(xavier.layers[0].weights.iter().all(|w| w.abs() <= bound));

        let he = Mlp::new(400, &[400], 2, Activation::Relu, Init::He, &mut rng()).unwrap();
        let w = &he.layers[0].weights;
        let var = w.iter().map(|x| x * x).sum::<f64>() / w.len() as f64;
        assert!((var - 2.0 / 400.0).abs() < 0.05 * 2.0 / 400.0, "{var}");
    }

    #[test]
    fn absurd_shapes_are_refused_before_allocating() {
        let mut rng = RandomState::new(0);
        for (f, h, c) in [
            (2, vec![0], 2),
            (2, vec![3], 1),
            (0, vec![3], 2),
            (2, vec![MAX_WIDTH + 1], 2),
            (2, vec![50_000, 50_000], 2),
            (2, vec![usize::MAX, usize::MAX], 2),
            (2, vec![1; MAX_HIDDEN_LAYERS + 1], 2),
        ] {
            assert!(
                Mlp::new(f, &h, c, Activation::Tanh, Init::He, &mut rng).is_err(),
                "{h:?}"
            );
        }
        let e = check_architecture(2, &[0], 2).unwrap_err().to_string();
        assert_eq!(
            e,
            format!("invalid hidden 0: expected widths from 1 to {MAX_WIDTH}")
        );
    }

    #[test]
    fn names_parse_back() {
        for init in Init::ALL {
            assert_eq!(init.name().parse::<Init>(), Ok(init));
        }
        assert!("lecun".parse::<Init>().is_err());
    }
}
