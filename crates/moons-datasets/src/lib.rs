//! Toy classification data sets, generated exactly as numpy and scikit-learn generate them.
//!
//! This is the bottom layer of the workspace, beside `moons-linalg`: it depends on no other
//! moons crate, and every crate above it (models, training, figures, the `moons` command)
//! passes data around as its [`Dataset`]. See `ARCHITECTURE.md` for the whole map.
//!
//! [`RandomState`] is a bit-exact port of numpy's legacy global generator (MT19937, polar
//! Box–Muller with its cached value, masked Fisher–Yates), so that `RandomState::new(0)`
//! followed by [`make_moons`] gives the very points the seed tutorial gets from
//! `np.random.seed(0); sklearn.datasets.make_moons(200, noise=0.20)`.
//!
//! What is here:
//!
//! - generators: [`make_moons`], [`make_circles`], [`make_blobs`] (scikit-learn's, step for
//!   step), [`make_spirals`] and [`make_xor`];
//! - [`stratified_split`]: a seeded train/test split that keeps every class's share;
//! - CSV: [`write_csv`] writes numbers that read back to the same bits; [`read_csv`] /
//!   [`parse_csv`] read labelled data and [`read_points`] / [`parse_points`] unlabelled
//!   [`Points`], refusing malformed or oversized input with a [`DatasetError`] that names
//!   the file, line and column;
//! - [`linspace()`]: numpy's `linspace`, the same bits.
//!
//! ```
//! use moons_datasets::{make_moons, parse_csv, stratified_split, write_csv, RandomState};
//!
//! // np.random.seed(0); X, y = make_moons(200, noise=0.20)
//! let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
//! assert_eq!(data.class_counts(), vec![100, 100]);
//! assert_eq!(data.features.row(0).to_vec(), vec![0.7434611761955393, 0.46465632837724596]);
//!
//! // A quarter of each class held out.
//! let (train, test) = stratified_split(&data, 0.25, &mut RandomState::new(1))?;
//! assert_eq!((train.n_samples(), test.n_samples()), (150, 50));
//!
//! // CSV round trip, bit for bit.
//! let mut csv = Vec::new();
//! write_csv(&data, &mut csv).expect("writing to a Vec cannot fail");
//! assert_eq!(parse_csv("moons.csv", &csv)?, data);
//! # Ok::<(), moons_datasets::DatasetError>(())
//! ```
#![warn(missing_docs)]

pub mod atomic;
mod blobs;
mod circles;
mod csv;
mod dataset;
mod error;
mod linspace;
mod moons;
mod random_state;
mod spirals;
mod split;
pub mod table;
mod xor;

pub use atomic::AtomicFile;
pub use blobs::{make_blobs, CENTER_BOX, MAX_CLASSES};
pub use circles::make_circles;
pub use csv::{
    parse_csv, parse_points, read_csv, read_file_bytes, read_points, write_csv, Points,
    MAX_CSV_BYTES, MAX_FEATURES,
};
pub use dataset::Dataset;
pub use error::DatasetError;
pub use linspace::linspace;
pub use moons::make_moons;
pub use random_state::RandomState;
pub use spirals::make_spirals;
pub use split::stratified_split;
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
