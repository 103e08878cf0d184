//! The ward briefing: everything a ward's councillors and neighbourhood team
//! get on one or two pages, assembled as plain data so that each output
//! (PDF, PNG, CSV, GeoPackage in `hotspot-briefing`) only lays it out.
//!
//! * **Counts by crime group**, each with its rate per 1,000 residents,
//!   change against the comparison period with the exact Poisson test, and
//!   the ward's rank among all wards, exactly as `/api/wards` computes them
//!   (the same [`Dataset::ward_statistics`]), plus a row for everything the
//!   selection picks.
//! * **Monthly trend**: the 24 months ending with the period (fewer when the
//!   data start later); months with no data loaded at all stay gaps.
//! * **Hotspots** in and around the ward: the polygons where kernel density
//!   reaches the top 5% of its non-zero cells over the map's frame padded by
//!   1 km, ranked by the selected incidents inside each.
//! * **Interventions** from the log whose target area overlaps the ward:
//!   ongoing, planned, and those ended in the last 365 days. The engine
//!   knows no SQL, so the caller passes the log in.
//! * **Map geometry** in British National Grid metres: the ward, the wards
//!   around it, hotspot polygons and, only when asked for, incident points.
//! * **Attribution** every output must carry.
//!
//! **Public briefings** (`public: true`) follow what the public role may see
//! through the API: ward aggregates with small counts withheld
//! ([`hotspot_core::disclosure::withheld`], below the service's threshold)
//! together with every figure derived from them (rate, change, p-value,
//! significance); no incident points, no hotspot surfaces and no
//! intervention log, which are partner data and (for planned operations)
//! operationally sensitive. The briefing says what was left out.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use geo::{BoundingRect, Contains, Intersects, MapCoords};
use geo_types::{Coord, MultiPolygon, Polygon};
use hotspot_core::disclosure::{self, withheld};
use hotspot_core::{Month, MonthRange};
use serde::Serialize;

use crate::{Dataset, DensityQuery, EngineError, Period, RankBy, Selection, WardQuery};

/// How many months the trend chart covers.
pub const TREND_MONTHS: i32 = 24;
/// Interventions that ended at most this many days before the briefing
/// date are "recent".
pub const RECENT_DAYS: i64 = 365;
/// The density level outlined as a hotspot: the top 5% of non-zero cells.
pub const HOTSPOT_TOP_PERCENT: f64 = 5.0;

/// An intervention from the log, as the briefing needs it (the store's
/// record, converted by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionInput {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// Target area, WGS84.
    pub area: MultiPolygon<f64>,
    pub groups: Vec<String>,
    pub types: Vec<String>,
}

/// A briefing question.
#[derive(Debug, Clone)]
pub struct BriefingQuery {
    /// Ward code, e.g. `E05012345`.
    pub ward: String,
    /// What to count and the current period; its `area` and `bbox` are
    /// ignored (the ward is the area).
    pub selection: Selection,
    pub comparison: Option<Period>,
    /// Withhold small counts and leave out points, hotspots and
    /// interventions (see the module documentation).
    pub public: bool,
    /// Counts above 0 and below this are withheld in public briefings.
    pub suppress_below: u64,
    /// Put incident points on the map (analysts only; never when public).
    pub include_points: bool,
    /// How many hotspots to list.
    pub top_hotspots: usize,
    /// The briefing's date: what "recent" and "planned" are relative to.
    pub as_of: NaiveDate,
}

impl BriefingQuery {
    pub fn new(ward: &str, as_of: NaiveDate) -> Self {
        BriefingQuery {
            ward: ward.to_string(),
            selection: Selection::default(),
            comparison: None,
            public: false,
            suppress_below: disclosure::DEFAULT_SUPPRESS_BELOW,
            include_points: false,
            top_hotspots: 5,
            as_of,
        }
    }
}

/// One row of the counts table. In a public briefing a withheld figure is
/// `None` with `suppressed` (current count) or `comparison_suppressed` set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    /// Crime group id, `type:<crime type>` for a type asked for by name, or
    /// `all` for the whole selection.
    pub id: String,
    pub name: String,
    pub count: Option<u64>,
    pub rate_per_1000: Option<f64>,
    pub comparison_count: Option<u64>,
    pub change: Option<i64>,
    pub change_pct: Option<f64>,
    pub p_value: Option<f64>,
    pub change_significant: Option<bool>,
    /// Among all wards by count (1 = highest; ties share a rank).
    pub rank: usize,
    /// Among wards with a population, by rate.
    pub rank_by_rate: Option<usize>,
    pub suppressed: bool,
    pub comparison_suppressed: bool,
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendMonth {
    pub month: Month,
    /// `None` when no data at all are loaded for the month (a gap, not a
    /// zero) or when withheld.
    pub count: Option<u64>,
    pub suppressed: bool,
    /// Whether the month lies in the briefing's current period.
    pub in_period: bool,
}

/// A hotspot polygon in or near the ward.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BriefingHotspot {
    pub rank: usize,
    /// Selected incidents inside the polygon in the current period (some may
    /// lie just over the ward boundary).
    pub incidents: u64,
    pub area_km2: f64,
    /// The most frequent crime types inside, most frequent first.
    pub top_types: Vec<(String, u64)>,
    /// The most frequent location label inside (police.uk "On or near …").
    pub location: Option<String>,
    /// Centre of the polygon's bounding box, WGS84 lon/lat.
    pub centre: (f64, f64),
    #[serde(skip)]
    pub polygon_bng: Polygon<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InterventionStatus {
    Planned,
    Ongoing,
    Recent,
}

impl InterventionStatus {
    pub fn label(self) -> &'static str {
        match self {
            InterventionStatus::Planned => "planned",
            InterventionStatus::Ongoing => "ongoing",
            InterventionStatus::Recent => "recent",
        }
    }
}

/// An intervention overlapping the ward.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BriefingIntervention {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub status: InterventionStatus,
    /// The crimes it targets, in words ("all crime" when unrestricted).
    pub targets: String,
    #[serde(skip)]
    pub area_bng: MultiPolygon<f64>,
}

/// A ward drawn around the briefing's ward.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighbourWard {
    pub code: String,
    pub name: String,
    pub polygon_bng: MultiPolygon<f64>,
}

/// What the map shows, in British National Grid metres.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefingMap {
    /// The area to show: the ward's bounding box with a margin, min x, min
    /// y, max x, max y.
    pub frame: [f64; 4],
    pub ward: MultiPolygon<f64>,
    /// Wards whose bounding box meets the frame.
    pub neighbours: Vec<NeighbourWard>,
    /// Selected incidents in the ward in the current period; empty unless
    /// points were asked for and the briefing is not public.
    pub points: Vec<[f64; 2]>,
    /// Street labels: the ward's busiest streets at their busiest map
    /// point, most first, so the reader can tell where things are without
    /// a basemap. Empty in a public briefing (where crime concentrates is
    /// for partners, as the map's labels are).
    pub labels: Vec<StreetLabel>,
}

/// A street's name where the map writes it (BNG metres).
#[derive(Debug, Clone, PartialEq)]
pub struct StreetLabel {
    pub xy: [f64; 2],
    pub street: String,
}

/// Street labels a briefing map tries to place (fewer fit without overlap).
const MAP_LABELS: usize = 14;

/// Everything in one ward's briefing.
#[derive(Debug, Clone, PartialEq)]
pub struct WardBriefing {
    pub code: String,
    pub name: String,
    pub population: Option<f64>,
    /// How many wards are loaded (what the rank is out of).
    pub wards: usize,
    /// The current period in words and as given.
    pub period: String,
    pub comparison: Option<String>,
    /// The selection in words, e.g. "all crime and ASB".
    pub selection: String,
    pub as_of: NaiveDate,
    pub public: bool,
    pub suppress_below: u64,
    /// The whole selection first, then one row per crime group.
    pub rows: Vec<GroupRow>,
    pub trend: Vec<TrendMonth>,
    pub hotspots: Vec<BriefingHotspot>,
    pub interventions: Vec<BriefingIntervention>,
    pub map: BriefingMap,
    /// Caveats and what a public briefing leaves out, in words.
    pub notes: Vec<String>,
    /// Attribution and licence lines every output must carry.
    pub attribution: Vec<String>,
}

impl WardBriefing {
    /// A file name stem: `briefing-E05000001-2025-07..2025-12[-public]`.
    pub fn file_stem(&self) -> String {
        let period: String = self
            .period_key()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let code: String = self
            .code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        format!(
            "briefing-{code}-{period}{}",
            if self.public { "-public" } else { "" }
        )
    }

    fn period_key(&self) -> String {
        self.period
            .split_once(" (")
            .map(|(a, _)| a)
            .unwrap_or(&self.period)
            .replace(" to ", "..")
    }

    /// How a withheld count is shown: "<3".
    pub fn withheld_label(&self) -> String {
        format!("<{}", self.suppress_below)
    }
}

fn period_label(p: &Period, span: Option<MonthRange>) -> String {
    match p {
        Period::All => match span {
            Some(r) => format!("{} to {} (all months loaded)", r.from, r.to),
            None => "all months loaded".into(),
        },
        Period::Months(r) if r.from == r.to => r.from.to_string(),
        Period::Months(r) => format!("{} to {}", r.from, r.to),
        Period::Between { from, to } => format!(
            "{} to {}",
            from.format("%Y-%m-%d %H:%M"),
            to.format("%Y-%m-%d %H:%M")
        ),
    }
}

/// The months a period touches, for the trend's "in period" flag.
fn period_months(p: &Period, span: Option<MonthRange>) -> Option<MonthRange> {
    match p {
        Period::All => span,
        Period::Months(r) => Some(*r),
        Period::Between { from, to } => {
            let last = *to - chrono::Duration::seconds(1);
            MonthRange::new(Month::of(from.date()), Month::of(last.date())).ok()
        }
    }
}

/// Competition ranks (1 = highest; ties share) of `values`, `None` for
/// missing values.
fn ranks(values: &[Option<f64>]) -> Vec<Option<usize>> {
    values
        .iter()
        .map(|v| {
            v.map(|v| {
                1 + values
                    .iter()
                    .filter(|o| o.is_some_and(|o| o > v + 1e-12))
                    .count()
            })
        })
        .collect()
}

fn selection_label(sel: &Selection, ds: &Dataset) -> String {
    let mut parts = Vec::new();
    if !sel.groups.is_empty() {
        let names: Vec<String> = sel
            .groups
            .iter()
            .map(|g| ds.groups.get(g).map_or(g.clone(), |g| g.name.clone()))
            .collect();
        parts.push(names.join(", "));
    }
    if !sel.types.is_empty() {
        parts.push(sel.types.join(", "));
    }
    let mut text = if parts.is_empty() {
        "all crime and ASB".to_string()
    } else {
        parts.join("; ")
    };
    if !sel.sources.is_empty() {
        text.push_str(&format!(" (sources: {})", sel.sources.join(", ")));
    }
    text
}

impl Dataset {
    /// Assembles one ward's briefing. `interventions` is the whole log; only
    /// those overlapping the ward are kept.
    pub fn ward_briefing(
        &self,
        q: &BriefingQuery,
        interventions: &[InterventionInput],
    ) -> Result<WardBriefing, EngineError> {
        if self.areas.is_empty() {
            return Err(EngineError::NoAreas);
        }
        let a = self.area_index(&q.ward)?;
        let entry = &self.areas[a];
        let mut selection = q.selection.clone();
        selection.area = None;
        selection.bbox = None;
        let span = self.span();
        let threshold = q.suppress_below;
        let public = q.public;

        let mut notes = Vec::new();
        let rows = self.briefing_rows(q, &selection, a, &mut notes)?;
        let trend = self.briefing_trend(q, &selection)?;

        let (frame, neighbours) = self.briefing_frame(a)?;

        let mut in_ward = selection.clone();
        in_ward.area = Some(q.ward.clone());
        let picked_in_ward = self.select(&in_ward)?;
        let points = if q.include_points && !public {
            picked_in_ward
                .iter()
                .filter_map(|&k| self.point_of(k).map(|p| self.points[p]))
                .collect()
        } else {
            Vec::new()
        };
        let labels = if public {
            Vec::new()
        } else {
            self.busiest_streets(&picked_in_ward, MAP_LABELS)
                .into_iter()
                .map(|(street, _, xy)| StreetLabel { xy, street })
                .collect()
        };

        // A density surface that cannot be made (e.g. all points on one spot
        // and a refused grid) costs the briefing its hotspot list, not the
        // whole briefing.
        let hotspots = if public || q.top_hotspots == 0 || picked_in_ward.is_empty() {
            Vec::new()
        } else {
            match self.briefing_hotspots(&selection, &entry.bng, frame, q.top_hotspots) {
                Ok(h) => h,
                Err(e) => {
                    notes.push(format!("Hotspot areas could not be computed: {e}"));
                    Vec::new()
                }
            }
        };
        let interventions = if public {
            Vec::new()
        } else {
            briefing_interventions(&entry.bng, interventions, q.as_of, self)
        };

        if public {
            notes.push(format!(
                "Public briefing: counts of 1 to {} are shown as \"{}\" (fewer than {}) and the rates and changes derived from them are withheld. Incident points, hotspot areas and the intervention log are not included.",
                threshold.saturating_sub(1),
                format_args!("<{threshold}"),
                threshold
            ));
        }
        if entry.area.population.is_none() {
            notes.push("No population is loaded for this ward: rates per 1,000 residents are not available.".into());
        }

        let attribution = self.briefing_attribution(&picked_in_ward);

        Ok(WardBriefing {
            code: entry.area.code.clone(),
            name: entry.area.name.clone(),
            population: entry.area.population,
            wards: self.areas.len(),
            period: period_label(&selection.period, span),
            comparison: q.comparison.map(|c| period_label(&c, span)),
            selection: selection_label(&selection, self),
            as_of: q.as_of,
            public,
            suppress_below: threshold,
            rows,
            trend,
            hotspots,
            interventions,
            map: BriefingMap {
                frame,
                ward: entry.bng.clone(),
                neighbours,
                points,
                labels,
            },
            notes,
            attribution,
        })
    }

    /// The counts table: the whole selection, then one row per group and
    /// type asked for (every group when neither is). The first ward report's
    /// warnings go into `notes`.
    fn briefing_rows(
        &self,
        q: &BriefingQuery,
        selection: &Selection,
        a: usize,
        notes: &mut Vec<String>,
    ) -> Result<Vec<GroupRow>, EngineError> {
        let (public, threshold) = (q.public, q.suppress_below);
        // One row per group and type asked for; every group when neither is.
        let group_ids: Vec<String> = if selection.groups.is_empty() && selection.types.is_empty() {
            self.groups.iter().map(|g| g.id.clone()).collect()
        } else {
            selection.groups.clone()
        };
        let mut rows = Vec::new();
        let mut queries = vec![(
            "all".to_string(),
            format!("All: {}", selection_label(selection, self)),
            selection.clone(),
        )];
        for id in &group_ids {
            let group = self
                .groups
                .get(id)
                .ok_or_else(|| EngineError::UnknownGroup(id.clone()))?;
            let s = Selection {
                groups: vec![id.clone()],
                types: Vec::new(),
                ..selection.clone()
            };
            queries.push((id.clone(), group.name.clone(), s));
        }
        for t in &selection.types {
            let s = Selection {
                groups: Vec::new(),
                types: vec![t.clone()],
                ..selection.clone()
            };
            queries.push((format!("type:{t}"), t.clone(), s));
        }
        for (i, (id, name, s)) in queries.into_iter().enumerate() {
            let report = self.ward_statistics(&WardQuery {
                selection: s,
                comparison: q.comparison,
                priority_top_n: 5,
                rank_by: RankBy::Count,
            })?;
            if i == 0 {
                notes.extend(report.warnings.iter().cloned());
            }
            let rate_ranks = ranks(
                &report
                    .rows
                    .iter()
                    .map(|r| r.stats.rate_per_1000)
                    .collect::<Vec<_>>(),
            );
            let st = &report.rows[a].stats;
            let mut row = GroupRow {
                id,
                name,
                count: Some(st.count),
                rate_per_1000: st.rate_per_1000,
                comparison_count: st.comparison_count,
                change: st.change,
                change_pct: st.change_pct,
                p_value: st.p_value,
                change_significant: st.change_significant,
                rank: st.rank,
                rank_by_rate: rate_ranks[a],
                suppressed: false,
                comparison_suppressed: false,
            };
            if public {
                suppress_row(&mut row, threshold);
            }
            rows.push(row);
        }
        Ok(rows)
    }

    /// The ward's last 24 months of data up to the end of the period: gap
    /// months have no count, small counts are withheld from the public.
    fn briefing_trend(
        &self,
        q: &BriefingQuery,
        selection: &Selection,
    ) -> Result<Vec<TrendMonth>, EngineError> {
        let (public, threshold, span) = (q.public, q.suppress_below, self.span());
        let current = period_months(&selection.period, span);
        let trend = match (current.map(|r| r.to).or(span.map(|r| r.to)), span) {
            (Some(last), Some(data)) => {
                let last = last.min(data.to).max(data.from);
                let first =
                    Month::from_index((last.index() - TREND_MONTHS + 1).max(data.from.index()));
                let range = MonthRange::new(first, last).expect("first <= last");
                let s = Selection {
                    period: Period::Months(range),
                    area: Some(q.ward.clone()),
                    ..selection.clone()
                };
                let mut by_month: BTreeMap<Month, u64> = BTreeMap::new();
                for k in self.select(&s)? {
                    *by_month.entry(self.cols.month(k)).or_insert(0) += 1;
                }
                range
                    .months()
                    .map(|m| {
                        let count = self
                            .months
                            .contains_key(&m)
                            .then(|| by_month.get(&m).copied().unwrap_or(0));
                        let hide = public && count.is_some_and(|c| withheld(c as f64, threshold));
                        TrendMonth {
                            month: m,
                            count: if hide { None } else { count },
                            suppressed: hide,
                            in_period: current.is_some_and(|r| r.contains(m)),
                        }
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        Ok(trend)
    }

    /// The briefing map's frame around ward `a` (BNG) and the wards in it.
    fn briefing_frame(&self, a: usize) -> Result<([f64; 4], Vec<NeighbourWard>), EngineError> {
        let entry = &self.areas[a];
        let rect = entry.bng.bounding_rect().ok_or_else(|| {
            EngineError::InvalidParameter(format!("ward {} has no boundary", entry.area.code))
        })?;
        let (w, h) = (rect.width(), rect.height());
        let margin = (0.15 * w.max(h)).max(300.0);
        let frame = [
            rect.min().x - margin,
            rect.min().y - margin,
            rect.max().x + margin,
            rect.max().y + margin,
        ];
        let neighbours = self
            .areas
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != a)
            .filter(|(_, e)| {
                e.bng.bounding_rect().is_some_and(|r| {
                    r.min().x <= frame[2]
                        && r.max().x >= frame[0]
                        && r.min().y <= frame[3]
                        && r.max().y >= frame[1]
                })
            })
            .map(|(_, e)| NeighbourWard {
                code: e.area.code.clone(),
                name: e.area.name.clone(),
                polygon_bng: e.bng.clone(),
            })
            .collect();
        Ok((frame, neighbours))
    }

    /// Licence lines for the briefing, naming any partner sources in it.
    fn briefing_attribution(&self, picked_in_ward: &[usize]) -> Vec<String> {
        let mut attribution = vec![
            disclosure::OGL_ATTRIBUTION.to_string(),
            disclosure::BOUNDARIES_ATTRIBUTION.to_string(),
        ];
        let mut partner: Vec<&str> = picked_in_ward
            .iter()
            .map(|&k| self.cols.source_name(k))
            .filter(|s| *s != "police.uk")
            .collect();
        partner.sort_unstable();
        partner.dedup();
        if !partner.is_empty() {
            attribution.push(format!(
                "Also includes partner data ({}): share only as the partner's data-sharing agreement allows",
                partner.join(", ")
            ));
        }
        attribution
    }

    /// Hotspot polygons meeting the ward, ranked by incidents inside.
    fn briefing_hotspots(
        &self,
        selection: &Selection,
        ward: &MultiPolygon<f64>,
        frame: [f64; 4],
        top: usize,
    ) -> Result<Vec<BriefingHotspot>, EngineError> {
        let pad = 1_000.0;
        let (lon0, lat0) = hotspot_core::bng_to_wgs84(frame[0] - pad, frame[1] - pad)
            .map_err(|e| EngineError::InvalidParameter(e.to_string()))?;
        let (lon1, lat1) = hotspot_core::bng_to_wgs84(frame[2] + pad, frame[3] + pad)
            .map_err(|e| EngineError::InvalidParameter(e.to_string()))?;
        let (_, bands) = self.hotspots(
            &DensityQuery {
                selection: selection.clone(),
                extent: Some([lon0, lat0, lon1, lat1]),
                cell: None,
                bandwidth: None,
            },
            &[HOTSPOT_TOP_PERCENT],
        )?;
        let mut chosen = vec![false; self.cols.len()];
        for k in self.select(selection)? {
            chosen[k] = true;
        }
        let mut out: Vec<BriefingHotspot> = bands
            .into_iter()
            .flat_map(|b| b.polygons_bng.0)
            .filter(|p| p.intersects(ward))
            .map(|polygon| {
                let mut types: HashMap<&str, u64> = HashMap::new();
                let mut labels: HashMap<&str, u64> = HashMap::new();
                let mut incidents = 0;
                let r = polygon.bounding_rect().expect("non-empty polygon");
                for k in self.incidents_in_rect([r.min().x, r.min().y, r.max().x, r.max().y]) {
                    let [x, y] = self.points[self.point_of(k).expect("indexed points are located")];
                    if chosen[k] && polygon.contains(&Coord { x, y }) {
                        incidents += 1;
                        *types.entry(self.category_name(k)).or_insert(0) += 1;
                        if let Some(l) = self.cols.label(k) {
                            *labels.entry(l).or_insert(0) += 1;
                        }
                    }
                }
                let mut top_types: Vec<(String, u64)> =
                    types.into_iter().map(|(t, n)| (t.to_string(), n)).collect();
                top_types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                top_types.truncate(3);
                let location = labels
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
                    .map(|(l, _)| l.to_string());
                let c = r.center();
                let centre = hotspot_core::bng_to_wgs84(c.x, c.y).unwrap_or((f64::NAN, f64::NAN));
                BriefingHotspot {
                    rank: 0,
                    incidents,
                    area_km2: geo::Area::unsigned_area(&polygon) / 1e6,
                    top_types,
                    location,
                    centre,
                    polygon_bng: polygon,
                }
            })
            .filter(|h| h.incidents > 0)
            .collect();
        out.sort_by(|a, b| {
            b.incidents
                .cmp(&a.incidents)
                .then(a.area_km2.total_cmp(&b.area_km2))
        });
        out.truncate(top);
        for (i, h) in out.iter_mut().enumerate() {
            h.rank = i + 1;
        }
        Ok(out)
    }
}

/// Withholds a row's small counts and what derives from them.
fn suppress_row(row: &mut GroupRow, threshold: u64) {
    let derived_change = |r: &mut GroupRow| {
        r.change = None;
        r.change_pct = None;
        r.p_value = None;
        r.change_significant = None;
    };
    if row.count.is_some_and(|c| withheld(c as f64, threshold)) {
        row.count = None;
        row.rate_per_1000 = None;
        row.suppressed = true;
        derived_change(row);
    }
    if row
        .comparison_count
        .is_some_and(|c| withheld(c as f64, threshold))
    {
        row.comparison_count = None;
        row.comparison_suppressed = true;
        derived_change(row);
    }
}

fn briefing_interventions(
    ward: &MultiPolygon<f64>,
    log: &[InterventionInput],
    as_of: NaiveDate,
    ds: &Dataset,
) -> Vec<BriefingIntervention> {
    let mut out: Vec<BriefingIntervention> = log
        .iter()
        .filter_map(|i| {
            let status = if i.start > as_of {
                InterventionStatus::Planned
            } else if i.end.is_none_or(|e| e >= as_of) {
                InterventionStatus::Ongoing
            } else if (as_of - i.end.expect("ended")).num_days() <= RECENT_DAYS {
                InterventionStatus::Recent
            } else {
                return None;
            };
            let area_bng = i.area.try_map_coords(|c| {
                hotspot_core::wgs84_to_bng(c.x, c.y).map(|(x, y)| Coord { x, y })
            });
            let area_bng = area_bng.ok()?;
            if !area_bng.intersects(ward) {
                return None;
            }
            let mut targets: Vec<String> = i
                .groups
                .iter()
                .map(|g| ds.groups.get(g).map_or(g.clone(), |g| g.name.clone()))
                .collect();
            targets.extend(i.types.iter().cloned());
            Some(BriefingIntervention {
                id: i.id,
                name: i.name.clone(),
                kind: i.kind.clone(),
                start: i.start,
                end: i.end,
                status,
                targets: if targets.is_empty() {
                    "all crime".into()
                } else {
                    targets.join(", ")
                },
                area_bng,
            })
        })
        .collect();
    out.sort_by(|a, b| b.start.cmp(&a.start).then(a.id.cmp(&b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotspot_core::{Area, Incident, Location};

    fn inc(category: &str, month: &str, x: f64, y: f64) -> Incident {
        let (lon, lat) = hotspot_core::bng_to_wgs84(x, y).unwrap();
        Incident {
            source: "police.uk".into(),
            external_id: None,
            category: category.into(),
            month: month.parse().unwrap(),
            date: None,
            time: None,
            location: Some(Location { lon, lat, x, y }),
            location_label: Some("On or near High Street".into()),
            lsoa_code: None,
            outcome: None,
            origin_line: 2,
        }
    }

    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        let ring: Vec<_> = [
            (0.0, 0.0),
            (side, 0.0),
            (side, side),
            (0.0, side),
            (0.0, 0.0),
        ]
        .iter()
        .map(|&(dx, dy)| hotspot_core::bng_to_wgs84(x0 + dx, y0 + dy).unwrap())
        .collect();
        MultiPolygon(vec![Polygon::new(ring.into(), vec![])])
    }

    /// West: 40 burglaries clustered in 2025-02 and 2 robberies in 2025-01;
    /// East: 5 burglaries.
    fn dataset() -> Dataset {
        let mut incidents = Vec::new();
        for i in 0..40 {
            let d = (i % 8) as f64 * 5.0;
            incidents.push(inc("Burglary", "2025-02", 450_400.0 + d, 260_400.0 + d));
        }
        incidents.push(inc("Robbery", "2025-01", 450_100.0, 260_900.0));
        incidents.push(inc("Robbery", "2025-01", 450_900.0, 260_100.0));
        for i in 0..5 {
            incidents.push(inc("Burglary", "2025-01", 451_500.0 + i as f64, 260_500.0));
        }
        let areas = vec![
            Area {
                code: "W1".into(),
                name: "West".into(),
                population: Some(2000.0),
                geometry: square(450_000.0, 260_000.0, 1000.0),
            },
            Area {
                code: "E1".into(),
                name: "East".into(),
                population: Some(1000.0),
                geometry: square(451_000.0, 260_000.0, 1000.0),
            },
        ];
        crate::test_support::build(incidents, areas)
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn counts_rates_change_and_rank_match_the_ward_statistics() {
        let ds = dataset();
        let mut q = BriefingQuery::new("W1", day("2025-03-01"));
        q.selection.period = Period::parse("2025-02").unwrap();
        q.comparison = Some(Period::parse("2025-01").unwrap());
        q.include_points = true;
        let b = ds.ward_briefing(&q, &[]).unwrap();
        assert_eq!((b.name.as_str(), b.wards), ("West", 2));
        let all = &b.rows[0];
        assert_eq!(all.id, "all");
        assert_eq!(
            (all.count, all.comparison_count, all.rank),
            (Some(40), Some(2), 1)
        );
        assert_eq!(all.rate_per_1000, Some(20.0));
        assert_eq!(all.change, Some(38));
        assert_eq!(all.change_significant, Some(true));
        let sac = b
            .rows
            .iter()
            .find(|r| r.id == "serious-acquisitive")
            .unwrap();
        assert_eq!(sac.count, Some(40));
        assert_eq!(b.rows.len(), 1 + ds.groups().iter().count());
        let mut by_type = q.clone();
        by_type.selection.types = vec!["Robbery".into()];
        by_type.selection.groups = vec!["asb".into()];
        let ids: Vec<String> = ds
            .ward_briefing(&by_type, &[])
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, ["all", "asb", "type:Robbery"]);
        assert_eq!(b.map.points.len(), 40);
        assert_eq!(b.map.neighbours.len(), 1);
        let months: Vec<_> = b
            .trend
            .iter()
            .map(|t| (t.month.to_string(), t.count))
            .collect();
        assert_eq!(
            months,
            vec![
                ("2025-01".to_string(), Some(2)),
                ("2025-02".to_string(), Some(40))
            ]
        );
        assert!(b.trend[1].in_period && !b.trend[0].in_period);
        assert!(!b.hotspots.is_empty(), "the cluster of 40 is a hotspot");
        assert_eq!(b.hotspots[0].rank, 1);
        assert!(b.hotspots[0].incidents >= 30);
        assert_eq!(b.hotspots[0].top_types[0].0, "Burglary");
        assert_eq!(
            b.hotspots[0].location.as_deref(),
            Some("On or near High Street")
        );
        assert_eq!(b.file_stem(), "briefing-W1-2025-02");
        assert!(b.attribution[0].contains("Open Government Licence"));
    }

    #[test]
    fn public_briefings_withhold_small_counts_and_what_derives_from_them() {
        let ds = dataset();
        let mut q = BriefingQuery::new("W1", day("2025-03-01"));
        q.selection.period = Period::parse("2025-02").unwrap();
        q.comparison = Some(Period::parse("2025-01").unwrap());
        q.public = true;
        q.include_points = true;
        let b = ds.ward_briefing(&q, &[]).unwrap();
        let all = &b.rows[0];
        assert_eq!(all.count, Some(40));
        assert!(all.comparison_suppressed && all.comparison_count.is_none());
        assert!(all.change.is_none() && all.change_pct.is_none() && all.p_value.is_none());
        let robbery_period = {
            let mut q = q.clone();
            q.selection.period = Period::parse("2025-01").unwrap();
            q.comparison = None;
            ds.ward_briefing(&q, &[]).unwrap()
        };
        let sac = robbery_period
            .rows
            .iter()
            .find(|r| r.id == "serious-acquisitive")
            .unwrap();
        assert!(sac.suppressed && sac.count.is_none() && sac.rate_per_1000.is_none());
        let jan = &b.trend[0];
        assert!(jan.suppressed && jan.count.is_none());
        assert!(b.map.points.is_empty() && b.hotspots.is_empty() && b.interventions.is_empty());
        assert!(b.notes.iter().any(|n| n.contains("Public briefing")));
        assert!(b.file_stem().ends_with("-public"));
        for r in &b.rows {
            for c in [r.count, r.comparison_count].into_iter().flatten() {
                assert!(c == 0 || c >= 3, "{r:?}");
            }
        }
    }

    #[test]
    fn interventions_overlapping_the_ward_are_planned_ongoing_or_recent() {
        let ds = dataset();
        let input = |id, start: &str, end: Option<&str>, x0: f64| InterventionInput {
            id,
            name: format!("Op {id}"),
            kind: "patrols".into(),
            start: day(start),
            end: end.map(day),
            area: square(x0, 260_200.0, 200.0),
            groups: vec!["serious-acquisitive".into()],
            types: vec![],
        };
        let log = vec![
            input(1, "2025-06-01", None, 450_200.0), // planned
            input(2, "2025-01-01", None, 450_200.0), // ongoing
            input(3, "2024-10-01", Some("2025-01-31"), 450_200.0), // recent
            input(4, "2020-01-01", Some("2020-02-01"), 450_200.0), // too old
            input(5, "2025-01-01", None, 451_500.0), // the other ward
        ];
        let b = ds
            .ward_briefing(&BriefingQuery::new("W1", day("2025-03-01")), &log)
            .unwrap();
        let got: Vec<_> = b.interventions.iter().map(|i| (i.id, i.status)).collect();
        assert_eq!(
            got,
            vec![
                (1, InterventionStatus::Planned),
                (2, InterventionStatus::Ongoing),
                (3, InterventionStatus::Recent)
            ]
        );
        assert_eq!(b.interventions[0].targets, "Serious acquisitive crime");
        assert!(matches!(
            ds.ward_briefing(&BriefingQuery::new("nope", day("2025-03-01")), &[]),
            Err(EngineError::UnknownArea(_))
        ));
    }
}
