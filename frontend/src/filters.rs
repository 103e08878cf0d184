//! The user's selection (crime group/type, source, period, comparison,
//! measure) and the API query strings it makes. The same state round-trips
//! through the page URL, so a view can be bookmarked or shared.

use crate::gistar;
use crate::view::{bbox_param, BBox};

/// What the ward choropleth shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Count,
    Rate,
    Change,
    /// Harm per 1,000 residents (with a harm index; `weight=harm`).
    Harm,
}

impl Measure {
    pub const ALL: [Measure; 4] = [
        Measure::Count,
        Measure::Rate,
        Measure::Change,
        Measure::Harm,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Measure::Count => "count",
            Measure::Rate => "rate",
            Measure::Change => "change",
            Measure::Harm => "harm",
        }
    }

    pub fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Measure::Count => "Incidents (count)",
            Measure::Rate => "Rate per 1,000 residents",
            Measure::Change => "% change vs comparison",
            Measure::Harm => "Harm per 1,000 residents",
        }
    }

    /// The ward's figure for the measure (`None`: withheld or none).
    pub fn value(self, w: &hotspot_api::responses::WardProperties) -> Option<f64> {
        match self {
            Measure::Count => w.count.map(|n| n as f64),
            Measure::Rate => w.rate_per_1000,
            Measure::Change => w.change_pct,
            Measure::Harm => w.harm_per_1000,
        }
    }

    /// The ward property the measure reads.
    pub fn property(self) -> &'static str {
        match self {
            Measure::Count => "count",
            Measure::Rate => "rate_per_1000",
            Measure::Change => "change_pct",
            Measure::Harm => "harm_per_1000",
        }
    }
}

/// The comparison period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    None,
    Previous,
    Year,
}

impl Compare {
    pub const ALL: [Compare; 3] = [Compare::None, Compare::Previous, Compare::Year];

    pub fn key(self) -> &'static str {
        match self {
            Compare::None => "none",
            Compare::Previous => "previous",
            Compare::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<Compare> {
        Compare::ALL.into_iter().find(|c| c.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Compare::None => "No comparison",
            Compare::Previous => "Previous period of the same length",
            Compare::Year => "Same period a year earlier",
        }
    }
}

/// Everything that selects what the map shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    /// Crime group id (`/api/categories` groups), empty = all.
    pub group: String,
    /// Crime type (police.uk category or partner type), empty = all.
    pub crime_type: String,
    /// Data source (`police.uk`, `fly-tipping`...), empty = all.
    pub source: String,
    /// First and last month, `YYYY-MM`, inclusive.
    pub from: String,
    pub to: String,
    pub compare: Compare,
    pub measure: Measure,
    /// The hotspot and density bandwidth, metres; `None`: the API's rule.
    pub bandwidth: Option<u32>,
    /// The Gi* grid's cell, metres; `None`: the API's rule.
    pub gi_cell: Option<u32>,
    /// The Gi* neighbourhood, in cell widths; `None`: the API's (1.5).
    pub gi_band: Option<f64>,
    /// Weigh incidents by the deployment's harm index (`weight=harm`) in
    /// the wards, hotspots, density and Gi*.
    pub harm: bool,
    /// The relative-risk layer's denominator: `population`, `source:NAME`
    /// or `group:ID` (as `/api/relative-risk` takes it).
    pub denominator: String,
}

impl Filters {
    /// The default view: the latest six months against the previous six.
    pub fn default_for(months: &[String]) -> Filters {
        let to = months.last().cloned().unwrap_or_default();
        let from = months
            .len()
            .checked_sub(6)
            .and_then(|i| months.get(i))
            .or(months.first())
            .cloned()
            .unwrap_or_default();
        Filters {
            group: String::new(),
            crime_type: String::new(),
            source: String::new(),
            from,
            to,
            compare: Compare::Previous,
            measure: Measure::Count,
            bandwidth: None,
            gi_cell: None,
            gi_band: None,
            harm: false,
            denominator: "population".into(),
        }
    }

    /// `2025-01..2025-06`, or empty when no months are known.
    pub fn period(&self) -> String {
        match (self.from.is_empty(), self.to.is_empty()) {
            (true, true) => String::new(),
            (false, true) => self.from.clone(),
            (true, false) => self.to.clone(),
            (false, false) => format!("{}..{}", self.from, self.to),
        }
    }

    /// Selection parameters shared by every endpoint.
    pub fn selection_pairs(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        let period = self.period();
        if !period.is_empty() {
            p.push(("period", period));
        }
        if !self.group.is_empty() {
            p.push(("group", self.group.clone()));
        }
        if !self.crime_type.is_empty() {
            p.push(("type", self.crime_type.clone()));
        }
        if !self.source.is_empty() {
            p.push(("source", self.source.clone()));
        }
        p
    }

    /// The comparison actually requested: % change needs one, so it falls
    /// back to the previous period when none is chosen.
    pub fn effective_compare(&self) -> Compare {
        if self.measure == Measure::Change && self.compare == Compare::None {
            Compare::Previous
        } else {
            self.compare
        }
    }

    /// The statistics parameters of `/api/wards` (selection and
    /// comparison, without the map's ranking): also what a ward briefing
    /// takes, so the briefing has the same figures as the map.
    pub fn ward_stats_pairs(&self) -> Vec<(&'static str, String)> {
        let mut p = self.selection_pairs();
        let compare = self.effective_compare();
        if compare != Compare::None && !self.period().is_empty() {
            p.push(("compare", compare.key().to_string()));
        }
        p
    }

    /// What ward rank and priority follow: the rate when the map shades
    /// by rate, else the count (the legend and the ward table say which).
    pub fn ranked_by(&self) -> &'static str {
        if self.measure == Measure::Rate {
            "rate per 1,000 residents"
        } else {
            "count"
        }
    }

    /// `/api/wards?...`
    pub fn wards_url(&self) -> String {
        let mut p = self.ward_stats_pairs();
        if self.measure == Measure::Rate {
            p.push(("rank_by", "rate".to_string()));
        }
        p.extend(self.weight_pair());
        url("/api/wards", &p)
    }

    /// `/api/wards/{code}?...`: the same statistics as the map, for one ward.
    pub fn ward_url(&self, code: &str) -> String {
        let base = self.wards_url();
        let query = base.split_once('?').map(|(_, q)| q).unwrap_or("");
        let path = format!("/api/wards/{}", encode(code));
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    }

    /// The ward's whole history under the same crime filters (for the trend chart).
    pub fn ward_trend_url(&self, code: &str) -> String {
        let p: Vec<_> = self
            .selection_pairs()
            .into_iter()
            .filter(|(k, _)| *k != "period")
            .collect();
        url(&format!("/api/wards/{}", encode(code)), &p)
    }

    /// The selection with the surface's area and bandwidth (hotspots,
    /// density): without a `bbox` the API computes over the study area.
    fn surface_pairs(&self, bbox: Option<BBox>) -> Vec<(&'static str, String)> {
        let mut p = self.selection_pairs();
        if let Some(b) = bbox {
            p.push(("bbox", bbox_param(b)));
        }
        if let Some(h) = self.bandwidth {
            p.push(("bandwidth", h.to_string()));
        }
        p.extend(self.weight_pair());
        p
    }

    /// `weight=harm` when weighing by harm (wards, hotspots, density, Gi*).
    fn weight_pair(&self) -> Option<(&'static str, String)> {
        self.harm.then(|| ("weight", "harm".to_string()))
    }

    /// `/api/hotspots?...`
    pub fn hotspots_url(&self, bbox: Option<BBox>) -> String {
        let mut p = self.surface_pairs(bbox);
        p.push(("top", "10,5,1".to_string()));
        url("/api/hotspots", &p)
    }

    /// `/api/density?format=geojson&...`
    pub fn density_url(&self, bbox: Option<BBox>, min_density: f64) -> String {
        let mut p = self.surface_pairs(bbox);
        p.push(("format", "geojson".to_string()));
        if min_density > 0.0 {
            p.push(("min_density", trim_float(min_density)));
        }
        url("/api/density", &p)
    }

    /// `/api/density?format=geotiff&...`: the surface in view as a GeoTIFF
    /// (British National Grid, the licence in its tags).
    pub fn density_geotiff_url(&self, bbox: Option<BBox>) -> String {
        let mut p = self.surface_pairs(bbox);
        p.push(("format", "geotiff".to_string()));
        url("/api/density", &p)
    }

    /// `/ogc/collections/{layer}/items?f=gpkg|csv&...`: a layer as a file
    /// with its attribution inside, for the filters' period and selection
    /// (over the whole study area).
    pub fn layer_file_url(&self, layer: &str, format: &str) -> String {
        let mut p = self.selection_pairs();
        p.push(("f", format.to_string()));
        url(&format!("/ogc/collections/{layer}/items"), &p)
    }

    /// `/api/density?format=grid&...`: the surface as one compact grid.
    pub fn density_grid_url(&self, bbox: Option<BBox>) -> String {
        let mut p = self.surface_pairs(bbox);
        p.push(("format", "grid".to_string()));
        url("/api/density", &p)
    }

    /// `/api/labels?...`: the street labels of the map points in `bbox`.
    pub fn labels_url(&self, bbox: Option<BBox>) -> String {
        let mut p = self.selection_pairs();
        if let Some(b) = bbox {
            p.push(("bbox", bbox_param(b)));
        }
        url("/api/labels", &p)
    }

    /// `/api/gistar?...&format=grid`: Gi* on the grid over the whole area,
    /// as one compact grid the page draws as an image.
    pub fn gistar_url(&self) -> String {
        let mut p = self.selection_pairs();
        p.extend(self.gi_pairs());
        p.extend(self.weight_pair());
        p.push(("format", "grid".to_string()));
        url("/api/gistar", &p)
    }

    /// `/api/emerging?...`: emerging hot spots on the same grid as Gi*.
    pub fn emerging_url(&self) -> String {
        let mut p = self.selection_pairs();
        p.extend(self.gi_pairs());
        url("/api/emerging", &p)
    }

    /// `/api/change?...`: each grid cell's change from the comparison
    /// period (the previous one when none is chosen) to the selected one,
    /// on the Gi* grid.
    pub fn change_url(&self) -> Option<String> {
        let mut p = self.two_period_pairs("before", "after")?;
        if let Some(c) = self.gi_cell {
            p.push(("cell", c.to_string()));
        }
        Some(url("/api/change", &p))
    }

    /// `/api/evaluate?...`: the methods trained on the comparison period
    /// and tested on the selected one.
    pub fn evaluate_url(&self) -> Option<String> {
        Some(url(
            "/api/evaluate",
            &self.two_period_pairs("train", "test")?,
        ))
    }

    /// The selection with the comparison period (the previous one when
    /// none is chosen) as `earlier` and the selected period as `later`, in
    /// place of `period`; `None` without a period of whole months.
    fn two_period_pairs(
        &self,
        earlier: &'static str,
        later: &'static str,
    ) -> Option<Vec<(&'static str, String)>> {
        let mut prev = self.clone();
        if prev.compare == Compare::None {
            prev.compare = Compare::Previous;
        }
        let (a, b) = crate::panels::comparison_range(&prev)?;
        let mut p: Vec<(&str, String)> = self
            .selection_pairs()
            .into_iter()
            .filter(|(k, _)| *k != "period")
            .collect();
        p.push((earlier, format!("{a}..{b}")));
        p.push((later, self.period()));
        Some(p)
    }

    /// `/api/clusters?...`: DBSCAN over the selection, its parameters chosen
    /// from the data.
    pub fn clusters_url(&self) -> String {
        url("/api/clusters", &self.selection_pairs())
    }

    /// `/api/relative-risk?...`: the selection's density over the
    /// denominator's, over the whole area, at the chosen bandwidth (else
    /// 600 m, the API's rule for a county) on cells of 2/5 of it (at least
    /// 100 m): the surface is smooth at that scale, and a county at the
    /// API's own 100 m cells would be some 80,000 polygons for the page.
    pub fn risk_url(&self) -> String {
        let h = self.bandwidth.unwrap_or(600);
        let mut p = self.selection_pairs();
        p.push(("denominator", self.denominator.clone()));
        p.push(("bandwidth", h.to_string()));
        p.push(("cell", (h * 2 / 5).max(100).to_string()));
        url("/api/relative-risk", &p)
    }

    /// The Gi* cell and neighbourhood, when chosen.
    fn gi_pairs(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if let Some(c) = self.gi_cell {
            p.push(("cell", c.to_string()));
        }
        if let Some(b) = self.gi_band {
            p.push(("band", trim_float(b)));
        }
        p
    }

    /// `/api/tiles/incidents/{z}/{x}/{y}.mvt?...`: the template MapLibre
    /// fills for the incident points (vector tiles: only what is in view,
    /// clustered below street zoom), absolute as a tile source needs.
    pub fn incident_tiles_url(&self, origin: &str) -> String {
        let q = url("", &self.selection_pairs());
        format!("{origin}/api/tiles/incidents/{{z}}/{{x}}/{{y}}.mvt{q}")
    }

    /// `/api/incidents?...` within `bbox`: the incidents at a clicked map
    /// point (up to `limit`).
    pub fn incidents_at_url(&self, bbox: BBox, limit: usize) -> String {
        let mut p = self.selection_pairs();
        p.push(("bbox", bbox_param(bbox)));
        p.push(("limit", limit.to_string()));
        url("/api/incidents", &p)
    }

    /// `/api/incidents?...`: one page of points.
    pub fn incidents_url(&self, limit: usize) -> String {
        let mut p = self.selection_pairs();
        p.push(("limit", limit.to_string()));
        url("/api/incidents", &p)
    }

    /// The page's own query string (`?period=...&measure=...`), for bookmarks.
    pub fn to_page_query(&self) -> String {
        let mut p = self.selection_pairs();
        p.push(("compare", self.compare.key().to_string()));
        p.push(("measure", self.measure.key().to_string()));
        if let Some(h) = self.bandwidth {
            p.push(("bandwidth", h.to_string()));
        }
        if let Some(c) = self.gi_cell {
            p.push(("gi_cell", c.to_string()));
        }
        if let Some(b) = self.gi_band {
            p.push(("gi_band", trim_float(b)));
        }
        p.extend(self.weight_pair());
        if self.denominator != "population" {
            p.push(("risk_by", self.denominator.clone()));
        }
        let q = query(&p);
        format!("?{q}")
    }

    /// Reads the state [`Filters::to_page_query`] wrote, over `base`; values
    /// that are not valid months, groups or types are ignored by the caller's
    /// own checks, not here.
    pub fn from_page_query(mut self, pairs: &[(String, String)]) -> Filters {
        for (k, v) in pairs {
            match k.as_str() {
                "period" => {
                    let (a, b) = v.split_once("..").unwrap_or((v, v));
                    if is_month(a) && is_month(b) && a <= b {
                        self.from = a.to_string();
                        self.to = b.to_string();
                    }
                }
                "group" => self.group = v.clone(),
                "type" => self.crime_type = v.clone(),
                "source" => self.source = v.clone(),
                "compare" => {
                    if let Some(c) = Compare::parse(v) {
                        self.compare = c
                    }
                }
                "measure" => {
                    if let Some(m) = Measure::parse(v) {
                        self.measure = m
                    }
                }
                "bandwidth" => {
                    if let Some(h) = v.parse().ok().filter(|h| (10..=5_000).contains(h)) {
                        self.bandwidth = Some(h)
                    }
                }
                "gi_cell" => self.gi_cell = v.parse().ok().filter(|c| (10..=10_000).contains(c)),
                "gi_band" => {
                    self.gi_band = v.parse().ok().filter(|b| gistar::BAND_PRESETS.contains(b))
                }
                "weight" => self.harm = v == "harm",
                "risk_by" => self.denominator = v.clone(),
                _ => {}
            }
        }
        self
    }

    /// Short human description, e.g. for the PNG export's caption.
    pub fn describe(&self, group_name: Option<&str>) -> String {
        let what = if !self.crime_type.is_empty() {
            self.crime_type.clone()
        } else if let Some(g) = group_name {
            g.to_string()
        } else {
            "All incidents".to_string()
        };
        let src = if self.source.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.source)
        };
        format!(
            "{what}{src}, {} to {}",
            crate::format::month_label(&self.from),
            crate::format::month_label(&self.to)
        )
    }
}

/// `YYYY-MM`.
pub fn is_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(
            &s[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
}

/// Number of months from `a` to `b` inclusive (0 when either is not a month).
pub fn months_between(a: &str, b: &str) -> i32 {
    fn idx(s: &str) -> Option<i32> {
        is_month(s)
            .then(|| s[..4].parse::<i32>().ok().zip(s[5..].parse::<i32>().ok()))?
            .map(|(y, m)| y * 12 + m - 1)
    }
    match (idx(a), idx(b)) {
        (Some(x), Some(y)) => y - x + 1,
        _ => 0,
    }
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `path?k=v&...`, values percent-encoded.
pub fn url(path: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query(pairs))
    }
}

fn query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes everything but RFC 3986 unreserved characters (and keeps
/// `,` and `.`, which the API's lists and periods use).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes a query string (`a=1&b=x%20y`, with or without the leading `?`).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.trim_start_matches('?')
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months() -> Vec<String> {
        (1..=12).map(|m| format!("2025-{m:02}")).collect()
    }

    #[test]
    fn default_is_latest_six_months_against_the_previous_six() {
        let f = Filters::default_for(&months());
        assert_eq!(f.period(), "2025-07..2025-12");
        assert_eq!(
            f.wards_url(),
            "/api/wards?period=2025-07..2025-12&compare=previous"
        );
    }

    #[test]
    fn urls_encode_types_with_spaces_and_carry_every_filter() {
        let mut f = Filters::default_for(&months());
        f.crime_type = "Criminal damage and arson".into();
        f.group = "serious-acquisitive".into();
        f.measure = Measure::Rate;
        f.compare = Compare::Year;
        assert_eq!(
            f.wards_url(),
            "/api/wards?period=2025-07..2025-12&group=serious-acquisitive&type=Criminal%20damage%20and%20arson&compare=year&rank_by=rate"
        );
        assert!(f
            .ward_url("E05999013")
            .starts_with("/api/wards/E05999013?period="));
        assert_eq!(
            f.ward_trend_url("E05999013"),
            "/api/wards/E05999013?group=serious-acquisitive&type=Criminal%20damage%20and%20arson"
        );
        assert_eq!(
            f.layer_file_url("hotspots", "gpkg"),
            "/ogc/collections/hotspots/items?period=2025-07..2025-12&group=serious-acquisitive&type=Criminal%20damage%20and%20arson&f=gpkg"
        );
        assert!(f.hotspots_url(None).ends_with("&top=10,5,1"));
        assert!(f
            .density_url(None, 0.5)
            .ends_with("format=geojson&min_density=0.5"));
        assert!(f.incidents_url(10000).ends_with("limit=10000"));
        assert!(f.density_grid_url(None).ends_with("&format=grid"));
    }

    #[test]
    fn gistar_carries_the_chosen_grid_and_the_page_keeps_it() {
        let months: Vec<String> = vec!["2025-01".into(), "2025-06".into()];
        let mut f = Filters::default_for(&months);
        assert_eq!(
            f.gistar_url(),
            "/api/gistar?period=2025-01..2025-06&format=grid"
        );
        f.gi_cell = Some(500);
        f.gi_band = Some(2.5);
        assert_eq!(
            f.gistar_url(),
            "/api/gistar?period=2025-01..2025-06&cell=500&band=2.5&format=grid"
        );
        let back = Filters::default_for(&months).from_page_query(&parse_query(&f.to_page_query()));
        assert_eq!((back.gi_cell, back.gi_band), (Some(500), Some(2.5)));
        // Values out of range are ignored (a method's own cell, e.g. 100 m, is kept).
        let odd =
            Filters::default_for(&months).from_page_query(&parse_query("?gi_cell=7&gi_band=9"));
        assert_eq!((odd.gi_cell, odd.gi_band), (None, None));
    }

    #[test]
    fn surfaces_carry_the_view_and_the_chosen_bandwidth() {
        let mut f = Filters::default_for(&months());
        let view = Some([-0.9, 52.23, -0.88, 52.24]);
        assert_eq!(
            f.hotspots_url(view),
            "/api/hotspots?period=2025-07..2025-12&bbox=-0.9,52.23,-0.88,52.24&top=10,5,1"
        );
        f.bandwidth = Some(300);
        assert!(f
            .density_grid_url(view)
            .contains("&bbox=-0.9,52.23,-0.88,52.24&bandwidth=300&format=grid"));
        // Ward statistics are the whole area's, whatever the view.
        assert!(!f.wards_url().contains("bbox") && !f.wards_url().contains("bandwidth"));
    }

    #[test]
    fn harm_weighs_the_summed_layers_only_and_round_trips() {
        let mut f = Filters::default_for(&months());
        f.harm = true;
        f.measure = Measure::Harm;
        assert!(f.wards_url().ends_with("&compare=previous&weight=harm"));
        assert!(f.hotspots_url(None).contains("&weight=harm&top="));
        assert!(f
            .density_grid_url(None)
            .contains("&weight=harm&format=grid"));
        assert!(f.gistar_url().ends_with("&weight=harm&format=grid"));
        // Not weighted: emerging hot spots, incident pages, layer files,
        // briefings (their endpoints take no weight).
        assert!(!f.emerging_url().contains("weight"));
        assert!(!f.incidents_url(10).contains("weight"));
        assert!(!f.layer_file_url("wards", "gpkg").contains("weight"));
        assert!(!f.ward_stats_pairs().iter().any(|(k, _)| *k == "weight"));
        let back =
            Filters::default_for(&months()).from_page_query(&parse_query(&f.to_page_query()));
        assert_eq!(back, f);
    }

    #[test]
    fn change_compares_with_the_comparison_period_on_the_gi_grid() {
        let mut f = Filters::default_for(&months());
        f.group = "serious-acquisitive".into();
        f.compare = Compare::Year;
        f.gi_cell = Some(500);
        assert_eq!(
            f.change_url().unwrap(),
            "/api/change?group=serious-acquisitive&before=2024-07..2024-12&after=2025-07..2025-12&cell=500"
        );
        f.compare = Compare::None;
        assert!(f.change_url().unwrap().contains("before=2025-01..2025-06"));
        assert_eq!(
            f.evaluate_url().unwrap(),
            "/api/evaluate?group=serious-acquisitive&train=2025-01..2025-06&test=2025-07..2025-12"
        );
        assert_eq!(
            f.clusters_url(),
            "/api/clusters?period=2025-07..2025-12&group=serious-acquisitive"
        );
        f.denominator = "source:fly-tipping".into();
        assert!(f
            .risk_url()
            .ends_with("&denominator=source%3Afly-tipping&bandwidth=600&cell=240"));
        let back =
            Filters::default_for(&months()).from_page_query(&parse_query(&f.to_page_query()));
        assert_eq!(back.denominator, "source:fly-tipping");
    }

    #[test]
    fn incident_tiles_keep_the_template_and_carry_the_selection() {
        let mut f = Filters::default_for(&months());
        f.crime_type = "Anti-social behaviour".into();
        assert_eq!(
            f.incident_tiles_url("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/api/tiles/incidents/{z}/{x}/{y}.mvt?period=2025-07..2025-12&type=Anti-social%20behaviour"
        );
        assert!(f
            .incidents_at_url([-0.9, 52.2, -0.89, 52.21], 50)
            .ends_with("&bbox=-0.9,52.2,-0.89,52.21&limit=50"));
    }

    #[test]
    fn change_needs_a_comparison() {
        let mut f = Filters::default_for(&months());
        f.compare = Compare::None;
        assert!(!f.wards_url().contains("compare"));
        f.measure = Measure::Change;
        assert!(f.wards_url().contains("compare=previous"));
    }

    #[test]
    fn page_query_round_trips() {
        let mut f = Filters::default_for(&months());
        f.crime_type = "Anti-social behaviour".into();
        f.source = "police.uk".into();
        f.measure = Measure::Change;
        f.compare = Compare::Year;
        f.from = "2025-02".into();
        f.bandwidth = Some(400);
        let q = f.to_page_query();
        let back = Filters::default_for(&months()).from_page_query(&parse_query(&q));
        assert_eq!(back, f);
        // Garbage is ignored.
        let same = Filters::default_for(&months()).from_page_query(&parse_query(
            "?period=2025-13..x&measure=nope&compare=%ZZ&bandwidth=-5",
        ));
        assert_eq!(same, Filters::default_for(&months()));
    }

    #[test]
    fn month_arithmetic() {
        assert!(is_month("2024-12"));
        assert!(!is_month("2024-13"));
        assert!(!is_month("24-12"));
        assert_eq!(months_between("2024-11", "2025-02"), 4);
        assert_eq!(months_between("x", "2025-02"), 0);
    }
}
