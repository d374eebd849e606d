//! Loss against pass: the whole run, and a zoom on the last passes where the seed's run
//! alternates between two values (a period-2 oscillation shows as two interleaved branches).

use std::path::Path;

use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::backend::{fail, save, DrawResult, Figure};
use crate::error::invalid;
use crate::log_axis::LogAxis;
use crate::palette::{INK, LINE_COLORS, WHITE};
use crate::style::{text, tick_label, LARGE};
use crate::{LossCurve, VizError};

/// Settings of loss-curve figures.
#[derive(Clone, Debug, PartialEq)]
pub struct LossOptions {
    /// Logarithmic loss axis on the whole-run panel.
    pub log_scale: bool,
    /// Passes shown in the zoom panel (0: no zoom panel).
    pub zoom_last: usize,
    /// Size in pixels.
    pub size: (u32, u32),
}

impl Default for LossOptions {
    fn default() -> Self {
        Self {
            log_scale: false,
            zoom_last: 40,
            size: (1280, 540),
        }
    }
}

/// [`crate::plot_loss_curves`] with explicit options.
pub fn plot_loss_curves_with(
    curves: &[LossCurve],
    title: &str,
    options: &LossOptions,
    path: &Path,
) -> Result<(), VizError> {
    check_curves(curves, options.log_scale)?;
    save(
        &LossFigure {
            curves,
            title,
            options,
        },
        path,
    )
}

fn check_curves(curves: &[LossCurve], log_scale: bool) -> Result<(), VizError> {
    if curves.is_empty() {
        return Err(invalid("loss curves", "no curves were given"));
    }
    for curve in curves {
        let what = || format!("loss curve '{}'", curve.label);
        if curve.points.is_empty() {
            return Err(invalid(what(), "it has no points"));
        }
        if let Some(&(pass, loss)) = curve.points.iter().find(|(_, l)| !l.is_finite()) {
            return Err(invalid(
                what(),
                format!("the loss at pass {pass} is {loss}"),
            ));
        }
        if log_scale {
            if let Some(&(pass, loss)) = curve.points.iter().find(|(_, l)| *l <= 0.0) {
                return Err(invalid(
                    what(),
                    format!("the loss at pass {pass} is {loss}; a log scale needs losses > 0"),
                ));
            }
        }
    }
    Ok(())
}

struct LossFigure<'a> {
    curves: &'a [LossCurve],
    title: &'a str,
    options: &'a LossOptions,
}

impl Figure for LossFigure<'_> {
    fn size(&self) -> (u32, u32) {
        self.options.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let body = root.titled(self.title, text(LARGE.title)).map_err(fail)?;
        let zoom = self.options.zoom_last;
        let (full, detail) = if zoom > 0 {
            let width = body.dim_in_pixel().0;
            let (l, r) = body.split_horizontally((f64::from(width) * 0.58) as u32);
            (l, Some(r))
        } else {
            (body, None)
        };
        self.draw_full(&full)?;
        if let Some(area) = detail {
            self.draw_zoom(&area, zoom)?;
        }
        Ok(())
    }
}

fn loss_bounds<'p>(points: impl Iterator<Item = &'p (usize, f64)>) -> (f64, f64) {
    points.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(_, l)| {
        (lo.min(l), hi.max(l))
    })
}

fn pass_bounds<'p>(points: impl Iterator<Item = &'p (usize, f64)>) -> (f64, f64) {
    points.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(p, _)| {
        (lo.min(p as f64), hi.max(p as f64))
    })
}

/// `(lo, hi)` widened by `fraction` of its span, or around the value when the span is zero.
fn widen((lo, hi): (f64, f64), fraction: f64) -> (f64, f64) {
    let span = hi - lo;
    if span > 0.0 {
        (lo - span * fraction, hi + span * fraction)
    } else {
        let m = (lo.abs() * 1e-3).max(1e-9);
        (lo - m, hi + m)
    }
}

fn curve_color(i: usize) -> RGBColor {
    LINE_COLORS[i % LINE_COLORS.len()]
}

impl LossFigure<'_> {
    fn draw_full<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let all = || self.curves.iter().flat_map(|c| c.points.iter());
        let (p0, p1) = pass_bounds(all());
        let (p0, p1) = if p1 > p0 {
            (p0, p1)
        } else {
            widen((p0, p1), 0.0)
        };
        let (lo, hi) = loss_bounds(all());
        let builder = &mut panel_builder(area, "Loss per pass");
        if self.options.log_scale {
            let (lo, hi) = if hi > lo {
                (lo / 1.08, hi * 1.08)
            } else {
                (lo / 1.5, hi * 1.5)
            };
            let mut chart = builder
                .build_cartesian_2d(p0..p1, LogAxis::new(lo, hi))
                .map_err(fail)?;
            self.draw_lines(&mut chart)
        } else {
            let (lo, hi) = widen((lo, hi), 0.05);
            let mut chart = builder.build_cartesian_2d(p0..p1, lo..hi).map_err(fail)?;
            self.draw_lines(&mut chart)
        }
    }

    fn draw_lines<'a, DB, Y>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>,
    ) -> DrawResult
    where
        DB: DrawingBackend + 'a,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        configure_axes(chart, "pass", "loss")?;
        for (i, curve) in self.curves.iter().enumerate() {
            let color = curve_color(i);
            let series = chart
                .draw_series(LineSeries::new(
                    curve.points.iter().map(|&(p, l)| (p as f64, l)),
                    color.stroke_width(2),
                ))
                .map_err(fail)?;
            series.label(curve.label.clone()).legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 22, y)], color.stroke_width(2))
            });
        }
        frame(chart)?;
        draw_legend(chart, SeriesLabelPosition::UpperRight)
    }

    fn draw_zoom<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        zoom: usize,
    ) -> DrawResult {
        let tails: Vec<&[(usize, f64)]> = self
            .curves
            .iter()
            .map(|c| &c.points[c.points.len().saturating_sub(zoom)..])
            .collect();
        let all = || tails.iter().flat_map(|t| t.iter());
        let (p0, p1) = pass_bounds(all());
        // Extra room on top keeps the legend clear of the upper branch.
        let (lo, hi) = loss_bounds(all());
        let (lo, _) = widen((lo, hi), 0.12);
        let (_, hi) = widen((lo, hi), 0.3);
        let shown = tails.iter().map(|t| t.len()).max().unwrap_or(0);
        let title = format!("Last {shown} passes: even and odd passes");
        let mut chart = panel_builder(area, &title)
            .build_cartesian_2d(p0 - 1.5..p1 + 1.5, lo..hi)
            .map_err(fail)?;
        configure_axes(&mut chart, "pass", "loss")?;
        let r = LARGE.marker;
        for (i, tail) in tails.iter().enumerate() {
            let color = curve_color(i);
            chart
                .draw_series(LineSeries::new(
                    tail.iter().map(|&(p, l)| (p as f64, l)),
                    color.mix(0.35).stroke_width(1),
                ))
                .map_err(fail)?;
            let marker = |filled: bool| {
                move |&(p, l): &(usize, f64)| {
                    // A ring as two filled discs: plotters' stroked circles are uneven.
                    let hole = if filled { color } else { WHITE };
                    EmptyElement::at((p as f64, l))
                        + Circle::new((0, 0), r, color.filled())
                        + Circle::new((0, 0), r - 2, hole.filled())
                }
            };
            chart
                .draw_series(tail.iter().filter(|(p, _)| p % 2 == 0).map(marker(true)))
                .map_err(fail)?;
            chart
                .draw_series(tail.iter().filter(|(p, _)| p % 2 == 1).map(marker(false)))
                .map_err(fail)?;
        }
        // Legend entries for the two marker kinds, drawn in ink so they describe every curve.
        for (name, filled) in [("even passes", true), ("odd passes", false)] {
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                .map_err(fail)?
                .label(name)
                .legend(move |(x, y)| {
                    let hole = if filled { INK } else { WHITE };
                    EmptyElement::at((x + 8, y))
                        + Circle::new((0, 0), r, INK.filled())
                        + Circle::new((0, 0), r - 2, hole.filled())
                });
        }
        frame(&mut chart)?;
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

fn panel_builder<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &'b str,
) -> ChartBuilder<'a, 'b, DB> {
    let s = LARGE;
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(title, text(s.label * 1.15))
        .margin_top(6)
        .margin_right((s.tick * 1.8) as i32)
        .margin_left((s.tick * 0.5) as i32)
        .margin_bottom((s.tick * 0.5) as i32)
        .x_label_area_size((s.tick * 2.0 + s.label * 1.7) as i32)
        .y_label_area_size((s.tick * 4.4 + s.label * 1.7) as i32);
    builder
}

fn configure_axes<DB, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    x_name: &str,
    y_name: &str,
) -> DrawResult
where
    DB: DrawingBackend,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let s = LARGE;
    chart
        .configure_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(INK.mix(0.08))
        .axis_style(INK.stroke_width(1))
        .set_all_tick_mark_size(5)
        .label_style(text(s.tick))
        .axis_desc_style(text(s.label))
        .x_labels(6)
        .y_labels(7)
        .x_label_formatter(&tick_label)
        .y_label_formatter(&tick_label)
        .x_desc(x_name)
        .y_desc(y_name)
        .draw()
        .map_err(fail)
}

fn frame<DB, Y>(chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>) -> DrawResult
where
    DB: DrawingBackend,
    Y: Ranged<ValueType = f64>,
{
    let x = chart.x_range();
    let y = chart.y_range();
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(x.start, y.start), (x.end, y.end)],
            INK.stroke_width(1),
        )))
        .map(|_| ())
        .map_err(fail)
}

fn draw_legend<'a, DB, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>,
    position: SeriesLabelPosition,
) -> DrawResult
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64>,
{
    chart
        .configure_series_labels()
        .position(position)
        .margin(10)
        .legend_area_size(30)
        .label_font(text(LARGE.label * 0.9))
        .background_style(WHITE.mix(0.85))
        .border_style(INK.mix(0.35))
        .draw()
        .map_err(fail)
}
