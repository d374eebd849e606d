//! Helpers shared by the kernels' unit tests.

use ndarray::Array2;

/// A reproducible matrix with entries in `[-scale, scale)` (a 64-bit LCG; no rand needed).
pub fn pseudo_random(rows: usize, cols: usize, seed: u64, scale: f64) -> Array2<f64> {
    let mut s = seed;
    Array2::from_shape_fn((rows, cols), |_| {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2.0 * scale
    })
}

/// True when both sequences hold the same bits (so -0.0 differs from 0.0 and NaNs compare).
pub fn same_bits<'a>(
    a: impl IntoIterator<Item = &'a f64>,
    b: impl IntoIterator<Item = &'a f64>,
) -> bool {
    a.into_iter()
        .zip(b)
        .all(|(x, y)| x.to_bits() == y.to_bits())
}

/// `len` reproducible values in `[-scale, scale)`, continuing the LCG stream in `seed`.
pub fn draw(seed: &mut u64, len: usize, scale: f64) -> Vec<f64> {
    (0..len)
        .map(|_| {
            *seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((*seed >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * scale
        })
        .collect()
}

/// A one-hidden-layer network's parameters drawn from the LCG stream in `seed`, in the order
/// `W1` (`D x H`, `[-scale, scale)`), `b1` (`[-1, 1)`), `W2` (`H x C`, `[-scale, scale)`), `b2`
/// (`[-1, 1)`).
pub struct DrawnParams {
    w1: Vec<f64>,
    b1: Vec<f64>,
    w2: Vec<f64>,
    b2: Vec<f64>,
}

impl DrawnParams {
    pub fn draw(seed: &mut u64, (d, h, c): (usize, usize, usize), scale: f64) -> Self {
        let w1 = draw(seed, d * h, scale);
        let b1 = draw(seed, h, 1.0);
        let w2 = draw(seed, h * c, scale);
        let b2 = draw(seed, c, 1.0);
        Self { w1, b1, w2, b2 }
    }

    /// The parameters as the kernels take them.
    pub fn params(&self) -> crate::one_hidden::Params<'_> {
        crate::one_hidden::Params {
            w1: &self.w1,
            b1: &self.b1,
            w2: &self.w2,
            b2: &self.b2,
        }
    }
}
