//! The briefing's pages, drawn on any [`Canvas`].
//!
//! Page 1: title band, map with legend, key figures, the counts table and
//! the monthly trend chart. Page 2: hotspots, interventions, notes and how
//! to read the figures. Every page ends with the attribution and licence.

use geo::InteriorPoint;
use geo_types::{MultiPolygon, Polygon};
use hotspot_basemap::{AreaKind, BaseLayers, LineKind};
use hotspot_engine::{GroupRow, WardBriefing};

use crate::canvas::{fit, text_width, wrap, Canvas, Rgb, Rings, PAGE_H, PAGE_W};

const MARGIN: f32 = 36.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Where the attribution footer starts.
const FOOTER_Y: f32 = PAGE_H - 52.0;

pub fn page_count(_b: &WardBriefing) -> usize {
    2
}

/// Where the map sits on page 1 (x, y, width, height in points).
const MAP_BOX: (f32, f32, f32, f32) = (MARGIN, 92.0, 300.0, 300.0);

/// The BNG extent the map shows: the briefing's frame widened to the map
/// box's shape. A basemap is read for this extent.
pub fn map_extent(b: &WardBriefing) -> [f64; 4] {
    let t = MapTransform::new(b.map.frame, MAP_BOX);
    let (hw, hh) = (
        MAP_BOX.2 as f64 / 2.0 / t.scale,
        MAP_BOX.3 as f64 / 2.0 / t.scale,
    );
    [t.cx - hw, t.cy - hh, t.cx + hw, t.cy + hh]
}

pub fn draw(b: &WardBriefing, basemap: Option<&BaseLayers>, c: &mut dyn Canvas) {
    let pages = page_count(b);
    c.begin_page();
    header(b, c, false);
    let map_box = MAP_BOX;
    map(b, basemap, c, map_box);
    legend(
        b,
        basemap.is_some(),
        c,
        MARGIN,
        map_box.1 + map_box.3 + 14.0,
    );
    key_figures(b, c, MARGIN + 316.0, 112.0, CONTENT_W - 316.0);
    let table_end = counts_table(b, c, MARGIN, 448.0);
    trend_chart(
        b,
        c,
        MARGIN,
        table_end + 18.0,
        CONTENT_W,
        FOOTER_Y - table_end - 30.0,
    );
    footer(b, c, 1, pages);

    c.begin_page();
    header(b, c, true);
    let mut y = 100.0;
    y = hotspots(b, c, y);
    y = interventions(b, c, y + 14.0);
    y = notes(b, c, y + 14.0);
    how_to_read(b, c, y + 14.0);
    footer(b, c, 2, pages);
}

fn int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn signed(n: i64) -> String {
    match n {
        n if n > 0 => format!("+{}", int(n as u64)),
        n if n < 0 => format!("-{}", int(n.unsigned_abs())),
        _ => "0".into(),
    }
}

fn count_text(b: &WardBriefing, n: Option<u64>, suppressed: bool) -> String {
    match n {
        Some(n) => int(n),
        None if suppressed => b.withheld_label(),
        None => "–".into(),
    }
}

fn header(b: &WardBriefing, c: &mut dyn Canvas, continued: bool) {
    c.fill_rect(0.0, 0.0, PAGE_W, 74.0, Rgb::NAVY);
    let title = format!(
        "Ward briefing: {} ({}){}",
        b.name,
        b.code,
        if continued { ", continued" } else { "" }
    );
    c.text(
        MARGIN,
        30.0,
        17.0,
        true,
        Rgb::WHITE,
        &fit(&title, 17.0, true, CONTENT_W),
    );
    let mut sub = format!("Period {}", b.period);
    if let Some(cmp) = &b.comparison {
        sub.push_str(&format!(", compared with {cmp}"));
    }
    c.text(
        MARGIN,
        47.0,
        9.0,
        false,
        Rgb::WHITE,
        &fit(&sub, 9.0, false, CONTENT_W),
    );
    let what = format!("{}. Prepared {}.", capitalise(&b.selection), b.as_of);
    c.text(
        MARGIN,
        60.0,
        9.0,
        false,
        Rgb::WHITE,
        &fit(&what, 9.0, false, CONTENT_W),
    );
    let (mark, colour) = if b.public {
        ("PUBLIC — small counts suppressed", Rgb(0, 110, 70))
    } else {
        ("NOT FOR PUBLICATION — unsuppressed counts", Rgb::RED)
    };
    let w = text_width(mark, 8.5, true) + 12.0;
    c.fill_rect(PAGE_W - MARGIN - w, 78.0, w, 14.0, colour);
    c.text(PAGE_W - MARGIN - w + 6.0, 88.0, 8.5, true, Rgb::WHITE, mark);
}

fn capitalise(s: &str) -> String {
    let mut ch = s.chars();
    match ch.next() {
        Some(f) => f.to_uppercase().collect::<String>() + ch.as_str(),
        None => String::new(),
    }
}

fn footer(b: &WardBriefing, c: &mut dyn Canvas, page: usize, pages: usize) {
    c.polyline(
        &[(MARGIN, FOOTER_Y - 6.0), (PAGE_W - MARGIN, FOOTER_Y - 6.0)],
        Rgb::LIGHT,
        0.8,
    );
    let mut y = FOOTER_Y + 2.0;
    for line in &b.attribution {
        for l in wrap(line, 6.5, false, CONTENT_W) {
            c.text(MARGIN, y, 6.5, false, Rgb::GREY, &l);
            y += 8.0;
        }
    }
    let tail = format!(
        "Hotspot ward briefing {} · {} · page {page} of {pages}",
        b.code, b.as_of
    );
    c.text(MARGIN, y + 2.0, 6.5, false, Rgb::GREY, &tail);
}

/// Maps British National Grid metres into a box, keeping the aspect.
struct MapTransform {
    scale: f64,
    cx: f64,
    cy: f64,
    bx: f32,
    by: f32,
    bw: f32,
    bh: f32,
}

impl MapTransform {
    fn new(frame: [f64; 4], (bx, by, bw, bh): (f32, f32, f32, f32)) -> Self {
        let (fw, fh) = (
            (frame[2] - frame[0]).max(1.0),
            (frame[3] - frame[1]).max(1.0),
        );
        MapTransform {
            scale: (bw as f64 / fw).min(bh as f64 / fh),
            cx: (frame[0] + frame[2]) / 2.0,
            cy: (frame[1] + frame[3]) / 2.0,
            bx,
            by,
            bw,
            bh,
        }
    }

    fn point(&self, x: f64, y: f64) -> (f32, f32) {
        (
            self.bx + self.bw / 2.0 + ((x - self.cx) * self.scale) as f32,
            self.by + self.bh / 2.0 - ((y - self.cy) * self.scale) as f32,
        )
    }

    fn polygon(&self, p: &Polygon<f64>) -> Rings {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| r.0.iter().map(|c| self.point(c.x, c.y)).collect())
            .collect()
    }

    fn multi(&self, m: &MultiPolygon<f64>) -> Rings {
        m.0.iter().flat_map(|p| self.polygon(p)).collect()
    }

    fn inside(&self, (x, y): (f32, f32)) -> bool {
        x > self.bx + 4.0
            && x < self.bx + self.bw - 4.0
            && y > self.by + 8.0
            && y < self.by + self.bh - 4.0
    }
}

/// The ward's busiest streets, busiest first, each a dot and its name where
/// it fits without overlapping one already written.
fn street_labels(b: &WardBriefing, c: &mut dyn Canvas, t: &MapTransform) {
    const SIZE: f32 = 6.0;
    let mut placed: Vec<(f32, f32, f32, f32)> = Vec::new();
    for l in &b.map.labels {
        let (x, y) = t.point(l.xy[0], l.xy[1]);
        let text = fit(&l.street, SIZE, false, 80.0);
        let w = text_width(&text, SIZE, false);
        let rect = (x + 2.0, y - SIZE + 1.0, w, SIZE + 1.0);
        let overlaps = placed.iter().any(|p| {
            rect.0 < p.0 + p.2
                && p.0 < rect.0 + rect.2
                && rect.1 < p.1 + p.3
                && p.1 < rect.1 + rect.3
        });
        if overlaps || !t.inside((x, y)) || !t.inside((rect.0 + w, y)) {
            continue;
        }
        placed.push(rect);
        c.fill_rect(x - 1.0, y - 1.0, 2.0, 2.0, Rgb::BLACK);
        c.text(rect.0, y + 1.0, SIZE, false, Rgb::BLACK, &text);
    }
}

fn map(
    b: &WardBriefing,
    basemap: Option<&BaseLayers>,
    c: &mut dyn Canvas,
    bx: (f32, f32, f32, f32),
) {
    let t = MapTransform::new(b.map.frame, bx);
    c.fill_rect(bx.0, bx.1, bx.2, bx.3, Rgb(246, 246, 243));
    c.clip(bx.0, bx.1, bx.2, bx.3);
    for n in &b.map.neighbours {
        c.path(&t.multi(&n.polygon_bng), Some(Rgb::LIGHT), None);
    }
    c.path(&t.multi(&b.map.ward), Some(Rgb::WHITE), None);
    if let Some(base) = basemap {
        base_areas(base, c, &t);
    }
    for h in &b.hotspots {
        c.path(&t.polygon(&h.polygon_bng), Some(Rgb::HOT), None);
    }
    // Streets over the hotspot fill, so a reader sees which streets it covers.
    if let Some(base) = basemap {
        base_lines(base, c, &t);
    }
    for i in &b.interventions {
        c.path(&t.multi(&i.area_bng), None, Some((Rgb::BLUE, 1.2)));
    }
    for &[x, y] in &b.map.points {
        let (px, py) = t.point(x, y);
        c.fill_rect(px - 0.9, py - 0.9, 1.8, 1.8, Rgb(40, 40, 40));
    }
    for n in &b.map.neighbours {
        c.path(
            &t.multi(&n.polygon_bng),
            None,
            Some((Rgb(150, 150, 150), 0.6)),
        );
    }
    c.path(&t.multi(&b.map.ward), None, Some((Rgb::NAVY, 2.0)));
    street_labels(b, c, &t);
    for h in &b.hotspots {
        if let Some(p) = h.polygon_bng.interior_point() {
            let (x, y) = t.point(p.x(), p.y());
            c.text(x - 2.5, y + 3.0, 8.0, true, Rgb::BLACK, &h.rank.to_string());
        }
    }
    for n in &b.map.neighbours {
        if let Some(p) = n.polygon_bng.interior_point() {
            let (x, y) = t.point(p.x(), p.y());
            let label = fit(&n.name, 6.5, false, 90.0);
            let w = text_width(&label, 6.5, false);
            let at = (x - w / 2.0, y);
            if t.inside(at) && t.inside((at.0 + w, y)) {
                c.text(at.0, at.1, 6.5, false, Rgb::GREY, &label);
            }
        }
    }
    if let Some(base) = basemap {
        credit(&base.attribution, c, bx);
    }
    c.unclip();
    c.path(
        &vec![vec![
            (bx.0, bx.1),
            (bx.0 + bx.2, bx.1),
            (bx.0 + bx.2, bx.1 + bx.3),
            (bx.0, bx.1 + bx.3),
        ]],
        None,
        Some((Rgb::GREY, 0.6)),
    );
    scale_bar(c, &t, bx);
    north_arrow(c, bx.0 + bx.2 - 18.0, bx.1 + 10.0);
}

/// The basemap's water, green space and buildings, under everything else.
fn base_areas(base: &BaseLayers, c: &mut dyn Canvas, t: &MapTransform) {
    for (kind, polygon) in &base.areas {
        let fill = match kind {
            AreaKind::Water => Rgb(198, 217, 232),
            AreaKind::Green => Rgb(218, 230, 206),
            AreaKind::Building => Rgb(226, 223, 216),
        };
        c.path(&t.polygon(polygon), Some(fill), None);
    }
}

/// The basemap's roads and rivers, minor first so major roads lie on top.
fn base_lines(base: &BaseLayers, c: &mut dyn Canvas, t: &MapTransform) {
    for (kind, line) in &base.lines {
        let (colour, width) = match kind {
            LineKind::Path => (Rgb(196, 190, 180), 0.3),
            LineKind::Minor => (Rgb(178, 178, 178), 0.6),
            LineKind::Major => (Rgb(150, 150, 150), 1.2),
            LineKind::Highway => (Rgb(205, 160, 85), 1.8),
            LineKind::Water => (Rgb(150, 185, 215), 1.0),
        };
        let points: Vec<(f32, f32)> = line.0.iter().map(|p| t.point(p.x, p.y)).collect();
        c.polyline(&points, colour, width);
    }
}

/// The basemap's attribution, bottom right inside the map.
fn credit(attribution: &str, c: &mut dyn Canvas, bx: (f32, f32, f32, f32)) {
    const SIZE: f32 = 5.5;
    let text = fit(attribution, SIZE, false, bx.2 * 0.55);
    let w = text_width(&text, SIZE, false);
    let (x, y) = (bx.0 + bx.2 - w - 4.0, bx.1 + bx.3 - 3.0);
    c.fill_rect(x - 2.0, y - SIZE - 1.0, w + 4.0, SIZE + 3.0, Rgb::WHITE);
    c.text(x, y, SIZE, false, Rgb::GREY, &text);
}

fn scale_bar(c: &mut dyn Canvas, t: &MapTransform, bx: (f32, f32, f32, f32)) {
    let target = bx.2 as f64 / 4.0 / t.scale;
    let metres = [
        50.0, 100.0, 200.0, 250.0, 500.0, 1_000.0, 2_000.0, 2_500.0, 5_000.0, 10_000.0, 20_000.0,
        50_000.0,
    ]
    .into_iter()
    .rev()
    .find(|&m| m <= target)
    .unwrap_or(50.0);
    let len = (metres * t.scale) as f32;
    let (x, y) = (bx.0 + 10.0, bx.1 + bx.3 - 12.0);
    c.fill_rect(x - 3.0, y - 11.0, len + 30.0, 17.0, Rgb::WHITE);
    c.fill_rect(x, y, len, 3.0, Rgb::BLACK);
    let label = if metres >= 1000.0 {
        format!("{} km", metres / 1000.0)
    } else {
        format!("{metres} m")
    };
    c.text(x, y - 3.0, 7.0, false, Rgb::BLACK, &label);
}

fn north_arrow(c: &mut dyn Canvas, x: f32, y: f32) {
    c.path(
        &vec![vec![
            (x, y),
            (x + 6.0, y + 16.0),
            (x, y + 12.0),
            (x - 6.0, y + 16.0),
        ]],
        Some(Rgb::BLACK),
        None,
    );
    c.text(x - 3.0, y + 26.0, 8.0, true, Rgb::BLACK, "N");
}

/// Draws a legend symbol at a point.
type Swatch = dyn Fn(&mut dyn Canvas, f32, f32);

fn legend(b: &WardBriefing, basemap: bool, c: &mut dyn Canvas, x: f32, y: f32) {
    let mut items: Vec<(&str, Box<Swatch>)> = vec![
        (
            "This ward",
            Box::new(|c: &mut dyn Canvas, x, y| {
                c.path(&square(x, y), Some(Rgb::WHITE), Some((Rgb::NAVY, 2.0)))
            }),
        ),
        (
            "Other wards",
            Box::new(|c: &mut dyn Canvas, x, y| {
                c.path(
                    &square(x, y),
                    Some(Rgb::LIGHT),
                    Some((Rgb(150, 150, 150), 0.6)),
                )
            }),
        ),
    ];
    if !b.hotspots.is_empty() {
        items.push((
            "Hotspot (top 5% density)",
            Box::new(|c: &mut dyn Canvas, x, y| c.path(&square(x, y), Some(Rgb::HOT), None)),
        ));
    }
    if !b.interventions.is_empty() {
        items.push((
            "Intervention area",
            Box::new(|c: &mut dyn Canvas, x, y| {
                c.path(&square(x, y), None, Some((Rgb::BLUE, 1.2)))
            }),
        ));
    }
    if !b.map.points.is_empty() {
        items.push((
            "Incident",
            Box::new(|c: &mut dyn Canvas, x, y| {
                c.fill_rect(x + 3.0, y + 3.0, 2.5, 2.5, Rgb(40, 40, 40))
            }),
        ));
    }
    let (mut cx, mut cy) = (x, y);
    for (label, swatch) in &items {
        let w = 14.0 + text_width(label, 7.5, false) + 12.0;
        if cx + w > x + 300.0 {
            cx = x;
            cy += 12.0;
        }
        swatch(c, cx, cy - 7.0);
        c.text(cx + 13.0, cy, 7.5, false, Rgb::BLACK, label);
        cx += w;
    }
    let note = if basemap {
        "Streets and water from the deployment's basemap (credited on the map). British National Grid; north is up."
    } else if b.map.labels.is_empty() {
        "No basemap: streets are not drawn. British National Grid; north is up."
    } else {
        "No basemap: the busiest streets are named at police.uk's map points. British National Grid; north is up."
    };
    c.text(x, cy + 12.0, 6.5, false, Rgb::GREY, note);
}

fn square(x: f32, y: f32) -> Rings {
    vec![vec![(x, y), (x + 9.0, y), (x + 9.0, y + 8.0), (x, y + 8.0)]]
}

fn key_figures(b: &WardBriefing, c: &mut dyn Canvas, x: f32, y: f32, w: f32) {
    c.text(x, y + 4.0, 11.0, true, Rgb::NAVY, "Key figures");
    let all = &b.rows[0];
    let mut lines: Vec<(String, String)> = Vec::new();
    lines.push((
        "Residents".into(),
        b.population
            .map(|p| int(p.round() as u64))
            .unwrap_or_else(|| "not loaded".into()),
    ));
    lines.push(("Incidents".into(), count_text(b, all.count, all.suppressed)));
    lines.push((
        "Per 1,000 residents".into(),
        all.rate_per_1000
            .map(|r| format!("{r:.1}"))
            .unwrap_or_else(|| "–".into()),
    ));
    if b.comparison.is_some() {
        lines.push((
            "Comparison period".into(),
            count_text(b, all.comparison_count, all.comparison_suppressed),
        ));
        lines.push(("Change".into(), change_text(all)));
        lines.push((
            "Significant change?".into(),
            match (all.change_significant, all.p_value) {
                (Some(true), Some(p)) => format!("yes (p {})", p_text(p)),
                (Some(false), Some(p)) => format!("no (p {})", p_text(p)),
                _ => "–".into(),
            },
        ));
    }
    lines.push((
        "Rank by count".into(),
        format!("{} of {} wards", all.rank, b.wards),
    ));
    if let Some(r) = all.rank_by_rate {
        lines.push(("Rank by rate".into(), format!("{r} of {} wards", b.wards)));
    }
    let mut yy = y + 24.0;
    for (k, v) in &lines {
        c.text(x, yy, 9.0, false, Rgb::GREY, k);
        let v = fit(v, 10.0, true, w * 0.5);
        c.text(
            x + w - text_width(&v, 10.0, true),
            yy,
            10.0,
            true,
            Rgb::BLACK,
            &v,
        );
        c.polyline(&[(x, yy + 4.0), (x + w, yy + 4.0)], Rgb::LIGHT, 0.5);
        yy += 17.0;
    }
    // The three busiest groups in words.
    let mut busiest: Vec<&GroupRow> = b.rows[1..]
        .iter()
        .filter(|r| r.count.is_some_and(|n| n > 0))
        .collect();
    busiest.sort_by_key(|r| std::cmp::Reverse(r.count));
    if !busiest.is_empty() {
        yy += 8.0;
        c.text(x, yy, 9.0, true, Rgb::NAVY, "Most frequent");
        yy += 13.0;
        for r in busiest.iter().take(4) {
            let line = format!("{}: {}", r.name, count_text(b, r.count, r.suppressed));
            c.text(x, yy, 8.5, false, Rgb::BLACK, &fit(&line, 8.5, false, w));
            yy += 12.0;
        }
    }
}

/// "< 0.001" or "= 0.042".
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("= {p:.3}")
    }
}

fn change_text(r: &GroupRow) -> String {
    match (r.change, r.change_pct) {
        (Some(ch), Some(pct)) => format!("{} ({:+.0}%)", signed(ch), pct),
        (Some(ch), None) => signed(ch),
        _ => "–".into(),
    }
}

/// The counts table; returns where it ends.
fn counts_table(b: &WardBriefing, c: &mut dyn Canvas, x: f32, y: f32) -> f32 {
    c.text(
        x,
        y,
        11.0,
        true,
        Rgb::NAVY,
        "Counts, rates and change by crime group",
    );
    let with_cmp = b.comparison.is_some();
    let cols = counts_columns(with_cmp);
    let mut yy = y + 18.0;
    counts_header(c, x, yy, &cols);
    yy += 14.0;
    let max_rows = ((FOOTER_Y - 150.0 - yy) / 11.5).max(3.0) as usize;
    for (i, r) in b.rows.iter().enumerate().take(max_rows) {
        counts_row(b, c, x, yy, i, r, &cols);
        yy += 11.5;
    }
    for l in wrap(&counts_note(b), 7.0, false, CONTENT_W) {
        c.text(x, yy + 2.0, 7.0, false, Rgb::GREY, &l);
        yy += 9.0;
    }
    yy
}

/// The counts table's columns as (header, right edge offset); the first
/// column (the group name) is left-aligned and not listed. With a
/// comparison period there are three more columns, so all are narrower.
fn counts_columns(with_cmp: bool) -> Vec<(&'static str, f32)> {
    if with_cmp {
        vec![
            ("Count", 245.0),
            ("Per 1,000", 295.0),
            ("Before", 340.0),
            ("Change", 405.0),
            ("Sig.", 440.0),
            ("Rank", 480.0),
            ("By rate", CONTENT_W),
        ]
    } else {
        vec![
            ("Count", 300.0),
            ("Per 1,000", 370.0),
            ("Rank", 440.0),
            ("By rate", CONTENT_W),
        ]
    }
}

/// The shaded header row of the counts table, at baseline `yy`.
fn counts_header(c: &mut dyn Canvas, x: f32, yy: f32, cols: &[(&str, f32)]) {
    c.fill_rect(x, yy - 10.0, CONTENT_W, 14.0, Rgb(225, 232, 242));
    c.text(x + 3.0, yy, 8.0, true, Rgb::BLACK, "Crime group");
    for (h, right) in cols {
        c.text(
            x + right - 3.0 - text_width(h, 8.0, true),
            yy,
            8.0,
            true,
            Rgb::BLACK,
            h,
        );
    }
}

/// One row of the counts table (row `i`; row 0, all crime, in bold; odd
/// rows banded), its cells right-aligned under `cols`.
fn counts_row(
    b: &WardBriefing,
    c: &mut dyn Canvas,
    x: f32,
    yy: f32,
    i: usize,
    r: &GroupRow,
    cols: &[(&str, f32)],
) {
    let with_cmp = b.comparison.is_some();
    if i % 2 == 1 {
        c.fill_rect(x, yy - 8.5, CONTENT_W, 11.5, Rgb(247, 247, 247));
    }
    let bold = i == 0;
    let name_w = if with_cmp { 190.0 } else { 240.0 };
    c.text(
        x + 3.0,
        yy,
        8.0,
        bold,
        Rgb::BLACK,
        &fit(&r.name, 8.0, bold, name_w),
    );
    for ((_, right), cell) in cols.iter().zip(&count_cells(b, r, with_cmp)) {
        c.text(
            x + right - 3.0 - text_width(cell, 8.0, bold),
            yy,
            8.0,
            bold,
            Rgb::BLACK,
            cell,
        );
    }
}

/// The texts of one group's cells, in the order of [`counts_columns`].
fn count_cells(b: &WardBriefing, r: &GroupRow, with_cmp: bool) -> Vec<String> {
    let mut cells = vec![
        count_text(b, r.count, r.suppressed),
        r.rate_per_1000
            .map(|v| format!("{v:.1}"))
            .unwrap_or_else(|| "–".into()),
    ];
    if with_cmp {
        cells.push(count_text(b, r.comparison_count, r.comparison_suppressed));
        cells.push(change_text(r));
        cells.push(match r.change_significant {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => "–".into(),
        });
    }
    cells.push(r.rank.to_string());
    cells.push(r.rank_by_rate.map_or("–".into(), |v| v.to_string()));
    cells
}

/// The note under the counts table: what ranks, change and the withheld
/// mark mean (only the parts that apply to this briefing).
fn counts_note(b: &WardBriefing) -> String {
    let mut note = format!("Ranks are among all {} wards (1 = highest).", b.wards);
    if b.comparison.is_some() {
        note.push_str(" Change is against the comparison period scaled to the same length; Sig. = exact Poisson test, p < 0.05.");
    }
    if b.public {
        note.push_str(&format!(
            " {} = fewer than {} incidents, withheld with its rate and change.",
            b.withheld_label(),
            b.suppress_below
        ));
    }
    note
}

fn trend_chart(b: &WardBriefing, c: &mut dyn Canvas, x: f32, y: f32, w: f32, h: f32) {
    c.text(x, y, 11.0, true, Rgb::NAVY, "Monthly trend");
    c.text(
        x + 90.0,
        y,
        7.5,
        false,
        Rgb::GREY,
        "dark bars: the briefing period; gaps: months with no data loaded",
    );
    if b.trend.is_empty() || h < 60.0 {
        return;
    }
    let (px, py, pw, ph) = (x + 30.0, y + 14.0, w - 34.0, h - 34.0);
    let max = b
        .trend
        .iter()
        .filter_map(|t| t.count)
        .max()
        .unwrap_or(0)
        .max(1);
    let step = nice_step(max);
    let top = max.div_ceil(step) * step;
    let ys = |v: u64| py + ph - ph * v as f32 / top as f32;
    let mut v = 0;
    while v <= top {
        let yy = ys(v);
        c.polyline(&[(px, yy), (px + pw, yy)], Rgb::LIGHT, 0.5);
        let label = int(v);
        c.text(
            px - 4.0 - text_width(&label, 7.0, false),
            yy + 2.5,
            7.0,
            false,
            Rgb::GREY,
            &label,
        );
        v += step;
    }
    let n = b.trend.len() as f32;
    let slot = pw / n;
    for (i, m) in b.trend.iter().enumerate() {
        let bx = px + slot * i as f32;
        match m.count {
            Some(v) => {
                let colour = if m.in_period {
                    Rgb::BLUE
                } else {
                    Rgb::PALE_BLUE
                };
                c.fill_rect(
                    bx + slot * 0.15,
                    ys(v),
                    slot * 0.7,
                    ph * v as f32 / top as f32,
                    colour,
                );
            }
            None if m.suppressed => {
                let label = b.withheld_label();
                c.text(
                    bx + slot / 2.0 - text_width(&label, 6.0, false) / 2.0,
                    py + ph - 3.0,
                    6.0,
                    false,
                    Rgb::GREY,
                    &label,
                );
            }
            None => {}
        }
        let mm = m.month.month();
        if b.trend.len() <= 13 || mm == 1 || mm == 4 || mm == 7 || mm == 10 {
            let label = format!("{} {}", month_name(mm), m.month.year() % 100);
            c.text(bx, py + ph + 10.0, 6.5, false, Rgb::GREY, &label);
        }
    }
    c.polyline(&[(px, py + ph), (px + pw, py + ph)], Rgb::GREY, 0.8);
}

fn nice_step(max: u64) -> u64 {
    let raw = (max as f64 / 4.0).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    (step.round() as u64).max(1)
}

fn month_name(m: u32) -> &'static str {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m.clamp(1, 12) - 1) as usize]
}

fn section(c: &mut dyn Canvas, y: f32, title: &str) -> f32 {
    c.text(MARGIN, y, 11.0, true, Rgb::NAVY, title);
    y + 16.0
}

fn hotspots(b: &WardBriefing, c: &mut dyn Canvas, y: f32) -> f32 {
    let mut y = section(c, y, "Top hotspots in and around the ward");
    if b.public {
        for l in wrap(
            "Hotspot areas are not included in public briefings (they are partner information).",
            8.5,
            false,
            CONTENT_W,
        ) {
            c.text(MARGIN, y, 8.5, false, Rgb::GREY, &l);
            y += 11.0;
        }
        return y;
    }
    if b.hotspots.is_empty() {
        c.text(
            MARGIN,
            y,
            8.5,
            false,
            Rgb::GREY,
            "No hotspot area reaches into this ward for this selection.",
        );
        return y + 11.0;
    }
    let cols = [
        ("#", 0.0),
        ("Incidents", 20.0),
        ("Area", 70.0),
        ("Main crime types", 120.0),
        ("Most common location", 330.0),
    ];
    c.fill_rect(MARGIN, y - 10.0, CONTENT_W, 14.0, Rgb(225, 232, 242));
    for (h, dx) in cols {
        c.text(MARGIN + 3.0 + dx, y, 8.0, true, Rgb::BLACK, h);
    }
    y += 14.0;
    for h in &b.hotspots {
        let types = h
            .top_types
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let cells = [
            h.rank.to_string(),
            int(h.incidents),
            format!("{:.3} km²", h.area_km2),
            fit(&types, 8.0, false, 200.0),
            fit(
                h.location.as_deref().unwrap_or("–"),
                8.0,
                false,
                CONTENT_W - 336.0,
            ),
        ];
        for ((_, dx), cell) in cols.iter().zip(&cells) {
            c.text(MARGIN + 3.0 + dx, y, 8.0, false, Rgb::BLACK, cell);
        }
        y += 12.5;
    }
    for l in wrap(
        "Hotspots: where kernel density of the selected incidents in the period reaches the top 5% of the area around the ward; numbered as on the map. Incidents inside an area may lie just over the ward boundary.",
        7.0,
        false,
        CONTENT_W,
    ) {
        c.text(MARGIN, y + 2.0, 7.0, false, Rgb::GREY, &l);
        y += 9.0;
    }
    y
}

fn interventions(b: &WardBriefing, c: &mut dyn Canvas, y: f32) -> f32 {
    let mut y = section(c, y, "Recent and planned interventions");
    if b.public {
        c.text(
            MARGIN,
            y,
            8.5,
            false,
            Rgb::GREY,
            "The intervention log is not included in public briefings.",
        );
        return y + 11.0;
    }
    if b.interventions.is_empty() {
        c.text(
            MARGIN,
            y,
            8.5,
            false,
            Rgb::GREY,
            "No ongoing, planned or recent (last 12 months) intervention overlaps this ward.",
        );
        return y + 11.0;
    }
    let cols = [
        ("Status", 0.0),
        ("Name", 50.0),
        ("Kind", 200.0),
        ("Dates", 290.0),
        ("Targets", 400.0),
    ];
    c.fill_rect(MARGIN, y - 10.0, CONTENT_W, 14.0, Rgb(225, 232, 242));
    for (h, dx) in cols {
        c.text(MARGIN + 3.0 + dx, y, 8.0, true, Rgb::BLACK, h);
    }
    y += 14.0;
    for i in b.interventions.iter().take(14) {
        let dates = match i.end {
            Some(e) => format!("{} to {}", i.start, e),
            None => format!("from {}", i.start),
        };
        let cells = [
            i.status.label().to_string(),
            fit(&i.name, 8.0, false, 145.0),
            fit(&i.kind, 8.0, false, 85.0),
            dates,
            fit(&i.targets, 8.0, false, CONTENT_W - 406.0),
        ];
        for ((_, dx), cell) in cols.iter().zip(&cells) {
            c.text(MARGIN + 3.0 + dx, y, 8.0, false, Rgb::BLACK, cell);
        }
        y += 12.5;
    }
    if b.interventions.len() > 14 {
        c.text(
            MARGIN,
            y,
            7.5,
            false,
            Rgb::GREY,
            &format!(
                "… and {} more (see the CSV or GeoPackage).",
                b.interventions.len() - 14
            ),
        );
        y += 10.0;
    }
    y
}

fn notes(b: &WardBriefing, c: &mut dyn Canvas, y: f32) -> f32 {
    if b.notes.is_empty() {
        return y;
    }
    let mut y = section(c, y, "Notes");
    for n in &b.notes {
        for (k, l) in wrap(n, 8.0, false, CONTENT_W - 10.0).iter().enumerate() {
            if y > FOOTER_Y - 20.0 {
                return y;
            }
            c.text(
                MARGIN + if k == 0 { 0.0 } else { 8.0 },
                y,
                8.0,
                false,
                Rgb::BLACK,
                &if k == 0 {
                    format!("• {l}")
                } else {
                    l.clone()
                },
            );
            y += 10.5;
        }
    }
    y
}

fn how_to_read(b: &WardBriefing, c: &mut dyn Canvas, y: f32) {
    let mut y = section(c, y, "How to read this briefing");
    let mut text = vec![
        "Counts are incidents located in the ward by point-in-polygon; police.uk locations are snapped to nearby points, so counts near a boundary can move between wards.".to_string(),
        "Rates are per 1,000 residents over the period (not annualised).".to_string(),
        "Change compares the period with the comparison period, scaled to the same length; a change is called significant when the exact conditional Poisson test gives p < 0.05. With many wards and groups, about 1 in 20 such tests is significant by chance.".to_string(),
    ];
    if b.public {
        text.push(format!(
            "This is a public briefing: counts of 1 to {} are withheld (shown as {}), with every rate and change derived from them.",
            b.suppress_below.saturating_sub(1),
            b.withheld_label()
        ));
    }
    for t in text {
        for l in wrap(&t, 8.0, false, CONTENT_W) {
            if y > FOOTER_Y - 16.0 {
                return;
            }
            c.text(MARGIN, y, 8.0, false, Rgb::BLACK, &l);
            y += 10.5;
        }
        y += 3.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(int(1234567), "1,234,567");
        assert_eq!(int(999), "999");
        assert_eq!(signed(-1200), "-1,200");
        assert_eq!(signed(5), "+5");
        assert_eq!(nice_step(37), 10);
        assert_eq!(nice_step(3), 1);
    }
}
