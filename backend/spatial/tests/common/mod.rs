//! Loading the real Northamptonshire test data (see `/work/shared/data/SOURCES.md`),
//! shared by the real-data test and the benchmark.
#![allow(dead_code)]

use std::path::PathBuf;

use geo_types::{Coord, Geometry, LineString, MultiPolygon, Polygon};

fn project_ring(ring: &LineString<f64>) -> LineString<f64> {
    ring.0
        .iter()
        .map(|c| {
            let (x, y) = hotspot_core::wgs84_to_bng(c.x, c.y).expect("ward vertex in GB");
            Coord { x, y }
        })
        .collect()
}

fn project_polygon(p: &Polygon<f64>) -> Polygon<f64> {
    Polygon::new(
        project_ring(p.exterior()),
        p.interiors().iter().map(project_ring).collect(),
    )
}

/// The 57 2022 wards as `(code, name, boundary in BNG metres)`.
pub fn load_wards(dir: &std::path::Path) -> Vec<(String, String, MultiPolygon<f64>)> {
    let path = dir.join("boundaries/northants_wards2022.geojson");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fc: geojson::FeatureCollection = text.parse().expect("valid GeoJSON FeatureCollection");
    fc.features
        .into_iter()
        .map(|f| {
            let prop = |k: &str| {
                f.property(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let (code, name) = (prop("WD22CD"), prop("WD22NM"));
            let geom: Geometry<f64> = f
                .geometry
                .clone()
                .expect("feature has a geometry")
                .try_into()
                .expect("convertible geometry");
            let mp = match geom {
                Geometry::Polygon(p) => MultiPolygon(vec![project_polygon(&p)]),
                Geometry::MultiPolygon(m) => {
                    MultiPolygon(m.0.iter().map(project_polygon).collect())
                }
                other => panic!("unexpected ward geometry {other:?}"),
            };
            (code, name, mp)
        })
        .collect()
}

/// One located police.uk row: BNG position and LSOA name.
pub struct Row {
    pub x: f64,
    pub y: f64,
    pub lsoa_name: String,
}

/// All located rows of every `policeuk/northamptonshire/*.csv.gz` file.
pub fn load_policeuk(dir: &std::path::Path) -> Vec<Row> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("policeuk/northamptonshire"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.to_string_lossy().ends_with(".csv.gz"));
    files.sort();
    let mut rows = Vec::new();
    for file in files {
        let gz = flate2::read::GzDecoder::new(std::fs::File::open(&file).expect("open csv.gz"));
        let mut rdr = csv::Reader::from_reader(gz);
        let headers = rdr.headers().expect("header").clone();
        let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
        let (lon_i, lat_i, lsoa_i) = (col("Longitude"), col("Latitude"), col("LSOA name"));
        for rec in rdr.records() {
            let rec = rec.expect("csv record");
            let (Ok(lon), Ok(lat)) = (rec[lon_i].parse::<f64>(), rec[lat_i].parse::<f64>()) else {
                continue; // "No location" rows
            };
            let Ok((x, y)) = hotspot_core::wgs84_to_bng(lon, lat) else {
                continue;
            };
            rows.push(Row {
                x,
                y,
                lsoa_name: rec[lsoa_i].to_string(),
            });
        }
    }
    rows
}
