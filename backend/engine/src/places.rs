//! Names for places, from the street labels police.uk gives each incident
//! ("On or near Gold Street"). A hotspot or a planned site is named by the
//! one or two streets most of its incidents are on, "Abington Street / Gold
//! Street area", so an officer can tell where it is without a basemap.

use std::collections::HashMap;

use crate::sites::SiteFilter;
use crate::{Dataset, EngineError, Selection};

const POLICE_UK_PREFIX: &str = "On or near ";

/// A street's incidents, and its incidents per map point (BNG, rounded).
type StreetTally = (u64, HashMap<(i64, i64), u64>);

/// The street in a police.uk label ("On or near Gold Street" →
/// "Gold Street"); other labels unchanged.
pub fn street(label: &str) -> &str {
    label.strip_prefix(POLICE_UK_PREFIX).unwrap_or(label).trim()
}

/// police.uk's map points that are not on a named street but at a kind of
/// place ("On or near Supermarket"), as found in the Northamptonshire data
/// and police.uk's list of point types. They say what is there, not where.
const PLACE_TYPES: &[&str] = &[
    "Airport/Airfield",
    "Bus/Coach Station",
    "Conference/Exhibition Centre",
    "Further/Higher Educational Building",
    "Hospital",
    "Motorway Service Area",
    "Nightclub",
    "Park/Open Space",
    "Parking Area",
    "Pedestrian Subway",
    "Petrol Station",
    "Police Station",
    "Prison",
    "Shopping Area",
    "Sports/Recreation Area",
    "Supermarket",
    "Theatre/Concert Hall",
    "Theme/Adventure Park",
];

/// A name from how often each label's street occurs: the two most common
/// streets, "A / B area" (ties by name), with the kind of place when one is
/// more common than any street ("… area, near a nightclub"); a kind of
/// place alone when there is no street; `None` with no labels.
///
/// ```
/// use hotspot_engine::places::name_from;
/// let n = name_from([("Gold Street", 4), ("Abington Street", 9), ("Bridge Street", 2)]);
/// assert_eq!(n.as_deref(), Some("Abington Street / Gold Street area"));
/// let n = name_from([("Nightclub", 65), ("St Giles' Terrace", 30), ("Derngate", 12)]);
/// assert_eq!(n.as_deref(), Some("St Giles' Terrace / Derngate area, near a nightclub"));
/// assert_eq!(name_from([("Parking Area", 5)]).as_deref(), Some("Parking Area"));
/// assert_eq!(name_from([("Supermarket", 5)]).as_deref(), Some("Supermarket area"));
/// assert_eq!(name_from(Vec::<(&str, u64)>::new()), None);
/// ```
pub fn name_from<'a>(tally: impl IntoIterator<Item = (&'a str, u64)>) -> Option<String> {
    let mut ranked: Vec<(&str, u64)> = tally
        .into_iter()
        .filter(|(s, n)| !s.is_empty() && *n > 0)
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let is_type = |s: &str| PLACE_TYPES.contains(&s);
    let streets: Vec<&str> = ranked
        .iter()
        .map(|r| r.0)
        .filter(|s| !is_type(s))
        .take(2)
        .collect();
    let leading_type = ranked.first().map(|r| r.0).filter(|s| is_type(s));
    let area = |s: &str| {
        if s.ends_with("Area") {
            s.to_string()
        } else {
            format!("{s} area")
        }
    };
    let name = match streets.as_slice() {
        [] => return leading_type.map(area),
        [a] => format!("{a} area"),
        [a, b, ..] => format!("{a} / {b} area"),
    };
    Some(match leading_type.map(str::to_lowercase) {
        Some(t) if t.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("{name}, near an {t}"),
        Some(t) => format!("{name}, near a {t}"),
        None => name,
    })
}

/// A map point with its street label and the selection's incidents on it:
/// what the map writes at street zoom, so that 65 crimes stacked on one
/// "On or near Nightclub" point read as such.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledPoint {
    /// The street ("Gold Street") or kind of place ("Nightclub").
    pub street: String,
    pub incidents: u64,
    pub lon: f64,
    pub lat: f64,
}

impl Dataset {
    /// The labelled points inside `sel.bbox` (required) with the
    /// selection's incidents, busiest first, at most `limit`; and how many
    /// there were in all.
    pub fn labelled_points(
        &self,
        sel: &Selection,
        limit: usize,
    ) -> Result<(Vec<LabelledPoint>, usize), EngineError> {
        if sel.bbox.is_none() {
            return Err(EngineError::InvalidParameter(
                "bbox is needed: the labels of the area in view".into(),
            ));
        }
        let mut at: HashMap<(i64, i64), (&str, u64, f64, f64)> = HashMap::new();
        for k in self.select(sel)? {
            let (Some(loc), Some(label)) = (self.cols.location(k), self.cols.label(k)) else {
                continue;
            };
            let key = (
                (loc.lon * 1e6).round() as i64,
                (loc.lat * 1e6).round() as i64,
            );
            at.entry(key)
                .or_insert((street(label), 0, loc.lon, loc.lat))
                .1 += 1;
        }
        let total = at.len();
        let mut points: Vec<LabelledPoint> = at
            .into_values()
            .filter(|(s, ..)| !s.is_empty())
            .map(|(s, n, lon, lat)| LabelledPoint {
                street: s.to_string(),
                incidents: n,
                lon,
                lat,
            })
            .collect();
        points.sort_by(|a, b| {
            b.incidents
                .cmp(&a.incidents)
                .then(a.street.cmp(&b.street))
                .then(a.lon.total_cmp(&b.lon))
        });
        points.truncate(limit);
        Ok((points, total))
    }

    /// The streets of the incidents `picked` with their incidents, busiest
    /// first (ties by name), at most `n`, each at its busiest map point (BNG
    /// metres): where a map writes it.
    pub(crate) fn busiest_streets(
        &self,
        picked: &[usize],
        n: usize,
    ) -> Vec<(String, u64, [f64; 2])> {
        let mut by_street: HashMap<&str, StreetTally> = HashMap::new();
        for &k in picked {
            let (Some(p), Some(label)) = (self.point_of(k), self.cols.label(k)) else {
                continue;
            };
            let [x, y] = self.points[p];
            let entry = by_street.entry(street(label)).or_default();
            entry.0 += 1;
            *entry
                .1
                .entry((x.round() as i64, y.round() as i64))
                .or_insert(0) += 1;
        }
        let mut ranked: Vec<(&str, u64, [f64; 2])> = by_street
            .into_iter()
            .filter(|(s, _)| !s.is_empty())
            .filter_map(|(s, (total, at))| {
                let ((x, y), _) = at
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
                Some((s, total, [x as f64, y as f64]))
            })
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        ranked.truncate(n);
        ranked
            .into_iter()
            .map(|(s, total, xy)| (s.to_string(), total, xy))
            .collect()
    }

    /// A name for the place around `xy` (BNG metres): the streets of the
    /// incidents `sel` selects within `radius` metres. Looks only at the
    /// map points near `xy`, so it costs the same at any size of dataset.
    pub(crate) fn place_name(&self, xy: [f64; 2], radius: f64, sel: &SiteFilter) -> Option<String> {
        // By label id, named once at the end: hashing each incident's label
        // text was most of a hotspot map at ten million incidents.
        let mut by_label: HashMap<u32, u64> = HashMap::new();
        for site in self.sites.within(xy, radius) {
            let site = site as usize;
            if !sel.place_ok(site) {
                continue;
            }
            sel.labels(site, |label, n| *by_label.entry(label).or_insert(0) += n);
        }
        let mut tally: HashMap<&str, u64> = HashMap::new();
        for (label, n) in by_label {
            *tally
                .entry(street(&self.cols.labels[label as usize]))
                .or_insert(0) += n;
        }
        name_from(tally)
    }
}

#[cfg(test)]
mod tests {
    use hotspot_core::Incident;

    use crate::sites::SiteFilter;
    use crate::test_support::{at, build, labelled};
    use crate::Selection;

    fn drugs(i: Incident) -> Incident {
        Incident {
            category: "Drugs".into(),
            ..i
        }
    }

    #[test]
    fn a_place_is_named_by_its_streets_and_only_the_selection_counts() {
        let ds = build(
            vec![
                drugs(labelled(450_000.0, 260_000.0, "On or near Gold Street")),
                drugs(labelled(450_010.0, 260_000.0, "On or near Gold Street")),
                labelled(450_020.0, 260_010.0, "On or near Abington Street"),
                labelled(450_000.0, 260_020.0, "On or near Bridge Street"),
                labelled(452_000.0, 260_000.0, "On or near Far Street"),
            ],
            vec![],
        );
        let all = SiteFilter::new(&ds, &Selection::default()).unwrap();
        let name = ds.place_name([450_005.0, 260_005.0], 100.0, &all);
        assert_eq!(name.as_deref(), Some("Gold Street / Abington Street area"));
        let burglary = Selection {
            types: vec!["Burglary".into()],
            ..Default::default()
        };
        let no_gold = SiteFilter::new(&ds, &burglary).unwrap();
        let name = ds.place_name([450_005.0, 260_005.0], 100.0, &no_gold);
        assert_eq!(
            name.as_deref(),
            Some("Abington Street / Bridge Street area")
        );
        assert_eq!(ds.place_name([400_000.0, 200_000.0], 100.0, &all), None);
    }

    /// Incidents on one map point with different labels (a force's own
    /// extract may label them so) each count for their own street.
    #[test]
    fn a_map_point_with_mixed_labels_counts_each_incident_by_its_own() {
        let ds = build(
            vec![
                labelled(450_000.0, 260_000.0, "On or near Gold Street"),
                labelled(450_000.0, 260_000.0, "On or near Bridge Street"),
                labelled(450_000.0, 260_000.0, "On or near Bridge Street"),
                drugs(labelled(450_000.0, 260_000.0, "On or near Bridge Street")),
                drugs(labelled(450_000.0, 260_000.0, "On or near Bridge Street")),
                labelled(450_030.0, 260_000.0, "On or near Gold Street"),
                labelled(450_030.0, 260_000.0, "On or near Gold Street"),
            ],
            vec![],
        );
        assert_eq!(ds.cols.places.len(), 2);
        let all = SiteFilter::new(&ds, &Selection::default()).unwrap();
        let name = ds.place_name([450_000.0, 260_000.0], 100.0, &all);
        assert_eq!(name.as_deref(), Some("Bridge Street / Gold Street area"));
        let burglary = Selection {
            types: vec!["Burglary".into()],
            ..Default::default()
        };
        let burglary = SiteFilter::new(&ds, &burglary).unwrap();
        let name = ds.place_name([450_000.0, 260_000.0], 100.0, &burglary);
        assert_eq!(name.as_deref(), Some("Gold Street / Bridge Street area"));
    }

    #[test]
    fn each_separate_hotspot_area_is_listed_with_its_streets() {
        let mut incidents = Vec::new();
        for i in 0..40 {
            let d = (i % 5) as f64 * 15.0;
            incidents.push(labelled(450_000.0 + d, 260_000.0, "On or near Gold Street"));
            if i < 25 {
                incidents.push(labelled(453_000.0, 260_000.0 + d, "On or near Mill Lane"));
            }
        }
        incidents.push(labelled(453_010.0, 260_010.0, "On or near Supermarket"));
        let ds = build(incidents, vec![]);
        let q = crate::DensityQuery {
            cell: Some(25.0),
            bandwidth: Some(300.0),
            ..Default::default()
        };
        let (_, bands) = ds.hotspots(&q, &[20.0]).unwrap();
        let places = &bands[0].places;
        let names: Vec<_> = places.iter().map(|p| p.name.as_deref()).collect();
        assert_eq!(
            names,
            [Some("Gold Street area"), Some("Mill Lane area")],
            "{places:?}"
        );
        assert_eq!(
            places.iter().map(|p| p.incidents).sum::<u64>(),
            bands[0].incidents
        );
        assert!(places[0].incidents > places[1].incidents);
        assert!((places[0].peak_bng[0] - 450_030.0).abs() < 100.0);
    }

    #[test]
    fn labelled_points_in_view_busiest_first_one_per_map_point() {
        let ds = build(
            vec![
                labelled(450_000.0, 260_000.0, "On or near Nightclub"),
                labelled(450_000.0, 260_000.0, "On or near Nightclub"),
                labelled(450_000.0, 260_000.0, "On or near Nightclub"),
                labelled(450_100.0, 260_000.0, "On or near Gold Street"),
                labelled(470_000.0, 260_000.0, "On or near Far Street"),
                at(450_050.0, 260_000.0, "2025-03"),
            ],
            vec![],
        );
        let (lon0, lat0) = hotspot_core::bng_to_wgs84(449_500.0, 259_500.0).unwrap();
        let (lon1, lat1) = hotspot_core::bng_to_wgs84(450_500.0, 260_500.0).unwrap();
        let sel = crate::Selection {
            bbox: Some([lon0, lat0, lon1, lat1]),
            ..Default::default()
        };
        let (points, total) = ds.labelled_points(&sel, 10).unwrap();
        let got: Vec<_> = points
            .iter()
            .map(|p| (p.street.as_str(), p.incidents))
            .collect();
        assert_eq!(got, [("Nightclub", 3), ("Gold Street", 1)]);
        assert_eq!(total, 2);
        assert_eq!(ds.labelled_points(&sel, 1).unwrap().0.len(), 1);
        assert!(ds
            .labelled_points(&crate::Selection::default(), 10)
            .is_err());
    }
}
