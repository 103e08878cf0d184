//! File-level failures. A row-level problem is never an error (it becomes a
//! [`RejectedRow`](crate::RejectedRow)); an `IngestError` means the whole
//! file cannot be trusted, so the whole import fails and nothing is stored.
//!
//! Every message starts with the file name as the user gave it (and the line
//! where one applies), because the analyst reading it usually imported a
//! folder of many files.

/// Why a file (or a column mapping) could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The path could not be read (missing, permissions, a directory entry vanished).
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// Starts with the gzip magic bytes but does not decompress.
    #[error("{file}: corrupt gzip data: {source}")]
    Gzip {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// Decompresses to more than [`MAX_DECOMPRESSED_BYTES`](crate::source::MAX_DECOMPRESSED_BYTES).
    #[error("{file}: decompresses to more than {limit} bytes")]
    TooLarge { file: String, limit: u64 },
    /// A directory that holds no `*.csv` / `*.csv.gz` file.
    #[error("{file}: directory contains no .csv or .csv.gz files")]
    NoFiles { file: String },
    /// Zero bytes, or nothing but blank lines: there is not even a header.
    #[error("{file}: empty file (no header row)")]
    Empty { file: String },
    /// Text that must be UTF-8 (a header row, a GeoJSON document) is not.
    #[error("{file}: line {line}: not valid UTF-8 text (save the file as UTF-8)")]
    NotUtf8 { file: String, line: u64 },
    /// The header lacks columns the parser needs.
    #[error("{file}: missing required column{} {} (found: {})", if missing.len() == 1 { "" } else { "s" }, quote_list(missing), quote_list(found))]
    MissingColumns {
        file: String,
        missing: Vec<String>,
        found: Vec<String>,
    },
    /// The CSV reader itself failed (not a ragged row: those are rejected rows).
    #[error("{file}: line {line}: {message}")]
    Csv {
        file: String,
        line: u64,
        message: String,
    },
    /// A zip archive that cannot be read, or does not hold what it should.
    #[error("{file}: {message}")]
    Archive { file: String, message: String },
    /// Not JSON, or JSON that is not a GeoJSON FeatureCollection.
    #[error("{file}: {message}")]
    GeoJson { file: String, message: String },
    /// Every feature of a boundary file (or every row of a table) was rejected,
    /// so importing it would silently replace areas with nothing.
    #[error("{file}: all {count} records were rejected; first: line {line}: {reason}")]
    AllRejected {
        file: String,
        count: usize,
        line: u64,
        reason: String,
    },
    /// Rows were read but none was accepted: storing the file would add
    /// nothing (or replace an earlier version with nothing), which almost
    /// always means a wrong mapping or the wrong kind of file.
    #[error(
        "{file}: all {rows} rows were rejected, nothing imported; commonest reasons: {}",
        reason_list(reasons)
    )]
    NothingAccepted {
        file: String,
        rows: u64,
        /// `(field: reason pattern, rows)`, commonest first.
        reasons: Vec<(String, u64)>,
    },
    /// A configuration table (e.g. a harm index) with a bad value: the whole
    /// file is refused, naming where.
    #[error("{file}: line {line}: {field}: {message}")]
    Invalid {
        file: String,
        line: u64,
        field: String,
        message: String,
    },
    /// A column-mapping specification that cannot be understood.
    #[error("column mapping: {0}")]
    Mapping(String),
}

fn reason_list(reasons: &[(String, u64)]) -> String {
    reasons
        .iter()
        .map(|(reason, n)| format!("{n} × {reason}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn quote_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_column_message_names_file_and_columns() {
        let e = IngestError::MissingColumns {
            file: "2025-03-northamptonshire-street.csv".into(),
            missing: vec!["Crime type".into()],
            found: vec!["Crime ID".into(), "Month".into()],
        };
        assert_eq!(
            e.to_string(),
            "2025-03-northamptonshire-street.csv: missing required column \"Crime type\" (found: \"Crime ID\", \"Month\")"
        );
    }
}
