//! The analysis results as the API's response types ([`hotspot_api::responses`]),
//! in GeoJSON (RFC 7946): WGS84 lon/lat rounded to 6 decimal places
//! (about 0.1 m), polygons wound counter-clockwise outside, clockwise holes.

use geo::orient::{Direction, Orient};
use geo::MapCoords;
use geo_types::{Coord, MultiPolygon};
use geojson::{Geometry, JsonValue, Value};

use hotspot_stats::{EmergingClass, GiStar, HotspotClass};

use crate::cells::CellPolygons;
use hotspot_api::responses::{
    self as api, Baseline, DensityCell, DensityMeta, EmergingMeta, EmergingProperties, FeatureId,
    GiMeta, GiProperties, GridFrame, HotspotProperties, IncidentPage, IncidentProperties,
    PlanFeature, PlanMeta,
};
use hotspot_api::responses::{WardPropertiesOut, WardsMetaOut};
use hotspot_core::public::{Count, Derived, Open, WithheldFlag};
use hotspot_density::GridSpec;
use hotspot_engine::{
    Dataset, DensityResult, EmergingResult, GiResult, HotspotArea, WardReport, WardRow,
};

pub(crate) fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Converts a BNG polygon to RFC 7946 WGS84.
pub fn bng_to_geojson(mp: &MultiPolygon<f64>) -> Geometry {
    let wgs = mp.map_coords(|c| {
        let (lon, lat) = hotspot_core::bng_to_wgs84(c.x, c.y).unwrap_or((f64::NAN, f64::NAN));
        Coord { x: lon, y: lat }
    });
    wgs84_to_geojson(&wgs)
}

/// Rounds and orients a WGS84 polygon for output.
pub fn wgs84_to_geojson(mp: &MultiPolygon<f64>) -> Geometry {
    let rounded = mp.map_coords(|c| Coord {
        x: round6(c.x),
        y: round6(c.y),
    });
    Geometry::new(Value::from(&rounded.orient(Direction::Default)))
}

/// One page of incidents as points.
pub fn incidents(
    ds: &Dataset,
    page: &[usize],
    matched: usize,
    offset: usize,
    limit: usize,
) -> api::Incidents {
    let features = page
        .iter()
        .map(|&k| {
            let (id, i) = ds.incident(k);
            let geometry = i
                .location
                .map(|l| Geometry::new(Value::Point(vec![round6(l.lon), round6(l.lat)])));
            let properties = IncidentProperties {
                category: i.category.clone(),
                source: i.source.clone(),
                month: i.month.to_string(),
                date: i.date.map(|d| d.to_string()),
                time: i.time.map(|t| t.format("%H:%M").to_string()),
                crime_id: i.external_id.clone(),
                location: i.location_label.clone(),
                lsoa_code: i.lsoa_code.clone(),
                outcome: i.outcome.clone(),
                ward: ds
                    .area_of(k)
                    .and_then(|a| ds.areas().nth(a))
                    .map(|a| a.code.clone()),
            };
            api::Feature::new(geometry, properties).with_id(FeatureId::Number(id))
        })
        .collect();
    let page_meta = IncidentPage {
        number_matched: matched,
        number_returned: page.len(),
        offset,
        limit,
        next_offset: (offset + page.len() < matched).then_some(offset + page.len()),
    };
    api::FeatureCollection::new(features, page_meta)
}

/// Wards with their statistics: a choropleth-ready collection.
pub fn wards(ds: &Dataset, report: &WardReport) -> api::WardsOut {
    let features = ds
        .areas()
        .zip(&report.rows)
        .map(|(area, row)| {
            let geometry = Some(wgs84_to_geojson(&area.geometry));
            api::Feature::new(geometry, ward_properties(row))
                .with_id(FeatureId::Code(row.code.clone()))
        })
        .collect();
    let meta = WardsMetaOut {
        total: Count(report.total),
        outside_areas: Count(report.outside_areas),
        unlocated: Count(report.unlocated),
        current_days: Open(report.current_days),
        comparison_days: Open(report.comparison_days),
        current_gap_months: months(&report.current_gap_months),
        comparison_gap_months: report.comparison_gap_months.as_deref().map(months),
        no_comparison_data: Open(report.no_comparison_data),
        warnings: report.warnings.clone(),
        harm_index: Open(report.harm_index.clone()),
    };
    api::FeatureCollection::new(features, meta)
}

fn months<T: ToString>(months: &[T]) -> Vec<String> {
    months.iter().map(ToString::to_string).collect()
}

/// A ward's row as every response shows it: in full for signed-in roles,
/// and for the public role with small counts withheld together with every
/// figure derived from them (see [`hotspot_core::public`]).
pub fn ward_properties(row: &WardRow) -> WardPropertiesOut {
    let s = &row.stats;
    let count = Count(s.count);
    let comparison = s.comparison_count.map(Count);
    let both: Vec<Count> = std::iter::once(count).chain(comparison).collect();
    WardPropertiesOut {
        code: row.code.clone(),
        name: row.name.clone(),
        population: Open(row.population),
        count,
        rate_per_1000: Derived::new(s.rate_per_1000, &[count]),
        annual_rate_per_1000: Derived::new(s.annual_rate_per_1000, &[count]),
        share: Derived::new(s.share, &[count]),
        comparison_count: comparison,
        change: Derived::new(s.change, &both),
        change_pct: Derived::new(s.change_pct, &both),
        p_value: Derived::new(s.p_value, &both),
        change_significant: Derived::new(s.change_significant, &both),
        direction: Derived::new(s.direction, &both),
        rank: Open(s.rank),
        priority: Open(s.priority),
        harm: Derived::new(row.harm, &[count]),
        harm_per_1000: Derived::new(row.harm_per_1000, &[count]),
        suppressed: WithheldFlag(count),
        comparison_suppressed: WithheldFlag(comparison.unwrap_or_default()),
    }
}

fn density_meta(r: &DensityResult) -> DensityMeta {
    let s = &r.grid.spec;
    DensityMeta {
        crs_analysis: "EPSG:27700".into(),
        cell_m: r.parameters.cell,
        bandwidth_m: r.parameters.bandwidth,
        kernel: "quartic".into(),
        units: "incidents per km²".into(),
        points: r.points,
        grid: grid_frame(s),
        max_density: r.grid.max(),
        warnings: r.parameters.warnings.clone(),
        harm_index: r.harm_index.clone(),
    }
}

/// Grid cells with density above `min_density`, as WGS84 polygons (the cell
/// corners projected, so cells are exact BNG squares).
pub fn density_cells(r: &DensityResult, min_density: f64) -> api::DensityCells {
    let s = &r.grid.spec;
    let mut cells = CellPolygons::new(s);
    let features = r
        .grid
        .values
        .iter()
        .enumerate()
        .filter(|(_, &v)| v > min_density && v > 0.0)
        .map(|(i, &v)| {
            let cell = DensityCell {
                density: (v * 1e3).round() / 1e3,
                col: i % s.cols,
                row: i / s.cols,
            };
            cells.feature(i, cell)
        })
        .collect();
    api::FeatureCollection::new(features, density_meta(r))
}

/// A Gi* z-score as the API writes it (4 decimals).
fn gi_z(g: &GiStar) -> f64 {
    (g.z * 1e4).round() / 1e4
}

/// A p-value as the API writes it: 4 significant figures. The class was
/// decided on the full value.
///
/// ```
/// # use hotspot_server::geojson_out::significant4 as s;
/// assert_eq!((s(0.6347095434949754), s(3.21987e-7), s(1.0), s(0.0)), (0.6347, 3.22e-7, 1.0, 0.0));
/// assert_eq!(s(3.0779999e-31), 3.078e-31);
/// ```
pub fn significant4(p: f64) -> f64 {
    if p == 0.0 || !p.is_finite() {
        return p;
    }
    let k = 3 - p.abs().log10().floor() as i32;
    if (0..=22).contains(&k) {
        // 10^k is exact here, so the quotient is the double nearest the
        // rounded decimal: rounding again changes nothing.
        let scale = 10f64.powi(k);
        (p * scale).round() / scale
    } else {
        format!("{p:.3e}").parse().unwrap_or(p)
    }
}

/// Gi* hot and cold spots as GeoJSON: every cell of the study area (written
/// straight into bytes, [`crate::cells::cell_collection`]), or every ward.
pub fn gi_star_json(ds: &Dataset, r: &GiResult) -> Vec<u8> {
    match &r.grid {
        Some(grid) => {
            let cells: Vec<_> = gi_cells(r).collect();
            crate::cells::cell_collection(&grid.spec, cells.into_iter(), gi_meta(r))
        }
        None => serde_json::to_vec(&gi_wards(ds, r)).expect("GeoJSON serialises"),
    }
}

/// Gi* on wards: each ward's boundary with its figures.
fn gi_wards(ds: &Dataset, r: &GiResult) -> api::GiLayer {
    let features = ds
        .areas()
        .zip(&r.stats)
        .enumerate()
        .filter_map(|(i, (area, g))| {
            let properties = GiProperties {
                code: Some(area.code.clone()),
                name: Some(area.name.clone()),
                ..gi_properties(r, i, g.as_ref()?)
            };
            let geometry = Some(wgs84_to_geojson(&area.geometry));
            Some(
                api::Feature::new(geometry, properties).with_id(FeatureId::Code(area.code.clone())),
            )
        })
        .collect();
    api::FeatureCollection::new(features, gi_meta(r))
}

/// The grid cells with a Gi* value, with their properties.
fn gi_cells(r: &GiResult) -> impl Iterator<Item = (usize, GiProperties)> + '_ {
    let stats = r.stats.iter().enumerate();
    stats.filter_map(|(i, g)| Some((i, gi_properties(r, i, g.as_ref()?))))
}

fn gi_properties(r: &GiResult, i: usize, g: &GiStar) -> GiProperties {
    GiProperties {
        count: r.counts[i],
        z: gi_z(g),
        p: significant4(g.p),
        p_adjusted: significant4(g.p_adjusted),
        class: enum_name(&g.class),
        code: None,
        name: None,
    }
}

fn gi_meta(r: &GiResult) -> GiMeta {
    GiMeta {
        statistic: "Getis-Ord Gi* (binary weights including self)".into(),
        neighbourhood: r.neighbourhood.clone(),
        correction: r.correction,
        outside_study_area: r.outside,
        unlocated: r.unlocated,
        cell_m: r.grid.as_ref().map(|g| g.spec.cell),
        harm_index: r.harm_index.clone(),
    }
}

/// Gi* on the grid as one compact object (row 0 = north), pinned at its
/// WGS84 corners: only the 4 corners are projected, so a region's 360,000
/// cells cost no more than their numbers. `None` for wards, which are no
/// grid.
pub fn gi_grid(r: &GiResult) -> Option<api::GiGrid> {
    let grid = r.grid.as_ref()?;
    let s = &grid.spec;
    let n = r.stats.len();
    let mut out = api::GiGrid {
        meta: gi_meta(r),
        frame: grid_frame(s),
        corners: grid_corners(s),
        classes: HotspotClass::ALL.iter().map(enum_name).collect(),
        class: Vec::with_capacity(n),
        count: Vec::with_capacity(n),
        z: Vec::with_capacity(n),
        p: Vec::with_capacity(n),
        p_adjusted: Vec::with_capacity(n),
    };
    for (g, &count) in r.stats.iter().zip(&r.counts) {
        let class = g
            .as_ref()
            .and_then(|g| HotspotClass::ALL.iter().position(|&c| c == g.class));
        out.class.push(class.map(|k| k as u8));
        out.count.push(g.as_ref().map(|_| count));
        out.z.push(g.as_ref().map(gi_z));
        out.p.push(g.as_ref().map(|g| significant4(g.p)));
        out.p_adjusted
            .push(g.as_ref().map(|g| significant4(g.p_adjusted)));
    }
    Some(out)
}

/// The name serde gives a unit variant (`hot_99`, `persistent_cold`).
pub(crate) fn enum_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(JsonValue::String(s)) => s,
        _ => String::new(),
    }
}

/// Emerging hot and cold spot categories per cell of the study area (cells
/// with no incidents and no pattern are left out).
pub fn emerging(r: &EmergingResult) -> api::EmergingLayer {
    let mut cells = CellPolygons::new(&r.grid.spec);
    let features = r
        .cells
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let e = e.as_ref()?;
            if e.class == EmergingClass::NoPattern && r.counts[i] == 0.0 {
                return None;
            }
            let properties = EmergingProperties {
                class: enum_name(&e.class),
                label: e.class.label().to_string(),
                count: r.counts[i],
                hot_periods: e.hot_periods,
                cold_periods: e.cold_periods,
                last_z: (e.last_z * 1e4).round() / 1e4,
                trend_z: (e.trend.z * 1e4).round() / 1e4,
                trend_p: e.trend.p,
                z: e.z.iter().map(|z| (z * 1e4).round() / 1e4).collect(),
            };
            Some(cells.feature(i, properties))
        })
        .collect();
    let meta = EmergingMeta {
        cell_m: r.grid.spec.cell,
        periods: r.periods.iter().map(|(a, b)| format!("{a}..{b}")).collect(),
        gap_months: r.gap_months.iter().map(ToString::to_string).collect(),
        outside_study_area: r.outside,
        unlocated: r.unlocated,
    };
    api::FeatureCollection::new(features, meta)
}

/// The grid as one compact object (row 0 = north), for clients that draw
/// rasters themselves, pinned at its WGS84 corners.
pub fn density_raster(r: &DensityResult) -> api::DensityGrid {
    api::DensityGrid {
        meta: density_meta(r),
        corners: grid_corners(&r.grid.spec),
        values: r
            .grid
            .values
            .iter()
            .map(|v| (v * 1e3).round() / 1e3)
            .collect(),
    }
}

/// A grid's outer corners in WGS84: north-west, north-east, south-east,
/// south-west (where a map client pins an image of it).
fn grid_corners(s: &GridSpec) -> Vec<[f64; 2]> {
    let (east, south) = (
        s.west + s.cols as f64 * s.cell,
        s.north - s.rows as f64 * s.cell,
    );
    [
        (s.west, s.north),
        (east, s.north),
        (east, south),
        (s.west, south),
    ]
    .iter()
    .map(|&(x, y)| {
        let (lon, lat) = hotspot_core::bng_to_wgs84(x, y).unwrap_or((f64::NAN, f64::NAN));
        [round6(lon), round6(lat)]
    })
    .collect()
}

fn grid_frame(s: &GridSpec) -> GridFrame {
    GridFrame {
        west: s.west,
        north: s.north,
        cols: s.cols,
        rows: s.rows,
    }
}

/// Hotspot polygons, largest (lowest threshold) first.
pub fn hotspots(r: &DensityResult, areas: &[HotspotArea]) -> api::Hotspots {
    let features = areas
        .iter()
        .map(|a| {
            let properties = HotspotProperties {
                top_percent: a.top_percent,
                threshold: a.threshold,
                area_km2: a.area_km2,
                incidents: a.incidents,
                share: a.share,
                by_category: a.by_category.clone(),
                places: a.places.iter().map(hotspot_place).collect(),
            };
            api::Feature::new(Some(bng_to_geojson(&a.polygons_bng)), properties)
        })
        .collect();
    api::FeatureCollection::new(features, density_meta(r))
}

fn hotspot_place(p: &hotspot_engine::HotspotPlace) -> api::HotspotPlace {
    let at = hotspot_engine::planning::point_wgs84(p.peak_bng);
    api::HotspotPlace {
        name: p.name.clone(),
        incidents: p.incidents,
        area_km2: p.area_km2,
        lon: round6(at.x()),
        lat: round6(at.y()),
    }
}

fn point_feature(xy: [f64; 2], properties: PlanFeature) -> api::Feature<PlanFeature> {
    let p = hotspot_engine::planning::point_wgs84(xy);
    let point = Value::Point(vec![round6(p.x()), round6(p.y())]);
    api::Feature::new(Some(Geometry::new(point)), properties)
}

/// A days-of-action plan: each site (`kind: site`) with its coverage circle
/// (`kind: coverage`), and the naive ward-centroid sites (`kind: naive`).
pub fn plan(r: &hotspot_engine::PlanResult, radius: f64) -> api::Plan {
    let p = &r.plan;
    let mut features = Vec::new();
    for (i, site) in p.sites.iter().enumerate() {
        let by_group = site
            .by_group
            .iter()
            .map(|(g, n)| (r.groups[*g as usize].clone(), *n))
            .collect();
        let best_window = site.best_window.map(|w| api::TimeWindow {
            day: w.day.to_string(),
            from_hour: w.from_hour,
            to_hour: w.to_hour,
            share: w.share,
        });
        let rank = i + 1;
        features.push(point_feature(
            site.xy,
            PlanFeature::Site {
                rank,
                name: site.name.clone(),
                ward: r.site_wards[i].clone(),
                covered_incidents: site.covered_incidents,
                covered_weight: site.covered_weight,
                marginal_weight: site.marginal_weight,
                by_group,
                best_window,
            },
        ));
        let circle = hotspot_engine::planning::coverage_circle(site.xy, radius);
        let coverage = PlanFeature::Coverage {
            rank,
            radius_m: radius,
        };
        features.push(api::Feature::new(Some(wgs84_to_geojson(&circle)), coverage));
    }
    for (ward, xy) in &r.naive {
        features.push(point_feature(
            *xy,
            PlanFeature::Naive { ward: ward.clone() },
        ));
    }
    let meta = PlanMeta {
        radius_m: radius,
        covered_weight: p.covered_weight,
        total_weight: p.total_weight,
        share: p.share,
        baseline: p.baseline.as_ref().map(|b| Baseline {
            covered_weight: b.covered_weight,
            share: b.share,
            gain: b.gain,
            gain_pct: b.gain_pct,
        }),
        baseline_method: "centroids of the highest-count wards".into(),
        guarantee: p.guarantee.clone(),
        candidates_considered: p.candidates_considered,
        notes: p.notes.clone(),
    };
    api::FeatureCollection::new(features, meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_sees_no_small_count_nor_what_derives_from_it() {
        use hotspot_core::public::to_public_json;
        use hotspot_engine::AreaStatistics;
        let row = |count, comparison| WardRow {
            code: "W".into(),
            name: "Ward".into(),
            population: Some(1000.0),
            stats: AreaStatistics {
                count,
                rate_per_1000: Some(0.2),
                annual_rate_per_1000: Some(0.4),
                share: 0.05,
                comparison_count: Some(comparison),
                change: Some(-8),
                change_pct: Some(-80.0),
                p_value: Some(0.04),
                change_significant: Some(true),
                direction: Some(hotspot_core::options::ChangeDirection::Down),
                rank: 3,
                priority: false,
            },
            harm: Some(800.0),
            harm_per_1000: Some(800.0),
        };
        let small = to_public_json(&ward_properties(&row(2, 10)), 3);
        for key in [
            "count",
            "harm",
            "harm_per_1000",
            "rate_per_1000",
            "annual_rate_per_1000",
            "share",
            "change",
        ] {
            assert!(small[key].is_null(), "{key}: {small}");
        }
        for key in ["change_pct", "p_value", "change_significant", "direction"] {
            assert!(small[key].is_null(), "{key}: {small}");
        }
        assert_eq!(small["comparison_count"], 10);
        assert_eq!(
            (small["rank"].clone(), small["population"].clone()),
            (3.into(), 1000.0.into())
        );
        assert_eq!(small["suppressed"], true);
        assert!(small.get("comparison_suppressed").is_none());

        let small_before = to_public_json(&ward_properties(&row(38, 1)), 3);
        assert_eq!(small_before["count"], 38);
        assert_eq!(small_before["share"], 0.05);
        assert!(small_before["comparison_count"].is_null() && small_before["p_value"].is_null());
        assert_eq!(small_before["comparison_suppressed"], true);

        let zero = to_public_json(&ward_properties(&row(0, 0)), 3);
        assert_eq!(zero["count"], 0);
        assert!(zero.get("suppressed").is_none());
        // Every other role sees every figure, and no flags.
        let full = serde_json::to_value(ward_properties(&row(2, 1))).unwrap();
        assert_eq!(
            (full["count"].clone(), full["p_value"].clone()),
            (2.into(), 0.04.into())
        );
        assert!(full.get("suppressed").is_none());
    }
}
