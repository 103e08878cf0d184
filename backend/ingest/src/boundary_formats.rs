//! Boundary files that are not GeoJSON, read into GeoJSON features so that
//! one set of rules (code detection, validation, quarantine, idempotence:
//! see [`crate::boundaries`]) serves every format:
//!
//! * **GeoPackage** (OGC GeoPackage 1.x, an SQLite file): its one polygon
//!   feature table (or its only feature table), every attribute column as
//!   a property, geometries decoded from GeoPackage WKB; the table's
//!   `srs_id` says whether they are British National Grid (27700) or WGS84
//!   (4326, 4258).
//! * **Zipped Shapefile** (`.zip` holding one `.shp` with its `.dbf` and
//!   `.prj`): each shape with its dBASE record; the `.prj` says the
//!   coordinate system (British National Grid or WGS84; without one,
//!   WGS84 is assumed and BNG-looking coordinates are refused with a
//!   message saying so).

use std::io::{Cursor, Read};

use serde_json::{json, Map, Value};

use crate::boundaries::Crs;
use crate::{IngestError, SourceFile};

/// The format a boundary file is in, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundaryFormat {
    GeoJson,
    GeoPackage,
    ZippedShapefile,
}

impl BoundaryFormat {
    pub fn of(bytes: &[u8]) -> Self {
        if bytes.starts_with(b"SQLite format 3\0") {
            BoundaryFormat::GeoPackage
        } else if bytes.starts_with(b"PK\x03\x04") {
            BoundaryFormat::ZippedShapefile
        } else {
            BoundaryFormat::GeoJson
        }
    }
}

fn format_error(file: &SourceFile, message: String) -> IngestError {
    IngestError::GeoJson {
        file: file.name.clone(),
        message,
    }
}

/// The features of a GeoPackage's boundary table, and their coordinate system.
pub fn geopackage_features(file: &SourceFile) -> Result<(Vec<Value>, Crs), IngestError> {
    let bad = |m: String| format_error(file, format!("GeoPackage: {m}"));
    // SQLite reads files: the upload goes to a private temporary file.
    let mut tmp = tempfile::NamedTempFile::new().map_err(|e| bad(e.to_string()))?;
    std::io::Write::write_all(&mut tmp, &file.bytes).map_err(|e| bad(e.to_string()))?;
    let db = rusqlite::Connection::open_with_flags(
        tmp.path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .map_err(|e| bad(e.to_string()))?;
    let (table, column, srs) = feature_table(&db).map_err(bad)?;
    let crs = match srs {
        27700 => Crs::BritishNationalGrid,
        4326 | 4258 => Crs::Wgs84,
        other => {
            return Err(bad(format!(
                "table {table:?} is in EPSG:{other}: re-export it in British National Grid (EPSG:27700) or WGS84 (EPSG:4326)"
            )))
        }
    };
    let features = table_features(&db, &table, &column).map_err(bad)?;
    if features.is_empty() {
        return Err(bad(format!("table {table:?} has no features")));
    }
    Ok((features, crs))
}

/// The feature table to read: the only one, or the only polygon one.
fn feature_table(db: &rusqlite::Connection) -> Result<(String, String, i64), String> {
    let mut stmt = db
        .prepare(
            "SELECT table_name, column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns",
        )
        .map_err(|e| {
            format!("no gpkg_geometry_columns table ({e}): not a GeoPackage of features")
        })?;
    let tables: Vec<(String, String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .and_then(|rows| rows.collect())
        .map_err(|e| e.to_string())?;
    let polygons: Vec<_> = tables
        .iter()
        .filter(|t| {
            let kind = t.2.to_ascii_uppercase();
            kind.contains("POLYGON") || kind == "GEOMETRY"
        })
        .collect();
    let chosen = match (&tables[..], &polygons[..]) {
        ([only], _) => Some(only),
        (_, [only]) => Some(*only),
        _ => None,
    };
    match (&tables[..], chosen) {
        ([], _) => Err("no feature table".into()),
        (_, Some(t)) => Ok((t.0.clone(), t.1.clone(), t.3)),
        _ => Err(format!(
            "several feature tables ({}): extract the boundaries into a GeoPackage of their own, e.g. `ogr2ogr wards.gpkg all.gpkg TABLE`",
            tables.iter().map(|t| t.0.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Every row of `table` as a GeoJSON feature.
fn table_features(
    db: &rusqlite::Connection,
    table: &str,
    geom: &str,
) -> Result<Vec<Value>, String> {
    let quoted = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let mut stmt = db
        .prepare(&format!("SELECT * FROM {}", quoted(table)))
        .map_err(|e| e.to_string())?;
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    let mut features = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let mut properties = Map::new();
        let mut geometry = Value::Null;
        for (i, name) in names.iter().enumerate() {
            use rusqlite::types::ValueRef;
            let v = row.get_ref(i).map_err(|e| e.to_string())?;
            if name == geom {
                if let ValueRef::Blob(b) = v {
                    geometry = gpkg_geometry(b);
                }
                continue;
            }
            let value = match v {
                ValueRef::Null | ValueRef::Blob(_) => Value::Null,
                ValueRef::Integer(n) => json!(n),
                ValueRef::Real(x) => json!(x),
                ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
            };
            properties.insert(name.clone(), value);
        }
        features.push(json!({ "type": "Feature", "properties": properties, "geometry": geometry }));
    }
    Ok(features)
}

/// A GeoPackage geometry blob as GeoJSON; `null` (rejected later, with the
/// feature's line) when it cannot be decoded.
fn gpkg_geometry(blob: &[u8]) -> Value {
    use geozero::ToJson;
    geozero::wkb::GpkgWkb(blob.to_vec())
        .to_json()
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null)
}

/// The features of a zipped Shapefile, and their coordinate system.
pub fn shapefile_features(file: &SourceFile) -> Result<(Vec<Value>, Crs), IngestError> {
    let bad = |m: String| format_error(file, format!("zipped Shapefile: {m}"));
    let mut zip =
        zip::ZipArchive::new(Cursor::new(&file.bytes[..])).map_err(|e| bad(e.to_string()))?;
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    let shps: Vec<&String> = names
        .iter()
        .filter(|n| n.to_ascii_lowercase().ends_with(".shp"))
        .collect();
    let shp = match &shps[..] {
        [one] => one.to_string(),
        [] => return Err(bad("no .shp file in the zip".into())),
        _ => {
            return Err(bad(format!(
                "several .shp files ({}): zip one layer's files",
                shps.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    };
    let stem = &shp[..shp.len() - 4];
    let mut member = |ext: &str| -> Result<Option<Vec<u8>>, String> {
        let Some(name) = names.iter().find(|n| {
            n.len() == stem.len() + 4
                && n.starts_with(stem)
                && n[stem.len()..].eq_ignore_ascii_case(ext)
        }) else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        zip.by_name(name)
            .and_then(|mut f| f.read_to_end(&mut bytes).map_err(Into::into))
            .map_err(|e| format!("{name}: {e}"))?;
        Ok(Some(bytes))
    };
    let shp_bytes = member(".shp").map_err(bad)?.expect("listed above");
    let dbf = member(".dbf").map_err(bad)?.ok_or_else(|| {
        bad(format!(
            "{stem}.dbf is missing: a Shapefile's attributes (the ward codes) are in it"
        ))
    })?;
    let crs = match member(".prj").map_err(bad)? {
        Some(prj) => prj_crs(&String::from_utf8_lossy(&prj)).map_err(bad)?,
        None => Crs::Wgs84,
    };
    let shapes =
        shapefile::ShapeReader::new(Cursor::new(shp_bytes)).map_err(|e| bad(e.to_string()))?;
    let records =
        shapefile::dbase::Reader::new(Cursor::new(dbf)).map_err(|e| bad(e.to_string()))?;
    let mut reader = shapefile::Reader::new(shapes, records);
    let mut features = Vec::new();
    for item in reader.iter_shapes_and_records() {
        let (shape, record) = item.map_err(|e| bad(e.to_string()))?;
        let properties: Map<String, Value> = record
            .into_iter()
            .map(|(k, v)| (k, dbase_value(v)))
            .collect();
        features.push(json!({ "type": "Feature", "properties": properties, "geometry": shape_geometry(shape) }));
    }
    if features.is_empty() {
        return Err(bad(format!("{shp} has no shapes")));
    }
    Ok((features, crs))
}

/// The coordinate system an ESRI `.prj` names.
fn prj_crs(wkt: &str) -> Result<Crs, String> {
    let w = wkt.to_ascii_uppercase();
    if w.contains("BRITISH_NATIONAL_GRID") || w.contains("OSGB") || w.contains("27700") {
        Ok(Crs::BritishNationalGrid)
    } else if !w.contains("PROJCS")
        && (w.contains("WGS_1984") || w.contains("WGS 84") || w.contains("ETRS"))
    {
        Ok(Crs::Wgs84)
    } else {
        Err(format!(
            "the .prj names neither British National Grid nor WGS84 ({}): re-export in one of them",
            wkt.chars().take(80).collect::<String>()
        ))
    }
}

fn dbase_value(v: shapefile::dbase::FieldValue) -> Value {
    use shapefile::dbase::FieldValue as F;
    match v {
        F::Character(Some(s)) | F::Memo(s) => json!(s.trim_end()),
        F::Numeric(Some(x)) => json!(x),
        F::Float(Some(x)) => json!(x),
        F::Integer(n) => json!(n),
        F::Double(x) => json!(x),
        F::Logical(Some(b)) => json!(b),
        F::Date(Some(d)) => json!(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())),
        _ => Value::Null,
    }
}

/// A polygon shape as a GeoJSON MultiPolygon: each outer ring with the
/// holes that follow it. Other shapes become `null` (rejected later as
/// "not a polygon", with the feature's line).
fn shape_geometry(shape: shapefile::Shape) -> Value {
    let rings = match shape {
        shapefile::Shape::Polygon(p) => p.into_inner(),
        _ => return Value::Null,
    };
    let mut polygons: Vec<Vec<Vec<[f64; 2]>>> = Vec::new();
    for ring in rings {
        let outer = matches!(ring, shapefile::PolygonRing::Outer(_));
        let points: Vec<[f64; 2]> = ring.into_inner().iter().map(|p| [p.x, p.y]).collect();
        match polygons.last_mut() {
            Some(polygon) if !outer => polygon.push(points),
            _ => polygons.push(vec![points]),
        }
    }
    json!({ "type": "MultiPolygon", "coordinates": polygons })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_boundaries, source_from_bytes, BoundaryOptions};

    /// A GeoPackage geometry: the `GP` header (little-endian, no envelope)
    /// and a WKB polygon.
    fn gpkg_polygon(srs: i32, ring: &[(f64, f64)]) -> Vec<u8> {
        let mut b = vec![b'G', b'P', 0, 1];
        b.extend(srs.to_le_bytes());
        b.push(1);
        b.extend(3u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend((ring.len() as u32).to_le_bytes());
        for (x, y) in ring {
            b.extend(x.to_le_bytes());
            b.extend(y.to_le_bytes());
        }
        b
    }

    /// A GeoPackage of two wards in `srs`, the second with a broken geometry.
    fn geopackage(srs: i32) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wards.gpkg");
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch(&format!(
            "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
               geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
             INSERT INTO gpkg_geometry_columns VALUES ('wards', 'geom', 'MULTIPOLYGON', {srs}, 0, 0);
             CREATE TABLE wards (fid INTEGER PRIMARY KEY, geom BLOB, WD22CD TEXT, WD22NM TEXT, persons INTEGER);"
        ))
        .unwrap();
        let square = [
            (475000.0, 260000.0),
            (476000.0, 260000.0),
            (476000.0, 261000.0),
            (475000.0, 260000.0),
        ];
        db.execute(
            "INSERT INTO wards (geom, WD22CD, WD22NM, persons) VALUES (?1, 'E05013246', 'Castle', 9100)",
            [gpkg_polygon(srs, &square)],
        )
        .unwrap();
        db.execute(
            "INSERT INTO wards (geom, WD22CD, WD22NM, persons) VALUES (?1, 'E05013247', 'Abington', 8000)",
            [b"GPnot a geometry".to_vec()],
        )
        .unwrap();
        drop(db);
        std::fs::read(&path).unwrap()
    }

    #[test]
    fn a_geopackage_in_british_national_grid_is_read_under_the_geojson_rules() {
        let file = source_from_bytes("wards.gpkg", geopackage(27700)).unwrap();
        let p = parse_boundaries(&file, &BoundaryOptions::default()).unwrap();
        assert_eq!(p.areas.len(), 1);
        let castle = &p.areas[0];
        assert_eq!(
            (
                castle.code.as_str(),
                castle.name.as_str(),
                castle.population
            ),
            ("E05013246", "Castle", Some(9100.0))
        );
        // Stored as WGS84, where the BNG square is.
        let first = castle.geometry.0[0].exterior().0[0];
        let (lon, lat) = hotspot_core::bng_to_wgs84(475000.0, 260000.0).unwrap();
        assert!((first.x - lon).abs() < 1e-9 && (first.y - lat).abs() < 1e-9);
        // The broken geometry is quarantined with its row and field, not dropped.
        assert_eq!(p.rejected.len(), 1);
        assert_eq!(
            (p.rejected[0].line, p.rejected[0].field.as_deref()),
            (2, Some("geometry"))
        );
        assert!(p.rejected[0].raw.contains("E05013247"));
    }

    #[test]
    fn a_geopackage_in_another_projection_is_refused_by_name() {
        let file = source_from_bytes("wards.gpkg", geopackage(3857)).unwrap();
        let e = parse_boundaries(&file, &BoundaryOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("wards.gpkg") && e.contains("EPSG:3857"), "{e}");
    }

    #[test]
    fn a_prj_names_the_coordinate_system() {
        let bng = r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936"]]]"#;
        assert_eq!(prj_crs(bng).unwrap(), Crs::BritishNationalGrid);
        assert_eq!(
            prj_crs(r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]"#).unwrap(),
            Crs::Wgs84
        );
        let mercator = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984"]]"#;
        assert!(prj_crs(mercator).unwrap_err().contains("neither"));
    }

    #[test]
    fn a_zip_without_a_shapefile_says_so() {
        let mut bytes = Vec::new();
        let mut zip = zip::ZipWriter::new(Cursor::new(&mut bytes));
        zip.start_file("readme.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, b"hello").unwrap();
        zip.finish().unwrap();
        let file = source_from_bytes("wards.zip", bytes).unwrap();
        let e = parse_boundaries(&file, &BoundaryOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("wards.zip") && e.contains("no .shp"), "{e}");
    }
}
