//! Colours: matplotlib's Spectral colour map (the seed's `cmap=plt.cm.Spectral`) and the
//! default line colours of matplotlib ("tab10").

use plotters::style::RGBColor;

/// The eleven ColorBrewer anchors of matplotlib's `Spectral`, evenly spaced on `[0, 1]`.
const SPECTRAL: [(f64, f64, f64); 11] = [
    (
        0.619_607_843_137_254_9,
        0.003_921_568_627_450_98,
        0.258_823_529_411_764_7,
    ),
    (
        0.835_294_117_647_058_8,
        0.243_137_254_901_960_8,
        0.309_803_921_568_627_46,
    ),
    (
        0.956_862_745_098_039_3,
        0.427_450_980_392_156_84,
        0.262_745_098_039_215_7,
    ),
    (
        0.992_156_862_745_098_1,
        0.682_352_941_176_470_6,
        0.380_392_156_862_745_08,
    ),
    (
        0.996_078_431_372_549,
        0.878_431_372_549_019_6,
        0.545_098_039_215_686_2,
    ),
    (1.0, 1.0, 0.749_019_607_843_137_3),
    (
        0.901_960_784_313_725_5,
        0.960_784_313_725_490_2,
        0.596_078_431_372_549,
    ),
    (
        0.670_588_235_294_117_6,
        0.866_666_666_666_666_7,
        0.643_137_254_901_960_8,
    ),
    (0.4, 0.760_784_313_725_490_2, 0.647_058_823_529_411_8),
    (
        0.196_078_431_372_549_02,
        0.533_333_333_333_333_3,
        0.741_176_470_588_235_3,
    ),
    (
        0.368_627_450_980_392_2,
        0.309_803_921_568_627_46,
        0.635_294_117_647_058_8,
    ),
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
    RGBColor(
        channel(a.0 + t * (b.0 - a.0)),
        channel(a.1 + t * (b.1 - a.1)),
        channel(a.2 + t * (b.2 - a.2)),
    )
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
