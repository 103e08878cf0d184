//! The briefing as an OGC GeoPackage 1.3 (an SQLite file QGIS and ArcGIS
//! open directly).
//!
//! * Required tables `gpkg_spatial_ref_sys` (with EPSG:27700 and 4326 and
//!   the two undefined systems), `gpkg_contents`, `gpkg_geometry_columns`;
//!   `application_id` 'GPKG' and `user_version` 10300.
//! * Features in British National Grid (srs_id 27700): `wards` (the ward,
//!   `role` = `ward`, and those around it, `role` = `neighbour`),
//!   `hotspots`, `interventions`, and `incidents` (points; only in
//!   briefings that carry them).
//! * Attribute tables: `group_counts`, `monthly_trend`, and `attribution`
//!   (the attribution, licence, marking and notes, one line per row).
//!
//! Geometry blobs are the GeoPackage binary header (`GP`, version 0, flags
//! = little-endian with an xy envelope, srs_id, envelope) followed by ISO
//! WKB. SQLite writes to a temporary file, read back whole.

use geo::BoundingRect;
use geo_types::{MultiPolygon, Polygon};
use hotspot_core::disclosure;
use hotspot_engine::WardBriefing;
use rusqlite::{params, Connection};

use crate::BriefingError;

pub const BNG: i32 = 27700;

const BNG_WKT: &str = r#"PROJCS["OSGB36 / British National Grid",GEOGCS["OSGB36",DATUM["Ordnance_Survey_of_Great_Britain_1936",SPHEROID["Airy 1830",6377563.396,299.3249646,AUTHORITY["EPSG","7001"]],TOWGS84[446.448,-125.157,542.06,0.15,0.247,0.842,-20.489],AUTHORITY["EPSG","6277"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4277"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",49],PARAMETER["central_meridian",-2],PARAMETER["scale_factor",0.9996012717],PARAMETER["false_easting",400000],PARAMETER["false_northing",-100000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","27700"]]"#;
const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

/// The tables every GeoPackage has.
const CORE_SCHEMA: &str = r#"
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE attribution (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL
);
"#;

/// The briefing's own tables.
const SCHEMA: &str = r#"
CREATE TABLE wards (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom MULTIPOLYGON,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL
);
CREATE TABLE hotspots (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom POLYGON,
  rank INTEGER NOT NULL,
  incidents INTEGER NOT NULL,
  area_km2 REAL NOT NULL,
  main_types TEXT,
  location TEXT
);
CREATE TABLE interventions (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom MULTIPOLYGON,
  intervention_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  targets TEXT
);
CREATE TABLE group_counts (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  ward_code TEXT NOT NULL,
  crime_group TEXT NOT NULL,
  group_name TEXT NOT NULL,
  count INTEGER,
  rate_per_1000 REAL,
  comparison_count INTEGER,
  change INTEGER,
  change_pct REAL,
  p_value REAL,
  change_significant INTEGER,
  rank INTEGER NOT NULL,
  rank_by_rate INTEGER,
  wards INTEGER NOT NULL,
  suppressed INTEGER NOT NULL,
  comparison_suppressed INTEGER NOT NULL
);
CREATE TABLE monthly_trend (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  ward_code TEXT NOT NULL,
  month TEXT NOT NULL,
  count INTEGER,
  in_period INTEGER NOT NULL,
  suppressed INTEGER NOT NULL
);
"#;

fn envelope_of(mp: &MultiPolygon<f64>) -> Option<[f64; 4]> {
    mp.bounding_rect()
        .map(|r| [r.min().x, r.max().x, r.min().y, r.max().y])
}

fn wkb_ring(out: &mut Vec<u8>, ring: &geo_types::LineString<f64>) {
    out.extend_from_slice(&(ring.0.len() as u32).to_le_bytes());
    for c in &ring.0 {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    }
}

fn wkb_polygon(out: &mut Vec<u8>, p: &Polygon<f64>) {
    out.push(1);
    out.extend_from_slice(&3u32.to_le_bytes());
    out.extend_from_slice(&(1 + p.interiors().len() as u32).to_le_bytes());
    wkb_ring(out, p.exterior());
    for r in p.interiors() {
        wkb_ring(out, r);
    }
}

/// A geometry to store.
pub enum Geometry<'a> {
    Point(f64, f64),
    Polygon(&'a Polygon<f64>),
    MultiPolygon(&'a MultiPolygon<f64>),
}

/// A GeoPackage geometry blob: the `GP` header with an xy envelope
/// (little-endian) and ISO WKB.
///
/// ```
/// use hotspot_briefing::{geometry_blob, gpkg::Geometry};
/// let blob = geometry_blob(&Geometry::Point(450_000.0, 260_000.0), 27700);
/// assert_eq!(&blob[..4], b"GP\x00\x03");
/// assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 27700);
/// ```
pub fn geometry_blob(g: &Geometry, srs_id: i32) -> Vec<u8> {
    let (envelope, wkb) = match g {
        Geometry::Point(x, y) => {
            let mut w = vec![1];
            w.extend_from_slice(&1u32.to_le_bytes());
            w.extend_from_slice(&x.to_le_bytes());
            w.extend_from_slice(&y.to_le_bytes());
            ([*x, *x, *y, *y], w)
        }
        Geometry::Polygon(p) => {
            let mut w = Vec::new();
            wkb_polygon(&mut w, p);
            let e = envelope_of(&MultiPolygon(vec![(*p).clone()])).unwrap_or([0.0; 4]);
            (e, w)
        }
        Geometry::MultiPolygon(mp) => {
            let mut w = vec![1];
            w.extend_from_slice(&6u32.to_le_bytes());
            w.extend_from_slice(&(mp.0.len() as u32).to_le_bytes());
            for p in &mp.0 {
                wkb_polygon(&mut w, p);
            }
            (envelope_of(mp).unwrap_or([0.0; 4]), w)
        }
    };
    let mut out = Vec::with_capacity(8 + 32 + wkb.len());
    out.extend_from_slice(b"GP");
    out.push(0); // version 1 (0 in the header)
    out.push(0b0000_0011); // envelope [minx, maxx, miny, maxy]; little-endian
    out.extend_from_slice(&srs_id.to_le_bytes());
    for v in envelope {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&wkb);
    out
}

pub fn to_geopackage(b: &WardBriefing) -> Result<Vec<u8>, BriefingError> {
    geopackage(|tx| write(tx, b))
}

/// A new GeoPackage: the required tables, the `attribution` table and the
/// spatial reference systems, then what `fill` writes, in one transaction;
/// the file's bytes. SQLite writes to a temporary file, read back whole.
pub(crate) fn geopackage(
    fill: impl FnOnce(&rusqlite::Transaction) -> Result<(), BriefingError>,
) -> Result<Vec<u8>, BriefingError> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("out.gpkg");
    {
        let mut conn = Connection::open(&path)?;
        conn.pragma_update(None, "application_id", 0x4750_4B47)?;
        conn.pragma_update(None, "user_version", 10300)?;
        let tx = conn.transaction()?;
        tx.execute_batch(CORE_SCHEMA)?;
        write_spatial_ref_sys(&tx)?;
        fill(&tx)?;
        tx.commit()?;
    }
    Ok(std::fs::read(&path)?)
}

/// Fills the briefing's GeoPackage one table at a time (each a helper
/// below), in the order the `gpkg_contents` rows have always had.
fn write(tx: &rusqlite::Transaction, b: &WardBriefing) -> Result<(), BriefingError> {
    tx.execute_batch(SCHEMA)?;
    let w = TableWriter::new(tx, b);
    write_wards(&w)?;
    write_hotspots(&w)?;
    write_interventions(&w)?;
    write_incidents(&w)?;
    write_group_counts(&w)?;
    write_monthly_trend(&w)?;
    write_attribution(&w)?;
    Ok(())
}

/// The four `gpkg_spatial_ref_sys` rows the specification requires or the
/// layers use: the two undefined systems, WGS 84 and British National Grid.
pub(crate) fn write_spatial_ref_sys(tx: &rusqlite::Transaction) -> Result<(), BriefingError> {
    let srs = "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    tx.execute(
        srs,
        params![
            "Undefined cartesian SRS",
            -1,
            "NONE",
            -1,
            "undefined",
            "undefined cartesian coordinate reference system"
        ],
    )?;
    tx.execute(
        srs,
        params![
            "Undefined geographic SRS",
            0,
            "NONE",
            0,
            "undefined",
            "undefined geographic coordinate reference system"
        ],
    )?;
    tx.execute(
        srs,
        params![
            "WGS 84 geodetic",
            4326,
            "EPSG",
            4326,
            WGS84_WKT,
            "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
        ],
    )?;
    tx.execute(
        srs,
        params![
            "OSGB36 / British National Grid",
            BNG,
            "EPSG",
            27700,
            BNG_WKT,
            "British National Grid, metres"
        ],
    )?;
    Ok(())
}

/// The transaction and briefing every table helper needs, with the licence
/// line each `gpkg_contents` description carries (built once).
struct TableWriter<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    b: &'a WardBriefing,
    licence: String,
}

impl<'a> TableWriter<'a> {
    fn new(tx: &'a rusqlite::Transaction<'a>, b: &'a WardBriefing) -> Self {
        let licence = format!(
            "{} Licence: {} {}",
            b.attribution.join(". "),
            disclosure::OGL_LICENCE,
            disclosure::OGL_LICENCE_URL
        );
        TableWriter { tx, b, licence }
    }

    /// Registers `table` in `gpkg_contents` (features get the BNG srs_id and
    /// their extent; attribute tables neither), so GIS tools list it.
    fn contents(
        &self,
        table: &str,
        kind: &str,
        what: &str,
        extent: Option<[f64; 4]>,
    ) -> rusqlite::Result<usize> {
        let [x0, x1, y0, y1] = extent.map_or([None; 4], |e| e.map(Some));
        self.tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                table,
                kind,
                format!("{} {} {}", self.b.code, self.b.name, table),
                format!("{what} — {}", self.licence),
                x0,
                y0,
                x1,
                y1,
                (kind == "features").then_some(BNG)
            ],
        )
    }

    /// Declares the `geom` column of a feature table and its geometry type.
    fn geometry_column(&self, table: &str, kind: &str) -> rusqlite::Result<usize> {
        self.tx.execute(
            "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?1, 'geom', ?2, ?3, 0, 0)",
            params![table, kind, BNG],
        )
    }
}

/// The `wards` layer: the ward itself, then its neighbours, over the map frame.
fn write_wards(w: &TableWriter) -> Result<(), BriefingError> {
    let b = w.b;
    let frame = b.map.frame;
    let frame_env = Some([frame[0], frame[2], frame[1], frame[3]]);
    w.contents(
        "wards",
        "features",
        &format!("Ward {} and the wards around it", b.name),
        frame_env,
    )?;
    w.geometry_column("wards", "MULTIPOLYGON")?;
    let mut ins =
        w.tx.prepare("INSERT INTO wards (geom, code, name, role) VALUES (?1, ?2, ?3, ?4)")?;
    ins.execute(params![
        geometry_blob(&Geometry::MultiPolygon(&b.map.ward), BNG),
        b.code,
        b.name,
        "ward"
    ])?;
    for n in &b.map.neighbours {
        ins.execute(params![
            geometry_blob(&Geometry::MultiPolygon(&n.polygon_bng), BNG),
            n.code,
            n.name,
            "neighbour"
        ])?;
    }
    Ok(())
}

/// The `hotspots` layer, one polygon per hotspot with its main crime types.
fn write_hotspots(w: &TableWriter) -> Result<(), BriefingError> {
    let b = w.b;
    let hot_env = envelope_of(&MultiPolygon(
        b.hotspots.iter().map(|h| h.polygon_bng.clone()).collect(),
    ));
    w.contents(
        "hotspots",
        "features",
        "Hotspot areas (top 5% kernel density) in and around the ward",
        hot_env,
    )?;
    w.geometry_column("hotspots", "POLYGON")?;
    let mut ins = w.tx.prepare("INSERT INTO hotspots (geom, rank, incidents, area_km2, main_types, location) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    for h in &b.hotspots {
        let types = h
            .top_types
            .iter()
            .map(|(t, n)| format!("{t} ({n})"))
            .collect::<Vec<_>>()
            .join("; ");
        ins.execute(params![
            geometry_blob(&Geometry::Polygon(&h.polygon_bng), BNG),
            h.rank as i64,
            h.incidents as i64,
            h.area_km2,
            types,
            h.location
        ])?;
    }
    Ok(())
}

/// The `interventions` layer: each intervention's area with its status and dates.
fn write_interventions(w: &TableWriter) -> Result<(), BriefingError> {
    let b = w.b;
    let int_env = envelope_of(&MultiPolygon(
        b.interventions
            .iter()
            .flat_map(|i| i.area_bng.0.clone())
            .collect(),
    ));
    w.contents(
        "interventions",
        "features",
        "Ongoing, planned and recent interventions overlapping the ward",
        int_env,
    )?;
    w.geometry_column("interventions", "MULTIPOLYGON")?;
    let mut ins = w.tx.prepare("INSERT INTO interventions (geom, intervention_id, status, name, kind, start_date, end_date, targets) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
    for i in &b.interventions {
        ins.execute(params![
            geometry_blob(&Geometry::MultiPolygon(&i.area_bng), BNG),
            i.id,
            i.status.label(),
            i.name,
            i.kind,
            i.start.to_string(),
            i.end.map(|e| e.to_string()),
            i.targets
        ])?;
    }
    Ok(())
}

/// The `incidents` point layer; created only when the briefing carries
/// points (unsuppressed briefings), so public files have no such table.
fn write_incidents(w: &TableWriter) -> Result<(), BriefingError> {
    let b = w.b;
    if b.map.points.is_empty() {
        return Ok(());
    }
    w.tx.execute_batch(
        "CREATE TABLE incidents (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT);",
    )?;
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &[x, y] in &b.map.points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    w.contents(
        "incidents",
        "features",
        "Selected incidents in the ward in the period (not for publication)",
        Some([x0, x1, y0, y1]),
    )?;
    w.geometry_column("incidents", "POINT")?;
    let mut ins = w.tx.prepare("INSERT INTO incidents (geom) VALUES (?1)")?;
    for &[x, y] in &b.map.points {
        ins.execute(params![geometry_blob(&Geometry::Point(x, y), BNG)])?;
    }
    Ok(())
}

/// The `group_counts` attribute table, one row per crime group.
fn write_group_counts(w: &TableWriter) -> Result<(), BriefingError> {
    let b = w.b;
    w.contents(
        "group_counts",
        "attributes",
        "Counts, rates, change and rank by crime group",
        None,
    )?;
    let mut ins = w.tx.prepare("INSERT INTO group_counts (ward_code, crime_group, group_name, count, rate_per_1000, comparison_count, change, change_pct, p_value, change_significant, rank, rank_by_rate, wards, suppressed, comparison_suppressed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)")?;
    for r in &b.rows {
        ins.execute(params![
            b.code,
            r.id,
            r.name,
            r.count.map(|v| v as i64),
            r.rate_per_1000,
            r.comparison_count.map(|v| v as i64),
            r.change,
            r.change_pct,
            r.p_value,
            r.change_significant,
            r.rank as i64,
            r.rank_by_rate.map(|v| v as i64),
            b.wards as i64,
            r.suppressed,
            r.comparison_suppressed
        ])?;
    }
    Ok(())
}

/// The `monthly_trend` attribute table, one row per month.
fn write_monthly_trend(w: &TableWriter) -> Result<(), BriefingError> {
    let b = w.b;
    w.contents(
        "monthly_trend",
        "attributes",
        "Incidents per month (no row count = no data, or withheld when suppressed)",
        None,
    )?;
    let mut ins = w.tx.prepare("INSERT INTO monthly_trend (ward_code, month, count, in_period, suppressed) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for t in &b.trend {
        ins.execute(params![
            b.code,
            t.month.to_string(),
            t.count.map(|v| v as i64),
            t.in_period,
            t.suppressed
        ])?;
    }
    Ok(())
}

/// The `attribution` table: attribution lines, licence, marking, what the
/// briefing covers, then the notes, so the terms travel with the data.
fn write_attribution(w: &TableWriter) -> Result<(), BriefingError> {
    let b = w.b;
    w.contents(
        "attribution",
        "attributes",
        "Attribution, licence and notes: keep with the data",
        None,
    )?;
    let mut ins =
        w.tx.prepare("INSERT INTO attribution (kind, text) VALUES (?1, ?2)")?;
    for a in &b.attribution {
        ins.execute(params!["attribution", a])?;
    }
    ins.execute(params![
        "licence",
        format!(
            "{} {}",
            disclosure::OGL_LICENCE,
            disclosure::OGL_LICENCE_URL
        )
    ])?;
    ins.execute(params![
        "marking",
        disclosure::marking(b.public, b.suppress_below)
    ])?;
    ins.execute(params![
        "briefing",
        format!(
            "Ward {} ({}), period {}, prepared {}",
            b.name, b.code, b.period, b.as_of
        )
    ])?;
    for n in &b.notes {
        ins.execute(params!["note", n])?;
    }
    Ok(())
}
