//! Which pixel of an image MapLibre pins at four corners (an `image`
//! source) lies under a point: MapLibre's own arithmetic (maplibre-gl 6,
//! `ImageSource.setCoordinates` and the raster vertex shader), inverted, so
//! that a click finds the cell drawn under it rather than one computed
//! another way.
//!
//! MapLibre takes the corners to Web Mercator, rounds them to the integer
//! coordinates of one tile that holds the whole image, and warps the image
//! onto that quad projectively (a parallelogram, affinely). A grid's corners
//! are nearly a rectangle, far from where it blends towards a bilinear warp.

/// MapLibre's tile extent: tile coordinates run 0..8192.
const EXTENT: f64 = 8192.0;
/// Foreshortening past which MapLibre's `auto` warp starts to blend towards
/// the bilinear one (its `PROJECTIVE_FORESHORTENING`).
const PROJECTIVE_FORESHORTENING: f64 = 4.0;

/// An image's placement as MapLibre draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pinned {
    /// Tiles across the world at the holding tile's zoom, and that tile.
    tiles: f64,
    tile: [f64; 2],
    /// Top-left, top-right, bottom-right, bottom-left in the tile's
    /// coordinates, rounded as MapLibre rounds them.
    quad: [[f64; 2]; 4],
    /// The projective terms (0 for a parallelogram).
    warp: [f64; 2],
}

/// Web Mercator "world" coordinates, 0..1 from the north-west.
fn world(lon: f64, lat: f64) -> [f64; 2] {
    use std::f64::consts::PI;
    let y = 180.0 - 180.0 / PI * (PI / 4.0 + lat * PI / 360.0).tan().ln();
    [(180.0 + lon) / 360.0, y / 360.0]
}

fn lon_lat(w: [f64; 2]) -> [f64; 2] {
    use std::f64::consts::PI;
    let y = 180.0 - w[1] * 360.0;
    [
        w[0] * 360.0 - 180.0,
        360.0 / PI * (y * PI / 180.0).exp().atan() - 90.0,
    ]
}

/// JavaScript's `Math.round` (halves up, also below zero).
fn js_round(v: f64) -> f64 {
    (v + 0.5).floor()
}

impl Pinned {
    /// The placement of an image pinned at `corners` (`[lon, lat]`:
    /// top-left, top-right, bottom-right, bottom-left, as MapLibre takes
    /// them); `None` when they are not four finite points or describe no
    /// projective view (MapLibre then blends towards a bilinear warp,
    /// which this does not follow).
    pub fn new(corners: &[[f64; 2]]) -> Option<Pinned> {
        let w: Vec<[f64; 2]> = corners.iter().map(|c| world(c[0], c[1])).collect();
        if w.len() != 4 || w.iter().flatten().any(|v| !v.is_finite()) {
            return None;
        }
        let (min_x, max_x) = w
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p[0]), b.max(p[0])));
        let (min_y, max_y) = w
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p[1]), b.max(p[1])));
        let d_max = (max_x - min_x).max(max_y - min_y);
        let zoom = (-d_max.ln() / std::f64::consts::LN_2).floor().max(0.0);
        let tiles = 2f64.powf(zoom);
        let tile = [
            ((min_x + max_x) / 2.0 * tiles).floor(),
            ((min_y + max_y) / 2.0 * tiles).floor(),
        ];
        let at = |p: [f64; 2]| {
            [
                js_round((p[0] * tiles - tile[0]) * EXTENT),
                js_round((p[1] * tiles - tile[1]) * EXTENT),
            ]
        };
        let quad = [at(w[0]), at(w[1]), at(w[2]), at(w[3])];
        Some(Pinned {
            tiles,
            tile,
            quad,
            warp: projective_terms(&quad)?,
        })
    }

    /// `(u, v)` in image units (0..1 from the top left) of the point at
    /// `lon`, `lat`: outside 0..1 when it is off the image.
    pub fn unit_at(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        let w = world(lon, lat);
        let q = [
            (w[0] * self.tiles - self.tile[0]) * EXTENT,
            (w[1] * self.tiles - self.tile[1]) * EXTENT,
        ];
        // q (1 + px u + py v) = across u + down v + tl, solved for u, v.
        let (across, down) = self.axes();
        let [px, py] = self.warp;
        let tl = self.quad[0];
        let a = [across[0] - px * q[0], across[1] - px * q[1]];
        let b = [down[0] - py * q[0], down[1] - py * q[1]];
        let r = [q[0] - tl[0], q[1] - tl[1]];
        let det = a[0] * b[1] - b[0] * a[1];
        if det == 0.0 {
            return None;
        }
        Some((
            (r[0] * b[1] - b[0] * r[1]) / det,
            (a[0] * r[1] - r[0] * a[1]) / det,
        ))
    }

    /// The cell (row-major, row 0 at the top) of a `cols` × `rows` image
    /// under `lon`, `lat`; `None` off the image.
    pub fn cell_at(&self, lon: f64, lat: f64, cols: usize, rows: usize) -> Option<usize> {
        let (u, v) = self.unit_at(lon, lat)?;
        if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
            return None;
        }
        let (c, r) = ((u * cols as f64) as usize, (v * rows as f64) as usize);
        (c < cols && r < rows).then_some(r * cols + c)
    }

    /// `[lon, lat]` where MapLibre draws image point `(u, v)`.
    pub fn lon_lat_at(&self, u: f64, v: f64) -> [f64; 2] {
        let (across, down) = self.axes();
        let [px, py] = self.warp;
        let tl = self.quad[0];
        let d = 1.0 + px * u + py * v;
        let t = [
            (across[0] * u + down[0] * v + tl[0]) / d,
            (across[1] * u + down[1] * v + tl[1]) / d,
        ];
        lon_lat([
            (t[0] / EXTENT + self.tile[0]) / self.tiles,
            (t[1] / EXTENT + self.tile[1]) / self.tiles,
        ])
    }

    /// The shader's `acrossTop` and `downLeft`.
    fn axes(&self) -> ([f64; 2], [f64; 2]) {
        let [tl, tr, _, bl] = self.quad;
        let [px, py] = self.warp;
        (
            [tr[0] - tl[0] + px * tr[0], tr[1] - tl[1] + px * tr[1]],
            [bl[0] - tl[0] + py * bl[0], bl[1] - tl[1] + py * bl[1]],
        )
    }
}

/// MapLibre's `calculateImageWarp` for the `auto` warp: the projective
/// terms, zero for a parallelogram; `None` where it would blend towards the
/// bilinear warp.
fn projective_terms(quad: &[[f64; 2]; 4]) -> Option<[f64; 2]> {
    let [tl, tr, br, bl] = *quad;
    if tl[0] + br[0] == tr[0] + bl[0] && tl[1] + br[1] == tr[1] + bl[1] {
        return Some([0.0, 0.0]);
    }
    let sum = [tl[0] - tr[0] + br[0] - bl[0], tl[1] - tr[1] + br[1] - bl[1]];
    let (right, down) = (
        [tr[0] - br[0], tr[1] - br[1]],
        [bl[0] - br[0], bl[1] - br[1]],
    );
    let det = right[0] * down[1] - down[0] * right[1];
    let px = (sum[0] * down[1] - down[0] * sum[1]) / det;
    let py = (right[0] * sum[1] - sum[0] * right[1]) / det;
    let d = [1.0, 1.0 + px, 1.0 + px + py, 1.0 + py];
    let foreshortening =
        d.iter().copied().fold(f64::MIN, f64::max) / d.iter().copied().fold(f64::MAX, f64::min);
    (foreshortening.is_finite() && (1.0..=PROJECTIVE_FORESHORTENING).contains(&foreshortening))
        .then_some([px, py])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The corners the API gives for a 60 km grid over Northamptonshire
    /// (a British National Grid square: not a rectangle in Web Mercator).
    const COUNTY: [[f64; 2]; 4] = [
        [-1.337236, 52.633468],
        [-0.447126, 52.643109],
        [-0.436178, 52.104112],
        [-1.317855, 52.094688],
    ];

    #[test]
    fn the_cell_under_a_point_is_the_one_drawn_there() {
        let p = Pinned::new(&COUNTY).unwrap();
        assert_ne!(p.warp, [0.0, 0.0], "a projective warp, not a parallelogram");
        let (cols, rows) = (600, 540);
        for (c, r) in [
            (0, 0),
            (599, 0),
            (300, 270),
            (17, 539),
            (599, 539),
            (123, 456),
        ] {
            let (u, v) = (
                (c as f64 + 0.5) / cols as f64,
                (r as f64 + 0.5) / rows as f64,
            );
            let [lon, lat] = p.lon_lat_at(u, v);
            assert_eq!(
                p.cell_at(lon, lat, cols, rows),
                Some(r * cols + c),
                "{c},{r}"
            );
            let (u2, v2) = p.unit_at(lon, lat).unwrap();
            assert!((u2 - u).abs() < 1e-9 && (v2 - v).abs() < 1e-9);
        }
    }

    #[test]
    fn corners_are_rounded_to_the_holding_tile_as_maplibre_rounds_them() {
        let p = Pinned::new(&COUNTY).unwrap();
        // 0.9° across: zoom 8 holds it, whose tile is ~150 km, so a corner
        // moves by up to half of 150 km / 8192 ≈ 9 m.
        assert_eq!(p.tiles, 256.0);
        assert!(p.quad.iter().flatten().all(|v| v.fract() == 0.0));
        let [lon, lat] = p.lon_lat_at(0.0, 0.0);
        assert!((lon - COUNTY[0][0]).abs() < 1e-4 && (lat - COUNTY[0][1]).abs() < 1e-4);
        assert_ne!([lon, lat], COUNTY[0]);
    }

    #[test]
    fn off_the_image_is_no_cell() {
        let p = Pinned::new(&COUNTY).unwrap();
        assert_eq!(p.cell_at(-1.5, 52.4, 10, 10), None);
        assert_eq!(p.cell_at(-0.9, 52.7, 10, 10), None);
        assert!(Pinned::new(&COUNTY[..3]).is_none());
    }
}
