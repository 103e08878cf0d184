//! Every incident, read page by page for the in-memory index.
//!
//! At ten million rows, collecting them all first (one owned sqlx row and
//! then one `Incident` each, about a kilobyte a row between them) took most
//! of a minute and gigabytes before the index was even begun. The pages go
//! to the caller as they are read instead, to be turned into columns while
//! the next is read. SQLite's pages are read through rusqlite on sqlx's own
//! locked connection (as its inserts are written, `sqlite_bulk.rs`): sqlx
//! hands every row through its worker thread, which was most of the time.

use async_trait::async_trait;
use rusqlite::Connection;
use sqlx::{PgConnection, SqliteConnection};
use tokio::sync::mpsc::Sender;

use crate::common::{IncidentRow, INCIDENT_COLUMNS};
use crate::{StoreError, StoredIncident};

/// Rows per page: a few tens of milliseconds of reading, during which the
/// connection is not shared. The conformance tests read 10,000 rows in
/// pages of 1,000.
const PAGE: usize = if cfg!(test) { 1_000 } else { 50_000 };

/// How one backend reads a page of incidents inside an open transaction.
#[async_trait]
pub(crate) trait ReadPage: Send {
    /// Makes every later read of the transaction see one snapshot.
    async fn snapshot(&mut self) -> Result<(), StoreError>;
    /// Up to [`PAGE`] incidents with ids above `after`, by id.
    async fn read_page(&mut self, after: i64) -> Result<Vec<StoredIncident>, StoreError>;
}

/// Reads every incident, by id, in one transaction (so one snapshot of the
/// store, whatever commits meanwhile), sending each page to `to`. Stops
/// early, without error, when the receiver is gone.
pub(crate) async fn send_all<DB>(
    pool: &sqlx::Pool<DB>,
    to: Sender<Vec<StoredIncident>>,
) -> Result<(), StoreError>
where
    DB: sqlx::Database,
    DB::Connection: ReadPage,
{
    let mut tx = pool.begin().await?;
    tx.snapshot().await?;
    let mut after = i64::MIN;
    loop {
        let page = tx.read_page(after).await?;
        let (Some(last), full) = (page.last(), page.len() == PAGE) else {
            break;
        };
        after = last.id;
        if to.send(page).await.is_err() || !full {
            break;
        }
    }
    // Nothing was written.
    tx.rollback().await?;
    Ok(())
}

fn page_sql(placeholder: &str) -> String {
    format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id > {placeholder} ORDER BY id LIMIT {PAGE}")
}

#[async_trait]
impl ReadPage for SqliteConnection {
    async fn snapshot(&mut self) -> Result<(), StoreError> {
        // A deferred SQLite transaction reads one snapshot from its first read.
        Ok(())
    }

    async fn read_page(&mut self, after: i64) -> Result<Vec<StoredIncident>, StoreError> {
        let mut handle = self.lock_handle().await?;
        // SAFETY: while `handle` lives, sqlx's worker makes no call on this
        // connection; `from_handle` neither closes it nor changes its
        // settings, and `db` (with its statement) is dropped before `handle`.
        let db = unsafe { Connection::from_handle(handle.as_raw_handle().as_ptr()) }?;
        let page = sqlite_page(&db, after);
        drop(db);
        drop(handle);
        tokio::task::yield_now().await;
        page
    }
}

fn sqlite_page(db: &Connection, after: i64) -> Result<Vec<StoredIncident>, StoreError> {
    let mut statement = db.prepare(&page_sql("?1"))?;
    let rows = statement.query_map([after], |r| {
        Ok(IncidentRow {
            id: r.get(0)?,
            line: r.get(1)?,
            source: r.get(2)?,
            external_id: r.get(3)?,
            category: r.get(4)?,
            month: r.get(5)?,
            occurred_date: r.get(6)?,
            occurred_time: r.get(7)?,
            lon: r.get(8)?,
            lat: r.get(9)?,
            x: r.get(10)?,
            y: r.get(11)?,
            location_label: r.get(12)?,
            lsoa_code: r.get(13)?,
            outcome: r.get(14)?,
        })
    })?;
    rows.map(|row| row?.into_incident()).collect()
}

#[async_trait]
impl ReadPage for PgConnection {
    async fn snapshot(&mut self) -> Result<(), StoreError> {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    async fn read_page(&mut self, after: i64) -> Result<Vec<StoredIncident>, StoreError> {
        sqlx::query_as::<_, IncidentRow>(&page_sql("$1"))
            .bind(after)
            .fetch_all(&mut *self)
            .await?
            .into_iter()
            .map(IncidentRow::into_incident)
            .collect()
    }
}
