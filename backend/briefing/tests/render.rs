//! Every format rendered from a briefing on the sample data and read back
//! as a user's software would: PDF text extracted, PNG decoded, CSV parsed,
//! GeoPackage opened with SQLite.

mod common;
use common as sample;

use hotspot_briefing::{render, Format};
use hotspot_engine::{BriefingQuery, InterventionInput, Period, WardBriefing};

fn briefing(public: bool) -> WardBriefing {
    briefing_for(public, "2025-07..2025-12")
}

/// The busiest ward's briefing for `period`, compared with the period
/// before, with one logged intervention.
fn briefing_for(public: bool, period: &str) -> WardBriefing {
    let ds = sample::sample_dataset();
    let wards = ds.ward_statistics(&Default::default()).unwrap();
    // The busiest ward: it has hotspots to list.
    let code = wards
        .rows
        .iter()
        .find(|r| r.stats.rank == 1)
        .unwrap()
        .code
        .clone();
    let mut q = BriefingQuery::new(&code, "2025-12-15".parse().unwrap());
    q.selection.period = Period::parse(period).unwrap();
    q.comparison = q.selection.period.previous();
    q.public = public;
    q.include_points = !public;
    let area = ds.ward_briefing(&q, &[]).unwrap().map.ward.clone();
    let wgs = geo::MapCoords::map_coords(&area, |c| {
        let (x, y) = hotspot_core::bng_to_wgs84(c.x, c.y).unwrap();
        geo_types::Coord { x, y }
    });
    let log = vec![InterventionInput {
        id: 7,
        name: "Operation Böhm — £5k lighting".into(),
        kind: "target hardening".into(),
        start: "2026-01-10".parse().unwrap(),
        end: None,
        area: wgs,
        groups: vec!["serious-acquisitive".into()],
        types: vec![],
    }];
    ds.ward_briefing(&q, &log).unwrap()
}

fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert_eq!(pages.len(), 2);
    doc.extract_text(&pages).expect("text extracts")
}

#[test]
fn pdf_text_is_extractable_with_counts_and_attribution() {
    let b = briefing(false);
    let pdf = render(&b, Format::Pdf, None).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&b.name), "{flat}");
    assert!(flat.contains(&b.code));
    assert!(flat.contains(
        "Contains public sector information licensed under the Open Government Licence v3.0"
    ));
    assert!(
        flat.contains("contains OS data © Crown copyright and database right"),
        "{flat}"
    );
    assert!(flat.contains("NOT FOR PUBLICATION"));
    let total = b.rows[0].count.unwrap();
    assert!(
        flat.contains(&total.to_string())
            || flat.contains(&format!("{},{:03}", total / 1000, total % 1000))
    );
    assert!(
        flat.contains("Operation Böhm — £5k lighting"),
        "non-ASCII survives: {flat}"
    );
    assert!(!b.hotspots.is_empty());
    assert!(flat.contains("Top hotspots"));
    std::fs::write(std::env::temp_dir().join("hotspot-briefing-test.pdf"), &pdf).unwrap();
}

/// How a count reads in the PDF: digits with thousands commas.
fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn public_pdf_is_marked_and_shows_no_small_count() {
    // One month: some groups have 1 or 2 incidents in the busiest ward.
    let full = briefing_for(false, "2025-12");
    let b = briefing_for(true, "2025-12");
    let k = b.suppress_below;
    let text = pdf_text(&render(&b, Format::Pdf, None).unwrap());
    assert!(text.contains("PUBLIC"));
    assert!(
        !text.contains("Operation"),
        "no intervention log in public briefings"
    );
    // The rendered table, read back: one text run per line, each group's
    // name followed by Count, Per 1,000, Before, Change, Sig., Rank, By rate.
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut at = lines
        .iter()
        .position(|l| *l == "By rate")
        .expect("the counts table")
        + 1;
    let shown = |n: u64| {
        if (1..k).contains(&n) {
            format!("<{k}")
        } else {
            int(n)
        }
    };
    let mut withheld = 0;
    for (r, unsuppressed) in b.rows.iter().zip(&full.rows) {
        assert_eq!(lines[at], r.name, "{text}");
        let count = unsuppressed.count.unwrap();
        let before = unsuppressed.comparison_count.unwrap();
        let row = &lines[at..at + 8];
        assert_eq!(row[1], shown(count), "count of {}: {row:?}", r.name);
        assert_eq!(row[3], shown(before), "comparison of {}: {row:?}", r.name);
        if (1..k).contains(&count) {
            withheld += 1;
            assert_eq!(row[2], "–", "a withheld count's rate is withheld: {row:?}");
        }
        if (1..k).contains(&count) || (1..k).contains(&before) {
            assert_eq!(row[4], "–", "change from a withheld count: {row:?}");
        }
        at += 8;
    }
    assert!(
        withheld > 0,
        "the month has small counts to withhold: {text}"
    );
    // Nor in the key figures' "Most frequent" lines.
    for r in &full.rows[1..] {
        if let Some(n) = r.count.filter(|n| (1..k).contains(n)) {
            assert!(
                !text.contains(&format!("{}: {n}", r.name)),
                "{}: {n} shown",
                r.name
            );
        }
    }
}

#[test]
fn png_decodes_as_two_a4_pages() {
    let b = briefing(false);
    let png = render(&b, Format::Png, None).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width and height, big-endian, at bytes 16..24.
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!(w, 1190);
    assert!(h > 2 * 1684 && h < 2 * 1684 + 40, "{h}");
    std::fs::write(std::env::temp_dir().join("hotspot-briefing-test.png"), &png).unwrap();
}

#[test]
fn csv_carries_attribution_and_every_table() {
    let b = briefing(false);
    let csv = String::from_utf8(render(&b, Format::Csv, None).unwrap()).unwrap();
    assert!(csv.starts_with("# Hotspot ward briefing"));
    assert!(csv.contains("# Attribution: Contains public sector information"));
    assert!(csv.contains("# Licence: Open Government Licence v3.0"));
    for t in ["group_counts", "monthly_trend", "hotspots", "interventions"] {
        assert!(csv.contains(&format!("# table: {t}\n")), "{t}");
    }
    let mut r = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .flexible(true)
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(&rows[0][1], "group");
    assert_eq!(&rows[1][1], "all");
    assert_eq!(rows[1][3].parse::<u64>().unwrap(), b.rows[0].count.unwrap());
}

#[test]
fn geopackage_has_the_required_tables_and_geometry_blobs() {
    let b = briefing(false);
    let bytes = render(&b, Format::GeoPackage, None).unwrap();
    assert_eq!(&bytes[..16], b"SQLite format 3\0");
    assert_eq!(&bytes[68..72], b"GPKG", "application_id");
    assert_eq!(u32::from_be_bytes(bytes[60..64].try_into().unwrap()), 10300);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.gpkg");
    std::fs::write(&path, &bytes).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT table_name FROM gpkg_contents ORDER BY table_name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for t in [
        "attribution",
        "group_counts",
        "hotspots",
        "incidents",
        "interventions",
        "monthly_trend",
        "wards",
    ] {
        assert!(tables.contains(&t.to_string()), "{t} in {tables:?}");
    }
    let srs: i64 = conn
        .query_row(
            "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (4326, 27700)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(srs, 2);
    let blob: Vec<u8> = conn
        .query_row("SELECT geom FROM wards WHERE role = 'ward'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(&blob[..2], b"GP");
    assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 27700);
    assert_eq!(blob[40], 1, "little-endian WKB after a 40-byte header");
    assert_eq!(
        u32::from_le_bytes(blob[41..45].try_into().unwrap()),
        6,
        "MultiPolygon"
    );
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let attribution: i64 = conn
        .query_row(
            "SELECT count(*) FROM attribution WHERE text LIKE '%Open Government Licence%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(attribution >= 2);
    let interventions: i64 = conn
        .query_row("SELECT count(*) FROM interventions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(interventions, 1);
}

/// A PNG's pixels (RGBA) with its width.
fn decode_png(bytes: &[u8]) -> (Vec<u8>, usize) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let rgba = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect();
    (rgba, info.width as usize)
}

#[test]
fn a_basemap_draws_streets_over_the_hotspots_and_is_credited() {
    use geo_types::{LineString, Polygon};
    use hotspot_briefing::{map_extent, BaseLayers};
    let b = briefing(false);
    let [x0, y0, x1, y1] = map_extent(&b);
    let cy = (y0 + y1) / 2.0;
    // A highway straight across the map's middle, and water in one corner.
    let base = BaseLayers {
        lines: vec![(
            hotspot_basemap::LineKind::Highway,
            LineString::from(vec![(x0 - 100.0, cy), (x1 + 100.0, cy)]),
        )],
        areas: vec![(
            hotspot_basemap::AreaKind::Water,
            Polygon::new(
                LineString::from(vec![
                    (x0, y0),
                    (x0 + 50.0, y0),
                    (x0 + 50.0, y0 + 50.0),
                    (x0, y0),
                ]),
                vec![],
            ),
        )],
        attribution: "© Fixture mappers".into(),
        zoom: 14,
    };
    let text = pdf_text(&render(&b, Format::Pdf, Some(&base)).unwrap());
    assert!(text.contains("© Fixture mappers"), "{text}");
    assert!(!pdf_text(&render(&b, Format::Pdf, None).unwrap()).contains("Fixture"));

    // At 144 dpi the map box (36, 92, 300 × 300 pt) is pixels 72..672 by
    // 184..784; the highway crosses its middle row, pixel 484.
    let highway = |png: &[u8]| {
        let (px, width) = decode_png(png);
        (72..672)
            .filter(|x| {
                let i = (484 * width + x) * 4;
                px[i..i + 3] == [205, 160, 85]
            })
            .count()
    };
    let with = highway(&render(&b, Format::Png, Some(&base)).unwrap());
    assert!(with > 450, "the highway shows along {with} of 600 pixels");
    assert_eq!(highway(&render(&b, Format::Png, None).unwrap()), 0);
}
