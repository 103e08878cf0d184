//! Boundaries as councils and the ONS hand them out: the real 2022
//! Northamptonshire wards converted by GDAL to a British-National-Grid
//! GeoPackage and a zipped Shapefile, each imported with one command,
//! give the same wards, names and shapes as the GeoJSON they came from.
//!
//! Needs `../shared/data` and GDAL's `ogr2ogr` (ignored without them,
//! failing under CI).

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{hotspot, Server};

const WARDS: &str = "boundaries/northants_wards2022.geojson";

fn ogr2ogr(args: &[&str]) {
    let out = Command::new("ogr2ogr")
        .args(args)
        .output()
        .expect("ogr2ogr (gdal-bin)");
    assert!(
        out.status.success(),
        "ogr2ogr {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The wards GeoJSON as a GeoPackage and as a zipped Shapefile, both in
/// British National Grid (EPSG:27700).
fn converted(source: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let src = source.to_str().unwrap();
    let gpkg = dir.join("wards.gpkg");
    ogr2ogr(&[
        "-f",
        "GPKG",
        "-t_srs",
        "EPSG:27700",
        gpkg.to_str().unwrap(),
        src,
    ]);
    let shp_dir = dir.join("shp");
    std::fs::create_dir(&shp_dir).unwrap();
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        "-t_srs",
        "EPSG:27700",
        shp_dir.join("wards.shp").to_str().unwrap(),
        src,
    ]);
    let zipped = dir.join("wards.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap());
    for ext in ["shp", "shx", "dbf", "prj"] {
        zip.start_file(
            format!("wards.{ext}"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&std::fs::read(shp_dir.join(format!("wards.{ext}"))).unwrap())
            .unwrap();
    }
    zip.finish().unwrap();
    (gpkg, zipped)
}

/// Each ward's code, name and outer ring, as `/api/wards` serves them.
fn wards(db: &Path) -> Vec<(String, String, Vec<Vec<f64>>)> {
    let server = Server::start(db, &[]);
    let (status, fc) = server.get_json("/api/wards");
    assert_eq!(status, 200);
    let mut v: Vec<(String, String, Vec<Vec<f64>>)> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let g = &f["geometry"];
            let ring = match g["type"].as_str().unwrap() {
                "Polygon" => &g["coordinates"][0],
                _ => &g["coordinates"][0][0],
            };
            let ring = serde_json::from_value(ring.clone()).unwrap();
            (
                p["code"].as_str().unwrap().into(),
                p["name"].as_str().unwrap().into(),
                ring,
            )
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
#[cfg_attr(
    not(has_gdal),
    ignore = "needs GDAL's ogr2ogr (apt-get install gdal-bin)"
)]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn a_geopackage_and_a_zipped_shapefile_give_the_geojsons_wards() {
    let source = hotspot_testenv::shared_data().join(WARDS);
    let dir = tempfile::tempdir().unwrap();
    let (gpkg, zipped) = converted(&source, dir.path());

    let import = |name: &str, file: &Path| {
        let db = dir.path().join(format!("{name}.db"));
        let out = hotspot(&db, &["import", "boundaries", file.to_str().unwrap()]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(text.contains("accepted 57  rejected 0"), "{name}: {text}");
        // Importing the same file again changes nothing.
        let again = hotspot(&db, &["import", "boundaries", file.to_str().unwrap()]);
        assert!(
            String::from_utf8_lossy(&again.stdout).contains("unchanged"),
            "{name}"
        );
        wards(&db)
    };
    let geojson = import("geojson", &source);
    assert_eq!(geojson.len(), 57);
    for (name, file) in [("gpkg", &gpkg), ("shp", &zipped)] {
        let got = import(name, file);
        for (a, b) in geojson.iter().zip(&got) {
            assert_eq!((&a.0, &a.1), (&b.0, &b.1), "{name}: code and name");
            assert_eq!(a.2.len(), b.2.len(), "{name} {}: vertices", a.0);
            // Through British National Grid and back: within about a metre.
            for (p, q) in a.2.iter().zip(&b.2) {
                assert!(
                    (p[0] - q[0]).abs() < 2e-5 && (p[1] - q[1]).abs() < 2e-5,
                    "{name} {}: {p:?} vs {q:?}",
                    a.0
                );
            }
        }
    }
}
