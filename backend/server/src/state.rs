//! Shared state: the store, the current snapshot, and the import lock.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use hotspot_core::CrimeGroups;
use hotspot_engine::{Dataset, DatasetBuilder, PendingSnapshot};
use std::num::NonZeroU32;

use hotspot_core::Role;
use hotspot_store::{AuditEntry, Store, StoredPage};

use crate::AppError;

/// The boundary layer ward statistics use.
pub const WARD_LAYER: &str = "wards";

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest accepted upload, bytes.
    pub max_upload_bytes: usize,
    /// Where the built map client lives; the start page is served when absent.
    pub static_dir: Option<PathBuf>,
    /// The role of callers without credentials. `Public` unless the
    /// operator deliberately opens more (e.g. on fictional sample data).
    pub anonymous_role: Role,
    /// Counts below this are suppressed in what the public role sees.
    pub suppress_below: u64,
    /// Requests per second allowed per client address (bursts of twice
    /// that); `None` disables the limit.
    pub rate_limit_per_second: Option<NonZeroU32>,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Reverse proxies / load balancers whose `X-Forwarded-For` is believed
    /// for rate limiting and the audit log.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How often to check the store for imports made by another instance
    /// (several instances over one PostGIS); `None`: never.
    pub refresh_every: Option<std::time::Duration>,
    /// Uncached analyses computed at once (identical requests share one).
    pub analysis_slots: usize,
    /// Analyses that may wait for a slot; past this the service answers 503.
    pub analysis_queue: usize,
    /// A self-hosted PMTiles basemap, when the deployment has one.
    pub basemap: Option<crate::basemap::Basemap>,
    /// The harm index `weight=harm` uses (`serve --harm-index`), if any.
    pub harm_index: Option<Arc<hotspot_core::harm::HarmIndex>>,
    /// The snapshot file (`serve --snapshot`): mapped at start-up when it
    /// was written for what the store holds, written after a load otherwise.
    pub snapshot_file: Option<PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_upload_bytes: 512 * 1024 * 1024,
            static_dir: None,
            anonymous_role: Role::Public,
            suppress_below: hotspot_core::disclosure::DEFAULT_SUPPRESS_BELOW,
            rate_limit_per_second: None,
            secure_cookies: false,
            refresh_every: None,
            trusted_proxies: Vec::new(),
            analysis_slots: std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
            analysis_queue: 64,
            basemap: None,
            harm_index: None,
            snapshot_file: None,
        }
    }
}

/// Per-client request limiter.
pub type ClientLimiter = governor::DefaultKeyedRateLimiter<std::net::IpAddr>;

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub groups: CrimeGroups,
    pub config: ServerConfig,
    pub rate_limiter: Option<ClientLimiter>,
    audit: tokio::sync::mpsc::UnboundedSender<AuditEntry>,
    dataset: ArcSwap<Dataset>,
    /// Imports run one at a time so snapshots are rebuilt in commit order.
    import_lock: tokio::sync::Mutex<()>,
    /// The newest import run the current snapshot includes (0: none).
    loaded_import: std::sync::atomic::AtomicI64,
    /// Bumped after each snapshot swap; cached responses of older
    /// generations are dropped.
    generation: std::sync::atomic::AtomicU64,
    pub(crate) cache: crate::cache::ResponseCache,
}

impl AppState {
    /// Creates the state and loads the first snapshot from the store.
    pub async fn new(
        store: Arc<dyn Store>,
        groups: CrimeGroups,
        config: ServerConfig,
    ) -> Result<Arc<Self>, AppError> {
        let rate_limiter = config.rate_limit_per_second.map(|n| {
            let burst = n.saturating_mul(NonZeroU32::new(2).expect("non-zero"));
            governor::RateLimiter::keyed(governor::Quota::per_second(n).allow_burst(burst))
        });
        let cache = crate::cache::ResponseCache::new(config.analysis_slots, config.analysis_queue);
        let (audit, log) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(write_audit_log(store.clone(), log));
        let state = Arc::new(AppState {
            store,
            dataset: ArcSwap::from_pointee(Dataset::empty(groups.clone())),
            groups,
            config,
            rate_limiter,
            audit,
            import_lock: tokio::sync::Mutex::new(()),
            loaded_import: std::sync::atomic::AtomicI64::new(0),
            generation: std::sync::atomic::AtomicU64::new(0),
            cache,
        });
        state.reload().await?;
        if let Some(every) = state.config.refresh_every {
            tokio::spawn(refresh_loop(Arc::downgrade(&state), every));
        }
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
        // Read the newest run first: an import committed while loading is
        // then picked up by the next refresh rather than missed.
        let newest = self.newest_import().await?;
        let snapshot = self.config.snapshot_file.as_deref();
        let dataset = load_dataset(self.store.as_ref(), self.groups.clone(), snapshot).await?;
        self.dataset.store(dataset);
        // After the swap: a response cached under the old generation may hold
        // new data (harmless, dropped), never the reverse.
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.loaded_import
            .store(newest, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Which snapshot is current, for the response cache.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Responses served from the analysis cache since start; lets tests
    /// prove a repeat was answered from the cache, not recomputed.
    pub fn cache_hits(&self) -> u64 {
        self.cache.hits()
    }

    /// Analyses computed so far (answers neither cached nor shared).
    pub fn analyses_computed(&self) -> u64 {
        self.cache.computed()
    }

    async fn newest_import(&self) -> Result<i64, AppError> {
        Ok(self.store.imports().await?.first().map_or(0, |r| r.id))
    }

    /// Reloads when another instance has imported since the last load.
    /// Returns whether it did.
    pub async fn refresh_if_stale(&self) -> Result<bool, AppError> {
        let _guard = self.import_guard().await;
        let newest = self.newest_import().await?;
        if newest == self.loaded_import.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(false);
        }
        self.reload().await?;
        Ok(true)
    }

    /// Queues a request for the audit log (written in batches, off the
    /// request path).
    pub fn audit(&self, entry: AuditEntry) {
        let _ = self.audit.send(entry);
    }

    /// Serialises imports.
    pub async fn import_guard(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.import_lock.lock().await
    }
}

/// Reads every incident and ward from the store and builds a snapshot
/// (the indexing runs off the async runtime).
///
/// With a `snapshot_file`, the incidents are mapped from that file when it
/// was written for what the store holds now (its newest import), instead of
/// read row by row: about a second instead of eight at ten million.
/// Otherwise they are read from the store, written to the file and mapped
/// from it, as a restart would (flushing it and putting it in place are
/// left to the background). A damaged or unwritable file costs a warning,
/// not the start.
pub async fn load_dataset(
    store: &dyn Store,
    groups: CrimeGroups,
    snapshot_file: Option<&Path>,
) -> Result<Arc<Dataset>, AppError> {
    // Read before the incidents: an import committed in between makes the
    // file look older than its contents (rebuilt next time), never newer.
    let fingerprint = match store.imports().await?.first() {
        Some(run) => format!("import {} at {}", run.id, run.created_at),
        None => "no imports".to_string(),
    };
    let areas = store.load_areas(WARD_LAYER).await?;
    if let Some(path) = snapshot_file {
        let (areas, groups) = (areas.clone(), groups.clone());
        if let Some(ds) = map_snapshot_file(path, &fingerprint, areas, groups).await? {
            return Ok(Arc::new(ds));
        }
    }
    let started = std::time::Instant::now();
    let builder = read_store(store).await?;
    let read_seconds = started.elapsed().as_secs_f64();
    // The file is written (not yet flushed) and mapped before the first
    // answer, so the columns live in it rather than on the heap; flushing
    // and putting it in place wait until the service answers.
    let writing = match snapshot_file {
        Some(_) => Some(SNAPSHOT_WRITES.lock().await),
        None => None,
    };
    let snapshot_file = snapshot_file.map(Path::to_owned);
    let (dataset, file) = blocking(move || {
        let built = match snapshot_file {
            Some(path) => {
                let (ds, file) = builder.build_with_file(areas, groups, &path, &fingerprint);
                (ds, Some(file))
            }
            None => (builder.build(areas, groups), None),
        };
        release_freed_memory();
        built
    })
    .await?;
    tracing::info!(
        incidents = dataset.len(),
        read_seconds,
        seconds = started.elapsed().as_secs_f64(),
        "indexed the incidents read from the store"
    );
    match file {
        Some(Ok(pending)) => persist_in_background(pending, writing),
        Some(Err(e)) => tracing::warn!(error = %e, "the next start will read the store again"),
        None => {}
    }
    Ok(Arc::new(dataset))
}

/// The snapshot in the file at `path` if it was written for `fingerprint`;
/// a damaged file costs a warning.
async fn map_snapshot_file(
    path: &Path,
    fingerprint: &str,
    areas: Vec<hotspot_core::Area>,
    groups: CrimeGroups,
) -> Result<Option<Dataset>, AppError> {
    // A file this process is still writing is waited for, not missed.
    let _writes = SNAPSHOT_WRITES.lock().await;
    let (path, fingerprint) = (path.to_owned(), fingerprint.to_owned());
    let opened = blocking(move || {
        let opened = Dataset::open_snapshot(&path, &fingerprint, areas, groups);
        (path, opened)
    });
    Ok(match opened.await? {
        (path, Ok(Some(ds))) => {
            tracing::info!(path = %path.display(), incidents = ds.len(), "mapped the snapshot file");
            Some(ds)
        }
        (_, Ok(None)) => None,
        (_, Err(e)) => {
            tracing::warn!(error = %e, "reading the incidents from the store instead");
            None
        }
    })
}

/// Every incident in the store, in columns not yet indexed.
async fn read_store(store: &dyn Store) -> Result<DatasetBuilder, AppError> {
    // Pages become columns on a blocking thread while the next is read
    // (spawned now: `blocking` would start it only when awaited, after the
    // reading, which waits for it once two pages are queued).
    let (to, mut pages) = tokio::sync::mpsc::channel::<StoredPage>(2);
    let columns = tokio::task::spawn_blocking(move || {
        let mut builder = DatasetBuilder::default();
        while let Some(page) = pages.blocking_recv() {
            for (id, incident) in page.iter() {
                builder.push(id, incident);
            }
        }
        builder
    });
    let read = store.stream_incidents(to).await;
    let builder = columns
        .await
        .map_err(|e| AppError::Internal(format!("reading the incidents failed: {e}")))?;
    read?;
    Ok(builder)
}

/// Flushes the snapshot file and puts it in place on a blocking thread,
/// holding `writing` (see [`SNAPSHOT_WRITES`]) until done.
fn persist_in_background(pending: PendingSnapshot, writing: Option<impl Send + 'static>) {
    tokio::task::spawn_blocking(move || {
        match pending.persist() {
            Ok(()) => tracing::info!("wrote the snapshot file"),
            Err(e) => tracing::warn!(error = %e, "the next start will read the store again"),
        }
        drop(writing);
    });
}

/// Returns to the system the heap that reading the store used and freed
/// (its pages, the builder's arrays): glibc keeps freed memory below its
/// mmap threshold for reuse.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only hands free pages of glibc's heap back to the
    // kernel; it touches no memory in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Snapshot files written by this process, one at a time: a later load
/// waits for them, and two writes never share a temporary file. A runtime
/// shutting down waits for a write begun.
static SNAPSHOT_WRITES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(format!("building the index failed: {e}")))
}

/// Where a database's snapshot file is kept unless told otherwise: beside a
/// SQLite file (`hotspot.db.snapshot`); none for an in-memory database or
/// PostgreSQL, whose server may be elsewhere (`serve --snapshot FILE`).
///
/// ```
/// use hotspot_server::default_snapshot_file as f;
/// assert_eq!(f("sqlite:data/hotspot.db?mode=rwc").unwrap().to_str(), Some("data/hotspot.db.snapshot"));
/// assert_eq!(f("sqlite:///srv/h.db").unwrap().to_str(), Some("/srv/h.db.snapshot"));
/// assert!(f("sqlite::memory:").is_none() && f("postgres://db/hotspot").is_none());
/// ```
pub fn default_snapshot_file(db_url: &str) -> Option<PathBuf> {
    let rest = db_url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    Some(PathBuf::from(format!("{path}.snapshot")))
}

/// Writes queued audit entries in batches until the service stops.
async fn write_audit_log(
    store: Arc<dyn Store>,
    mut log: tokio::sync::mpsc::UnboundedReceiver<AuditEntry>,
) {
    let mut batch = Vec::new();
    while log.recv_many(&mut batch, 1000).await > 0 {
        if let Err(e) = store.append_audit(&batch).await {
            tracing::error!(error = %e, lost = batch.len(), "could not write the audit log");
        }
        batch.clear();
    }
}

/// Polls for imports made elsewhere until the state is dropped. Errors
/// (e.g. the database restarting) are logged and retried next time.
async fn refresh_loop(state: std::sync::Weak<AppState>, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.tick().await;
    loop {
        tick.tick().await;
        let Some(state) = state.upgrade() else { return };
        match state.refresh_if_stale().await {
            Ok(true) => tracing::info!("reloaded: another instance imported data"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "could not check for new imports"),
        }
    }
}
