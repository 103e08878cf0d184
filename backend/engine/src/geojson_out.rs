//! GeoJSON (RFC 7946) output: WGS84 lon/lat rounded to 6 decimal places
//! (about 0.1 m), polygons wound counter-clockwise outside, clockwise holes.

use geo::orient::{Direction, Orient};
use geo::MapCoords;
use geo_types::{Coord, MultiPolygon};
use geojson::{Feature, FeatureCollection, Geometry, JsonObject, JsonValue, Value};
use serde_json::json;

use hotspot_density::GridSpec;
use hotspot_stats::{EmergingClass, GiStar};

use hotspot_core::public::{Count, Open};

use crate::{Dataset, DensityResult, EmergingResult, GiResult, HotspotArea, WardReport};

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Converts a BNG polygon to RFC 7946 WGS84.
pub fn bng_to_geojson(mp: &MultiPolygon<f64>) -> Geometry {
    let wgs = mp.map_coords(|c| {
        let (lon, lat) = hotspot_core::bng_to_wgs84(c.x, c.y).unwrap_or((f64::NAN, f64::NAN));
        Coord { x: lon, y: lat }
    });
    wgs84_to_geojson(&wgs)
}

/// Rounds and orients a WGS84 polygon for output.
pub fn wgs84_to_geojson(mp: &MultiPolygon<f64>) -> Geometry {
    let rounded = mp.map_coords(|c| Coord {
        x: round6(c.x),
        y: round6(c.y),
    });
    Geometry::new(Value::from(&rounded.orient(Direction::Default)))
}

fn object(v: JsonValue) -> JsonObject {
    match v {
        JsonValue::Object(o) => o,
        _ => JsonObject::new(),
    }
}

fn collection(features: Vec<Feature>, meta: JsonValue) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(object(meta)),
    }
}

/// One page of incidents as points.
pub fn incidents(
    ds: &Dataset,
    page: &[usize],
    matched: usize,
    offset: usize,
    limit: usize,
) -> FeatureCollection {
    let features = page
        .iter()
        .map(|&k| {
            let (id, i) = ds.incident(k);
            let geometry = i
                .location
                .map(|l| Geometry::new(Value::Point(vec![round6(l.lon), round6(l.lat)])));
            let area = ds.area_of(k).map(|a| ds.areas[a].area.code.clone());
            Feature {
                bbox: None,
                geometry,
                id: Some(geojson::feature::Id::Number((*id).into())),
                properties: Some(object(json!({
                    "category": i.category,
                    "source": i.source,
                    "month": i.month,
                    "date": i.date,
                    "time": i.time.map(|t| t.format("%H:%M").to_string()),
                    "crime_id": i.external_id,
                    "location": i.location_label,
                    "lsoa_code": i.lsoa_code,
                    "outcome": i.outcome,
                    "ward": area,
                }))),
                foreign_members: None,
            }
        })
        .collect();
    let next = (offset + page.len() < matched).then_some(offset + page.len());
    collection(
        features,
        json!({
            "numberMatched": matched,
            "numberReturned": page.len(),
            "offset": offset,
            "limit": limit,
            "nextOffset": next,
        }),
    )
}

/// Wards with their statistics: a choropleth-ready collection.
pub fn wards(ds: &Dataset, report: &WardReport) -> FeatureCollection {
    let features = ds
        .areas
        .iter()
        .zip(&report.rows)
        .map(|(e, row)| Feature {
            bbox: None,
            geometry: Some(wgs84_to_geojson(&e.area.geometry)),
            id: Some(geojson::feature::Id::String(row.code.clone())),
            properties: Some(object(
                serde_json::to_value(row.properties()).expect("row serialises"),
            )),
            foreign_members: None,
        })
        .collect();
    collection(
        features,
        json!({
            "total": Count(report.total),
            "outside_areas": Count(report.outside_areas),
            "unlocated": Count(report.unlocated),
            "current_days": Open(report.current_days),
            "comparison_days": Open(report.comparison_days),
            "current_gap_months": report.current_gap_months,
            "comparison_gap_months": report.comparison_gap_months,
            "no_comparison_data": Open(report.no_comparison_data),
            "warnings": report.warnings,
        }),
    )
}

fn density_meta(r: &DensityResult) -> JsonValue {
    let s = &r.grid.spec;
    json!({
        "crs_analysis": "EPSG:27700",
        "cell_m": r.parameters.cell,
        "bandwidth_m": r.parameters.bandwidth,
        "kernel": "quartic",
        "units": "incidents per km²",
        "points": r.points,
        "grid": { "west": s.west, "north": s.north, "cols": s.cols, "rows": s.rows },
        "max_density": r.grid.max(),
        "warnings": r.parameters.warnings,
    })
}

/// Square BNG grid cells as WGS84 polygons. Each corner is projected once
/// and shared by the four cells that meet there, so cells tile exactly.
struct CellPolygons<'a> {
    spec: &'a GridSpec,
    corners: Vec<Option<[f64; 2]>>,
}

impl<'a> CellPolygons<'a> {
    fn new(spec: &'a GridSpec) -> Self {
        CellPolygons {
            spec,
            corners: vec![None; (spec.cols + 1) * (spec.rows + 1)],
        }
    }

    fn corner(&mut self, c: usize, row: usize) -> Vec<f64> {
        let s = self.spec;
        self.corners[row * (s.cols + 1) + c]
            .get_or_insert_with(|| {
                let (lon, lat) = hotspot_core::bng_to_wgs84(
                    s.west + c as f64 * s.cell,
                    s.north - row as f64 * s.cell,
                )
                .unwrap_or((f64::NAN, f64::NAN));
                [round6(lon), round6(lat)]
            })
            .to_vec()
    }

    /// Cell `i` (row-major, row 0 north) as a feature with `properties`.
    fn feature(&mut self, i: usize, properties: JsonValue) -> Feature {
        let (c, row) = (i % self.spec.cols, i / self.spec.cols);
        // South-west, south-east, north-east, north-west: counter-clockwise.
        let ring = vec![
            self.corner(c, row + 1),
            self.corner(c + 1, row + 1),
            self.corner(c + 1, row),
            self.corner(c, row),
            self.corner(c, row + 1),
        ];
        Feature {
            bbox: None,
            geometry: Some(Geometry::new(Value::Polygon(vec![ring]))),
            id: None,
            properties: Some(object(properties)),
            foreign_members: None,
        }
    }
}

/// Grid cells with density above `min_density`, as WGS84 polygons (the cell
/// corners projected, so cells are exact BNG squares).
pub fn density_cells(r: &DensityResult, min_density: f64) -> FeatureCollection {
    let s = &r.grid.spec;
    let mut cells = CellPolygons::new(s);
    let features = r
        .grid
        .values
        .iter()
        .enumerate()
        .filter(|(_, &v)| v > min_density && v > 0.0)
        .map(|(i, &v)| {
            cells.feature(
                i,
                json!({ "density": (v * 1e3).round() / 1e3, "col": i % s.cols, "row": i / s.cols }),
            )
        })
        .collect();
    collection(features, density_meta(r))
}

/// Gi* hot and cold spots: every cell of the study area, or every ward.
pub fn gi_star(ds: &Dataset, r: &GiResult) -> FeatureCollection {
    let props = |i: usize, g: &GiStar| {
        json!({
            "count": r.counts[i],
            "z": (g.z * 1e4).round() / 1e4,
            "p": g.p,
            "p_adjusted": g.p_adjusted,
            "class": g.class,
        })
    };
    let features = match &r.grid {
        Some(grid) => {
            let mut cells = CellPolygons::new(&grid.spec);
            r.stats
                .iter()
                .enumerate()
                .filter_map(|(i, g)| g.as_ref().map(|g| cells.feature(i, props(i, g))))
                .collect()
        }
        None => ds
            .areas
            .iter()
            .zip(&r.stats)
            .enumerate()
            .filter_map(|(i, (e, g))| {
                let g = g.as_ref()?;
                let mut p = props(i, g);
                p["code"] = json!(e.area.code);
                p["name"] = json!(e.area.name);
                Some(Feature {
                    bbox: None,
                    geometry: Some(wgs84_to_geojson(&e.area.geometry)),
                    id: Some(geojson::feature::Id::String(e.area.code.clone())),
                    properties: Some(object(p)),
                    foreign_members: None,
                })
            })
            .collect(),
    };
    let mut meta = json!({
        "statistic": "Getis-Ord Gi* (binary weights including self)",
        "neighbourhood": r.neighbourhood,
        "correction": r.correction,
        "outside_study_area": r.outside,
        "unlocated": r.unlocated,
    });
    if let Some(g) = &r.grid {
        meta["cell_m"] = json!(g.spec.cell);
    }
    collection(features, meta)
}

/// Emerging hot and cold spot categories per cell of the study area (cells
/// with no incidents and no pattern are left out).
pub fn emerging(r: &EmergingResult) -> FeatureCollection {
    let mut cells = CellPolygons::new(&r.grid.spec);
    let features = r
        .cells
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let e = e.as_ref()?;
            if e.class == EmergingClass::NoPattern && r.counts[i] == 0.0 {
                return None;
            }
            Some(cells.feature(
                i,
                json!({
                    "class": e.class,
                    "label": e.class.label(),
                    "count": r.counts[i],
                    "hot_periods": e.hot_periods,
                    "cold_periods": e.cold_periods,
                    "last_z": (e.last_z * 1e4).round() / 1e4,
                    "trend_z": (e.trend.z * 1e4).round() / 1e4,
                    "trend_p": e.trend.p,
                }),
            ))
        })
        .collect();
    let periods: Vec<String> = r.periods.iter().map(|(a, b)| format!("{a}..{b}")).collect();
    collection(
        features,
        json!({
            "cell_m": r.grid.spec.cell,
            "periods": periods,
            "gap_months": r.gap_months,
            "outside_study_area": r.outside,
            "unlocated": r.unlocated,
        }),
    )
}

/// The grid as one compact JSON object (row 0 = north), for clients that
/// draw rasters themselves. `corners` are the grid's outer corners in WGS84
/// (north-west, north-east, south-east, south-west), where a map client
/// pins the image it draws.
pub fn density_raster(r: &DensityResult) -> JsonValue {
    let mut meta = density_meta(r);
    let s = &r.grid.spec;
    let (east, south) = (
        s.west + s.cols as f64 * s.cell,
        s.north - s.rows as f64 * s.cell,
    );
    meta["corners"] = json!([
        (s.west, s.north),
        (east, s.north),
        (east, south),
        (s.west, south)
    ]
    .iter()
    .map(|&(x, y)| {
        let (lon, lat) = hotspot_core::bng_to_wgs84(x, y).unwrap_or((f64::NAN, f64::NAN));
        [round6(lon), round6(lat)]
    })
    .collect::<Vec<_>>());
    meta["values"] = json!(r
        .grid
        .values
        .iter()
        .map(|v| (v * 1e3).round() / 1e3)
        .collect::<Vec<_>>());
    meta
}

/// Hotspot polygons, largest (lowest threshold) first.
pub fn hotspots(r: &DensityResult, areas: &[HotspotArea]) -> FeatureCollection {
    let features = areas
        .iter()
        .map(|a| Feature {
            bbox: None,
            geometry: Some(bng_to_geojson(&a.polygons_bng)),
            id: None,
            properties: Some(object(serde_json::to_value(a).expect("hotspot serialises"))),
            foreign_members: None,
        })
        .collect();
    collection(features, density_meta(r))
}

fn point_feature(xy: [f64; 2], properties: JsonValue) -> Feature {
    let p = crate::planning::point_wgs84(xy);
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(Value::Point(vec![
            round6(p.x()),
            round6(p.y()),
        ]))),
        id: None,
        properties: Some(object(properties)),
        foreign_members: None,
    }
}

/// A days-of-action plan: each site (`kind: site`) with its coverage circle
/// (`kind: coverage`), and the naive ward-centroid sites (`kind: naive`).
pub fn plan(r: &crate::PlanResult, radius: f64) -> FeatureCollection {
    let p = &r.plan;
    let mut features = Vec::new();
    for (i, site) in p.sites.iter().enumerate() {
        let by_group: serde_json::Map<String, JsonValue> = site
            .by_group
            .iter()
            .map(|(g, n)| (r.groups[*g as usize].clone(), json!(n)))
            .collect();
        let window = site.best_window.map(|w| {
            json!({ "day": w.day.to_string(), "from_hour": w.from_hour, "to_hour": w.to_hour, "share": w.share })
        });
        features.push(point_feature(
            site.xy,
            json!({
                "kind": "site",
                "rank": i + 1,
                "name": site.name,
                "ward": r.site_wards[i],
                "covered_incidents": site.covered_incidents,
                "covered_weight": site.covered_weight,
                "marginal_weight": site.marginal_weight,
                "by_group": by_group,
                "best_window": window,
            }),
        ));
        features.push(Feature {
            bbox: None,
            geometry: Some(wgs84_to_geojson(&crate::planning::coverage_circle(
                site.xy, radius,
            ))),
            id: None,
            properties: Some(object(
                json!({ "kind": "coverage", "rank": i + 1, "radius_m": radius }),
            )),
            foreign_members: None,
        });
    }
    for (ward, xy) in &r.naive {
        features.push(point_feature(*xy, json!({ "kind": "naive", "ward": ward })));
    }
    collection(
        features,
        json!({
            "radius_m": radius,
            "covered_weight": p.covered_weight,
            "total_weight": p.total_weight,
            "share": p.share,
            "baseline": p.baseline,
            "baseline_method": "centroids of the highest-count wards",
            "guarantee": p.guarantee,
            "candidates_considered": p.candidates_considered,
            "notes": p.notes,
        }),
    )
}
