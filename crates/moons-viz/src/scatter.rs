//! The seed's first figure: the data, coloured by class.

use std::path::Path;

use moons_datasets::Dataset;

use crate::backend::save;
use crate::grid::feature_ranges;
use crate::palette::class_colors;
use crate::panel::{Panel, PanelFigure};
use crate::style::LARGE;
use crate::VizError;

/// matplotlib's default axis margin: 5% of the data's range on each side.
const MARGIN: f64 = 0.05;

/// [`crate::plot_data`] at a chosen size in pixels.
pub fn plot_data_sized(
    data: &Dataset,
    title: &str,
    size: (u32, u32),
    path: &Path,
) -> Result<(), VizError> {
    let [(x0, x1), (y0, y1)] = feature_ranges(data)?;
    let pad = |lo: f64, hi: f64| {
        let m = if hi > lo { (hi - lo) * MARGIN } else { 0.5 };
        (lo - m, hi + m)
    };
    let colors = class_colors(data.n_classes().max(2));
    let figure = PanelFigure {
        panels: vec![Panel {
            title: title.to_string(),
            x_range: pad(x0, x1),
            y_range: pad(y0, y1),
            regions: Vec::new(),
            data,
            colors: &colors,
            axis_names: true,
            legend: true,
        }],
        cols: 1,
        panel_size: size,
        sizes: LARGE,
    };
    save(&figure, path)
}
