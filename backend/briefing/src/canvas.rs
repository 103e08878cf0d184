//! What the layout draws on: the PDF writer and the rasteriser implement the
//! same few operations, so one layout gives both formats. Coordinates are
//! PDF points (1/72 in) on an A4 page, origin top left, y downwards.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef};

pub const PAGE_W: f32 = 595.0;
pub const PAGE_H: f32 = 842.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    pub const WHITE: Rgb = Rgb(255, 255, 255);
    pub const GREY: Rgb = Rgb(110, 110, 110);
    pub const LIGHT: Rgb = Rgb(232, 232, 232);
    pub const NAVY: Rgb = Rgb(22, 48, 92);
    pub const BLUE: Rgb = Rgb(49, 104, 176);
    pub const PALE_BLUE: Rgb = Rgb(170, 196, 228);
    /// Hotspot fill: a colour-blind-safe orange-red.
    pub const HOT: Rgb = Rgb(230, 97, 1);
    pub const RED: Rgb = Rgb(178, 24, 43);
}

/// A polygon's rings (outer and holes), each a closed list of points.
pub type Rings = Vec<Vec<(f32, f32)>>;

pub trait Canvas {
    /// Starts the next page (called before drawing on each page).
    fn begin_page(&mut self);
    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Rgb);
    /// Fills (even-odd) and/or strokes a set of rings.
    fn path(&mut self, rings: &Rings, fill: Option<Rgb>, stroke: Option<(Rgb, f32)>);
    fn polyline(&mut self, points: &[(f32, f32)], colour: Rgb, width: f32);
    /// Text with its baseline at `y`.
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, colour: Rgb, text: &str);
    /// Restricts drawing to a rectangle until [`Canvas::unclip`].
    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32);
    fn unclip(&mut self);
}

pub struct Fonts {
    pub regular: FontRef<'static>,
    pub bold: FontRef<'static>,
}

/// Liberation Sans 2 (SIL Open Font License 1.1, see fonts/LICENSE-OFL.txt):
/// metric-compatible with Helvetica/Arial, so text measured here fits the
/// PDF's Helvetica too.
pub fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: FontRef::try_from_slice(include_bytes!("../fonts/LiberationSans-Regular.ttf"))
            .expect("bundled font parses"),
        bold: FontRef::try_from_slice(include_bytes!("../fonts/LiberationSans-Bold.ttf"))
            .expect("bundled font parses"),
    })
}

/// Width of `text` in points at `size`.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let f = fonts();
    let font = if bold { &f.bold } else { &f.regular };
    let upem = font.units_per_em().unwrap_or(2048.0);
    text.chars()
        .map(|c| font.h_advance_unscaled(font.glyph_id(c)))
        .sum::<f32>()
        * size
        / upem
}

/// Splits `text` into lines no wider than `width`.
pub fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(&candidate, size, bold) > width {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Shortens `text` with "…" to fit `width`.
pub fn fit(text: &str, size: f32, bold: bool, width: f32) -> String {
    if text_width(text, size, bold) <= width {
        return text.to_string();
    }
    let mut s: String = text.to_string();
    while !s.is_empty() && text_width(&format!("{s}…"), size, bold) > width {
        s.pop();
    }
    format!("{}…", s.trim_end())
}
