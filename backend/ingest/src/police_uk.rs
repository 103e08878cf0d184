//! police.uk street-level crime CSVs (`YYYY-MM-<force>-street.csv`).
//!
//! # Rules
//!
//! * **Columns.** The published header is `Crime ID, Month, Reported by,
//!   Falls within, Longitude, Latitude, Location, LSOA code, LSOA name,
//!   Crime type, Last outcome category, Context`. Names are matched
//!   case-insensitively with surrounding spaces and a BOM ignored; column
//!   order does not matter. `Month`, `Longitude`, `Latitude` and `Crime type`
//!   are required (their absence is an [`IngestError::MissingColumns`] naming
//!   every missing column and listing those found); the others are optional.
//! * **Field count.** A row whose number of fields differs from the header's
//!   is rejected (field none, reason `expected 12 fields, found N`) and
//!   parsing continues. Quoted fields may contain commas and newlines; line
//!   numbers are the physical line where the record starts (header = 1).
//!   Blank lines are skipped and not counted as rows.
//! * **ASB.** Anti-social behaviour rows have a blank `Crime ID`. Each is a
//!   separate incident: identical ASB rows are legitimate separate reports and
//!   are never de-duplicated.
//! * **Repeated Crime ID.** police.uk publishes one crime on several rows when
//!   it has several locations or outcomes. Within a file the first accepted
//!   row with an ID is the incident; each later row with the same ID is a
//!   rejected row, field `Crime ID`, reason `repeated Crime ID <id>, first
//!   seen at line N: counted once`. Totals therefore count crimes once and no
//!   row disappears silently.
//! * **No location.** Blank `Longitude` *and* `Latitude` (police.uk's
//!   `No Location` rows) is accepted with `location: None`: counted in totals,
//!   not mapped, and counted in [`ImportSummary::no_location`](crate::ImportSummary).
//! * **Bad coordinates** are rejected with the column named: only one of the
//!   two present (the blank one is named), not a finite number, or outside
//!   Great Britain (the British National Grid's area of use; catches `0,0`
//!   placeholders and swapped columns, with a hint in the reason).
//! * **Month** must be `YYYY-MM` (a `YYYY-MM-DD` date is accepted and its
//!   month taken); otherwise rejected, field `Month`.
//! * **Crime type** blank → rejected, field `Crime type`.
//! * **Text** is trimmed; empty `Crime ID`, `Location`, `LSOA code` and
//!   `Last outcome category` become `None`. A field that is not UTF-8 rejects
//!   its row (field named).
//! * Every incident has source `police.uk`, month precision (no date or time)
//!   and `origin_line` = its line number.
//! * **Dataset key**: `police.uk:<Falls within slug>:<YYYY-MM>` when all rows
//!   with a valid month share one month and one `Falls within` value,
//!   otherwise `police.uk:file:<file name>`.
//! * Projection to British National Grid is memoised per distinct lon/lat
//!   (police.uk's snap points), which is what makes the parser fast.

use std::collections::BTreeSet;

use hotspot_core::{Incident, Location, Month};

use crate::csvutil::{opt, CsvRows};
use crate::fxhash::FxHashMap;
use crate::project::{Axis, Projector};
use crate::{ImportSummary, IngestError, ParsedIncidents, RejectedRow, SourceFile};

/// The source name police.uk incidents are stored under.
pub const SOURCE: &str = "police.uk";

const MONTH: &str = "Month";
const LONGITUDE: &str = "Longitude";
const LATITUDE: &str = "Latitude";
const CRIME_TYPE: &str = "Crime type";
const CRIME_ID: &str = "Crime ID";

struct Columns {
    month: usize,
    lon: usize,
    lat: usize,
    crime_type: usize,
    id: Option<usize>,
    falls_within: Option<usize>,
    location: Option<usize>,
    lsoa: Option<usize>,
    outcome: Option<usize>,
}

/// Per-file state reused across rows.
struct State {
    projector: Projector,
    /// Crime ID → line of the accepted row that carries it.
    seen_ids: FxHashMap<String, u64>,
    /// Last raw Month value and its parse: police.uk files hold one month.
    last_month: Option<(Vec<u8>, Option<Month>)>,
    months_seen: BTreeSet<Month>,
    forces: Vec<String>,
}

/// Parses one police.uk street CSV.
///
/// ```
/// let csv = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n\
/// ,2025-03,Northamptonshire Police,Northamptonshire Police,-0.559216,52.247715,On or near Chapel Lane,E01017545,Bedford 001D,Anti-social behaviour,,\n\
/// ab12,2025-03,Northamptonshire Police,Northamptonshire Police,-0.602504,52.267647,\"On or near Podington Road, Bedford\",E01017503,Bedford 002C,Drugs,Court result unavailable,\n\
/// ab12,2025-03,Northamptonshire Police,Northamptonshire Police,-0.602470,52.276206,On or near Cambridge Street,E01017503,Bedford 002C,Drugs,Under investigation,\n";
/// let file = hotspot_ingest::source_from_bytes("2025-03-northamptonshire-street.csv", csv.as_bytes().to_vec()).unwrap();
/// let parsed = hotspot_ingest::parse_police_uk(&file).unwrap();
/// assert_eq!(parsed.dataset_key, "police.uk:northamptonshire-police:2025-03");
/// assert_eq!((parsed.rows, parsed.incidents.len(), parsed.rejected.len()), (3, 2, 1));
/// assert_eq!(parsed.incidents[1].location_label.as_deref(), Some("On or near Podington Road, Bedford"));
/// assert_eq!(parsed.rejected[0].line, 4);
/// assert_eq!(parsed.rejected[0].reason, "repeated Crime ID ab12, first seen at line 3: counted once");
/// ```
pub fn parse_police_uk(file: &SourceFile) -> Result<ParsedIncidents, IngestError> {
    let mut rows = CsvRows::open(file, b',')?;
    let req = rows.require(&[MONTH, LONGITUDE, LATITUDE, CRIME_TYPE])?;
    let cols = Columns {
        month: req[0],
        lon: req[1],
        lat: req[2],
        crime_type: req[3],
        id: rows.column(CRIME_ID),
        falls_within: rows.column("Falls within"),
        location: rows.column("Location"),
        lsoa: rows.column("LSOA code"),
        outcome: rows.column("Last outcome category"),
    };
    let mut st = State {
        projector: Projector::default(),
        seen_ids: FxHashMap::with_capacity_and_hasher(file.bytes.len() / 300, Default::default()),
        last_month: None,
        months_seen: BTreeSet::new(),
        forces: Vec::new(),
    };
    // ~240 bytes per police.uk row.
    let mut incidents = Vec::with_capacity(file.bytes.len() / 200 + 1);
    let mut rejected = Vec::new();
    let mut summary = ImportSummary::default();
    let mut n_rows = 0u64;
    while rows.next()? {
        n_rows += 1;
        let result = match rows.check_len() {
            Some(bad) => Err(bad),
            None => parse_row(&rows, &cols, &mut st),
        };
        match result {
            Ok(inc) => {
                summary.accept(&inc);
                incidents.push(inc);
            }
            Err(row) => {
                if row.field.as_deref() == Some(CRIME_ID) && crate::is_repeated_id(&row.reason) {
                    summary.duplicate_ids += 1;
                }
                summary.reject(&row);
                rejected.push(row);
            }
        }
    }
    summary.rows = n_rows;
    let dataset_key = match (st.forces.as_slice(), st.months_seen.len()) {
        ([force], 1) => format!(
            "{SOURCE}:{}:{}",
            crate::slug(force),
            st.months_seen.first().expect("one month")
        ),
        _ => format!("{SOURCE}:file:{}", file.base_name()),
    };
    let content_sha256 = file.sha256_hex();
    Ok(ParsedIncidents {
        file: file.name.clone(),
        version: content_sha256.clone(),
        content_sha256,
        dataset_key,
        rows: n_rows,
        incidents,
        rejected,
        summary,
        notes: Vec::new(),
    })
}

/// One police.uk row as an incident, or the rejection naming the first bad
/// field: month, crime type, location, then the Crime ID (repeats are
/// rejected). Also records the month and force seen.
fn parse_row(rows: &CsvRows<'_>, c: &Columns, st: &mut State) -> Result<Incident, RejectedRow> {
    let header = |i: usize| Some(rows.header[i].as_str());
    let text = |i: Option<usize>| match i {
        Some(i) => rows.text(i),
        None => Ok(""),
    };

    let month = row_month(rows, c, st)?;
    st.months_seen.insert(month);

    let force = text(c.falls_within)?;
    if !force.is_empty() && !st.forces.iter().any(|f| f == force) {
        st.forces.push(force.to_string());
    }

    let category = rows.text(c.crime_type)?;
    if category.is_empty() {
        return Err(rows.reject(header(c.crime_type), "blank crime type".to_string()));
    }

    let location = row_location(rows, c, &mut st.projector)?;

    let id = text(c.id)?;
    if !id.is_empty() {
        if let Some(&first) = st.seen_ids.get(id) {
            return Err(rows.reject(
                Some(c.id.map_or(CRIME_ID, |i| rows.header[i].as_str())),
                format!("repeated Crime ID {id}, first seen at line {first}: counted once"),
            ));
        }
    }
    let location_label = opt(text(c.location)?);
    let lsoa_code = opt(text(c.lsoa)?);
    let outcome = opt(text(c.outcome)?);
    let external_id = opt(id);
    if let Some(id) = &external_id {
        st.seen_ids.insert(id.clone(), rows.line);
    }
    Ok(Incident {
        source: SOURCE.to_string(),
        external_id,
        category: category.to_string(),
        month,
        date: None,
        time: None,
        location,
        location_label,
        lsoa_code,
        outcome,
        origin_line: rows.line,
    })
}

/// The row's month, cached: every row of a monthly file carries the same
/// value, so it is parsed once per distinct raw value.
fn row_month(rows: &CsvRows<'_>, c: &Columns, st: &mut State) -> Result<Month, RejectedRow> {
    let raw_month = rows.record.get(c.month).unwrap_or(b"");
    let month = match &st.last_month {
        Some((raw, m)) if raw.as_slice() == raw_month => *m,
        _ => {
            let m = rows.text(c.month)?.parse::<Month>().ok();
            st.last_month = Some((raw_month.to_vec(), m));
            m
        }
    };
    match month {
        Some(month) => Ok(month),
        None => {
            let shown = rows.text(c.month)?;
            Err(rows.reject(
                Some(rows.header[c.month].as_str()),
                format!("invalid month {shown:?}: expected YYYY-MM"),
            ))
        }
    }
}

/// The row's location: none when both coordinates are blank (police.uk
/// leaves some crimes unlocated), an error when only one is, else the
/// projected point (the error names the axis at fault).
fn row_location(
    rows: &CsvRows<'_>,
    c: &Columns,
    projector: &mut Projector,
) -> Result<Option<Location>, RejectedRow> {
    let header = |i: usize| Some(rows.header[i].as_str());
    let lon_s = rows.text(c.lon)?;
    let lat_s = rows.text(c.lat)?;
    match (lon_s.is_empty(), lat_s.is_empty()) {
        (true, true) => Ok(None),
        (false, true) => Err(rows.reject(
            header(c.lat),
            format!("longitude {lon_s} given but latitude blank"),
        )),
        (true, false) => Err(rows.reject(
            header(c.lon),
            format!("latitude {lat_s} given but longitude blank"),
        )),
        (false, false) => {
            let lon = number(lon_s).ok_or_else(|| {
                rows.reject(
                    header(c.lon),
                    format!("longitude {lon_s:?} is not a number"),
                )
            })?;
            let lat = number(lat_s).ok_or_else(|| {
                rows.reject(header(c.lat), format!("latitude {lat_s:?} is not a number"))
            })?;
            projector.lonlat(lon, lat).map(Some).map_err(|e| {
                let col = if e.axis == Axis::First { c.lon } else { c.lat };
                rows.reject(header(col), e.reason)
            })
        }
    }
}

/// A finite decimal number; `NaN`/`inf` are not coordinates.
pub(crate) fn number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source_from_bytes;

    const H: &str = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context";
    const F: &str = "Northamptonshire Police,Northamptonshire Police";

    fn row(id: &str, month: &str, lon: &str, lat: &str, loc: &str, ty: &str) -> String {
        format!("{id},{month},{F},{lon},{lat},{loc},E01027001,Northampton 001A,{ty},Under investigation,")
    }

    fn parse(text: &str) -> ParsedIncidents {
        let f = source_from_bytes("t.csv", text.as_bytes().to_vec()).unwrap();
        let p = parse_police_uk(&f).unwrap();
        assert_eq!(p.rows, p.incidents.len() as u64 + p.rejected.len() as u64);
        assert_eq!(p.summary.rows, p.rows);
        assert_eq!(p.summary.accepted + p.summary.rejected, p.rows);
        p
    }

    fn csv(rows: &[String]) -> String {
        let mut s = format!("{H}\n");
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    #[test]
    fn accepted_incident_fields() {
        let p = parse(&csv(&[row(
            "abc",
            "2025-03",
            "-0.893",
            "52.236",
            "On or near Gold Street",
            "Burglary",
        )]));
        let i = &p.incidents[0];
        assert_eq!(i.source, "police.uk");
        assert_eq!(i.external_id.as_deref(), Some("abc"));
        assert_eq!(i.category, "Burglary");
        assert_eq!(i.month, "2025-03".parse().unwrap());
        assert_eq!((i.date, i.time), (None, None));
        let l = i.location.unwrap();
        assert_eq!((l.lon, l.lat), (-0.893, 52.236));
        assert!(
            (l.x - 475_600.0).abs() < 2_000.0 && (l.y - 260_500.0).abs() < 2_000.0,
            "{l:?}"
        );
        assert_eq!(i.location_label.as_deref(), Some("On or near Gold Street"));
        assert_eq!(i.lsoa_code.as_deref(), Some("E01027001"));
        assert_eq!(i.outcome.as_deref(), Some("Under investigation"));
        assert_eq!(i.origin_line, 2);
        assert_eq!(p.dataset_key, "police.uk:northamptonshire-police:2025-03");
        assert_eq!(p.summary.by_category["Burglary"], 1);
    }

    #[test]
    fn identical_asb_rows_are_separate_incidents() {
        let r = row(
            "",
            "2025-03",
            "-0.893",
            "52.236",
            "On or near Park",
            "Anti-social behaviour",
        )
        .replace("Under investigation", "");
        let p = parse(&csv(&[r.clone(), r.clone(), r]));
        assert_eq!(p.incidents.len(), 3);
        assert!(p
            .incidents
            .iter()
            .all(|i| i.external_id.is_none() && i.outcome.is_none()));
        assert_eq!(p.summary.asb_rows, 3);
        assert_eq!(p.summary.duplicate_ids, 0);
    }

    #[test]
    fn repeated_crime_id_counted_once_and_reported() {
        let p = parse(&csv(&[
            row("X1", "2025-03", "-0.893", "52.236", "A", "Drugs"),
            row("Y2", "2025-03", "-0.893", "52.236", "A", "Drugs"),
            row("X1", "2025-03", "-0.890", "52.230", "B", "Drugs"),
            row("X1", "2025-03", "-0.893", "52.236", "A", "Drugs"),
        ]));
        assert_eq!(p.incidents.len(), 2);
        assert_eq!(p.rejected.len(), 2);
        let r = &p.rejected[0];
        assert_eq!((r.line, r.field.as_deref()), (4, Some("Crime ID")));
        assert_eq!(
            r.reason,
            "repeated Crime ID X1, first seen at line 2: counted once"
        );
        assert_eq!(
            r.raw,
            row("X1", "2025-03", "-0.890", "52.230", "B", "Drugs")
        );
        assert_eq!(p.summary.duplicate_ids, 2);
        assert_eq!(p.summary.rejected_by_field["Crime ID"], 2);
    }

    #[test]
    fn no_location_is_accepted_unmapped() {
        let r = "nl1,2025-03,Northamptonshire Police,Northamptonshire Police,,,No Location,,,Drugs,Court result unavailable,";
        let p = parse(&csv(&[r.to_string()]));
        let i = &p.incidents[0];
        assert_eq!(i.location, None);
        assert_eq!(i.location_label.as_deref(), Some("No Location"));
        assert_eq!(i.lsoa_code, None);
        assert_eq!((p.summary.no_location, p.summary.located), (1, 0));
    }

    #[test]
    fn bad_coordinates_name_the_field() {
        let p = parse(&csv(&[
            row("a", "2025-03", "-0.893", "", "x", "Drugs"),
            row("b", "2025-03", "", "52.2", "x", "Drugs"),
            row("c", "2025-03", "west", "52.2", "x", "Drugs"),
            row("d", "2025-03", "-0.893", "NaN", "x", "Drugs"),
            row("e", "2025-03", "0", "0", "x", "Drugs"),
            row("f", "2025-03", "52.236", "-0.893", "x", "Drugs"),
            row("g", "2025-03", "2.35", "48.85", "x", "Drugs"),
        ]));
        assert!(p.incidents.is_empty());
        let got: Vec<_> = p
            .rejected
            .iter()
            .map(|r| (r.line, r.field.clone().unwrap()))
            .collect();
        let want = [
            (2, "Latitude"),
            (3, "Longitude"),
            (4, "Longitude"),
            (5, "Latitude"),
            (6, "Latitude"),
            (7, "Longitude"),
            (8, "Longitude"),
        ];
        assert_eq!(got, want.map(|(l, f)| (l, f.to_string())));
        assert!(
            p.rejected[4].reason.contains("placeholder"),
            "{}",
            p.rejected[4].reason
        );
        assert!(
            p.rejected[5].reason.contains("swapped"),
            "{}",
            p.rejected[5].reason
        );
        assert!(p.rejected[6].reason.contains("outside Great Britain"));
    }

    #[test]
    fn bad_month_and_blank_type_rejected() {
        let p = parse(&csv(&[
            row("a", "2025-13", "-0.893", "52.236", "x", "Drugs"),
            row("b", "March", "-0.893", "52.236", "x", "Drugs"),
            row("c", "2025-03", "-0.893", "52.236", "x", " "),
            row("d", "2025-03-15", "-0.893", "52.236", "x", "Drugs"),
        ]));
        let f: Vec<_> = p
            .rejected
            .iter()
            .map(|r| r.field.as_deref().unwrap())
            .collect();
        assert_eq!(f, ["Month", "Month", "Crime type"]);
        assert!(p.rejected[1].reason.contains("\"March\""));
        assert_eq!(p.incidents[0].month, "2025-03".parse().unwrap());
    }

    #[test]
    fn ragged_rows_rejected_and_parsing_continues() {
        let good = row("a", "2025-03", "-0.893", "52.236", "x", "Drugs");
        let short =
            "b,2025-03,Northamptonshire Police,-0.893,52.236,x,E01,Name,Drugs,,".to_string();
        let long = format!("{good},extra");
        let p = parse(&csv(&[good.clone(), short, long, good.replace("a,", "z,")]));
        assert_eq!(p.incidents.len(), 2);
        assert_eq!(p.rejected[0].field, None);
        assert_eq!(p.rejected[0].reason, "expected 12 fields, found 11");
        assert_eq!(p.rejected[1].reason, "expected 12 fields, found 13");
        assert_eq!(
            (
                p.rejected[0].line,
                p.rejected[1].line,
                p.incidents[1].origin_line
            ),
            (3, 4, 5)
        );
        assert_eq!(p.summary.rejected_by_field["(row)"], 2);
    }

    #[test]
    fn quoted_commas_and_newlines_keep_physical_line_numbers() {
        let text = csv(&[
            row(
                "a",
                "2025-03",
                "-0.893",
                "52.236",
                "\"On or near High Street, Kettering\"",
                "Drugs",
            ),
            row(
                "b",
                "2025-03",
                "-0.893",
                "52.236",
                "\"Two\nline label\"",
                "Drugs",
            ),
            row("c", "2025-03", "-0.893", "52.236", "x", "Drugs"),
            row("c", "2025-03", "-0.893", "52.236", "y", "Drugs"),
        ]);
        let p = parse(&text);
        assert_eq!(
            p.incidents[0].location_label.as_deref(),
            Some("On or near High Street, Kettering")
        );
        assert_eq!(
            p.incidents[1].location_label.as_deref(),
            Some("Two\nline label")
        );
        let lines: Vec<_> = p.incidents.iter().map(|i| i.origin_line).collect();
        assert_eq!(lines, [2, 3, 5]);
        assert_eq!(p.rejected[0].line, 6);
        assert_eq!(
            p.rejected[0].reason,
            "repeated Crime ID c, first seen at line 5: counted once"
        );
    }

    #[test]
    fn bom_crlf_blank_lines_and_loose_header() {
        let header = " crime id , MONTH,Reported by,Falls within,longitude,LATITUDE,Location,LSOA code,LSOA name,Crime Type,Last outcome category,Context";
        let r = row("a", "2025-03", "-0.893", "52.236", "x", "Drugs");
        let text = format!(
            "\u{feff}{header}\r\n{r}\r\n\r\n\r\n{}\r\n",
            r.replace("a,", "b,")
        );
        // A BOM that reached the parser directly (not via source_from_bytes) is tolerated too.
        let f = SourceFile {
            name: "t.csv".into(),
            bytes: text.into_bytes(),
        };
        let p = parse_police_uk(&f).unwrap();
        assert_eq!(p.rows, 2);
        assert_eq!(p.incidents.len(), 2);
        assert_eq!(p.incidents[0].external_id.as_deref(), Some("a"));
        assert_eq!(
            p.incidents[0].outcome.as_deref(),
            Some("Under investigation")
        );
        assert_eq!(p.incidents[1].origin_line, 5);
    }

    #[test]
    fn lone_cr_line_endings_count_as_lines() {
        let r = row("a", "2025-03", "-0.893", "52.236", "x", "Drugs");
        let text = format!("{H}\r{r}\r\r{}\r", r.replace("a,", "b,"));
        let p = parse(&text);
        let lines: Vec<_> = p.incidents.iter().map(|i| i.origin_line).collect();
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn raw_text_of_rejected_rows_is_the_line_without_terminator() {
        let bad = row("a", "2025-99", "-0.893", "52.236", "\"x, y\"", "Drugs");
        let p = parse(&format!("{H}\r\n{bad}\r\n"));
        assert_eq!(p.rejected[0].raw, bad);
        assert_eq!(p.rejected[0].file, "t.csv");
    }

    #[test]
    fn missing_columns_is_an_error_naming_all_of_them() {
        let f = source_from_bytes(
            "2025-03-northamptonshire-street.csv",
            b"Crime ID,Month,Longitude\nx,2025-03,1\n".to_vec(),
        )
        .unwrap();
        let e = parse_police_uk(&f).unwrap_err();
        assert_eq!(
            e.to_string(),
            "2025-03-northamptonshire-street.csv: missing required columns \"Latitude\", \"Crime type\" (found: \"Crime ID\", \"Month\", \"Longitude\")"
        );
    }

    #[test]
    fn empty_and_header_only_files() {
        for empty in ["", "\n\n", "\u{feff}"] {
            let f = source_from_bytes("e.csv", empty.as_bytes().to_vec()).unwrap();
            assert!(
                matches!(parse_police_uk(&f), Err(IngestError::Empty { .. })),
                "{empty:?}"
            );
        }
        let p = parse(&format!("{H}\n"));
        assert_eq!((p.rows, p.incidents.len()), (0, 0));
        assert_eq!(p.dataset_key, "police.uk:file:t.csv");
    }

    #[test]
    fn non_utf8_row_is_rejected_but_header_must_be_utf8() {
        let mut bytes = format!("{H}\n").into_bytes();
        bytes.extend(
            row("a", "2025-03", "-0.893", "52.236", "Caf\u{e9}", "Drugs")
                .replace('\u{e9}', "#")
                .as_bytes(),
        );
        let pos = bytes.iter().rposition(|&b| b == b'#').unwrap();
        bytes[pos] = 0xE9; // Latin-1 é
        bytes.push(b'\n');
        let p = parse_police_uk(&SourceFile {
            name: "t.csv".into(),
            bytes,
        })
        .unwrap();
        assert_eq!(p.rejected[0].field.as_deref(), Some("Location"));
        assert!(p.rejected[0].raw.contains("Caf\u{fffd}"));
        let e = parse_police_uk(&SourceFile {
            name: "t.csv".into(),
            bytes: b"Mon\xE9th\n".to_vec(),
        })
        .unwrap_err();
        assert!(matches!(e, IngestError::NotUtf8 { line: 1, .. }), "{e}");
    }

    #[test]
    fn gzip_and_plain_give_identical_results() {
        use std::io::Write;
        let text = csv(&[
            row("a", "2025-03", "-0.893", "52.236", "x", "Drugs"),
            row("a", "2025-03", "-0.893", "52.236", "x", "Drugs"),
        ]);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text.as_bytes()).unwrap();
        let a = parse_police_uk(&source_from_bytes("m.csv", text.clone().into_bytes()).unwrap())
            .unwrap();
        let mut b =
            parse_police_uk(&source_from_bytes("m.csv.gz", gz.finish().unwrap()).unwrap()).unwrap();
        assert_eq!(b.dataset_key, a.dataset_key);
        assert_eq!(b.content_sha256, a.content_sha256);
        assert_eq!(b.content_sha256, crate::source::sha256_hex(text.as_bytes()));
        b.file = a.file.clone();
        for r in &mut b.rejected {
            r.file = a.file.clone();
        }
        assert_eq!(a, b);
    }

    #[test]
    fn several_months_or_forces_key_by_file_name() {
        let p = parse(&csv(&[
            row("a", "2025-03", "-0.893", "52.236", "x", "Drugs"),
            row("b", "2025-04", "-0.893", "52.236", "x", "Drugs"),
        ]));
        assert_eq!(p.dataset_key, "police.uk:file:t.csv");
        assert_eq!(p.summary.months.len(), 2);
    }

    #[test]
    fn optional_columns_may_be_absent() {
        let p = parse("Month,Longitude,Latitude,Crime type\n2025-03,-0.893,52.236,Robbery\n");
        let i = &p.incidents[0];
        assert_eq!(
            (
                i.external_id.clone(),
                i.location_label.clone(),
                i.outcome.clone()
            ),
            (None, None, None)
        );
        assert_eq!(p.dataset_key, "police.uk:file:t.csv");
    }
}
