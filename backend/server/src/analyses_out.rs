//! The change map and DBSCAN clusters (and the relative-risk surface) as
//! the API's GeoJSON types: geometry in WGS84, computed in BNG.

use hotspot_api::responses::{
    self as api, ChangeMeta, ChangePeriodMeta, ChangeProperties, ClusterMeta, ClusterProperties,
    TypeCount,
};
use hotspot_engine::{ChangePeriod, ChangeResult, ClusterResult, CHANGE_ALPHA};

use crate::cells::CellPolygons;
use crate::geojson_out::{bng_to_geojson, enum_name};

fn period_meta(p: &ChangePeriod) -> ChangePeriodMeta {
    ChangePeriodMeta {
        period: format!("{}..{}", p.range.from, p.range.to),
        months_with_data: p.months_with_data.len(),
        gap_months: p.gap_months.iter().map(|m| m.to_string()).collect(),
        selected: p.selected,
        outside_study_area: p.outside,
        unlocated: p.unlocated,
    }
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// Cells with something counted in either period, as polygons.
pub fn change(r: &ChangeResult) -> api::ChangeLayer {
    let spec = &r.grid.spec;
    let mut cells = CellPolygons::new(spec);
    let features: Vec<_> = r
        .cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let c = c.as_ref()?;
            Some(cells.feature(
                i,
                ChangeProperties {
                    n_before: c.n_before,
                    n_after: c.n_after,
                    change: c.change,
                    rate_ratio: c.rate_ratio.map(round4),
                    p: c.p,
                    p_adjusted: c.p_adjusted,
                    class: enum_name(&c.class),
                    col: i % spec.cols,
                    row: i / spec.cols,
                },
            ))
        })
        .collect();
    let mut warnings = Vec::new();
    for (name, p) in [("before", &r.before), ("after", &r.after)] {
        if !p.gap_months.is_empty() {
            let gaps: Vec<String> = p.gap_months.iter().map(|m| m.to_string()).collect();
            warnings.push(format!(
                "the {name} period has no data for {} (gaps, not zeros): it counts as {} months",
                gaps.join(", "),
                p.months_with_data.len()
            ));
        }
    }
    let meta = ChangeMeta {
        cell_m: spec.cell,
        test: "exact two-sided conditional binomial test: n_after ~ Binomial(n_before + n_after, \
               months_after / (months_before + months_after)), months with data"
            .into(),
        correction: r.correction,
        alpha: CHANGE_ALPHA,
        before: period_meta(&r.before),
        after: period_meta(&r.after),
        tested_cells: features.len(),
        warnings,
    };
    api::FeatureCollection::new(features, meta)
}

/// One feature per cluster, its outline in WGS84, most incidents first.
pub fn clusters(r: &ClusterResult) -> api::ClusterLayer {
    let features = r
        .clusters
        .iter()
        .map(|c| {
            let geometry = bng_to_geojson(&geo_types::MultiPolygon(vec![c.outline_bng.clone()]));
            api::Feature::new(
                Some(geometry),
                ClusterProperties {
                    rank: c.rank,
                    count: c.incidents,
                    core_count: c.core,
                    locations: c.locations,
                    area_km2: round4(c.area_km2),
                    top_types: c
                        .top_types
                        .iter()
                        .map(|(category, count)| TypeCount {
                            category: category.clone(),
                            count: *count,
                        })
                        .collect(),
                },
            )
        })
        .collect();
    let meta = ClusterMeta {
        eps_m: r.eps,
        eps_rule: r.eps_rule.clone(),
        min_points: r.min_points,
        min_points_rule: r.min_points_rule.clone(),
        incidents: r.incidents,
        noise: r.noise,
        unlocated: r.unlocated,
        clusters: r.clusters.len(),
    };
    api::FeatureCollection::new(features, meta)
}

fn round3(v: f64) -> f64 {
    (v * 1e3).round() / 1e3
}

/// Cells with some numerator or denominator density, as polygons.
pub fn relative_risk(r: &hotspot_engine::RiskResult, denominator: &str) -> api::RiskLayer {
    let spec = &r.numerator.spec;
    let mut cells = CellPolygons::new(spec);
    let mut masked_cells = 0;
    let features: Vec<_> = (0..spec.len())
        .filter(|&i| r.numerator.values[i] > 0.0 || r.denominator.values[i] > 0.0)
        .map(|i| {
            let masked = r.surface.masked[i];
            masked_cells += usize::from(masked);
            cells.feature(
                i,
                api::RiskProperties {
                    numerator_density: round3(r.numerator.values[i]),
                    denominator_density: round3(r.denominator.values[i]),
                    ratio: r.surface.ratio[i].map(round4),
                    masked,
                    col: i % spec.cols,
                    row: i / spec.cols,
                },
            )
        })
        .collect();
    let meta = api::RiskMeta {
        crs_analysis: "EPSG:27700".into(),
        cell_m: r.parameters.cell,
        bandwidth_m: r.parameters.bandwidth,
        kernel: "quartic".into(),
        denominator: denominator.to_string(),
        denominator_units: r.denominator_units.clone(),
        numerator_points: r.numerator_points,
        denominator_total: r.denominator_total,
        floor: round3(r.surface.floor),
        floor_rule: format!(
            "denominator density below {}% of its mean over the cells where it is above 0",
            r.floor_share * 100.0
        ),
        masked_cells,
        warnings: r.parameters.warnings.clone(),
    };
    api::FeatureCollection::new(features, meta)
}
