//! scikit-learn's `make_circles`, step for step.

use ndarray::{Array1, Array2};
use std::f64::consts::PI;

use crate::{linspace::linspace, Dataset, DatasetError, RandomState};

/// `sklearn.datasets.make_circles(n_samples, shuffle=shuffle, noise=noise, factor=factor)`
/// drawing from `rng`.
///
/// A large circle of radius 1 (label 0, `n/2` points) around a small one of radius `factor`
/// (label 1, the rest), each sampled at `linspace(0, 2π, n, endpoint=False)`. With `shuffle`
/// the rows are permuted by shuffling `arange(n)`; then `normal(scale=noise, size=(n, 2))` is
/// added row by row. As for [`make_moons`](crate::make_moons), `noise = 0` still draws.
///
/// ```
/// use moons_datasets::{make_circles, RandomState};
/// let data = make_circles(200, 0.1, 0.5, true, &mut RandomState::new(0)).unwrap();
/// assert_eq!(data.class_counts(), vec![100, 100]);
/// ```
pub fn make_circles(
    n_samples: usize,
    noise: f64,
    factor: f64,
    shuffle: bool,
    rng: &mut RandomState,
) -> Result<Dataset, DatasetError> {
    crate::check_noise(noise)?;
    crate::check_samples(n_samples)?;
    if !(factor > 0.0 && factor < 1.0) {
        return Err(DatasetError::InvalidParameter {
            name: "factor",
            value: factor.to_string(),
            allowed: "a number strictly between 0 and 1".into(),
        });
    }
    let n_out = n_samples / 2;
    let n_in = n_samples - n_out;
    let outer = linspace(0.0, 2.0 * PI, n_out, false);
    let inner = linspace(0.0, 2.0 * PI, n_in, false);

    let mut features = Array2::<f64>::zeros((n_samples, 2));
    let mut labels = Array1::<usize>::zeros(n_samples);
    for (mut row, &t) in features.rows_mut().into_iter().zip(&outer) {
        row[0] = t.cos();
        row[1] = t.sin();
    }
    for ((mut row, label), &t) in features
        .rows_mut()
        .into_iter()
        .zip(labels.iter_mut())
        .skip(n_out)
        .zip(&inner)
    {
        // numpy scales the cosine after taking it: `np.cos(linspace_in) * factor`.
        row[0] = t.cos() * factor;
        row[1] = t.sin() * factor;
        *label = 1;
    }

    let mut data = Dataset { features, labels };
    if shuffle {
        data = crate::shuffle_rows(&data, rng);
    }
    crate::add_gaussian_noise(&mut data.features, noise, rng);
    Ok(data)
}
