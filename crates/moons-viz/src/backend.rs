//! Turning a figure into bytes (PNG, or SVG for `.svg` paths) and writing it atomically.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{font, VizError};

/// What drawing code returns: a backend error as text (the path is attached by [`save`]).
pub(crate) type DrawResult<T = ()> = Result<T, String>;

/// Converts any plotters error into a [`DrawResult`] error.
pub(crate) fn fail<E: std::fmt::Display>(err: E) -> String {
    err.to_string()
}

/// Something that can draw itself on any plotters backend.
pub(crate) trait Figure {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws on `root`, which is already white.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// The file formats figures are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A PNG bitmap (the default).
    Png,
    /// Scalable vector graphics, chosen by a `.svg` extension (any case).
    Svg,
}

impl Format {
    /// SVG when `path` ends in `.svg`, PNG otherwise.
    pub fn for_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("svg") => Format::Svg,
            _ => Format::Png,
        }
    }
}

/// Largest width or height accepted, so a mistyped size cannot ask for gigabytes.
pub const MAX_SIDE: u32 = 8192;

/// Renders `figure` and writes it to `path` atomically.
pub(crate) fn save(figure: &impl Figure, path: &Path) -> Result<(), VizError> {
    let bytes = render(figure, Format::for_path(path)).map_err(|message| VizError::Draw {
        path: path.display().to_string(),
        message,
    })?;
    write_atomically(path, &bytes)
}

/// The encoded bytes of `figure` in `format`.
pub(crate) fn render(figure: &impl Figure, format: Format) -> DrawResult<Vec<u8>> {
    font::ensure_registered().map_err(fail)?;
    let (w, h) = figure.size();
    if !(1..=MAX_SIDE).contains(&w) || !(1..=MAX_SIDE).contains(&h) {
        return Err(format!(
            "figure size {w}x{h} is outside 1..={MAX_SIDE} pixels per side"
        ));
    }
    match format {
        Format::Png => {
            let mut rgb = vec![0u8; w as usize * h as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
                root.fill(&WHITE).map_err(fail)?;
                figure.draw(&root)?;
                root.present().map_err(fail)?;
            }
            encode_png(&rgb, w, h)
        }
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
                root.fill(&WHITE).map_err(fail)?;
                figure.draw(&root)?;
                root.present().map_err(fail)?;
            }
            Ok(svg.into_bytes())
        }
    }
}

/// A PNG of 8-bit RGB pixels with no timestamp or other varying chunk, so equal pixels give
/// equal files.
fn encode_png(rgb: &[u8], w: u32, h: u32) -> DrawResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(rgb).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

/// Writes `bytes` through [`moons_datasets::AtomicFile`]: readers never see a half-written
/// figure and a failure leaves any old figure in place.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), VizError> {
    moons_datasets::AtomicFile::create(path)
        .and_then(|file| file.write_bytes(bytes))
        .map_err(|source| VizError::Io {
            path: path.display().to_string(),
            source,
        })
}
