//! Several service instances over one database: an instance that did not
//! take an import picks it up on its next refresh.

use hotspot_server::pipeline::ImportKind;
use hotspot_server::{import_files, AppState, ServerConfig};

mod common;

#[tokio::test]
async fn an_instance_reloads_after_another_imports() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("shared.db").display());
    let a = AppState::new(
        hotspot_store::open(&url).await.unwrap(),
        Default::default(),
        ServerConfig::default(),
    )
    .await
    .unwrap();
    let b = AppState::new(
        hotspot_store::open(&url).await.unwrap(),
        Default::default(),
        ServerConfig::default(),
    )
    .await
    .unwrap();
    assert!(!b.refresh_if_stale().await.unwrap(), "nothing new yet");
    let files = common::sample_files("policeuk/2025-0");
    import_files(&a, ImportKind::POLICE_UK, files)
        .await
        .unwrap();
    assert!(a.dataset().len() > 1000);
    assert_eq!(b.dataset().len(), 0, "b has not looked yet");
    assert!(b.refresh_if_stale().await.unwrap());
    assert_eq!(b.dataset().len(), a.dataset().len());
    assert!(!b.refresh_if_stale().await.unwrap(), "up to date now");
    assert!(
        !a.refresh_if_stale().await.unwrap(),
        "a loaded its own import"
    );
}

#[tokio::test]
async fn the_refresh_loop_runs_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("shared.db").display());
    let config = ServerConfig {
        refresh_every: Some(std::time::Duration::from_millis(100)),
        ..ServerConfig::default()
    };
    let a = AppState::new(
        hotspot_store::open(&url).await.unwrap(),
        Default::default(),
        ServerConfig::default(),
    )
    .await
    .unwrap();
    let b = AppState::new(
        hotspot_store::open(&url).await.unwrap(),
        Default::default(),
        config,
    )
    .await
    .unwrap();
    let files = common::sample_files("policeuk/2025-01-sample-street.csv");
    import_files(&a, ImportKind::POLICE_UK, files)
        .await
        .unwrap();
    for _ in 0..50 {
        if b.dataset().len() == a.dataset().len() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("b never picked up the import");
}
