//! The decision boundary over a run as an animated GIF (plotters' GIF backend): one frame per
//! snapshot of the network, the training points on top.

use std::path::Path;

use moons_datasets::Dataset;
use moons_models::Classifier;
use plotters::prelude::*;

use crate::backend::{fail, write_atomically, Figure};
use crate::boundary::{boundary_panel, Shading};
use crate::error::invalid;
use crate::grid::Grid;
use crate::palette::class_colors;
use crate::panel::PanelFigure;
use crate::style::LARGE;
use crate::{font, VizError};

/// Milliseconds each frame is shown; the last is held four times as long.
pub const FRAME_DELAY_MS: u32 = 120;
/// The most frames drawn; longer runs are thinned evenly.
pub const MAX_FRAMES: usize = 100;

/// The GIF bytes of `snapshots` (epoch, network) drawn over `data`.
pub fn animate_boundaries<C: Classifier>(
    snapshots: &[(usize, C)],
    data: &Dataset,
) -> Result<Vec<u8>, VizError> {
    if snapshots.is_empty() {
        return Err(invalid("an animation", "no snapshots were given"));
    }
    if data.n_features() != 2 {
        return Err(invalid(
            "an animation",
            "the boundary is drawn over two features only",
        ));
    }
    font::ensure_registered()?;
    let grid = Grid::around(data, 0.5, 0.02, 40_000)?;
    let k = snapshots
        .iter()
        .map(|(_, m)| m.n_classes())
        .max()
        .unwrap_or(2)
        .max(data.n_classes())
        .max(2);
    let colors = class_colors(k);
    let stride = snapshots.len().div_ceil(MAX_FRAMES).max(1);
    let mut chosen: Vec<&(usize, C)> = snapshots.iter().step_by(stride).collect();
    if let Some(last) = snapshots.last() {
        if !std::ptr::eq(*chosen.last().expect("not empty"), last) {
            chosen.push(last);
        }
    }
    let size = (480u32, 400u32);
    // plotters' GIF backend writes to a path: a private temporary file, read back and removed.
    let temp = std::env::temp_dir().join(format!(
        "moons-animation-{}-{:?}.gif",
        std::process::id(),
        std::thread::current().id()
    ));
    let drawn = (|| -> Result<(), String> {
        let root = BitMapBackend::gif(&temp, size, FRAME_DELAY_MS)
            .map_err(fail)?
            .into_drawing_area();
        for (i, (epoch, model)) in chosen.iter().enumerate() {
            let panel = boundary_panel(
                model,
                data,
                &grid,
                &format!("epoch {epoch}"),
                &colors,
                Shading::Probability,
            )
            .map_err(fail)?;
            let figure = PanelFigure {
                panels: vec![panel],
                cols: 1,
                panel_size: size,
                sizes: LARGE,
            };
            let repeats = if i + 1 == chosen.len() { 4 } else { 1 };
            for _ in 0..repeats {
                root.fill(&WHITE).map_err(fail)?;
                figure.draw(&root)?;
                root.present().map_err(fail)?;
            }
        }
        Ok(())
    })();
    let bytes = drawn.and_then(|()| std::fs::read(&temp).map_err(fail));
    let _ = std::fs::remove_file(&temp);
    bytes.map_err(|message| VizError::Draw {
        path: "the animation".into(),
        message,
    })
}

/// [`animate_boundaries`] written to `path` atomically.
pub fn save_animation<C: Classifier>(
    snapshots: &[(usize, C)],
    data: &Dataset,
    path: &Path,
) -> Result<(), VizError> {
    let bytes = animate_boundaries(snapshots, data).map_err(|e| match e {
        VizError::Draw { message, .. } => VizError::Draw {
            path: path.display().to_string(),
            message,
        },
        other => other,
    })?;
    write_atomically(path, &bytes)
}
