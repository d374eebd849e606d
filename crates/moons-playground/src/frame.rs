//! What the page draws: the probability map over a grid, every hidden unit's map, the
//! weights and the confusion matrices, packed into one JSON frame (docs/playground.md).
//!
//! The pictures are pictures: the map is computed with the fast `tanh`/`exp` approximations
//! (`Workspace::set_fast`), so that a frame of a 6 x 8 network costs well under 2 ms. Every
//! number the page prints (losses, accuracies, the confusion matrices) is exact.

use base64::Engine;
use moons_datasets::Dataset;
use moons_models::{Mlp, Scaler, Workspace};
use ndarray::Array2;
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
    chunk_rows: usize,
    ws: Workspace,
    argmax: Vec<u8>,
    confidence: Vec<u8>,
    units_side: usize,
    units: Vec<Vec<f64>>,
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
        let per_row: usize = model.layers.iter().map(|l| l.outputs() * 2).sum::<usize>() + 4;
        let chunk_rows = (WORKSPACE_VALUES / per_row / n).clamp(1, n) * n;
        let mut ws = Workspace::new(model, chunk_rows);
        ws.set_fast(true);
        let hidden: usize = model.hidden_sizes().iter().sum();
        let units_side = match hidden {
            0..=64 => 50,
            65..=256 => 25,
            _ => 10,
        };
        Some(Self {
            bounds,
            grid,
            chunk_rows,
            ws,
            argmax: vec![0; n * n],
            confidence: vec![0; n * n],
            units_side,
            units: vec![vec![0.0; units_side * units_side]; hidden],
        })
    }

    /// The map and the unit maps of `model`, as the frame's `map` and `units` values.
    pub fn maps(&mut self, model: &Mlp) -> (Value, Value) {
        let n = MAP_CELLS;
        let step = n / self.units_side;
        let hidden = model.hidden_sizes();
        for start in (0..n * n).step_by(self.chunk_rows) {
            let rows = self.chunk_rows.min(n * n - start);
            model.forward(
                self.grid.slice(ndarray::s![start..start + rows, ..]),
                &mut self.ws,
            );
            for (i, p) in self.ws.probs_rows(rows).rows().into_iter().enumerate() {
                let (mut best, mut top) = (0, f64::MIN);
                for (k, &v) in p.iter().enumerate() {
                    if v > top {
                        (best, top) = (k, v);
                    }
                }
                self.argmax[start + i] = best.min(255) as u8;
                self.confidence[start + i] = (top.clamp(0.0, 1.0) * 255.0).round() as u8;
            }
            // Unit maps sample every `step`-th cell of every `step`-th row of this chunk.
            let side = self.units_side;
            let mut unit = 0;
            for (l, &width) in hidden.iter().enumerate() {
                let a = self.ws.hidden_rows(l, rows);
                for r in (start / n..(start + rows).div_ceil(n)).filter(|r| r % step == 0) {
                    let ur = r / step;
                    if ur >= side {
                        continue;
                    }
                    for uc in 0..side {
                        let i = r * n + uc * step - start;
                        let row = a.row(i);
                        for (j, &v) in row.iter().enumerate() {
                            self.units[unit + j][ur * side + uc] = v;
                        }
                    }
                }
                unit += width;
            }
        }
        let map = json!({
            "width": n, "height": n, "bounds": self.bounds,
            "classes": model.layers.last().map_or(2, |l| l.outputs()),
            "argmax": b64(&self.argmax), "confidence": b64(&self.confidence),
        });
        let mut unit = 0;
        let layers: Vec<Value> = hidden
            .iter()
            .map(|&width| {
                let maps: Vec<Value> = self.units[unit..unit + width]
                    .iter()
                    .map(|cells| unit_map(cells))
                    .collect();
                unit += width;
                Value::Array(maps)
            })
            .collect();
        let units = json!({"width": self.units_side, "height": self.units_side, "layers": layers});
        (map, units)
    }

    /// The box the map covers, `[x0, x1, y0, y1]`.
    pub fn bounds(&self) -> [f64; 4] {
        self.bounds
    }
}

fn unit_map(cells: &[f64]) -> Value {
    let (lo, hi) = cells
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let span = if hi > lo { hi - lo } else { 1.0 };
    let bytes: Vec<u8> = cells
        .iter()
        .map(|&v| (((v - lo) / span).clamp(0.0, 1.0) * 255.0).round() as u8)
        .collect();
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

/// `confusion[true][predicted]`, exact.
pub fn confusion(model: &Mlp, data: &Dataset, classes: usize) -> Vec<Vec<usize>> {
    let mut m = vec![vec![0; classes]; classes];
    if data.n_samples() == 0 {
        return m;
    }
    let predicted = moons_models::Classifier::predict(model, data.x());
    for (&t, &p) in data.labels.iter().zip(predicted.iter()) {
        if t < classes && p < classes {
            m[t][p] += 1;
        }
    }
    m
}
