//! A seeded generator of police.uk-format data at regional scale, for the
//! scale benchmark (`scripts/scale-bench.sh`).
//!
//! The built-in sample (`hotspot-sample`) is one small borough shaped for
//! demonstrations; this is its opposite: a 60 km × 60 km region on real
//! British National Grid coordinates with a few hundred wards and millions
//! of incidents, made to measure import, start-up and first answers at the
//! size of a metropolitan force. Same seed and options → byte-identical files.
//!
//! Files written (paths relative to the output folder):
//!
//! * `wards.geojson`: a jittered grid of wards (WGS84, 6 dp), tiling the
//!   region exactly (neighbours share every vertex), with `LAD22CD`,
//!   `LAD22NM`, `WD22CD` and `WD22NM` properties as ONS files have;
//! * `population.csv`: `WD22CD,WD22NM,population`;
//! * `policeuk/YYYY-MM-region-street.csv`: one police.uk street file a month,
//!   same 12 columns as police.uk, with its quirks: incidents stacked on a
//!   finite set of "On or near …" map points clustered around a few hundred
//!   centres, anti-social behaviour without a Crime ID, about 1% of rows
//!   with "No Location", a few located outside the region and a few crimes
//!   on a second row with the same Crime ID (counted once on import).
//!
//! Only `rand`'s core uniform draws are used (no distribution types whose
//! algorithms may change between releases), so a seed keeps its files.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use hotspot_sample::rng::{self, normal, pick, stream_rng};
use rand::Rng;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionOptions {
    /// Seed for every random choice.
    pub seed: u64,
    /// Distinct incidents over all months (rows repeating a Crime ID come on top).
    pub incidents: u64,
    /// Months, from January 2024 (24 = two years).
    pub months: u32,
    /// Wards along each side of the region (17 → 289 wards).
    pub wards_per_side: usize,
    /// Side of the square region, metres.
    pub side_m: f64,
    /// Map points incidents are snapped to.
    pub snap_points: usize,
    /// Centres the snap points cluster around.
    pub centres: usize,
}

impl Default for RegionOptions {
    fn default() -> Self {
        RegionOptions {
            seed: 27_700,
            incidents: 1_000_000,
            months: 24,
            wards_per_side: 17,
            side_m: 60_000.0,
            snap_points: 60_000,
            centres: 300,
        }
    }
}

/// The region's south-west corner in BNG: in the English Midlands, so
/// every point projects as it would for a real force.
const ORIGIN: (f64, f64) = (420_000.0, 230_000.0);
const FORCE: &str = "Synthetic Regional Police";
const ASB: &str = "Anti-social behaviour";
const HEADER: &str = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context";
/// Share of rows published without a location.
const NO_LOCATION: f64 = 0.01;
/// Share of rows snapped to a point outside the region.
const OUTSIDE: f64 = 0.005;
/// Share of crimes (not ASB) published on a second row with the same ID.
const REPEATED_ID: f64 = 0.005;
const HEX: &[u8; 16] = b"0123456789abcdef";
/// Side of the squares standing in for LSOAs, metres.
const LSOA_M: f64 = 1_500.0;

/// Where incidents concentrate, by the kind of centre a map point belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Streets anywhere in the region.
    Background = 0,
    /// Town centres: night-time economy, shops.
    TownCentre = 1,
    /// Retail parks.
    Retail = 2,
    /// Housing estates.
    Estate = 3,
    /// Parks and open space.
    Park = 4,
    /// Just outside the region (recorded by the force, located elsewhere).
    Outside = 5,
}
const KINDS: [Kind; 5] = [
    Kind::Background,
    Kind::TownCentre,
    Kind::Retail,
    Kind::Estate,
    Kind::Park,
];

/// The 14 police.uk crime types with the Northamptonshire shares (%), and
/// how each splits over background, town centres, retail, estates and parks.
const TYPES: [(&str, f64, [f64; 5]); 14] = [
    (
        "Violence and sexual offences",
        36.0,
        [0.55, 0.30, 0.02, 0.10, 0.03],
    ),
    (ASB, 19.6, [0.45, 0.18, 0.03, 0.12, 0.22]),
    ("Shoplifting", 8.6, [0.12, 0.35, 0.53, 0.0, 0.0]),
    (
        "Criminal damage and arson",
        6.4,
        [0.50, 0.08, 0.02, 0.20, 0.20],
    ),
    ("Other theft", 5.7, [0.50, 0.25, 0.15, 0.05, 0.05]),
    ("Public order", 5.4, [0.45, 0.40, 0.03, 0.08, 0.04]),
    ("Vehicle crime", 4.9, [0.45, 0.10, 0.15, 0.25, 0.05]),
    ("Burglary", 3.9, [0.55, 0.03, 0.02, 0.40, 0.0]),
    ("Drugs", 3.8, [0.40, 0.30, 0.02, 0.10, 0.18]),
    ("Other crime", 1.9, [0.70, 0.15, 0.03, 0.10, 0.02]),
    ("Possession of weapons", 1.4, [0.45, 0.40, 0.02, 0.10, 0.03]),
    ("Robbery", 1.4, [0.40, 0.40, 0.05, 0.10, 0.05]),
    ("Bicycle theft", 0.6, [0.45, 0.35, 0.10, 0.02, 0.08]),
    ("Theft from the person", 0.3, [0.25, 0.65, 0.10, 0.0, 0.0]),
];

/// Outcomes (police.uk's wording) and their weights; ASB rows have none.
const OUTCOMES: [(&str, f64); 12] = [
    ("Unable to prosecute suspect", 33.0),
    ("Investigation complete; no suspect identified", 27.0),
    ("Under investigation", 5.0),
    ("Status update unavailable", 4.0),
    ("Awaiting court outcome", 3.0),
    ("Local resolution", 5.0),
    ("Offender given a caution", 2.0),
    ("Further investigation is not in the public interest", 2.0),
    ("Action to be taken by another organisation", 2.0),
    ("Court result unavailable", 6.0),
    ("Suspect charged as part of another case", 1.0),
    ("Offender given penalty notice", 0.5),
];

/// Month-of-year multipliers of the total (January first): summer peak.
const SEASON: [f64; 12] = [
    0.90, 0.88, 0.97, 1.00, 1.05, 1.08, 1.12, 1.08, 1.00, 1.00, 0.96, 0.96,
];

const POI_LABELS: [&str; 8] = [
    "Supermarket",
    "Petrol Station",
    "Parking Area",
    "Shopping Area",
    "Sports/Recreation Area",
    "Park/Open Space",
    "Nightclub",
    "Hospital",
];
const STREETS: [&str; 24] = [
    "Church",
    "Mill",
    "Station",
    "Victoria",
    "Queens",
    "Kings",
    "Park",
    "School",
    "Manor",
    "Orchard",
    "Chapel",
    "Meadow",
    "Green",
    "Brook",
    "Oak",
    "Willow",
    "Cedar",
    "Highfield",
    "Grange",
    "Bridge",
    "Nelson",
    "Albert",
    "York",
    "Wellington",
];
const SUFFIXES: [&str; 8] = [
    "Road", "Street", "Lane", "Close", "Avenue", "Drive", "Way", "Crescent",
];

/// Independent random streams, so e.g. the number of incidents does not
/// move the wards or the map points.
mod stream {
    pub const WARDS: u64 = 1;
    pub const SNAP_POINTS: u64 = 2;
    pub const POPULATION: u64 = 3;
    /// Month `m` (0-based) uses `MONTHS + m`.
    pub const MONTHS: u64 = 100;
}

/// Weighted choice of items (map points) by their weights; none when
/// there are no items.
struct Cumulative {
    items: Vec<u32>,
    cum: Option<rng::Cumulative>,
}

impl Cumulative {
    fn new(items: Vec<u32>, weight: impl Fn(u32) -> f64) -> Self {
        let cum =
            (!items.is_empty()).then(|| rng::Cumulative::new(items.iter().map(|&i| weight(i))));
        Cumulative { items, cum }
    }

    fn pick(&self, rng: &mut impl Rng) -> Option<u32> {
        Some(self.items[self.cum.as_ref()?.pick(rng)])
    }
}

/// One ward: its code, name, district and boundary ring in BNG metres
/// (closed, counter-clockwise).
#[derive(Debug, Clone)]
pub struct Ward {
    pub code: String,
    pub name: String,
    pub district: usize,
    pub ring: Vec<(f64, f64)>,
}

/// A jittered grid of wards over the region: grid nodes move by up to a
/// fifth of a ward, and each edge between two nodes is a wiggly line shared
/// by the wards on both sides, so the wards tile the region exactly.
pub fn wards(opts: &RegionOptions) -> Vec<Ward> {
    let n = opts.wards_per_side;
    let s = opts.side_m / n as f64;
    let mut rng = stream_rng(opts.seed, stream::WARDS);
    // Nodes; those on the outline move only along it.
    let mut nodes = vec![(0.0, 0.0); (n + 1) * (n + 1)];
    for j in 0..=n {
        for i in 0..=n {
            let (mut dx, mut dy) = (rng.gen_range(-0.2..0.2) * s, rng.gen_range(-0.2..0.2) * s);
            if i == 0 || i == n {
                dx = 0.0;
            }
            if j == 0 || j == n {
                dy = 0.0;
            }
            nodes[j * (n + 1) + i] = (ORIGIN.0 + i as f64 * s + dx, ORIGIN.1 + j as f64 * s + dy);
        }
    }
    // Intermediate vertices of the edge from node a to node b (exclusive),
    // wiggling sideways by up to 4% of a ward.
    const STEPS: usize = 8;
    let mut edge = |a: (f64, f64), b: (f64, f64), outline: bool| -> Vec<(f64, f64)> {
        let (ex, ey) = (b.0 - a.0, b.1 - a.1);
        let len = (ex * ex + ey * ey).sqrt();
        let (px, py) = (-ey / len, ex / len);
        (1..STEPS)
            .map(|k| {
                let t = k as f64 / STEPS as f64;
                let w = if outline {
                    0.0
                } else {
                    rng.gen_range(-0.04..0.04) * s
                };
                (a.0 + t * ex + w * px, a.1 + t * ey + w * py)
            })
            .collect()
    };
    let node = |i: usize, j: usize| nodes[j * (n + 1) + i];
    // Horizontal edges (i, j) → (i + 1, j) and vertical ones (i, j) → (i, j + 1).
    let mut horizontal = Vec::with_capacity(n * (n + 1));
    for j in 0..=n {
        for i in 0..n {
            horizontal.push(edge(node(i, j), node(i + 1, j), j == 0 || j == n));
        }
    }
    let mut vertical = Vec::with_capacity((n + 1) * n);
    for j in 0..n {
        for i in 0..=n {
            vertical.push(edge(node(i, j), node(i, j + 1), i == 0 || i == n));
        }
    }
    let districts_per_side = n.div_ceil(6);
    let mut out = Vec::with_capacity(n * n);
    for j in 0..n {
        for i in 0..n {
            // Counter-clockwise: south edge east, east edge north, north edge west, west edge south.
            let mut ring = vec![node(i, j)];
            ring.extend(horizontal[j * n + i].iter().copied());
            ring.push(node(i + 1, j));
            ring.extend(vertical[j * (n + 1) + i + 1].iter().copied());
            ring.push(node(i + 1, j + 1));
            ring.extend(horizontal[(j + 1) * n + i].iter().rev().copied());
            ring.push(node(i, j + 1));
            ring.extend(vertical[j * (n + 1) + i].iter().rev().copied());
            ring.push(node(i, j));
            let w = j * n + i;
            let name = format!(
                "{} {}",
                STREETS[w % STREETS.len()],
                ["North", "South", "East", "West", "Central", "Park", "Vale", "Hill"]
                    [(w / STREETS.len()) % 8]
            );
            out.push(Ward {
                code: format!("E0590{w:04}"),
                name: format!("{name} {}", w / (STREETS.len() * 8) + 1),
                district: (j / 6) * districts_per_side + i / 6,
                ring,
            });
        }
    }
    out
}

/// A map point incidents are snapped to.
struct SnapPoint {
    lon: f64,
    lat: f64,
    /// "On or near …".
    label: String,
    lsoa: u32,
    kind: Kind,
    weight: f64,
}

/// A centre map points cluster around.
struct Centre {
    x: f64,
    y: f64,
    sigma: f64,
    kind: Kind,
    weight: f64,
}

fn centres(opts: &RegionOptions, rng: &mut impl Rng) -> Vec<Centre> {
    let margin = 0.05 * opts.side_m;
    (0..opts.centres)
        .map(|c| {
            // A tenth are town centres, a tenth retail parks, a third
            // estates, the rest parks (cycling keeps the mix exact).
            let kind = match c % 30 {
                0..=2 => Kind::TownCentre,
                3..=5 => Kind::Retail,
                6..=15 => Kind::Estate,
                _ => Kind::Park,
            };
            let sigma = match kind {
                Kind::TownCentre => rng.gen_range(250.0..700.0),
                Kind::Retail => rng.gen_range(100.0..250.0),
                Kind::Estate => rng.gen_range(200.0..600.0),
                _ => rng.gen_range(100.0..300.0),
            };
            Centre {
                x: ORIGIN.0 + rng.gen_range(margin..opts.side_m - margin),
                y: ORIGIN.1 + rng.gen_range(margin..opts.side_m - margin),
                sigma,
                kind,
                // A few big centres draw most: heavy-tailed sizes.
                weight: (1.0 * normal(rng)).exp(),
            }
        })
        .collect()
}

fn snap_points(opts: &RegionOptions) -> Vec<SnapPoint> {
    let mut rng = stream_rng(opts.seed, stream::SNAP_POINTS);
    let centres = centres(opts, &mut rng);
    let centre_pick = Cumulative::new((0..centres.len() as u32).collect(), |c| {
        centres[c as usize].weight
    });
    let lsoas_per_side = (opts.side_m / LSOA_M).ceil() as u32;
    let mut out = Vec::with_capacity(opts.snap_points);
    // Outside the region: 60 points 2–8 km beyond its outline.
    for _ in 0..60 {
        let d = rng.gen_range(2_000.0..8_000.0);
        let along = rng.gen_range(0.0..opts.side_m);
        let (x, y) = match rng.gen_range(0..4) {
            0 => (ORIGIN.0 - d, ORIGIN.1 + along),
            1 => (ORIGIN.0 + opts.side_m + d, ORIGIN.1 + along),
            2 => (ORIGIN.0 + along, ORIGIN.1 - d),
            _ => (ORIGIN.0 + along, ORIGIN.1 + opts.side_m + d),
        };
        out.push(snap_point(
            &mut rng,
            x,
            y,
            Kind::Outside,
            1.0,
            lsoas_per_side * lsoas_per_side + out.len() as u32,
        ));
    }
    while out.len() < opts.snap_points {
        // Two in five points are ordinary streets spread over the region;
        // the rest cluster around a centre.
        let (x, y, kind) = if rng.gen_bool(0.4) {
            (
                ORIGIN.0 + rng.gen_range(0.0..opts.side_m),
                ORIGIN.1 + rng.gen_range(0.0..opts.side_m),
                Kind::Background,
            )
        } else {
            let c = &centres[centre_pick.pick(&mut rng).expect("centres") as usize];
            (
                c.x + c.sigma * normal(&mut rng),
                c.y + c.sigma * normal(&mut rng),
                c.kind,
            )
        };
        let inside = |v: f64, o: f64| v > o + 1.0 && v < o + opts.side_m - 1.0;
        if !(inside(x, ORIGIN.0) && inside(y, ORIGIN.1)) {
            continue;
        }
        let col = ((x - ORIGIN.0) / LSOA_M) as u32;
        let row = ((y - ORIGIN.1) / LSOA_M) as u32;
        let weight = (0.8 * normal(&mut rng)).exp();
        out.push(snap_point(
            &mut rng,
            x,
            y,
            kind,
            weight,
            row * lsoas_per_side + col,
        ));
    }
    out
}

fn snap_point(rng: &mut impl Rng, x: f64, y: f64, kind: Kind, weight: f64, lsoa: u32) -> SnapPoint {
    let (lon, lat) = hotspot_core::bng_to_wgs84(x, y).expect("the region is in Great Britain");
    // A third are points of interest, which draw several times the reports.
    let (label, weight) = if rng.gen_bool(0.3) {
        (
            POI_LABELS[rng.gen_range(0..POI_LABELS.len())].to_string(),
            weight * 4.0,
        )
    } else {
        (
            format!(
                "{} {}",
                STREETS[rng.gen_range(0..STREETS.len())],
                SUFFIXES[rng.gen_range(0..SUFFIXES.len())]
            ),
            weight,
        )
    };
    SnapPoint {
        lon,
        lat,
        label: format!("On or near {label}"),
        lsoa,
        kind,
        weight,
    }
}

/// Incidents per month: `total` split by [`SEASON`], exactly `total` in all.
fn month_counts(total: u64, months: u32) -> Vec<u64> {
    let w: Vec<f64> = (0..months).map(|m| SEASON[(m % 12) as usize]).collect();
    let sum: f64 = w.iter().sum();
    let mut counts: Vec<u64> = w
        .iter()
        .map(|x| (total as f64 * x / sum).floor() as u64)
        .collect();
    let short = total - counts.iter().sum::<u64>();
    for c in counts.iter_mut().take(short as usize) {
        *c += 1;
    }
    counts
}

/// `YYYY-MM` of month `m` counted from January 2024.
fn month_name(m: u32) -> String {
    format!("{}-{:02}", 2024 + m / 12, m % 12 + 1)
}

/// What [`write_region`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionSummary {
    pub wards: usize,
    /// Distinct incidents (what an import accepts).
    pub incidents: u64,
    /// Data rows written, incidents plus rows repeating a Crime ID.
    pub rows: u64,
    pub files: Vec<PathBuf>,
}

/// Writes the wards, their population and the monthly street files into
/// `out` (created if missing); months are written on all cores.
pub fn write_region(out: &Path, opts: &RegionOptions) -> io::Result<RegionSummary> {
    if opts.wards_per_side == 0
        || !opts.side_m.is_finite()
        || opts.side_m <= 0.0
        || opts.months == 0
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "wards per side, side and months must be positive",
        ));
    }
    if opts.snap_points <= 60 || opts.centres == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "need more than 60 snap points and at least one centre",
        ));
    }
    std::fs::create_dir_all(out.join("policeuk"))?;
    let wards = wards(opts);
    let mut files = vec![
        write_wards(out, &wards)?,
        write_population(out, opts, &wards)?,
    ];

    let points = snap_points(opts);
    let by_kind: Vec<Cumulative> = KINDS
        .iter()
        .chain([Kind::Outside].iter())
        .map(|&kind| {
            let items = (0..points.len() as u32)
                .filter(|&p| points[p as usize].kind == kind)
                .collect();
            Cumulative::new(items, |p| points[p as usize].weight)
        })
        .collect();
    let counts = month_counts(opts.incidents, opts.months);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let results: Vec<io::Result<Vec<(u32, PathBuf, u64)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let m = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if m >= counts.len() {
                            return Ok(done);
                        }
                        let m = m as u32;
                        let path = out
                            .join("policeuk")
                            .join(format!("{}-region-street.csv", month_name(m)));
                        let rows =
                            write_month(&path, opts, m, counts[m as usize], &points, &by_kind)?;
                        done.push((m, path, rows));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a month writer panicked"))
            .collect()
    });
    let mut months = Vec::new();
    for r in results {
        months.extend(r?);
    }
    months.sort_by_key(|m| m.0);
    let rows = months.iter().map(|m| m.2).sum();
    files.extend(months.into_iter().map(|m| m.1));
    Ok(RegionSummary {
        wards: wards.len(),
        incidents: opts.incidents,
        rows,
        files,
    })
}

fn write_wards(out: &Path, wards: &[Ward]) -> io::Result<PathBuf> {
    let path = out.join("wards.geojson");
    let mut w = BufWriter::new(File::create(&path)?);
    write!(w, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    for (i, ward) in wards.iter().enumerate() {
        if i > 0 {
            write!(w, ",")?;
        }
        write!(
            w,
            "\n{{\"type\":\"Feature\",\"properties\":{{\"LAD22CD\":\"E0690{:04}\",\"LAD22NM\":\"Synthetic District {}\",\"WD22CD\":\"{}\",\"WD22NM\":\"{}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[",
            ward.district,
            ward.district + 1,
            ward.code,
            ward.name
        )?;
        for (k, &(x, y)) in ward.ring.iter().enumerate() {
            let (lon, lat) = hotspot_core::bng_to_wgs84(x, y).expect("in Great Britain");
            if k > 0 {
                write!(w, ",")?;
            }
            write!(w, "[{lon:.6},{lat:.6}]")?;
        }
        write!(w, "]]}}}}")?;
    }
    writeln!(w, "\n]}}")?;
    w.flush()?;
    Ok(path)
}

fn write_population(out: &Path, opts: &RegionOptions, wards: &[Ward]) -> io::Result<PathBuf> {
    let path = out.join("population.csv");
    let mut rng = stream_rng(opts.seed, stream::POPULATION);
    let mut w = BufWriter::new(File::create(&path)?);
    writeln!(w, "WD22CD,WD22NM,population")?;
    for ward in wards {
        // 8,000–16,000 residents, as English wards have.
        writeln!(
            w,
            "{},{},{}",
            ward.code,
            ward.name,
            rng.gen_range(8_000..16_000)
        )?;
    }
    w.flush()?;
    Ok(path)
}

/// One month's street file; returns the data rows written.
fn write_month(
    path: &Path,
    opts: &RegionOptions,
    m: u32,
    incidents: u64,
    points: &[SnapPoint],
    by_kind: &[Cumulative],
) -> io::Result<u64> {
    let mut rng = stream_rng(opts.seed, stream::MONTHS + u64::from(m));
    let month = month_name(m);
    let type_weights: Vec<f64> = TYPES.iter().map(|t| t.1).collect();
    let outcome_weights: Vec<f64> = OUTCOMES.iter().map(|o| o.1).collect();
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(w, "{HEADER}")?;
    let mut rows = 0;
    let mut id = [0u8; 64];
    for _ in 0..incidents {
        let (crime_type, _, zones) = TYPES[pick(&mut rng, &type_weights)];
        let asb = crime_type == ASB;
        if !asb {
            // 256 random bits in hex, as police.uk's Crime IDs look.
            let mut bytes = [0u8; 32];
            rng.fill(&mut bytes[..]);
            for (pair, b) in id.chunks_mut(2).zip(bytes) {
                pair[0] = HEX[usize::from(b >> 4)];
                pair[1] = HEX[usize::from(b & 15)];
            }
        }
        let copies = if !asb && rng.gen_bool(REPEATED_ID) {
            2
        } else {
            1
        };
        for _ in 0..copies {
            let id = if asb {
                ""
            } else {
                std::str::from_utf8(&id).expect("hex")
            };
            write!(w, "{id},{month},{FORCE},{FORCE},")?;
            let r: f64 = rng.gen();
            let point = if r < NO_LOCATION {
                None
            } else if r < NO_LOCATION + OUTSIDE {
                by_kind[Kind::Outside as usize].pick(&mut rng)
            } else {
                let kind = pick(&mut rng, &zones);
                by_kind[kind]
                    .pick(&mut rng)
                    .or_else(|| by_kind[Kind::Background as usize].pick(&mut rng))
            };
            match point.map(|p| &points[p as usize]) {
                Some(p) => write!(
                    w,
                    "{:.6},{:.6},{},E0190{:04},Synthetic Region {:03}{},",
                    p.lon,
                    p.lat,
                    p.label,
                    p.lsoa,
                    p.lsoa / 4 + 1,
                    char::from(b'A' + (p.lsoa % 4) as u8)
                )?,
                None => write!(w, ",,No Location,,,")?,
            }
            let outcome = if asb {
                ""
            } else {
                OUTCOMES[pick(&mut rng, &outcome_weights)].0
            };
            writeln!(w, "{crime_type},{outcome},")?;
            rows += 1;
        }
    }
    w.flush()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> RegionOptions {
        RegionOptions {
            incidents: 10_000,
            wards_per_side: 6,
            snap_points: 2_000,
            centres: 30,
            ..Default::default()
        }
    }

    fn read_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for sub in ["", "policeuk"] {
            for e in std::fs::read_dir(dir.join(sub)).unwrap() {
                let p = e.unwrap().path();
                if p.is_file() {
                    let name = p.strip_prefix(dir).unwrap().display().to_string();
                    files.push((name, std::fs::read(&p).unwrap()));
                }
            }
        }
        files.sort();
        files
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        write_region(a.path(), &small()).unwrap();
        write_region(b.path(), &small()).unwrap();
        let other = RegionOptions { seed: 1, ..small() };
        write_region(c.path(), &other).unwrap();
        let (fa, fb, fc) = (read_dir(a.path()), read_dir(b.path()), read_dir(c.path()));
        assert_eq!(fa.len(), 2 + 24);
        assert!(fa == fb, "same seed, different files");
        for ((name, x), (_, y)) in fa.iter().zip(&fc) {
            assert_ne!(x, y, "{name} does not depend on the seed");
        }
    }

    #[test]
    fn wards_tile_the_region() {
        use geo::{Area, Validation};
        let opts = small();
        let wards = wards(&opts);
        assert_eq!(wards.len(), 36);
        let mut total = 0.0;
        for w in &wards {
            let poly = geo_types::Polygon::new(w.ring.clone().into(), vec![]);
            assert!(
                poly.is_valid(),
                "{}: {:?}",
                w.code,
                poly.validation_errors()
            );
            assert!(
                poly.signed_area() > 0.0,
                "{} is not counter-clockwise",
                w.code
            );
            total += poly.unsigned_area();
        }
        // Shared edges and a straight outline: the areas add up to the region.
        let region = opts.side_m * opts.side_m;
        assert!(
            (total - region).abs() < 1e-6 * region,
            "{total} vs {region}"
        );
        let codes: std::collections::HashSet<_> = wards.iter().map(|w| &w.code).collect();
        assert_eq!(codes.len(), wards.len());
    }

    #[test]
    fn month_counts_add_up() {
        let c = month_counts(1_000_003, 24);
        assert_eq!(c.len(), 24);
        assert_eq!(c.iter().sum::<u64>(), 1_000_003);
        assert!(c[6] > c[1], "July above February: {c:?}");
    }
}
