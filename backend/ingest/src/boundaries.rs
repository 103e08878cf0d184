//! Area boundaries from a GeoJSON FeatureCollection (RFC 7946, lon/lat, or
//! British National Grid with the legacy `crs` member), a GeoPackage or a
//! zipped Shapefile (read into GeoJSON features by
//! [`crate::boundary_formats`], then under the same rules).
//!
//! # Rules
//!
//! * The document must be JSON (UTF-8) with `"type": "FeatureCollection"`
//!   and a `features` array; otherwise an [`IngestError::GeoJson`].
//! * **Code property** (names compared case-insensitively):
//!   [`BoundaryOptions::code_field`], else the first candidate, in order of
//!   preference, whose values are all distinct (else the first candidate):
//!   `WDnnCD` (ONS wards, e.g. `WD22CD`), `LSOAnnCD`, `MSOAnnCD`, then the
//!   common names in [`CODE_KEYS`] (`ward_code`, `lsoa_code`, `area_code`,
//!   `code`, …), then any other `XXnnCD` key, then any other key ending in
//!   `code` or `_cd`. So `LAD22CD`, shared by many wards, is never chosen
//!   when a ward code exists. No candidate → an error that names the
//!   `--code-field` option and the `code_field=` HTTP parameter.
//! * **Name property**: `name_field`, else the code key's partner (`WD22CD`
//!   → `WD22NM`, `ward_code` → `ward_name`, `WardCode` → `WardName`), else
//!   the first of [`NAME_KEYS`] present; a blank or missing name falls back
//!   to the code.
//! * **Population property** (optional): `population_field`, else
//!   `population`, `persons`, `persons_all` or `persons_areal` (any case).
//!   Missing or null → no population; present but not a non-negative number
//!   → feature rejected.
//! * **Geometry**: `Polygon` or `MultiPolygon` only. Rejected (field
//!   `geometry`, line = feature index + 1, raw = the feature's JSON) when
//!   missing/null, another type, empty, a position that is not 2–3 finite
//!   numbers, a ring with fewer than 4 positions, an **unclosed ring** (not
//!   repaired: a silently closed ring may be a truncated file), or
//!   coordinates outside ±180/±90, which usually means British National Grid
//!   metres were exported instead of lon/lat (the reason says so). Winding is
//!   kept as given (RFC 7946 asks readers not to reject on winding).
//! * **Codes** must be non-blank and unique: a later duplicate is rejected
//!   (field = the code property).
//! * If every feature is rejected, the import fails
//!   ([`IngestError::AllRejected`]) rather than replacing areas with nothing.
//! * **Version**: [`ParsedAreas::version`] hashes the file's bytes with the
//!   code, name and population properties used, so importing the same file
//!   with another `--name-field` replaces the layer instead of being
//!   "unchanged".

use std::collections::HashMap;

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use hotspot_core::Area;
use serde_json::{Map, Value};

use crate::{IngestError, RejectedRow, SourceFile};

/// Overrides for property auto-detection; `None` means auto-detect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoundaryOptions {
    pub code_field: Option<String>,
    pub name_field: Option<String>,
    pub population_field: Option<String>,
}

/// What a boundary file yielded.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedAreas {
    pub file: String,
    pub content_sha256: String,
    /// What makes this import a new version of the layer: the content hash
    /// combined with the properties read (see [`crate::import_version`]).
    pub version: String,
    pub areas: Vec<Area>,
    pub rejected: Vec<RejectedRow>,
}

const POPULATION_KEYS: [&str; 4] = ["population", "persons", "persons_all", "persons_areal"];

/// Common non-ONS names of an area code property, in order of preference.
pub const CODE_KEYS: [&str; 13] = [
    "ward_code",
    "wardcode",
    "ward_cd",
    "ward_id",
    "lsoa_code",
    "lsoacode",
    "msoa_code",
    "msoacode",
    "area_code",
    "areacode",
    "code",
    "geo_code",
    "geocode",
];

/// Common names of an area name property, tried after the code key's partner.
pub const NAME_KEYS: [&str; 9] = [
    "name",
    "ward_name",
    "wardname",
    "lsoa_name",
    "msoa_name",
    "area_name",
    "areaname",
    "geo_name",
    "label",
];

/// Parses area boundaries from GeoJSON.
///
/// ```
/// use hotspot_ingest::{parse_boundaries, source_from_bytes, BoundaryOptions};
/// let gj = r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"LAD22CD":"E06000061","WD22CD":"E05013213","WD22NM":"Brickhill"},
///    "geometry":{"type":"Polygon","coordinates":[[[-0.70,52.30],[-0.71,52.29],[-0.69,52.29],[-0.70,52.30]]]}},
///   {"type":"Feature","properties":{"LAD22CD":"E06000061","WD22CD":"E05013214","WD22NM":"Burton"},
///    "geometry":{"type":"Polygon","coordinates":[[[485000,262000],[486000,262000],[486000,263000],[485000,262000]]]}}]}"#;
/// let p = parse_boundaries(&source_from_bytes("wards.geojson", gj.into()).unwrap(), &BoundaryOptions::default()).unwrap();
/// assert_eq!(p.areas.len(), 1);
/// assert_eq!((p.areas[0].code.as_str(), p.areas[0].name.as_str()), ("E05013213", "Brickhill"));
/// assert_eq!((p.rejected[0].line, p.rejected[0].field.as_deref()), (2, Some("geometry")));
/// assert!(p.rejected[0].reason.contains("British National Grid"));
/// ```
pub fn parse_boundaries(
    file: &SourceFile,
    opts: &BoundaryOptions,
) -> Result<ParsedAreas, IngestError> {
    let (features, crs) = feature_collection(file)?;
    let empty = Map::new();
    let props: Vec<&Map<String, Value>> = features
        .iter()
        .map(|f| {
            f.get("properties")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
        })
        .collect();
    let keys = choose_keys(file, opts, &props)?;

    let mut areas = Vec::with_capacity(features.len());
    let mut rejected = Vec::new();
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    for (i, feature) in features.iter().enumerate() {
        let line = i as u64 + 1;
        match feature_area(feature, props[i], &keys, &first_seen, crs) {
            Ok(area) => {
                first_seen.insert(area.code.clone(), line);
                areas.push(area);
            }
            Err((field, reason)) => rejected.push(RejectedRow {
                file: file.name.clone(),
                line,
                field: Some(field),
                reason,
                raw: feature.to_string(),
            }),
        }
    }
    if areas.is_empty() {
        let first = &rejected[0];
        return Err(IngestError::AllRejected {
            file: file.name.clone(),
            count: rejected.len(),
            line: first.line,
            reason: first.reason.clone(),
        });
    }
    let content_sha256 = file.sha256_hex();
    let version = crate::import_version(
        &content_sha256,
        &format!(
            "code={}\nname={:?}\npopulation={:?}",
            keys.code, keys.name, keys.population
        ),
    );
    Ok(ParsedAreas {
        file: file.name.clone(),
        content_sha256,
        version,
        areas,
        rejected,
    })
}

/// A whole-file GeoJSON problem (not one feature's), naming the file.
fn geojson_error(file: &SourceFile, message: String) -> IngestError {
    IngestError::GeoJson {
        file: file.name.clone(),
        message,
    }
}

/// The file's features, after the whole-file checks: UTF-8, not blank,
/// JSON, a FeatureCollection with a non-empty `features` array.
fn feature_collection(file: &SourceFile) -> Result<(Vec<Value>, Crs), IngestError> {
    use crate::boundary_formats::{geopackage_features, shapefile_features, BoundaryFormat};
    match BoundaryFormat::of(&file.bytes) {
        BoundaryFormat::GeoPackage => return geopackage_features(file),
        BoundaryFormat::ZippedShapefile => return shapefile_features(file),
        BoundaryFormat::GeoJson => {}
    }
    let text = std::str::from_utf8(&file.bytes).map_err(|e| {
        let line = 1 + file.bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        IngestError::NotUtf8 {
            file: file.name.clone(),
            line,
        }
    })?;
    if text.trim().is_empty() {
        return Err(IngestError::Empty {
            file: file.name.clone(),
        });
    }
    let mut doc: Value = serde_json::from_str(text)
        .map_err(|e| geojson_error(file, format!("not valid JSON: {e}")))?;
    let kind = doc.get("type").and_then(Value::as_str).unwrap_or("");
    if kind != "FeatureCollection" {
        return Err(geojson_error(
            file,
            format!("expected a GeoJSON FeatureCollection, found type {kind:?}"),
        ));
    }
    let crs = Crs::of(&doc).map_err(|m| geojson_error(file, m))?;
    let features = match doc.get_mut("features").map(Value::take) {
        Some(Value::Array(features)) => features,
        _ => {
            return Err(geojson_error(
                file,
                "FeatureCollection has no \"features\" array".into(),
            ))
        }
    };
    if features.is_empty() {
        return Err(geojson_error(
            file,
            "FeatureCollection has no features".into(),
        ));
    }
    Ok((features, crs))
}

/// The coordinate system of a GeoJSON file. RFC 7946 says WGS84, but the
/// ONS Open Geography Portal and council GIS exports often give British
/// National Grid with the legacy (2008 GeoJSON) `crs` member, e.g.
/// `{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Crs {
    Wgs84,
    BritishNationalGrid,
}

impl Crs {
    /// The file's `crs` member, if any; an unknown one is refused rather
    /// than read as degrees.
    fn of(doc: &Value) -> Result<Crs, String> {
        let Some(crs) = doc.get("crs").filter(|c| !c.is_null()) else {
            return Ok(Crs::Wgs84);
        };
        let name = crs
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let code = name
            .rsplit([':', '/'])
            .find(|part| !part.is_empty())
            .unwrap_or_default()
            .to_ascii_uppercase();
        match code.as_str() {
            "27700" => Ok(Crs::BritishNationalGrid),
            "4326" | "CRS84" | "4258" => Ok(Crs::Wgs84),
            _ => Err(format!(
                "crs {crs} is neither WGS84 (EPSG:4326, CRS84) nor British National Grid (EPSG:27700): re-export in one of them"
            )),
        }
    }

    /// A position as WGS84 lon/lat, or why it cannot be one.
    fn lon_lat(self, x: f64, y: f64) -> Result<(f64, f64), String> {
        match self {
            Crs::Wgs84 if x.abs() > 180.0 || y.abs() > 90.0 => Err(
                if (-10_000.0..=710_000.0).contains(&x) && (-10_000.0..=1_300_000.0).contains(&y) {
                    "coordinates look like British National Grid metres, not lon/lat degrees: re-export as WGS84 (EPSG:4326), or give the file a crs member naming EPSG:27700".into()
                } else {
                    "coordinates are outside lon ±180 / lat ±90".into()
                },
            ),
            Crs::Wgs84 => Ok((x, y)),
            Crs::BritishNationalGrid
                if !((-10_000.0..=710_000.0).contains(&x)
                    && (-10_000.0..=1_300_000.0).contains(&y)) =>
            {
                Err(
                    "coordinates are outside British National Grid (the file's crs is EPSG:27700)"
                        .into(),
                )
            }
            Crs::BritishNationalGrid => {
                hotspot_core::bng_to_wgs84(x, y).map_err(|e| format!("British National Grid: {e}"))
            }
        }
    }
}

/// The properties read from every feature (their keys as spelt in the file).
struct PropertyKeys {
    code: String,
    name: Option<String>,
    population: Option<String>,
}

/// Picks the code, name and population properties: the options' names
/// (an error if absent from the file) or auto-detection.
fn choose_keys(
    file: &SourceFile,
    opts: &BoundaryOptions,
    props: &[&Map<String, Value>],
) -> Result<PropertyKeys, IngestError> {
    let keys = property_keys(props);
    let missing = |what: &str, k: &str| {
        geojson_error(
            file,
            format!(
                "{what} property {k:?} not found (properties: {})",
                keys.join(", ")
            ),
        )
    };
    let code = match &opts.code_field {
        Some(k) => find_key(&keys, k).ok_or_else(|| missing("code", k))?,
        None => detect_code_key(&keys, props).ok_or_else(|| {
            geojson_error(
                file,
                format!(
                    "no area code property found (looked for WDnnCD, LSOAnnCD, MSOAnnCD, {}, \
                     other ...nnCD, ...code or ..._cd keys; properties: {}); name it with \
                     --code-field PROPERTY (hotspot import boundaries) or code_field=PROPERTY \
                     (POST /api/imports?kind=boundaries)",
                    CODE_KEYS.join(", "),
                    keys.join(", ")
                ),
            )
        })?,
    };
    let name = match &opts.name_field {
        Some(k) => Some(find_key(&keys, k).ok_or_else(|| missing("name", k))?),
        None => detect_name_key(&keys, &code),
    };
    let population = match &opts.population_field {
        Some(k) => Some(find_key(&keys, k).ok_or_else(|| missing("population", k))?),
        None => POPULATION_KEYS.iter().find_map(|k| find_key(&keys, k)),
    };
    Ok(PropertyKeys {
        code,
        name,
        population,
    })
}

/// One feature as an area, or why it is rejected as (field, reason):
/// code, duplicate, population and geometry checks, in that order.
fn feature_area(
    feature: &Value,
    p: &Map<String, Value>,
    keys: &PropertyKeys,
    first_seen: &HashMap<String, u64>,
    crs: Crs,
) -> Result<Area, (String, String)> {
    let code_key = &keys.code;
    let code = match p.get(code_key).map(scalar_text) {
        Some(Some(c)) if !c.is_empty() => c,
        _ => return Err((code_key.clone(), format!("blank or missing {code_key}"))),
    };
    if let Some(first) = first_seen.get(&code) {
        return Err((
            code_key.clone(),
            format!("duplicate code {code}, first at feature {first}"),
        ));
    }
    let name = keys
        .name
        .as_ref()
        .and_then(|k| p.get(k))
        .and_then(scalar_text)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| code.clone());
    let population = match keys.population.as_ref().map(|k| (k, p.get(k))) {
        None | Some((_, None | Some(Value::Null))) => None,
        Some((k, Some(v))) => Some(population_value(v).map_err(|reason| (k.clone(), reason))?),
    };
    let geometry = match feature.get("geometry").map(|g| geometry(g, crs)) {
        Some(Ok(g)) => g,
        Some(Err(reason)) => return Err(("geometry".into(), reason)),
        None => return Err(("geometry".into(), "feature has no geometry".into())),
    };
    Ok(Area {
        code,
        name,
        population,
        geometry,
    })
}

/// Property keys in first-seen order.
fn property_keys(props: &[&Map<String, Value>]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for p in props {
        for k in p.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

fn find_key(keys: &[String], want: &str) -> Option<String> {
    let want = want.trim();
    keys.iter().find(|k| k.eq_ignore_ascii_case(want)).cloned()
}

/// `PREFIXnnCD` with the prefix given (or any letters when `None`).
fn is_ons_code_key(key: &str, prefix: Option<&str>) -> bool {
    let k = key.to_ascii_uppercase();
    let Some(stem) = k.strip_suffix("CD") else {
        return false;
    };
    if stem.len() < 3 {
        return false;
    }
    let (letters, yy) = stem.split_at(stem.len() - 2);
    yy.bytes().all(|b| b.is_ascii_digit())
        && !letters.is_empty()
        && letters.bytes().all(|b| b.is_ascii_alphabetic())
        && prefix.is_none_or(|p| letters == p)
}

fn detect_code_key(keys: &[String], props: &[&Map<String, Value>]) -> Option<String> {
    let ons =
        |prefix: Option<&'static str>| keys.iter().filter(move |k| is_ons_code_key(k, prefix));
    let common = CODE_KEYS
        .iter()
        .flat_map(|want| keys.iter().filter(move |k| k.eq_ignore_ascii_case(want)));
    let suffixed = keys.iter().filter(|k| {
        let l = k.to_ascii_lowercase();
        l.ends_with("code") || l.ends_with("_cd")
    });
    let mut candidates: Vec<&String> = Vec::new();
    for k in ons(Some("WD"))
        .chain(ons(Some("LSOA")))
        .chain(ons(Some("MSOA")))
        .chain(common)
        .chain(ons(None))
        .chain(suffixed)
    {
        if !candidates.contains(&k) {
            candidates.push(k);
        }
    }
    let distinct = |k: &str| {
        let mut seen = std::collections::HashSet::new();
        props
            .iter()
            .filter_map(|p| p.get(k).and_then(scalar_text))
            .all(|v| seen.insert(v))
    };
    candidates
        .iter()
        .find(|k| distinct(k))
        .or(candidates.first())
        .map(|k| k.to_string())
}

/// The code key's partner (`…CD` → `…NM`, `…code` → `…name`), else the
/// first of [`NAME_KEYS`] present.
fn detect_name_key(keys: &[String], code_key: &str) -> Option<String> {
    let lower = code_key.to_ascii_lowercase();
    let stem_len = |suffix: &str| code_key.len() - suffix.len();
    let partners: Vec<String> = if lower.ends_with("cd") {
        let stem = &code_key[..stem_len("cd")];
        vec![format!("{stem}NM"), format!("{stem}name")]
    } else if lower.ends_with("code") {
        vec![format!("{}name", &code_key[..stem_len("code")])]
    } else {
        Vec::new()
    };
    let found = partners
        .iter()
        .map(String::as_str)
        .chain(NAME_KEYS)
        .find_map(|k| find_key(keys, k));
    found.filter(|k| k != code_key)
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn population_value(v: &Value) -> Result<f64, String> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::population::parse_count(s),
        _ => None,
    };
    match n {
        Some(n) if n.is_finite() && n >= 0.0 => Ok(n),
        _ => Err(format!("population {v} is not a non-negative number")),
    }
}

fn geometry(g: &Value, crs: Crs) -> Result<MultiPolygon<f64>, String> {
    if g.is_null() {
        return Err("feature has no geometry (null)".into());
    }
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("(none)");
    let coords = g.get("coordinates");
    let polys = match (kind, coords) {
        ("Polygon", Some(c)) => vec![polygon(c, None, crs)?],
        ("MultiPolygon", Some(Value::Array(ps))) => ps
            .iter()
            .enumerate()
            .map(|(i, p)| polygon(p, Some(i + 1), crs))
            .collect::<Result<Vec<_>, _>>()?,
        ("Polygon" | "MultiPolygon", _) => return Err(format!("{kind} has no coordinates array")),
        _ => {
            return Err(format!(
                "geometry type {kind} is not polygonal (need Polygon or MultiPolygon)"
            ))
        }
    };
    if polys.is_empty() {
        return Err("empty MultiPolygon".into());
    }
    Ok(MultiPolygon(polys))
}

fn polygon(v: &Value, part: Option<usize>, crs: Crs) -> Result<Polygon<f64>, String> {
    let which = |ring: usize| match part {
        Some(p) => format!("polygon {p} ring {ring}"),
        None => format!("ring {ring}"),
    };
    let rings = v
        .as_array()
        .ok_or_else(|| format!("{} is not an array of rings", which(1)))?;
    if rings.is_empty() {
        return Err(match part {
            Some(p) => format!("polygon {p} is empty"),
            None => "empty Polygon".into(),
        });
    }
    let mut out = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let label = which(r + 1);
        let positions = ring
            .as_array()
            .ok_or_else(|| format!("{label} is not an array of positions"))?;
        let mut pts = Vec::with_capacity(positions.len());
        for pos in positions {
            let nums = pos.as_array().filter(|a| (2..=3).contains(&a.len()));
            let xy = nums.and_then(|a| Some((a[0].as_f64()?, a[1].as_f64()?)));
            let Some((x, y)) = xy.filter(|(x, y)| x.is_finite() && y.is_finite()) else {
                return Err(format!("{label}: position {pos} is not [lon, lat] numbers"));
            };
            let (x, y) = crs
                .lon_lat(x, y)
                .map_err(|hint| format!("{label}: position [{x}, {y}]: {hint}"))?;
            pts.push(Coord { x, y });
        }
        if pts.len() < 4 {
            return Err(format!(
                "{label} has {} positions; a closed ring needs at least 4",
                pts.len()
            ));
        }
        if pts.first() != pts.last() {
            return Err(format!(
                "{label} is not closed (first position {:?} differs from last {:?})",
                (pts[0].x, pts[0].y),
                (pts[pts.len() - 1].x, pts[pts.len() - 1].y)
            ));
        }
        out.push(LineString(pts));
    }
    let exterior = out.remove(0);
    Ok(Polygon::new(exterior, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source_from_bytes;

    const SQ: &str = "[[[-0.9,52.2],[-0.8,52.2],[-0.8,52.3],[-0.9,52.2]]]";

    fn feature(props: &str, geom: &str) -> String {
        format!(r#"{{"type":"Feature","properties":{{{props}}},"geometry":{geom}}}"#)
    }

    fn poly(coords: &str) -> String {
        format!(r#"{{"type":"Polygon","coordinates":{coords}}}"#)
    }

    fn fc(features: &[String]) -> SourceFile {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        source_from_bytes("wards.geojson", text.into_bytes()).unwrap()
    }

    fn parse(features: &[String]) -> ParsedAreas {
        parse_boundaries(&fc(features), &BoundaryOptions::default()).unwrap()
    }

    #[test]
    fn ons_property_detection() {
        for (props, code, name) in [
            (
                r#""LAD22CD":"E06000061","WD22CD":"E05013213","WD22NM":"Brickhill""#,
                "E05013213",
                "Brickhill",
            ),
            (
                r#""WD13CD":"E05005926","WD13CDO":"34UBFA","WD13NM":"Beanfield""#,
                "E05005926",
                "Beanfield",
            ),
            (
                r#""LAD11CD":"E07000150","LSOA11CD":"E01026971","LSOA11NM":"Corby 001A""#,
                "E01026971",
                "Corby 001A",
            ),
            (r#""code":"A1","name":"Alpha""#, "A1", "Alpha"),
            (
                r#""lad_code":"E06000061","ward_code":"E05013213","ward_name":"Brickhill""#,
                "E05013213",
                "Brickhill",
            ),
            (
                r#""WardCode":"W1","WardName":"Brickhill""#,
                "W1",
                "Brickhill",
            ),
            (r#""Ward_CD":"W1","Ward_NM":"Brickhill""#, "W1", "Brickhill"),
            (r#""AREA_CODE":"A1","AREA_NAME":"Alpha""#, "A1", "Alpha"),
            (
                r#""lsoa_code":"E01026971","Name":"Corby 001A""#,
                "E01026971",
                "Corby 001A",
            ),
            (
                r#""wd22cd":"E05013213","wd22nm":"Brickhill""#,
                "E05013213",
                "Brickhill",
            ),
            (r#""CTY21CD":"E10000021""#, "E10000021", "E10000021"),
        ] {
            let p = parse(&[feature(props, &poly(SQ))]);
            assert_eq!(
                (p.areas[0].code.as_str(), p.areas[0].name.as_str()),
                (code, name),
                "{props}"
            );
        }
    }

    #[test]
    fn overrides_and_population() {
        let f = fc(&[
            feature(r#""ref":"X1","label":"One","pop":1200"#, &poly(SQ)),
            feature(r#""ref":"X2","label":"Two","pop":"950""#, &poly(SQ)),
            feature(r#""ref":"X3","label":"Three","pop":null"#, &poly(SQ)),
            feature(r#""ref":"X4","label":"Four","pop":-3"#, &poly(SQ)),
        ]);
        let opts = BoundaryOptions {
            code_field: Some("REF".into()),
            name_field: Some("label".into()),
            population_field: Some("pop".into()),
        };
        let p = parse_boundaries(&f, &opts).unwrap();
        let got: Vec<_> = p
            .areas
            .iter()
            .map(|a| (a.name.as_str(), a.population))
            .collect();
        assert_eq!(
            got,
            [("One", Some(1200.0)), ("Two", Some(950.0)), ("Three", None)]
        );
        assert_eq!(
            (p.rejected[0].line, p.rejected[0].field.as_deref()),
            (4, Some("pop"))
        );
        let auto = parse(&[feature(
            r#""WD22CD":"E1","persons_areal":13126.0"#,
            &poly(SQ),
        )]);
        assert_eq!(auto.areas[0].population, Some(13126.0));
        let e = parse_boundaries(
            &f,
            &BoundaryOptions {
                code_field: Some("nope".into()),
                ..Default::default()
            },
        );
        assert!(e.unwrap_err().to_string().contains("\"nope\" not found"));
    }

    #[test]
    fn a_ward_code_shared_by_features_is_passed_over() {
        // An LSOA table that carries its ward: the ward code repeats, so the
        // LSOA code (all distinct) is the area code.
        let p = parse(&[
            feature(
                r#""WD22CD":"W1","LSOA11CD":"L1","LSOA11NM":"One""#,
                &poly(SQ),
            ),
            feature(
                r#""WD22CD":"W1","LSOA11CD":"L2","LSOA11NM":"Two""#,
                &poly(SQ),
            ),
        ]);
        let codes: Vec<_> = p.areas.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, ["L1", "L2"]);
        assert_eq!(p.areas[1].name, "Two");
    }

    #[test]
    fn version_changes_with_the_properties_read_not_with_restating_them() {
        let f = fc(&[feature(
            r#""LAD22NM":"North Northamptonshire","WD22CD":"E05013213","WD22NM":"Brickhill""#,
            &poly(SQ),
        )]);
        let with = |name: Option<&str>| {
            parse_boundaries(
                &f,
                &BoundaryOptions {
                    name_field: name.map(str::to_string),
                    ..Default::default()
                },
            )
            .unwrap()
        };
        let auto = with(None);
        assert_eq!(with(Some("wd22nm")).version, auto.version);
        let other = with(Some("LAD22NM"));
        assert_ne!(other.version, auto.version);
        assert_eq!(other.content_sha256, auto.content_sha256);
        assert_eq!(other.areas[0].name, "North Northamptonshire");
    }

    #[test]
    fn bad_features_rejected_with_reasons() {
        let p = parse(&[
            feature(r#""WD22CD":"A""#, &poly(SQ)),
            feature(
                r#""WD22CD":"B""#,
                r#"{"type":"Point","coordinates":[-0.9,52.2]}"#,
            ),
            feature(r#""WD22CD":"C""#, "null"),
            feature(r#""WD22CD":"D""#, &poly("[]")),
            feature(
                r#""WD22CD":"E""#,
                &poly("[[[-0.9,52.2],[-0.8,52.2],[-0.8,52.3],[-0.9,52.25]]]"),
            ),
            feature(
                r#""WD22CD":"F""#,
                &poly("[[[485000,262000],[486000,262000],[486000,263000],[485000,262000]]]"),
            ),
            feature(
                r#""WD22CD":"G""#,
                &poly("[[[-0.9,52.2],[-0.8,52.2],[-0.9,52.2]]]"),
            ),
            feature(
                r#""WD22CD":"H""#,
                &poly(r#"[[[-0.9,52.2],["x",52.2],[-0.8,52.3],[-0.9,52.2]]]"#),
            ),
            feature(r#""WD22CD":"A""#, &poly(SQ)),
            feature(r#""WD22NM":"nameless""#, &poly(SQ)),
            feature(
                r#""WD22CD":"M""#,
                &format!(r#"{{"type":"MultiPolygon","coordinates":[{SQ},[]]}}"#),
            ),
            feature(
                r#""WD22CD":"N""#,
                r#"{"type":"MultiPolygon","coordinates":[]}"#,
            ),
        ]);
        assert_eq!(p.areas.len(), 1);
        let why: Vec<_> = p
            .rejected
            .iter()
            .map(|r| (r.line, r.field.clone().unwrap(), r.reason.clone()))
            .collect();
        let expect = [
            (2, "geometry", "not polygonal"),
            (3, "geometry", "no geometry"),
            (4, "geometry", "empty Polygon"),
            (5, "geometry", "not closed"),
            (6, "geometry", "British National Grid"),
            (7, "geometry", "at least 4"),
            (8, "geometry", "not [lon, lat]"),
            (9, "WD22CD", "duplicate code A, first at feature 1"),
            (10, "WD22CD", "blank or missing"),
            (11, "geometry", "polygon 2 is empty"),
            (12, "geometry", "empty MultiPolygon"),
        ];
        assert_eq!(why.len(), expect.len());
        for (got, want) in why.iter().zip(expect) {
            assert_eq!((got.0, got.1.as_str()), (want.0, want.1));
            assert!(
                got.2.contains(want.2),
                "{got:?} should mention {:?}",
                want.2
            );
        }
        assert!(p.rejected[0].raw.contains("\"Point\""));
    }

    #[test]
    fn multipolygon_with_hole_kept_as_given() {
        let outer = "[[-1.0,52.0],[-0.5,52.0],[-0.5,52.5],[-1.0,52.5],[-1.0,52.0]]";
        let hole = "[[-0.8,52.2],[-0.8,52.3],[-0.7,52.3],[-0.8,52.2]]";
        let mp = format!(r#"{{"type":"MultiPolygon","coordinates":[[{outer},{hole}],{SQ}]}}"#);
        let p = parse(&[feature(r#""WD22CD":"A""#, &mp)]);
        let g = &p.areas[0].geometry;
        assert_eq!(g.0.len(), 2);
        assert_eq!(g.0[0].interiors().len(), 1);
        assert_eq!(g.0[0].exterior().0[1], Coord { x: -0.5, y: 52.0 });
    }

    #[test]
    fn file_level_errors() {
        let err = |t: &str| {
            parse_boundaries(
                &source_from_bytes("b.geojson", t.into()).unwrap(),
                &BoundaryOptions::default(),
            )
            .unwrap_err()
            .to_string()
        };
        assert!(err("").contains("empty file"));
        assert!(err("{not json").starts_with("b.geojson: not valid JSON"));
        assert!(err(r#"{"type":"Feature"}"#).contains("FeatureCollection"));
        assert!(err(r#"{"type":"FeatureCollection","features":[]}"#).contains("no features"));
        let all_bad = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            feature(
                r#""WD22CD":"A""#,
                &poly("[[[485000,262000],[486000,262000],[486000,263000],[485000,262000]]]")
            )
        );
        let e = err(&all_bad);
        assert!(
            e.contains("all 1 records were rejected") && e.contains("British National Grid"),
            "{e}"
        );
        let no_code = err(&format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            feature(r#""foo":"A""#, &poly(SQ))
        ));
        assert!(no_code.contains("no area code property"), "{no_code}");
        assert!(
            no_code.contains("--code-field") && no_code.contains("code_field="),
            "{no_code}"
        );
        let bad_utf8 = parse_boundaries(
            &SourceFile {
                name: "b.geojson".into(),
                bytes: b"{\n\"a\":\"\xff\"}".to_vec(),
            },
            &BoundaryOptions::default(),
        );
        assert!(matches!(
            bad_utf8,
            Err(IngestError::NotUtf8 { line: 2, .. })
        ));
    }

    /// ONS and council exports in British National Grid carry the legacy
    /// `crs` member: read as metres and projected, not refused.
    #[test]
    fn british_national_grid_with_a_crs_member_is_projected() {
        let bng_square = poly(
            "[[[485000,262000],[486000,262000],[486000,263000],[485000,263000],[485000,262000]]]",
        );
        let with_crs = |crs: &str| {
            format!(
                r#"{{"type":"FeatureCollection","crs":{crs},"features":[{}]}}"#,
                feature(r#""WD22CD":"E05013214","WD22NM":"Burton""#, &bng_square)
            )
        };
        for name in ["urn:ogc:def:crs:EPSG::27700", "EPSG:27700"] {
            let file = with_crs(&format!(
                r#"{{"type":"name","properties":{{"name":"{name}"}}}}"#
            ));
            let p = parse_boundaries(
                &source_from_bytes("bng.geojson", file.into_bytes()).unwrap(),
                &BoundaryOptions::default(),
            )
            .unwrap();
            assert!(p.rejected.is_empty(), "{name}: {:?}", p.rejected);
            let ring = &p.areas[0].geometry.0[0].exterior().0;
            // 485000 E, 262000 N, east of Northampton: about -0.756, 52.250.
            assert!(
                (ring[0].x + 0.756).abs() < 0.002 && (ring[0].y - 52.250).abs() < 0.002,
                "{ring:?}"
            );
            let back = hotspot_core::wgs84_to_bng(ring[0].x, ring[0].y).unwrap();
            assert!((back.0 - 485000.0).abs() < 0.01 && (back.1 - 262000.0).abs() < 0.01);
        }
        let other =
            with_crs(r#"{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}}"#);
        let e = parse_boundaries(
            &source_from_bytes("web.geojson", other.into_bytes()).unwrap(),
            &BoundaryOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("web.geojson") && e.contains("EPSG:27700"),
            "{e}"
        );
    }
}
