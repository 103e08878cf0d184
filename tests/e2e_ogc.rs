//! OGC API – Features read by GDAL, as QGIS reads it: `ogrinfo` lists the
//! collections the role may read, and `ogr2ogr` copies wards (and, for an
//! analyst, incidents) into a GeoPackage whose figures equal the API's.
//!
//! Needs GDAL's `ogrinfo`/`ogr2ogr` (Debian's gdal-bin; scripts/test
//! installs it): ignored without them, failing under CI.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use support::{hotspot, Server};

fn gdal(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e} (install gdal-bin)"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The collections `ogrinfo` lists, by name.
fn layers(base: &str) -> Vec<String> {
    gdal("ogrinfo", &["-ro", "-q", &format!("OAPIF:{base}/ogc")])
        .lines()
        .filter_map(|l| l.split_once(": ")?.1.split(' ').next().map(str::to_string))
        .collect()
}

/// Copies `layer` into a GeoPackage with ogr2ogr and reads it back as
/// GeoJSON features.
fn copy_to_geopackage(base: &str, layer: &str, dir: &Path) -> Vec<serde_json::Value> {
    let gpkg = dir.join(format!("{layer}.gpkg"));
    let gpkg = gpkg.to_str().unwrap();
    // GDAL asks for 10 features a request unless told; 1000 keeps a county
    // within the service's rate limit (docs/ogc.md says the same for QGIS).
    let source = format!("OAPIF:{base}/ogc");
    gdal(
        "ogr2ogr",
        &["-f", "GPKG", gpkg, &source, layer, "-oo", "PAGE_SIZE=1000"],
    );
    let text = gdal("ogr2ogr", &["-f", "GeoJSON", "/vsistdout/", gpkg, layer]);
    let fc: serde_json::Value = serde_json::from_str(&text).unwrap();
    fc["features"].as_array().unwrap().clone()
}

fn by_code(features: &[serde_json::Value]) -> BTreeMap<String, serde_json::Value> {
    features
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (p["code"].as_str().unwrap().to_string(), p["count"].clone())
        })
        .collect()
}

#[test]
#[cfg_attr(
    not(has_gdal),
    ignore = "needs GDAL's ogrinfo (apt-get install gdal-bin)"
)]
fn gdal_reads_the_collections_each_role_may_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ogc.db");
    hotspot(&db, &["import", "boundaries", "data/wards.geojson"]);
    hotspot(&db, &["import", "population", "data/population.csv"]);
    hotspot(&db, &["import", "police-uk", "data/policeuk"]);

    // The public: wards only, with small counts withheld as in /api/wards.
    let public = Server::start(&db, &[]);
    assert_eq!(layers(&public.base), ["wards"]);
    let copied = copy_to_geopackage(&public.base, "wards", dir.path());
    let (status, api) = public.get_json("/api/wards");
    assert_eq!(status, 200);
    let expected = by_code(api["features"].as_array().unwrap());
    assert_eq!(expected.len(), 16);
    assert_eq!(by_code(&copied), expected);
    // `datetime` selects the period: one month is the API's `period=2025-12`.
    let (_, month) = public.get_json("/ogc/collections/wards/items?datetime=2025-12-15T12:00:00Z");
    let (_, api_month) = public.get_json("/api/wards?period=2025-12");
    assert_eq!(
        by_code(month["features"].as_array().unwrap()),
        by_code(api_month["features"].as_array().unwrap())
    );
    assert_ne!(by_code(month["features"].as_array().unwrap()), expected);

    // The same collection as a file: a GeoPackage GDAL reads, marked public,
    // and a CSV that starts with the attribution.
    let gpkg = download(
        &public.base,
        "/ogc/collections/wards/items?f=gpkg",
        dir.path(),
        "w.gpkg",
    );
    let text = gdal(
        "ogr2ogr",
        &[
            "-f",
            "GeoJSON",
            "/vsistdout/",
            gpkg.to_str().unwrap(),
            "wards",
        ],
    );
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(by_code(file["features"].as_array().unwrap()), expected);
    let terms = gdal(
        "ogrinfo",
        &["-ro", "-q", gpkg.to_str().unwrap(), "attribution"],
    );
    assert!(terms.contains("Open Government Licence v3.0"), "{terms}");
    assert!(
        terms.contains("PUBLIC: counts of 1 to 2 are withheld"),
        "{terms}"
    );
    let csv = download(
        &public.base,
        "/ogc/collections/wards/items?f=csv",
        dir.path(),
        "w.csv",
    );
    let csv = std::fs::read_to_string(csv).unwrap();
    assert!(
        csv.starts_with("# attribution: Contains public sector information"),
        "{csv}"
    );
    drop(public);

    // An analyst: every collection, and every incident across pages.
    let analyst = Server::start(&db, &["--anonymous-role", "analyst"]);
    assert_eq!(
        layers(&analyst.base),
        [
            "wards",
            "hotspots",
            "density",
            "gistar",
            "emerging",
            "interventions",
            "incidents"
        ]
    );
    let incidents = copy_to_geopackage(&analyst.base, "incidents", dir.path());
    let (_, page) = analyst.get_json("/api/incidents?limit=1");
    assert_eq!(
        incidents.len() as u64,
        page["numberMatched"].as_u64().unwrap()
    );
    assert!(
        incidents.len() > 1000,
        "more than one page: {}",
        incidents.len()
    );

    // Grids: the density cells as a GeoPackage, the surface as a GeoTIFF,
    // both carrying the licence.
    let cells = download(
        &analyst.base,
        "/ogc/collections/density/items?f=gpkg",
        dir.path(),
        "d.gpkg",
    );
    let (_, api_cells) = analyst.get_json("/api/density?format=geojson");
    let info = gdal(
        "ogrinfo",
        &["-ro", "-so", cells.to_str().unwrap(), "density"],
    );
    let count = format!(
        "Feature Count: {}",
        api_cells["features"].as_array().unwrap().len()
    );
    assert!(info.contains(&count), "{info}");
    let tiff = download(
        &analyst.base,
        "/api/density?format=geotiff",
        dir.path(),
        "d.tif",
    );
    let info = gdal("gdalinfo", &[tiff.to_str().unwrap()]);
    assert!(
        info.contains("TIFFTAG_COPYRIGHT=Contains public sector information"),
        "{info}"
    );

    // Gi* z-scores as a raster: GDAL's statistics of it are the API's.
    let tiff = download(
        &analyst.base,
        "/ogc/collections/gistar/items?f=geotiff",
        dir.path(),
        "g.tif",
    );
    let info = gdal("gdalinfo", &["-stats", tiff.to_str().unwrap()]);
    let stat = |name: &str| -> f64 {
        let line = info
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name}: {info}"));
        line.split('=').nth(1).unwrap().trim().parse().unwrap()
    };
    let (_, gi) = analyst.get_json("/api/gistar");
    let z: Vec<f64> = gi["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["z"].as_f64())
        .collect();
    let mean = z.iter().sum::<f64>() / z.len() as f64;
    let max = z.iter().cloned().fold(f64::MIN, f64::max);
    assert!((stat("STATISTICS_MEAN=") - mean).abs() < 1e-4, "{info}");
    assert!((stat("STATISTICS_MAXIMUM=") - max).abs() < 1e-4, "{info}");
}

/// Saves `path` from the server to `dir/name`.
fn download(base: &str, path: &str, dir: &Path, name: &str) -> std::path::PathBuf {
    let res = Server::client()
        .get(format!("{base}{path}"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let out = dir.join(name);
    std::fs::write(&out, res.bytes().unwrap()).unwrap();
    out
}
