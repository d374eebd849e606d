//! One 2-D data panel — filled class regions, the points on top, a framed pair of axes and a
//! title — and figures made of a grid of such panels.

use moons_datasets::Dataset;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::backend::{fail, DrawResult, Figure};
use crate::palette::{INK, WHITE};
use crate::style::{text, tick_label, Sizes};

/// An axis-aligned filled rectangle in data coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Region {
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub color: RGBColor,
}

/// Everything one panel shows.
pub(crate) struct Panel<'a> {
    pub title: String,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub regions: Vec<Region>,
    pub data: &'a Dataset,
    /// Colour of each class's points.
    pub colors: &'a [RGBColor],
    /// Name the axes `x₁`, `x₂`.
    pub axis_names: bool,
    /// Show a legend of the classes.
    pub legend: bool,
}

/// Panels laid out `cols` to a row.
pub(crate) struct PanelFigure<'a> {
    pub panels: Vec<Panel<'a>>,
    pub cols: usize,
    pub panel_size: (u32, u32),
    pub sizes: Sizes,
}

impl PanelFigure<'_> {
    fn rows(&self) -> usize {
        self.panels.len().div_ceil(self.cols.max(1))
    }
}

impl Figure for PanelFigure<'_> {
    fn size(&self) -> (u32, u32) {
        let cols = self.cols.clamp(1, self.panels.len().max(1));
        let side = |n: usize, px: u32| {
            u32::try_from(n)
                .ok()
                .and_then(|n| n.checked_mul(px))
                .unwrap_or(u32::MAX)
        };
        (
            side(cols, self.panel_size.0),
            side(self.rows(), self.panel_size.1),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let cols = self.cols.clamp(1, self.panels.len().max(1));
        let areas = root.split_evenly((self.rows(), cols));
        for (panel, area) in self.panels.iter().zip(&areas) {
            panel.draw(area, self.sizes)?;
        }
        Ok(())
    }
}

/// Rows and columns for `n` panels: about twice as wide as tall, as few empty slots as that
/// allows (7 panels: 2 rows of 4).
pub(crate) fn columns_for(n: usize) -> usize {
    let rows = ((n as f64 / 2.0).sqrt().round() as usize).max(1);
    n.div_ceil(rows).max(1)
}

impl Panel<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, sizes: Sizes) -> DrawResult {
        let (x0, x1) = self.x_range;
        let (y0, y1) = self.y_range;
        let desc = if self.axis_names {
            sizes.label * 1.7
        } else {
            0.0
        };
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, text(sizes.title))
            .margin_top((sizes.title * 0.4) as i32)
            .margin_right((sizes.tick * 1.6) as i32)
            .margin_left((sizes.tick * 0.5) as i32)
            .margin_bottom((sizes.tick * 0.5) as i32)
            .x_label_area_size((sizes.tick * 2.0 + desc) as i32)
            .y_label_area_size((sizes.tick * 3.4 + desc) as i32)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(fail)?;

        let mut mesh = chart.configure_mesh();
        mesh.disable_mesh()
            .axis_style(INK.stroke_width(1))
            .set_all_tick_mark_size(5)
            .label_style(text(sizes.tick))
            .axis_desc_style(text(sizes.label))
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&tick_label)
            .y_label_formatter(&tick_label);
        if self.axis_names {
            mesh.x_desc("x\u{2081}").y_desc("x\u{2082}");
        }
        mesh.draw().map_err(fail)?;

        chart
            .draw_series(
                self.regions
                    .iter()
                    .map(|r| Rectangle::new([(r.x.0, r.y.0), (r.x.1, r.y.1)], r.color.filled())),
            )
            .map_err(fail)?;

        let radius = sizes.marker;
        for (class, &color) in self.colors.iter().enumerate() {
            let points = self
                .data
                .features
                .rows()
                .into_iter()
                .zip(&self.data.labels)
                .filter(move |&(_, &label)| label == class)
                .map(|(row, _)| (row[0], row[1]));
            let series = chart
                .draw_series(points.map(move |p| {
                    EmptyElement::at(p)
                        + Circle::new((0, 0), radius, color.filled())
                        + Circle::new((0, 0), radius, INK.stroke_width(1))
                }))
                .map_err(fail)?;
            if self.legend {
                series
                    .label(format!("class {class}"))
                    .legend(move |(x, y)| {
                        EmptyElement::at((x + radius, y))
                            + Circle::new((0, 0), radius, color.filled())
                            + Circle::new((0, 0), radius, INK.stroke_width(1))
                    });
            }
        }

        // matplotlib frames the whole plot, not only the left and bottom axes.
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x0, y0), (x1, y1)],
                INK.stroke_width(1),
            )))
            .map_err(fail)?;

        if self.legend {
            chart
                .configure_series_labels()
                .position(self.emptiest_corner())
                .margin(10)
                .legend_area_size(2 * radius + 6)
                .label_font(text(sizes.label))
                .background_style(WHITE.mix(0.85))
                .border_style(INK.mix(0.35))
                .draw()
                .map_err(fail)?;
        }
        Ok(())
    }

    /// The corner whose quarter-width, third-height box holds the fewest points, for the legend
    /// (matplotlib's `loc="best"`, simplified).
    fn emptiest_corner(&self) -> SeriesLabelPosition {
        let (x0, x1) = self.x_range;
        let (y0, y1) = self.y_range;
        let (wx, wy) = ((x1 - x0) * 0.3, (y1 - y0) * 0.3);
        let count = |left: bool, top: bool| {
            self.data
                .features
                .rows()
                .into_iter()
                .filter(|p| {
                    let in_x = if left {
                        p[0] <= x0 + wx
                    } else {
                        p[0] >= x1 - wx
                    };
                    let in_y = if top {
                        p[1] >= y1 - wy
                    } else {
                        p[1] <= y0 + wy
                    };
                    in_x && in_y
                })
                .count()
        };
        [
            (SeriesLabelPosition::UpperRight, count(false, true)),
            (SeriesLabelPosition::UpperLeft, count(true, true)),
            (SeriesLabelPosition::LowerLeft, count(true, false)),
            (SeriesLabelPosition::LowerRight, count(false, false)),
        ]
        .into_iter()
        .min_by_key(|&(_, n)| n)
        .map_or(SeriesLabelPosition::UpperRight, |(pos, _)| pos)
    }
}

#[cfg(test)]
mod tests {
    use super::columns_for;

    #[test]
    fn seven_panels_make_two_rows_of_four() {
        assert_eq!(columns_for(7), 4);
        assert_eq!(columns_for(1), 1);
        assert_eq!(columns_for(2), 2);
        assert_eq!(columns_for(4), 4);
        assert_eq!(columns_for(0), 1);
    }
}
