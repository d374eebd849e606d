//! Buffers for one batch, owned by the caller so that a training step never allocates.

use moons_linalg::{select, Mode, NetworkShape, Plan};
use ndarray::{s, Array2, ArrayView2, ArrayViewMut2};

use super::{Layer, Mlp};

/// Every intermediate array of a forward and backward pass, sized for up to `capacity` rows.
///
/// Smaller batches use the leading rows, so one workspace serves all minibatches of a run.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub(super) rows: usize,
    /// Hidden-layer outputs `a_l`, one per hidden layer.
    pub(super) hidden: Vec<Array2<f64>>,
    /// Output-layer logits `z_L`.
    pub(super) logits: Array2<f64>,
    /// Softmax of the logits.
    pub(super) probs: Array2<f64>,
    /// `dL/dz_l` for every layer (summed over the batch, as the seed's backprop).
    pub(super) deltas: Vec<Array2<f64>>,
    /// Per-row cross-entropy terms, summed pairwise as numpy does.
    pub(super) loss_terms: Vec<f64>,
    /// The model's shape, as the kernel choice sees it.
    shape: NetworkShape,
    /// The kernels the model runs with these buffers, chosen once by `moons_linalg::select`
    /// (and again when the mode changes).
    pub(super) plan: Plan,
}

/// The most `f64` values a workspace may hold (2 GiB): a request past it is refused before
/// anything is allocated, instead of aborting the process on a failed allocation.
pub const MAX_WORKSPACE_VALUES: usize = 1 << 28;

impl Workspace {
    /// How many `f64` values a workspace for `model` and `capacity` rows holds (saturating).
    pub fn values_needed(model: &Mlp, capacity: usize) -> usize {
        let per_row = model
            .layers
            .iter()
            .map(|l| 2 * l.outputs())
            .fold(1usize, usize::saturating_add)
            .saturating_add(2 * model.layers[model.layers.len() - 1].outputs());
        per_row.saturating_mul(capacity)
    }

    /// Checks that a workspace for `model` and `capacity` rows stays within
    /// [`MAX_WORKSPACE_VALUES`], naming the sizes when it does not.
    pub fn check_size(model: &Mlp, capacity: usize) -> Result<(), crate::ModelError> {
        let needed = Self::values_needed(model, capacity);
        if needed <= MAX_WORKSPACE_VALUES {
            return Ok(());
        }
        Err(crate::ModelError::InvalidParameter {
            name: "samples",
            value: capacity.to_string(),
            allowed: format!(
                "at most {MAX_WORKSPACE_VALUES} intermediate values with hidden widths {:?} \
                 ({needed} needed): use fewer samples, narrower layers or minibatches (--batch-size)",
                model.hidden_sizes()
            ),
        })
    }

    /// Buffers for `model` and batches of up to `capacity` rows.
    pub fn new(model: &Mlp, capacity: usize) -> Self {
        let hidden = model.layers[..model.layers.len() - 1]
            .iter()
            .map(|l| Array2::zeros((capacity, l.outputs())))
            .collect();
        let deltas = model
            .layers
            .iter()
            .map(|l| Array2::zeros((capacity, l.outputs())))
            .collect();
        let classes = model.layers[model.layers.len() - 1].outputs();
        let shape = model.network_shape();
        Self {
            rows: capacity,
            hidden,
            logits: Array2::zeros((capacity, classes)),
            probs: Array2::zeros((capacity, classes)),
            deltas,
            loss_terms: vec![0.0; capacity],
            shape,
            plan: select(shape, Mode::Exact),
        }
    }

    /// Switches the fast mode on or off. In fast mode the forward pass uses the vectorised
    /// approximations of `moons_linalg::fast` for `tanh` and `exp` (`tanh` in single precision:
    /// absolute error below `moons_linalg::fast::TANH_MAX_ABS_ERROR`, 2e-7, per activation):
    /// faster, most for small networks, no longer numpy's bits. Off by default.
    pub fn set_fast(&mut self, fast: bool) {
        let mode = if fast { Mode::Fast } else { Mode::Exact };
        self.plan = select(self.shape, mode);
    }

    /// Whether the fast mode is on.
    pub fn is_fast(&self) -> bool {
        self.plan.mode == Mode::Fast
    }

    /// The kernels the model this workspace was made for runs with it (see
    /// `moons_linalg::select`).
    pub fn plan(&self) -> Plan {
        self.plan
    }

    /// The largest batch this workspace holds.
    pub fn capacity(&self) -> usize {
        self.rows
    }

    /// The class probabilities of the last forward pass (all `capacity` rows; the leading
    /// rows belong to the last batch).
    pub fn probs(&self) -> ArrayView2<'_, f64> {
        self.probs.view()
    }

    /// The probabilities of the first `rows` rows.
    pub fn probs_rows(&self, rows: usize) -> ArrayView2<'_, f64> {
        self.probs.slice(s![..rows, ..])
    }

    /// The output of hidden layer `l` for the first `rows` rows.
    pub fn hidden_rows(&self, l: usize, rows: usize) -> ArrayView2<'_, f64> {
        self.hidden[l].slice(s![..rows, ..])
    }
}

/// The gradient of the loss with respect to every layer's weights and bias.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    /// Same shapes as the model's layers.
    pub layers: Vec<Layer>,
}

impl Gradients {
    /// Zero gradients shaped like `model`.
    pub fn zeros_like(model: &Mlp) -> Self {
        Self {
            layers: model
                .layers
                .iter()
                .map(|l| Layer::zeros(l.inputs(), l.outputs()))
                .collect(),
        }
    }

    /// Multiplies every gradient by `factor` (turns the seed's sums into batch means).
    pub fn scale(&mut self, factor: f64) {
        for l in &mut self.layers {
            l.weights.mapv_inplace(|g| g * factor);
            l.bias.mapv_inplace(|g| g * factor);
        }
    }

    /// True when every entry is finite.
    pub fn is_finite(&self) -> bool {
        // (Over slices where the arrays are contiguous, as a fresh `Gradients` always is: the
        // general iterators cost more than the check itself for a small network.)
        let finite = |a: &[f64]| a.iter().all(|g| g.is_finite());
        self.layers
            .iter()
            .all(|l| match (l.weights.as_slice(), l.bias.as_slice()) {
                (Some(w), Some(b)) => finite(w) && finite(b),
                _ => l.weights.iter().chain(l.bias.iter()).all(|g| g.is_finite()),
            })
    }

    /// Every gradient entry in layer order (weights row-major, then bias), for checks.
    pub fn flat(&self) -> Vec<f64> {
        self.layers
            .iter()
            .flat_map(|l| l.weights.iter().chain(l.bias.iter()).copied())
            .collect()
    }
}

/// The first `rows` rows of `a`.
pub(super) fn rows_mut(a: &mut Array2<f64>, rows: usize) -> ArrayViewMut2<'_, f64> {
    // The whole array (every training pass) without ndarray's general slicing, which costs
    // ~20 ns a call: a few percent of the seed's fast-mode pass, which takes five of them.
    if rows == a.nrows() {
        a.view_mut()
    } else {
        a.slice_mut(s![..rows, ..])
    }
}

/// The first `rows` rows of `a`, read-only: see [`rows_mut`].
pub(super) fn rows(a: &Array2<f64>, rows: usize) -> ArrayView2<'_, f64> {
    if rows == a.nrows() {
        a.view()
    } else {
        a.slice(s![..rows, ..])
    }
}
