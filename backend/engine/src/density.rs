//! Kernel density surfaces and hotspot areas for a selection.

use std::collections::BTreeMap;

use hotspot_core::harm::HarmIndex;

use hotspot_density::pieces::{self, pieces, Piece};
use hotspot_density::{choose_parameters, hotspot_bands, kde, DensityGrid, KdeParameters};
use serde::Serialize;

use crate::sites::{PlaceTally, SiteFilter};
use crate::{Dataset, EngineError, Selection};

/// A density question. The extent defaults to the loaded areas (the study
/// area), or else to the selected incidents.
#[derive(Debug, Clone, Default)]
pub struct DensityQuery {
    /// What to map; its `bbox` is ignored (use `extent`).
    pub selection: Selection,
    /// WGS84 box to compute over: min lon, min lat, max lon, max lat.
    pub extent: Option<[f64; 4]>,
    /// Cell size, metres; chosen by rule when absent.
    pub cell: Option<f64>,
    /// Quartic kernel bandwidth (search radius), metres; chosen by rule when absent.
    pub bandwidth: Option<f64>,
}

pub struct DensityResult {
    pub grid: DensityGrid,
    pub parameters: KdeParameters,
    /// Located incidents that contributed.
    pub points: usize,
    /// The harm index the incidents were weighted by; `None`: counts.
    pub harm_index: Option<HarmIndex>,
}

/// A hotspot polygon: the area where density is in the top `top_percent`
/// of non-zero cells, and what happened inside it.
#[derive(Debug, Clone, Serialize)]
pub struct HotspotArea {
    pub top_percent: f64,
    /// Density threshold, incidents per km².
    pub threshold: f64,
    pub area_km2: f64,
    /// Selected incidents inside the polygon.
    pub incidents: u64,
    /// Their share of all selected located incidents in the extent.
    pub share: f64,
    pub by_category: BTreeMap<String, u64>,
    /// Its separate areas with the most incidents, most first (at most
    /// [`MAX_PLACES`]), each named by its streets.
    pub places: Vec<HotspotPlace>,
    /// In British National Grid metres; converted for output.
    #[serde(skip)]
    pub polygons_bng: geo_types::MultiPolygon<f64>,
}

/// Most separate areas listed per hotspot band.
pub const MAX_PLACES: usize = 10;

/// One separate area of a hotspot band (touching cells at or above its
/// threshold).
#[derive(Debug, Clone, Serialize)]
pub struct HotspotPlace {
    /// "Abington Street / Gold Street area": the streets of the selected
    /// incidents near its densest point; `None` when they carry no labels.
    pub name: Option<String>,
    /// Selected incidents in its cells.
    pub incidents: u64,
    pub area_km2: f64,
    /// Its densest point, BNG metres.
    pub peak_bng: [f64; 2],
}

impl Dataset {
    /// The BNG extent for a density question: the one asked for, cut to
    /// the study area (a map zoomed out past the county asks for a box
    /// mostly empty, which would coarsen the default cell and bandwidth),
    /// else the study area (never the outliers' bounding box).
    fn density_extent(
        &self,
        q: &DensityQuery,
        tally: &PlaceTally,
    ) -> Result<[f64; 4], EngineError> {
        if let Some([x0, y0, x1, y1]) = q.extent {
            if !(x0 < x1 && y0 < y1) {
                return Err(EngineError::InvalidParameter(format!(
                    "extent {x0},{y0},{x1},{y1}: expected min lon, min lat, max lon, max lat with min < max"
                )));
            }
            let corners = [(x0, y0), (x0, y1), (x1, y0), (x1, y1)];
            let mut r = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            for (lon, lat) in corners {
                let (x, y) = hotspot_core::wgs84_to_bng(lon, lat)
                    .map_err(|e| EngineError::InvalidParameter(format!("extent: {e}")))?;
                r = [r[0].min(x), r[1].min(y), r[2].max(x), r[3].max(y)];
            }
            // With areas loaded the study extent is their box (cheap); the
            // bulk of the points would mean sorting every point per request.
            let study = (!self.areas.is_empty()).then(|| self.study_extent(None));
            if let Some(Ok(s)) = study {
                let cut = [
                    r[0].max(s[0]),
                    r[1].max(s[1]),
                    r[2].min(s[2]),
                    r[3].min(s[3]),
                ];
                if cut[0] < cut[2] && cut[1] < cut[3] {
                    return Ok(cut);
                }
            }
            return Ok(r);
        }
        if !self.areas.is_empty() {
            return self.study_extent(None);
        }
        // Without areas, the bulk of the selected points, each as often as
        // incidents stand on it (collected only here).
        let points: Vec<[f64; 2]> = (tally.sites())
            .flat_map(|p| {
                let [_, _, x, y] = self.cols.places[p];
                std::iter::repeat_n([x, y], tally.counts[p] as usize)
            })
            .collect();
        if points.is_empty() {
            return Err(EngineError::InvalidParameter(
                "no located incidents match: nothing to map".into(),
            ));
        }
        self.study_extent(Some(&points))
    }

    /// Quartic kernel density of the selected incidents.
    pub fn density(&self, q: &DensityQuery) -> Result<DensityResult, EngineError> {
        let mut sel = q.selection.clone();
        sel.bbox = None;
        let tally = self.tally_places(&sel)?;
        self.density_of(q, &tally)
    }

    /// The density of incidents already counted per place, so hotspots
    /// can reuse one tally for the surface and for the counts. police.uk
    /// stacks ten million incidents on tens of thousands of map points, and
    /// the kernel bins those, each weighted by its incidents.
    fn density_of(
        &self,
        q: &DensityQuery,
        tally: &PlaceTally,
    ) -> Result<DensityResult, EngineError> {
        let extent = self.density_extent(q, tally)?;
        let parameters = choose_parameters(
            (extent[0], extent[1], extent[2], extent[3]),
            q.cell,
            q.bandwidth,
        )?;
        let spec = parameters.grid((extent[0], extent[1], extent[2], extent[3]))?;
        let h = parameters.bandwidth;
        let (x0, y0) = (spec.west - h, spec.south() - h);
        let (x1, y1) = (spec.east() + h, spec.north + h);
        let mut contributed = 0;
        let (mut points, mut weights) = (Vec::new(), Vec::new());
        for p in tally.sites() {
            let [_, _, x, y] = self.cols.places[p];
            if x >= x0 && x <= x1 && y >= y0 && y <= y1 {
                contributed += tally.counts[p] as usize;
                if tally.weight(p) != 0.0 {
                    points.push([x, y]);
                    weights.push(tally.weight(p));
                }
            }
        }
        let grid = kde(&points, Some(&weights), &spec, h)?;
        Ok(DensityResult {
            grid,
            parameters,
            points: contributed,
            harm_index: q.selection.weighting.harm_index().cloned(),
        })
    }

    /// Hotspot polygons for the given top percentages, each with a summary
    /// of the incidents inside it.
    ///
    /// An incident is in a band when the density of the grid cell it falls
    /// in is at or above the band's threshold: the cells the band's polygons
    /// trace. One pass over the selection answers every band (testing each
    /// incident against the polygons took 30 s at 10M incidents). It agrees
    /// with the polygon test except for incidents in a cell next to the
    /// band's edge, where the interpolated boundary may cut through the cell
    /// (`tests/hotspot_membership.rs` bounds the difference on the sample).
    pub fn hotspots(
        &self,
        q: &DensityQuery,
        top_percents: &[f64],
    ) -> Result<(DensityResult, Vec<HotspotArea>), EngineError> {
        if top_percents.is_empty() || top_percents.iter().any(|t| !(*t > 0.0 && *t <= 100.0)) {
            return Err(EngineError::InvalidParameter(
                "top: each percentage must be in (0, 100]".into(),
            ));
        }
        let mut sel = q.selection.clone();
        sel.bbox = None;
        let filter = SiteFilter::new(self, &sel)?;
        let tally = self.tally_with(&sel, &filter)?;
        let result = self.density_of(q, &tally)?;
        let bands = hotspot_bands(&result.grid, top_percents)?;
        // A surface without density has threshold 0 and no polygons: nothing is in it.
        let thresholds: Vec<f64> = bands
            .iter()
            .map(|b| {
                if b.threshold > 0.0 {
                    b.threshold
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        let band_pieces: Vec<(Vec<u32>, Vec<Piece>)> = thresholds
            .iter()
            .map(|&t| pieces(&result.grid, if t.is_finite() { t } else { 0.0 }))
            .collect();
        let mut piece_incidents: Vec<Vec<u64>> =
            band_pieces.iter().map(|(_, p)| vec![0; p.len()]).collect();
        let n_categories = self.category_count();
        let mut incidents = vec![0u64; bands.len()];
        let mut per_category = vec![0u64; bands.len() * n_categories];
        let grid = &result.grid;
        let mut in_extent = 0u64;
        // By place: incidents stack on places, and all of a place's
        // incidents fall in its cell.
        let mut in_bands = Vec::with_capacity(thresholds.len());
        for p in tally.sites() {
            let Some(cell) = cell_of(grid, self.cols.places[p]) else {
                continue;
            };
            let n = tally.counts[p] as u64;
            in_extent += n;
            let v = grid.values[cell];
            in_bands.clear();
            in_bands.extend((0..thresholds.len()).filter(|&b| v >= thresholds[b]));
            for &b in &in_bands {
                incidents[b] += n;
                let piece = band_pieces[b].0[cell];
                if piece != pieces::NONE {
                    piece_incidents[b][piece as usize] += n;
                }
            }
            if !in_bands.is_empty() {
                for c in filter.categories(p) {
                    for &b in &in_bands {
                        per_category[b * n_categories + c] += 1;
                    }
                }
            }
        }
        let in_extent = in_extent.max(1);
        let places = self.name_places(&result.grid, &band_pieces, &piece_incidents, &filter);
        let areas = bands
            .into_iter()
            .enumerate()
            .map(|(b, band)| {
                let mut by_category = BTreeMap::new();
                let counts = &per_category[b * n_categories..(b + 1) * n_categories];
                for (c, &n) in counts.iter().enumerate() {
                    if n > 0 {
                        *by_category
                            .entry(self.category_name_of(c).to_string())
                            .or_insert(0) += n;
                    }
                }
                HotspotArea {
                    top_percent: band.top_percent,
                    threshold: band.threshold,
                    area_km2: band.area_m2 / 1e6,
                    incidents: incidents[b],
                    share: incidents[b] as f64 / in_extent as f64,
                    by_category,
                    places: places[b].clone(),
                    polygons_bng: band.polygons,
                }
            })
            .collect();
        Ok((result, areas))
    }

    /// Each band's separate areas with the most incidents, named by the
    /// streets of the selected incidents within two cells (at least 100 m)
    /// of their densest point.
    fn name_places(
        &self,
        grid: &DensityGrid,
        band_pieces: &[(Vec<u32>, Vec<Piece>)],
        piece_incidents: &[Vec<u64>],
        selected: &SiteFilter,
    ) -> Vec<Vec<HotspotPlace>> {
        let spec = &grid.spec;
        let radius = (2.0 * spec.cell).max(100.0);
        band_pieces
            .iter()
            .zip(piece_incidents)
            .map(|((_, ps), counts)| {
                let mut order: Vec<usize> = (0..ps.len()).filter(|&i| counts[i] > 0).collect();
                order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
                order.truncate(MAX_PLACES);
                order
                    .into_iter()
                    .map(|i| {
                        let (x, y) =
                            spec.cell_centre(ps[i].peak % spec.cols, ps[i].peak / spec.cols);
                        HotspotPlace {
                            name: self.place_name([x, y], radius, selected),
                            incidents: counts[i],
                            area_km2: ps[i].cells as f64 * spec.cell * spec.cell / 1e6,
                            peak_bng: [x, y],
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

/// The cell of a density grid a place (lon, lat, x, y) falls in, if any.
/// The closed extent's east and south edges belong to the last cell.
fn cell_of(grid: &DensityGrid, [_, _, x, y]: [f64; 4]) -> Option<usize> {
    let spec = &grid.spec;
    let (west, south, east, north) = (spec.west, spec.south(), spec.east(), spec.north);
    if !(x >= west && x <= east && y >= south && y <= north) {
        return None;
    }
    let col = (((x - west) / spec.cell) as usize).min(spec.cols - 1);
    let row = (((north - y) / spec.cell) as usize).min(spec.rows - 1);
    Some(row * spec.cols + col)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use hotspot_core::harm::HarmIndex;
    use hotspot_core::Incident;
    use hotspot_density::kde_direct;

    use super::*;
    use crate::test_support::{at, build, square_ward};
    use crate::Weighting;

    fn harm(default: Option<f64>) -> Weighting {
        Weighting::Harm(Arc::new(HarmIndex {
            name: "t".into(),
            source: "s".into(),
            weights: [("Burglary".to_string(), 10.0)].into(),
            default,
        }))
    }

    #[test]
    fn a_harm_surface_is_the_direct_kde_with_each_incident_weighed() {
        let (x0, y0) = (450_000.0, 260_000.0);
        let mut incidents: Vec<Incident> = (0..30)
            .map(|i| {
                at(
                    x0 + 200.0 + 37.0 * i as f64,
                    y0 + 300.0 + 11.0 * i as f64,
                    "2025-03",
                )
            })
            .collect();
        for i in incidents.iter_mut().skip(20) {
            i.category = "Drugs".into();
        }
        let ds = build(incidents.clone(), vec![square_ward("W", x0, y0, 2000.0)]);
        let query = |weighting| DensityQuery {
            selection: Selection {
                weighting,
                ..Default::default()
            },
            extent: None,
            cell: Some(50.0),
            bandwidth: Some(300.0),
        };
        let r = ds.density(&query(harm(Some(2.0)))).unwrap();
        assert_eq!(r.harm_index.as_ref().map(|h| h.name.as_str()), Some("t"));
        // Independent: the unweighted surfaces of each type, weighed by hand
        // (a kernel estimate is linear in its points' weights).
        let of_type = |t: &str| {
            let mut q = query(Weighting::Count);
            q.selection.types = vec![t.to_string()];
            // The same grid: the extent is the study area whatever the type.
            ds.density(&q).unwrap().grid
        };
        let (burglary, drugs) = (of_type("Burglary"), of_type("Drugs"));
        assert_eq!(burglary.spec, r.grid.spec);
        let worst = r
            .grid
            .values
            .iter()
            .zip(burglary.values.iter().zip(&drugs.values))
            .map(|(h, (b, d))| (h - (10.0 * b + 2.0 * d)).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-6 * r.grid.max(), "differs by {worst}");
        // And against the exact estimator, within the binning's error.
        let points: Vec<[f64; 2]> = incidents
            .iter()
            .map(|i| i.location.as_ref().map(|l| [l.x, l.y]).unwrap())
            .collect();
        let weights: Vec<f64> = (0..30).map(|i| if i < 20 { 10.0 } else { 2.0 }).collect();
        let direct = kde_direct(&points, Some(&weights), &r.grid.spec, 300.0).unwrap();
        assert!((direct.max() - r.grid.max()).abs() < 0.05 * direct.max());
        assert!((r.grid.total_mass() - (20.0 * 10.0 + 10.0 * 2.0)).abs() < 1.0);
        // Without a weight for Drugs, the map is refused by name.
        let e = ds.density(&query(harm(None))).err().unwrap().to_string();
        assert!(e.contains("has no weight for \"Drugs\""), "{e}");
    }

    /// Incidents stacked on one map point are binned as that point with
    /// their count as its weight: the surface is the kernel estimate of
    /// every incident, one by one.
    #[test]
    fn stacked_incidents_make_the_surface_of_each_incident() {
        let (x0, y0) = (450_000.0, 260_000.0);
        let incidents: Vec<Incident> = (0..60)
            .map(|i| {
                at(
                    x0 + 300.0 + 97.0 * (i % 7) as f64,
                    y0 + 500.0 + 61.0 * (i % 5) as f64,
                    "2025-03",
                )
            })
            .collect();
        let ds = build(incidents.clone(), vec![square_ward("W", x0, y0, 2000.0)]);
        assert_eq!(ds.cols.places.len(), 35, "60 incidents on 35 points");
        let q = DensityQuery {
            selection: Selection::default(),
            extent: None,
            cell: Some(50.0),
            bandwidth: Some(300.0),
        };
        let r = ds.density(&q).unwrap();
        assert_eq!(r.points, 60);
        let each: Vec<[f64; 2]> = incidents
            .iter()
            .map(|i| i.location.map(|l| [l.x, l.y]).unwrap())
            .collect();
        let one_by_one = kde(&each, None, &r.grid.spec, 300.0).unwrap();
        let worst = (r.grid.values.iter().zip(&one_by_one.values))
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-9 * one_by_one.max(), "differs by {worst}");
    }
}
