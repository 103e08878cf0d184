//! The fictional borough's wards.
//!
//! Wards are built in British National Grid metres from a jittered 4×4 grid
//! of corner vertices. Every edge between two corners is densified into a few
//! jittered vertices so the boundaries look like real, organic ward lines,
//! and each edge's vertex list is computed once and shared by both wards
//! either side of it. Each vertex is projected to WGS84 and rounded once, so
//! the published polygons tile the borough exactly: no slivers, no gaps.

use geo::{Contains, Coord, LineString, Point, Polygon};
use hotspot_core::bng_to_wgs84;
use rand::Rng;

use crate::rng::{round6, stream, stream_rng};

/// Wards per side of the grid.
const GRID: usize = 4;
/// Nominal ward width, metres: 16 wards of 2 km × 2 km make an 8 km × 8 km
/// borough, the size of a small English district.
const CELL_M: f64 = 2_000.0;
/// South-west corner of the nominal grid, so the borough is centred on
/// E 470000 N 260000 (the English Midlands).
const ORIGIN: (f64, f64) = (466_000.0, 256_000.0);
/// How far each corner may move from the regular grid, metres.
const CORNER_JITTER_M: f64 = 280.0;
/// Straight segments per shared edge after densification.
const EDGE_SEGMENTS: usize = 5;
/// Largest sideways wiggle of an edge's interior vertices, metres.
const EDGE_WIGGLE_M: f64 = 140.0;

/// Name, grid column (west → east), grid row (south → north) and nominal
/// population of each ward. Listed north-west first, which is also the order
/// of the fictional ward codes E05999001….
const WARD_SPECS: [(&str, usize, usize, u32); 16] = [
    ("Northgate", 0, 3, 10_400),
    ("Hillcrest", 1, 3, 8_900),
    ("Oakwood", 2, 3, 7_600),
    ("Ashby Park", 3, 3, 6_800),
    ("Westbrook", 0, 2, 9_300),
    ("Castle", 1, 2, 7_900),
    ("Market Cross", 2, 2, 11_200),
    ("Eastfield", 3, 2, 8_300),
    ("Millbrook", 0, 1, 9_800),
    ("Riverside", 1, 1, 12_100),
    ("Abbey Fields", 2, 1, 10_700),
    ("Brookside", 3, 1, 7_200),
    ("Kingsmead", 0, 0, 13_400),
    ("Southgate", 1, 0, 11_600),
    ("St Mary's", 2, 0, 9_100),
    ("Fairmeadow", 3, 0, 6_500),
];

/// One vertex, in both coordinate systems. `lon`/`lat` are already rounded
/// to the published 6 decimal places.
#[derive(Debug, Clone, Copy)]
struct Vertex {
    x: f64,
    y: f64,
    lon: f64,
    lat: f64,
}

impl Vertex {
    fn new(x: f64, y: f64) -> Self {
        let (lon, lat) = bng_to_wgs84(x, y).expect("borough lies in Great Britain");
        Vertex {
            x,
            y,
            lon: round6(lon),
            lat: round6(lat),
        }
    }
}

/// A ward of the sample borough.
#[derive(Debug, Clone)]
pub(crate) struct Ward {
    pub code: String,
    pub name: &'static str,
    pub population: u32,
    /// Boundary in BNG metres (closed, counter-clockwise).
    pub bng: Polygon<f64>,
    /// Boundary exactly as published: WGS84, 6 dp (closed, counter-clockwise).
    pub wgs: Polygon<f64>,
    /// Mean of the four corners, BNG: where a ward's hotspot is anchored.
    pub centre: (f64, f64),
    /// BNG bounding box (min x, min y, max x, max y) for rejection sampling
    /// and LSOA sub-division.
    pub bbox: (f64, f64, f64, f64),
}

/// All wards of the borough.
#[derive(Debug, Clone)]
pub(crate) struct Borough {
    pub wards: Vec<Ward>,
}

impl Borough {
    /// Builds the wards for `seed`: corners first, then the edges in a fixed
    /// order, so the result depends on the seed alone.
    pub fn build(seed: u64) -> Borough {
        let mut rng = stream_rng(seed, stream::WARDS);
        let n = GRID + 1;

        // Corners, indexed [i * n + j] with i = column, j = row.
        let mut corners = Vec::with_capacity(n * n);
        for i in 0..n {
            for j in 0..n {
                let x = ORIGIN.0 + i as f64 * CELL_M + jitter(&mut rng, CORNER_JITTER_M);
                let y = ORIGIN.1 + j as f64 * CELL_M + jitter(&mut rng, CORNER_JITTER_M);
                corners.push(Vertex::new(x, y));
            }
        }
        let corner = |i: usize, j: usize| corners[i * n + j];

        // Horizontal edges run (i, j) → (i + 1, j); vertical (i, j) → (i, j + 1).
        let mut horizontal = vec![Vec::new(); GRID * n];
        for i in 0..GRID {
            for j in 0..n {
                horizontal[i * n + j] = densify(&mut rng, corner(i, j), corner(i + 1, j));
            }
        }
        let mut vertical = vec![Vec::new(); n * GRID];
        for i in 0..n {
            for j in 0..GRID {
                vertical[i * GRID + j] = densify(&mut rng, corner(i, j), corner(i, j + 1));
            }
        }

        let wards = WARD_SPECS
            .iter()
            .enumerate()
            .map(|(k, &(name, i, j, nominal))| {
                // Counter-clockwise: along the bottom, up the right side,
                // back along the top, down the left side.
                let mut ring: Vec<Vertex> = Vec::new();
                let sides: [(&Vec<Vertex>, bool); 4] = [
                    (&horizontal[i * n + j], false),
                    (&vertical[(i + 1) * GRID + j], false),
                    (&horizontal[i * n + j + 1], true),
                    (&vertical[i * GRID + j], true),
                ];
                for (edge, reversed) in sides {
                    let mut pts = edge.clone();
                    if reversed {
                        pts.reverse();
                    }
                    // Each side starts where the previous ended: skip the repeat.
                    ring.extend(pts.into_iter().skip(usize::from(!ring.is_empty())));
                }
                let corners4 = [
                    corner(i, j),
                    corner(i + 1, j),
                    corner(i + 1, j + 1),
                    corner(i, j + 1),
                ];
                let centre = (
                    corners4.iter().map(|v| v.x).sum::<f64>() / 4.0,
                    corners4.iter().map(|v| v.y).sum::<f64>() / 4.0,
                );
                let bbox = ring.iter().fold(
                    (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
                    |(a, b, c, d), v| (a.min(v.x), b.min(v.y), c.max(v.x), d.max(v.y)),
                );
                // Nominal population ± up to 300, so the seed shows here too.
                let population =
                    (nominal as i64 + rng.gen_range(-300i64..=300)).clamp(6_000, 14_000) as u32;
                Ward {
                    code: format!("E05999{:03}", k + 1),
                    name,
                    population,
                    bng: polygon(ring.iter().map(|v| (v.x, v.y))),
                    wgs: polygon(ring.iter().map(|v| (v.lon, v.lat))),
                    centre,
                    bbox,
                }
            })
            .collect();
        Borough { wards }
    }

    /// Index of the ward called `name`; panics on a name not in the table
    /// (the names are this crate's own constants).
    pub fn ward_named(&self, name: &str) -> usize {
        self.wards
            .iter()
            .position(|w| w.name == name)
            .unwrap_or_else(|| panic!("no ward called {name}"))
    }

    /// The ward containing BNG point (x, y), if any.
    pub fn ward_at(&self, x: f64, y: f64) -> Option<usize> {
        let p = Point::new(x, y);
        self.wards.iter().position(|w| w.bng.contains(&p))
    }

    /// Whether WGS84 (lon, lat) lies inside the published polygon of `ward`.
    pub fn published_contains(&self, ward: usize, lon: f64, lat: f64) -> bool {
        self.wards[ward].wgs.contains(&Point::new(lon, lat))
    }

    /// Distance, metres, from BNG point (x, y) to the boundary of `ward`.
    pub fn boundary_distance(&self, ward: usize, x: f64, y: f64) -> f64 {
        self.wards[ward]
            .bng
            .exterior()
            .lines()
            .map(|l| segment_distance((x, y), l.start, l.end))
            .fold(f64::MAX, f64::min)
    }

    /// Centre of the whole borough, BNG.
    pub fn centre(&self) -> (f64, f64) {
        let n = self.wards.len() as f64;
        (
            self.wards.iter().map(|w| w.centre.0).sum::<f64>() / n,
            self.wards.iter().map(|w| w.centre.1).sum::<f64>() / n,
        )
    }

    /// The RFC 7946 FeatureCollection, one feature per line so diffs stay readable.
    pub fn geojson(&self) -> String {
        let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
        for (k, w) in self.wards.iter().enumerate() {
            let coords: Vec<String> = w
                .wgs
                .exterior()
                .coords()
                .map(|c| format!("[{:.6},{:.6}]", c.x, c.y))
                .collect();
            out.push_str(&format!(
                "{{\"type\":\"Feature\",\"properties\":{{\"WD24CD\":{},\"WD24NM\":{},\"population\":{}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}",
                serde_json::to_string(&w.code).expect("string"),
                serde_json::to_string(w.name).expect("string"),
                w.population,
                coords.join(",")
            ));
            out.push_str(if k + 1 < self.wards.len() {
                ",\n"
            } else {
                "\n"
            });
        }
        out.push_str("]}\n");
        out
    }

    /// `ward_code,ward_name,population`, for the separate population import.
    pub fn population_csv(&self) -> Vec<u8> {
        let mut w = crate::csv_writer();
        w.write_record(["ward_code", "ward_name", "population"])
            .expect("in memory");
        for ward in &self.wards {
            w.write_record([ward.code.as_str(), ward.name, &ward.population.to_string()])
                .expect("in memory");
        }
        w.into_inner().expect("in memory")
    }
}

fn jitter(rng: &mut impl Rng, max: f64) -> f64 {
    rng.gen_range(-max..=max)
}

/// The vertices of the edge from `a` to `b`, both ends included, with the
/// interior ones pushed sideways. The push tapers to zero at the ends so
/// edges meeting at a corner cannot cross.
fn densify(rng: &mut impl Rng, a: Vertex, b: Vertex) -> Vec<Vertex> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt();
    let (nx, ny) = (-dy / len, dx / len);
    let mut out = vec![a];
    for k in 1..EDGE_SEGMENTS {
        let t = k as f64 / EDGE_SEGMENTS as f64;
        let push = jitter(rng, EDGE_WIGGLE_M) * (std::f64::consts::PI * t).sin();
        out.push(Vertex::new(
            a.x + t * dx + push * nx,
            a.y + t * dy + push * ny,
        ));
    }
    out.push(b);
    out
}

fn polygon(points: impl Iterator<Item = (f64, f64)>) -> Polygon<f64> {
    let mut coords: Vec<Coord<f64>> = points.map(|(x, y)| Coord { x, y }).collect();
    if coords.first() != coords.last() {
        coords.push(coords[0]);
    }
    Polygon::new(LineString::new(coords), vec![])
}

fn segment_distance(p: (f64, f64), a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.x) * dx + (p.1 - a.y) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.x + t * dx, a.y + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}
