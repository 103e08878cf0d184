//! Memoised projection to British National Grid.
//!
//! police.uk publishes anonymised *snap points*: ~10k distinct lon/lat pairs
//! for ~100k rows, and a `proj4rs` transform costs far more than a hash
//! lookup, so every distinct pair (keyed by the f64 bit patterns, i.e. the
//! exact parsed value) is projected once per file. This is the main speed
//! lever of the police.uk parser. Failures are memoised too.

use hotspot_core::projection::{check_bng, GB_LAT_RANGE, GB_LON_RANGE};
use hotspot_core::{bng_to_wgs84, wgs84_to_bng, Location};

use crate::fxhash::FxHashMap;

/// Which of the two coordinate columns a failure should be reported against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Axis {
    /// Longitude or easting.
    First,
    /// Latitude or northing.
    Second,
}

#[derive(Debug, Clone)]
pub(crate) struct CoordError {
    pub axis: Axis,
    pub reason: String,
}

#[derive(Default)]
pub(crate) struct Projector {
    wgs: FxHashMap<(u64, u64), Result<Location, CoordError>>,
    bng: FxHashMap<(u64, u64), Result<Location, CoordError>>,
}

fn in_range(v: f64, r: (f64, f64)) -> bool {
    (r.0..=r.1).contains(&v)
}

impl Projector {
    /// WGS84 degrees → Location, rejecting points outside Great Britain
    /// (which also catches swapped columns and 0,0 placeholders).
    pub fn lonlat(&mut self, lon: f64, lat: f64) -> Result<Location, CoordError> {
        self.wgs
            .entry((lon.to_bits(), lat.to_bits()))
            .or_insert_with(|| project_lonlat(lon, lat))
            .clone()
    }

    /// British National Grid metres → Location.
    pub fn bng(&mut self, x: f64, y: f64) -> Result<Location, CoordError> {
        self.bng
            .entry((x.to_bits(), y.to_bits()))
            .or_insert_with(|| project_bng(x, y))
            .clone()
    }
}

fn project_lonlat(lon: f64, lat: f64) -> Result<Location, CoordError> {
    match wgs84_to_bng(lon, lat) {
        Ok((x, y)) => Ok(Location { lon, lat, x, y }),
        Err(e) => {
            let axis = if in_range(lon, GB_LON_RANGE) {
                Axis::Second
            } else {
                Axis::First
            };
            let hint = if lon == 0.0 && lat == 0.0 {
                " (0,0 is a placeholder for an unknown location)"
            } else if in_range(lat, GB_LON_RANGE) && in_range(lon, GB_LAT_RANGE) {
                " (longitude and latitude look swapped)"
            } else if lon.abs() > 180.0 || lat.abs() > 90.0 {
                " (values look like metres, not degrees)"
            } else {
                ""
            };
            Err(CoordError {
                axis,
                reason: format!("{e}{hint}"),
            })
        }
    }
}

fn project_bng(x: f64, y: f64) -> Result<Location, CoordError> {
    if x.abs() <= 180.0 && y.abs() <= 90.0 {
        return Err(CoordError {
            axis: Axis::First,
            reason: format!(
                "easting {x} / northing {y} look like longitude/latitude degrees, not British National Grid metres (map them as lon/lat or crs=4326)"
            ),
        });
    }
    let axis = if (-10_000.0..=710_000.0).contains(&x) {
        Axis::Second
    } else {
        Axis::First
    };
    let outside = || {
        CoordError {
        axis,
        reason: format!(
            "easting {x} / northing {y} is outside the British National Grid (0..700000, 0..1300000 metres)"
        ),
    }
    };
    check_bng(x, y).map_err(|_| outside())?;
    let (lon, lat) = bng_to_wgs84(x, y).map_err(|_| outside())?;
    Ok(Location { lon, lat, x, y })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memoises_and_blames_the_right_axis() {
        let mut p = Projector::default();
        let a = p.lonlat(-0.9, 52.24).unwrap();
        assert!((a.x - 475_000.0).abs() < 5_000.0, "{a:?}");
        assert_eq!(p.lonlat(-0.9, 52.24).unwrap(), a);
        assert_eq!(p.wgs.len(), 1);
        let e = p.lonlat(0.0, 0.0).unwrap_err();
        assert_eq!(e.axis, Axis::Second);
        assert!(e.reason.contains("placeholder"));
        let e = p.lonlat(52.24, -0.9).unwrap_err();
        assert_eq!(e.axis, Axis::First);
        assert!(e.reason.contains("swapped"), "{}", e.reason);
    }

    #[test]
    fn bng_round_trip_and_degree_detection() {
        let mut p = Projector::default();
        let l = p.bng(475_000.0, 260_000.0).unwrap();
        assert!(
            (l.lon - -0.9).abs() < 0.1 && (l.lat - 52.2).abs() < 0.1,
            "{l:?}"
        );
        assert!(p.bng(-0.9, 52.24).unwrap_err().reason.contains("degrees"));
        assert_eq!(
            p.bng(475_000.0, 5_000_000.0).unwrap_err().axis,
            Axis::Second
        );
    }
}
