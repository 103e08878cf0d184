//! Accuracy of the binned KDE on real police.uk data, whose incidents are
//! stacked on anonymised snap points: the case linear binning is most
//! likely to get wrong.
//!
//! Reads one month of Northamptonshire street crime from the shared data
//! directory (`hotspot_testenv::shared_data`); ignored when it is not there,
//! and failing under CI.

use std::io::Read;
use std::path::PathBuf;

use hotspot_density::kde::relative_rms_error;
use hotspot_density::{hotspot_bands, kde, kde_direct, GridSpec};

/// The first month of incidents as BNG points.
fn load_month() -> (PathBuf, Vec<[f64; 2]>) {
    let dir = hotspot_testenv::shared_data().join("policeuk/northamptonshire");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".csv.gz"))
        .collect();
    files.sort();
    let path = files
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no .csv.gz under {}", dir.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("readable month"))
        .read_to_string(&mut text)
        .expect("readable gzip");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header row").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (lon_i, lat_i) = (col("Longitude"), col("Latitude"));
    let mut points = Vec::new();
    for record in reader.records() {
        let record = record.expect("csv record");
        // Incidents without a location have empty coordinates.
        let (Ok(lon), Ok(lat)) = (record[lon_i].parse::<f64>(), record[lat_i].parse::<f64>())
        else {
            continue;
        };
        if let Ok((x, y)) = hotspot_core::wgs84_to_bng(lon, lat) {
            points.push([x, y]);
        }
    }
    (path, points)
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p) as usize]
}

#[test]
#[cfg_attr(
    not(has_shared_data),
    ignore = "needs ../shared/data or HOTSPOT_SHARED_DATA (CONTRIBUTING.md)"
)]
fn kde_matches_direct_on_real_police_uk_month() {
    let (path, points) = load_month();
    assert!(
        points.len() > 1_000,
        "{} has only {} located incidents",
        path.display(),
        points.len()
    );
    let distinct = {
        let mut keys: Vec<(u64, u64)> = points
            .iter()
            .map(|p| (p[0].to_bits(), p[1].to_bits()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    };
    // A few out-of-force incidents sit far away; grid the bulk of the data
    // (points outside still contribute near the edge).
    let xs: Vec<f64> = points.iter().map(|p| p[0]).collect();
    let ys: Vec<f64> = points.iter().map(|p| p[1]).collect();
    let (h, cell) = (400.0, 50.0);
    let spec = GridSpec::covering(
        percentile(xs.clone(), 0.01) - h,
        percentile(ys.clone(), 0.01) - h,
        percentile(xs, 0.99) + h,
        percentile(ys, 0.99) + h,
        cell,
    )
    .unwrap();
    let fast = kde(&points, None, &spec, h).unwrap();
    let direct = kde_direct(&points, None, &spec, h).unwrap();
    let err = relative_rms_error(&fast.values, &direct.values);
    eprintln!(
        "{}: {} incidents on {} distinct points, grid {}x{}, relative RMS error {:.5}",
        path.display(),
        points.len(),
        distinct,
        spec.cols,
        spec.rows,
        err
    );
    assert!(err <= 0.01, "relative RMS error {err} above 1%");

    // The hotspot bands of both surfaces should be much the same size.
    // Not identical: binning spreads each point's support by up to one
    // binning step (half a cell here), so the fast surface has a fringe of
    // small non-zero cells and "top 5% of non-zero cells" ranks slightly
    // more cells. On one sparse month that is about 3% of the band's area.
    let bf = hotspot_bands(&fast, &[5.0]).unwrap();
    let bd = hotspot_bands(&direct, &[5.0]).unwrap();
    let ratio = bf[0].area_m2 / bd[0].area_m2;
    eprintln!("top-5% band area fast/direct = {ratio:.4}");
    assert!((ratio - 1.0).abs() < 0.06, "top-5% area ratio {ratio}");
}
