//! How charts look: the bundled font, the colour-blind-safe palette, line
//! patterns that stay apart in grey, and the sequential colour map of heatmaps.

use std::sync::Once;

use plotters::style::{FontStyle, RGBColor, register_font};

/// The family every chart's text is set in. DejaVu Sans ships with the
/// project (assets/fonts, Bitstream Vera licence), so a machine with no font
/// packages draws the same picture.
pub const FONT: &str = "DejaVu Sans";
pub static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Register the bundled font with plotters, once per process. "sans-serif"
/// is plotters' default family for anything not given a font explicitly.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for family in [FONT, "sans-serif"] {
            // The bytes are a valid TrueType file compiled in; a failure here is a broken build.
            register_font(family, FontStyle::Normal, FONT_BYTES).unwrap_or_else(|_| panic!("the bundled font is not a valid TrueType file"));
        }
    });
}

/// Okabe and Ito's palette (2008), distinct for the common colour-vision
/// deficiencies; ordered so that neighbours differ in lightness too.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(0, 0, 0),       // black
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(240, 228, 66),  // yellow
];

pub const GREY: RGBColor = RGBColor(120, 120, 120);
pub const LIGHT: RGBColor = RGBColor(225, 225, 225);
pub const INK: RGBColor = RGBColor(30, 30, 30);

/// The k-th colour of the palette, cycling.
pub fn colour(k: usize) -> RGBColor {
    PALETTE[k % PALETTE.len()]
}

/// Dash patterns (dash, gap in pixels; 0 = solid), so that lines of one
/// chart stay apart when printed in grey.
pub const DASHES: [(u32, u32); 4] = [(0, 0), (8, 4), (2, 3), (12, 4)];

pub fn dash(k: usize) -> (u32, u32) {
    DASHES[k % DASHES.len()]
}

/// Viridis (van der Walt and Smith), sampled at 9 points and interpolated:
/// perceptually even, and monotone in lightness, so it reads in grey.
const VIRIDIS: [(u8, u8, u8); 9] =
    [(68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141), (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37)];

/// The colour of t in [0, 1] on the viridis map.
pub fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let k = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - k as f64;
    let lerp = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    let (a, b) = (VIRIDIS[k], VIRIDIS[k + 1]);
    RGBColor(lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lightness(c: RGBColor) -> f64 {
        0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2)
    }

    #[test]
    fn viridis_gets_lighter_from_end_to_end() {
        let l: Vec<f64> = (0..=20).map(|k| lightness(viridis(f64::from(k) / 20.0))).collect();
        assert!(l.windows(2).all(|w| w[1] > w[0]), "{l:?}");
    }

    #[test]
    fn neighbouring_palette_colours_differ_in_grey() {
        for k in 0..PALETTE.len() - 1 {
            let d = (lightness(PALETTE[k]) - lightness(PALETTE[k + 1])).abs();
            assert!(d > 20.0, "colours {k} and {} are {d:.0} apart in grey", k + 1);
        }
    }
}
