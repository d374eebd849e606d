//! Sizes, fonts and axes shared by every figure, tuned to look like matplotlib's defaults.

use plotters::style::{IntoFont, RGBColor, TextStyle};

use crate::font::FAMILY;
use crate::palette::INK;

/// Text sizes (pixels) and marker size for one kind of panel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Sizes {
    /// Panel titles.
    pub title: f64,
    /// Tick labels.
    pub tick: f64,
    /// Axis names and legends.
    pub label: f64,
    /// Radius of scatter points.
    pub marker: i32,
}

/// A full-size figure (about 800 pixels wide).
pub(crate) const LARGE: Sizes = Sizes {
    title: 24.0,
    tick: 16.0,
    label: 20.0,
    marker: 5,
};

/// One panel of a grid (about 400 pixels wide).
pub(crate) const SMALL: Sizes = Sizes {
    title: 19.0,
    tick: 14.0,
    label: 14.0,
    marker: 4,
};

/// Text in the embedded font.
pub(crate) fn text(size: f64) -> TextStyle<'static> {
    text_colored(size, INK)
}

/// Text in the embedded font and `color`.
pub(crate) fn text_colored(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&color)
}

/// A tick label as matplotlib writes it: no binary noise (`0.30000000000000004`), no `-0`,
/// and a true minus sign.
pub(crate) fn tick_label(v: &f64) -> String {
    let text = if *v != 0.0 && v.abs() < 1e-4 {
        // Round to 9 significant digits, then print the shortest form: 1e-5, 2.5e-7.
        let shortened: f64 = format!("{v:.8e}").parse().unwrap_or(*v);
        format!("{shortened:e}")
    } else {
        let rounded = (v * 1e9).round() / 1e9;
        let rounded = if rounded == 0.0 { 0.0 } else { rounded };
        format!("{rounded}")
    };
    text.replace('-', "\u{2212}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_clean() {
        assert_eq!(tick_label(&0.300_000_000_000_000_04), "0.3");
        assert_eq!(tick_label(&-0.0), "0");
        assert_eq!(tick_label(&-1.5), "\u{2212}1.5");
        assert_eq!(tick_label(&20000.0), "20000");
        assert_eq!(tick_label(&1e-5), "1e\u{2212}5");
        assert_eq!(tick_label(&(3.0 * 1e-7)), "3e\u{2212}7");
    }
}
