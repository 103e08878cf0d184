//! Getting bytes in: plain files, gzip files and folders of monthly files.
//!
//! police.uk downloads arrive as folders of monthly CSVs, often re-compressed
//! by whoever passed them on, and HTTP uploads arrive as bytes. Everything is
//! normalised here to one [`SourceFile`] per input file holding the
//! decompressed bytes with any UTF-8 byte-order mark removed, so that a
//! gzipped and a plain copy of the same file are byte-identical downstream
//! (same parse, same `content_sha256`).

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::IngestError;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// Largest decompressed size accepted from a gzip file (4 GiB), so that a
/// small malicious or mistaken upload cannot exhaust memory. A year of
/// police.uk data for every force in England and Wales is well under this.
pub const MAX_DECOMPRESSED_BYTES: u64 = 4 << 30;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One input file's bytes, decompressed, BOM stripped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path (or upload name) as the user gave it, used in every message.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl SourceFile {
    /// Hex SHA-256 of the (decompressed, BOM-stripped) bytes: the identity the
    /// store uses to make re-importing the same file a no-op.
    pub fn sha256_hex(&self) -> String {
        sha256_hex(&self.bytes)
    }

    /// The last path component without a trailing `.gz`, e.g.
    /// `2025-03-northamptonshire-street.csv` for `data/2025-03-…-street.csv.gz`.
    pub fn base_name(&self) -> &str {
        let base = self
            .name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(self.name.as_str());
        base.strip_suffix(".gz")
            .or_else(|| base.strip_suffix(".GZ"))
            .unwrap_or(base)
    }
}

/// The identity the store compares to decide that an import is
/// "unchanged": the content hash when no option changes what is stored,
/// else the hash of the content hash and the options (`key=value` lines),
/// so that re-importing the same bytes with another mapping or property
/// choice is a new version rather than a no-op.
///
/// ```
/// let h = hotspot_ingest::source_from_bytes("a.csv", b"x\n".to_vec()).unwrap().sha256_hex();
/// assert_eq!(hotspot_ingest::import_version(&h, ""), h);
/// assert_ne!(hotspot_ingest::import_version(&h, "name=WD22NM"), h);
/// assert_ne!(hotspot_ingest::import_version(&h, "name=WD22NM"), hotspot_ingest::import_version(&h, "name=LAD22NM"));
/// ```
pub fn import_version(content_sha256: &str, options: &str) -> String {
    if options.is_empty() {
        content_sha256.to_string()
    } else {
        sha256_hex(format!("{content_sha256}\n{options}").as_bytes())
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    s
}

/// Reads a path: a plain file, a gzip file (detected by the magic bytes
/// `1f 8b`, not by extension, because renamed downloads are common), or a
/// directory, whose `*.csv` and `*.csv.gz` files (non-recursive) are read in
/// name order so that monthly files import oldest first. A BOM is stripped.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("2025-02.csv"), "a\n2\n").unwrap();
/// std::fs::write(dir.path().join("2025-01.csv"), "\u{feff}a\n1\n").unwrap();
/// std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
/// let files = hotspot_ingest::read_sources(dir.path()).unwrap();
/// assert_eq!(files.len(), 2);
/// assert!(files[0].name.ends_with("2025-01.csv"));
/// assert_eq!(files[0].bytes, b"a\n1\n"); // BOM gone
/// ```
pub fn read_sources(path: &Path) -> Result<Vec<SourceFile>, IngestError> {
    source_paths(path)?.iter().map(|p| read_source(p)).collect()
}

/// The files [`read_sources`] would read from `path`, in that order, without
/// reading them: `path` itself, or a folder's `.csv` and `.csv.gz` files.
/// For reading a large folder a file at a time ([`read_source`]).
pub fn source_paths(path: &Path) -> Result<Vec<PathBuf>, IngestError> {
    let display = path.display().to_string();
    let io = |source| IngestError::Io {
        file: display.clone(),
        source,
    };
    if !std::fs::metadata(path).map_err(io)?.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(path).map_err(io)? {
        let entry = entry.map_err(io)?;
        let p = entry.path();
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        if (name.ends_with(".csv") || name.ends_with(".csv.gz")) && p.is_file() {
            paths.push(p);
        }
    }
    if paths.is_empty() {
        return Err(IngestError::NoFiles { file: display });
    }
    paths.sort();
    Ok(paths)
}

/// Reads one file (gunzipped, BOM removed), named by its path.
pub fn read_source(path: &Path) -> Result<SourceFile, IngestError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        file: name.clone(),
        source,
    })?;
    source_from_bytes(&name, bytes)
}

/// Wraps bytes already in memory (an HTTP upload), gunzipping them if they
/// start with the gzip magic bytes and stripping a UTF-8 BOM.
///
/// ```
/// use std::io::Write;
/// let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
/// gz.write_all(b"Crime ID,Month\n").unwrap();
/// let f = hotspot_ingest::source_from_bytes("upload.csv.gz", gz.finish().unwrap()).unwrap();
/// assert_eq!(f.bytes, b"Crime ID,Month\n");
/// assert!(hotspot_ingest::source_from_bytes("bad.gz", vec![0x1f, 0x8b, 0]).is_err());
/// ```
pub fn source_from_bytes(name: &str, bytes: Vec<u8>) -> Result<SourceFile, IngestError> {
    let mut bytes = if bytes.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::with_capacity(bytes.len().saturating_mul(6));
        // MultiGzDecoder: concatenated gzip members are a valid gzip file.
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .take(MAX_DECOMPRESSED_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|source| IngestError::Gzip {
                file: name.to_string(),
                source,
            })?;
        if out.len() as u64 > MAX_DECOMPRESSED_BYTES {
            return Err(IngestError::TooLarge {
                file: name.to_string(),
                limit: MAX_DECOMPRESSED_BYTES,
            });
        }
        out
    } else {
        bytes
    };
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    Ok(SourceFile {
        name: name.to_string(),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn gzip_detected_by_magic_not_extension() {
        let plain = b"x,y\n1,2\n".to_vec();
        let a = source_from_bytes("renamed.csv", gzip(&plain)).unwrap();
        let b = source_from_bytes("plain.csv.gz", plain.clone()).unwrap();
        assert_eq!(a.bytes, plain);
        assert_eq!(b.bytes, plain);
        assert_eq!(a.sha256_hex(), b.sha256_hex());
    }

    #[test]
    fn bom_stripped_inside_gzip_too() {
        let a = source_from_bytes("a", gzip(b"\xEF\xBB\xBFx\n")).unwrap();
        assert_eq!(a.bytes, b"x\n");
    }

    #[test]
    fn corrupt_gzip_is_an_error_naming_the_file() {
        let mut gz = gzip(&vec![b'a'; 10_000]);
        gz.truncate(gz.len() / 2);
        let e = source_from_bytes("2025-03.csv.gz", gz).unwrap_err();
        assert!(matches!(e, IngestError::Gzip { .. }));
        assert!(
            e.to_string().starts_with("2025-03.csv.gz: corrupt gzip"),
            "{e}"
        );
    }

    #[test]
    fn concatenated_gzip_members_are_read_whole() {
        let mut both = gzip(b"a\n1\n");
        both.extend(gzip(b"2\n"));
        assert_eq!(source_from_bytes("x", both).unwrap().bytes, b"a\n1\n2\n");
    }

    #[test]
    fn sha256_is_hex_of_content() {
        // Known vector: SHA-256("abc").
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn folder_reading_order_and_filter() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.csv.gz"), gzip(b"b\n")).unwrap();
        std::fs::write(dir.path().join("a.CSV"), b"a\n").unwrap();
        std::fs::write(dir.path().join("c.csv"), b"c\n").unwrap();
        std::fs::write(dir.path().join("d.geojson"), b"{}").unwrap();
        std::fs::create_dir(dir.path().join("sub.csv")).unwrap();
        let files = read_sources(dir.path()).unwrap();
        let names: Vec<_> = files.iter().map(|f| f.base_name().to_string()).collect();
        assert_eq!(names, ["a.CSV", "b.csv", "c.csv"]);
        assert_eq!(files[1].bytes, b"b\n");
    }

    #[test]
    fn missing_path_and_empty_folder_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_sources(&dir.path().join("nope.csv")).unwrap_err();
        assert!(matches!(e, IngestError::Io { .. }));
        assert!(e.to_string().contains("nope.csv"));
        let e = read_sources(dir.path()).unwrap_err();
        assert!(matches!(e, IngestError::NoFiles { .. }));
    }

    #[test]
    fn base_name_strips_dirs_and_gz() {
        let f = SourceFile {
            name: "data/x/2025-03-street.csv.gz".into(),
            bytes: vec![],
        };
        assert_eq!(f.base_name(), "2025-03-street.csv");
    }
}
