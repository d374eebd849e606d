//! Softmax and cross-entropy, exactly as the seed computes them where that is finite.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2};

use rayon::prelude::*;

use crate::dispatch::rows_per_task;
use crate::{fast, libm, pairwise_sum};

/// Logits whose magnitude stays below this are exponentiated as they are; past it `exp`
/// could overflow (above ~709.78) or every term could underflow, so the row maximum is
/// subtracted first. Below the threshold the result is the seed's to the last bit.
pub const SOFTMAX_SHIFT_THRESHOLD: f64 = 700.0;

/// `probs = exp(z) / sum(exp(z), axis=1)` row by row.
///
/// When a row has a logit beyond [`SOFTMAX_SHIFT_THRESHOLD`] in magnitude the row maximum is
/// subtracted first, which changes nothing mathematically and keeps every probability finite.
pub fn softmax_rows_into(logits: ArrayView2<'_, f64>, probs: ArrayViewMut2<'_, f64>) {
    softmax_rows(logits, probs, false);
}

/// [`softmax_rows_into`] with [`fast::exp_approx`](crate::fast::exp_approx) in place of the C
/// library's `exp`: every probability within about `2 * EXP_MAX_REL_ERROR` (relative) of the
/// exact one. For the opt-in fast mode only.
pub fn softmax_rows_approx_into(logits: ArrayView2<'_, f64>, probs: ArrayViewMut2<'_, f64>) {
    softmax_rows(logits, probs, true);
}

fn softmax_rows(logits: ArrayView2<'_, f64>, mut probs: ArrayViewMut2<'_, f64>, approx: bool) {
    assert_eq!(
        logits.dim(),
        probs.dim(),
        "softmax: output has the wrong shape"
    );
    let classes = logits.ncols();
    if let (Some(z), Some(p), true) = (logits.as_slice(), probs.as_slice_mut(), classes > 0) {
        match rows_per_task(z.len() / classes, classes * 24) {
            None => softmax_block(z, p, classes, approx),
            Some(chunk) => p
                .par_chunks_mut(chunk * classes)
                .zip(z.par_chunks(chunk * classes))
                .for_each(|(p, z)| softmax_block(z, p, classes, approx)),
        }
        return;
    }
    let exp = if approx { fast::exp_approx } else { libm::exp };
    for (z, mut p) in logits.rows().into_iter().zip(probs.rows_mut()) {
        let shift = row_shift(z.iter().copied());
        for (pi, &zi) in p.iter_mut().zip(z) {
            *pi = exp(zi - shift);
        }
        let total = match p.as_slice() {
            Some(s) => pairwise_sum(s),
            None => p.iter().fold(0.0, |acc, &x| acc + x),
        };
        p.mapv_inplace(|e| e / total);
    }
}

fn softmax_block(z: &[f64], p: &mut [f64], classes: usize, approx: bool) {
    if z.iter().all(|v| v.abs() <= SOFTMAX_SHIFT_THRESHOLD) {
        // No row needs a shift: exponentiate everything in one vectorised sweep.
        if approx {
            fast::exp_approx_slice(z, p);
        } else {
            p.copy_from_slice(z);
            libm::exp_slice(p);
        }
        if classes == 2 {
            for p_r in p.chunks_exact_mut(2) {
                // pairwise_sum of two values: `0.0 + ((0.0 + e0) + e1)`.
                let total = 0.0 + ((0.0 + p_r[0]) + p_r[1]);
                p_r[0] /= total;
                p_r[1] /= total;
            }
        } else {
            for p_r in p.chunks_exact_mut(classes) {
                let total = pairwise_sum(p_r);
                for e in p_r.iter_mut() {
                    *e /= total;
                }
            }
        }
        return;
    }
    let exp = if approx { fast::exp_approx } else { libm::exp };
    for (z_r, p_r) in z.chunks_exact(classes).zip(p.chunks_exact_mut(classes)) {
        let shift = row_shift(z_r.iter().copied());
        for (pi, &zi) in p_r.iter_mut().zip(z_r) {
            *pi = exp(zi - shift);
        }
        let total = pairwise_sum(p_r);
        for e in p_r.iter_mut() {
            *e /= total;
        }
    }
}

/// Zero when the plain `exp` is safe (the seed's arithmetic); otherwise the row maximum.
pub(crate) fn row_shift(z: impl Iterator<Item = f64>) -> f64 {
    let max = z.fold(f64::NEG_INFINITY, f64::max);
    if max.abs() <= SOFTMAX_SHIFT_THRESHOLD {
        0.0
    } else {
        max
    }
}

/// `sum(-log(probs[n, labels[n]]))` with numpy's pairwise summation; `scratch` holds the
/// per-row terms (length = rows).
///
/// Where a probability has underflowed to zero the term is recomputed from the logits as a
/// stable log-softmax, so the loss stays finite however confident the network is.
pub fn cross_entropy_sum(
    logits: ArrayView2<'_, f64>,
    probs: ArrayView2<'_, f64>,
    labels: ArrayView1<'_, usize>,
    scratch: &mut [f64],
) -> f64 {
    assert_eq!(
        scratch.len(),
        labels.len(),
        "cross-entropy: scratch has the wrong length"
    );
    for (n, term) in scratch.iter_mut().enumerate() {
        let label = labels[n];
        let p = probs[[n, label]];
        *term = if p > 0.0 && p.is_finite() {
            -p.ln()
        } else {
            let z = logits.row(n);
            let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let log_total = z.iter().map(|&zi| (zi - max).exp()).sum::<f64>().ln();
            -(z[label] - max - log_total)
        };
    }
    pairwise_sum(scratch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn small_logits_use_the_plain_formula() {
        let z = array![[0.3, -1.2, 2.0]];
        let mut p = Array2::zeros((1, 3));
        softmax_rows_into(z.view(), p.view_mut());
        let e: Vec<f64> = z.iter().map(|x| x.exp()).collect();
        let total = (e[0] + e[1]) + e[2];
        for j in 0..3 {
            assert_eq!(p[[0, j]], e[j] / total);
        }
    }

    #[test]
    fn huge_logits_stay_finite() {
        let z = array![[1000.0, 0.0], [-1000.0, -1001.0]];
        let mut p = Array2::zeros((2, 2));
        softmax_rows_into(z.view(), p.view_mut());
        assert!(p.iter().all(|x| x.is_finite()));
        assert_eq!(p[[0, 0]], 1.0);
        let mut scratch = [0.0; 2];
        let loss = cross_entropy_sum(z.view(), p.view(), array![1, 0].view(), &mut scratch);
        assert!(loss.is_finite());
        assert!((loss - (1000.0 + (1.0 + (-1.0f64).exp()).ln() - 0.0)).abs() < 1e-9);
    }
}
