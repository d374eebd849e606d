//! The fast mode's gradient sums in lanes, for up to [`LANES_MAX_HIDDEN`] units: where each
//! sum sits ([`LaneSums`]), the rows a kernel reads ([`Batch`]), how four lanes add up
//! ([`lane_total`]), and the fixed tree over blocks of rows that makes the sums' bits
//! independent of the thread count ([`lane_sums_tree`]). Shared by the rows-in-lanes
//! gradients (`lanes.rs`) and the two-class step (`fast_two_class.rs`).

use crate::one_hidden::{ONE_HIDDEN_MAX_CLASSES, ONE_HIDDEN_MAX_INPUTS};
use crate::plan::THRESHOLDS;

/// The widest hidden layer run with rows in lanes ([`THRESHOLDS`]).
pub(crate) const LANES_MAX_HIDDEN: usize = THRESHOLDS.lanes_max_hidden;

/// The sum of four lanes in a fixed order.
#[inline(always)]
pub(crate) fn lane_total(v: [f64; 4]) -> f64 {
    (v[0] + v[2]) + (v[1] + v[3])
}

/// Rows per leaf of the rows-in-lanes gradient sums (a multiple of 4): a batch of more rows
/// is halved, at a leaf boundary, until the parts fit, and the parts' sums added back up the
/// same tree. The tree depends on `N` alone, so running its halves on two threads or one gives
/// the same bits; a leaf holds ~10 to 50 us of work, enough to amortise a hand-off.
const GRADIENT_LEAF_ROWS: usize = 1 << 13;

/// The gradient sums of a network of at most [`LANES_MAX_HIDDEN`] units, at fixed places
/// (zero where the shape has no value): `dW1[i, j]` at `W1_AT + i * LANES_MAX_HIDDEN + j`,
/// `db1[j]` at `B1_AT + j`, `dW2[j, k]` at `W2_AT + j * ONE_HIDDEN_MAX_CLASSES + k`, `db2[k]`
/// at `B2_AT + k`.
pub(crate) type LaneSums = [f64; B2_AT + ONE_HIDDEN_MAX_CLASSES];
pub(crate) const W1_AT: usize = 0;
pub(crate) const B1_AT: usize = W1_AT + ONE_HIDDEN_MAX_INPUTS * LANES_MAX_HIDDEN;
pub(crate) const W2_AT: usize = B1_AT + LANES_MAX_HIDDEN;
pub(crate) const B2_AT: usize = W2_AT + LANES_MAX_HIDDEN * ONE_HIDDEN_MAX_CLASSES;

/// The rows of a gradient call: inputs, labels, hidden outputs, probabilities (row-major).
#[derive(Clone, Copy)]
pub(crate) struct Batch<'a> {
    pub(crate) x: &'a [f64],
    pub(crate) labels: &'a [usize],
    pub(crate) hidden: &'a [f64],
    pub(crate) probs: &'a [f64],
}

impl<'a> Batch<'a> {
    /// The first `rows` rows and the rest.
    fn split_at(self, rows: usize, (d, h, c): (usize, usize, usize)) -> (Self, Self) {
        let (x0, x1) = self.x.split_at(rows * d);
        let (y0, y1) = self.labels.split_at(rows);
        let (h0, h1) = self.hidden.split_at(rows * h);
        let (p0, p1) = self.probs.split_at(rows * c);
        (
            Self {
                x: x0,
                labels: y0,
                hidden: h0,
                probs: p0,
            },
            Self {
                x: x1,
                labels: y1,
                hidden: h1,
                probs: p1,
            },
        )
    }
}

/// The gradient sums of `batch` by a fixed tree over its rows: [`GRADIENT_LEAF_ROWS`] rows or
/// fewer are one `leaf`; more are split after the first half of their leaves (rounded down),
/// and the two halves' sums added, left + right. With `parallel` the halves run under
/// `rayon::join`, which changes no bit.
pub(crate) fn lane_sums_tree<F>(
    batch: Batch<'_>,
    dims: (usize, usize, usize),
    parallel: bool,
    leaf: &F,
) -> LaneSums
where
    F: Fn(Batch<'_>) -> LaneSums + Sync,
{
    let n = batch.labels.len();
    if n <= GRADIENT_LEAF_ROWS {
        return leaf(batch);
    }
    let (left, right) = batch.split_at(
        n.div_ceil(GRADIENT_LEAF_ROWS) / 2 * GRADIENT_LEAF_ROWS,
        dims,
    );
    let (a, b) = if parallel {
        rayon::join(
            || lane_sums_tree(left, dims, parallel, leaf),
            || lane_sums_tree(right, dims, parallel, leaf),
        )
    } else {
        (
            lane_sums_tree(left, dims, parallel, leaf),
            lane_sums_tree(right, dims, parallel, leaf),
        )
    };
    std::array::from_fn(|i| a[i] + b[i])
}

/// Panics unless every label is one of the `C` classes. The labels' bitwise OR first (one
/// vector operation per four labels): below `C`, every label is; otherwise (a bad label, or
/// `C = 3` with labels 1 and 2 both present) each label is compared.
#[inline(always)]
pub(crate) fn check_labels<const C: usize>(labels: &[usize]) {
    let any_bits = labels.iter().fold(0usize, |m, &y| m | y);
    if any_bits >= C {
        let bad = labels.iter().fold(false, |bad, &y| bad | (y >= C));
        assert!(!bad, "a label is not one of the {C} classes");
    }
}

/// The rows from `full` on (fewer than 4), padded to a block of four with rows whose `δ3` is
/// exactly zero: `x = 0`, `a = 0`, label 0 and `p = onehot(0)`.
#[allow(clippy::type_complexity)]
#[inline(always)]
pub(crate) fn padded_block(
    Batch {
        x,
        labels,
        hidden,
        probs,
    }: Batch<'_>,
    full: usize,
    (d, h, c): (usize, usize, usize),
) -> (
    [f64; 4 * ONE_HIDDEN_MAX_INPUTS],
    [usize; 4],
    [f64; 4 * LANES_MAX_HIDDEN],
    [f64; 4 * ONE_HIDDEN_MAX_CLASSES],
) {
    let rows = labels.len() - full;
    let mut x_t = [0.0f64; 4 * ONE_HIDDEN_MAX_INPUTS];
    let mut y_t = [0usize; 4];
    let mut h_t = [0.0f64; 4 * LANES_MAX_HIDDEN];
    let mut p_t = [0.0f64; 4 * ONE_HIDDEN_MAX_CLASSES];
    x_t[..rows * d].copy_from_slice(&x[full * d..]);
    y_t[..rows].copy_from_slice(&labels[full..]);
    h_t[..rows * h].copy_from_slice(&hidden[full * h..]);
    p_t[..rows * c].copy_from_slice(&probs[full * c..]);
    for r in rows..4 {
        p_t[r * c] = 1.0;
    }
    (x_t, y_t, h_t, p_t)
}

/// Copies [`LaneSums`] to the gradients' row-major slices `[dW1, db1, dW2, db2]`.
// Inlined so that a caller's known shape (C = 2 in the two-class step) makes the copies
// straight-line: called out of line it cost ~300 instructions of the seed's ~13,000 a pass.
#[inline(always)]
pub(crate) fn unpack_lane_sums(
    sums: &LaneSums,
    (d, h, c): (usize, usize, usize),
    [g1, s1, g2, s2]: [&mut [f64]; 4],
) {
    for j in 0..h {
        for i in 0..d {
            g1[i * h + j] = sums[W1_AT + i * LANES_MAX_HIDDEN + j];
        }
        s1[j] = sums[B1_AT + j];
        for k in 0..c {
            g2[j * c + k] = sums[W2_AT + j * ONE_HIDDEN_MAX_CLASSES + k];
        }
    }
    s2.copy_from_slice(&sums[B2_AT..B2_AT + c]);
}
