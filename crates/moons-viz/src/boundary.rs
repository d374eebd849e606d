//! The seed's `plot_decision_boundary` and its grid of panels (the hidden-size sweep).

use std::path::Path;

use moons_datasets::Dataset;
use moons_models::Classifier;
use ndarray::{Array1, Array2};
use plotters::style::RGBColor;

use crate::backend::save;
use crate::error::invalid;
use crate::grid::{predict_grid, predict_grid_proba, Grid};
use crate::palette::{class_colors, mix, region_color, spectral, WHITE};
use crate::panel::{columns_for, Panel, PanelFigure, Region};
use crate::style::{LARGE, SMALL};
use crate::VizError;

/// How the regions under the points are coloured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shading {
    /// Each grid cell in the (lightened) colour of its predicted class, as the seed's
    /// `contourf` of `predict`.
    #[default]
    Classes,
    /// Each grid cell by predicted probability in ten bands, like `contourf` of
    /// `predict_proba`: through Spectral for two classes, fading from the winning class's
    /// colour to white as its probability drops for more.
    Probability,
}

/// Settings of decision-boundary figures; the default is the seed's.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryOptions {
    /// Grid spacing (the seed's `h = 0.01`).
    pub step: f64,
    /// Margin around the data's range (the seed's 0.5).
    pub padding: f64,
    /// How regions are coloured.
    pub shading: Shading,
    /// Largest grid evaluated; wider data gets a coarser step instead of unbounded memory.
    pub max_grid_points: usize,
    /// Size in pixels of a single-panel figure.
    pub size: (u32, u32),
    /// Size in pixels of each panel of a grid figure.
    pub panel_size: (u32, u32),
}

impl Default for BoundaryOptions {
    fn default() -> Self {
        Self {
            step: 0.01,
            padding: 0.5,
            shading: Shading::Classes,
            max_grid_points: 4_000_000,
            size: (800, 620),
            panel_size: (420, 340),
        }
    }
}

/// Number of probability bands in [`Shading::Probability`] (matplotlib's `contourf` picks
/// about as many levels).
const PROBABILITY_BANDS: f64 = 10.0;

/// [`crate::plot_decision_boundary`] with explicit options.
pub fn plot_decision_boundary_with(
    model: &dyn Classifier,
    data: &Dataset,
    title: &str,
    options: &BoundaryOptions,
    path: &Path,
) -> Result<(), VizError> {
    let grid = Grid::around(data, options.padding, options.step, options.max_grid_points)?;
    let colors = class_colors(model.n_classes().max(data.n_classes()).max(2));
    let mut panel = boundary_panel(model, data, &grid, title, &colors, options.shading)?;
    panel.axis_names = true;
    let figure = PanelFigure {
        panels: vec![panel],
        cols: 1,
        panel_size: options.size,
        sizes: LARGE,
    };
    save(&figure, path)
}

/// [`crate::plot_boundary_grid`] with explicit options.
pub fn plot_boundary_grid_with(
    panels: &[(String, &dyn Classifier)],
    data: &Dataset,
    options: &BoundaryOptions,
    path: &Path,
) -> Result<(), VizError> {
    if panels.is_empty() {
        return Err(invalid(
            "a grid of decision boundaries",
            "no panels were given",
        ));
    }
    let grid = Grid::around(data, options.padding, options.step, options.max_grid_points)?;
    let k = panels
        .iter()
        .map(|(_, m)| m.n_classes())
        .chain([data.n_classes(), 2])
        .max()
        .unwrap_or(2);
    let colors = class_colors(k);
    let drawn = panels
        .iter()
        .map(|(title, model)| boundary_panel(*model, data, &grid, title, &colors, options.shading))
        .collect::<Result<Vec<_>, _>>()?;
    let figure = PanelFigure {
        cols: columns_for(drawn.len()),
        panels: drawn,
        panel_size: options.panel_size,
        sizes: SMALL,
    };
    save(&figure, path)
}

pub(crate) fn boundary_panel<'a>(
    model: &dyn Classifier,
    data: &'a Dataset,
    grid: &Grid,
    title: &str,
    colors: &'a [RGBColor],
    shading: Shading,
) -> Result<Panel<'a>, VizError> {
    let regions = match shading {
        Shading::Classes => class_regions(grid, &predict_grid(model, grid)?, colors),
        Shading::Probability => {
            probability_regions(grid, &predict_grid_proba(model, grid)?, colors)
        }
    };
    let (x_range, y_range) = grid.extent();
    Ok(Panel {
        title: title.to_string(),
        x_range,
        y_range,
        regions,
        data,
        colors,
        axis_names: false,
        legend: false,
    })
}

fn class_regions(grid: &Grid, classes: &Array1<usize>, colors: &[RGBColor]) -> Vec<Region> {
    let fills: Vec<RGBColor> = colors.iter().map(|&c| region_color(c)).collect();
    let gray = RGBColor(200, 200, 200);
    runs(grid, |i| fills.get(classes[i]).copied().unwrap_or(gray))
}

fn probability_regions(
    grid: &Grid,
    probabilities: &Array2<f64>,
    colors: &[RGBColor],
) -> Vec<Region> {
    let band = |p: f64| {
        let p = if p.is_finite() {
            p.clamp(0.0, 1.0)
        } else {
            0.5
        };
        ((p * PROBABILITY_BANDS).floor().min(PROBABILITY_BANDS - 1.0) + 0.5) / PROBABILITY_BANDS
    };
    let two_classes = probabilities.ncols() == 2;
    runs(grid, |i| {
        let row = probabilities.row(i);
        if two_classes {
            mix(spectral(band(row[1])), WHITE, 0.3)
        } else {
            let (best, p) = row
                .iter()
                .enumerate()
                .fold(
                    (0, f64::NEG_INFINITY),
                    |acc, (k, &p)| if p > acc.1 { (k, p) } else { acc },
                );
            let floor = 1.0 / row.len().max(1) as f64;
            let strength = band((p - floor) / (1.0 - floor).max(f64::EPSILON));
            let color = colors.get(best).copied().unwrap_or(RGBColor(128, 128, 128));
            mix(WHITE, region_color(color), strength)
        }
    })
}

/// Merges horizontal runs of equally coloured cells into one rectangle each: a few hundred
/// rectangles instead of 120 000, which keeps SVG files small and drawing fast. Cell edges sit
/// halfway between grid points (so each pixel shows its nearest grid point) and are clipped to
/// the grid's extent, as `contourf` is.
fn runs(grid: &Grid, color_of: impl Fn(usize) -> RGBColor) -> Vec<Region> {
    let ((x_lo, x_hi), (y_lo, y_hi)) = grid.extent();
    let edges = |v: &[f64], lo: f64, hi: f64| {
        let mut e = Vec::with_capacity(v.len() + 1);
        e.push(lo);
        e.extend(v.windows(2).map(|w| (w[0] + w[1]) / 2.0));
        e.push(hi);
        e
    };
    let x_edges = edges(&grid.xs, x_lo, x_hi);
    let y_edges = edges(&grid.ys, y_lo, y_hi);
    let nx = grid.xs.len();
    let mut regions = Vec::new();
    for j in 0..grid.ys.len() {
        let mut start = 0;
        let mut color = color_of(j * nx);
        for i in 1..=nx {
            let next = (i < nx).then(|| color_of(j * nx + i));
            if next != Some(color) {
                regions.push(Region {
                    x: (x_edges[start], x_edges[i]),
                    y: (y_edges[j], y_edges[j + 1]),
                    color,
                });
                if let Some(c) = next {
                    start = i;
                    color = c;
                }
            }
        }
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_equal_neighbours_and_cover_the_extent() {
        let grid = Grid {
            xs: vec![0.0, 1.0, 2.0, 3.0],
            ys: vec![0.0, 1.0],
            step: 1.0,
        };
        let red = RGBColor(255, 0, 0);
        let blue = RGBColor(0, 0, 255);
        let cells = [red, red, blue, blue, red, red, red, red];
        let regions = runs(&grid, |i| cells[i]);
        assert_eq!(regions.len(), 3);
        assert_eq!(regions[0].x, (0.0, 1.5));
        assert_eq!(regions[1].x, (1.5, 3.0));
        assert_eq!(regions[2].x, (0.0, 3.0));
        assert_eq!(regions[2].y, (0.5, 1.0));
    }
}
