//! Toy classification data sets, generated exactly as numpy and scikit-learn generate them.
//!
//! [`RandomState`] is a bit-exact port of numpy's legacy global generator, so that
//! `RandomState::new(0)` followed by [`make_moons`] gives the very points the seed tutorial
//! gets from `np.random.seed(0); sklearn.datasets.make_moons(200, noise=0.20)`.
//!
//! ```
//! use moons_datasets::{make_moons, RandomState};
//!
//! let mut rng = RandomState::new(0);
//! let data = make_moons(200, 0.20, true, &mut rng)?;
//! println!("{} points, first at {:?}", data.n_samples(), data.features.row(0));
//! # Ok::<(), moons_datasets::DatasetError>(())
//! ```
#![warn(missing_docs)]

mod dataset;
mod error;
mod linspace;
mod moons;
mod random_state;
mod blobs;
mod circles;
mod csv;
mod split;
mod spirals;
mod xor;

pub use dataset::Dataset;
pub use error::DatasetError;
pub use linspace::linspace;
pub use moons::make_moons;
pub use random_state::RandomState;
pub use blobs::{make_blobs, CENTER_BOX, MAX_CLASSES};
pub use circles::make_circles;
pub use csv::{parse_csv, parse_points, read_csv, read_points, write_csv, Points, MAX_CSV_BYTES, MAX_FEATURES};
pub use split::stratified_split;
pub use spirals::make_spirals;
pub use xor::make_xor;

use ndarray::Array2;

/// The largest sample count a generator accepts: beyond this a request is refused before
/// any allocation (10 million rows of two f64 features is 160 MB).
pub const MAX_SAMPLES: usize = 10_000_000;

fn check_samples(n_samples: usize) -> Result<(), DatasetError> {
    if n_samples == 0 || n_samples > MAX_SAMPLES {
        return Err(DatasetError::InvalidParameter {
            name: "samples",
            value: n_samples.to_string(),
            allowed: format!("an integer from 1 to {MAX_SAMPLES}"),
        });
    }
    Ok(())
}

fn check_classes(n_classes: usize, min: usize) -> Result<(), DatasetError> {
    if n_classes < min || n_classes > MAX_CLASSES {
        return Err(DatasetError::InvalidParameter {
            name: "classes",
            value: n_classes.to_string(),
            allowed: format!("an integer from {min} to {MAX_CLASSES}"),
        });
    }
    Ok(())
}

fn check_noise(noise: f64) -> Result<(), DatasetError> {
    if !(noise.is_finite() && noise >= 0.0) {
        return Err(DatasetError::InvalidParameter {
            name: "noise",
            value: noise.to_string(),
            allowed: "a finite number >= 0".into(),
        });
    }
    Ok(())
}

/// scikit-learn's `utils.shuffle(X, y, random_state=rng)`: shuffle `arange(n)`, then gather.
fn shuffle_rows(data: &Dataset, rng: &mut RandomState) -> Dataset {
    let order = rng.permutation(data.n_samples());
    data.select(&order)
}

/// `X += rng.normal(scale=noise, size=X.shape)`, drawn in row-major order.
fn add_gaussian_noise(features: &mut Array2<f64>, noise: f64, rng: &mut RandomState) {
    for value in features.iter_mut() {
        *value += rng.normal(0.0, noise);
    }
}
