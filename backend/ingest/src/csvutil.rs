//! Shared CSV plumbing: header lookup, physical line numbers, raw row text.
//!
//! Records are read as `ByteRecord`s into one reused buffer (no per-row
//! allocation) with `flexible(true)`, so a ragged row is reported by the
//! caller as a rejected row instead of aborting the file. Line numbers are the
//! physical line where the record starts (`\n`, `\r\n` and a lone `\r` each
//! end a line; blank lines count), so a quoted field spanning lines does not
//! shift the numbers of later rows.

use csv::{ByteRecord, Reader, ReaderBuilder};

use crate::{IngestError, RejectedRow, SourceFile};

pub(crate) struct CsvRows<'a> {
    file: &'a SourceFile,
    rdr: Reader<&'a [u8]>,
    pub record: ByteRecord,
    /// Header names, trimmed, BOM removed, as written (for messages).
    pub header: Vec<String>,
    /// Byte offset and line of the current record's start.
    start: u64,
    pub line: u64,
    /// Byte offset up to which line breaks have been counted into `line`.
    cursor: usize,
    /// Whether the file has a `\r` not followed by `\n` (then lines are
    /// counted here rather than taken from csv, which counts `\n` only).
    lone_cr: bool,
}

impl<'a> CsvRows<'a> {
    pub fn open(file: &'a SourceFile, delimiter: u8) -> Result<Self, IngestError> {
        let rdr = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(&file.bytes[..]);
        let mut rows = CsvRows {
            file,
            rdr,
            record: ByteRecord::new(),
            header: Vec::new(),
            start: 0,
            line: 1,
            cursor: 0,
            lone_cr: has_lone_cr(&file.bytes),
        };
        if !rows.next()? {
            return Err(IngestError::Empty {
                file: file.name.clone(),
            });
        }
        let mut header = Vec::with_capacity(rows.record.len());
        for field in rows.record.iter() {
            let s = std::str::from_utf8(field).map_err(|_| IngestError::NotUtf8 {
                file: file.name.clone(),
                line: rows.line,
            })?;
            header.push(
                s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .to_string(),
            );
        }
        if header.iter().all(|h| h.is_empty()) {
            return Err(IngestError::Empty {
                file: file.name.clone(),
            });
        }
        rows.header = header;
        Ok(rows)
    }

    /// Reads the next record into `self.record`; false at end of input.
    pub fn next(&mut self) -> Result<bool, IngestError> {
        match self.rdr.read_byte_record(&mut self.record) {
            Ok(more) => {
                if more {
                    // csv reports the position where the previous record's
                    // parse stopped: before the `\n` of a CRLF and before any
                    // blank lines. Step over those to the record's real start.
                    // csv counts only `\n`, so in a file with lone `\r` line
                    // ends (old Mac / Excel) line breaks are counted here.
                    let bytes = &self.file.bytes;
                    let pos = self
                        .record
                        .position()
                        .expect("csv records carry a position");
                    let mut start = pos.byte() as usize;
                    while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                        start += 1;
                    }
                    let start = start.min(bytes.len());
                    let from = self.cursor.min(start);
                    if self.lone_cr {
                        self.line += line_breaks(&bytes[from..start]);
                    } else {
                        // Fast path: csv's own `\n` count is right, plus the
                        // newlines of the blank lines stepped over.
                        let skipped = &bytes[(pos.byte() as usize).min(start)..start];
                        self.line =
                            pos.line() + skipped.iter().filter(|&&c| c == b'\n').count() as u64;
                    }
                    self.cursor = start;
                    self.start = start as u64;
                }
                Ok(more)
            }
            Err(e) => Err(IngestError::Csv {
                file: self.file.name.clone(),
                line: self.line,
                message: e.to_string(),
            }),
        }
    }

    /// Index of a column, matched case-insensitively after trimming.
    pub fn column(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    /// Resolves required columns, failing with every missing one named.
    pub fn require(&self, names: &[&str]) -> Result<Vec<usize>, IngestError> {
        let mut idx = Vec::with_capacity(names.len());
        let mut missing = Vec::new();
        for n in names {
            match self.column(n) {
                Some(i) => idx.push(i),
                None => missing.push(n.trim().to_string()),
            }
        }
        if missing.is_empty() {
            Ok(idx)
        } else {
            Err(IngestError::MissingColumns {
                file: self.file.name.clone(),
                missing,
                found: self.header.clone(),
            })
        }
    }

    /// The current record's text exactly as in the file (minus the line
    /// terminator), for quarantine and export.
    pub fn raw(&self) -> String {
        let bytes = &self.file.bytes;
        let start = (self.start as usize).min(bytes.len());
        let end = (self.rdr.position().byte() as usize).clamp(start, bytes.len());
        let text = String::from_utf8_lossy(&bytes[start..end]);
        text.trim_end_matches(['\r', '\n']).to_string()
    }

    /// Builds a rejected row for the current record.
    pub fn reject(&self, field: Option<&str>, reason: String) -> RejectedRow {
        RejectedRow {
            file: self.file.name.clone(),
            line: self.line,
            field: field.map(str::to_string),
            reason,
            raw: self.raw(),
        }
    }

    /// Rejects the current record when its field count differs from the header's.
    pub fn check_len(&self) -> Option<RejectedRow> {
        let n = self.record.len();
        let want = self.header.len();
        if n == want {
            return None;
        }
        let hint = if self
            .record
            .iter()
            .any(|f| f.contains(&b'\n') || f.contains(&b'\r'))
        {
            " (a quote may be unbalanced: the field runs over several lines)"
        } else {
            ""
        };
        Some(self.reject(None, format!("expected {want} fields, found {n}{hint}")))
    }

    /// Field `i` as trimmed UTF-8 text; `Err` names the bad column.
    pub fn text(&self, i: usize) -> Result<&str, RejectedRow> {
        let raw = self.record.get(i).unwrap_or(b"");
        match std::str::from_utf8(raw) {
            Ok(s) => Ok(s.trim()),
            Err(_) => Err(self.reject(
                Some(&self.header[i]),
                "not valid UTF-8 text (save the file as UTF-8)".to_string(),
            )),
        }
    }
}

fn has_lone_cr(b: &[u8]) -> bool {
    // `contains` on bytes is a memchr: free for the usual `\n`-only file.
    b.contains(&b'\r')
        && b.iter()
            .enumerate()
            .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// Line breaks in `b`: `\n`, `\r\n` and lone `\r` each count once.
fn line_breaks(b: &[u8]) -> u64 {
    // Two simple counts vectorise; the CRLF pair count is only needed when
    // there is a `\r` at all.
    let lf = b.iter().filter(|&&c| c == b'\n').count();
    let cr = b.iter().filter(|&&c| c == b'\r').count();
    let crlf = if cr == 0 {
        0
    } else {
        b.windows(2).filter(|w| w == b"\r\n").count()
    };
    (lf + cr - crlf) as u64
}

/// Empty → None, else an owned copy.
pub(crate) fn opt(s: &str) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s.to_string())
    }
}
