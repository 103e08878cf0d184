//! Parsers that turn the files a Community Safety Partnership analyst has —
//! police.uk street CSVs, partner or force extracts with a column mapping,
//! ward boundaries as GeoJSON, population tables — into validated
//! [`hotspot_core`] types.
//!
//! Pure and synchronous: bytes in, values out, no SQL, no I/O beyond
//! [`read_sources`]. The storage layer stores what these functions return.
//!
//! Two kinds of failure, never silent:
//! * a **rejected row** ([`RejectedRow`]): one record is bad; it is returned
//!   with its file, 1-based physical line (header = line 1), column, reason
//!   and raw text so it can be quarantined and exported, and the rest of the
//!   file still imports. `rows == accepted + rejected` always holds.
//! * an **[`IngestError`]**: the file itself is unusable (unreadable, corrupt
//!   gzip, empty, header not UTF-8, required columns missing, not GeoJSON,
//!   every boundary rejected); the whole import fails and the message names
//!   the file.
//!
//! Modules: [`source`] (files, gzip, folders), [`police_uk`], [`mapped`]
//! (generic CSV), [`boundaries`] (GeoJSON areas), [`population`], [`error`].

use std::collections::{BTreeMap, BTreeSet};

use hotspot_core::{Incident, Month};
use serde::Serialize;

pub mod boundaries;
mod boundary_formats;
mod csvutil;
pub mod error;
mod fxhash;
pub mod harm_index;
pub mod mapped;
pub mod police_uk;
pub mod police_uk_api;
pub mod police_uk_download;
pub mod population;
mod project;
pub mod source;

pub use boundaries::{parse_boundaries, BoundaryOptions, ParsedAreas};
pub use error::IngestError;
pub use harm_index::parse_harm_index;
pub use mapped::{parse_mapped_csv, CategorySpec, Coordinates, CsvMapping, DatePrecisionSetting};
pub use police_uk::parse_police_uk;

/// Whether a quarantined row only repeats an identifier already counted
/// (police.uk publishes one crime on several rows when it has several
/// outcomes or locations). Such rows are kept for the record but are not
/// errors in the data, so `--strict` imports let them pass.
///
/// ```
/// assert!(hotspot_ingest::is_repeated_id("repeated Crime ID ab12, first seen at line 7: counted once"));
/// assert!(!hotspot_ingest::is_repeated_id("Longitude \"north\" is not a number"));
/// ```
pub fn is_repeated_id(reason: &str) -> bool {
    reason.starts_with("repeated ") && reason.ends_with(": counted once")
}
/// The `n` commonest kinds of rejection, commonest first, as
/// `("field: reason", rows)`. Values quoted in a reason are replaced by `…`
/// and repeated-ID reasons merged, so that rows failing the same way count
/// together. For an error message that must say why a whole file failed.
///
/// ```
/// let rows = [
///     (Some("Date"), "unrecognised date \"01-2022\""),
///     (Some("Date"), "unrecognised date \"02-2022\""),
///     (None, "expected 5 fields, found 3"),
/// ];
/// assert_eq!(
///     hotspot_ingest::commonest_reasons(rows, 3),
///     [("Date: unrecognised date \"…\"".to_string(), 2), ("(row): expected 5 fields, found 3".to_string(), 1)]
/// );
/// ```
pub fn commonest_reasons<'a>(
    rows: impl IntoIterator<Item = (Option<&'a str>, &'a str)>,
    n: usize,
) -> Vec<(String, u64)> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for (field, reason) in rows {
        let pattern = if is_repeated_id(reason) {
            "repeated ID: counted once".to_string()
        } else {
            let mut out = String::with_capacity(reason.len());
            for (i, part) in reason.split('"').enumerate() {
                if i > 0 {
                    out.push('"');
                }
                out.push_str(if i % 2 == 1 { "…" } else { part });
            }
            out
        };
        *counts
            .entry(format!("{}: {pattern}", field.unwrap_or("(row)")))
            .or_insert(0) += 1;
    }
    let mut v: Vec<(String, u64)> = counts.into_iter().collect();
    // Stable sort: equal counts stay in name order.
    v.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    v.truncate(n);
    v
}

pub use population::{parse_population, parse_population_rows, PopulationRow};
pub use source::{
    import_version, read_source, read_sources, source_from_bytes, source_paths, SourceFile,
};

/// One record that was not imported, with everything needed to find, fix
/// and re-import it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// File name as the user gave it.
    pub file: String,
    /// 1-based physical line where the record starts (header = line 1). For
    /// GeoJSON, the feature's index + 1.
    pub line: u64,
    /// The column (or GeoJSON member) at fault, as named in the file;
    /// `None` when the row as a whole is bad (wrong number of fields).
    pub field: Option<String>,
    pub reason: String,
    /// The record's text as in the file, line terminator removed.
    pub raw: String,
}

/// What one incident file yielded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedIncidents {
    pub file: String,
    /// Hex SHA-256 of the decompressed bytes (BOM removed): the same file,
    /// gzipped or not, has the same hash, so re-importing it is a no-op.
    pub content_sha256: String,
    /// What this file is a version of, so that a corrected re-publication
    /// replaces the earlier one: `police.uk:<force slug>:<YYYY-MM>` for a
    /// single-force, single-month police.uk file, `police.uk:file:<file name>`
    /// otherwise, and `csv:<source>:<file name>` for mapped CSVs. File names
    /// lose any `.gz` suffix.
    pub dataset_key: String,
    /// What the store compares to decide "unchanged": `content_sha256` for
    /// police.uk files; for mapped CSVs also the mapping, so that the same
    /// file imported with another mapping is a new version.
    pub version: String,
    /// Data rows read (header excluded, blank lines not counted).
    pub rows: u64,
    pub incidents: Vec<Incident>,
    pub rejected: Vec<RejectedRow>,
    pub summary: ImportSummary,
    /// What the parser decided that changes how the data reads, for the
    /// import report (e.g. dates on the 1st read as months).
    pub notes: Vec<String>,
}

/// Counts an analyst wants to see after an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Data rows read; always `accepted + rejected`.
    pub rows: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Accepted incidents with a map position.
    pub located: u64,
    /// Accepted incidents published without a location (counted in totals,
    /// not mapped).
    pub no_location: u64,
    /// Rows rejected because their ID repeats an earlier row (counted once).
    pub duplicate_ids: u64,
    /// Accepted incidents of type "Anti-social behaviour" (police.uk
    /// publishes these without a Crime ID).
    pub asb_rows: u64,
    /// Accepted incidents per category / crime type.
    pub by_category: BTreeMap<String, u64>,
    /// Months covered by accepted incidents.
    pub months: BTreeSet<Month>,
    /// Rejected rows per column at fault (`"(row)"` for whole-row problems).
    pub rejected_by_field: BTreeMap<String, u64>,
}

impl ImportSummary {
    pub(crate) fn accept(&mut self, inc: &Incident) {
        self.accepted += 1;
        if inc.location.is_some() {
            self.located += 1;
        } else {
            self.no_location += 1;
        }
        if inc.category.eq_ignore_ascii_case("Anti-social behaviour") {
            self.asb_rows += 1;
        }
        match self.by_category.get_mut(inc.category.as_str()) {
            Some(n) => *n += 1,
            None => {
                self.by_category.insert(inc.category.clone(), 1);
            }
        }
        self.months.insert(inc.month);
    }

    pub(crate) fn reject(&mut self, row: &RejectedRow) {
        self.rejected += 1;
        let key = row.field.as_deref().unwrap_or("(row)");
        match self.rejected_by_field.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                self.rejected_by_field.insert(key.to_string(), 1);
            }
        }
    }
}

/// Lowercase ASCII slug: "Northamptonshire Police" → "northamptonshire-police".
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(
            super::slug("Northamptonshire Police"),
            "northamptonshire-police"
        );
        assert_eq!(super::slug("  Avon & Somerset  "), "avon-somerset");
    }
}
