//! The part of the map the surface layers (hotspots, density) are computed
//! for. The API picks the cell and bandwidth from the `bbox` it is given
//! (the documented rule in `hotspot_density::choose_parameters`), so asking
//! for the visible area is what makes hotspots street-sized at street zoom
//! and town-sized at county zoom.
//!
//! A new surface is asked for only when the view leaves the area last
//! computed or zooms well into it, so panning a little or zooming out a
//! step does not recompute; the area asked for is the view with a margin,
//! rounded outward so that nearby views give the same URL (and the
//! service's cache answers them).

/// `[west, south, east, north]` in WGS84 degrees.
pub type BBox = [f64; 4];

/// Share of the view's width (and height) added on every side.
const MARGIN: f64 = 0.15;
/// A view narrower than this share of the computed area is a zoom-in far
/// enough (about one zoom level) for the rule to give finer cells.
const ZOOM_IN_SHARE: f64 = 0.45;
/// Finest rounding step, degrees (about 7–11 m).
const MIN_STEP: f64 = 1e-4;

/// The area to compute for `view`: padded by [`MARGIN`], rounded outward
/// to a power of ten about a hundredth of its width, within WGS84's range.
///
/// ```
/// use hotspot_frontend::view::surface_bbox;
/// let b = surface_bbox([-0.9, 52.23, -0.88, 52.24]);
/// assert_eq!(b, [-0.903, 52.2285, -0.877, 52.2415]);
/// ```
pub fn surface_bbox(view: BBox) -> BBox {
    let (w, h) = (view[2] - view[0], view[3] - view[1]);
    let step = 10f64
        .powf(w.max(MIN_STEP).log10().floor() - 2.0)
        .max(MIN_STEP);
    // The tolerance keeps a value already on a step (up to float error) there.
    let snap = |n: f64| (n * step * 1e6).round() / 1e6;
    let down = |v: f64| snap((v / step + 1e-6).floor());
    let up = |v: f64| snap((v / step - 1e-6).ceil());
    [
        down(view[0] - w * MARGIN).max(-180.0),
        down(view[1] - h * MARGIN).max(-85.0),
        up(view[2] + w * MARGIN).min(180.0),
        up(view[3] + h * MARGIN).min(85.0),
    ]
}

/// Whether `view` needs a new surface: none yet, the view is not inside
/// the area computed, or it is well zoomed into it.
pub fn needs_new_surface(computed: Option<BBox>, view: BBox) -> bool {
    let Some(c) = computed else { return true };
    let inside = view[0] >= c[0] && view[1] >= c[1] && view[2] <= c[2] && view[3] <= c[3];
    let zoomed_in = view[2] - view[0] < (c[2] - c[0]) * ZOOM_IN_SHARE;
    !inside || zoomed_in
}

/// The `bbox=` value: `west,south,east,north`, trailing zeros dropped.
pub fn bbox_param(b: BBox) -> String {
    b.iter()
        .map(|v| {
            let s = format!("{v:.6}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Street labels are drawn (and fetched) from this zoom in: about 2 km
/// across on a laptop screen, where streets can be told apart.
pub const LABEL_MIN_ZOOM: f64 = 14.5;

/// Bandwidths an analyst can pick, metres (`None` in the page: the rule).
pub const BANDWIDTH_PRESETS: [u32; 7] = [100, 200, 300, 400, 600, 800, 1_200];

/// Where the map looks: what a shared link keeps (`view=lon,lat,zoom`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    pub lon: f64,
    pub lat: f64,
    pub zoom: f64,
}

impl Camera {
    /// `lon,lat,zoom`: 5 decimals (about a metre) and 2 for the zoom.
    pub fn to_param(self) -> String {
        format!("{:.5},{:.5},{:.2}", self.lon, self.lat, self.zoom)
    }

    /// Reads [`Camera::to_param`]; `None` for anything off the map.
    ///
    /// ```
    /// use hotspot_frontend::view::Camera;
    /// let c = Camera::parse("-0.89612,52.23781,15.5").unwrap();
    /// assert_eq!(c.to_param(), "-0.89612,52.23781,15.50");
    /// assert!(Camera::parse("-0.9,95,10").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Camera> {
        let v: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse().ok())
            .collect::<Option<_>>()?;
        match v[..] {
            [lon, lat, zoom]
                if (-180.0..=180.0).contains(&lon)
                    && (-85.0..=85.0).contains(&lat)
                    && (0.0..=22.0).contains(&zoom) =>
            {
                Some(Camera { lon, lat, zoom })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_camera_round_trips_and_nonsense_is_refused() {
        let c = Camera {
            lon: -0.896123,
            lat: 52.237811,
            zoom: 15.5,
        };
        let back = Camera::parse(&c.to_param()).unwrap();
        assert!((back.lon - c.lon).abs() < 1e-5 && (back.lat - c.lat).abs() < 1e-5);
        for bad in [
            "",
            "1,2",
            "1,2,3,4",
            "x,52,10",
            "-0.9,52.2,30",
            "200,52,10",
            "NaN,52,10",
        ] {
            assert_eq!(Camera::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_surface_covers_the_view_with_a_margin() {
        let view = [-0.95, 52.2, -0.85, 52.26];
        let b = surface_bbox(view);
        assert!(b[0] < view[0] && b[1] < view[1] && b[2] > view[2] && b[3] > view[3]);
        assert!(!needs_new_surface(Some(b), view));
        // A county view rounds to coarser steps than a street view.
        let county = surface_bbox([-1.33, 51.98, -0.34, 52.69]);
        assert_eq!(bbox_param(county), "-1.479,51.873,-0.191,52.797");
    }

    #[test]
    fn a_small_pan_reuses_the_surface_and_a_big_one_does_not() {
        let view = [-0.95, 52.2, -0.85, 52.26];
        let b = surface_bbox(view);
        let nudged = [-0.94, 52.205, -0.84, 52.265];
        assert!(!needs_new_surface(Some(b), nudged));
        let moved = [-0.80, 52.2, -0.70, 52.26];
        assert!(needs_new_surface(Some(b), moved));
        assert!(needs_new_surface(None, view));
    }

    #[test]
    fn zooming_in_a_level_asks_for_finer_cells_and_zooming_out_for_more_area() {
        let view = [-0.95, 52.2, -0.85, 52.26];
        let b = surface_bbox(view);
        let zoomed_in = [-0.925, 52.215, -0.875, 52.245];
        assert!(needs_new_surface(Some(b), zoomed_in));
        let zoomed_out = [-1.0, 52.17, -0.8, 52.29];
        assert!(needs_new_surface(Some(b), zoomed_out));
    }

    #[test]
    fn the_bbox_stays_within_wgs84() {
        let b = surface_bbox([-179.9, -84.9, 179.9, 84.9]);
        assert_eq!(b, [-180.0, -85.0, 180.0, 85.0]);
    }
}
