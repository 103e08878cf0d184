//! "Map image (PNG)": the map canvas with a caption, the legend and the
//! attribution drawn under it, so an exported map is self-explanatory and
//! carries the licence notice.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

use super::js;
use super::map::{Map, BOUNDARIES, OGL};
use crate::classify::LegendItem;

/// The banner on a map image that may hold counts the public may not see.
pub const NOT_FOR_PUBLICATION: &str =
    "NOT FOR PUBLICATION: small counts are not suppressed in this image";

/// Draws the export and returns it as a `data:image/png` URL. `marking`
/// is written in a red band across the top of the map.
pub fn compose(
    map: &Map,
    title: &str,
    legend: &[(String, Vec<LegendItem>)],
    marking: Option<&str>,
) -> Result<String, JsValue> {
    let src = map.canvas().ok_or("no map canvas")?;
    let (w, h) = (src.width() as f64, src.height() as f64);
    let ratio = js::window().device_pixel_ratio().max(1.0);
    let line = 16.0 * ratio;
    let pad = 10.0 * ratio;
    // Legend in columns of up to 7 rows each.
    let col_w = 260.0 * ratio;
    let cols_per_row = ((w - 2.0 * pad) / col_w).floor().max(1.0) as usize;
    let blocks: usize = legend.len();
    let block_rows = blocks
        .div_ceil(cols_per_row)
        .max(if blocks == 0 { 0 } else { 1 });
    let max_items = legend.iter().map(|(_, i)| i.len()).max().unwrap_or(0) as f64;
    let legend_h = block_rows as f64 * (max_items + 1.5) * line;
    let footer = pad * 2.0 + line * 1.6 + legend_h + line * 2.4;
    let out: web_sys::HtmlCanvasElement = js::document().create_element("canvas")?.unchecked_into();
    out.set_width(w as u32);
    out.set_height((h + footer) as u32);
    let ctx: CanvasRenderingContext2d = out
        .get_context("2d")?
        .ok_or("no 2d context")?
        .unchecked_into();
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w, h + footer);
    ctx.draw_image_with_html_canvas_element(&src, 0.0, 0.0)?;
    ctx.set_stroke_style_str("#888888");
    ctx.stroke_rect(0.5, 0.5, w - 1.0, h - 1.0);
    let font = |size: f64, bold: bool| {
        format!(
            "{}{}px \"Noto Sans\", sans-serif",
            if bold { "bold " } else { "" },
            (size * ratio).round()
        )
    };
    if let Some(text) = marking {
        ctx.set_fill_style_str("#b2182b");
        ctx.fill_rect(0.0, 0.0, w, line * 1.6);
        ctx.set_fill_style_str("#ffffff");
        ctx.set_font(&font(13.0, true));
        ctx.fill_text(text, pad, line * 1.1)?;
    }
    let mut y = h + pad + line;
    ctx.set_fill_style_str("#1b1b1b");
    ctx.set_font(&font(15.0, true));
    ctx.fill_text(&format!("Hotspot: {title}"), pad, y)?;
    y += line * 0.6;
    for (i, (heading, items)) in legend.iter().enumerate() {
        let col = i % cols_per_row;
        let row = i / cols_per_row;
        let x0 = pad + col as f64 * col_w;
        let mut yy = y + row as f64 * (max_items + 1.5) * line + line;
        ctx.set_fill_style_str("#1b1b1b");
        ctx.set_font(&font(12.0, true));
        ctx.fill_text(heading, x0, yy)?;
        ctx.set_font(&font(12.0, false));
        for it in items {
            yy += line;
            if it.colour != "transparent" {
                ctx.set_fill_style_str(&it.colour);
                ctx.fill_rect(x0, yy - line * 0.7, 18.0 * ratio, line * 0.7);
                if it.colour == crate::classify::SUPPRESSED {
                    // The map's hatch: diagonal lines, clipped to the swatch.
                    let (sx, sy, sw, sh) = (x0, yy - line * 0.7, 18.0 * ratio, line * 0.7);
                    ctx.save();
                    ctx.begin_path();
                    ctx.rect(sx, sy, sw, sh);
                    ctx.clip();
                    ctx.set_stroke_style_str(crate::classify::HATCH);
                    ctx.begin_path();
                    let step = 4.0 * ratio;
                    let mut d = -sh;
                    while d < sw {
                        ctx.move_to(sx + d, sy + sh);
                        ctx.line_to(sx + d + sh, sy);
                        d += step;
                    }
                    ctx.stroke();
                    ctx.restore();
                }
                ctx.set_stroke_style_str("#555555");
                ctx.stroke_rect(x0, yy - line * 0.7, 18.0 * ratio, line * 0.7);
            }
            ctx.set_fill_style_str("#1b1b1b");
            ctx.fill_text(
                &format!("{} ({})", it.label, it.count),
                x0 + 24.0 * ratio,
                yy,
            )?;
        }
    }
    let mut ya = h + footer - pad - line * 1.2;
    ctx.set_font(&font(11.0, false));
    ctx.set_fill_style_str("#333333");
    for text in [OGL, BOUNDARIES] {
        ctx.fill_text(text, pad, ya)?;
        ya += line;
    }
    out.to_data_url_with_type("image/png")
}
