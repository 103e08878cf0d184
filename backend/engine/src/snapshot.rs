//! The snapshot file: the incident columns as they are in memory, written
//! once after a load from the store and mapped at the next start.
//!
//! Reading ten million rows through the database driver took most of a
//! minute at start-up. Mapping this file takes milliseconds: only what is
//! derived from the columns (the R-tree, each place's ward, the tile index)
//! is rebuilt, and a column no analysis reads (Crime IDs, outcomes) stays on
//! disk until a listing asks for its rows.
//!
//! Layout: the magic bytes (with the format version), each column's raw
//! little-endian values at an offset that is a multiple of 8, then a JSON
//! manifest (the fingerprint, each column's offset and length, the string
//! tables), then the manifest's length as 8 bytes. The file is only ever
//! written whole to a temporary name and renamed into place, never changed
//! where it lies, which is what makes mapping it sound: a service that has
//! the old file mapped keeps reading the old file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytemuck::Pod;
use hotspot_core::{Area, CrimeGroups};
use memmap2::Mmap;
use serde::{Deserialize, Serialize};

use crate::columns::{Column, Columns, NONE};
use crate::Dataset;

/// Bump the last byte when the layout or a column's meaning changes: an
/// older file is then not used.
const MAGIC: &[u8; 8] = b"HOTSNAP\x01";

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("snapshot file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("snapshot file {path} is damaged ({reason}); it will be rewritten from the store")]
    Damaged { path: PathBuf, reason: String },
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    /// What the store held when the file was written; the file is used
    /// only while the store still holds that.
    fingerprint: String,
    rows: usize,
    columns: Vec<Section>,
    categories: Vec<String>,
    sources: Vec<String>,
    labels: Vec<String>,
    lsoas: Vec<String>,
    outcomes: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct Section {
    name: String,
    /// Byte offset from the start of the file.
    start: usize,
    /// Values (not bytes).
    len: usize,
}

impl Dataset {
    /// The snapshot in the file at `path`, indexed with `areas` and
    /// `groups`, if the file was written for `fingerprint`; `Ok(None)` when
    /// there is no file or it was written for other data.
    pub fn open_snapshot(
        path: &Path,
        fingerprint: &str,
        areas: Vec<Area>,
        groups: CrimeGroups,
    ) -> Result<Option<Dataset>, SnapshotError> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(SnapshotError::Io {
                    path: path.to_owned(),
                    source,
                })
            }
        };
        match map_columns(&file, path, Some(fingerprint))? {
            Some(cols) => Ok(Some(Dataset::from_columns(cols, areas, groups))),
            None => Ok(None),
        }
    }
}

/// The columns in `file` (at `path`, for errors), if it was written for
/// `fingerprint` (any, if `None`).
fn map_columns(
    file: &std::fs::File,
    path: &Path,
    fingerprint: Option<&str>,
) -> Result<Option<Columns>, SnapshotError> {
    // SAFETY: the file is replaced only by renaming a new file over it
    // (see the module comment), never modified in place.
    let map = unsafe { Mmap::map(file) }.map_err(|source| SnapshotError::Io {
        path: path.to_owned(),
        source,
    })?;
    let damaged = |reason: String| SnapshotError::Damaged {
        path: path.to_owned(),
        reason,
    };
    let manifest = read_manifest(&map).map_err(damaged)?;
    if fingerprint.is_some_and(|f| f != manifest.fingerprint) {
        return Ok(None);
    }
    Ok(Some(columns(Arc::new(map), manifest).map_err(damaged)?))
}

/// A snapshot file written under a temporary name, not yet flushed to disk
/// nor in place: a first start maps it and answers from it at once (its
/// columns then stay on disk until asked for, as after a restart, instead
/// of on the heap), and [`PendingSnapshot::persist`]s it afterwards.
/// Dropped unpersisted, the temporary file is removed.
#[derive(Debug)]
pub struct PendingSnapshot {
    tmp: PathBuf,
    path: PathBuf,
}

impl PendingSnapshot {
    fn write(cols: &Columns, path: &Path, fingerprint: &str) -> Result<Self, SnapshotError> {
        let pending = PendingSnapshot {
            tmp: path.with_extension(format!("tmp-{}", std::process::id())),
            path: path.to_owned(),
        };
        write_file(cols, &pending.tmp, fingerprint).map_err(|e| pending.io(e))?;
        Ok(pending)
    }

    /// The columns just written, mapped.
    fn map(&self) -> Result<Columns, SnapshotError> {
        let file = std::fs::File::open(&self.tmp).map_err(|e| self.io(e))?;
        let cols = map_columns(&file, &self.tmp, None)?;
        Ok(cols.expect("any fingerprint is taken"))
    }

    /// Flushes the file to disk and renames it into place, so that a crash
    /// leaves either the old file or the whole new one.
    pub fn persist(self) -> Result<(), SnapshotError> {
        let flushed = std::fs::File::open(&self.tmp).and_then(|f| f.sync_all());
        flushed
            .and_then(|()| std::fs::rename(&self.tmp, &self.path))
            .map_err(|e| self.io(e))
    }

    fn io(&self, source: std::io::Error) -> SnapshotError {
        SnapshotError::Io {
            path: self.path.clone(),
            source,
        }
    }
}

impl Drop for PendingSnapshot {
    fn drop(&mut self) {
        // Gone already once renamed into place.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Writes `cols` to a [`PendingSnapshot`] at `path` and maps it: the mapped
/// columns with the file, or, when that fails, `cols` with the error.
pub(crate) fn write_and_map(
    cols: Columns,
    path: &Path,
    fingerprint: &str,
) -> (Columns, Result<PendingSnapshot, SnapshotError>) {
    let written = PendingSnapshot::write(&cols, path, fingerprint);
    match written.and_then(|p| Ok((p.map()?, p))) {
        Ok((mapped, pending)) => (mapped, Ok(pending)),
        Err(e) => (cols, Err(e)),
    }
}

fn write_file(cols: &Columns, path: &Path, fingerprint: &str) -> std::io::Result<()> {
    let mut out = Writer {
        file: std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?),
        at: 0,
        sections: Vec::new(),
    };
    out.bytes(MAGIC)?;
    out.column("id", &cols.id)?;
    out.column("month", &cols.month)?;
    out.column("date", &cols.date)?;
    out.column("time", &cols.time)?;
    out.column("category", &cols.category)?;
    out.column("source", &cols.source)?;
    out.column("place", &cols.place)?;
    out.column("label", &cols.label)?;
    out.column("lsoa", &cols.lsoa)?;
    out.column("outcome", &cols.outcome)?;
    out.column("origin_line", &cols.origin_line)?;
    out.column("external_end", &cols.external_end)?;
    out.column("external", &cols.external)?;
    out.column("places", &cols.places)?;
    let manifest = Manifest {
        fingerprint: fingerprint.to_owned(),
        rows: cols.len(),
        columns: std::mem::take(&mut out.sections),
        categories: cols.categories.clone(),
        sources: cols.sources.clone(),
        labels: cols.labels.clone(),
        lsoas: cols.lsoas.clone(),
        outcomes: cols.outcomes.clone(),
    };
    let json = serde_json::to_vec(&manifest)?;
    out.bytes(&json)?;
    out.bytes(&(json.len() as u64).to_le_bytes())?;
    out.file.into_inner().map_err(|e| e.into_error())?;
    Ok(())
}

struct Writer {
    file: std::io::BufWriter<std::fs::File>,
    at: usize,
    sections: Vec<Section>,
}

impl Writer {
    fn bytes(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.file.write_all(b)?;
        self.at += b.len();
        Ok(())
    }

    fn column<T: Pod>(&mut self, name: &str, values: &[T]) -> std::io::Result<()> {
        let pad = (8 - self.at % 8) % 8;
        self.bytes(&[0u8; 8][..pad])?;
        self.sections.push(Section {
            name: name.to_owned(),
            start: self.at,
            len: values.len(),
        });
        // Little-endian on every platform this runs on; a big-endian build
        // would read its own files only.
        self.bytes(bytemuck::cast_slice(values))
    }
}

fn read_manifest(map: &[u8]) -> Result<Manifest, String> {
    if map.len() < 16 || &map[..8] != MAGIC {
        return Err("not a snapshot file of this version".into());
    }
    let (body, tail) = map.split_at(map.len() - 8);
    let len = u64::from_le_bytes(tail.try_into().expect("8 bytes")) as usize;
    let json = body
        .len()
        .checked_sub(len)
        .filter(|&start| start >= 8)
        .map(|start| &body[start..])
        .ok_or("the manifest length is wrong")?;
    serde_json::from_slice(json).map_err(|e| format!("manifest: {e}"))
}

/// The columns the manifest describes, as slices of the map, each checked
/// for bounds, alignment and length, and every index checked against its
/// table, so a damaged file is refused rather than read out of bounds.
fn columns(map: Arc<Mmap>, m: Manifest) -> Result<Columns, String> {
    let column = |name: &str, per_row: bool| -> Result<(usize, usize), String> {
        let s = m.columns.iter().find(|s| s.name == name);
        let s = s.ok_or(format!("no column {name}"))?;
        if per_row && s.len != m.rows && !(s.len == 0 && matches!(name, "date" | "time")) {
            return Err(format!("column {name} has {} rows, not {}", s.len, m.rows));
        }
        Ok((s.start, s.len))
    };
    let cols = Columns {
        id: mapped(&map, column("id", true)?)?,
        month: mapped(&map, column("month", true)?)?,
        date: mapped(&map, column("date", true)?)?,
        time: mapped(&map, column("time", true)?)?,
        category: mapped(&map, column("category", true)?)?,
        source: mapped(&map, column("source", true)?)?,
        place: mapped(&map, column("place", true)?)?,
        label: mapped(&map, column("label", true)?)?,
        lsoa: mapped(&map, column("lsoa", true)?)?,
        outcome: mapped(&map, column("outcome", true)?)?,
        origin_line: mapped(&map, column("origin_line", true)?)?,
        external_end: mapped(&map, column("external_end", true)?)?,
        external: mapped(&map, column("external", false)?)?,
        places: mapped(&map, column("places", false)?)?,
        categories: m.categories,
        sources: m.sources,
        labels: m.labels,
        lsoas: m.lsoas,
        outcomes: m.outcomes,
    };
    check_indexes(&cols)?;
    Ok(cols)
}

fn mapped<T: Pod>(map: &Arc<Mmap>, (start, len): (usize, usize)) -> Result<Column<T>, String> {
    let bytes = len.checked_mul(std::mem::size_of::<T>());
    let end = bytes.and_then(|b| start.checked_add(b));
    if start % 8 != 0 || end.is_none_or(|end| end > map.len()) {
        return Err(format!("a column at byte {start} runs past the end"));
    }
    Ok(Column::Mapped {
        map: map.clone(),
        start,
        len,
    })
}

fn check_indexes(c: &Columns) -> Result<(), String> {
    below("category", &c.category, c.categories.len())?;
    below("source", &c.source, c.sources.len())?;
    below("place", &c.place, c.places.len())?;
    below("label", &c.label, c.labels.len())?;
    below("lsoa", &c.lsoa, c.lsoas.len())?;
    below("outcome", &c.outcome, c.outcomes.len())?;
    let ends_rise = c.external_end.windows(2).all(|w| w[0] <= w[1]);
    let last = c.external_end.last().copied().unwrap_or(0);
    if !ends_rise || last as usize > c.external.len() {
        return Err("the Crime ID offsets are out of order".into());
    }
    Ok(())
}

/// Every value of an index column is [`NONE`] or below its table's length.
fn below<T: Copy + Into<u64>>(name: &str, values: &[T], n: usize) -> Result<(), String> {
    let ok = |v: u64| v == NONE as u64 || v < n as u64;
    if values.iter().all(|&v| ok(v.into())) {
        Ok(())
    } else {
        Err(format!("column {name} points past its table"))
    }
}
