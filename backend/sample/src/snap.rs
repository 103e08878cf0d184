//! police.uk-style anonymised snap points.
//!
//! police.uk never publishes where a crime happened: each record is moved to
//! the nearest of a fixed set of map points (street centres, points of
//! interest), labelled "On or near …". Real files therefore stack many
//! incidents on few points. The sample does the same: a fixed set of about
//! 1,500 points, denser where the hotspots are, each with a label and the
//! LSOA it falls in.

use hotspot_core::bng_to_wgs84;
use rand::Rng;

use crate::rng::{normal, round6, stream, stream_rng, Cumulative};
use crate::wards::Borough;

/// Where a snap point (and so an incident) belongs in the sample's design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    /// Ordinary streets across the borough, weighted by ward population.
    Background,
    /// Night-time economy in the town centre (Castle ward).
    TownCentre,
    /// Out-of-town retail park (Eastfield ward).
    RetailPark,
    /// Housing estate whose burglary and vehicle crime grow in the second year
    /// (Kingsmead ward).
    Estate,
    /// Town park (Abbey Fields ward): ASB, criminal damage, drugs.
    Park,
    /// Just outside the borough: crimes recorded by the force but located in
    /// a neighbouring area, as police.uk files contain.
    Outside,
}

/// A concentrated zone: which ward it sits in, its offset from the ward's
/// centre (metres), its spread (metres), how many snap points it has, and the
/// labels of those points.
pub(crate) struct Hotspot {
    pub zone: Zone,
    pub ward: &'static str,
    pub offset: (f64, f64),
    pub sigma: f64,
    pub points: usize,
    pub labels: &'static [&'static str],
}

pub(crate) const HOTSPOTS: [Hotspot; 4] = [
    Hotspot {
        zone: Zone::TownCentre,
        ward: "Castle",
        offset: (150.0, -100.0),
        sigma: 220.0,
        points: 70,
        labels: &[
            "Nightclub",
            "High Street",
            "Market Square",
            "Bridge Street",
            "Castle Street",
            "Silver Street",
            "Sheep Street",
            "Church Walk",
            "Theatre/Concert Hall",
            "Bus/Coach Station",
            "Pedestrian Subway",
            "Shopping Area",
            "Parking Area",
            "Supermarket",
        ],
    },
    Hotspot {
        zone: Zone::RetailPark,
        ward: "Eastfield",
        offset: (250.0, 200.0),
        sigma: 150.0,
        points: 25,
        labels: &[
            "Supermarket",
            "Shopping Area",
            "Parking Area",
            "Petrol Station",
            "Retail Way",
        ],
    },
    Hotspot {
        zone: Zone::Estate,
        ward: "Kingsmead",
        offset: (-100.0, 150.0),
        sigma: 280.0,
        points: 45,
        labels: &[
            "Kingsmead Way",
            "Larch Close",
            "Rowan Drive",
            "Hawthorn Road",
            "Beech Crescent",
            "Sycamore Walk",
            "Alder Court",
            "Parking Area",
        ],
    },
    Hotspot {
        zone: Zone::Park,
        ward: "Abbey Fields",
        offset: (0.0, 0.0),
        sigma: 200.0,
        points: 25,
        labels: &[
            "Park/Open Space",
            "Sports/Recreation Area",
            "Abbey Lane",
            "Parking Area",
        ],
    },
];

const BACKGROUND_POINTS: usize = 1_320;
const OUTSIDE_POINTS: usize = 15;
/// Snap points closer than this to a ward boundary are re-drawn, so a point
/// falls in the same ward whatever projection or rounding a reader uses.
const BOUNDARY_MARGIN_M: f64 = 20.0;

const POI_LABELS: [(&str, f64); 10] = [
    ("Supermarket", 5.0),
    ("Petrol Station", 3.0),
    ("Parking Area", 4.0),
    ("Sports/Recreation Area", 2.0),
    ("Park/Open Space", 2.0),
    ("Further/Higher Educational Building", 1.0),
    ("Shopping Area", 2.0),
    ("Hospital", 0.3),
    ("Police Station", 0.3),
    ("Conference/Exhibition Centre", 0.3),
];
const STREET_PREFIXES: [&str; 36] = [
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
    "Windmill",
    "Brook",
    "Oak",
    "Ash",
    "Willow",
    "Elm",
    "Cedar",
    "Holly",
    "Hazel",
    "Springfield",
    "Highfield",
    "Grange",
    "Priory",
    "Bridge",
    "Nelson",
    "Albert",
    "York",
    "Clarence",
    "Wellington",
    "Westfield",
    "Mount",
    "Cross",
    "Field",
];
const STREET_SUFFIXES: [&str; 12] = [
    "Road", "Street", "Lane", "Close", "Avenue", "Drive", "Way", "Crescent", "Gardens", "Walk",
    "Place", "Court",
];
/// Fictional neighbouring districts for the out-of-borough points.
const NEIGHBOURS: [(&str, u32); 2] = [("Sample Vale", 1), ("Sample Heath", 501)];

/// One snap point. `lon`/`lat` are rounded to the published 6 dp.
#[derive(Debug, Clone)]
pub(crate) struct SnapPoint {
    pub x: f64,
    pub y: f64,
    pub lon: f64,
    pub lat: f64,
    /// Full police.uk `Location`, e.g. "On or near High Street".
    pub location: String,
    pub lsoa_code: String,
    pub lsoa_name: String,
    pub zone: Zone,
    /// How attractive the point is for incidents (supermarkets stack up).
    pub weight: f64,
}

/// The fixed set of snap points and fast ways to choose among them.
pub(crate) struct SnapPoints {
    pub points: Vec<SnapPoint>,
    background: Vec<usize>,
    background_pick: Cumulative,
    outside: Vec<usize>,
}

impl SnapPoints {
    pub fn build(seed: u64, borough: &Borough) -> SnapPoints {
        let mut rng = stream_rng(seed, stream::SNAP_POINTS);
        let mut points = Vec::new();

        // Background: ward chosen by population, uniform within it.
        let populations: Vec<f64> = borough.wards.iter().map(|w| w.population as f64).collect();
        for _ in 0..BACKGROUND_POINTS {
            let ward = crate::rng::pick(&mut rng, &populations);
            let (x0, y0, x1, y1) = borough.wards[ward].bbox;
            let p = loop {
                let (x, y) = (rng.gen_range(x0..x1), rng.gen_range(y0..y1));
                if let Some(p) = in_borough(borough, x, y) {
                    if p.2 == ward {
                        break p;
                    }
                }
            };
            let (label, weight) = background_label(&mut rng);
            points.push(make_point(borough, p, label, Zone::Background, weight));
        }

        // Hotspots: Gaussian around a point in their ward.
        for h in &HOTSPOTS {
            let (cx, cy) = hotspot_centre(borough, h);
            for _ in 0..h.points {
                let p = loop {
                    let x = cx + h.sigma * normal(&mut rng);
                    let y = cy + h.sigma * normal(&mut rng);
                    if let Some(p) = in_borough(borough, x, y) {
                        break p;
                    }
                };
                let label = h.labels[rng.gen_range(0..h.labels.len())].to_string();
                let weight = (0.6 * normal(&mut rng)).exp();
                points.push(make_point(borough, p, label, h.zone, weight));
            }
        }

        // Outside the borough: 7–12 km from its centre, in two neighbouring districts.
        let (bx, by) = borough.centre();
        for _ in 0..OUTSIDE_POINTS {
            let angle = rng.gen_range(0.0..std::f64::consts::TAU);
            let dist = rng.gen_range(7_000.0..12_000.0);
            let (x, y) = (bx + dist * angle.cos(), by + dist * angle.sin());
            let (lon, lat) = bng_to_wgs84(x, y).expect("in Great Britain");
            let (district, first) = NEIGHBOURS[usize::from(angle.sin() < 0.0)];
            let n = rng.gen_range(0..40u32);
            let letter = char::from(b'A' + rng.gen_range(0..4u8));
            let (label, _) = background_label(&mut rng);
            points.push(SnapPoint {
                x,
                y,
                lon: round6(lon),
                lat: round6(lat),
                location: format!("On or near {label}"),
                lsoa_code: format!(
                    "E01998{:03}",
                    first + n * 4 + u32::from(letter as u8 - b'A')
                ),
                lsoa_name: format!("{district} {:03}{letter}", n + 1),
                zone: Zone::Outside,
                weight: 1.0,
            });
        }

        let background: Vec<usize> = (0..points.len())
            .filter(|&i| points[i].zone == Zone::Background)
            .collect();
        let background_pick = Cumulative::new(background.iter().map(|&i| points[i].weight));
        let outside = (0..points.len())
            .filter(|&i| points[i].zone == Zone::Outside)
            .collect();
        SnapPoints {
            points,
            background,
            background_pick,
            outside,
        }
    }

    /// A background point: more populous wards and busier places more often.
    pub fn pick_background(&self, rng: &mut impl Rng) -> usize {
        self.background[self.background_pick.pick(rng)]
    }

    /// A point in a neighbouring district.
    pub fn pick_outside(&self, rng: &mut impl Rng) -> usize {
        self.outside[rng.gen_range(0..self.outside.len())]
    }

    /// The zone's point nearest to a Gaussian draw around its centre, so
    /// incidents stack up on the points nearest the middle of the hotspot.
    pub fn pick_hotspot(&self, rng: &mut impl Rng, borough: &Borough, zone: Zone) -> usize {
        let h = HOTSPOTS
            .iter()
            .find(|h| h.zone == zone)
            .expect("a hotspot zone");
        let (cx, cy) = hotspot_centre(borough, h);
        let (x, y) = (cx + h.sigma * normal(rng), cy + h.sigma * normal(rng));
        let mut best = (f64::MAX, 0);
        for (i, p) in self.points.iter().enumerate() {
            if p.zone == zone {
                let d = (p.x - x).powi(2) + (p.y - y).powi(2);
                if d < best.0 {
                    best = (d, i);
                }
            }
        }
        best.1
    }
}

/// Where a hotspot is centred, BNG.
pub(crate) fn hotspot_centre(borough: &Borough, h: &Hotspot) -> (f64, f64) {
    let c = borough.wards[borough.ward_named(h.ward)].centre;
    (c.0 + h.offset.0, c.1 + h.offset.1)
}

/// (x, y, ward) when (x, y) is inside a ward and clear of its boundary, and
/// its rounded WGS84 position is inside the same published ward polygon.
fn in_borough(borough: &Borough, x: f64, y: f64) -> Option<(f64, f64, usize)> {
    let ward = borough.ward_at(x, y)?;
    if borough.boundary_distance(ward, x, y) < BOUNDARY_MARGIN_M {
        return None;
    }
    let (lon, lat) = bng_to_wgs84(x, y).ok()?;
    borough
        .published_contains(ward, round6(lon), round6(lat))
        .then_some((x, y, ward))
}

fn make_point(
    borough: &Borough,
    (x, y, ward): (f64, f64, usize),
    label: String,
    zone: Zone,
    weight: f64,
) -> SnapPoint {
    let (lon, lat) = bng_to_wgs84(x, y).expect("in Great Britain");
    // LSOAs: each ward split 2 × 3 by its bounding box, lettered A–F,
    // named like real ones ("<district> <MSOA number><letter>").
    let (x0, y0, x1, y1) = borough.wards[ward].bbox;
    let col = (((x - x0) / (x1 - x0)) * 2.0).floor().clamp(0.0, 1.0) as usize;
    let row = (((y - y0) / (y1 - y0)) * 3.0).floor().clamp(0.0, 2.0) as usize;
    let sub = row * 2 + col;
    let letter = char::from(b'A' + sub as u8);
    SnapPoint {
        x,
        y,
        lon: round6(lon),
        lat: round6(lat),
        location: format!("On or near {label}"),
        lsoa_code: format!("E01999{:03}", ward * 6 + sub + 1),
        lsoa_name: format!("Sample Borough {:03}{letter}", ward + 1),
        zone,
        weight,
    }
}

/// A street name or a point of interest, with its attractiveness.
fn background_label(rng: &mut impl Rng) -> (String, f64) {
    if rng.gen_bool(0.3) {
        let weights: Vec<f64> = POI_LABELS.iter().map(|p| p.1).collect();
        let (label, _) = POI_LABELS[crate::rng::pick(rng, &weights)];
        // Supermarkets and the like draw far more reports than a side street.
        let weight = match label {
            "Supermarket" | "Shopping Area" => 6.0,
            "Petrol Station" | "Parking Area" | "Hospital" => 3.0,
            _ => 2.0,
        };
        (label.to_string(), weight * (0.5 * normal(rng)).exp())
    } else {
        let prefix = STREET_PREFIXES[rng.gen_range(0..STREET_PREFIXES.len())];
        let suffix = STREET_SUFFIXES[rng.gen_range(0..STREET_SUFFIXES.len())];
        (format!("{prefix} {suffix}"), (0.8 * normal(rng)).exp())
    }
}
