//! Building the snapshot from the store at start-up.

use std::sync::Arc;
use std::time::Duration;

use hotspot_core::{CrimeGroups, Incident, Location, Month};
use hotspot_store::{IncidentBatch, IncidentFile};

/// Month `m` of 2024-2025, located on one of 500 map points.
fn incident(i: usize) -> Incident {
    let (x, y) = (450_000.0 + (i % 500) as f64 * 10.0, 260_000.0);
    let (lon, lat) = hotspot_core::bng_to_wgs84(x, y).unwrap();
    Incident {
        source: "police.uk".into(),
        external_id: Some(format!("crime-{i}")),
        category: "Burglary".into(),
        month: Month::from_index(Month::new(2024, 1).unwrap().index() + (i % 24) as i32),
        date: None,
        time: None,
        location: Some(Location { lon, lat, x, y }),
        location_label: None,
        lsoa_code: None,
        outcome: None,
        origin_line: i as u64 + 2,
    }
}

/// A SQLite store in `dir` holding `n` incidents from one import.
async fn store_of(dir: &std::path::Path, n: usize) -> (String, Arc<dyn hotspot_store::Store>) {
    let url = format!("sqlite:{}", dir.join("h.db").display());
    let store = hotspot_store::open(&url).await.unwrap();
    let file = IncidentFile {
        file_name: "many.csv".into(),
        dataset_key: "test:many".into(),
        sha256: "many".into(),
        rows: n as u64,
        incidents: (0..n).map(incident).collect(),
        rejected: vec![],
        notes: vec![],
    };
    let batch = IncidentBatch {
        kind: "police.uk".into(),
        files: vec![file],
        outcomes: vec![],
    };
    store.import_incidents(batch).await.unwrap();
    (url, store)
}

/// More incidents than the pages (of 50,000 rows) the store's reader may
/// queue before the columns are built from them: every one is loaded, in
/// month order. (The builder once started only after the reading, which
/// waited for it from the third page on.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_of_many_pages_loads_whole() {
    let dir = tempfile::tempdir().unwrap();
    let n = 160_001;
    let (_, store) = store_of(dir.path(), n).await;
    let load = hotspot_server::load_dataset(&*store, CrimeGroups::default(), None);
    let ds = tokio::time::timeout(Duration::from_secs(60), load)
        .await
        .expect("the load finishes")
        .unwrap();
    assert_eq!(ds.len(), n);
    let months: Vec<Month> = (0..n).map(|k| ds.incident(k).1.month).collect();
    assert!(months.windows(2).all(|w| w[0] <= w[1]), "month order");
    assert_eq!(ds.incident(n - 1).1.month, Month::new(2025, 12).unwrap());
}

/// The first load writes the snapshot file (after it returns); the next
/// maps the file rather than reading the store, emptied here behind its
/// back with no new import to say so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_load_maps_the_snapshot_file_the_first_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let (url, store) = store_of(dir.path(), 3000).await;
    let file = dir.path().join("h.db.snapshot");
    let groups = CrimeGroups::default();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let first = hotspot_server::load_dataset(&*store, groups.clone(), Some(&file));
    let first = first.await.unwrap();
    sqlx::query("DELETE FROM incidents")
        .execute(&pool)
        .await
        .unwrap();
    let mapped = hotspot_server::load_dataset(&*store, groups.clone(), Some(&file));
    let mapped = mapped.await.unwrap();
    assert_eq!(mapped.len(), 3000);
    assert!((0..3000).all(|k| mapped.incident(k) == first.incident(k)));
    let read = hotspot_server::load_dataset(&*store, groups, None);
    assert_eq!(read.await.unwrap().len(), 0, "the store was emptied");
}
