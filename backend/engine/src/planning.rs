//! Planning action: days-of-action sites and target-hardening visit lists.
//!
//! The algorithms live in `hotspot-planning`; this module feeds them the
//! selected incidents (weighted by crime group), the ward baseline and the
//! candidate locations, all in British National Grid metres.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use geo::Centroid;
use geo_types::{MultiPolygon, Point};
use hotspot_density::{kde, GridSpec};
use hotspot_planning::{
    plan_at_least, target_hardening, Burglary, Candidate, HardeningItem, HardeningOptions,
    Location, Plan, PlanOptions, WeightedPoint,
};

use crate::{Dataset, EngineError, Selection};

/// A named place a team could work from, in WGS84.
#[derive(Debug, Clone, PartialEq)]
pub struct Venue {
    pub name: String,
    pub lon: f64,
    pub lat: f64,
}

#[derive(Debug, Clone)]
pub struct PlanQuery {
    /// Which incidents and period. Its groups are ignored when `weights`
    /// are given (the weights name the groups).
    pub selection: Selection,
    /// `(group id, weight)`: e.g. harm weights. Empty: every selected
    /// incident weighs 1.
    pub weights: Vec<(String, f64)>,
    pub sites: usize,
    pub radius: f64,
    /// Candidate venues; when empty, sites are chosen among incident
    /// locations.
    pub venues: Vec<Venue>,
    /// Areas no site may be in (WGS84).
    pub avoid: Vec<MultiPolygon<f64>>,
}

/// The plan, the naive baseline it was compared with, and names for the
/// group indices in it.
pub struct PlanResult {
    pub plan: Plan,
    /// Group names, indexed as `PlannedSite::by_group`.
    pub groups: Vec<String>,
    /// The naive choice: the centroids of the N highest-count wards.
    pub naive: Vec<(String, [f64; 2])>,
    /// Ward of each planned site (by point-in-polygon).
    pub site_wards: Vec<Option<String>>,
}

#[derive(Debug, Clone)]
pub struct HardeningQuery {
    /// Which incidents count as burglaries (default, when it names no group,
    /// type or source: type Burglary) and over
    /// which period the hotspot prior is drawn.
    pub selection: Selection,
    /// The day the list is drawn up; default: the latest dated burglary.
    pub as_of: Option<NaiveDate>,
    pub distance: f64,
    pub days: u32,
}

pub struct HardeningResult {
    pub as_of: NaiveDate,
    /// Whether dates were available (else hotspot-only reasons).
    pub near_repeat: bool,
    pub items: Vec<HardeningItem>,
}

/// Group names, and the selection and weight of each group, in the same order.
type WeightedSelections = (Vec<String>, Vec<(Selection, f64)>);

fn to_bng(lon: f64, lat: f64) -> Result<[f64; 2], EngineError> {
    hotspot_core::wgs84_to_bng(lon, lat)
        .map(|(x, y)| [x, y])
        .map_err(|e| EngineError::InvalidParameter(e.to_string()))
}

impl Dataset {
    /// Chooses days-of-action sites by greedy maximum coverage, never worse
    /// than the centroids of the N highest-count wards.
    pub fn plan_days_of_action(&self, q: &PlanQuery) -> Result<PlanResult, EngineError> {
        let (groups, weighted) = self.weighted_selections(q)?;
        let (points, ward_weight) = self.weighted_points(&weighted)?;
        if points.is_empty() {
            return Err(EngineError::InvalidParameter(
                "no located incidents match: nothing to plan for".into(),
            ));
        }
        let naive = self.busiest_ward_centroids(&ward_weight, q.sites);
        let candidates = q
            .venues
            .iter()
            .map(|v| {
                Ok(Candidate {
                    name: v.name.clone(),
                    xy: to_bng(v.lon, v.lat)?,
                })
            })
            .collect::<Result<Vec<_>, EngineError>>()?;
        let avoid = q
            .avoid
            .iter()
            .flat_map(|mp| mp.0.iter())
            .map(|poly| {
                poly.exterior()
                    .coords()
                    .map(|c| to_bng(c.x, c.y))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let opts = PlanOptions {
            sites: q.sites,
            radius: q.radius,
            avoid,
            min_separation: None,
        };
        let baseline: Vec<[f64; 2]> = naive.iter().map(|(_, xy)| *xy).collect();
        let mut plan = plan_at_least(&points, &candidates, &opts, &baseline)?;
        if q.venues.is_empty() {
            // Sites at incident locations: named by the streets around them
            // ("Abington Street / Gold Street area"), not by coordinates.
            let near = (q.radius / 2.0).clamp(50.0, 200.0);
            let every = crate::sites::SiteFilter::new(self, &Selection::default())?;
            for site in &mut plan.sites {
                if let Some(name) = self.place_name(site.xy, near, &every) {
                    site.name = name;
                }
            }
        }
        let site_wards = plan
            .sites
            .iter()
            .map(|s| {
                self.locator
                    .locate(s.xy[0], s.xy[1])
                    .map(|a| self.areas[a as usize].area.name.clone())
            })
            .collect();
        Ok(PlanResult {
            plan,
            groups,
            naive,
            site_wards,
        })
    }

    /// The group names and (selection, weight) pairs to plan for: the whole
    /// selection at weight 1, or one selection per weighted group (the
    /// selection's area and box dropped: the plan covers the whole force).
    fn weighted_selections(&self, q: &PlanQuery) -> Result<WeightedSelections, EngineError> {
        let mut sel = q.selection.clone();
        sel.bbox = None;
        sel.area = None;
        let mut groups = Vec::new();
        let mut weighted: Vec<(Selection, f64)> = Vec::new();
        if q.weights.is_empty() {
            groups.push("selected incidents".to_string());
            weighted.push((sel.clone(), 1.0));
        } else {
            for (id, w) in &q.weights {
                if !(w.is_finite() && *w >= 0.0) {
                    return Err(EngineError::InvalidParameter(format!(
                        "weight {w} for {id}: weights must be finite and not negative"
                    )));
                }
                let name = self
                    .groups
                    .get(id)
                    .map(|g| g.name.clone())
                    .ok_or_else(|| EngineError::UnknownGroup(id.clone()))?;
                groups.push(name);
                weighted.push((
                    Selection {
                        groups: vec![id.clone()],
                        types: vec![],
                        ..sel.clone()
                    },
                    *w,
                ));
            }
        }
        Ok((groups, weighted))
    }

    /// The located incidents of the weighted selections as weighted points
    /// (group = position in `weighted`), and the total weight per ward. An
    /// incident in several weighted groups counts once, with the weight of
    /// the first group listed.
    fn weighted_points(
        &self,
        weighted: &[(Selection, f64)],
    ) -> Result<(Vec<WeightedPoint>, Vec<f64>), EngineError> {
        let mut seen = vec![false; self.cols.len()];
        let mut points = Vec::new();
        let mut ward_weight = vec![0.0; self.areas.len()];
        for (g, (s, w)) in weighted.iter().enumerate() {
            let picked = self.select(s)?;
            // With harm weighting each incident also weighs its type's harm.
            let harm = self.weights(&s.weighting, &picked)?;
            for (i, &k) in picked.iter().enumerate() {
                if std::mem::replace(&mut seen[k], true) {
                    continue;
                }
                let w = &(w * harm.as_ref().map_or(1.0, |h| h[i]));
                let Some(p) = self.point_of(k) else { continue };
                let when = match (self.cols.date(k), self.cols.time(k)) {
                    (Some(d), Some(t)) => Some((d.weekday(), chrono::Timelike::hour(&t))),
                    _ => None,
                };
                points.push(WeightedPoint {
                    xy: self.points[p],
                    weight: *w,
                    group: g as u16,
                    when,
                });
                if let Some(a) = self.area_of(k) {
                    ward_weight[a] += w;
                }
            }
        }
        Ok((points, ward_weight))
    }

    /// The naive baseline: the centroids of the `sites` wards with the most
    /// weight (ties by ward order), leaving out wards with none.
    fn busiest_ward_centroids(&self, ward_weight: &[f64], sites: usize) -> Vec<(String, [f64; 2])> {
        let mut order: Vec<usize> = (0..self.areas.len()).collect();
        order.sort_by(|&a, &b| ward_weight[b].total_cmp(&ward_weight[a]).then(a.cmp(&b)));
        order
            .into_iter()
            .take(sites)
            .filter(|&a| ward_weight[a] > 0.0)
            .filter_map(|a| {
                let c = self.areas[a].bng.centroid()?;
                Some((self.areas[a].area.name.clone(), [c.x(), c.y()]))
            })
            .collect()
    }

    /// Ranks places to visit for target hardening: near-repeat risk from
    /// recent dated burglaries, with the burglary density as prior and, for
    /// month-only data, as the only reason.
    pub fn target_hardening(&self, q: &HardeningQuery) -> Result<HardeningResult, EngineError> {
        let mut sel = q.selection.clone();
        if sel.groups.is_empty() && sel.types.is_empty() && sel.sources.is_empty() {
            sel.types = vec!["Burglary".into()];
        }
        sel.bbox = None;
        let picked = self.select(&sel)?;
        let burglaries: Vec<Burglary> = picked
            .iter()
            .filter_map(|&k| {
                Some(Burglary {
                    xy: self.points[self.point_of(k)?],
                    date: self.cols.date(k)?,
                    label: self.cols.label(k).map(str::to_owned),
                })
            })
            .collect();
        let as_of = match q.as_of {
            Some(d) => d,
            None => burglaries
                .iter()
                .map(|b| b.date)
                .max()
                .or_else(|| {
                    picked
                        .iter()
                        .map(|&k| self.cols.month(k))
                        .max()
                        .map(|m| m.succ().first_day().pred_opt().expect("a day before"))
                })
                .ok_or_else(|| {
                    EngineError::InvalidParameter("no burglaries match the selection".into())
                })?,
        };
        let points: Vec<[f64; 2]> = picked
            .iter()
            .filter_map(|&k| self.point_of(k).map(|p| self.points[p]))
            .collect();
        let locations = self.labelled_places(&points);
        let hotspot_score = if points.is_empty() || locations.is_empty() {
            None
        } else {
            Some(burglary_density_at(&points, &locations, q.distance)?)
        };
        let items = target_hardening(
            &burglaries,
            &locations,
            &HardeningOptions {
                as_of,
                distance: q.distance,
                days: q.days,
                hotspot_score,
            },
        )?;
        Ok(HardeningResult {
            as_of,
            near_repeat: !burglaries.is_empty(),
            items,
        })
    }

    /// Candidate places: every distinct labelled incident location (for
    /// police.uk, the anonymised "On or near ..." map points) in the study
    /// area: inside a loaded area, else in the bulk of the selection's
    /// `points`. Not the crimes a force recorded hundreds of km away, whose
    /// bounding box made a grid of 119 million cells on the real county.
    /// Sorted by label, then easting.
    fn labelled_places(&self, points: &[[f64; 2]]) -> Vec<Location> {
        let bulk = crate::bulk_extent(points);
        let in_study_area = |p: usize| {
            let [x, y] = self.points[p];
            if self.areas.is_empty() {
                bulk.is_some_and(|[x0, y0, x1, y1]| x0 <= x && x <= x1 && y0 <= y && y <= y1)
            } else {
                self.point_area(p).is_some()
            }
        };
        let mut places: HashMap<(i64, i64), Location> = HashMap::new();
        for k in 0..self.cols.len() {
            let place = self.point_of(k).filter(|&p| in_study_area(p));
            if let (Some(p), Some(label)) = (place, self.cols.label(k)) {
                let [x, y] = self.points[p];
                places
                    .entry((x.round() as i64, y.round() as i64))
                    .or_insert_with(|| Location {
                        label: label.to_owned(),
                        xy: [x, y],
                    });
            }
        }
        let mut locations: Vec<Location> = places.into_values().collect();
        locations.sort_by(|a, b| a.label.cmp(&b.label).then(a.xy[0].total_cmp(&b.xy[0])));
        locations
    }
}

/// Hotspot prior: the quartic density of the burglary `points` at each
/// location (50 m grid over the locations, bandwidth the near-repeat
/// distance but at least 200 m).
fn burglary_density_at(
    points: &[[f64; 2]],
    locations: &[Location],
    distance: f64,
) -> Result<Vec<f64>, EngineError> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for l in locations {
        x0 = x0.min(l.xy[0]);
        y0 = y0.min(l.xy[1]);
        x1 = x1.max(l.xy[0]);
        y1 = y1.max(l.xy[1]);
    }
    let cell = 50.0;
    let spec = GridSpec::covering(x0, y0, x1, y1, cell)?;
    let grid = kde(points, None, &spec, distance.max(200.0))?;
    Ok(locations
        .iter()
        .map(|l| {
            let c = (((l.xy[0] - spec.west) / cell).floor() as usize).min(spec.cols - 1);
            let r = (((spec.north - l.xy[1]) / cell).floor() as usize).min(spec.rows - 1);
            grid.value(c, r)
        })
        .collect())
}

/// A circle of `radius` metres around a BNG point, as a WGS84 polygon.
pub fn coverage_circle(xy: [f64; 2], radius: f64) -> MultiPolygon<f64> {
    let ring: Vec<(f64, f64)> = (0..=64)
        .map(|i| {
            let a = i as f64 / 64.0 * std::f64::consts::TAU;
            let (x, y) = (xy[0] + radius * a.cos(), xy[1] + radius * a.sin());
            hotspot_core::bng_to_wgs84(x, y).unwrap_or((f64::NAN, f64::NAN))
        })
        .collect();
    MultiPolygon(vec![geo_types::Polygon::new(ring.into(), vec![])])
}

/// A BNG point in WGS84.
pub fn point_wgs84(xy: [f64; 2]) -> Point<f64> {
    let (lon, lat) = hotspot_core::bng_to_wgs84(xy[0], xy[1]).unwrap_or((f64::NAN, f64::NAN));
    Point::new(lon, lat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{at, build, square_ward};

    #[test]
    fn target_hardening_is_bounded_by_the_study_area_not_far_away_crimes() {
        let labelled = |x, y, label: &str| hotspot_core::Incident {
            location_label: Some(label.into()),
            date: NaiveDate::from_ymd_opt(2025, 3, 10),
            ..at(x, y, "2025-03")
        };
        let incidents = vec![
            labelled(450_200.0, 260_200.0, "On or near High Street"),
            labelled(450_700.0, 260_600.0, "On or near Mill Lane"),
            // Recorded by the force, snapped 300 km away (as police.uk does).
            labelled(150_000.0, 560_000.0, "On or near Far Away Road"),
        ];
        let ds = build(
            incidents,
            vec![square_ward("W", 450_000.0, 260_000.0, 1000.0)],
        );
        let r = ds
            .target_hardening(&HardeningQuery {
                selection: Selection::default(),
                as_of: None,
                distance: 400.0,
                days: 28,
            })
            .unwrap();
        let labels: Vec<&str> = r.items.iter().map(|i| i.label.as_str()).collect();
        assert!(labels.contains(&"On or near High Street"), "{labels:?}");
        assert!(!labels.iter().any(|l| l.contains("Far Away")), "{labels:?}");
    }
}
