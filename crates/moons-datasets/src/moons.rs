//! scikit-learn's `make_moons`, step for step.

use ndarray::{Array1, Array2};
use std::f64::consts::PI;

use crate::{linspace::linspace, Dataset, DatasetError, RandomState};

/// `sklearn.datasets.make_moons(n_samples, shuffle=shuffle, noise=noise)` drawing from `rng`.
///
/// Two interleaving half circles: `n/2` points on the outer arc (label 0), the rest on the
/// inner arc (label 1). With `shuffle`, the rows are permuted by shuffling `arange(n)`; then
/// `normal(scale=noise, size=(n, 2))` is added row by row. As in scikit-learn with a float
/// noise, `noise = 0` still draws the normals, which moves the stream on.
///
/// ```
/// use moons_datasets::{make_moons, RandomState};
/// let mut rng = RandomState::new(0); // np.random.seed(0)
/// let data = make_moons(200, 0.2, true, &mut rng).unwrap();
/// assert_eq!(data.n_samples(), 200);
/// assert_eq!(data.class_counts(), vec![100, 100]);
/// ```
pub fn make_moons(
    n_samples: usize,
    noise: f64,
    shuffle: bool,
    rng: &mut RandomState,
) -> Result<Dataset, DatasetError> {
    crate::check_noise(noise)?;
    crate::check_samples(n_samples)?;
    let n_out = n_samples / 2;
    let n_in = n_samples - n_out;

    let outer = linspace(0.0, PI, n_out, true);
    let inner = linspace(0.0, PI, n_in, true);
    let mut features = Array2::<f64>::zeros((n_samples, 2));
    let mut labels = Array1::<usize>::zeros(n_samples);
    for (i, &t) in outer.iter().enumerate() {
        features[[i, 0]] = t.cos();
        features[[i, 1]] = t.sin();
    }
    for (i, &t) in inner.iter().enumerate() {
        features[[n_out + i, 0]] = 1.0 - t.cos();
        features[[n_out + i, 1]] = 1.0 - t.sin() - 0.5;
        labels[n_out + i] = 1;
    }

    let mut data = Dataset { features, labels };
    if shuffle {
        data = crate::shuffle_rows(&data, rng);
    }
    crate::add_gaussian_noise(&mut data.features, noise, rng);
    Ok(data)
}
