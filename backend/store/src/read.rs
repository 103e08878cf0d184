//! Every incident, read page by page for the in-memory index.
//!
//! At ten million rows, collecting them all first (one owned sqlx row and
//! then one `Incident` each, about a kilobyte a row between them) took most
//! of a minute and gigabytes before the index was even begun. The pages go
//! to the caller as they are read instead, to be turned into columns while
//! the next is read, and hold their rows as columns too ([`StoredPage`]),
//! the text borrowed from the row read rather than copied into strings of
//! its own. SQLite's pages are read through rusqlite on sqlx's own locked
//! connection (as its inserts are written, `sqlite_bulk.rs`): sqlx hands
//! every row through its worker thread, which was most of the time.

use async_trait::async_trait;
use futures_util::TryStreamExt;
use rusqlite::Connection;
use sqlx::{PgConnection, Row, SqliteConnection};
use tokio::sync::mpsc::Sender;

use crate::common::{IncidentRow, INCIDENT_COLUMNS};
use crate::{StoreError, StoredPage};

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
    async fn read_page(&mut self, after: i64) -> Result<StoredPage, StoreError>;
}

/// Reads every incident, by id, in one transaction (so one snapshot of the
/// store, whatever commits meanwhile), sending each page to `to`. Stops
/// early, without error, when the receiver is gone.
pub(crate) async fn send_all<DB>(
    pool: &sqlx::Pool<DB>,
    to: Sender<StoredPage>,
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
        let (Some(last), full) = (page.last_id(), page.len() == PAGE) else {
            break;
        };
        after = last;
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

    async fn read_page(&mut self, after: i64) -> Result<StoredPage, StoreError> {
        crate::sqlite_bulk::with_rusqlite(self, |db| sqlite_page(db, after)).await
    }
}

fn sqlite_page(db: &Connection, after: i64) -> Result<StoredPage, StoreError> {
    let mut statement = db.prepare(&page_sql("?1"))?;
    let mut rows = statement.query([after])?;
    let mut page = StoredPage::default();
    while let Some(r) = rows.next()? {
        let text = |i| r.get_ref(i).and_then(|v| Ok(v.as_str()?));
        let text_or_null = |i| r.get_ref(i).and_then(|v| Ok(v.as_str_or_null()?));
        IncidentRow {
            id: r.get(0)?,
            line: r.get(1)?,
            source: text(2)?,
            external_id: text_or_null(3)?,
            category: text(4)?,
            month: text(5)?,
            occurred_date: text_or_null(6)?,
            occurred_time: text_or_null(7)?,
            lon: r.get(8)?,
            lat: r.get(9)?,
            x: r.get(10)?,
            y: r.get(11)?,
            location_label: text_or_null(12)?,
            lsoa_code: text_or_null(13)?,
            outcome: text_or_null(14)?,
        }
        .push_to(&mut page)?;
    }
    Ok(page)
}

#[async_trait]
impl ReadPage for PgConnection {
    async fn snapshot(&mut self) -> Result<(), StoreError> {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    async fn read_page(&mut self, after: i64) -> Result<StoredPage, StoreError> {
        // Rows are parsed as they arrive, while the server sends the rest.
        let sql = page_sql("$1");
        let mut rows = sqlx::query(&sql).bind(after).fetch(&mut *self);
        let mut page = StoredPage::default();
        while let Some(r) = rows.try_next().await? {
            // By position (by name, sqlx looks each column up in a map) and
            // without comparing each value's type to the schema's, which
            // the migrations fix: a fifth of the reading time otherwise.
            IncidentRow {
                id: r.try_get_unchecked(0)?,
                line: r.try_get_unchecked(1)?,
                source: r.try_get_unchecked(2)?,
                external_id: r.try_get_unchecked(3)?,
                category: r.try_get_unchecked(4)?,
                month: r.try_get_unchecked(5)?,
                occurred_date: r.try_get_unchecked(6)?,
                occurred_time: r.try_get_unchecked(7)?,
                lon: r.try_get_unchecked(8)?,
                lat: r.try_get_unchecked(9)?,
                x: r.try_get_unchecked(10)?,
                y: r.try_get_unchecked(11)?,
                location_label: r.try_get_unchecked(12)?,
                lsoa_code: r.try_get_unchecked(13)?,
                outcome: r.try_get_unchecked(14)?,
            }
            .push_to(&mut page)?;
        }
        Ok(page)
    }
}
