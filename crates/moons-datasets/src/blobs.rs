//! scikit-learn's `make_blobs` with an integer number of centres.

use ndarray::{Array1, Array2};

use crate::{Dataset, DatasetError, RandomState};

/// The most blobs [`make_blobs`] draws (also the most classes any generator makes).
pub const MAX_CLASSES: usize = 1000;

/// The box scikit-learn draws random centres from (`center_box=(-10.0, 10.0)`).
pub const CENTER_BOX: (f64, f64) = (-10.0, 10.0);

/// `sklearn.datasets.make_blobs(n_samples, n_features=2, centers=n_centers,
/// cluster_std=cluster_std, shuffle=True)` drawing from `rng`; returns the data and the centres.
///
/// As in scikit-learn 1.9: the centres are `uniform(-10, 10, size=(n_centers, 2))`; blob `i`
/// gets `n // n_centers` points, plus one for the first `n % n_centers` blobs, drawn as
/// `normal(loc=centers[i], scale=cluster_std, size=(n_i, 2))` in blob order; then the rows are
/// shuffled by shuffling `arange(n)`.
///
/// ```
/// use moons_datasets::{make_blobs, RandomState};
/// let (data, centers) = make_blobs(200, 3, 1.0, &mut RandomState::new(0)).unwrap();
/// assert_eq!(data.class_counts(), vec![67, 67, 66]);
/// assert_eq!(centers.dim(), (3, 2));
/// ```
pub fn make_blobs(
    n_samples: usize,
    n_centers: usize,
    cluster_std: f64,
    rng: &mut RandomState,
) -> Result<(Dataset, Array2<f64>), DatasetError> {
    crate::check_samples(n_samples)?;
    crate::check_classes(n_centers, 1)?;
    if !(cluster_std.is_finite() && cluster_std >= 0.0) {
        return Err(DatasetError::InvalidParameter {
            name: "cluster-std",
            value: cluster_std.to_string(),
            allowed: "a finite number >= 0".into(),
        });
    }
    const N_FEATURES: usize = 2;
    let mut centers = Array2::<f64>::zeros((n_centers, N_FEATURES));
    for c in centers.iter_mut() {
        *c = rng.uniform(CENTER_BOX.0, CENTER_BOX.1);
    }

    let mut features = Array2::<f64>::zeros((n_samples, N_FEATURES));
    let mut labels = Array1::<usize>::zeros(n_samples);
    let mut rows = features.rows_mut().into_iter().zip(labels.iter_mut());
    for (blob, center) in centers.rows().into_iter().enumerate() {
        let size = n_samples / n_centers + usize::from(blob < n_samples % n_centers);
        for (mut row, label) in rows.by_ref().take(size) {
            // numpy's legacy `normal(loc, scale)` is `loc + scale * gauss`, element by element.
            for (x, &loc) in row.iter_mut().zip(center) {
                *x = rng.normal(loc, cluster_std);
            }
            *label = blob;
        }
    }

    let data = crate::shuffle_rows(&Dataset { features, labels }, rng);
    Ok((data, centers))
}
