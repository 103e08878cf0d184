//! The embedded default: one SQLite file, created and migrated on first use.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use hotspot_core::{Area, Incident};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{FromRow, Row, Sqlite, SqlitePool, Transaction};

use crate::common::{area_geojson, bulk_inserts, now, AuditRow, SQLITE_INSERT_CHUNK};
use crate::import::ImportTx;
use crate::{AuditEntry, AuditStore, FileOutcome, FileReport, RejectedRow, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// SQLite's page cache (KiB) during an incident import, and its default.
const BULK_CACHE_KIB: u32 = 256 * 1024;
const DEFAULT_CACHE_KIB: u32 = 2000;

/// SQLite-backed [`Store`](crate::Store). WAL mode lets readers carry on during an import.
#[derive(Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database at `url`
    /// (`sqlite:hotspot.db`, `sqlite::memory:`).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let memory = url.contains(":memory:");
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .journal_mode(if memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            })
            .synchronous(SqliteSynchronous::Normal);
        // An in-memory database exists per connection: keep exactly one.
        let pool = SqlitePoolOptions::new()
            .max_connections(if memory { 1 } else { 4 })
            .min_connections(if memory { 1 } else { 0 })
            .idle_timeout(if memory {
                None
            } else {
                Some(Duration::from_secs(600))
            })
            .max_lifetime(if memory {
                None
            } else {
                Some(Duration::from_secs(3600))
            })
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    bulk_inserts!(Sqlite, SQLITE_INSERT_CHUNK);
}

/// SQLite's import statements; the flows that run them are in [`import`].
#[async_trait]
impl<'c> ImportTx for Transaction<'c, Sqlite> {
    async fn begin_import(&mut self, kind: &str) -> Result<i64, StoreError> {
        let id = sqlx::query(
            "INSERT INTO imports (kind, created_at, files, accepted, rejected, unchanged) \
             VALUES (?, ?, 0, 0, 0, 0) RETURNING id",
        )
        .bind(kind)
        .bind(now())
        .fetch_one(&mut **self)
        .await?
        .try_get::<i64, _>(0)?;
        Ok(id)
    }

    /// A page cache of 256 MB instead of SQLite's 2 MB while an incident
    /// import writes: fewer pages spill to the WAL and are read back
    /// before the commit (at 10M incidents, about a quarter off the import's
    /// time). `cache_size` belongs to the connection, so it is put back
    /// before the connection returns to the pool; after an error it stays
    /// until the pool closes that connection.
    async fn bulk_mode(&mut self, on: bool) -> Result<(), StoreError> {
        let kib = if on {
            BULK_CACHE_KIB
        } else {
            DEFAULT_CACHE_KIB
        };
        // A negative size is in KiB.
        sqlx::query(&format!("PRAGMA cache_size = -{kib}"))
            .execute(&mut **self)
            .await?;
        Ok(())
    }

    async fn update_outcomes(&mut self, outcomes: &[(String, String)]) -> Result<u64, StoreError> {
        // A keyed temporary table, then one UPDATE joining it: one pass over
        // the incidents (no index on external_id is needed).
        sqlx::query(
            "CREATE TEMP TABLE IF NOT EXISTS outcome_updates (crime_id TEXT PRIMARY KEY, outcome TEXT NOT NULL)",
        )
        .execute(&mut **self)
        .await?;
        sqlx::query("DELETE FROM outcome_updates")
            .execute(&mut **self)
            .await?;
        for chunk in outcomes.chunks(crate::import::OUTCOME_CHUNK) {
            let mut q = sqlx::QueryBuilder::<Sqlite>::new(
                "INSERT OR REPLACE INTO outcome_updates (crime_id, outcome) ",
            );
            q.push_values(chunk, |mut b, (id, outcome)| {
                b.push_bind(id).push_bind(outcome);
            });
            q.build().execute(&mut **self).await?;
        }
        let updated = sqlx::query(
            "UPDATE incidents SET outcome = u.outcome FROM outcome_updates u \
             WHERE incidents.external_id = u.crime_id AND incidents.outcome IS NOT u.outcome",
        )
        .execute(&mut **self)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM outcome_updates")
            .execute(&mut **self)
            .await?;
        Ok(updated)
    }

    async fn finish_import(
        &mut self,
        import_id: i64,
        files: &[FileReport],
    ) -> Result<(), StoreError> {
        let unchanged = files
            .iter()
            .filter(|f| f.outcome == FileOutcome::Unchanged)
            .count() as i64;
        sqlx::query(
            "UPDATE imports SET files = ?, accepted = ?, rejected = ?, unchanged = ? WHERE id = ?",
        )
        .bind(files.len() as i64)
        .bind(files.iter().map(|f| f.accepted as i64).sum::<i64>())
        .bind(files.iter().map(|f| f.rejected as i64).sum::<i64>())
        .bind(unchanged)
        .bind(import_id)
        .execute(&mut **self)
        .await?;
        Ok(())
    }

    async fn claim_dataset(
        &mut self,
        dataset_key: &str,
        sha256: &str,
    ) -> Result<FileOutcome, StoreError> {
        let existing = sqlx::query("SELECT id, sha256 FROM source_files WHERE dataset_key = ?")
            .bind(dataset_key)
            .fetch_optional(&mut **self)
            .await?;
        match existing {
            None => Ok(FileOutcome::Added),
            Some(row) if row.try_get::<String, _>("sha256")? == sha256 => {
                Ok(FileOutcome::Unchanged)
            }
            Some(row) => {
                let id: i64 = row.try_get("id")?;
                // ON DELETE CASCADE removes its incidents, areas and rejected rows.
                sqlx::query("DELETE FROM source_files WHERE id = ?")
                    .bind(id)
                    .execute(&mut **self)
                    .await?;
                Ok(FileOutcome::Replaced)
            }
        }
    }

    async fn insert_source_file(
        &mut self,
        import_id: i64,
        file: &FileReport,
        sha256: &str,
    ) -> Result<i64, StoreError> {
        let id = sqlx::query(
            "INSERT INTO source_files (import_id, dataset_key, file_name, sha256, rows, accepted, rejected) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(import_id)
        .bind(&file.dataset_key)
        .bind(&file.file_name)
        .bind(sha256)
        .bind(file.rows as i64)
        .bind(file.accepted as i64)
        .bind(file.rejected as i64)
        .fetch_one(&mut **self)
        .await?
        .try_get::<i64, _>(0)?;
        Ok(id)
    }

    async fn insert_incidents(
        &mut self,
        file_id: i64,
        incidents: &[Incident],
    ) -> Result<(), StoreError> {
        crate::sqlite_bulk::insert_incidents(self, file_id, incidents).await
    }

    async fn insert_rejected(
        &mut self,
        file_id: i64,
        file_name: &str,
        rows: &[RejectedRow],
    ) -> Result<(), StoreError> {
        SqliteStore::insert_rejected(self, file_id, file_name, rows).await
    }

    async fn replace_areas(
        &mut self,
        file_id: i64,
        layer: &str,
        areas: &[Area],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM areas WHERE layer = ?")
            .bind(layer)
            .execute(&mut **self)
            .await?;
        for area in areas {
            sqlx::query(
                "INSERT INTO areas (file_id, layer, code, name, population, geometry) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(file_id)
            .bind(layer)
            .bind(&area.code)
            .bind(&area.name)
            .bind(area.population)
            .bind(area_geojson(&area.geometry))
            .execute(&mut **self)
            .await?;
        }
        Ok(())
    }

    async fn area_codes(&mut self, layer: &str) -> Result<HashSet<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT code FROM areas WHERE layer = ?")
            .bind(layer)
            .fetch_all(&mut **self)
            .await?
            .into_iter()
            .collect())
    }

    async fn replace_populations(
        &mut self,
        file_id: i64,
        layer: &str,
        populations: &[(&String, &f64)],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM area_populations WHERE layer = ?")
            .bind(layer)
            .execute(&mut **self)
            .await?;
        SqliteStore::insert_populations(self, file_id, layer, populations).await
    }
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::insert_audit(&mut conn, entries).await
    }

    async fn audit_log(&self, limit: i64, offset: i64) -> Result<Vec<AuditEntry>, StoreError> {
        sqlx::query(
            "SELECT at, username, role, client, method, path, query, status FROM audit_log \
             ORDER BY id DESC LIMIT ? OFFSET ?",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| AuditRow::from_row(r)?.into_entry(r.try_get::<i64, _>("status")? as u16))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::{self, batch, file, incident};
    use crate::IncidentStore;

    async fn store() -> SqliteStore {
        SqliteStore::open("sqlite::memory:").await.unwrap()
    }

    /// Makes the database refuse incidents of category `BOOM`.
    async fn refuse_boom(s: &SqliteStore) {
        sqlx::query(
            "CREATE TRIGGER refuse BEFORE INSERT ON incidents WHEN NEW.category = 'BOOM' \
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
        )
        .execute(&s.pool)
        .await
        .unwrap();
    }

    async fn close(s: SqliteStore) {
        s.pool.close().await;
    }

    conformance::conformance_tests!(store, refuse_boom, close);

    /// The import's larger page cache is the connection's only while it writes.
    #[tokio::test]
    async fn an_import_gives_back_its_page_cache() {
        let s = store().await;
        let cache_size = || async {
            let kib: i64 = sqlx::query_scalar("PRAGMA cache_size")
                .fetch_one(&s.pool)
                .await
                .unwrap();
            kib
        };
        assert_eq!(cache_size().await, -(DEFAULT_CACHE_KIB as i64));
        let import = s.begin_incident_import("police.uk").await.unwrap();
        import.rollback().await.unwrap();
        assert_eq!(cache_size().await, -(DEFAULT_CACHE_KIB as i64));
        let mut import = s.begin_incident_import("police.uk").await.unwrap();
        let f = file("k1", "a", vec![incident("Burglary", "2025-03", 2, true)]);
        import.add_file(&f).await.unwrap();
        import.commit().await.unwrap();
        assert_eq!(cache_size().await, -(DEFAULT_CACHE_KIB as i64));
    }

    #[tokio::test]
    async fn file_database_is_created_and_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("h.db").display());
        let s = SqliteStore::open(&url).await.unwrap();
        s.import_incidents(batch(vec![file(
            "k1",
            "a",
            vec![incident("Burglary", "2025-03", 2, true)],
        )]))
        .await
        .unwrap();
        drop(s);
        let s = SqliteStore::open(&url).await.unwrap();
        assert_eq!(s.load_incidents().await.unwrap().len(), 1);
        s.ping().await.unwrap();
    }
}
