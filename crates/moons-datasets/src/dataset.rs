//! The labelled point set every crate passes around.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

use crate::DatasetError;

/// Features (one row per sample) and integer class labels `0..n_classes`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// `n_samples x n_features`.
    pub features: Array2<f64>,
    /// One label per row of `features`.
    pub labels: Array1<usize>,
}

impl Dataset {
    /// Pairs features with labels, checking that they have the same number of rows.
    pub fn new(features: Array2<f64>, labels: Array1<usize>) -> Result<Self, DatasetError> {
        if features.nrows() != labels.len() {
            return Err(DatasetError::LengthMismatch {
                rows: features.nrows(),
                labels: labels.len(),
            });
        }
        Ok(Self { features, labels })
    }

    /// Number of samples (rows).
    pub fn n_samples(&self) -> usize {
        self.features.nrows()
    }

    /// Number of feature columns.
    pub fn n_features(&self) -> usize {
        self.features.ncols()
    }

    /// One more than the largest label (0 for an empty set).
    pub fn n_classes(&self) -> usize {
        self.labels.iter().max().map_or(0, |&m| m + 1)
    }

    /// The feature matrix as a view.
    pub fn x(&self) -> ArrayView2<'_, f64> {
        self.features.view()
    }

    /// The labels as a view.
    pub fn y(&self) -> ArrayView1<'_, usize> {
        self.labels.view()
    }

    /// The rows at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Self {
        Self {
            features: self.features.select(Axis(0), indices),
            labels: self.labels.select(Axis(0), indices),
        }
    }

    /// How many samples carry each label `0..n_classes`.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_classes()];
        for &label in &self.labels {
            counts[label] += 1;
        }
        counts
    }
}
