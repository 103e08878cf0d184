//! The snapshot's selection, ordering and ward assignment on hand-made data.

use super::*;
use crate::Period;
use hotspot_core::Location;

fn inc(category: &str, source: &str, month: &str, xy: Option<(f64, f64)>) -> Incident {
    Incident {
        source: source.into(),
        external_id: None,
        category: category.into(),
        month: month.parse().unwrap(),
        date: None,
        time: None,
        location: xy.map(|(x, y)| {
            let (lon, lat) = hotspot_core::bng_to_wgs84(x, y).unwrap();
            Location { lon, lat, x, y }
        }),
        location_label: None,
        lsoa_code: None,
        outcome: None,
        origin_line: 2,
    }
}

fn square(x0: f64, y0: f64, side: f64) -> geo_types::MultiPolygon<f64> {
    let corners = [
        (x0, y0),
        (x0 + side, y0),
        (x0 + side, y0 + side),
        (x0, y0 + side),
        (x0, y0),
    ];
    let ring: Vec<_> = corners
        .iter()
        .map(|&(x, y)| hotspot_core::bng_to_wgs84(x, y).unwrap())
        .collect();
    geo_types::MultiPolygon(vec![geo_types::Polygon::new(ring.into(), vec![])])
}

fn dataset() -> Dataset {
    let incidents = vec![
        inc(
            "Burglary",
            "police.uk",
            "2025-01",
            Some((450_100.0, 260_100.0)),
        ),
        inc(
            "Robbery",
            "police.uk",
            "2025-02",
            Some((451_100.0, 260_100.0)),
        ),
        inc(
            "Drugs",
            "police.uk",
            "2025-02",
            Some((450_500.0, 260_500.0)),
        ),
        inc("Drugs", "police.uk", "2025-03", None),
        inc(
            "Black bags",
            "fly-tipping",
            "2025-03",
            Some((460_000.0, 260_000.0)),
        ),
    ];
    let areas = vec![
        Area {
            code: "A".into(),
            name: "West".into(),
            population: Some(1000.0),
            geometry: square(450_000.0, 260_000.0, 1000.0),
        },
        Area {
            code: "B".into(),
            name: "East".into(),
            population: None,
            geometry: square(451_000.0, 260_000.0, 1000.0),
        },
    ];
    crate::test_support::build(incidents, areas)
}

#[test]
fn groups_and_types_combine_as_a_union_and_sources_restrict() {
    let ds = dataset();
    let sel = |groups: &[&str], types: &[&str], sources: &[&str]| Selection {
        groups: groups.iter().map(|s| s.to_string()).collect(),
        types: types.iter().map(|s| s.to_string()).collect(),
        sources: sources.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    assert_eq!(
        ds.select(&sel(&["serious-acquisitive"], &[], &[])).unwrap(),
        vec![0, 1]
    );
    assert_eq!(
        ds.select(&sel(&["serious-acquisitive"], &["drugs"], &[]))
            .unwrap(),
        vec![0, 1, 2, 3]
    );
    assert_eq!(
        ds.select(&sel(&["source-fly-tipping"], &[], &[])).unwrap(),
        vec![4]
    );
    assert_eq!(
        ds.select(&sel(&[], &[], &["FLY-TIPPING"])).unwrap(),
        vec![4]
    );
    assert!(ds
        .select(&sel(&[], &["Burglary"], &["fly-tipping"]))
        .unwrap()
        .is_empty());
    assert!(matches!(
        ds.select(&sel(&["nope"], &[], &[])),
        Err(EngineError::UnknownGroup(_))
    ));
}

#[test]
fn wards_account_for_every_incident() {
    let ds = dataset();
    let report = ds.ward_statistics(&crate::WardQuery::default()).unwrap();
    let counts: Vec<u64> = report.rows.iter().map(|r| r.stats.count).collect();
    assert_eq!(counts, vec![2, 1]);
    assert_eq!(
        (report.outside_areas, report.unlocated, report.total),
        (1, 1, 5)
    );
    let feb = Selection {
        period: Period::parse("2025-02").unwrap(),
        ..Default::default()
    };
    let report = ds
        .ward_statistics(&crate::WardQuery {
            selection: feb,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        report
            .rows
            .iter()
            .map(|r| r.stats.count)
            .collect::<Vec<_>>(),
        vec![1, 1]
    );
    assert_eq!(report.rows[0].stats.rate_per_1000, Some(1.0));
    let o = ds.overview();
    assert_eq!(
        (
            o.incidents,
            o.located,
            o.unlocated,
            o.outside_areas,
            o.areas
        ),
        (5, 4, 1, 1, 2)
    );
}

#[test]
fn rows_are_by_month_and_a_period_reads_only_its_own() {
    let months = [
        "2025-03", "2024-12", "2025-01", "2025-03", "2025-02", "2024-11",
    ];
    let incidents = (months.iter().enumerate())
        .map(|(i, m)| {
            let mut inc = inc("Drugs", "police.uk", m, None);
            inc.date = (i % 2 == 0).then(|| inc.month.first_day() + chrono::Days::new(9));
            (10 - i as i64, inc)
        })
        .collect();
    let ds = Dataset::build(incidents, Vec::new(), CrimeGroups::default());
    let rows: Vec<(i64, String)> = (0..ds.len())
        .map(|k| ds.incident(k))
        .map(|(id, i)| (id, i.month.to_string()))
        .collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(ids, vec![5, 9, 8, 6, 7, 10], "by month, then id: {rows:?}");
    for (period, want) in [
        ("2024-12..2025-02", vec![9, 8, 6]),
        ("2025-03", vec![7, 10]),
        ("2024-12-05..2025-01-10T12:00", vec![8]),
        ("2024-11-01..2024-12-01", vec![5]),
    ] {
        let sel = Selection {
            period: Period::parse(period).unwrap(),
            ..Default::default()
        };
        let got: Vec<i64> = ds
            .select(&sel)
            .unwrap()
            .iter()
            .map(|&k| ds.incident(k).0)
            .collect();
        assert_eq!(got, want, "{period}");
    }
}

#[test]
fn a_page_is_the_slice_of_the_whole_selection() {
    let ds = dataset();
    let sel = Selection {
        types: vec!["Drugs".into(), "Robbery".into(), "Burglary".into()],
        ..Default::default()
    };
    let all = ds.select(&sel).unwrap();
    assert_eq!(all.len(), 4);
    let feb = Selection {
        period: Period::parse("2025-02..2025-03").unwrap(),
        ..Default::default()
    };
    for sel in [sel, feb, Selection::default()] {
        let all = ds.select(&sel).unwrap();
        for (offset, limit) in [(0, 10), (1, 2), (3, 5), (4, 1), (9, 3)] {
            let want: Vec<usize> = all.iter().copied().skip(offset).take(limit).collect();
            let got = ds.select_page(&sel, offset, limit).unwrap();
            assert_eq!(got, (want, all.len()), "{sel:?} {offset} {limit}");
        }
    }
    // Every kind of selection (a ward, a box, a date-time period, groups),
    // where the count comes from the cube or from the walk.
    let ds = crate::test_support::scatter();
    for sel in crate::test_support::scatter_selections() {
        let all = ds.select(&sel).unwrap();
        for (offset, limit) in [(0, 10), (7, 50), (all.len() - 3, 10), (all.len(), 5)] {
            let want: Vec<usize> = all.iter().copied().skip(offset).take(limit).collect();
            let got = ds.select_page(&sel, offset, limit).unwrap();
            assert_eq!(got, (want, all.len()), "{sel:?} {offset} {limit}");
        }
    }
}

#[test]
fn ward_filter_uses_point_in_polygon() {
    let ds = dataset();
    let sel = Selection {
        area: Some("B".into()),
        ..Default::default()
    };
    assert_eq!(ds.select(&sel).unwrap(), vec![1]);
    let missing = Selection {
        area: Some("Z".into()),
        ..Default::default()
    };
    assert!(matches!(
        ds.select(&missing),
        Err(EngineError::UnknownArea(_))
    ));
}
