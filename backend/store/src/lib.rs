//! Storage for Hotspot: imports, incidents, areas and quarantined rows.
//!
//! The [`Store`] trait is the seam between the service and a database:
//! the embedded SQLite default ([`SqliteStore`]) and PostgreSQL with PostGIS
//! ([`PostgresStore`]) for several service instances over one database,
//! chosen by [`open`]'s URL. Every import is applied in one transaction: it
//! lands whole or not at all. Both pass the same test suite (`conformance`).

mod common;
#[cfg(test)]
mod conformance;
mod import;
mod model;
mod page;
mod postgres;
mod read;
mod shared;
mod sqlite;
mod sqlite_bulk;

pub use model::*;
pub use page::StoredPage;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use sqlx::Error as SqlxError;

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// From SQLite's bulk incident INSERTs, which bypass sqlx.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// An import whose rows were all refused against what is stored (e.g.
    /// population codes matching no area): nothing was written.
    #[error("{0}")]
    NothingAccepted(String),
    /// The write clashes with what is stored (e.g. a user name taken).
    #[error("{0}")]
    Conflict(String),
    #[error(
        "unsupported database URL {0:?}: expected sqlite:PATH or \
         postgres://USER:PASSWORD@HOST:PORT/DATABASE"
    )]
    UnsupportedUrl(String),
}

/// Everything the service keeps, one trait per concern; both backends
/// implement all four, and `dyn Store` is what the service holds.
pub trait Store: IncidentStore + AccountStore + AuditStore + InterventionStore {}

impl<T: IncidentStore + AccountStore + AuditStore + InterventionStore> Store for T {}

/// Imports, and the incidents, areas and quarantined rows they bring.
#[async_trait]
pub trait IncidentStore: Send + Sync {
    /// Applies an import of incident files atomically. Files whose bytes were
    /// imported before are skipped; a new version of a dataset replaces the old.
    async fn import_incidents(&self, batch: IncidentBatch) -> Result<ImportReport, StoreError>;
    /// Begins an incident import of `kind` (`police.uk` or `csv`) in one
    /// transaction, to be fed a file at a time: what
    /// [`IncidentStore::import_incidents`] does, without holding every file
    /// in memory at once.
    async fn begin_incident_import(
        &self,
        kind: &str,
    ) -> Result<Box<dyn IncidentImport>, StoreError>;
    /// Replaces an area layer (e.g. `wards`) atomically.
    async fn import_areas(&self, batch: AreaBatch) -> Result<ImportReport, StoreError>;
    /// Sets populations for areas of a layer; codes with no area are quarantined.
    async fn import_populations(&self, batch: PopulationBatch) -> Result<ImportReport, StoreError>;
    /// Every stored incident, by id, sent to `to` a page at a time from one
    /// snapshot of the store: what the in-memory index is built from,
    /// without holding every row at once. Stops early when `to` is closed.
    async fn stream_incidents(
        &self,
        to: tokio::sync::mpsc::Sender<StoredPage>,
    ) -> Result<(), StoreError>;
    /// Every stored incident, by id ([`IncidentStore::stream_incidents`]
    /// collected).
    async fn load_incidents(&self) -> Result<Vec<StoredIncident>, StoreError> {
        let (to, mut pages) = tokio::sync::mpsc::channel::<StoredPage>(2);
        let collect = async move {
            let mut all = Vec::new();
            while let Some(page) = pages.recv().await {
                all.extend(page.to_incidents());
            }
            all
        };
        let (read, all) = tokio::join!(self.stream_incidents(to), collect);
        read.map(|()| all)
    }
    /// Areas of a layer, with populations applied.
    async fn load_areas(&self, layer: &str) -> Result<Vec<hotspot_core::Area>, StoreError>;
    /// Import runs, newest first.
    async fn imports(&self) -> Result<Vec<ImportRun>, StoreError>;
    /// The keys of the datasets stored (e.g. `police.uk:northamptonshire-police:2025-03`),
    /// so `hotspot sync` fetches only the months not yet loaded.
    async fn dataset_keys(&self) -> Result<Vec<String>, StoreError>;
    /// Quarantined rows, optionally for one import run, oldest first.
    async fn rejected_rows(
        &self,
        import_id: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StoredRejectedRow>, StoreError>;
    /// Cheap liveness check of the database.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// An incident import under way: one open transaction, fed parsed files one
/// by one. Nothing is visible to readers until [`IncidentImport::commit`];
/// [`IncidentImport::rollback`], an error, or dropping the import leaves the
/// store exactly as it was.
#[async_trait]
pub trait IncidentImport: Send {
    /// Stores one file: nothing when these bytes were imported before
    /// (`Unchanged`), else its incidents and quarantined rows, replacing an
    /// older version of its dataset.
    async fn add_file(&mut self, file: &IncidentFile) -> Result<FileOutcome, StoreError>;
    /// Latest outcomes for crimes stored by earlier imports
    /// ([`IncidentBatch::outcomes`]), applied at commit.
    fn add_outcomes(&mut self, outcomes: Vec<(String, String)>);
    /// Applies the outcomes, records the run and commits. When nothing
    /// changed (every file unchanged, no outcome updated) it rolls back
    /// instead and records no run.
    async fn commit(self: Box<Self>) -> Result<ImportReport, StoreError>;
    /// Abandons the import: nothing of it remains.
    async fn rollback(self: Box<Self>) -> Result<(), StoreError>;
}

/// Accounts and the hashes of their tokens.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account; the name must be new.
    async fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: hotspot_core::Role,
    ) -> Result<User, StoreError>;
    async fn users(&self) -> Result<Vec<User>, StoreError>;
    /// An account and its password hash, for logging in.
    async fn user_credentials(&self, username: &str) -> Result<Option<(User, String)>, StoreError>;
    /// Stores a token's secret hash; returns its id.
    async fn create_token(
        &self,
        user_id: i64,
        kind: &str,
        label: &str,
        secret_hash: &str,
        expires_at: Option<&str>,
    ) -> Result<i64, StoreError>;
    async fn token(&self, id: i64) -> Result<Option<StoredToken>, StoreError>;
    async fn delete_token(&self, id: i64) -> Result<(), StoreError>;
}

/// Who viewed or exported what, when.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError>;
    /// Audit entries, newest first.
    async fn audit_log(&self, limit: i64, offset: i64) -> Result<Vec<AuditEntry>, StoreError>;
}

/// The intervention log.
#[async_trait]
pub trait InterventionStore: Send + Sync {
    /// Records an intervention; returns it with its id and creation time.
    async fn create_intervention(
        &self,
        intervention: &NewIntervention,
    ) -> Result<Intervention, StoreError>;
    /// Every recorded intervention, newest start first (then newest id).
    async fn interventions(&self) -> Result<Vec<Intervention>, StoreError>;
    async fn intervention(&self, id: i64) -> Result<Option<Intervention>, StoreError>;
    /// Deletes an intervention; `false` when there was none with this id.
    async fn delete_intervention(&self, id: i64) -> Result<bool, StoreError>;
}

/// Opens the store a URL names: `sqlite:PATH` (created on first use),
/// `sqlite::memory:`, or `postgres://USER:PASSWORD@HOST:PORT/DATABASE`
/// (also `postgresql://`; PostGIS, migrated on open).
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(PostgresStore::open(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

/// Helpers for tests that run against a PostgreSQL server (whose URL
/// `hotspot_testenv::postgres_url` gives).
#[doc(hidden)]
pub mod testing {
    pub use crate::postgres::testing::*;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn open_chooses_the_backend_by_scheme() {
        let s = open("sqlite::memory:").await.unwrap();
        s.ping().await.unwrap();
        let err = open("mysql://localhost/x").await.err().unwrap();
        assert!(matches!(err, StoreError::UnsupportedUrl(_)));
        assert!(err.to_string().contains("postgres://"), "{err}");
        // A postgres URL goes to the PostgreSQL store, which parses it (and
        // here refuses the port) rather than calling the URL unsupported.
        for url in [
            "postgres://u:p@127.0.0.1:port/db",
            "postgresql://u:p@127.0.0.1:port/db",
        ] {
            let err = open(url).await.err().unwrap();
            assert!(matches!(err, StoreError::Database(_)), "{url}: {err}");
        }
    }
}
