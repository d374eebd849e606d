//! The embedded font. Registering DejaVu Sans under plotters' "sans-serif" family means text is
//! rasterised by `ab_glyph` from bytes compiled into the crate: no fontconfig, no system fonts,
//! and the same pixels on every machine.

use std::sync::OnceLock;

use plotters::style::{register_font, FontStyle};

use crate::VizError;

/// DejaVu Sans (see `assets/LICENSE-DejaVu.txt`).
static DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The family every text style uses. SVG output names it too, so viewers substitute their own
/// sans-serif there.
pub(crate) const FAMILY: &str = "sans-serif";

/// Registers the font once per process.
pub(crate) fn ensure_registered() -> Result<(), VizError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok =
        *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok {
        Ok(())
    } else {
        Err(VizError::Font)
    }
}
