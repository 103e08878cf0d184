//! Property tests: arbitrary input never panics, and every row is accounted
//! for (accepted + rejected == rows) with valid, strictly increasing line
//! numbers.

use std::io::Write;

use hotspot_ingest::{
    parse_boundaries, parse_mapped_csv, parse_police_uk, parse_population, source_from_bytes,
    BoundaryOptions, CsvMapping, ParsedIncidents, SourceFile,
};
use proptest::prelude::*;

const HEADER: &str = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";

fn file(bytes: Vec<u8>) -> SourceFile {
    SourceFile {
        name: "fuzz.csv".into(),
        bytes,
    }
}

/// Checks the accounting invariants of a successful parse.
fn check(p: &ParsedIncidents, bytes: &[u8]) -> Result<(), TestCaseError> {
    // Physical lines: `\n`, `\r\n` and a lone `\r` each end one.
    let breaks = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    let max_line = breaks as u64 + 1;
    prop_assert_eq!(p.rows, p.incidents.len() as u64 + p.rejected.len() as u64);
    prop_assert_eq!(p.summary.accepted + p.summary.rejected, p.rows);
    let mut lines: Vec<u64> = p
        .incidents
        .iter()
        .map(|i| i.origin_line)
        .chain(p.rejected.iter().map(|r| r.line))
        .collect();
    lines.sort_unstable();
    for w in lines.windows(2) {
        prop_assert!(w[0] < w[1], "two records on line {}", w[0]);
    }
    for &l in &lines {
        prop_assert!(
            (2..=max_line).contains(&l),
            "line {} outside 2..={}",
            l,
            max_line
        );
    }
    for r in &p.rejected {
        prop_assert_eq!(&r.file, "fuzz.csv");
        prop_assert!(!r.reason.is_empty());
    }
    Ok(())
}

/// Fragments that exercise the CSV grammar and the row rules.
fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b",".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"2025-03".to_vec()),
        Just(b"-0.89".to_vec()),
        Just(b"52.23".to_vec()),
        Just(b"0".to_vec()),
        Just(b"Burglary".to_vec()),
        Just(b"X1".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b",,,,,,,,,,,".to_vec()),
        Just(b"X1,2025-03,P,P,-0.89,52.23,On or near,E01,N,Drugs,,\n".to_vec()),
        Just(b",2025-03,P,P,,,No Location,,,Anti-social behaviour,,\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..6),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(token(), 0..60).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(p) = parse_police_uk(&file(bytes.clone())) {
            check(&p, &bytes)?;
        }
        let m = CsvMapping::parse("date=a,lon=b,lat=c,source=s").unwrap();
        if let Ok(p) = parse_mapped_csv(&file(bytes.clone()), &m) {
            check(&p, &bytes)?;
        }
        let _ = parse_boundaries(&file(bytes.clone()), &BoundaryOptions::default());
        let _ = parse_population(&file(bytes.clone()), None, None);
        let _ = source_from_bytes("x", bytes);
    }

    #[test]
    fn police_uk_rows_all_accounted_for(b in body()) {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend(b);
        let p = parse_police_uk(&file(bytes.clone())).expect("valid header always parses");
        check(&p, &bytes)?;
    }

    #[test]
    fn mapped_rows_all_accounted_for(b in body()) {
        let mut bytes = b"Ref,Date,Lon,Lat,Type\n".to_vec();
        bytes.extend(b);
        let m = CsvMapping::parse("id=Ref,date=Date,lon=Lon,lat=Lat,category=Type,source=s").unwrap();
        let p = parse_mapped_csv(&file(bytes.clone()), &m).expect("valid header always parses");
        check(&p, &bytes)?;
    }

    #[test]
    fn gzip_is_transparent(b in body()) {
        prop_assume!(!b.starts_with(&[0x1f, 0x8b]));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&b).unwrap();
        let plain = source_from_bytes("f", b).unwrap();
        let unzipped = source_from_bytes("f", gz.finish().unwrap()).unwrap();
        prop_assert_eq!(plain, unzipped);
    }

    #[test]
    fn mapping_parser_never_panics(s in "[a-z=,\"{}\\[\\] \n:;]{0,60}") {
        let _ = CsvMapping::parse(&s);
    }
}
