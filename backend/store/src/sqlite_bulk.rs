//! SQLite's incident INSERTs, bound straight from the incidents, and
//! [`with_rusqlite`], which they and the paged reading (`read.rs`) go
//! through.
//!
//! Through sqlx, every bound value of a multi-row INSERT is copied into an
//! owned argument and handed to the connection's worker thread, which binds
//! it again: at millions of rows that copying, not SQLite, took most of an
//! import's time. Here the rows go through rusqlite on the same connection
//! (sqlx's locked handle, so inside the import's open transaction), bound
//! from the incidents' own fields into multi-row statements prepared once
//! per piece. PostgreSQL keeps the shared `bulk_inserts`.

use hotspot_core::Incident;
use rusqlite::{CachedStatement, Connection};
use sqlx::SqliteConnection;

use crate::StoreError;

/// Rows per multi-row INSERT: 15 columns × 100 rows is 1,500 parameters.
const ROWS_PER_STATEMENT: usize = 100;

/// Rows written while the handle is locked; between pieces other tasks on
/// the runtime (the HTTP server's, say) get a turn.
const ROWS_PER_PIECE: usize = 20_000;

const COLUMNS: &str = "file_id, line, source, external_id, category, month, occurred_date, \
                       occurred_time, lon, lat, x, y, location_label, lsoa_code, outcome";

/// Inserts `incidents` of the source file `file_id` on `conn`, in whatever
/// transaction is open there.
pub(crate) async fn insert_incidents(
    conn: &mut SqliteConnection,
    file_id: i64,
    incidents: &[Incident],
) -> Result<(), StoreError> {
    for piece in incidents.chunks(ROWS_PER_PIECE) {
        with_rusqlite(conn, |db| Ok(insert_piece(db, file_id, piece)?)).await?;
    }
    Ok(())
}

/// Runs `work` through rusqlite on sqlx's own connection, inside whatever
/// transaction is open there, then lets other tasks on the runtime have a
/// turn. On a multi-threaded runtime the worker's other tasks are moved to
/// another worker meanwhile (`block_in_place`): a running service that
/// reloads after an import reads 200 pages of tens of milliseconds each,
/// and its requests should not queue behind them.
pub(crate) async fn with_rusqlite<T>(
    conn: &mut SqliteConnection,
    work: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut handle = conn.lock_handle().await?;
    // SAFETY: while `handle` lives, sqlx's worker makes no call on this
    // connection; `from_handle` neither closes it nor changes its settings,
    // and `db` (with any statements `work` prepared or cached) is dropped
    // before `handle`.
    let db = unsafe { Connection::from_handle(handle.as_raw_handle().as_ptr()) }?;
    let multi_threaded = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    let done = if multi_threaded {
        tokio::task::block_in_place(|| work(&db))
    } else {
        work(&db)
    };
    drop(db);
    drop(handle);
    tokio::task::yield_now().await;
    done
}

fn insert_piece(db: &Connection, file_id: i64, rows: &[Incident]) -> rusqlite::Result<()> {
    let mut full = db.prepare_cached(&insert_sql(ROWS_PER_STATEMENT))?;
    let mut text = Text::default();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        if chunk.len() == ROWS_PER_STATEMENT {
            run(&mut full, file_id, chunk, &mut text)?;
        } else {
            let mut last = db.prepare_cached(&insert_sql(chunk.len()))?;
            run(&mut last, file_id, chunk, &mut text)?;
        }
    }
    Ok(())
}

/// `INSERT INTO incidents (…) VALUES (?, …), …` for `rows` rows.
fn insert_sql(rows: usize) -> String {
    let one = format!("({}?)", "?, ".repeat(14));
    format!(
        "INSERT INTO incidents ({COLUMNS}) VALUES {}",
        vec![one; rows].join(", ")
    )
}

/// Buffers reused for the values written as text (month, date, time).
#[derive(Default)]
struct Text {
    month: String,
    date: String,
    time: String,
}

/// Binds one statement's rows (as many as it has) and runs it.
fn run(
    st: &mut CachedStatement<'_>,
    file_id: i64,
    rows: &[Incident],
    text: &mut Text,
) -> rusqlite::Result<()> {
    use std::fmt::Write;
    let mut p = 0;
    let mut bind = |st: &mut CachedStatement<'_>, v: &dyn rusqlite::ToSql| {
        p += 1;
        st.raw_bind_parameter(p, v)
    };
    for i in rows {
        let loc = i.location;
        text.month.clear();
        write!(text.month, "{}", i.month).expect("a String takes any text");
        let date = i.date.map(|d| {
            text.date.clear();
            write!(text.date, "{}", d.format("%Y-%m-%d")).expect("text");
            text.date.as_str()
        });
        let time = i.time.map(|t| {
            text.time.clear();
            write!(text.time, "{}", t.format("%H:%M:%S")).expect("text");
            text.time.as_str()
        });
        bind(st, &file_id)?;
        bind(st, &(i.origin_line as i64))?;
        bind(st, &i.source)?;
        bind(st, &i.external_id)?;
        bind(st, &i.category)?;
        bind(st, &text.month.as_str())?;
        bind(st, &date)?;
        bind(st, &time)?;
        bind(st, &loc.map(|l| l.lon))?;
        bind(st, &loc.map(|l| l.lat))?;
        bind(st, &loc.map(|l| l.x))?;
        bind(st, &loc.map(|l| l.y))?;
        bind(st, &i.location_label)?;
        bind(st, &i.lsoa_code)?;
        bind(st, &i.outcome)?;
    }
    st.raw_execute()?;
    Ok(())
}
