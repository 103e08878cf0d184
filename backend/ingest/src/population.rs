//! Population tables: area code → residents, for rates per 1,000.
//!
//! # Rules
//!
//! * **Code column**: `code_col` if given; else the first header that ends in
//!   `CD` or contains `code` (any case) whose non-blank values are all
//!   distinct — so in an LSOA table with `lad_code`, `msoa_code` and
//!   `lsoa_code` the LSOA column is chosen, and in a ward table with `WD22CD`
//!   and `LAD22CD` the ward column. If no candidate is unique, the first
//!   candidate is used and duplicates are rejected.
//! * **Population column**: `pop_col` if given; else the first of
//!   `population`, `persons`, `persons_all`, `persons_areal` present (any
//!   case), else any header containing `population`.
//! * A missing column is an [`IngestError::MissingColumns`].
//! * Rows are rejected (with the column named) for: a blank code; a
//!   population that is blank, not a number, not finite, or negative;
//!   a code already seen (`duplicate code X, first at line N`); the wrong
//!   number of fields. Thousands separators (`12,345`) are accepted.
//! * If every row is rejected the import fails ([`IngestError::AllRejected`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::csvutil::CsvRows;
use crate::{IngestError, RejectedRow, SourceFile};

const POPULATION_COLUMNS: [&str; 4] = ["population", "persons", "persons_all", "persons_areal"];

/// Parses a population table; returns code → population and rejected rows.
///
/// ```
/// let csv = "WD22CD,WD22NM,LAD22CD,persons_areal\n\
///            E05013213,Brickhill,E06000061,13126.0\n\
///            E05013214,Burton,E06000061,\"9,378.9\"\n\
///            E05013215,Corby Rural,E06000061,n/a\n";
/// let f = hotspot_ingest::source_from_bytes("pop.csv", csv.into()).unwrap();
/// let (pop, rejected) = hotspot_ingest::parse_population(&f, None, None).unwrap();
/// assert_eq!(pop["E05013214"], 9378.9);
/// assert_eq!(pop.len(), 2);
/// assert_eq!((rejected[0].line, rejected[0].field.as_deref()), (4, Some("persons_areal")));
/// ```
pub fn parse_population(
    file: &SourceFile,
    code_col: Option<&str>,
    pop_col: Option<&str>,
) -> Result<(BTreeMap<String, f64>, Vec<RejectedRow>), IngestError> {
    let (rows, rejected) = parse_population_rows(file, code_col, pop_col)?;
    Ok((
        rows.into_iter().map(|r| (r.code, r.population)).collect(),
        rejected,
    ))
}

/// One accepted row of a population table, with the line it came from so
/// that a later check (e.g. "no such ward") can still name it.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRow {
    pub code: String,
    pub population: f64,
    pub line: u64,
}

/// As [`parse_population`], keeping each row's line number, in file order.
pub fn parse_population_rows(
    file: &SourceFile,
    code_col: Option<&str>,
    pop_col: Option<&str>,
) -> Result<(Vec<PopulationRow>, Vec<RejectedRow>), IngestError> {
    let mut rows = CsvRows::open(file, b',')?;
    let (code_i, pop_i) = population_columns(file, &rows, code_col, pop_col)?;
    let mut out = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut rejected = Vec::new();
    let mut n_rows = 0usize;
    while rows.next()? {
        n_rows += 1;
        if let Some(bad) = rows.check_len() {
            rejected.push(bad);
            continue;
        }
        match population_row(&rows, code_i, pop_i, &first_line) {
            Ok((code, n)) => {
                first_line.insert(code.clone(), rows.line);
                out.push(PopulationRow {
                    code,
                    population: n,
                    line: rows.line,
                });
            }
            Err(r) => rejected.push(r),
        }
    }
    if out.is_empty() {
        return match rejected.first() {
            Some(first) => Err(IngestError::AllRejected {
                file: file.name.clone(),
                count: n_rows,
                line: first.line,
                reason: first.reason.clone(),
            }),
            None => Err(IngestError::Empty {
                file: file.name.clone(),
            }),
        };
    }
    Ok((out, rejected))
}

/// The (code, population) column positions: the named columns, else the
/// population column by name and the code column by its header (a header
/// ending in CD or containing "code"; among several, one whose values are
/// all distinct, else the first).
fn population_columns(
    file: &SourceFile,
    rows: &CsvRows<'_>,
    code_col: Option<&str>,
    pop_col: Option<&str>,
) -> Result<(usize, usize), IngestError> {
    let missing = |what: &str, rows: &CsvRows<'_>| IngestError::MissingColumns {
        file: file.name.clone(),
        missing: vec![what.to_string()],
        found: rows.header.clone(),
    };
    let pop_i = match pop_col {
        Some(c) => rows.require(&[c])?[0],
        None => POPULATION_COLUMNS
            .iter()
            .find_map(|c| rows.column(c))
            .or_else(|| {
                rows.header
                    .iter()
                    .position(|h| h.to_ascii_lowercase().contains("population"))
            })
            .ok_or_else(|| missing("population (or persons, persons_all, persons_areal)", rows))?,
    };
    let code_i = match code_col {
        Some(c) => rows.require(&[c])?[0],
        None => {
            let candidates: Vec<usize> = rows
                .header
                .iter()
                .enumerate()
                .filter(|(_, h)| {
                    let l = h.to_ascii_lowercase();
                    l.ends_with("cd") || l.contains("code")
                })
                .map(|(i, _)| i)
                .collect();
            let first = *candidates.first().ok_or_else(|| {
                missing(
                    "area code (a header ending in CD or containing \"code\")",
                    rows,
                )
            })?;
            if candidates.len() == 1 {
                first
            } else {
                unique_column(file, &candidates).unwrap_or(first)
            }
        }
    };
    Ok((code_i, pop_i))
}

/// One row's (code, population), or why it is rejected: a blank or
/// repeated code, a population that is not a non-negative number.
fn population_row(
    rows: &CsvRows<'_>,
    code_i: usize,
    pop_i: usize,
    first_line: &HashMap<String, u64>,
) -> Result<(String, f64), RejectedRow> {
    let code_name = &rows.header[code_i];
    let pop_name = &rows.header[pop_i];
    let code = rows.text(code_i)?;
    if code.is_empty() {
        return Err(rows.reject(Some(code_name), "blank area code".into()));
    }
    if let Some(first) = first_line.get(code) {
        return Err(rows.reject(
            Some(code_name),
            format!("duplicate code {code}, first at line {first}"),
        ));
    }
    let p = rows.text(pop_i)?;
    let n = parse_count(p)
        .ok_or_else(|| rows.reject(Some(pop_name), format!("population {p:?} is not a number")))?;
    if n < 0.0 {
        return Err(rows.reject(Some(pop_name), format!("population {p} is negative")));
    }
    Ok((code.to_string(), n))
}

/// First of `candidates` whose non-blank values are all distinct.
fn unique_column(file: &SourceFile, candidates: &[usize]) -> Option<usize> {
    let mut rows = CsvRows::open(file, b',').ok()?;
    let mut seen: Vec<HashSet<Vec<u8>>> = vec![HashSet::new(); candidates.len()];
    let mut unique = vec![true; candidates.len()];
    while rows.next().ok()? {
        for (k, &i) in candidates.iter().enumerate() {
            if let Some(v) = rows.record.get(i) {
                let v = v.trim_ascii();
                if unique[k] && !v.is_empty() && !seen[k].insert(v.to_vec()) {
                    unique[k] = false;
                }
            }
        }
    }
    candidates
        .iter()
        .zip(&unique)
        .find(|(_, &u)| u)
        .map(|(&i, _)| i)
}

/// A finite number, accepting thousands separators (`12,345.6`).
pub(crate) fn parse_count(s: &str) -> Option<f64> {
    let s = s.trim();
    let n = if s.contains(',') {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let groups: Vec<&str> = int.trim_start_matches('-').split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return None;
        }
        let joined = int.replace(',', "");
        if frac.is_empty() && !s.contains('.') {
            joined.parse().ok()
        } else {
            format!("{joined}.{frac}").parse().ok()
        }
    } else {
        s.parse::<f64>().ok()
    };
    n.filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::parse_count;

    #[test]
    fn counts_with_separators() {
        assert_eq!(parse_count("1,234"), Some(1234.0));
        assert_eq!(parse_count("12,345.5"), Some(12345.5));
        assert_eq!(parse_count(" 99 "), Some(99.0));
        assert_eq!(parse_count("1,23"), None);
        assert_eq!(parse_count("NaN"), None);
        assert_eq!(parse_count(""), None);
        assert_eq!(parse_count("abc"), None);
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;
    use crate::source_from_bytes;

    fn run(
        text: &str,
        code: Option<&str>,
        pop: Option<&str>,
    ) -> Result<(BTreeMap<String, f64>, Vec<RejectedRow>), IngestError> {
        parse_population(
            &source_from_bytes("pop.csv", text.as_bytes().to_vec()).unwrap(),
            code,
            pop,
        )
    }

    #[test]
    fn detects_unique_code_column_among_several() {
        let text =
            "region_code,lad_code,lsoa_code,persons_all\nR,L1,E01,10\nR,L1,E02,20\nR,L2,E03,30\n";
        let (pop, rej) = run(text, None, None).unwrap();
        assert!(rej.is_empty());
        assert_eq!(pop.keys().collect::<Vec<_>>(), ["E01", "E02", "E03"]);
    }

    #[test]
    fn rejects_bad_rows_with_field_and_line() {
        let text = "Code,Population\nA,100\nB,-5\nC,many\nA,200\n,7\nD\nE,\"1,500\"\n";
        let (pop, rej) = run(text, None, None).unwrap();
        assert_eq!(pop.len(), 2);
        assert_eq!(pop["E"], 1500.0);
        let why: Vec<_> = rej.iter().map(|r| (r.line, r.field.clone())).collect();
        assert_eq!(
            why,
            [
                (3, Some("Population".into())),
                (4, Some("Population".into())),
                (5, Some("Code".into())),
                (6, Some("Code".into())),
                (7, None),
            ]
        );
        assert_eq!(rej[2].reason, "duplicate code A, first at line 2");
    }

    #[test]
    fn overrides_and_errors() {
        let e = run("id;x\n", None, None).unwrap_err().to_string();
        assert!(e.contains("missing required column"), "{e}");
        let (pop, _) = run("area,residents\nW1,5\n", Some("AREA"), Some("Residents")).unwrap();
        assert_eq!(pop["W1"], 5.0);
        assert!(matches!(
            run("code,population\nA,x\n", None, None),
            Err(IngestError::AllRejected { .. })
        ));
        assert!(matches!(
            run("code,population\n", None, None),
            Err(IngestError::Empty { .. })
        ));
        assert!(matches!(
            run("", None, None),
            Err(IngestError::Empty { .. })
        ));
        assert!(run("code,population\nA,1\n", Some("nope"), None).is_err());
    }
}
