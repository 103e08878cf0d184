//! Target-hardening mode (analyst role): the `GET /api/target-hardening`
//! query built from the form, its answer as a ranked list for the panel,
//! points for the map and the legend.

use hotspot_api::responses::TargetHardening;
use serde_json::{json, Value};

use crate::classify::LegendItem;
use crate::format::{esc, number, thousands};

/// Defaults of the form (the server's `distance` and `days` defaults).
pub const DEFAULT_DISTANCE: f64 = 200.0;
pub const DEFAULT_DAYS: u32 = 28;
/// Places listed by default (the server's own default is 500).
pub const DEFAULT_LIMIT: u32 = 25;
pub const MAX_LIMIT: u32 = 500;

/// The map colour of the places to visit (dark brown, distinct from the
/// planner's purple and the hotspot bands).
pub const COLOUR: &str = "#8c510a";

/// What the form holds.
#[derive(Debug, Clone, PartialEq)]
pub struct HardeningForm {
    /// `YYYY-MM-DD`, or empty for the server's default (the latest dated
    /// burglary).
    pub as_of: String,
    /// Near-repeat distance, metres.
    pub distance: f64,
    /// Near-repeat window, days.
    pub days: u32,
    /// Most places listed.
    pub limit: u32,
}

impl Default for HardeningForm {
    fn default() -> Self {
        HardeningForm {
            as_of: String::new(),
            distance: DEFAULT_DISTANCE,
            days: DEFAULT_DAYS,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// A calendar date `YYYY-MM-DD` (leap years included).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r.clone())
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse().ok())
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1900 && (1..=days).contains(&d)
}

impl HardeningForm {
    /// Checks the fields; `Err` is a message for the person.
    pub fn validate(&self) -> Result<(), String> {
        if !self.as_of.is_empty() && !is_date(&self.as_of) {
            return Err(
                "As-of date must be a date (YYYY-MM-DD), or empty for the latest burglary.".into(),
            );
        }
        if !(self.distance.is_finite() && self.distance > 0.0 && self.distance <= 5_000.0) {
            return Err(
                "Near-repeat distance must be more than 0 and at most 5,000 metres.".into(),
            );
        }
        if !(1..=365).contains(&self.days) {
            return Err("Near-repeat days must be 1 to 365.".into());
        }
        if !(1..=MAX_LIMIT).contains(&self.limit) {
            return Err(format!("Number of places must be 1 to {MAX_LIMIT}."));
        }
        Ok(())
    }

    /// `/api/target-hardening?…` for the list (JSON) or its CSV.
    pub fn url(&self, csv: bool) -> String {
        let mut q = Vec::new();
        if !self.as_of.is_empty() {
            q.push(format!("as_of={}", crate::filters::encode(&self.as_of)));
        }
        q.push(format!("distance={}", self.distance));
        q.push(format!("days={}", self.days));
        q.push(format!("limit={}", self.limit));
        if csv {
            q.push("format=csv".into());
        }
        format!("/api/target-hardening?{}", q.join("&"))
    }
}

/// One place to visit, with its rank (1 = visit first).
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub rank: usize,
    pub place: hotspot_api::responses::Place,
}

impl std::ops::Deref for Place {
    type Target = hotspot_api::responses::Place;

    fn deref(&self) -> &Self::Target {
        &self.place
    }
}

/// The answer of `/api/target-hardening`, its places ranked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VisitList {
    pub as_of: String,
    /// Burglaries had dates, so near-repeat risk ranks the places (else the
    /// burglary hotspot alone).
    pub near_repeat: bool,
    /// Places with a reason, before the limit.
    pub total: u64,
    pub places: Vec<Place>,
}

impl From<TargetHardening> for VisitList {
    fn from(t: TargetHardening) -> VisitList {
        VisitList {
            as_of: t.as_of,
            near_repeat: t.near_repeat,
            total: t.total as u64,
            places: t
                .items
                .into_iter()
                .enumerate()
                .map(|(n, place)| Place { rank: n + 1, place })
                .collect(),
        }
    }
}

impl VisitList {
    /// The places as GeoJSON points for the map (`rank`, `label`).
    pub fn geojson(&self) -> Value {
        let features: Vec<Value> = self
            .places
            .iter()
            .map(|p| {
                json!({
                    "type": "Feature",
                    "id": p.rank,
                    "geometry": { "type": "Point", "coordinates": [p.lon, p.lat] },
                    "properties": { "rank": p.rank, "label": p.label, "expires": p.expires },
                })
            })
            .collect();
        json!({ "type": "FeatureCollection", "features": features })
    }

    /// `[w, s, e, n]` of the places.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        let first = self.places.first()?;
        Some(
            self.places
                .iter()
                .fold([first.lon, first.lat, first.lon, first.lat], |b, p| {
                    [
                        b[0].min(p.lon),
                        b[1].min(p.lat),
                        b[2].max(p.lon),
                        b[3].max(p.lat),
                    ]
                }),
        )
    }

    /// The method in a sentence.
    pub fn method_note(&self) -> String {
        if self.near_repeat {
            "Ranked by near-repeat risk (recent burglaries close by, decaying with distance and time), with the burglary density as a prior.".into()
        } else {
            "The burglaries have no dates (police.uk months only), so the burglary density alone ranks the places: no near-repeat risk.".into()
        }
    }

    /// The panel: a summary and an ordered list of buttons (one per place,
    /// so the list is usable from the keyboard), each with its reason and
    /// expiry date.
    pub fn html(&self) -> String {
        let mut h = format!(
            "<h3>{} place{} to visit</h3><p class=\"note th-summary\">As of {}: showing {} of {} places with a reason. {}</p>",
            self.places.len(),
            if self.places.len() == 1 { "" } else { "s" },
            esc(&self.as_of),
            thousands(self.places.len() as u64),
            thousands(self.total),
            esc(&self.method_note())
        );
        if self.places.is_empty() {
            h.push_str(
                "<p class=\"note\">No place has a reason for a visit with these settings.</p>",
            );
            return h;
        }
        h.push_str("<ol class=\"th-list\">");
        for p in &self.places {
            let recent = if p.triggering > 0 {
                format!(
                    "; {} recent burglar{} nearby",
                    thousands(u64::from(p.triggering)),
                    if p.triggering == 1 { "y" } else { "ies" }
                )
            } else {
                String::new()
            };
            h.push_str(&format!(
                "<li data-rank=\"{rank}\"><button type=\"button\" class=\"th-item\" data-rank=\"{rank}\" title=\"Show on the map\">\
                 <span class=\"th-rank\" aria-hidden=\"true\">{rank}</span>\
                 <span class=\"th-body\"><strong>{label}</strong><br>\
                 <span class=\"th-reason\">{reason}</span><br>\
                 <span class=\"n\">Visit by <span class=\"th-expires\">{expires}</span> (score {score}{recent})</span></span></button></li>",
                rank = p.rank,
                label = esc(&p.label),
                reason = esc(&p.reason),
                expires = esc(&p.expires),
                score = number(p.score, 3),
                recent = esc(&recent),
            ));
        }
        h.push_str("</ol>");
        h
    }

    /// The legend row.
    pub fn legend_items(&self) -> Vec<LegendItem> {
        vec![LegendItem {
            colour: COLOUR.into(),
            label: "Place to visit (numbered by rank)".into(),
            count: self.places.len(),
        }]
    }
}

/// Why the mode is missing for other roles (the README and status line).
pub const LOCKED_NOTE: &str = "Target hardening needs the analyst role.";

/// The CSV's file name.
pub fn csv_name(form: &HardeningForm, as_of: &str) -> String {
    let day = if form.as_of.is_empty() {
        as_of
    } else {
        &form.as_of
    };
    if day.is_empty() {
        "hotspot-target-hardening.csv".into()
    } else {
        format!("hotspot-target-hardening-{day}.csv")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> VisitList {
        VisitList::from(serde_json::from_value::<TargetHardening>(v).unwrap())
    }

    fn sample() -> Value {
        json!({"as_of": "2025-12-31", "near_repeat": false, "total": 199, "items": [
            {"label": "On or near Larch Close", "lon": -1.0205, "lat": 52.2096, "score": 0.2,
             "risk": 0.0, "reason": "in the top 1% burglary hotspot (density 282 per km²)",
             "expires": "2026-01-28", "triggering": 0},
            {"label": "<b>Alder</b> Court", "lon": -1.0222, "lat": 52.2098, "score": 0.1996,
             "risk": 0.1, "reason": "2 burglaries within 200 m", "expires": "2026-01-20", "triggering": 2}
        ]})
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2025-12-31") && is_date("2024-02-29"));
        assert!(!is_date("2025-02-29") && !is_date("2025-13-01") && !is_date("2025-1-01"));
        assert!(!is_date("2025-04-31") && !is_date("abcd-ef-gh") && !is_date(""));
    }

    #[test]
    fn form_validates_and_builds_urls() {
        let f = HardeningForm::default();
        assert!(f.validate().is_ok());
        assert_eq!(
            f.url(false),
            "/api/target-hardening?distance=200&days=28&limit=25"
        );
        let g = HardeningForm {
            as_of: "2025-10-01".into(),
            distance: 300.0,
            days: 14,
            limit: 10,
        };
        assert_eq!(
            g.url(true),
            "/api/target-hardening?as_of=2025-10-01&distance=300&days=14&limit=10&format=csv"
        );
        for bad in [
            HardeningForm {
                as_of: "01/10/2025".into(),
                ..g.clone()
            },
            HardeningForm {
                distance: 0.0,
                ..g.clone()
            },
            HardeningForm {
                distance: f64::NAN,
                ..g.clone()
            },
            HardeningForm {
                days: 0,
                ..g.clone()
            },
            HardeningForm {
                limit: 501,
                ..g.clone()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        assert_eq!(
            csv_name(&f, "2025-12-31"),
            "hotspot-target-hardening-2025-12-31.csv"
        );
        assert_eq!(
            csv_name(&g, "2025-12-31"),
            "hotspot-target-hardening-2025-10-01.csv"
        );
    }

    #[test]
    fn answer_becomes_a_ranked_list_points_and_legend() {
        let l = parse(sample());
        assert_eq!(
            (l.as_of.as_str(), l.near_repeat, l.total),
            ("2025-12-31", false, 199)
        );
        // Ranks follow the order.
        assert_eq!(l.places.len(), 2);
        assert_eq!(l.places[1].rank, 2);
        let h = l.html();
        assert!(h.contains("2 places to visit"));
        assert!(h.contains("showing 2 of 199"));
        assert!(h.contains("density alone"));
        assert!(h.find("Larch Close").unwrap() < h.find("Alder").unwrap());
        assert!(h.contains("in the top 1% burglary hotspot (density 282 per km²)"));
        assert!(h.contains("Visit by <span class=\"th-expires\">2026-01-28</span>"));
        assert!(h.contains("2 recent burglaries nearby"));
        assert!(h.contains("&lt;b&gt;Alder&lt;/b&gt;") && !h.contains("<b>Alder"));
        let g = l.geojson();
        assert_eq!(g["features"][0]["properties"]["rank"], 1);
        assert_eq!(
            g["features"][1]["geometry"]["coordinates"],
            json!([-1.0222, 52.2098])
        );
        assert_eq!(l.bounds(), Some([-1.0222, 52.2096, -1.0205, 52.2098]));
        assert_eq!(l.legend_items()[0].count, 2);
        let empty =
            parse(json!({"as_of": "2025-12-31", "near_repeat": false, "total": 0, "items": []}));
        assert!(empty.html().contains("No place has a reason"));
        assert_eq!(empty.bounds(), None);
    }
}
