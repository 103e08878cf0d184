//! Any map layer (a GeoJSON FeatureCollection, as the API serves it) as a
//! file a GIS or a spreadsheet opens, with the attribution, licence and
//! marking inside it:
//!
//! * [`layer_geopackage`]: one feature table in British National Grid
//!   (EPSG:27700), a column per property (integer, real or text, from the
//!   first value that is not null; lists and objects as JSON text), and the
//!   `attribution` table;
//! * [`layer_csv`]: `#` comment lines with the attribution, licence and
//!   marking, then a row per feature: its properties, and `lon`/`lat` for
//!   a point or `wkt` (WGS84) for any other geometry.

use geo::MapCoords;
use geo_types::Geometry as Geo;
use hotspot_core::disclosure;
use rusqlite::params;
use serde_json::{Map, Value};

use crate::gpkg::{geometry_blob, geopackage, Geometry, BNG};
use crate::BriefingError;

/// What a layer file says about itself.
#[derive(Debug, Clone)]
pub struct LayerMeta {
    /// The table name, e.g. `hotspots` (letters, digits and `_`).
    pub name: String,
    /// What it is, e.g. "Hotspot areas, violence, 2025-07..2025-12".
    pub title: String,
    /// Attribution lines (at least the OGL and boundaries ones).
    pub attribution: Vec<String>,
    /// "PUBLIC: …" or "NOT FOR PUBLICATION: …".
    pub marking: String,
}

impl LayerMeta {
    /// The lines every file carries: attribution, licence, marking, title.
    fn lines(&self) -> Vec<(&'static str, String)> {
        let mut v: Vec<(&str, String)> = self
            .attribution
            .iter()
            .map(|a| ("attribution", a.clone()))
            .collect();
        v.push((
            "licence",
            format!(
                "{} {}",
                disclosure::OGL_LICENCE,
                disclosure::OGL_LICENCE_URL
            ),
        ));
        v.push(("marking", self.marking.clone()));
        v.push(("layer", self.title.clone()));
        v
    }
}

fn features(fc: &Value) -> &[Value] {
    fc["features"].as_array().map_or(&[], Vec::as_slice)
}

/// The property names of every feature, in the order first seen.
fn columns(fc: &Value) -> Vec<String> {
    let mut cols: Vec<String> = Vec::new();
    for f in features(fc) {
        for k in f["properties"].as_object().into_iter().flat_map(Map::keys) {
            if !cols.contains(k) {
                cols.push(k.clone());
            }
        }
    }
    cols
}

/// A GeoJSON geometry as geo-types, if it is one.
fn geometry(f: &Value) -> Option<Geo<f64>> {
    let g: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).ok()?;
    Geo::<f64>::try_from(g).ok()
}

/// The layer as a GeoPackage.
pub fn layer_geopackage(fc: &Value, meta: &LayerMeta) -> Result<Vec<u8>, BriefingError> {
    geopackage(|tx| {
        let cols = columns(fc);
        let table = format!("\"{}\"", meta.name.replace('"', ""));
        let kinds: Vec<&str> = cols.iter().map(|c| sql_type(fc, c)).collect();
        let defs: Vec<String> = cols
            .iter()
            .zip(&kinds)
            .map(|(c, k)| format!("\"{}\" {k}", c.replace('"', "")))
            .collect();
        let kind = geometry_type(fc);
        tx.execute_batch(&format!(
            "CREATE TABLE {table} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {kind}{});",
            defs.iter().map(|d| format!(", {d}")).collect::<String>()
        ))?;
        let marks = vec!["?"; cols.len() + 1].join(", ");
        let names: String = cols
            .iter()
            .map(|c| format!(", \"{}\"", c.replace('"', "")))
            .collect();
        let mut ins = tx.prepare(&format!(
            "INSERT INTO {table} (geom{names}) VALUES ({marks})"
        ))?;
        let mut extent = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for f in features(fc) {
            let blob = geometry(f).and_then(|g| bng_blob(&g, &mut extent));
            let mut values: Vec<rusqlite::types::Value> =
                vec![blob.map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Blob)];
            values.extend(cols.iter().map(|c| sql_value(&f["properties"][c])));
            ins.execute(rusqlite::params_from_iter(values))?;
        }
        let licence = meta
            .lines()
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(". ");
        let has_extent = extent[0] <= extent[2];
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                meta.name,
                meta.title,
                licence,
                has_extent.then_some(extent[0]),
                has_extent.then_some(extent[1]),
                has_extent.then_some(extent[2]),
                has_extent.then_some(extent[3]),
                BNG
            ],
        )?;
        tx.execute(
            "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?1, 'geom', ?2, ?3, 0, 0)",
            params![meta.name, kind, BNG],
        )?;
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES ('attribution', 'attributes', 'attribution', 'Attribution, licence and marking: keep with the data')",
            [],
        )?;
        for (kind, text) in meta.lines() {
            tx.execute(
                "INSERT INTO attribution (kind, text) VALUES (?1, ?2)",
                params![kind, text],
            )?;
        }
        Ok(())
    })
}

/// The geometry in BNG as a GeoPackage blob (points, polygons and
/// multipolygons: what the layers hold), widening `extent`.
fn bng_blob(g: &Geo<f64>, extent: &mut [f64; 4]) -> Option<Vec<u8>> {
    let bng = to_bng(g)?;
    if let Some(r) = bng_bbox(&bng) {
        *extent = [
            extent[0].min(r[0]),
            extent[1].min(r[1]),
            extent[2].max(r[2]),
            extent[3].max(r[3]),
        ];
    }
    Some(match &bng {
        Geo::Point(p) => geometry_blob(&Geometry::Point(p.x(), p.y()), BNG),
        Geo::Polygon(p) => geometry_blob(&Geometry::Polygon(p), BNG),
        Geo::MultiPolygon(m) => geometry_blob(&Geometry::MultiPolygon(m), BNG),
        _ => return None,
    })
}

/// A WGS84 geometry in BNG, if every point lies in Great Britain.
fn to_bng(g: &Geo<f64>) -> Option<Geo<f64>> {
    g.try_map_coords(|c| {
        hotspot_core::wgs84_to_bng(c.x, c.y).map(|(x, y)| geo_types::Coord { x, y })
    })
    .ok()
}

/// Min x, min y, max x, max y.
fn bng_bbox(g: &Geo<f64>) -> Option<[f64; 4]> {
    geo::BoundingRect::bounding_rect(g).map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
}

/// The features' one geometry type (`POINT`, `POLYGON`, `MULTIPOLYGON`),
/// or `GEOMETRY` when they differ, so a GIS styles the layer by its kind.
fn geometry_type(fc: &Value) -> &'static str {
    let mut kinds = features(fc)
        .iter()
        .map(|f| f["geometry"]["type"].as_str().unwrap_or(""));
    let first = kinds.next().unwrap_or("");
    if !kinds.all(|k| k == first) {
        return "GEOMETRY";
    }
    match first {
        "Point" => "POINT",
        "Polygon" => "POLYGON",
        "MultiPolygon" => "MULTIPOLYGON",
        _ => "GEOMETRY",
    }
}

fn sql_type(fc: &Value, col: &str) -> &'static str {
    let first = features(fc)
        .iter()
        .map(|f| &f["properties"][col])
        .find(|v| !v.is_null());
    match first {
        Some(Value::Bool(_)) => "INTEGER",
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => "INTEGER",
        Some(Value::Number(_)) => "REAL",
        _ => "TEXT",
    }
}

fn sql_value(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(*b as i64),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Sql::Real(n.as_f64().unwrap_or(f64::NAN)), Sql::Integer),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

/// The layer as CSV.
pub fn layer_csv(fc: &Value, meta: &LayerMeta) -> Result<Vec<u8>, BriefingError> {
    let mut out = Vec::new();
    for (kind, text) in meta.lines() {
        out.extend(format!("# {kind}: {text}\n").bytes());
    }
    let cols = columns(fc);
    let points = features(fc)
        .iter()
        .all(|f| f["geometry"]["type"] == "Point");
    let mut w = csv::Writer::from_writer(out);
    let geo_cols: &[&str] = if points { &["lon", "lat"] } else { &["wkt"] };
    w.write_record(
        cols.iter()
            .map(String::as_str)
            .chain(geo_cols.iter().copied()),
    )?;
    for f in features(fc) {
        let mut row: Vec<String> = cols
            .iter()
            .map(|c| match &f["properties"][c] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        if points {
            let c = &f["geometry"]["coordinates"];
            row.push(c[0].to_string());
            row.push(c[1].to_string());
        } else {
            row.push(
                geometry(f)
                    .map(|g| wkt::ToWkt::wkt_string(&g))
                    .unwrap_or_default(),
            );
        }
        w.write_record(&row)?;
    }
    w.into_inner()
        .map_err(|e| BriefingError::Io(e.into_error()))
}

/// A layer of square grid cells (as `/api/gistar` gives them, WGS84
/// polygons of British National Grid squares) as a GeoTIFF of one numeric
/// property, e.g. Gi* `z`: each cell placed by its BNG centre, cells with
/// no value no-data (NaN), the licence in the tags. `None` when the layer
/// has no cells.
pub fn cells_geotiff(
    fc: &Value,
    property: &str,
    description: &str,
) -> Result<Option<Vec<u8>>, BriefingError> {
    // Each cell's BNG bounding box, and its value.
    let cells: Vec<([f64; 4], f64)> = features(fc)
        .iter()
        .filter_map(|f| {
            let extent = bng_bbox(&to_bng(&geometry(f)?)?)?;
            let v = f["properties"][property].as_f64().unwrap_or(f64::NAN);
            Some((extent, v))
        })
        .collect();
    let Some(((first, _), _)) = cells.split_first() else {
        return Ok(None);
    };
    // GeoJSON coordinates carry about 0.1 m: Hotspot's cells are whole
    // metres, and their corners on tenths.
    let tenth = |v: f64| (v * 10.0).round() / 10.0;
    let cell = (((first[2] - first[0]) + (first[3] - first[1])) / 2.0)
        .round()
        .max(1.0);
    let west = tenth(cells.iter().map(|(e, _)| e[0]).fold(f64::MAX, f64::min));
    let north = tenth(cells.iter().map(|(e, _)| e[3]).fold(f64::MIN, f64::max));
    let east = cells.iter().map(|(e, _)| e[2]).fold(f64::MIN, f64::max);
    let south = cells.iter().map(|(e, _)| e[1]).fold(f64::MAX, f64::min);
    let spec = hotspot_density::GridSpec {
        west,
        north,
        cell,
        cols: ((east - west) / cell).round().max(1.0) as usize,
        rows: ((north - south) / cell).round().max(1.0) as usize,
    };
    let mut values = vec![f64::NAN; spec.len()];
    for (e, v) in &cells {
        let col = (((e[0] + e[2]) / 2.0 - west) / cell).floor() as usize;
        let row = ((north - (e[1] + e[3]) / 2.0) / cell).floor() as usize;
        if col < spec.cols && row < spec.rows {
            values[row * spec.cols + col] = *v;
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    hotspot_density::write_raster(&spec, &values, description, Some(f64::NAN), &mut out)
        .map_err(|e| BriefingError::Io(std::io::Error::other(e.to_string())))?;
    Ok(Some(out.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A BNG square of side 100 m with south-west corner (x, y), as the API
    /// gives it: a WGS84 polygon.
    fn cell(x: f64, y: f64, z: f64) -> Value {
        let ring: Vec<[f64; 2]> = [
            (x, y),
            (x + 100.0, y),
            (x + 100.0, y + 100.0),
            (x, y + 100.0),
            (x, y),
        ]
        .iter()
        .map(|&(e, n)| {
            let (lon, lat) = hotspot_core::bng_to_wgs84(e, n).unwrap();
            [lon, lat]
        })
        .collect();
        json!({ "type": "Feature", "properties": { "z": z }, "geometry": { "type": "Polygon", "coordinates": [ring] } })
    }

    #[test]
    fn grid_cells_become_a_raster_with_no_data_between() {
        let fc = json!({ "type": "FeatureCollection", "features": [
            cell(475_000.0, 260_100.0, 2.5), // north-west
            cell(475_100.0, 260_000.0, -1.0), // south-east
        ]});
        let tiff = cells_geotiff(&fc, "z", "test").unwrap().unwrap();
        let mut dec = tiff::decoder::Decoder::new(std::io::Cursor::new(tiff)).unwrap();
        assert_eq!(dec.dimensions().unwrap(), (2, 2));
        let tiff::decoder::DecodingResult::F32(v) = dec.read_image().unwrap() else {
            panic!("Float32 expected");
        };
        assert_eq!((v[0], v[3]), (2.5, -1.0));
        assert!(v[1].is_nan() && v[2].is_nan());
        assert_eq!(
            cells_geotiff(&json!({ "features": [] }), "z", "").unwrap(),
            None
        );
    }

    #[test]
    fn a_layer_csv_starts_with_its_terms_and_gives_points_as_lon_lat() {
        let fc = json!({ "features": [
            { "properties": { "category": "Burglary", "n": 2 }, "geometry": { "type": "Point", "coordinates": [-0.9, 52.2] } }
        ]});
        let meta = LayerMeta {
            name: "incidents".into(),
            title: "Incidents".into(),
            attribution: vec!["Contains public sector information".into()],
            marking: "NOT FOR PUBLICATION".into(),
        };
        let csv = String::from_utf8(layer_csv(&fc, &meta).unwrap()).unwrap();
        assert!(csv.starts_with("# attribution: Contains public sector information\n# licence: Open Government Licence v3.0"));
        assert!(csv.contains("# marking: NOT FOR PUBLICATION\n"));
        assert!(
            csv.ends_with("category,n,lon,lat\nBurglary,2,-0.9,52.2\n"),
            "{csv}"
        );
    }
}
