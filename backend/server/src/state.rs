//! Shared state: the store, the current snapshot, and the import lock.

use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
use hotspot_core::CrimeGroups;
use hotspot_engine::Dataset;
use hotspot_store::Store;

use crate::AppError;

/// The boundary layer ward statistics use.
pub const WARD_LAYER: &str = "wards";

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest accepted upload, bytes.
    pub max_upload_bytes: usize,
    /// Where the built map client lives; the start page is served when absent.
    pub static_dir: Option<PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_upload_bytes: 512 * 1024 * 1024,
            static_dir: None,
        }
    }
}

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub groups: CrimeGroups,
    pub config: ServerConfig,
    dataset: ArcSwap<Dataset>,
    /// Imports run one at a time so snapshots are rebuilt in commit order.
    import_lock: tokio::sync::Mutex<()>,
}

impl AppState {
    /// Creates the state and loads the first snapshot from the store.
    pub async fn new(
        store: Arc<dyn Store>,
        groups: CrimeGroups,
        config: ServerConfig,
    ) -> Result<Arc<Self>, AppError> {
        let state = Arc::new(AppState {
            store,
            dataset: ArcSwap::from_pointee(Dataset::empty(groups.clone())),
            groups,
            config,
            import_lock: tokio::sync::Mutex::new(()),
        });
        state.reload().await?;
        Ok(state)
    }

    /// The current snapshot. Hold it for the whole request so every figure
    /// in one response comes from the same data.
    pub fn dataset(&self) -> Arc<Dataset> {
        self.dataset.load_full()
    }

    /// Rebuilds the snapshot from the store and swaps it in. Readers keep
    /// the old snapshot until the new one is complete.
    pub async fn reload(&self) -> Result<(), AppError> {
        let dataset = load_dataset(self.store.as_ref(), self.groups.clone()).await?;
        self.dataset.store(Arc::new(dataset));
        Ok(())
    }

    /// Serialises imports.
    pub async fn import_guard(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.import_lock.lock().await
    }
}

/// Reads every incident and ward from the store and builds a snapshot
/// (the indexing runs off the async runtime).
pub async fn load_dataset(store: &dyn Store, groups: CrimeGroups) -> Result<Dataset, AppError> {
    let incidents = store.load_incidents().await?;
    let areas = store.load_areas(WARD_LAYER).await?;
    tokio::task::spawn_blocking(move || {
        Dataset::build(
            incidents.into_iter().map(|s| (s.id, s.incident)).collect(),
            areas,
            groups,
        )
    })
    .await
    .map_err(|e| AppError::Internal(format!("building the index failed: {e}")))
}
