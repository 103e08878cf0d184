//! The raster canvas: the pages one under another on a white pixmap at 2
//! pixels per point (144 dpi), text from the bundled Liberation Sans.

use ab_glyph::{point, Font, PxScale, ScaleFont};
use tiny_skia::{Color, FillRule, Mask, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

use crate::canvas::{fonts, Canvas, Rgb, Rings, PAGE_H, PAGE_W};
use crate::BriefingError;

/// Pixels per point.
const SCALE: f32 = 2.0;
/// Grey gap between pages, points.
const GAP: f32 = 12.0;

pub struct RasterCanvas {
    pixmap: Pixmap,
    /// Index of the page being drawn (-1 before the first).
    page: i32,
    mask: Option<Mask>,
}

fn paint(c: Rgb) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(c.0, c.1, c.2, 255);
    p.anti_alias = true;
    p
}

impl RasterCanvas {
    pub fn new(pages: usize) -> Self {
        let pages = pages.max(1);
        let h = PAGE_H * pages as f32 + GAP * (pages - 1) as f32;
        let mut pixmap = Pixmap::new((PAGE_W * SCALE) as u32, (h * SCALE).ceil() as u32)
            .expect("page size is positive");
        pixmap.fill(Color::from_rgba8(160, 160, 160, 255));
        RasterCanvas {
            pixmap,
            page: -1,
            mask: None,
        }
    }

    fn offset(&self) -> f32 {
        self.page.max(0) as f32 * (PAGE_H + GAP)
    }

    fn transform(&self) -> Transform {
        Transform::from_row(SCALE, 0.0, 0.0, SCALE, 0.0, self.offset() * SCALE)
    }

    pub fn encode(self) -> Result<Vec<u8>, BriefingError> {
        self.pixmap
            .encode_png()
            .map_err(|e| BriefingError::Png(e.to_string()))
    }
}

impl Canvas for RasterCanvas {
    fn begin_page(&mut self) {
        self.page += 1;
        self.mask = None;
        let t = self.transform();
        if let Some(r) = Rect::from_xywh(0.0, 0.0, PAGE_W, PAGE_H) {
            self.pixmap.fill_rect(r, &paint(Rgb::WHITE), t, None);
        }
    }

    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Rgb) {
        if let Some(r) = Rect::from_xywh(x, y, w, h) {
            let t = self.transform();
            self.pixmap
                .fill_rect(r, &paint(fill), t, self.mask.as_ref());
        }
    }

    fn path(&mut self, rings: &Rings, fill: Option<Rgb>, stroke: Option<(Rgb, f32)>) {
        let mut pb = PathBuilder::new();
        for ring in rings.iter().filter(|r| r.len() >= 2) {
            pb.move_to(ring[0].0, ring[0].1);
            for &(x, y) in &ring[1..] {
                pb.line_to(x, y);
            }
            pb.close();
        }
        let Some(path) = pb.finish() else { return };
        let t = self.transform();
        if let Some(f) = fill {
            self.pixmap
                .fill_path(&path, &paint(f), FillRule::EvenOdd, t, self.mask.as_ref());
        }
        if let Some((s, w)) = stroke {
            let stroke = Stroke {
                width: w,
                ..Stroke::default()
            };
            self.pixmap
                .stroke_path(&path, &paint(s), &stroke, t, self.mask.as_ref());
        }
    }

    fn polyline(&mut self, points: &[(f32, f32)], colour: Rgb, width: f32) {
        if points.len() < 2 {
            return;
        }
        let mut pb = PathBuilder::new();
        pb.move_to(points[0].0, points[0].1);
        for &(x, y) in &points[1..] {
            pb.line_to(x, y);
        }
        let Some(path) = pb.finish() else { return };
        let stroke = Stroke {
            width,
            ..Stroke::default()
        };
        let t = self.transform();
        self.pixmap
            .stroke_path(&path, &paint(colour), &stroke, t, self.mask.as_ref());
    }

    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, colour: Rgb, text: &str) {
        let f = fonts();
        let font = if bold { &f.bold } else { &f.regular };
        let upem = font.units_per_em().unwrap_or(2048.0);
        // ab_glyph's scale is the font's ascent-to-descent height in pixels;
        // the PDF's font size is the em.
        let px = size * SCALE;
        let scale = PxScale::from(px * font.height_unscaled() / upem);
        let scaled = font.as_scaled(scale);
        let mut pen = x * SCALE;
        let baseline = (y + self.offset()) * SCALE;
        let (w, h) = (self.pixmap.width() as i32, self.pixmap.height() as i32);
        let (cr, cg, cb) = (colour.0 as f32, colour.1 as f32, colour.2 as f32);
        let data = self.pixmap.data_mut();
        for c in text.chars() {
            let id = font.glyph_id(c);
            let glyph = id.with_scale_and_position(scale, point(pen, baseline));
            pen += scaled.h_advance(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i32 + gx as i32;
                let py = bounds.min.y as i32 + gy as i32;
                if px < 0 || py < 0 || px >= w || py >= h {
                    return;
                }
                let a = coverage.clamp(0.0, 1.0);
                let i = (py as usize * w as usize + px as usize) * 4;
                // Opaque background: blend each channel towards the colour.
                for (k, target) in [cr, cg, cb].into_iter().enumerate() {
                    let d = data[i + k] as f32;
                    data[i + k] = (d + (target - d) * a).round() as u8;
                }
                data[i + 3] = 255;
            });
        }
    }

    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let mut mask = Mask::new(self.pixmap.width(), self.pixmap.height());
        if let (Some(m), Some(r)) = (mask.as_mut(), Rect::from_xywh(x, y, w, h)) {
            let path = PathBuilder::from_rect(r);
            m.fill_path(&path, FillRule::Winding, false, self.transform());
        }
        self.mask = mask;
    }

    fn unclip(&mut self) {
        self.mask = None;
    }
}
