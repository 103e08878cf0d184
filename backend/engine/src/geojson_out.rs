//! GeoJSON (RFC 7946) output: WGS84 lon/lat rounded to 6 decimal places
//! (about 0.1 m), polygons wound counter-clockwise outside, clockwise holes.

use geo::orient::{Direction, Orient};
use geo::MapCoords;
use geo_types::{Coord, MultiPolygon};
use geojson::{Feature, FeatureCollection, Geometry, JsonObject, JsonValue, Value};
use serde_json::json;

use crate::{Dataset, DensityResult, HotspotArea, WardReport};

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
            properties: Some(object(serde_json::to_value(row).expect("row serialises"))),
            foreign_members: None,
        })
        .collect();
    collection(
        features,
        json!({
            "total": report.total,
            "outside_areas": report.outside_areas,
            "unlocated": report.unlocated,
            "current_days": report.current_days,
            "comparison_days": report.comparison_days,
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

/// Grid cells with density above `min_density`, as WGS84 polygons (the cell
/// corners projected, so cells are exact BNG squares).
pub fn density_cells(r: &DensityResult, min_density: f64) -> FeatureCollection {
    let s = &r.grid.spec;
    let cols = s.cols + 1;
    let mut corners: Vec<Option<[f64; 2]>> = vec![None; cols * (s.rows + 1)];
    let mut corner = |c: usize, row: usize| -> [f64; 2] {
        *corners[row * cols + c].get_or_insert_with(|| {
            let (lon, lat) = hotspot_core::bng_to_wgs84(
                s.west + c as f64 * s.cell,
                s.north - row as f64 * s.cell,
            )
            .unwrap_or((f64::NAN, f64::NAN));
            [round6(lon), round6(lat)]
        })
    };
    let mut features = Vec::new();
    for row in 0..s.rows {
        for c in 0..s.cols {
            let v = r.grid.values[row * s.cols + c];
            if v <= min_density || v <= 0.0 {
                continue;
            }
            // South-west, south-east, north-east, north-west: counter-clockwise.
            let ring = vec![
                corner(c, row + 1).to_vec(),
                corner(c + 1, row + 1).to_vec(),
                corner(c + 1, row).to_vec(),
                corner(c, row).to_vec(),
                corner(c, row + 1).to_vec(),
            ];
            features.push(Feature {
                bbox: None,
                geometry: Some(Geometry::new(Value::Polygon(vec![ring]))),
                id: None,
                properties: Some(object(
                    json!({ "density": (v * 1e3).round() / 1e3, "col": c, "row": row }),
                )),
                foreign_members: None,
            });
        }
    }
    collection(features, density_meta(r))
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
