//! Finding wards and places by name, for the map's search box: "Abington"
//! should find the ward Abington and Phippsville and police.uk's "On or
//! near Abington Street", and a slip of the keyboard ("Abingdon") should
//! still find them.
//!
//! Names are matched word by word, case-insensitively: an exact name first,
//! then names starting with the query, a word starting with it, names
//! containing it, and last names with a word within a small edit distance
//! (`strsim`'s normalised Damerau-Levenshtein, for queries of 4 letters or
//! more). Within a tier, busier places come first.

use std::collections::HashMap;

use geo::{BoundingRect, Centroid};

use crate::Dataset;

/// What a search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    Ward,
    /// A police.uk location label ("On or near …") at its busiest map point.
    Location,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub kind: HitKind,
    pub name: String,
    /// The ward's code (wards only).
    pub code: Option<String>,
    /// Where to fly to, WGS84.
    pub lon: f64,
    pub lat: f64,
    /// The ward's extent, WGS84 `[w, s, e, n]` (wards only).
    pub bbox: Option<[f64; 4]>,
    /// Incidents at the location (locations only).
    pub incidents: u64,
}

/// A distinct location label: its busiest point and how many incidents
/// carry the label.
#[derive(Debug, Clone)]
pub(crate) struct LocationEntry {
    label: String,
    lon: f64,
    lat: f64,
    incidents: u64,
}

/// A label's incidents, and per map point (index into the points) the
/// incidents there and the point's lon/lat.
type LabelTally = (u64, HashMap<u32, (u64, f64, f64)>);

/// How well `name` matches `query` (both lower case): lower is better,
/// `None` is no match. A query of several words matches when each of its
/// words matches a word of the name; the worst of them sets the tier.
fn tier(name: &str, query: &str) -> Option<u8> {
    if name == query {
        return Some(0);
    }
    if name.starts_with(query) {
        return Some(1);
    }
    let words = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let name_words = words(name);
    let query_words = words(query);
    if query_words.is_empty() {
        return None;
    }
    query_words
        .iter()
        .map(|q| name_words.iter().filter_map(|w| word_tier(w, q)).min())
        .try_fold(0, |worst, t| t.map(|t| worst.max(t)))
}

/// How well one word of a name matches one word of a query.
fn word_tier(word: &str, query: &str) -> Option<u8> {
    if word.starts_with(query) {
        Some(2)
    } else if word.contains(query) {
        Some(3)
    } else if query.chars().count() >= 4
        && strsim::normalized_damerau_levenshtein(word, query) >= 0.75
    {
        Some(4)
    } else {
        None
    }
}

/// police.uk's labels all start "On or near"; it is not what people type.
fn searchable(label: &str) -> String {
    let lower = label.to_lowercase();
    lower
        .strip_prefix("on or near ")
        .map(str::to_string)
        .unwrap_or(lower)
}

impl Dataset {
    /// Wards, and (with `locations`) location labels, matching `query`;
    /// the best `limit`.
    ///
    /// ```
    /// use geo_types::polygon;
    /// use hotspot_core::{Area, CrimeGroups};
    /// let square = polygon![(x: -1.0, y: 52.0), (x: -0.99, y: 52.0), (x: -0.99, y: 52.01), (x: -1.0, y: 52.0)];
    /// let ward = Area { code: "E05000001".into(), name: "Kingsmead".into(), population: None,
    ///                   geometry: square.into() };
    /// let ds = hotspot_engine::Dataset::build(Vec::new(), vec![ward], CrimeGroups::default());
    /// assert_eq!(ds.search("kings", 5, false)[0].name, "Kingsmead");
    /// assert_eq!(ds.search("kingsmaed", 5, false)[0].name, "Kingsmead"); // a slip of the keyboard
    /// assert!(ds.search("oakwood", 5, false).is_empty());
    /// ```
    pub fn search(&self, query: &str, limit: usize, locations: bool) -> Vec<SearchHit> {
        let query = query.trim().to_lowercase();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut ranked: Vec<(u8, u64, SearchHit)> = Vec::new();
        for area in self.areas() {
            let Some(t) = tier(&area.name.to_lowercase(), &query)
                .or_else(|| tier(&area.code.to_lowercase(), &query).filter(|&t| t <= 1))
            else {
                continue;
            };
            let centre = area.geometry.centroid();
            let rect = area.geometry.bounding_rect();
            let (Some(centre), Some(rect)) = (centre, rect) else {
                continue;
            };
            let hit = SearchHit {
                kind: HitKind::Ward,
                name: area.name.clone(),
                code: Some(area.code.clone()),
                lon: centre.x(),
                lat: centre.y(),
                bbox: Some([rect.min().x, rect.min().y, rect.max().x, rect.max().y]),
                incidents: 0,
            };
            ranked.push((t, u64::MAX, hit));
        }
        if locations {
            for l in self.location_index() {
                if let Some(t) = tier(&searchable(&l.label), &query) {
                    let hit = SearchHit {
                        kind: HitKind::Location,
                        name: l.label.clone(),
                        code: None,
                        lon: l.lon,
                        lat: l.lat,
                        bbox: None,
                        incidents: l.incidents,
                    };
                    ranked.push((t, l.incidents, hit));
                }
            }
        }
        ranked.sort_by(|a, b| {
            (a.0, std::cmp::Reverse(a.1), &a.2.name).cmp(&(b.0, std::cmp::Reverse(b.1), &b.2.name))
        });
        ranked.into_iter().take(limit).map(|(_, _, h)| h).collect()
    }

    /// Every distinct location label, built once per snapshot.
    fn location_index(&self) -> &[LocationEntry] {
        self.locations.get_or_init(|| {
            let mut by_label: HashMap<&str, LabelTally> = HashMap::new();
            for k in 0..self.cols.len() {
                let (Some(label), Some(loc), Some(p)) =
                    (self.cols.label(k), self.cols.location(k), self.point_of(k))
                else {
                    continue;
                };
                if label.trim().is_empty() {
                    continue;
                }
                let entry = by_label.entry(label).or_default();
                entry.0 += 1;
                entry.1.entry(p as u32).or_insert((0, loc.lon, loc.lat)).0 += 1;
            }
            let mut out: Vec<LocationEntry> = by_label
                .into_iter()
                .filter_map(|(label, (incidents, points))| {
                    let (_, lon, lat) = points.into_values().max_by(|a, b| {
                        a.0.cmp(&b.0)
                            .then(a.1.total_cmp(&b.1))
                            .then(a.2.total_cmp(&b.2))
                    })?;
                    Some(LocationEntry {
                        label: label.to_string(),
                        lon,
                        lat,
                        incidents,
                    })
                })
                .collect();
            out.sort_by(|a, b| a.label.cmp(&b.label));
            out
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_rank_exact_prefix_word_substring_then_fuzzy() {
        assert_eq!(tier("kingsmead", "kingsmead"), Some(0));
        assert_eq!(tier("kingsmead", "kings"), Some(1));
        assert_eq!(tier("abington and phippsville", "phipps"), Some(2));
        assert_eq!(tier("brickhill and queensway", "ckhi"), Some(3));
        assert_eq!(tier("abington street", "abingdon"), Some(4));
        assert_eq!(tier("abington street", "abington st"), Some(1));
        assert_eq!(tier("abington street", "abingdon st"), Some(4));
        assert_eq!(tier("abington street", "abington rd"), None);
        assert_eq!(tier("abington street", "abc"), None);
        // Short queries are not matched loosely.
        assert_eq!(tier("abington street", "abx"), None);
        assert_eq!(searchable("On or near Gold Street"), "gold street");
    }
}
