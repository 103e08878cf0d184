//! police.uk as downloaded: the data.police.uk custom-download zip, with a
//! folder per month holding `YYYY-MM-<force>-street.csv`,
//! `-outcomes.csv` and `-stop-and-search.csv` files.
//!
//! * **Street** files are read as any police.uk street file.
//! * **Outcomes** files list the outcomes recorded each month, for crimes of
//!   that month or earlier; each crime in the download takes its latest
//!   outcome (by month; a later file wins a tie) as its last outcome.
//!   Outcomes for crimes not in the download go to the store, which gives
//!   them to the crimes it holds from earlier imports. A street file whose crimes took outcomes is a new version of
//!   its month (its version includes the outcomes files'), so a download
//!   with newer outcomes replaces the month rather than being "unchanged".
//! * **Stop-and-search** files, when asked for, are read as their own source
//!   `stop-and-search` ([`STOP_AND_SEARCH_MAPPING`]): date and time, place,
//!   and nothing about the person searched.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use hotspot_core::Month;

use crate::{source_from_bytes, IngestError, ParsedIncidents, RejectedRow, SourceFile};

/// The files of a police.uk download, each oldest month first, named
/// `download.zip:2025-01/2025-01-northamptonshire-street.csv`.
#[derive(Debug, Default)]
pub struct Download {
    pub street: Vec<SourceFile>,
    pub outcomes: Vec<SourceFile>,
    pub stop_and_search: Vec<SourceFile>,
}

/// A zip archive, told by its first bytes.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The mapping stop-and-search files are read with (see
/// [`crate::mapped`]): the date-time and the place only.
pub const STOP_AND_SEARCH_MAPPING: &str =
    "date=Date,date_format=%Y-%m-%dT%H:%M:%S%:z,lat=Latitude,lon=Longitude,fixed_category=Stop and search,source=stop-and-search";

/// The street, outcomes and stop-and-search files in a download zip.
/// Other members are ignored; a zip with no street file is an error.
pub fn unpack(file: &SourceFile) -> Result<Download, IngestError> {
    let bad = |message: String| IngestError::Archive {
        file: file.name.clone(),
        message,
    };
    let mut zip =
        zip::ZipArchive::new(Cursor::new(&file.bytes[..])).map_err(|e| bad(e.to_string()))?;
    let mut names: Vec<String> = zip.file_names().map(String::from).collect();
    names.sort();
    let mut d = Download::default();
    for name in names {
        let lower = name.to_ascii_lowercase();
        let list = if lower.ends_with("-street.csv") {
            &mut d.street
        } else if lower.ends_with("-outcomes.csv") {
            &mut d.outcomes
        } else if lower.ends_with("-stop-and-search.csv") {
            &mut d.stop_and_search
        } else {
            continue;
        };
        let mut bytes = Vec::new();
        zip.by_name(&name)
            .map_err(|e| bad(format!("{name}: {e}")))?
            .read_to_end(&mut bytes)
            .map_err(|e| bad(format!("{name}: {e}")))?;
        list.push(source_from_bytes(&format!("{}:{name}", file.name), bytes)?);
    }
    if d.street.is_empty() {
        return Err(bad(
            "no *-street.csv file: not a police.uk download (choose \"Include crime data\" when downloading)".into(),
        ));
    }
    Ok(d)
}

/// Each crime's latest outcome in a download's outcomes files.
#[derive(Debug, Default)]
pub struct Outcomes {
    latest: HashMap<String, (Month, String)>,
    /// Rows that could not be read, for the import's quarantine.
    pub rejected: Vec<RejectedRow>,
    /// What the outcomes files were (their hashes), for versions.
    fingerprint: String,
}

impl Outcomes {
    /// Reads `Crime ID`, `Month` and `Outcome type` from each file.
    pub fn read(files: &[SourceFile]) -> Result<Self, IngestError> {
        let mut out = Outcomes::default();
        for f in files {
            out.fingerprint.push_str(&f.sha256_hex());
            out.read_file(f)?;
        }
        Ok(out)
    }

    fn read_file(&mut self, f: &SourceFile) -> Result<(), IngestError> {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(&f.bytes[..]);
        let headers = r.headers().map_err(|e| csv_error(f, e))?.clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let (Some(id), Some(month), Some(outcome)) =
            (col("Crime ID"), col("Month"), col("Outcome type"))
        else {
            return Err(IngestError::MissingColumns {
                file: f.name.clone(),
                missing: ["Crime ID", "Month", "Outcome type"]
                    .iter()
                    .filter(|c| col(c).is_none())
                    .map(|c| c.to_string())
                    .collect(),
                found: headers.iter().map(String::from).collect(),
            });
        };
        for (i, record) in r.records().enumerate() {
            let record = record.map_err(|e| csv_error(f, e))?;
            let line = i as u64 + 2;
            let field = |c: usize| record.get(c).unwrap_or("").trim();
            let reject = |field: &str, reason: String| RejectedRow {
                file: f.name.clone(),
                line,
                field: Some(field.into()),
                reason,
                raw: record.iter().collect::<Vec<_>>().join(","),
            };
            let Ok(m) = field(month).parse::<Month>() else {
                self.rejected.push(reject(
                    "Month",
                    format!("not a month (YYYY-MM): {:?}", field(month)),
                ));
                continue;
            };
            if field(id).is_empty() || field(outcome).is_empty() {
                self.rejected.push(reject(
                    "Crime ID",
                    "an outcome needs a Crime ID and an Outcome type".into(),
                ));
                continue;
            }
            let entry = self
                .latest
                .entry(field(id).to_string())
                .or_insert((m, String::new()));
            if m >= entry.0 {
                *entry = (m, field(outcome).to_string());
            }
        }
        Ok(())
    }

    /// Gives each crime of `parsed` with an outcome its latest one; the
    /// number of crimes changed. The file becomes a new version when any
    /// did.
    pub fn apply(&self, parsed: &mut ParsedIncidents) -> usize {
        let mut changed = 0;
        for i in &mut parsed.incidents {
            let Some(id) = &i.external_id else { continue };
            if let Some((_, outcome)) = self.latest.get(id) {
                if i.outcome.as_deref() != Some(outcome.as_str()) {
                    i.outcome = Some(outcome.clone());
                    changed += 1;
                }
            }
        }
        if changed > 0 {
            parsed.version =
                crate::import_version(&parsed.version, &format!("outcomes={}", self.fingerprint));
        }
        changed
    }

    /// The latest outcomes of crimes not among `ids` (those of months the
    /// download does not hold), for the store to apply to crimes it has.
    pub fn elsewhere<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
        let ids: std::collections::HashSet<&str> = ids.collect();
        let mut v: Vec<(String, String)> = self
            .latest
            .iter()
            .filter(|(k, _)| !ids.contains(k.as_str()))
            .map(|(k, (_, outcome))| (k.clone(), outcome.clone()))
            .collect();
        v.sort();
        v
    }
}

fn csv_error(f: &SourceFile, e: csv::Error) -> IngestError {
    IngestError::Csv {
        file: f.name.clone(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    }
}
