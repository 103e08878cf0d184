//! The briefing's tables as one CSV file.
//!
//! Layout (documented in the README): first `#` comment lines with the
//! title, period, marking, attribution and licence, so that the data never
//! travels without them; then four tables, each introduced by a
//! `# table: NAME` comment and its own header row, separated by a blank
//! line: `group_counts`, `monthly_trend`, `hotspots`, `interventions`.
//! Read it with a comment-aware reader that allows rows of different
//! lengths (Python: `csv` after skipping `#` lines; Rust: `csv` with
//! `comment(Some(b'#'))` and `flexible(true)`), or split it at blank lines.
//! A withheld count in a public briefing is empty, with `suppressed` true.

use hotspot_engine::WardBriefing;

use crate::BriefingError;

/// Free text (names, kinds, labels) that a spreadsheet would run as a
/// formula is prefixed with an apostrophe (CSV injection).
fn text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn float(v: Option<f64>, digits: usize) -> String {
    v.map(|v| format!("{v:.digits$}")).unwrap_or_default()
}

/// The whole CSV: the comment header, then the four tables in their
/// documented order.
pub fn to_csv(b: &WardBriefing) -> Result<Vec<u8>, BriefingError> {
    let mut out = Vec::new();
    for c in header_comments(b) {
        // One line each, whatever the text holds.
        out.extend_from_slice(format!("# {}\n", c.replace(['\n', '\r'], " ")).as_bytes());
    }
    write_table(
        &mut out,
        "group_counts",
        GROUP_COUNTS_HEADER,
        group_count_rows(b),
    )?;
    write_table(
        &mut out,
        "monthly_trend",
        MONTHLY_TREND_HEADER,
        trend_rows(b),
    )?;
    write_table(&mut out, "hotspots", HOTSPOTS_HEADER, hotspot_rows(b))?;
    write_table(
        &mut out,
        "interventions",
        INTERVENTIONS_HEADER,
        intervention_rows(b),
    )?;
    Ok(out)
}

/// The `#` lines before the tables: what, when, marking, attribution,
/// licence and notes, so the data never travels without them.
fn header_comments(b: &WardBriefing) -> Vec<String> {
    let mut comments = vec![
        format!("Hotspot ward briefing: {} ({})", b.name, b.code),
        format!("Period: {}", b.period),
    ];
    if let Some(c) = &b.comparison {
        comments.push(format!("Compared with: {c}"));
    }
    comments.push(format!("Selection: {}", b.selection));
    comments.push(format!("Prepared: {}", b.as_of));
    comments.push(if b.public {
        format!(
            "PUBLIC: counts of 1 to {} are withheld (empty, suppressed=true) with the figures derived from them",
            b.suppress_below.saturating_sub(1)
        )
    } else {
        "NOT FOR PUBLICATION: unsuppressed counts".to_string()
    });
    for a in &b.attribution {
        comments.push(format!("Attribution: {a}"));
    }
    comments.push(format!(
        "Licence: {} {}",
        hotspot_core::disclosure::OGL_LICENCE,
        hotspot_core::disclosure::OGL_LICENCE_URL
    ));
    for n in &b.notes {
        comments.push(format!("Note: {n}"));
    }
    comments
}

/// Appends one table: a blank line, its `# table: NAME` comment, the header
/// row and the rows (quoted by the `csv` writer).
fn write_table(
    out: &mut Vec<u8>,
    name: &str,
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<(), BriefingError> {
    out.extend_from_slice(format!("\n# table: {name}\n").as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    out.extend_from_slice(
        &w.into_inner()
            .map_err(|e| BriefingError::Io(e.into_error()))?,
    );
    Ok(())
}

const GROUP_COUNTS_HEADER: &[&str] = &[
    "ward_code",
    "group",
    "group_name",
    "count",
    "rate_per_1000",
    "comparison_count",
    "change",
    "change_pct",
    "p_value",
    "change_significant",
    "rank",
    "rank_by_rate",
    "wards",
    "suppressed",
    "comparison_suppressed",
];

/// One `group_counts` row per crime group; withheld values are empty.
fn group_count_rows(b: &WardBriefing) -> Vec<Vec<String>> {
    b.rows
        .iter()
        .map(|r| {
            vec![
                b.code.clone(),
                r.id.clone(),
                text(&r.name),
                opt(r.count),
                float(r.rate_per_1000, 3),
                opt(r.comparison_count),
                opt(r.change),
                float(r.change_pct, 1),
                float(r.p_value, 5),
                opt(r.change_significant),
                r.rank.to_string(),
                opt(r.rank_by_rate),
                b.wards.to_string(),
                r.suppressed.to_string(),
                r.comparison_suppressed.to_string(),
            ]
        })
        .collect()
}

const MONTHLY_TREND_HEADER: &[&str] = &[
    "ward_code",
    "month",
    "count",
    "in_period",
    "no_data",
    "suppressed",
];

/// One `monthly_trend` row per month; `no_data` tells a missing month from
/// a withheld count.
fn trend_rows(b: &WardBriefing) -> Vec<Vec<String>> {
    b.trend
        .iter()
        .map(|t| {
            vec![
                b.code.clone(),
                t.month.to_string(),
                opt(t.count),
                t.in_period.to_string(),
                (t.count.is_none() && !t.suppressed).to_string(),
                t.suppressed.to_string(),
            ]
        })
        .collect()
}

const HOTSPOTS_HEADER: &[&str] = &[
    "rank",
    "incidents",
    "area_km2",
    "lon",
    "lat",
    "main_types",
    "location",
];

/// One `hotspots` row per hotspot, located by its centre in WGS 84.
fn hotspot_rows(b: &WardBriefing) -> Vec<Vec<String>> {
    b.hotspots
        .iter()
        .map(|h| {
            vec![
                h.rank.to_string(),
                h.incidents.to_string(),
                format!("{:.4}", h.area_km2),
                format!("{:.6}", h.centre.0),
                format!("{:.6}", h.centre.1),
                text(
                    &h.top_types
                        .iter()
                        .map(|(t, n)| format!("{t} ({n})"))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                text(h.location.as_deref().unwrap_or_default()),
            ]
        })
        .collect()
}

const INTERVENTIONS_HEADER: &[&str] = &["id", "status", "name", "kind", "start", "end", "targets"];

/// One `interventions` row per intervention overlapping the ward.
fn intervention_rows(b: &WardBriefing) -> Vec<Vec<String>> {
    b.interventions
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.status.label().to_string(),
                text(&i.name),
                text(&i.kind),
                i.start.to_string(),
                opt(i.end),
                text(&i.targets),
            ]
        })
        .collect()
}
