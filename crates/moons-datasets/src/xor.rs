//! The XOR quadrants.

use ndarray::{Array1, Array2};

use crate::{Dataset, DatasetError, RandomState};

/// `X = uniform(-1, 1, size=(n, 2))` drawn row by row, label 1 where `x1 * x2 > 0` (first and
/// third quadrants), else 0.
///
/// ```
/// use moons_datasets::{make_xor, RandomState};
/// let data = make_xor(200, &mut RandomState::new(0)).unwrap();
/// assert_eq!(data.n_samples(), 200);
/// ```
pub fn make_xor(n_samples: usize, rng: &mut RandomState) -> Result<Dataset, DatasetError> {
    crate::check_samples(n_samples)?;
    let mut features = Array2::<f64>::zeros((n_samples, 2));
    for x in features.iter_mut() {
        *x = rng.uniform(-1.0, 1.0);
    }
    let labels: Array1<usize> = features
        .rows()
        .into_iter()
        .map(|row| usize::from(row[0] * row[1] > 0.0))
        .collect();
    Ok(Dataset { features, labels })
}
