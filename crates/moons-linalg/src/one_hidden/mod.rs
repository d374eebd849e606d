//! Networks with one tanh hidden layer (`D → H → C`, `D ≤ 4`, `H ≤ 64`, `2 ≤ C ≤ 4`): the
//! types every one-hidden-layer kernel shares, and the kernels.
//!
//! - [`exact`]: the whole forward pass and the whole backward pass as one sweep each, with
//!   the layered kernels' bits (numpy's);
//! - [`fast`]: the fast mode's passes, vectorised in whichever direction suits the width;
//! - [`lanes`]: its rows-in-lanes kernels for up to 6 units, written once on the lane types,
//!   and [`lane_sums`], where their gradient sums sit and the fixed tree that adds them;
//! - [`fast_two_class`]: the fast mode's training step for two classes and up to 6 units,
//!   both passes in one single-precision sweep.
//!
//! Which of them a network runs is [`crate::select`]'s choice.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rayon::prelude::*;

use crate::plan::THRESHOLDS;

pub(crate) mod exact;
pub(crate) mod fast;
pub(crate) mod fast_two_class;
pub(crate) mod lane_sums;
pub(crate) mod lanes;

/// The most inputs the one-hidden-layer kernels take ([`THRESHOLDS`]).
pub const ONE_HIDDEN_MAX_INPUTS: usize = THRESHOLDS.max_inputs;
/// The most hidden units they take ([`THRESHOLDS`]).
pub const ONE_HIDDEN_MAX_HIDDEN: usize = THRESHOLDS.max_hidden;
/// The most classes they take ([`THRESHOLDS`]).
pub const ONE_HIDDEN_MAX_CLASSES: usize = THRESHOLDS.max_classes;

/// The parameters of a network `D → H (tanh) → C (softmax)`.
#[derive(Clone, Copy, Debug)]
pub struct OneHiddenParams<'a> {
    /// `D x H` input-to-hidden weights.
    pub w1: ArrayView2<'a, f64>,
    /// `H` hidden biases.
    pub b1: ArrayView1<'a, f64>,
    /// `H x C` hidden-to-output weights.
    pub w2: ArrayView2<'a, f64>,
    /// `C` output biases.
    pub b2: ArrayView1<'a, f64>,
}

/// Where a one-hidden-layer gradient kernel writes: `dW1` (`D x H`), `db1` (`H`), `dW2`
/// (`H x C`), `db2` (`C`).
#[derive(Debug)]
pub struct GradOut<'a> {
    /// `dW1 = Xᵀ δ2`.
    pub dw1: ArrayViewMut2<'a, f64>,
    /// `db1 = Σ_n δ2`.
    pub db1: ArrayViewMut1<'a, f64>,
    /// `dW2 = hiddenᵀ δ3`.
    pub dw2: ArrayViewMut2<'a, f64>,
    /// `db2 = Σ_n δ3`.
    pub db2: ArrayViewMut1<'a, f64>,
}

impl GradOut<'_> {
    /// The same outputs, borrowed again (to try one kernel, then another).
    pub fn reborrow(&mut self) -> GradOut<'_> {
        GradOut {
            dw1: self.dw1.view_mut(),
            db1: self.db1.view_mut(),
            dw2: self.dw2.view_mut(),
            db2: self.db2.view_mut(),
        }
    }
}

/// Where a one-hidden-layer forward kernel writes: `hidden` (`N x H`), `logits` and `probs`
/// (`N x C`), all row-major.
#[derive(Debug)]
pub struct ForwardOut<'a> {
    /// `hidden = tanh(x W1 + b1)`.
    pub hidden: ArrayViewMut2<'a, f64>,
    /// `logits = hidden W2 + b2`.
    pub logits: ArrayViewMut2<'a, f64>,
    /// `probs = softmax(logits)`.
    pub probs: ArrayViewMut2<'a, f64>,
}

/// The parameters as slices (row-major), for the row kernels (exact and fast).
#[derive(Clone, Copy)]
pub(crate) struct Params<'a> {
    pub(crate) w1: &'a [f64],
    pub(crate) b1: &'a [f64],
    pub(crate) w2: &'a [f64],
    pub(crate) b2: &'a [f64],
}

impl<'a> Params<'a> {
    /// `None` unless every parameter is contiguous and row-major.
    pub(crate) fn of(net: &OneHiddenParams<'a>) -> Option<Self> {
        Some(Self {
            w1: net.w1.to_slice()?,
            b1: net.b1.to_slice()?,
            w2: net.w2.to_slice()?,
            b2: net.b2.to_slice()?,
        })
    }
}

/// The inputs and outputs of a forward kernel as slices, once the outputs' shapes are checked
/// against the batch and the network's `(H, C)`.
pub(crate) struct ForwardSlices<'a> {
    x: &'a [f64],
    hidden: &'a mut [f64],
    logits: &'a mut [f64],
    probs: &'a mut [f64],
}

impl<'a> ForwardSlices<'a> {
    /// `None` unless `hidden`, `logits` and `probs` are `N x H`, `N x C`, `N x C` for the `N`
    /// rows of `x`, and every buffer is contiguous and row-major.
    pub(crate) fn of(
        x: &'a ArrayView2<'_, f64>,
        (h, c): (usize, usize),
        out: &'a mut ForwardOut<'_>,
    ) -> Option<Self> {
        let ForwardOut {
            hidden,
            logits,
            probs,
        } = out;
        let n = x.nrows();
        if hidden.dim() != (n, h) || logits.dim() != (n, c) || probs.dim() != (n, c) {
            return None;
        }
        Some(Self {
            x: x.as_slice()?,
            hidden: hidden.as_slice_mut()?,
            logits: logits.as_slice_mut()?,
            probs: probs.as_slice_mut()?,
        })
    }

    /// Calls `rows(x, hidden, logits, probs)` on every row at once, or with `Some(chunk)` on
    /// tasks of `chunk` rows under rayon. Which rows a task gets never changes a result: each
    /// output row depends on its own input row alone.
    pub(crate) fn run(
        self,
        (d, h, c): (usize, usize, usize),
        split: Option<usize>,
        rows: impl Fn(&[f64], &mut [f64], &mut [f64], &mut [f64]) + Sync,
    ) {
        let Self {
            x,
            hidden,
            logits,
            probs,
        } = self;
        match split {
            None => rows(x, hidden, logits, probs),
            Some(chunk) => hidden
                .par_chunks_mut(chunk * h)
                .zip(logits.par_chunks_mut(chunk * c))
                .zip(probs.par_chunks_mut(chunk * c))
                .zip(x.par_chunks(chunk * d))
                .for_each(|(((hs, zs), ps), xs)| rows(xs, hs, zs, ps)),
        }
    }
}

/// The inputs and outputs of a gradient kernel as slices, once their shapes are checked
/// against the batch and the network's `(D, H, C)`.
pub(crate) struct GradientSlices<'a> {
    pub(crate) x: &'a [f64],
    pub(crate) labels: &'a [usize],
    pub(crate) hidden: &'a [f64],
    pub(crate) probs: &'a [f64],
    pub(crate) dw1: &'a mut [f64],
    pub(crate) db1: &'a mut [f64],
    pub(crate) dw2: &'a mut [f64],
    pub(crate) db2: &'a mut [f64],
}

impl<'v> GradientSlices<'v> {
    /// `None` if a shape does not match or a buffer is not contiguous and row-major.
    pub(crate) fn of(
        (d, h, c): (usize, usize, usize),
        x: &'v ArrayView2<'_, f64>,
        labels: &'v ArrayView1<'_, usize>,
        hidden: &'v ArrayView2<'_, f64>,
        probs: &'v ArrayView2<'_, f64>,
        out: &'v mut GradOut<'_>,
    ) -> Option<Self> {
        let GradOut { dw1, db1, dw2, db2 } = out;
        let n = x.nrows();
        let shapes_ok = labels.len() == n
            && hidden.dim() == (n, h)
            && probs.dim() == (n, c)
            && dw1.dim() == (d, h)
            && db1.len() == h
            && dw2.dim() == (h, c)
            && db2.len() == c;
        if !shapes_ok {
            return None;
        }
        Some(Self {
            x: x.as_slice()?,
            labels: labels.as_slice()?,
            hidden: hidden.as_slice()?,
            probs: probs.as_slice()?,
            dw1: dw1.as_slice_mut()?,
            db1: db1.as_slice_mut()?,
            dw2: dw2.as_slice_mut()?,
            db2: db2.as_slice_mut()?,
        })
    }
}
