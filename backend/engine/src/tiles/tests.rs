use hotspot_core::{Incident, Month};

use super::*;
use crate::test_support::{build, of_type, scatter, scatter_selections};
use crate::Period;

/// The tile holding a WGS84 point at `z`, by the textbook formula
/// (independent of [`TileId::position`]).
fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = (1u64 << z) as f64;
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let y = ((1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}

fn lonlat(i: &Incident) -> (f64, f64) {
    let l = i.location.unwrap();
    (l.lon, l.lat)
}

#[test]
fn zoomed_in_one_point_per_location_with_its_count_type_and_latest_month() {
    let a = (450_100.0, 260_100.0);
    let b = (450_130.0, 260_120.0);
    let incidents = vec![
        of_type("Burglary", a.0, a.1, "2025-01"),
        of_type("Robbery", a.0, a.1, "2025-02"),
        of_type("Burglary", a.0, a.1, "2025-03"),
        of_type("Robbery", b.0, b.1, "2025-02"),
        // Far away: not in the tile.
        of_type("Robbery", 460_000.0, 270_000.0, "2025-02"),
    ];
    let (a_lonlat, b_lonlat) = (lonlat(&incidents[0]), lonlat(&incidents[3]));
    let (x, y) = tile_of(a_lonlat.0, a_lonlat.1, 16);
    assert_eq!(tile_of(b_lonlat.0, b_lonlat.1, 16), (x, y), "B is beside A");
    let ds = build(incidents, vec![]);
    let tile = TileId::new(16, x, y).unwrap();
    let got = ds.incident_tile(&Selection::default(), tile).unwrap();
    assert!(!got.clustered);
    let expect = |(lon, lat): (f64, f64), count, category: &str, month: &str| {
        let (px, py) = tile.position(lon, lat).unwrap();
        TilePoint {
            x: px.round() as u32,
            y: py.round() as u32,
            count,
            site: Some(SiteSummary {
                category: category.into(),
                month: month.parse::<Month>().unwrap(),
            }),
        }
    };
    let mut points = got.points.clone();
    points.sort_by_key(|p| std::cmp::Reverse(p.count));
    assert_eq!(
        points,
        vec![
            expect(a_lonlat, 3, "Burglary", "2025-03"),
            expect(b_lonlat, 1, "Robbery", "2025-02"),
        ]
    );
    // The selection applies: robberies only, then February only.
    let robbery = Selection {
        types: vec!["robbery".into()],
        ..Default::default()
    };
    let mut points = ds.incident_tile(&robbery, tile).unwrap().points;
    points.sort_by_key(|p| p.x);
    let mut want = vec![
        expect(a_lonlat, 1, "Robbery", "2025-02"),
        expect(b_lonlat, 1, "Robbery", "2025-02"),
    ];
    want.sort_by_key(|p| p.x);
    assert_eq!(points, want);
    let march = Selection {
        period: Period::parse("2025-03").unwrap(),
        ..Default::default()
    };
    let points = ds.incident_tile(&march, tile).unwrap().points;
    assert_eq!(points, vec![expect(a_lonlat, 1, "Burglary", "2025-03")]);
}

#[test]
fn counts_in_every_tile_equal_the_selection_counted_by_brute_force() {
    let ds = scatter();
    let selections = scatter_selections();
    for sel in &selections {
        let picked = ds.select(sel).unwrap();
        assert!(picked.len() > 50, "{sel:?} picks {}", picked.len());
        for z in [6u8, 9, 11, 13, 14, 15, 17] {
            let mut want: std::collections::BTreeMap<(u32, u32), u64> = Default::default();
            for &k in &picked {
                if let Some(l) = ds.incident(k).1.location {
                    *want.entry(tile_of(l.lon, l.lat, z)).or_default() += 1;
                }
            }
            for (&(x, y), &n) in &want {
                let tile = ds
                    .incident_tile(sel, TileId::new(z.into(), x, y).unwrap())
                    .unwrap();
                assert_eq!(tile.incidents(), n, "{sel:?} at {z}/{x}/{y}");
                assert_eq!(tile.clustered, z < POINTS_FROM_ZOOM);
                let cells = (CLUSTER_CELLS * CLUSTER_CELLS) as usize;
                assert!(tile.points.len() <= cells);
                assert!(tile
                    .points
                    .iter()
                    .all(|p| p.count > 0 && p.x < TILE_EXTENT && p.y < TILE_EXTENT));
            }
            // A neighbouring empty tile has nothing.
            let (x, y) = *want.keys().next().unwrap_or(&(0, 0));
            if !want.contains_key(&(x, y + 1)) {
                let empty = TileId::new(z.into(), x, y + 1).unwrap();
                assert!(ds.incident_tile(sel, empty).unwrap().points.is_empty());
            }
        }
    }
}

#[test]
fn tiles_that_do_not_exist_and_unknown_names_are_refused() {
    let ds = scatter();
    assert!(TileId::new(23, 0, 0).is_err());
    assert!(TileId::new(3, 8, 0).is_err());
    assert!(TileId::new(3, 0, 8).is_err());
    assert!(TileId::new(0, 0, 0).is_ok());
    let whole_world = TileId::new(0, 0, 0).unwrap();
    assert_eq!(
        ds.incident_tile(&Selection::default(), whole_world)
            .unwrap()
            .incidents(),
        ds.overview().located
    );
    let unknown = Selection {
        area: Some("nowhere".into()),
        ..Default::default()
    };
    assert!(matches!(
        ds.incident_tile(&unknown, whole_world),
        Err(EngineError::UnknownArea(_))
    ));
}
