//! The PDF canvas: real text in Helvetica (base-14, WinAnsi encoding, so no
//! font is embedded and every viewer can extract and search it), vector
//! paths for the map and chart, Flate-compressed content streams.

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::canvas::{Canvas, Rgb, Rings, PAGE_H, PAGE_W};

pub struct PdfCanvas {
    pages: Vec<Content>,
}

const REGULAR: Name = Name(b"F1");
const BOLD: Name = Name(b"F2");

/// Base letters of Latin Extended-A (U+0100–U+017F), for characters
/// WinAnsi lacks: Welsh place names' ŵ and ŷ become w and y rather than "?".
const LATIN_EXTENDED_A: &[u8; 128] = b"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

/// Encodes text in WinAnsiEncoding (Windows-1252), which Helvetica uses:
/// Latin-1 characters map to themselves, a few typographic ones and
/// letters to their 0x80–0x9F codes, other Latin letters with diacritics to
/// the bare letter; anything else becomes "?".
pub fn winansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            'Š' => 0x8A,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            'š' => 0x9A,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            '\u{100}'..='\u{17f}' => LATIN_EXTENDED_A[c as usize - 0x100],
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '™' => 0x99,
            '−' => b'-',
            _ => b'?',
        })
        .collect()
}

fn colour(c: Rgb) -> (f32, f32, f32) {
    (c.0 as f32 / 255.0, c.1 as f32 / 255.0, c.2 as f32 / 255.0)
}

impl PdfCanvas {
    pub fn new() -> Self {
        PdfCanvas { pages: Vec::new() }
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        self.pages.last_mut().expect("a page")
    }

    /// The finished document.
    pub fn finish(self, title: &str) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let first = 6;
        let page_ids: Vec<Ref> = (0..self.pages.len())
            .map(|i| Ref::new(first + 2 * i as i32))
            .collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(page_ids.len() as i32);
        for (i, content) in self.pages.into_iter().enumerate() {
            let page_id = page_ids[i];
            let content_id = Ref::new(page_id.get() + 1);
            let mut page = pdf.page(page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
            page.parent(tree);
            page.contents(content_id);
            let mut resources = page.resources();
            resources.fonts().pair(REGULAR, regular).pair(BOLD, bold);
            resources.finish();
            page.finish();
            let raw = content.finish();
            let compressed = deflate(&raw);
            pdf.stream(content_id, &compressed)
                .filter(Filter::FlateDecode);
        }
        pdf.type1_font(regular)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold)
            .base_font(Name(b"Helvetica-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("Hotspot"));
        pdf.finish()
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("writing to memory");
    e.finish().expect("writing to memory")
}

fn flip(y: f32) -> f32 {
    PAGE_H - y
}

impl Canvas for PdfCanvas {
    fn begin_page(&mut self) {
        self.pages.push(Content::new());
    }

    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Rgb) {
        let (r, g, b) = colour(fill);
        self.page()
            .set_fill_rgb(r, g, b)
            .rect(x, flip(y + h), w, h)
            .fill_nonzero();
    }

    fn path(&mut self, rings: &Rings, fill: Option<Rgb>, stroke: Option<(Rgb, f32)>) {
        if rings.iter().all(|r| r.len() < 2) || (fill.is_none() && stroke.is_none()) {
            return;
        }
        let c = self.page();
        if let Some(f) = fill {
            let (r, g, b) = colour(f);
            c.set_fill_rgb(r, g, b);
        }
        if let Some((s, w)) = stroke {
            let (r, g, b) = colour(s);
            c.set_stroke_rgb(r, g, b).set_line_width(w);
        }
        for ring in rings.iter().filter(|r| r.len() >= 2) {
            c.move_to(ring[0].0, flip(ring[0].1));
            for &(x, y) in &ring[1..] {
                c.line_to(x, flip(y));
            }
            c.close_path();
        }
        match (fill, stroke) {
            (Some(_), Some(_)) => c.fill_even_odd_and_stroke(),
            (Some(_), None) => c.fill_even_odd(),
            _ => c.stroke(),
        };
    }

    fn polyline(&mut self, points: &[(f32, f32)], colour_: Rgb, width: f32) {
        if points.len() < 2 {
            return;
        }
        let (r, g, b) = colour(colour_);
        let c = self.page();
        c.set_stroke_rgb(r, g, b).set_line_width(width);
        c.move_to(points[0].0, flip(points[0].1));
        for &(x, y) in &points[1..] {
            c.line_to(x, flip(y));
        }
        c.stroke();
    }

    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, colour_: Rgb, text: &str) {
        let (r, g, b) = colour(colour_);
        let bytes = winansi(text);
        let c = self.page();
        c.set_fill_rgb(r, g, b)
            .begin_text()
            .set_font(if bold { BOLD } else { REGULAR }, size)
            .next_line(x, flip(y))
            .show(Str(&bytes))
            .end_text();
    }

    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.page()
            .save_state()
            .rect(x, flip(y + h), w, h)
            .clip_nonzero()
            .end_path();
    }

    fn unclip(&mut self) {
        self.page().restore_state();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_encoded_in_winansi() {
        assert_eq!(winansi("£5 — Böhm…"), b"\xa35 \x97 B\xf6hm\x85".to_vec());
        assert_eq!(winansi("中"), b"?".to_vec());
        assert_eq!(winansi("Ŵyddgrug Ŷ ő Ł ſ"), b"Wyddgrug Y o L s".to_vec());
        assert_eq!(winansi("Šœ"), b"\x8a\x9c".to_vec());
    }
}
