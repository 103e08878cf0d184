//! The snapshot file: a dataset mapped from it answers exactly as the one
//! built from the store's rows, and a file that is stale or damaged is
//! never used.

mod common;

use chrono::{Duration, NaiveTime};
use hotspot_core::{CrimeGroups, Incident};
use hotspot_engine::tiles::TileId;
use hotspot_engine::{
    Dataset, DatasetBuilder, DensityQuery, PendingSnapshot, Period, Selection, SnapshotError,
    WardQuery,
};

/// The sample, with dates on every third incident and times on every
/// sixth, as a force extract has them.
fn rows() -> (Vec<(i64, Incident)>, Vec<hotspot_core::Area>) {
    let (mut rows, areas) = common::sample_parts();
    for (k, (_, inc)) in rows.iter_mut().enumerate() {
        if k % 3 == 0 {
            inc.date = Some(inc.month.first_day() + Duration::days((k % 28) as i64));
        }
        if k % 6 == 0 {
            inc.time = NaiveTime::from_hms_opt((k % 24) as u32, (k % 60) as u32, 0);
        }
    }
    (rows, areas)
}

/// `rows` built as a first start builds them: written to the snapshot file
/// at `path` for "import 7" and mapped; the file not yet in place.
fn with_file(
    rows: &[(i64, Incident)],
    areas: Vec<hotspot_core::Area>,
    path: &std::path::Path,
) -> (Dataset, Result<PendingSnapshot, SnapshotError>) {
    let mut builder = DatasetBuilder::default();
    for (id, incident) in rows {
        builder.push(*id, incident);
    }
    builder.build_with_file(areas, CrimeGroups::default(), path, "import 7")
}

/// The rows built on the heap, and the path of their snapshot file, in place.
fn written(dir: &tempfile::TempDir) -> (Dataset, std::path::PathBuf) {
    let (rows, areas) = rows();
    let built = Dataset::build(rows.clone(), areas.clone(), CrimeGroups::default());
    let path = dir.path().join("hotspot.db.snapshot");
    with_file(&rows, areas, &path).1.unwrap().persist().unwrap();
    (built, path)
}

fn open(path: &std::path::Path, fingerprint: &str) -> Option<Dataset> {
    let areas = common::sample_parts().1;
    Dataset::open_snapshot(path, fingerprint, areas, CrimeGroups::default()).unwrap()
}

fn json<T: serde::Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

/// The whole world, and the street-level tile of the first located incident.
fn tiles(ds: &Dataset) -> [TileId; 2] {
    let l = (0..ds.len())
        .find_map(|k| ds.incident(k).1.location)
        .unwrap();
    let n = (1u32 << 15) as f64;
    let x = ((l.lon + 180.0) / 360.0 * n) as u32;
    let r = l.lat.to_radians();
    let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32;
    [
        TileId::new(0, 0, 0).unwrap(),
        TileId::new(15, x, y).unwrap(),
    ]
}

#[test]
fn a_mapped_snapshot_answers_as_the_built_one() {
    let dir = tempfile::tempdir().unwrap();
    let (built, path) = written(&dir);
    let mapped = open(&path, "import 7").expect("the fingerprint matches");
    assert_eq!(mapped.len(), built.len());
    assert!(mapped.overview().has_times && mapped.overview().outside_areas > 0);
    assert_eq!(mapped.overview(), built.overview());
    for k in 0..built.len() {
        assert_eq!(mapped.incident(k), built.incident(k), "incident {k}");
    }
    assert_eq!(mapped.categories(), built.categories());
    assert_eq!(mapped.months(), built.months());
    let ward = built.areas().nth(3).unwrap().code.clone();
    let selections = [
        Selection::default(),
        Selection {
            groups: vec!["serious-acquisitive".into()],
            period: Period::parse("2024-03..2024-08").unwrap(),
            ..Default::default()
        },
        Selection {
            period: Period::parse("2024-02-03T10:00..2024-05-20").unwrap(),
            area: Some(ward),
            ..Default::default()
        },
    ];
    for sel in selections {
        assert_eq!(mapped.select(&sel).unwrap(), built.select(&sel).unwrap());
        let wards = WardQuery {
            selection: sel.clone(),
            ..Default::default()
        };
        let (a, b) = (
            mapped.ward_statistics(&wards),
            built.ward_statistics(&wards),
        );
        assert_eq!(json(a.unwrap()), json(b.unwrap()));
        let density = DensityQuery {
            selection: sel.clone(),
            ..Default::default()
        };
        let (a, b) = (
            mapped.hotspots(&density, &[1.0, 5.0]),
            built.hotspots(&density, &[1.0, 5.0]),
        );
        let ((grid_a, bands_a), (grid_b, bands_b)) = (a.unwrap(), b.unwrap());
        assert_eq!(grid_a.grid.values, grid_b.grid.values);
        assert_eq!(json(bands_a), json(bands_b));
        for tile in tiles(&built) {
            let (a, b) = (
                mapped.incident_tile(&sel, tile),
                built.incident_tile(&sel, tile),
            );
            assert_eq!(a.unwrap(), b.unwrap());
        }
    }
}

#[test]
fn a_file_for_other_data_or_no_file_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let (_, path) = written(&dir);
    assert!(open(&path, "import 8").is_none(), "written for import 7");
    assert!(open(&dir.path().join("absent"), "import 7").is_none());
}

/// A first start builds from the file it writes: the same incidents as a
/// snapshot built on the heap; the file is in place only once persisted,
/// and a file never persisted leaves nothing behind.
#[test]
fn a_snapshot_built_with_its_file_is_the_built_one_and_persists_on_demand() {
    let dir = tempfile::tempdir().unwrap();
    let (rows, areas) = rows();
    let built = Dataset::build(rows.clone(), areas.clone(), CrimeGroups::default());
    let path = dir.path().join("hotspot.db.snapshot");
    let (from_file, pending) = with_file(&rows, areas.clone(), &path);
    assert_eq!(from_file.overview(), built.overview());
    assert!((0..built.len()).all(|k| from_file.incident(k) == built.incident(k)));
    assert!(
        open(&path, "import 7").is_none(),
        "not in place before persist"
    );
    pending.unwrap().persist().unwrap();
    let mapped = open(&path, "import 7").expect("in place after persist");
    assert_eq!(mapped.len(), built.len());

    std::fs::remove_file(&path).unwrap();
    drop(with_file(&rows, areas, &path).1.unwrap());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "an unpersisted file is removed: {left:?}");
    // The answers stay readable: the mapping outlives the file's name.
    assert_eq!(from_file.incident(0), built.incident(0));
}

/// The manifest's byte range and the start of a named column, read the
/// way the format documents them.
fn manifest(bytes: &[u8]) -> (usize, serde_json::Value) {
    let len = u64::from_le_bytes(bytes[bytes.len() - 8..].try_into().unwrap()) as usize;
    let start = bytes.len() - 8 - len;
    (
        start,
        serde_json::from_slice(&bytes[start..bytes.len() - 8]).unwrap(),
    )
}

#[test]
fn a_damaged_file_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let (_, path) = written(&dir);
    let good = std::fs::read(&path).unwrap();
    let areas = || common::sample_parts().1;
    let refused = |bytes: &[u8]| {
        std::fs::write(&path, bytes).unwrap();
        let opened = Dataset::open_snapshot(&path, "import 7", areas(), CrimeGroups::default());
        opened.err().map(|e| e.to_string())
    };
    let cut = refused(&good[..good.len() - 20]).expect("truncated");
    assert!(cut.contains("damaged"), "{cut}");
    let (start, m) = manifest(&good);
    let place = m["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "place")
        .unwrap();
    let at = place["start"].as_u64().unwrap() as usize;
    let mut bad_index = good.clone();
    bad_index[at..at + 4].copy_from_slice(&7_000_000u32.to_le_bytes());
    let err = refused(&bad_index).expect("a place past the table");
    assert!(err.contains("column place points past its table"), "{err}");
    let mut past_end = good.clone();
    let json = String::from_utf8(good[start..good.len() - 8].to_vec()).unwrap();
    let moved = json.replacen(&format!("\"start\":{at}"), "\"start\":999999992", 1);
    assert_eq!(moved.len(), json.len() + 9 - at.to_string().len());
    past_end.truncate(start);
    past_end.extend_from_slice(moved.as_bytes());
    past_end.extend_from_slice(&(moved.len() as u64).to_le_bytes());
    let err = refused(&past_end).expect("a column past the end");
    assert!(err.contains("runs past the end"), "{err}");
}
