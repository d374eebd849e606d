//! The classic K-armed spiral (the cs231n notes' data set).

use ndarray::{Array1, Array2};

use crate::{linspace::linspace, Dataset, DatasetError, RandomState};

/// `n_samples` points on `n_classes` interleaved spiral arms, classes in order, no shuffle.
///
/// For class `j` with `m` points: `r = linspace(0, 1, m)`, `t = linspace(4j, 4(j+1), m) +
/// randn(m) * noise`, and the points are `(r sin t, r cos t)`. The total is split evenly; when
/// it does not divide, the first `n_samples % n_classes` classes get one point more (the
/// reference only defines the divisible case, which this reproduces exactly).
///
/// ```
/// use moons_datasets::{make_spirals, RandomState};
/// let data = make_spirals(300, 3, 0.2, &mut RandomState::new(0)).unwrap();
/// assert_eq!(data.class_counts(), vec![100, 100, 100]);
/// ```
pub fn make_spirals(
    n_samples: usize,
    n_classes: usize,
    noise: f64,
    rng: &mut RandomState,
) -> Result<Dataset, DatasetError> {
    crate::check_noise(noise)?;
    crate::check_samples(n_samples)?;
    crate::check_classes(n_classes, 2)?;
    let mut features = Array2::<f64>::zeros((n_samples, 2));
    let mut labels = Array1::<usize>::zeros(n_samples);
    let mut rows = features.rows_mut().into_iter().zip(labels.iter_mut());
    for class in 0..n_classes {
        let size = n_samples / n_classes + usize::from(class < n_samples % n_classes);
        let radii = linspace(0.0, 1.0, size, true);
        let start = (4 * class) as f64;
        let angles = linspace(start, start + 4.0, size, true);
        for ((mut row, label), (&r, &t0)) in rows.by_ref().take(size).zip(radii.iter().zip(&angles))
        {
            // `linspace(...) + randn(m) * noise`: the product is rounded before the sum.
            let t = t0 + rng.standard_normal() * noise;
            row[0] = r * t.sin();
            row[1] = r * t.cos();
            *label = class;
        }
    }
    Ok(Dataset { features, labels })
}
