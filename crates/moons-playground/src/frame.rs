//! What the page draws: the probability map over a grid, every hidden unit's map, the
//! weights and the confusion matrices, packed into one JSON frame (docs/playground.md).
//!
//! The pictures are pictures: the map is computed with the fast `tanh`/`exp` approximations
//! (`Workspace::set_fast`), so that a frame of a 6 x 8 network costs under 2 ms. Every
//! number the page prints (losses, accuracies, the confusion matrices) is exact.

use base64::Engine;
use moons_datasets::Dataset;
use moons_linalg::argmax_rows_into;
use moons_models::{Mlp, Scaler, Workspace};
use ndarray::{s, Array1, Array2};
use serde_json::{json, Value};

/// Cells of the map on each side.
pub const MAP_CELLS: usize = 100;
/// The most edges for which a frame carries the weights.
pub const MAX_DRAWN_EDGES: usize = 4096;
/// Values a frame's workspace may hold; wide networks go through the grid in smaller chunks.
const WORKSPACE_VALUES: usize = 200_000;
/// The grid and buffers of a session's frames; built once per data set.
#[derive(Clone, Debug)]
pub struct FrameBuilder {
    bounds: [f64; 4],
    /// The grid as the network sees it (scaled like the training rows), row by row from the
    /// top.
    grid: Array2<f64>,
    /// Grid rows per band; a band is one forward pass.
    band_rows: usize,
    ws: Workspace,
    argmax: Vec<u8>,
    confidence: Vec<u8>,
    units_side: usize,
    /// Every hidden unit's output at the unit maps' cells, unit after unit.
    units: Vec<f64>,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The box around the points, padded by half a unit as the seed's plots are.
pub fn bounds_of(data: &Dataset) -> [f64; 4] {
    let (mut b, x) = ([f64::MAX, f64::MIN, f64::MAX, f64::MIN], data.x());
    for row in x.rows() {
        b[0] = b[0].min(row[0]);
        b[1] = b[1].max(row[0]);
        b[2] = b[2].min(row[1]);
        b[3] = b[3].max(row[1]);
    }
    if data.n_samples() == 0 || !b.iter().all(|v| v.is_finite()) {
        return [-1.5, 1.5, -1.5, 1.5];
    }
    [b[0] - 0.5, b[1] + 0.5, b[2] - 0.5, b[3] + 0.5]
}

impl FrameBuilder {
    /// A builder for `model`'s shape over the box around `raw` (the points in their own
    /// coordinates); `None` when the points do not have two features.
    pub fn new(model: &Mlp, raw: &Dataset, scaler: &Scaler) -> Option<Self> {
        if raw.n_features() != 2 {
            return None;
        }
        let bounds = bounds_of(raw);
        let n = MAP_CELLS;
        let mut grid = Array2::zeros((n * n, 2));
        for r in 0..n {
            let y = bounds[3] - (r as f64 + 0.5) * (bounds[3] - bounds[2]) / n as f64;
            for c in 0..n {
                let x = bounds[0] + (c as f64 + 0.5) * (bounds[1] - bounds[0]) / n as f64;
                grid[[r * n + c, 0]] = x;
                grid[[r * n + c, 1]] = y;
            }
        }
        if !matches!(scaler, Scaler::None) {
            grid = scaler.transform(grid.view());
        }
        let hidden: usize = model.hidden_sizes().iter().sum();
        let units_side = match hidden {
            0..=64 => 50,
            65..=256 => 25,
            _ => 10,
        };
        // Bands of whole grid rows, a multiple of the unit maps' sampling step, so that each
        // band fills whole rows of every unit map.
        let step = n / units_side;
        let per_row: usize = model.layers.iter().map(|l| l.outputs() * 2).sum::<usize>() + 4;
        let band_rows = ((WORKSPACE_VALUES / per_row / n / step).max(1) * step).min(n);
        let mut ws = Workspace::new(model, band_rows * n);
        ws.set_fast(true);
        Some(Self {
            bounds,
            grid,
            band_rows,
            ws,
            argmax: vec![0; n * n],
            confidence: vec![0; n * n],
            units_side,
            units: vec![0.0; units_side * units_side * hidden],
        })
    }

    /// The map and the unit maps of `model`, as the frame's `map` and `units` values.
    ///
    /// One band at a time on the calling thread: on two cores, splitting a frame's ~1 ms of
    /// work across threads measured no faster than the wake-up it costs.
    pub fn maps(&mut self, model: &Mlp) -> (Value, Value) {
        let n = MAP_CELLS;
        let cells = self.band_rows * n;
        let hidden = model.hidden_sizes();
        for start in (0..n * n).step_by(cells) {
            self.band(model, start, cells.min(n * n - start), &hidden);
        }
        self.encode(model)
    }

    /// The map's `rows` cells from `start` on, and the unit maps' cells among them.
    fn band(&mut self, model: &Mlp, start: usize, rows: usize, hidden: &[usize]) {
        let n = MAP_CELLS;
        let ws = &mut self.ws;
        model.forward(self.grid.slice(s![start..start + rows, ..]), ws);
        let probs = ws.probs_rows(rows);
        let classes = probs.ncols().max(1);
        let probs = probs.as_slice().expect("a workspace's rows are contiguous");
        let cells = self.argmax[start..start + rows]
            .iter_mut()
            .zip(&mut self.confidence[start..start + rows]);
        for ((argmax, confidence), p) in cells.zip(probs.chunks_exact(classes)) {
            let (mut best, mut top) = (0, f64::MIN);
            for (k, &v) in p.iter().enumerate() {
                if v > top {
                    (best, top) = (k, v);
                }
            }
            *argmax = best.min(255) as u8;
            *confidence = to_byte(top);
        }
        // Unit maps sample every `step`-th cell of every `step`-th grid row; the units are
        // stored unit after unit, so that each map is one contiguous run.
        let side = self.units_side;
        let step = n / side;
        let first_cell = start / n / step * side;
        let mut unit_maps = self.units.chunks_exact_mut(side * side);
        for (l, &width) in hidden.iter().enumerate() {
            let a = ws.hidden_rows(l, rows);
            let a = a.as_slice().expect("a workspace's rows are contiguous");
            let mut layer_maps: Vec<&mut [f64]> = unit_maps.by_ref().take(width).collect();
            for (ur, r) in (0..rows / n).step_by(step).enumerate() {
                for uc in 0..side {
                    let (cell, i) = (first_cell + ur * side + uc, r * n + uc * step);
                    for (map, &v) in layer_maps.iter_mut().zip(&a[i * width..(i + 1) * width]) {
                        map[cell] = v;
                    }
                }
            }
        }
    }

    fn encode(&self, model: &Mlp) -> (Value, Value) {
        let n = MAP_CELLS;
        let hidden = model.hidden_sizes();
        let map = json!({
            "width": n, "height": n, "bounds": self.bounds,
            "classes": model.layers.last().map_or(2, |l| l.outputs()),
            "argmax": b64(&self.argmax), "confidence": b64(&self.confidence),
        });
        let side = self.units_side;
        let mut maps = self.units.chunks_exact(side * side).map(unit_map);
        let layers: Vec<Value> = hidden
            .iter()
            .map(|&width| Value::Array(maps.by_ref().take(width).collect()))
            .collect();
        let units = json!({"width": self.units_side, "height": self.units_side, "layers": layers});
        (map, units)
    }

    /// The box the map covers, `[x0, x1, y0, y1]`.
    pub fn bounds(&self) -> [f64; 4] {
        self.bounds
    }
}

/// `v` in `[0, 1]` as a byte, rounded to nearest (NaN as 0). This runs for every cell of every
/// map, so it is written to vectorise: comparisons instead of `f64::clamp`, and adding
/// 1.5 * 2^52 leaves the rounded integer in the low bits, instead of `f64::round` (a library
/// call on plain x86-64) and a saturating cast.
fn to_byte(v: f64) -> u8 {
    const ROUND_SHIFT: f64 = 6_755_399_441_055_744.0;
    let v = if v > 1.0 { 1.0 } else { v };
    let v = if v > 0.0 { v } else { 0.0 };
    (v * 255.0 + ROUND_SHIFT).to_bits() as u8
}

/// A unit's map, scaled from its lowest to its highest value.
fn unit_map(cells: &[f64]) -> Value {
    // Eight running extremes, so that the comparisons overlap instead of waiting on each
    // other; comparisons (not `f64::min`) skip NaN and vectorise.
    let (mut lo, mut hi) = ([f64::MAX; 8], [f64::MIN; 8]);
    let mut chunks = cells.chunks_exact(8);
    for chunk in &mut chunks {
        for ((lo, hi), &v) in lo.iter_mut().zip(hi.iter_mut()).zip(chunk) {
            *lo = if v < *lo { v } else { *lo };
            *hi = if v > *hi { v } else { *hi };
        }
    }
    for &v in chunks.remainder() {
        lo[0] = if v < lo[0] { v } else { lo[0] };
        hi[0] = if v > hi[0] { v } else { hi[0] };
    }
    let lo = lo.iter().fold(f64::MAX, |a, &b| if b < a { b } else { a });
    let hi = hi.iter().fold(f64::MIN, |a, &b| if b > a { b } else { a });
    let scale = if hi > lo { 1.0 / (hi - lo) } else { 1.0 };
    let bytes: Vec<u8> = cells.iter().map(|&v| to_byte((v - lo) * scale)).collect();
    json!({"min": lo, "max": hi, "values": b64(&bytes)})
}

/// `weights[l][i][j]`, or null for networks too big to draw.
pub fn weights(model: &Mlp) -> Value {
    let edges: usize = model.layers.iter().map(|l| l.inputs() * l.outputs()).sum();
    if edges > MAX_DRAWN_EDGES {
        return Value::Null;
    }
    Value::Array(
        model
            .layers
            .iter()
            .map(|l| {
                let rows: Vec<Vec<f64>> =
                    l.weights.rows().into_iter().map(|r| r.to_vec()).collect();
                json!(rows)
            })
            .collect(),
    )
}

/// `confusion[true][predicted]`, exact (the predictions `moons predict` makes), with the
/// buffers kept from frame to frame.
#[derive(Clone, Debug)]
pub struct Confusion {
    ws: Workspace,
    predicted: Array1<usize>,
}

impl Confusion {
    /// Buffers for `model`'s shape, in chunks of at most 256 rows and 200 000 values.
    pub fn new(model: &Mlp) -> Self {
        let rows = (WORKSPACE_VALUES / Workspace::values_needed(model, 1).max(1)).clamp(1, 256);
        Self {
            ws: Workspace::new(model, rows),
            predicted: Array1::zeros(rows),
        }
    }

    /// The matrix of `model` on `data`, whose labels are below `classes`.
    pub fn of(&mut self, model: &Mlp, data: &Dataset, classes: usize) -> Vec<Vec<usize>> {
        let mut m = vec![vec![0; classes]; classes];
        let chunk = self.ws.capacity();
        for start in (0..data.n_samples()).step_by(chunk) {
            let end = (start + chunk).min(data.n_samples());
            model.forward(data.x().slice(s![start..end, ..]), &mut self.ws);
            let mut predicted = self.predicted.slice_mut(s![..end - start]);
            argmax_rows_into(self.ws.probs_rows(end - start), predicted.view_mut());
            for (&t, &p) in data
                .labels
                .slice(s![start..end])
                .iter()
                .zip(predicted.iter())
            {
                if t < classes && p < classes {
                    m[t][p] += 1;
                }
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::to_byte;

    #[test]
    fn bytes_round_to_nearest_and_clamp() {
        let cases = [
            (0.0, 0),
            (1.0, 255),
            (0.2, 51),
            (0.499 / 255.0, 0),
            (0.501 / 255.0, 1),
            (254.6 / 255.0, 255),
            (-3.0, 0),
            (7.0, 255),
            (f64::NAN, 0),
            (f64::INFINITY, 255),
            (f64::NEG_INFINITY, 0),
        ];
        for (v, byte) in cases {
            assert_eq!(to_byte(v), byte, "{v}");
        }
    }
}
