//! Interventions mode: the log (`GET /api/interventions`, partner role and
//! above) as a list and map areas, the form that records one
//! (`POST /api/interventions`, analyst role and above) with its circle
//! preview, and the evaluation (`GET /api/interventions/{id}/evaluation`)
//! as a panel and map areas.

use hotspot_api::geojson;
use hotspot_api::requests::{InterventionRequest, Site};
use hotspot_api::responses::{
    Evaluation, EvaluationArea, Feature, InterventionEvaluation, Interventions,
};
use serde_json::{json, Value};

use crate::classify::LegendItem;
use crate::format::{esc, number, signed_percent, thousands};
use crate::hardening::is_date;

/// Why the mode is unavailable to the public role.
pub const LOCKED_NOTE: &str =
    "The intervention log needs the partner role: sign in to see interventions and their evaluations.";
/// What partners are told beside the read-only list.
pub const READ_ONLY_NOTE: &str =
    "Read-only: recording and deleting interventions needs the analyst role.";

/// Defaults of the form.
pub const DEFAULT_RADIUS: f64 = 300.0;
pub const DEFAULT_BUFFER: f64 = 200.0;
/// The server's widest radius and buffer, metres.
pub const MAX_METRES: f64 = 5_000.0;
/// Segments of the preview circle (the server stores 64 too).
pub const CIRCLE_SEGMENTS: usize = 64;
/// An intervention that ended up to this many days ago is "recent".
pub const RECENT_DAYS: i64 = 365;

/// Kinds offered in the form (free text is accepted too).
pub const KINDS: [&str; 7] = [
    "patrols",
    "target hardening",
    "day of action",
    "CCTV",
    "street lighting",
    "alley gating",
    "community engagement",
];

/// Map colours (colour-blind safe: teal areas; the evaluation's target
/// black, buffer orange, control blue).
pub const AREA_COLOUR: &str = "#35978f";
pub const AREA_LINE: &str = "#01665e";
pub const TARGET_COLOUR: &str = "#000000";
pub const BUFFER_COLOUR: &str = "#e66101";
pub const CONTROL_COLOUR: &str = "#2166ac";

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (H. Hinnant's algorithm).
pub fn day_number(date: &str) -> Option<i64> {
    if !is_date(date) {
        return None;
    }
    let y: i64 = date[0..4].parse().ok()?;
    let m: i64 = date[5..7].parse().ok()?;
    let d: i64 = date[8..10].parse().ok()?;
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Where an intervention stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Starts after today.
    Planned,
    /// Started, and no end date or it ends today or later.
    Ongoing,
    /// Ended within the last year.
    Recent,
    /// Ended more than a year ago.
    Ended,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Ongoing => "ongoing",
            Status::Recent => "recent",
            Status::Ended => "ended",
        }
    }
}

/// One logged intervention, as the API gives it.
pub use hotspot_api::responses::Intervention;

/// `{"interventions": [...]}` → the log, newest start first.
pub fn sorted(list: Interventions) -> Vec<Intervention> {
    let mut all = list.interventions;
    all.sort_by(|a, b| b.start.cmp(&a.start).then(b.id.cmp(&a.id)));
    all
}

/// What the page says about a logged intervention.
pub trait Logged {
    /// Where it stands on `today`.
    fn status(&self, today: &str) -> Status;
    /// `1 Jul 2025 to 30 Sep 2025`, `from 1 Jul 2025 (no end date)`.
    fn dates_text(&self) -> String;
    /// `300 m around -1.02070, 52.20960`, or "drawn area".
    fn area_text(&self) -> String;
    /// What it targets: groups and types, or all crime.
    fn targets_text(&self) -> String;
}

impl Logged for Intervention {
    fn status(&self, today: &str) -> Status {
        if self.start.as_str() > today {
            return Status::Planned;
        }
        match &self.end {
            None => Status::Ongoing,
            Some(e) if e.as_str() >= today => Status::Ongoing,
            Some(e) => match (day_number(e), day_number(today)) {
                (Some(e), Some(t)) if t - e <= RECENT_DAYS => Status::Recent,
                _ => Status::Ended,
            },
        }
    }

    fn dates_text(&self) -> String {
        match &self.end {
            Some(e) => format!("{} to {}", day_label(&self.start), day_label(e)),
            None => format!("from {} (no end date)", day_label(&self.start)),
        }
    }

    fn area_text(&self) -> String {
        match self.site {
            Some(s) => format!(
                "{} m around {:.5}, {:.5}",
                number(s.radius_m, 0),
                s.lon,
                s.lat
            ),
            None => "drawn area".into(),
        }
    }

    fn targets_text(&self) -> String {
        let all: Vec<&str> = self
            .groups
            .iter()
            .chain(self.types.iter())
            .map(String::as_str)
            .collect();
        if all.is_empty() {
            "all crime".into()
        } else {
            all.join(", ")
        }
    }
}

/// `2025-07-01` → `1 Jul 2025`.
pub fn day_label(d: &str) -> String {
    if !is_date(d) {
        return d.to_string();
    }
    let m = crate::format::month_label(&d[..7]);
    let day: u32 = d[8..10].parse().unwrap_or(1);
    match m.split_once(' ') {
        Some((mon, year)) => format!("{day} {mon} {year}"),
        None => d.to_string(),
    }
}

/// The list for the panel: one button per intervention (keyboard access)
/// with its kind, dates and status; `selected` is marked `aria-pressed`.
pub fn list_html(items: &[Intervention], today: &str, selected: Option<i64>) -> String {
    if items.is_empty() {
        return "<p class=\"note iv-empty\">No interventions are logged yet.</p>".into();
    }
    let mut h = format!(
        "<p class=\"note\">{} intervention{} logged.</p><ul class=\"iv-list\">",
        items.len(),
        if items.len() == 1 { "" } else { "s" }
    );
    for i in items {
        let st = i.status(today);
        h.push_str(&format!(
            "<li data-id=\"{id}\"><button type=\"button\" class=\"iv-item\" data-id=\"{id}\" aria-pressed=\"{pressed}\">\
             <strong class=\"iv-name\">{name}</strong> <span class=\"iv-status status-{st}\">{st}</span><br>\
             <span class=\"n\"><span class=\"iv-kind\">{kind}</span>; {dates}</span><br>\
             <span class=\"n\">{area}; targets {targets}</span></button></li>",
            id = i.id,
            pressed = if selected == Some(i.id) { "true" } else { "false" },
            name = esc(&i.name),
            st = st.key(),
            kind = esc(&i.kind),
            dates = esc(&i.dates_text()),
            area = esc(&i.area_text()),
            targets = esc(&i.targets_text()),
        ));
    }
    h.push_str("</ul>");
    h
}

/// Where an intervention's name goes on the map: its site, or the mean of
/// its area's outer ring.
pub fn label_point(i: &Intervention) -> Option<(f64, f64)> {
    if let Some(site) = i.site {
        return Some((site.lon, site.lat));
    }
    let ring = match &i.area.value {
        geojson::Value::Polygon(rings) => rings.first()?,
        geojson::Value::MultiPolygon(polys) => polys.first()?.first()?,
        _ => return None,
    };
    let pts: Vec<(f64, f64)> = ring
        .iter()
        .filter(|p| p.len() >= 2)
        .map(|p| (p[0], p[1]))
        .collect();
    // The closing vertex repeats the first.
    let pts = &pts[..pts.len().saturating_sub(1)];
    if pts.is_empty() {
        return None;
    }
    let n = pts.len() as f64;
    Some((
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    ))
}

/// The logged areas as a FeatureCollection for the map: one `kind: area`
/// feature (`id`, `name`, `status`) and one `kind: label` point per
/// intervention (one name each, not one per tile).
pub fn areas_geojson(items: &[Intervention], today: &str) -> Value {
    let mut features = Vec::new();
    for i in items {
        let props =
            json!({ "kind": "area", "id": i.id, "name": i.name, "status": i.status(today).key() });
        features.push(
            json!({ "type": "Feature", "id": i.id, "geometry": i.area, "properties": props }),
        );
        if let Some((x, y)) = label_point(i) {
            features.push(json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [x, y] },
                "properties": { "kind": "label", "id": i.id, "name": i.name },
            }));
        }
    }
    json!({ "type": "FeatureCollection", "features": features })
}

/// A closed ring of `segments` points `radius_m` around `(lon, lat)` on the
/// sphere (the preview of a site + radius before it is recorded; the server
/// stores its own 64-sided circle in British National Grid).
pub fn circle_ring(lon: f64, lat: f64, radius_m: f64, segments: usize) -> Vec<[f64; 2]> {
    const EARTH_M: f64 = 6_371_008.8;
    let n = segments.max(8);
    let d = radius_m / EARTH_M;
    let (la, lo) = (lat.to_radians(), lon.to_radians());
    let mut ring: Vec<[f64; 2]> = (0..n)
        .map(|k| {
            let brg = std::f64::consts::TAU * k as f64 / n as f64;
            let la2 = (la.sin() * d.cos() + la.cos() * d.sin() * brg.cos()).asin();
            let lo2 = lo + (brg.sin() * d.sin() * la.cos()).atan2(d.cos() - la.sin() * la2.sin());
            [lo2.to_degrees(), la2.to_degrees()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// The form's site and circle as GeoJSON (the draft drawn on the map).
pub fn draft_geojson(site: Option<(f64, f64)>, radius_m: f64) -> Value {
    let mut features = Vec::new();
    if let Some((x, y)) = site {
        if radius_m.is_finite() && radius_m > 0.0 && radius_m <= MAX_METRES {
            features.push(json!({
                "type": "Feature",
                "geometry": { "type": "Polygon", "coordinates": [circle_ring(x, y, radius_m, CIRCLE_SEGMENTS)] },
                "properties": { "kind": "circle" },
            }));
        }
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "Point", "coordinates": [x, y] },
            "properties": { "kind": "site" },
        }));
    }
    json!({ "type": "FeatureCollection", "features": features })
}

/// The area being drawn as GeoJSON (the draft on the map): the vertices
/// (`kind: vertex`, the first one `first: true`), the path between them
/// (`kind: path`) and, from three vertices, the polygon they close
/// (`kind: area`).
pub fn draft_polygon_geojson(vertices: &[(f64, f64)]) -> Value {
    let mut features = Vec::new();
    let coords: Vec<[f64; 2]> = vertices.iter().map(|&(x, y)| [x, y]).collect();
    if coords.len() >= 3 {
        let mut ring = coords.clone();
        ring.push(coords[0]);
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "Polygon", "coordinates": [ring] },
            "properties": { "kind": "area" },
        }));
    } else if coords.len() == 2 {
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "LineString", "coordinates": coords },
            "properties": { "kind": "path" },
        }));
    }
    for (k, c) in coords.iter().enumerate() {
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "Point", "coordinates": c },
            "properties": { "kind": "vertex", "first": k == 0 },
        }));
    }
    json!({ "type": "FeatureCollection", "features": features })
}

/// One vertex as the text area holds it: `lon,lat` with six decimals
/// (about 0.1 m).
pub fn vertex_line(lon: f64, lat: f64) -> String {
    format!("{lon:.6},{lat:.6}")
}

/// The vertices typed or pasted, one `longitude,latitude` a line (a comma,
/// semicolon, spaces or a tab between them); blank lines are skipped. `Err`
/// names the first line that is not two numbers.
pub fn parse_vertices(text: &str) -> Result<Vec<(f64, f64)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let nums: Vec<&str> = line
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        let parsed: Option<Vec<f64>> = nums
            .iter()
            .map(|s| s.parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect();
        match parsed.as_deref() {
            Some([x, y]) => out.push((*x, *y)),
            _ => {
                return Err(format!(
                    "Area: line {} is not \u{201c}longitude,latitude\u{201d}: {line}",
                    n + 1
                ))
            }
        }
    }
    Ok(out)
}

/// Twice the signed area of a ring given without its closing vertex
/// (shoelace; positive: counter-clockwise with longitude east, latitude
/// north).
fn twice_area(pts: &[(f64, f64)]) -> f64 {
    (0..pts.len())
        .map(|i| {
            let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

fn orient(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

fn on_segment(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> bool {
    p.0 >= a.0.min(b.0) && p.0 <= a.0.max(b.0) && p.1 >= a.1.min(b.1) && p.1 <= a.1.max(b.1)
}

/// Whether segments `ab` and `cd` touch or cross.
fn segments_meet(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let (o1, o2, o3, o4) = (
        orient(a, b, c),
        orient(a, b, d),
        orient(c, d, a),
        orient(c, d, b),
    );
    if ((o1 > 0.0 && o2 < 0.0) || (o1 < 0.0 && o2 > 0.0))
        && ((o3 > 0.0 && o4 < 0.0) || (o3 < 0.0 && o4 > 0.0))
    {
        return true;
    }
    (o1 == 0.0 && on_segment(a, b, c))
        || (o2 == 0.0 && on_segment(a, b, d))
        || (o3 == 0.0 && on_segment(c, d, a))
        || (o4 == 0.0 && on_segment(c, d, b))
}

/// The drawn vertices as a GeoJSON Polygon's exterior ring (RFC 7946):
/// closed (the first vertex repeated at the end), counter-clockwise (the
/// clicks reversed after the first if they went clockwise), repeated
/// clicks on one spot dropped. `Err` (for the person) when it is not a
/// simple polygon: fewer than 3 distinct vertices, no area (all on one
/// line), or edges that cross.
pub fn polygon_ring(vertices: &[(f64, f64)]) -> Result<Vec<[f64; 2]>, String> {
    let mut pts: Vec<(f64, f64)> = Vec::with_capacity(vertices.len());
    for &p in vertices {
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }
    // A ring typed closed (its first vertex repeated last).
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.len() < 3 {
        return Err(
            "Area: at least 3 different points are needed (click the map, or type one \u{201c}longitude,latitude\u{201d} a line)."
                .into(),
        );
    }
    if let Some(&(x, y)) = pts
        .iter()
        .find(|(x, y)| !((-180.0..=180.0).contains(x) && (-90.0..=90.0).contains(y)))
    {
        return Err(format!(
            "Area: {x}, {y} is not a position: longitude −180 to 180 and latitude −90 to 90."
        ));
    }
    // All on one line: every point on the line from the first to the one
    // farthest from it (relative to the extent, so rounding counts as none).
    let dist2 = |p: &(f64, f64)| (p.0 - pts[0].0).powi(2) + (p.1 - pts[0].1).powi(2);
    let far = pts
        .iter()
        .copied()
        .max_by(|a, b| dist2(a).total_cmp(&dist2(b)))
        .unwrap_or(pts[0]);
    let scale = dist2(&far);
    if pts
        .iter()
        .all(|&p| orient(pts[0], far, p).abs() <= 1e-9 * scale)
    {
        return Err("Area: the points are on one line, so they enclose no area.".into());
    }
    let n = pts.len();
    for i in 0..n {
        for j in i + 1..n {
            // Neighbouring edges share a vertex; the last edge meets the first.
            if j == i + 1 || (i == 0 && j == n - 1) {
                continue;
            }
            if segments_meet(pts[i], pts[(i + 1) % n], pts[j], pts[(j + 1) % n]) {
                return Err("Area: its edges cross; draw the outline without crossing it (or undo the last point).".into());
            }
        }
    }
    if twice_area(&pts) < 0.0 {
        pts[1..].reverse();
    }
    let mut ring: Vec<[f64; 2]> = pts.iter().map(|&(x, y)| [x, y]).collect();
    ring.push(ring[0]);
    Ok(ring)
}

/// How the form gives the target area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaMode {
    /// A site and a radius (the server draws the circle).
    Circle,
    /// A polygon drawn on the map or typed.
    Polygon,
}

/// What the form holds.
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionForm {
    pub name: String,
    pub kind: String,
    pub start: String,
    /// Empty: no end date (ongoing).
    pub end: String,
    /// Circle around a site, or a drawn area.
    pub mode: AreaMode,
    /// `(lon, lat)` clicked on the map (or typed).
    pub site: Option<(f64, f64)>,
    /// The drawn area's vertices, one a line (`lon,lat`), in order.
    pub vertices: String,
    pub radius: f64,
    pub buffer: f64,
    /// A crime group id, or empty for all crime.
    pub group: String,
    pub notes: String,
}

impl InterventionForm {
    /// Checks the fields as the server would; `Err` is a message for the
    /// person, naming the field.
    pub fn validate(&self) -> Result<(), String> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err("Name: 1 to 200 characters.".into());
        }
        let kind = self.kind.trim();
        if kind.is_empty() || kind.chars().count() > 100 {
            return Err("Type: 1 to 100 characters, e.g. patrols or target hardening.".into());
        }
        if !is_date(self.start.trim()) {
            return Err("Start date: a date (YYYY-MM-DD) is needed.".into());
        }
        let end = self.end.trim();
        if !end.is_empty() {
            if !is_date(end) {
                return Err("End date: a date (YYYY-MM-DD), or empty for no end date.".into());
            }
            if end < self.start.trim() {
                return Err("End date: it is before the start date.".into());
            }
        }
        if self.mode == AreaMode::Polygon {
            polygon_ring(&parse_vertices(&self.vertices)?)?;
            return positive("Displacement buffer", self.buffer);
        }
        match self.site {
            None => {
                return Err(
                    "Site: click the map to place it (or type its longitude and latitude).".into(),
                )
            }
            Some((x, y)) if !((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)) => {
                return Err("Site: longitude −180 to 180 and latitude −90 to 90.".into())
            }
            _ => {}
        }
        positive("Radius", self.radius)?;
        positive("Displacement buffer", self.buffer)
    }

    /// The JSON body for `POST /api/interventions`.
    pub fn body(&self) -> String {
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let mut request = InterventionRequest {
            name: self.name.trim().to_string(),
            kind: self.kind.trim().to_string(),
            start: self.start.trim().to_string(),
            end: text(&self.end),
            buffer_m: Some(self.buffer),
            groups: text(&self.group).into_iter().collect(),
            types: Vec::new(),
            notes: text(&self.notes),
            area: None,
            site: None,
            radius_m: None,
        };
        match self.mode {
            AreaMode::Circle => {
                let (lon, lat) = self.site.unwrap_or((f64::NAN, f64::NAN));
                request.site = Some(Site { lon, lat });
                request.radius_m = Some(self.radius);
            }
            AreaMode::Polygon => {
                let ring = parse_vertices(&self.vertices)
                    .and_then(|p| polygon_ring(&p))
                    .unwrap_or_default();
                let ring = ring.iter().map(|p| p.to_vec()).collect();
                let polygon = geojson::Geometry::new(geojson::Value::Polygon(vec![ring]));
                request.area = Some(geojson::GeoJson::Geometry(polygon));
            }
        }
        serde_json::to_string(&request).expect("serialises")
    }
}

/// A radius or buffer: more than 0 and at most [`MAX_METRES`].
fn positive(what: &str, v: f64) -> Result<(), String> {
    if v.is_finite() && v > 0.0 && v <= MAX_METRES {
        Ok(())
    } else {
        Err(format!(
            "{what}: more than 0 and at most {} metres.",
            thousands(MAX_METRES as u64)
        ))
    }
}

/// `/api/interventions/{id}/evaluation`, with the chosen control ward and
/// "before" months (`2024-01..2024-06`; either empty: the server's default,
/// the most similar ward and the same length of time before the start).
pub fn evaluation_url(id: i64, control: &str, before: &str) -> String {
    let pairs: Vec<String> = [("control", control.trim()), ("before", before.trim())]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::filters::encode(v)))
        .collect();
    if pairs.is_empty() {
        format!("/api/interventions/{id}/evaluation")
    } else {
        format!("/api/interventions/{id}/evaluation?{}", pairs.join("&"))
    }
}

fn change_cell(change_pct: Option<f64>) -> String {
    match change_pct {
        Some(p) => {
            let class = if p > 0.0 {
                "up"
            } else if p < 0.0 {
                "down"
            } else {
                ""
            };
            format!("<span class=\"{class}\">{}</span>", signed_percent(p))
        }
        None => "none before".into(),
    }
}

/// The WDQ in words: its value and reading, or why it is not computed.
pub fn wdq_text(ev: &Evaluation) -> (Option<f64>, String) {
    let reading = if ev.interpretation.is_empty() {
        ev.wdq.interpretation.clone()
    } else {
        ev.interpretation.clone()
    };
    (ev.wdq.wdq, reading)
}

/// The evaluation panel: periods, before/after counts and change in the
/// target, buffer and control, the control and why, the WDQ and its reading
/// (or why it cannot be computed), the total net effect, and the caveats
/// exactly as the server wrote them, regression to the mean first.
pub fn evaluation_html(v: &InterventionEvaluation) -> String {
    let ev = &v.evaluation;
    let mut h = format!(
        "<h3>Evaluation: {}</h3><p class=\"note iv-periods\">{}</p>",
        esc(&v.intervention.name),
        esc(&ev.periods.note)
    );
    let buffer_m = v.intervention.buffer_m;
    let p = &ev.periods;
    h.push_str(&format!(
        "<table class=\"iv-counts\"><caption>Targeted crimes before and after. \
\"Before, scaled\" is the before count × {} ({} months with data before, {} after): \
what the change and the WDQ compare with the after count.</caption><thead><tr>\
<th scope=\"col\">Area</th><th scope=\"col\">Before</th><th scope=\"col\">Before, scaled</th>\
<th scope=\"col\">After</th><th scope=\"col\">Change</th></tr></thead><tbody>",
        number(p.before_scale, 2),
        p.before_months,
        p.after_months
    ));
    for (key, label, c) in [
        ("target", "Target area".to_string(), &ev.target),
        (
            "buffer",
            format!("Displacement buffer ({} m)", number(buffer_m, 0)),
            &ev.buffer,
        ),
        ("control", "Comparison area".to_string(), &ev.control),
    ] {
        h.push_str(&format!(
            "<tr data-area=\"{key}\"><th scope=\"row\">{label}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            thousands(c.before),
            number(c.before_scaled, 1),
            thousands(c.after),
            change_cell(c.change_pct),
        ));
    }
    h.push_str("</tbody></table>");
    let cc = &ev.control_choice;
    let wards: Vec<String> = cc
        .wards
        .iter()
        .map(|w| format!("{} ({})", w.name, w.code))
        .collect();
    h.push_str(&format!(
        "<p class=\"iv-control\"><strong>Comparison area:</strong> {}. <span class=\"note\">{}</span></p>",
        esc(&if wards.is_empty() {
            "a drawn area".to_string()
        } else {
            wards.join(", ")
        }),
        esc(&cc.reason)
    ));
    let (wdq, reading) = wdq_text(ev);
    h.push_str(&format!(
        "<p class=\"iv-wdq\" data-wdq=\"{}\"><strong>Weighted displacement quotient (WDQ):</strong> {}</p><p class=\"iv-reading\">{}</p>",
        wdq.map(|w| w.to_string()).unwrap_or_default(),
        match wdq {
            Some(w) => number(w, 2),
            None => "not computed".into(),
        },
        esc(&reading)
    ));
    h.push_str(&robustness_html(&ev.robustness));
    let t = ev.wdq.total_net_effect;
    h.push_str(&format!(
        "<p class=\"iv-tne\"><strong>Total net effect:</strong> {} crimes {} across target and buffer, against the comparison area's trend.</p>",
        number(t.abs(), 1),
        if t >= 0.0 { "prevented" } else { "more" }
    ));
    if !ev.caveats.is_empty() {
        h.push_str("<h4>Caveats</h4><ul class=\"iv-caveats\">");
        for c in &ev.caveats {
            h.push_str(&format!("<li>{}</li>", esc(c)));
        }
        h.push_str("</ul>");
    }
    h
}

/// Whether the verdict holds with other before periods: the server's note
/// and one row per window.
fn robustness_html(r: &hotspot_api::responses::Robustness) -> String {
    if r.windows.is_empty() {
        return String::new();
    }
    let rows: String = r
        .windows
        .iter()
        .map(|w| {
            format!(
                "<tr><th scope=\"row\">{}..{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                w.before.from,
                w.before.to,
                number(w.target_before_scaled, 1),
                w.wdq.map_or("–".to_string(), |q| number(q, 2)),
                esc(&w.verdict)
            )
        })
        .collect();
    format!(
        "<p class=\"iv-robust\" data-holds=\"{}\"><strong>{}</strong> {}</p>\
<table class=\"iv-windows\"><caption>The verdict with other before periods</caption><thead><tr>\
<th scope=\"col\">Before</th><th scope=\"col\">Target before, scaled</th>\
<th scope=\"col\">WDQ</th><th scope=\"col\">Verdict</th></tr></thead><tbody>{rows}</tbody></table>",
        r.holds,
        if r.holds { "Robust:" } else { "Not robust:" },
        esc(&r.note)
    )
}

/// The evaluation's areas for the map (`role`: target, buffer, control),
/// features without a geometry dropped.
pub fn evaluation_areas(v: &InterventionEvaluation) -> Value {
    let features: Vec<&Feature<EvaluationArea>> = v
        .areas
        .features
        .iter()
        .filter(|f| f.geometry.is_some())
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

fn has_area(v: &InterventionEvaluation, role: &str) -> bool {
    v.areas
        .features
        .iter()
        .any(|f| f.geometry.is_some() && f.properties.role == role)
}

/// Legend rows: the logged areas, then (when evaluated) target, buffer and
/// control.
pub fn legend_items(areas: usize, evaluation: Option<&InterventionEvaluation>) -> Vec<LegendItem> {
    let mut rows = vec![LegendItem {
        colour: AREA_COLOUR.into(),
        label: "Intervention area".into(),
        count: areas,
    }];
    if let Some(v) = evaluation {
        let has = |role: &str| has_area(v, role);
        for (role, colour, label) in [
            ("target", TARGET_COLOUR, "Evaluated: target (black outline)"),
            ("buffer", BUFFER_COLOUR, "Evaluated: displacement buffer"),
            (
                "control",
                CONTROL_COLOUR,
                "Evaluated: comparison area (dashed)",
            ),
        ] {
            if has(role) {
                rows.push(LegendItem {
                    colour: colour.into(),
                    label: label.into(),
                    count: 1,
                });
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged() -> Interventions {
        serde_json::from_value(json!({"interventions": [
            {"id": 1, "name": "Kingsmead patrols", "kind": "patrols", "start": "2025-07-01",
             "end": "2025-09-30", "buffer_m": 200.0, "groups": [], "types": [], "notes": null,
             "site": {"lon": -1.0207, "lat": 52.2096, "radius_m": 300.0},
             "area": {"type": "MultiPolygon", "coordinates": [[[[-1.0, 52.0], [-1.1, 52.0], [-1.1, 52.1], [-1.0, 52.0]]]]},
             "created_by": "analyst", "created_at": "2025-06-01T00:00:00Z"},
            {"id": 2, "name": "<CCTV>", "kind": "CCTV", "start": "2026-12-01", "end": null,
             "buffer_m": 250.0, "groups": ["serious-acquisitive"], "types": ["Burglary"], "site": null,
             "notes": null, "created_by": null, "created_at": "2026-11-01T00:00:00Z",
             "area": {"type": "Polygon", "coordinates": [[[-1.0, 52.0], [-1.1, 52.0], [-1.1, 52.1], [-1.0, 52.0]]]}},
            {"id": 3, "name": "Old lights", "kind": "street lighting", "start": "2023-01-01",
             "end": "2023-03-31", "buffer_m": 200.0, "groups": [], "types": [], "notes": null, "site": null,
             "area": {"type": "Polygon", "coordinates": [[[-1.0, 52.0], [-1.1, 52.0], [-1.1, 52.1], [-1.0, 52.0]]]},
             "created_by": null, "created_at": "2023-01-01T00:00:00Z"}
        ]}))
        .unwrap()
    }

    #[test]
    fn days_and_statuses() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(day_number("2025-02-30"), None);
        let all = sorted(logged());
        // Newest start first.
        assert_eq!(all.iter().map(|i| i.id).collect::<Vec<_>>(), vec![2, 1, 3]);
        let today = "2026-06-30";
        let st: Vec<Status> = all.iter().map(|i| i.status(today)).collect();
        assert_eq!(st, vec![Status::Planned, Status::Recent, Status::Ended]);
        assert_eq!(all[1].status("2025-09-30"), Status::Ongoing);
        assert_eq!(all[0].status("2027-01-01"), Status::Ongoing);
        assert_eq!(all[1].dates_text(), "1 Jul 2025 to 30 Sep 2025");
        assert_eq!(all[0].dates_text(), "from 1 Dec 2026 (no end date)");
        assert_eq!(all[1].area_text(), "300 m around -1.02070, 52.20960");
        assert_eq!(all[0].targets_text(), "serious-acquisitive, Burglary");
        assert_eq!(all[1].targets_text(), "all crime");
    }

    #[test]
    fn list_and_map_areas() {
        let all = sorted(logged());
        let h = list_html(&all, "2026-06-30", Some(1));
        assert!(h.contains("3 interventions logged."));
        assert!(h.contains("&lt;CCTV&gt;") && !h.contains("<CCTV>"));
        assert!(h.contains("status-planned\">planned"));
        assert!(h.contains("status-recent\">recent"));
        assert!(h.contains("data-id=\"1\" aria-pressed=\"true\""));
        assert!(h.contains("data-id=\"2\" aria-pressed=\"false\""));
        assert!(list_html(&[], "2026-06-30", None).contains("No interventions"));
        let fc = areas_geojson(&all, "2026-06-30");
        // Each area is drawn with its label (the API always gives an area).
        let kinds: Vec<&str> = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            vec!["area", "label", "area", "label", "area", "label"]
        );
        assert_eq!(fc["features"][0]["properties"]["status"], "planned");
        assert_eq!(fc["features"][2]["geometry"]["type"], "MultiPolygon");
        // A site's label at the site; a drawn area's at its ring's mean.
        assert_eq!(
            fc["features"][3]["geometry"]["coordinates"],
            json!([-1.0207, 52.2096])
        );
        let (x, y) = label_point(&all[0]).unwrap();
        assert!((x + 1.0667).abs() < 1e-3 && (y - 52.0333).abs() < 1e-3);
    }

    #[test]
    fn circle_is_closed_and_has_the_radius() {
        let ring = circle_ring(-1.0, 52.0, 300.0, 64);
        assert_eq!(ring.len(), 65);
        assert_eq!(ring[0], ring[64]);
        // Every vertex is 300 m from the centre (haversine).
        for p in &ring {
            let (la1, la2) = (52f64.to_radians(), p[1].to_radians());
            let dla = la2 - la1;
            let dlo = (p[0] + 1.0).to_radians();
            let a = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
            let d = 2.0 * 6_371_008.8 * a.sqrt().asin();
            assert!((d - 300.0).abs() < 0.01, "{d}");
        }
        // North first, then clockwise (east).
        assert!(ring[0][1] > 52.0 && (ring[0][0] + 1.0).abs() < 1e-9);
        assert!(ring[16][0] > -1.0);
        let d = draft_geojson(Some((-1.0, 52.0)), 300.0);
        assert_eq!(d["features"].as_array().unwrap().len(), 2);
        assert_eq!(
            draft_geojson(Some((-1.0, 52.0)), 0.0)["features"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            draft_geojson(None, 300.0)["features"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
    }

    /// A valid circle form: the other form tests change one field of it.
    fn circle_form() -> InterventionForm {
        InterventionForm {
            name: " Kingsmead patrols ".into(),
            kind: "patrols".into(),
            start: "2025-07-01".into(),
            end: "2025-09-30".into(),
            mode: AreaMode::Circle,
            site: Some((-1.0207, 52.2096)),
            vertices: String::new(),
            radius: 300.0,
            buffer: 200.0,
            group: "serious-acquisitive".into(),
            notes: String::new(),
        }
    }

    #[test]
    fn form_validates_and_builds_the_body() {
        let f = circle_form();
        assert_eq!(f.validate(), Ok(()));
        let v: Value = serde_json::from_str(&f.body()).unwrap();
        assert_eq!(
            v,
            json!({"name": "Kingsmead patrols", "kind": "patrols", "start": "2025-07-01",
                "end": "2025-09-30", "site": {"lon": -1.0207, "lat": 52.2096}, "radius_m": 300.0,
                "buffer_m": 200.0, "groups": ["serious-acquisitive"]})
        );
        let open: Value = serde_json::from_str(
            &InterventionForm {
                end: String::new(),
                group: String::new(),
                notes: "door-to-door".into(),
                ..f.clone()
            }
            .body(),
        )
        .unwrap();
        assert!(open.get("end").is_none());
        assert_eq!(
            (open["groups"].clone(), open["notes"].clone()),
            (json!([]), json!("door-to-door"))
        );
    }

    #[test]
    fn form_refuses_each_bad_field() {
        let f = circle_form();
        let cases = [
            (
                InterventionForm {
                    name: " ".into(),
                    ..f.clone()
                },
                "Name",
            ),
            (
                InterventionForm {
                    kind: String::new(),
                    ..f.clone()
                },
                "Type",
            ),
            (
                InterventionForm {
                    start: "2025-13-01".into(),
                    ..f.clone()
                },
                "Start date",
            ),
            (
                InterventionForm {
                    end: "2025-06-30".into(),
                    ..f.clone()
                },
                "before the start",
            ),
            (
                InterventionForm {
                    site: None,
                    ..f.clone()
                },
                "click the map",
            ),
            (
                InterventionForm {
                    site: Some((200.0, 52.0)),
                    ..f.clone()
                },
                "longitude",
            ),
            (
                InterventionForm {
                    radius: 0.0,
                    ..f.clone()
                },
                "Radius",
            ),
            (
                InterventionForm {
                    buffer: 6000.0,
                    ..f.clone()
                },
                "Displacement buffer",
            ),
        ];
        for (form, msg) in cases {
            let e = form.validate().unwrap_err();
            assert!(e.contains(msg), "{e} lacks {msg}");
        }
    }

    #[test]
    fn evaluation_url_carries_the_control_and_before_period() {
        assert_eq!(evaluation_url(4, "", ""), "/api/interventions/4/evaluation");
        assert_eq!(
            evaluation_url(4, "E05999003", " "),
            "/api/interventions/4/evaluation?control=E05999003"
        );
        assert_eq!(
            evaluation_url(4, "", "2024-01..2024-06"),
            "/api/interventions/4/evaluation?before=2024-01..2024-06"
        );
        assert_eq!(
            evaluation_url(4, "E05999003", "2024-01"),
            "/api/interventions/4/evaluation?control=E05999003&before=2024-01"
        );
    }

    #[test]
    fn drawn_vertices_parse_and_make_a_closed_counter_clockwise_ring() {
        // Typed or pasted: commas, semicolons or spaces; blank lines skipped.
        let typed = "-1.02,52.20\n\n -1.00 ; 52.20\n-1.00\t52.22\r\n";
        assert_eq!(
            parse_vertices(typed),
            Ok(vec![(-1.02, 52.20), (-1.00, 52.20), (-1.00, 52.22)])
        );
        let e = parse_vertices("-1.0,52.0\n-1.0\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(parse_vertices("a,b").is_err());
        assert!(parse_vertices("1,2,3").is_err());
        assert!(parse_vertices("NaN,52").is_err());
        assert_eq!(
            parse_vertices(&vertex_line(-1.0207, 52.2)),
            Ok(vec![(-1.0207, 52.2)])
        );
        assert_eq!(vertex_line(-1.0, 52.123_456_78), "-1.000000,52.123457");

        // Counter-clockwise clicks: kept as they are, closed.
        let ccw = [(-1.0, 52.0), (-0.9, 52.0), (-0.9, 52.1), (-1.0, 52.1)];
        let ring = polygon_ring(&ccw).unwrap();
        assert_eq!(
            ring,
            vec![
                [-1.0, 52.0],
                [-0.9, 52.0],
                [-0.9, 52.1],
                [-1.0, 52.1],
                [-1.0, 52.0]
            ]
        );
        // Clockwise clicks: reversed after the first vertex.
        let cw = [(-1.0, 52.0), (-1.0, 52.1), (-0.9, 52.1), (-0.9, 52.0)];
        assert_eq!(polygon_ring(&cw).unwrap(), ring);
        // Already closed, or a point clicked twice: the same ring.
        let closed = [ccw[0], ccw[1], ccw[1], ccw[2], ccw[3], ccw[0]];
        assert_eq!(polygon_ring(&closed).unwrap(), ring);
        assert!(twice_area(&ring[..4].iter().map(|p| (p[0], p[1])).collect::<Vec<_>>()) > 0.0);
        // A triangle is enough.
        assert_eq!(polygon_ring(&ccw[..3]).unwrap().len(), 4);

        let err = |v: &[(f64, f64)]| polygon_ring(v).unwrap_err();
        assert!(err(&[]).contains("at least 3"));
        assert!(err(&ccw[..2]).contains("at least 3"));
        // Three clicks, two on one spot.
        assert!(err(&[ccw[0], ccw[1], ccw[1]]).contains("at least 3"));
        // Collinear: no area.
        assert!(err(&[(-1.0, 52.0), (-0.9, 52.1), (-0.8, 52.2)]).contains("one line"));
        assert!(
            err(&[(-1.0, 52.0), (-0.9, 52.0), (-0.8, 52.0), (-0.95, 52.0)]).contains("one line")
        );
        // A bow tie crosses itself.
        assert!(err(&[(-1.0, 52.0), (-0.9, 52.1), (-0.9, 52.0), (-1.0, 52.1)]).contains("cross"));
        // An edge doubling back over another.
        assert!(err(&[
            (-1.0, 52.0),
            (-0.8, 52.0),
            (-0.8, 52.1),
            (-0.9, 52.0),
            (-0.9, 51.9)
        ])
        .contains("cross"));
        // Not a position.
        assert!(err(&[(-1.0, 52.0), (-0.9, 52.0), (-0.9, 95.0)]).contains("latitude"));
    }

    #[test]
    fn a_drawn_area_validates_and_posts_as_a_polygon() {
        let f = InterventionForm {
            name: "Castle CCTV".into(),
            kind: "CCTV".into(),
            start: "2025-07-01".into(),
            end: String::new(),
            mode: AreaMode::Polygon,
            site: None,
            vertices: "-1.0,52.0\n-1.0,52.1\n-0.9,52.1\n".into(),
            radius: f64::NAN,
            buffer: 250.0,
            group: String::new(),
            notes: String::new(),
        };
        // No site or radius needed for a drawn area.
        assert_eq!(f.validate(), Ok(()));
        let v: Value = serde_json::from_str(&f.body()).unwrap();
        assert_eq!(
            v,
            json!({"name": "Castle CCTV", "kind": "CCTV", "start": "2025-07-01", "buffer_m": 250.0,
                "groups": [], "area": {"type": "Polygon",
                "coordinates": [[[-1.0, 52.0], [-0.9, 52.1], [-1.0, 52.1], [-1.0, 52.0]]]}})
        );
        assert!(v.get("site").is_none() && v.get("radius_m").is_none());
        for (vertices, msg) in [
            ("", "at least 3"),
            ("-1.0,52.0\n-1.0,52.1", "at least 3"),
            ("-1.0,52.0\nx", "line 2"),
            ("-1.0,52.0\n-0.9,52.1\n-0.8,52.2", "one line"),
        ] {
            let e = InterventionForm {
                vertices: vertices.into(),
                ..f.clone()
            }
            .validate()
            .unwrap_err();
            assert!(e.contains(msg), "{e} lacks {msg}");
        }
        let e = InterventionForm {
            buffer: 0.0,
            ..f.clone()
        }
        .validate()
        .unwrap_err();
        assert!(e.contains("Displacement buffer"), "{e}");
        // The circle's fields are still checked in circle mode.
        let e = InterventionForm {
            mode: AreaMode::Circle,
            ..f.clone()
        }
        .validate()
        .unwrap_err();
        assert!(e.contains("click the map"), "{e}");
    }

    #[test]
    fn the_area_being_drawn_is_previewed() {
        let kinds = |v: &[(f64, f64)]| -> Vec<String> {
            draft_polygon_geojson(v)["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["properties"]["kind"].as_str().unwrap().to_string())
                .collect()
        };
        assert!(kinds(&[]).is_empty());
        assert_eq!(kinds(&[(-1.0, 52.0)]), vec!["vertex"]);
        assert_eq!(
            kinds(&[(-1.0, 52.0), (-0.9, 52.0)]),
            vec!["path", "vertex", "vertex"]
        );
        let three = [(-1.0, 52.0), (-0.9, 52.0), (-0.9, 52.1)];
        assert_eq!(kinds(&three), vec!["area", "vertex", "vertex", "vertex"]);
        let fc = draft_polygon_geojson(&three);
        assert_eq!(
            fc["features"][0]["geometry"]["coordinates"],
            json!([[[-1.0, 52.0], [-0.9, 52.0], [-0.9, 52.1], [-1.0, 52.0]]])
        );
        assert_eq!(fc["features"][1]["properties"]["first"], true);
        assert_eq!(fc["features"][2]["properties"]["first"], false);
    }

    fn evaluation(wdq: Value, interpretation: &str) -> InterventionEvaluation {
        let mut logged = serde_json::to_value(&sorted(logged())[1]).unwrap();
        logged["buffer_m"] = json!(200.0);
        let v = json!({
            "intervention": logged,
            "evaluation": {
                "periods": {"note": "Whole months: before 2025-04..2025-06 (3 months), after 2025-07..2025-09 (3 months).",
                    "before": {"from": "2025-04", "to": "2025-06"}, "after": {"from": "2025-07", "to": "2025-09"},
                    "before_months": 3, "after_months": 3, "before_gap_months": [], "after_gap_months": [],
                    "excluded_month": null, "before_scale": 1.0},
                "target": {"before": 17, "before_scaled": 17.0, "after": 27, "change_pct": 58.82},
                "buffer": {"before": 11, "after": 13, "change_pct": 18.18},
                "control": {"before": 0, "after": 12, "change_pct": null},
                "control_choice": {"method": "automatic", "wards": [{"code": "E05999003", "name": "Oakwood"}],
                    "reason": "Chosen automatically: Oakwood is the most similar ward.", "score": 0.1,
                    "excluded_adjacent": []},
                "wdq": {"wdq": wdq, "total_net_effect": -17.6, "interpretation": "x",
                    "target_change_pct": 58.82, "buffer_change_pct": 18.18, "control_change_pct": null,
                    "success_measure": 1.0, "buffer_measure": 0.1, "caveats": []},
                "interpretation": interpretation,
                "caveats": ["Regression to the mean: areas chosen because counts were unusually high tend to fall back & more.", "Small counts <20."]
            },
            "areas": {"type": "FeatureCollection", "features": [
                {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": []}, "properties": {"role": "target", "before": 17, "after": 27, "change_pct": 58.82}},
                {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": []}, "properties": {"role": "buffer", "before": 11, "after": 13, "change_pct": 18.18}},
                {"type": "Feature", "geometry": null, "properties": {"role": "control", "before": 0, "after": 12, "change_pct": null}}
            ]}
        });
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn evaluation_panel_shows_counts_wdq_or_why_not_and_the_caveats() {
        let not = evaluation(
            Value::Null,
            "WDQ not meaningful: no reduction in the target area.",
        );
        let h = evaluation_html(&not);
        assert!(h.contains("Evaluation: Kingsmead patrols"));
        assert!(h.contains("before 2025-04..2025-06"));
        assert!(h.contains("<th scope=\"row\">Target area</th><td>17</td><td>17.0</td><td>27</td><td><span class=\"up\">+58.8%</span></td>"));
        assert!(h.contains("Displacement buffer (200 m)"));
        assert!(h.contains("<td>0</td><td>0.0</td><td>12</td><td>none before</td>"));
        assert!(h.contains("Oakwood (E05999003)"));
        assert!(h.contains("(WDQ):</strong> not computed"));
        assert!(h.contains("WDQ not meaningful: no reduction in the target area."));
        assert!(h.contains("17.6 crimes more"));
        // The caveats as returned (escaped), regression to the mean first.
        let first = h.find("<li>Regression to the mean").unwrap();
        assert!(first < h.find("<li>Small counts &lt;20.").unwrap());
        assert!(h.contains("fall back &amp; more."));
        let some = evaluation(json!(-0.2), "Displacement smaller than the direct benefit.");
        let h = evaluation_html(&some);
        assert!(h.contains("data-wdq=\"-0.2\""));
        assert!(h.contains("(WDQ):</strong> −0.20"));
        assert_eq!(wdq_text(&some.evaluation).0, Some(-0.2));
        // The control without a geometry is not drawn, nor in the legend.
        assert_eq!(
            evaluation_areas(&some)["features"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let l = legend_items(3, Some(&some));
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].count, 3);
        assert_eq!(legend_items(0, None).len(), 1);
        assert_eq!(day_label("2025-07-01"), "1 Jul 2025");
    }

    #[test]
    fn the_panel_says_whether_the_verdict_holds_with_other_before_periods() {
        let r: hotspot_api::responses::Robustness = serde_json::from_value(json!({
            "holds": false,
            "note": "The verdict changes with the before period (…).",
            "windows": [
                {"before": {"from": "2025-01", "to": "2025-06"}, "kind": "used", "target_before": 60,
                 "target_before_scaled": 60.0, "wdq": -1.0, "verdict": "displacement, no net benefit", "computed": true},
                {"before": {"from": "2024-07", "to": "2024-12"}, "kind": "year_earlier", "target_before": 60,
                 "target_before_scaled": 60.0, "wdq": 0.5, "verdict": "diffusion of benefits", "computed": true}
            ]
        }))
        .unwrap();
        let h = robustness_html(&r);
        assert!(h.contains("data-holds=\"false\"><strong>Not robust:</strong> The verdict changes"));
        assert!(h.contains("<tr><th scope=\"row\">2024-07..2024-12</th><td>60.0</td><td>0.50</td><td>diffusion of benefits</td></tr>"), "{h}");
        assert_eq!(robustness_html(&Default::default()), "");
    }
}
