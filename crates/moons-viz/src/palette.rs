//! Colours: matplotlib's Spectral colour map (the seed's `cmap=plt.cm.Spectral`) and the
//! default line colours of matplotlib ("tab10").

use plotters::style::RGBColor;

/// The eleven ColorBrewer anchors of matplotlib's `Spectral`, evenly spaced on `[0, 1]`
/// (matplotlib stores them as these bytes divided by 255).
const SPECTRAL: [[u8; 3]; 11] = [
    [0x9e, 0x01, 0x42],
    [0xd5, 0x3e, 0x4f],
    [0xf4, 0x6d, 0x43],
    [0xfd, 0xae, 0x61],
    [0xfe, 0xe0, 0x8b],
    [0xff, 0xff, 0xbf],
    [0xe6, 0xf5, 0x98],
    [0xab, 0xdd, 0xa4],
    [0x66, 0xc2, 0xa5],
    [0x32, 0x88, 0xbd],
    [0x5e, 0x4f, 0xa2],
];

/// Entries in matplotlib's lookup table for a segmented colour map.
const LUT_SIZE: usize = 256;

/// matplotlib's `plt.cm.Spectral(v)`: a 256-entry lookup table linearly interpolated between
/// the anchors, indexed by `floor(v * 256)` (clipped), so colours match matplotlib's exactly.
pub fn spectral(v: f64) -> RGBColor {
    let v = if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) };
    let index = ((v * LUT_SIZE as f64) as usize).min(LUT_SIZE - 1);
    let position = index as f64 / (LUT_SIZE - 1) as f64 * (SPECTRAL.len() - 1) as f64;
    let lo = (position.floor() as usize).min(SPECTRAL.len() - 2);
    let t = position - lo as f64;
    let (a, b) = (SPECTRAL[lo], SPECTRAL[lo + 1]);
    let at = |c: usize| {
        let (x, y) = (f64::from(a[c]) / 255.0, f64::from(b[c]) / 255.0);
        channel(x + t * (y - x))
    };
    RGBColor(at(0), at(1), at(2))
}

fn channel(x: f64) -> u8 {
    (x * 255.0).round().clamp(0.0, 255.0) as u8
}

/// The colour of each of `k` classes, as `scatter(c=y, cmap=Spectral)` assigns them: class `i`
/// at `i / (k - 1)`, so two classes get Spectral's two ends (dark red and purple).
pub fn class_colors(k: usize) -> Vec<RGBColor> {
    match k {
        0 => Vec::new(),
        1 => vec![spectral(0.0)],
        _ => (0..k)
            .map(|i| spectral(i as f64 / (k - 1) as f64))
            .collect(),
    }
}

/// `a` moved a fraction `t` of the way towards `b`.
pub fn mix(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (f64::from(x) + t * (f64::from(y) - f64::from(x))).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// How far region fills are lightened towards white, so the points drawn on top stay visible.
pub const REGION_LIGHTEN: f64 = 0.45;

/// The fill of a class region: the class colour, lightened.
pub fn region_color(class: RGBColor) -> RGBColor {
    mix(class, WHITE, REGION_LIGHTEN)
}

/// White.
pub const WHITE: RGBColor = RGBColor(255, 255, 255);

/// The edge of scatter points and the colour of axes and text: matplotlib's near-black.
pub const INK: RGBColor = RGBColor(38, 38, 38);

/// matplotlib's default colour cycle ("tab10"), for lines of several runs.
pub const LINE_COLORS: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spectral_ends_are_the_colorbrewer_ends() {
        assert_eq!(spectral(0.0), RGBColor(0x9e, 0x01, 0x42));
        assert_eq!(spectral(1.0), RGBColor(0x5e, 0x4f, 0xa2));
    }

    #[test]
    fn two_classes_take_both_ends() {
        assert_eq!(class_colors(2), vec![spectral(0.0), spectral(1.0)]);
        assert_eq!(class_colors(3)[1], spectral(0.5));
    }

    #[test]
    fn out_of_range_values_are_clipped() {
        assert_eq!(spectral(-3.0), spectral(0.0));
        assert_eq!(spectral(7.0), spectral(1.0));
        assert_eq!(spectral(f64::NAN), spectral(0.0));
    }
}
