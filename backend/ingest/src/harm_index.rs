//! A harm index as a deployment writes it: a CSV of weights per crime type
//! with its name and source in `#` lines above the header.
//!
//! ```text
//! # name: Northamptonshire CSP harm index 2026
//! # source: ONS Crime Severity Score weights, mapped to police.uk categories by the CSP
//! crime_type,weight
//! Burglary,437.6
//! Shoplifting,9.2
//! *,1
//! ```
//!
//! Unlike incident files, the table is configuration: one bad row fails the
//! whole file (naming the file, line and field), because a map weighted by
//! half a table would mislead. The `*` row, if any, weighs every type the
//! table does not list; without it, asking for a harm map of an unlisted
//! type is refused, naming the type.

use std::collections::BTreeMap;

use hotspot_core::harm::HarmIndex;

use crate::csvutil::CsvRows;
use crate::{IngestError, SourceFile};

/// Reads a harm index (see the module documentation).
///
/// ```
/// let csv = "# name: Test index\n# source: made up for the example\ncrime_type,weight\nBurglary,400\n*,1\n";
/// let f = hotspot_ingest::source_from_bytes("harm.csv", csv.into()).unwrap();
/// let index = hotspot_ingest::parse_harm_index(&f).unwrap();
/// assert_eq!((index.name.as_str(), index.weight_of("burglary"), index.default), ("Test index", Some(400.0), Some(1.0)));
/// ```
pub fn parse_harm_index(file: &SourceFile) -> Result<HarmIndex, IngestError> {
    let invalid = |line: u64, field: &str, message: String| IngestError::Invalid {
        file: file.name.clone(),
        line,
        field: field.to_string(),
        message,
    };
    let text = std::str::from_utf8(&file.bytes).map_err(|_| IngestError::NotUtf8 {
        file: file.name.clone(),
        line: 1,
    })?;
    // `#` lines are blanked (not removed) so the CSV's line numbers stay the file's.
    let (mut name, mut source) = (None, None);
    let mut body = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match line.trim().strip_prefix('#') {
            Some(comment) => {
                if let Some((key, value)) = comment.split_once(':') {
                    let value = Some(value.trim().to_string()).filter(|v| !v.is_empty());
                    match key.trim().to_ascii_lowercase().as_str() {
                        "name" => name = value,
                        "source" => source = value,
                        _ => {}
                    }
                }
                body.push('\n');
            }
            None => body.push_str(line),
        }
    }
    let csv = SourceFile {
        name: file.name.clone(),
        bytes: body.into_bytes(),
    };
    let mut rows = CsvRows::open(&csv, b',')?;
    let [type_i, weight_i] = rows.require(&["crime_type", "weight"])?[..] else {
        unreachable!("two columns required")
    };
    let mut weights = BTreeMap::new();
    let mut first_line: BTreeMap<String, u64> = BTreeMap::new();
    let mut default = None;
    while rows.next()? {
        let line = rows.line;
        let field = |i: usize| {
            rows.record
                .get(i)
                .and_then(|b| std::str::from_utf8(b).ok())
                .map(str::trim)
                .unwrap_or("")
                .to_string()
        };
        let (crime_type, weight) = (field(type_i), field(weight_i));
        if crime_type.is_empty() {
            return Err(invalid(line, "crime_type", "blank".into()));
        }
        let w: f64 = weight
            .parse()
            .ok()
            .filter(|w: &f64| w.is_finite() && *w >= 0.0)
            .ok_or_else(|| invalid(line, "weight", format!("{weight:?} is not a number ≥ 0")))?;
        let key = crime_type.to_lowercase();
        if let Some(first) = first_line.insert(key, line) {
            return Err(invalid(
                line,
                "crime_type",
                format!("{crime_type:?} is listed twice (first at line {first})"),
            ));
        }
        if crime_type == "*" {
            default = Some(w);
        } else {
            weights.insert(crime_type, w);
        }
    }
    if weights.is_empty() && default.is_none() {
        return Err(invalid(
            rows.line,
            "crime_type",
            "no weights in the table".into(),
        ));
    }
    let source = source.ok_or_else(|| {
        invalid(
            1,
            "# source",
            "say where the weights come from in a '# source: …' line above the header".into(),
        )
    })?;
    Ok(HarmIndex {
        name: name.unwrap_or_else(|| file.name.clone()),
        source,
        weights,
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<HarmIndex, String> {
        let f = crate::source_from_bytes("harm.csv", text.as_bytes().to_vec()).unwrap();
        parse_harm_index(&f).map_err(|e| e.to_string())
    }

    const HEAD: &str = "# name: T\n# source: S\ncrime_type,weight\n";

    #[test]
    fn a_bad_row_fails_the_file_naming_its_line_and_field() {
        assert_eq!(
            parse(&format!("{HEAD}Burglary,400\nDrugs,-1\n")).unwrap_err(),
            "harm.csv: line 5: weight: \"-1\" is not a number ≥ 0"
        );
        assert_eq!(
            parse(&format!("{HEAD}Burglary,1\nburglary ,2\n")).unwrap_err(),
            "harm.csv: line 5: crime_type: \"burglary\" is listed twice (first at line 4)"
        );
        assert_eq!(
            parse(&format!("{HEAD},3\n")).unwrap_err(),
            "harm.csv: line 4: crime_type: blank"
        );
    }

    #[test]
    fn the_source_must_be_stated() {
        let e = parse("crime_type,weight\nBurglary,1\n").unwrap_err();
        assert!(e.contains("# source"), "{e}");
    }

    #[test]
    fn columns_are_named_when_missing() {
        let e = parse("# source: S\ntype,weight\nBurglary,1\n").unwrap_err();
        assert!(e.contains("missing required column \"crime_type\""), "{e}");
    }

    #[test]
    fn name_defaults_to_the_file_and_star_is_the_default() {
        let index = parse("# source: S\ncrime_type,weight\n*,2\n").unwrap();
        assert_eq!(
            (index.name.as_str(), index.default),
            ("harm.csv", Some(2.0))
        );
        assert!(index.weights.is_empty());
    }
}
