//! `hotspot change`, `clusters`, `relative-risk`: the change map, DBSCAN
//! point clusters and the relative-risk surface.

use std::path::PathBuf;

use clap::Args;
use hotspot_core::{CrimeGroups, MonthRange};
use hotspot_engine::{ChangeClass, ChangeQuery, ClusterQuery};
use hotspot_server::analyses_out;
use hotspot_stats::Correction;

use crate::analyse::{dataset, SelectionArgs};
use crate::patterns::output;

#[derive(Args, Debug)]
pub struct ChangeArgs {
    /// What to count (--group, --type, --source; not --period: give
    /// --before and --after).
    #[command(flatten)]
    pub select: SelectionArgs,
    /// Before period, months: 2024-01..2024-04 or 2024-03.
    #[arg(long)]
    pub before: MonthRange,
    /// After period, months, not overlapping --before.
    #[arg(long)]
    pub after: MonthRange,
    /// Grid cell size, metres (default as Gi*: the study area's shorter
    /// side / 75, nicely rounded, at least 100 m).
    #[arg(long)]
    pub cell: Option<f64>,
    /// Multiple-comparison correction: fdr (Benjamini-Hochberg), holm or none.
    #[arg(long, default_value = "fdr")]
    pub correction: Correction,
    /// GeoJSON output file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn change(db: &str, groups: CrimeGroups, a: ChangeArgs) -> anyhow::Result<()> {
    if a.select.period.is_some() {
        anyhow::bail!("--period does not apply: the periods are --before and --after");
    }
    let ds = dataset(db, groups).await?;
    let r = ds.change(&ChangeQuery {
        selection: a.select.selection()?,
        before: a.before,
        after: a.after,
        cell: a.cell,
        correction: a.correction,
    })?;
    let tested = r.cells.iter().flatten().count();
    let class = |k: ChangeClass| r.cells.iter().flatten().filter(|c| c.class == k).count();
    let sum = |f: fn(&hotspot_engine::CellChange) -> u64| -> u64 {
        r.cells.iter().flatten().map(f).sum()
    };
    eprintln!(
        "{} m cells; {tested} tested: {} rise, {} fall, {} no significant change",
        r.grid.spec.cell,
        class(ChangeClass::Rise),
        class(ChangeClass::Fall),
        class(ChangeClass::NoSignificantChange)
    );
    for (name, p, n) in [
        ("before", &r.before, sum(|c| c.n_before)),
        ("after", &r.after, sum(|c| c.n_after)),
    ] {
        eprintln!(
            "{name} {}..{}: {} months with data, {} selected = {n} in cells + {} outside the study area + {} unlocated",
            p.range.from,
            p.range.to,
            p.months_with_data.len(),
            p.selected,
            p.outside,
            p.unlocated
        );
    }
    output(&analyses_out::change(&r), a.out.as_ref())
}

#[derive(Args, Debug)]
pub struct ClustersArgs {
    #[command(flatten)]
    pub select: SelectionArgs,
    /// Neighbourhood radius, metres (default: median nearest-neighbour
    /// distance between map points ÷ √2).
    #[arg(long)]
    pub eps: Option<f64>,
    /// Incidents within eps (itself included) for a core point (default:
    /// ln(incidents), rounded, at least 5).
    #[arg(long)]
    pub min_points: Option<usize>,
    /// GeoJSON output file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn clusters(db: &str, groups: CrimeGroups, a: ClustersArgs) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let r = ds.clusters(&ClusterQuery {
        selection: a.select.selection()?,
        eps: a.eps,
        min_points: a.min_points,
    })?;
    eprintln!(
        "{} clusters of {} incidents; noise {}; unlocated {}\neps {} m ({})\nmin_points {} ({})",
        r.clusters.len(),
        r.incidents,
        r.noise,
        r.unlocated,
        r.eps,
        r.eps_rule,
        r.min_points,
        r.min_points_rule
    );
    for c in r.clusters.iter().take(10) {
        eprintln!(
            "  #{:<3} {:>6} incidents ({} core) on {} points, {:.3} km²: {:?}",
            c.rank, c.incidents, c.core, c.locations, c.area_km2, c.top_types
        );
    }
    output(&analyses_out::clusters(&r), a.out.as_ref())
}

#[derive(Args, Debug)]
pub struct RelativeRiskArgs {
    /// The numerator (and the period of denominator incidents).
    #[command(flatten)]
    pub select: SelectionArgs,
    /// population, source:NAME or group:ID.
    #[arg(long)]
    pub denominator: hotspot_engine::Denominator,
    /// Cell size, metres (default as density).
    #[arg(long)]
    pub cell: Option<f64>,
    /// Quartic bandwidth, metres (default as density: 5 cells, 200–600 m).
    #[arg(long)]
    pub bandwidth: Option<f64>,
    /// GeoJSON output file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn relative_risk(
    db: &str,
    groups: CrimeGroups,
    a: RelativeRiskArgs,
) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let label = a.denominator.to_string();
    let r = ds.relative_risk(&hotspot_engine::RiskQuery {
        selection: a.select.selection()?,
        denominator: a.denominator,
        cell: a.cell,
        bandwidth: a.bandwidth,
    })?;
    let layer = analyses_out::relative_risk(&r, &label);
    let m = &layer.meta;
    let mut ratios: Vec<f64> = layer
        .features
        .iter()
        .filter_map(|f| f.properties.ratio)
        .collect();
    ratios.sort_by(f64::total_cmp);
    let q = |p: f64| {
        ratios
            .get(((ratios.len() as f64 - 1.0) * p) as usize)
            .copied()
    };
    eprintln!(
        "{} m cells, bandwidth {} m; {} numerator incidents, denominator {} = {} {}\n\
         floor {} per km² ({}): {} of {} cells masked\n\
         ratio median {:?}, 90th percentile {:?}, max {:?}",
        m.cell_m,
        m.bandwidth_m,
        m.numerator_points,
        m.denominator,
        m.denominator_total,
        m.denominator_units,
        m.floor,
        m.floor_rule,
        m.masked_cells,
        layer.features.len(),
        q(0.5),
        q(0.9),
        ratios.last()
    );
    output(&layer, a.out.as_ref())
}
