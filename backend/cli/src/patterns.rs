//! `hotspot gistar`, `emerging`, `near-repeat`, `temporal`, `evaluate`:
//! statistical and space-time analyses from the command line.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use hotspot_core::CrimeGroups;
use hotspot_engine::{EmergingQuery, EvaluationQuery, GiQuery, GiUnit, KnoxQuery, Period};
use hotspot_server::geojson_out;
use hotspot_spacetime::{KnoxOptions, Metric};
use hotspot_stats::Correction;

use crate::analyse::{dataset, SelectionArgs};

/// Writes JSON to a file, or prints it.
pub(crate) fn output(value: &impl serde::Serialize, out: Option<&PathBuf>) -> anyhow::Result<()> {
    output_bytes(&serde_json::to_vec(value)?, out)
}

/// JSON already written, to `out` or standard output.
fn output_bytes(json: &[u8], out: Option<&PathBuf>) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, json).with_context(|| path.display().to_string())?;
            eprintln!("written to {}", path.display());
        }
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(json)?;
            stdout.write_all(b"\n")?;
        }
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct GiArgs {
    #[command(flatten)]
    pub select: SelectionArgs,
    /// grid or wards.
    #[arg(long, default_value = "grid")]
    pub unit: GiUnit,
    /// Grid cell size, metres (default by rule).
    #[arg(long)]
    pub cell: Option<f64>,
    /// Neighbourhood: cell widths on the grid (default 1.5, queen); metres
    /// between ward centroids (default: wards sharing a boundary).
    #[arg(long)]
    pub band: Option<f64>,
    /// Multiple-comparison correction: fdr (Benjamini-Hochberg), holm or none.
    #[arg(long, default_value = "fdr")]
    pub correction: Correction,
    /// GeoJSON output file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub harm: crate::harm::HarmArgs,
}

/// Features per Gi* class, keyed by the class's serde name (`hot99`,
/// `not_significant`) so the summary uses the words of the JSON and README.
fn class_counts(
    classes: impl Iterator<Item = hotspot_stats::HotspotClass>,
) -> std::collections::BTreeMap<String, u64> {
    let mut by_class = std::collections::BTreeMap::new();
    for class in classes {
        let name = match serde_json::to_value(class) {
            Ok(serde_json::Value::String(s)) => s,
            _ => format!("{class:?}"),
        };
        *by_class.entry(name).or_insert(0) += 1;
    }
    by_class
}

pub async fn gistar(db: &str, groups: CrimeGroups, a: GiArgs) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let mut selection = a.select.selection()?;
    selection.weighting = a.harm.weighting()?;
    let r = ds.gi_star(&GiQuery {
        selection,
        unit: a.unit,
        cell: a.cell,
        band: a.band,
        correction: a.correction,
    })?;
    eprintln!(
        "{} features; by class: {:?}",
        r.stats.iter().flatten().count(),
        class_counts(r.stats.iter().flatten().map(|g| g.class))
    );
    outside_note(r.outside, r.unlocated);
    output_bytes(&geojson_out::gi_star_json(&ds, &r), a.out.as_ref())
}

#[derive(Args, Debug)]
pub struct EmergingArgs {
    #[command(flatten)]
    pub select: SelectionArgs,
    #[arg(long)]
    pub cell: Option<f64>,
    #[arg(long)]
    pub band: Option<f64>,
    /// Months per time step (default: monthly up to 5 years of data).
    #[arg(long)]
    pub months_per_period: Option<usize>,
    #[arg(long, default_value = "fdr")]
    pub correction: Correction,
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn emerging(db: &str, groups: CrimeGroups, a: EmergingArgs) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let r = ds.emerging(&EmergingQuery {
        selection: a.select.selection()?,
        cell: a.cell,
        band: a.band,
        months_per_period: a.months_per_period,
        correction: a.correction,
    })?;
    let mut by_class = std::collections::BTreeMap::new();
    for c in r.cells.iter().flatten() {
        *by_class.entry(c.class.label()).or_insert(0) += 1;
    }
    eprintln!(
        "{} time steps; cells by category: {by_class:?}",
        r.periods.len()
    );
    if !r.gap_months.is_empty() {
        let gaps: Vec<String> = r.gap_months.iter().map(|m| m.to_string()).collect();
        eprintln!(
            "left out, no data loaded (gaps, not zeros): {}",
            gaps.join(", ")
        );
    }
    outside_note(r.outside, r.unlocated);
    output(&geojson_out::emerging(&r), a.out.as_ref())
}

#[derive(Args, Debug)]
pub struct NearRepeatArgs {
    #[command(flatten)]
    pub select: SelectionArgs,
    /// Spatial band limits, metres.
    #[arg(long, value_delimiter = ',', default_value = "100,200,300,400")]
    pub space: Vec<f64>,
    /// Temporal band limits, days.
    #[arg(long, value_delimiter = ',', default_value = "7,14,21,28")]
    pub time: Vec<u32>,
    /// euclidean or manhattan.
    #[arg(long, default_value = "euclidean")]
    pub metric: Metric,
    #[arg(long, default_value_t = 999)]
    pub permutations: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the full result as JSON here (else a table is printed).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn near_repeat(db: &str, groups: CrimeGroups, a: NearRepeatArgs) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let mut options = KnoxOptions::default();
    options.bands.space = a.space;
    options.bands.time = a.time;
    options.permutations = a.permutations;
    options.seed = a.seed;
    options.metric = a.metric;
    let r = ds.near_repeat(&KnoxQuery {
        selection: a.select.selection()?,
        options,
    })?;
    if a.out.is_some() {
        return output(&r, a.out.as_ref());
    }
    println!(
        "Knox test: {} incidents, {} pairs, {} permutations (seed {})",
        r.n, r.pairs, r.permutations, r.seed
    );
    println!(
        "{:<14} {:<12} {:>9} {:>10} {:>7} {:>7}",
        "distance", "time apart", "observed", "expected", "ratio", "p"
    );
    for c in &r.cells {
        println!(
            "{:<14} {:<12} {:>9} {:>10.1} {:>7.2} {:>7.3}{}",
            c.space_label,
            c.time_label,
            c.observed,
            c.expected,
            c.ratio,
            c.p_value,
            if c.significant { " *" } else { "" }
        );
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct TemporalArgs {
    #[command(flatten)]
    pub select: SelectionArgs,
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn temporal(db: &str, groups: CrimeGroups, a: TemporalArgs) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let r = ds.temporal(&a.select.selection()?)?;
    if a.out.is_some() {
        return output(&r, a.out.as_ref());
    }
    println!(
        "{} incidents, {} with a time of day",
        r.incidents, r.with_time
    );
    if let Some(p) = &r.week_hour {
        print!("{}", week_hour_table(&p.counts));
        if let Some(s) = r.weekend_night_share {
            println!(
                "Friday and Saturday nights 23:00-05:00: {:.1}% of timed incidents",
                s * 100.0
            );
        }
    }
    println!(
        "{:<8} {:>6} {:>10} {:>8} {:>9}  spike",
        "month", "count", "last year", "change", "expected"
    );
    for m in &r.monthly {
        println!(
            "{}-{:02}  {:>6} {:>10} {:>8} {:>9}  {}",
            m.year,
            m.month,
            m.count,
            m.last_year.map_or("-".into(), |v| v.to_string()),
            m.change_vs_last_year_pct
                .map_or("-".into(), |v| format!("{v:+.0}%")),
            m.expected.map_or("-".into(), |v| format!("{v:.1}")),
            if m.spike { "SPIKE" } else { "" }
        );
    }
    Ok(())
}

/// The day-of-week x hour-of-day table. Every column is as wide as the
/// largest count plus a space, so that 4-digit (or larger) counts on a busy
/// force's data never run together.
fn week_hour_table(counts: &[[u64; 24]; 7]) -> String {
    use std::fmt::Write;
    let largest = counts.iter().flatten().max().copied().unwrap_or(0);
    let w = largest.to_string().len().max(2);
    let mut out = String::from("hour");
    for h in 0..24 {
        let _ = write!(out, " {h:>w$}");
    }
    out.push('\n');
    for (day, name) in counts
        .iter()
        .zip(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
    {
        out.push_str(&format!("{name:<4}"));
        for c in day {
            let _ = write!(out, " {c:>w$}");
        }
        out.push('\n');
    }
    out
}

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub select: SelectionArgs,
    /// Training period, e.g. 2025-01..2025-06.
    #[arg(long)]
    pub train: String,
    /// Test period, e.g. 2025-07..2025-12.
    #[arg(long)]
    pub test: String,
    /// Evaluation cell size, metres (default by rule).
    #[arg(long)]
    pub cell: Option<f64>,
    /// KDE bandwidths to compare, metres.
    #[arg(long, value_delimiter = ',', default_value = "200,400,800")]
    pub bandwidths: Vec<f64>,
    /// Share of the study area (percent) at which methods are ranked.
    #[arg(long, default_value_t = 5.0)]
    pub coverage: f64,
    /// Write the full report (every method's PAI curve) as JSON here.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn evaluate(db: &str, groups: CrimeGroups, a: EvaluateArgs) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let period =
        |s: &str, what: &str| Period::parse(s).map_err(|e| anyhow::anyhow!("--{what}: {e}"));
    if !(a.coverage > 0.0 && a.coverage <= 100.0) {
        anyhow::bail!("--coverage is a percentage in (0, 100]");
    }
    let r = ds.evaluate_methods(&EvaluationQuery {
        selection: a.select.selection()?,
        train: period(&a.train, "train")?,
        test: period(&a.test, "test")?,
        cell: a.cell,
        bandwidths: a.bandwidths,
        coverage: a.coverage / 100.0,
    })?;
    println!(
        "train {} ({} incidents) -> test {} ({} incidents); {} m cells over {:.0} km²",
        a.train, r.train_incidents, a.test, r.test_incidents, r.cell_m, r.study_area_km2
    );
    outside_note(r.outside_study_area, r.unlocated);
    let coverages: Vec<f64> = r.methods[0]
        .accuracy
        .at
        .iter()
        .map(|p| p.coverage)
        .collect();
    println!(
        "{:<18} {}  {:>6}",
        "PAI at coverage",
        coverages
            .iter()
            .map(|c| format!("{:>7}", format!("{}%", c * 100.0)))
            .collect::<String>(),
        "AUC"
    );
    for m in &r.methods {
        println!(
            "{:<18} {}  {:>6.3}",
            m.name,
            m.accuracy
                .at
                .iter()
                .map(|p| format!("{:>7.2}", p.pai))
                .collect::<String>(),
            m.accuracy.auc
        );
    }
    println!("recommended: {}", r.recommendation.reason);
    if a.out.is_some() {
        output(&r, a.out.as_ref())?;
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub select: SelectionArgs,
    /// Number of sites.
    #[arg(long, default_value_t = 5)]
    pub sites: usize,
    /// Walking radius or team footprint, metres.
    #[arg(long, default_value_t = 400.0)]
    pub radius: f64,
    /// Group weights, e.g. serious-acquisitive:3,violence-sexual:5 (the
    /// first listed group an incident is in sets its weight).
    #[arg(long, value_delimiter = ',')]
    pub weights: Vec<String>,
    /// Candidate venues: GeoJSON points with a `name` property.
    #[arg(long)]
    pub venues: Option<PathBuf>,
    /// Areas no site may be in: GeoJSON polygons.
    #[arg(long)]
    pub avoid: Option<PathBuf>,
    /// GeoJSON output (sites, coverage circles, naive sites).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn read_geojson(path: &PathBuf) -> anyhow::Result<geojson::GeoJson> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    text.parse::<geojson::GeoJson>()
        .map_err(|e| anyhow::anyhow!("{}: not GeoJSON: {e}", path.display()))
}

pub async fn plan(db: &str, groups: CrimeGroups, a: PlanArgs) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let weights = a
        .weights
        .iter()
        .map(|w| {
            let (g, v) = w
                .split_once(':')
                .ok_or_else(|| anyhow::anyhow!("--weights {w:?}: expected group:weight"))?;
            Ok((
                g.to_string(),
                v.parse::<f64>()
                    .map_err(|_| anyhow::anyhow!("--weights {w:?}: weight is not a number"))?,
            ))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let venues = match &a.venues {
        Some(p) => match read_geojson(p)? {
            geojson::GeoJson::FeatureCollection(fc) => {
                hotspot_server::pipeline::venues_from_geojson(&fc)?
            }
            _ => anyhow::bail!("{}: expected a FeatureCollection of points", p.display()),
        },
        None => Vec::new(),
    };
    let avoid = match &a.avoid {
        Some(p) => hotspot_server::pipeline::polygons_from_geojson(&read_geojson(p)?)?,
        None => Vec::new(),
    };
    let r = ds.plan_days_of_action(&hotspot_engine::PlanQuery {
        selection: a.select.selection()?,
        weights,
        sites: a.sites,
        radius: a.radius,
        venues,
        avoid,
    })?;
    let p = &r.plan;
    for (i, s) in p.sites.iter().enumerate() {
        let window = s.best_window.map_or(String::new(), |w| {
            format!(
                "; best {} {:02}:00-{:02}:00 ({:.0}%)",
                w.day,
                w.from_hour,
                w.to_hour,
                w.share * 100.0
            )
        });
        println!(
            "{}. {} ({}): {} incidents within {} m, +{:.0} weight{}",
            i + 1,
            s.name,
            r.site_wards[i].as_deref().unwrap_or("outside the wards"),
            s.covered_incidents,
            a.radius,
            s.marginal_weight,
            window
        );
    }
    println!(
        "covered {:.0} of {:.0} weight ({:.1}%)",
        p.covered_weight,
        p.total_weight,
        p.share * 100.0
    );
    if let Some(b) = &p.baseline {
        println!(
            "naive choice (centroids of the {} busiest wards) covers {:.0} ({:.1}%): gain {:+.0}{}",
            r.naive.len(),
            b.covered_weight,
            b.share * 100.0,
            b.gain,
            b.gain_pct.map_or(String::new(), |g| format!(" ({g:+.0}%)"))
        );
    }
    println!("{}", p.guarantee);
    for n in &p.notes {
        println!("note: {n}");
    }
    if a.out.is_some() {
        output(&geojson_out::plan(&r, a.radius), a.out.as_ref())?;
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct HardeningArgs {
    #[command(flatten)]
    pub select: SelectionArgs,
    /// The day the list is drawn up (YYYY-MM-DD); default: latest burglary.
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Near-repeat distance, metres.
    #[arg(long, default_value_t = 200.0)]
    pub distance: f64,
    /// Risk window after a burglary, days.
    #[arg(long, default_value_t = 28)]
    pub days: u32,
    /// CSV output for crime-prevention officers.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// How many places to list.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

pub async fn target_hardening(
    db: &str,
    groups: CrimeGroups,
    a: HardeningArgs,
) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let r = ds.target_hardening(&hotspot_engine::HardeningQuery {
        selection: a.select.selection()?,
        as_of: a.as_of,
        distance: a.distance,
        days: a.days,
    })?;
    if !r.near_repeat {
        eprintln!("note: no dated burglaries (police.uk gives months only): ranked by burglary density alone");
    }
    let items: Vec<_> = r.items.iter().take(a.limit).collect();
    match &a.csv {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| path.display().to_string())?;
            hotspot_server::pipeline::write_hardening_csv(&items, file)?;
            println!(
                "{} places (as of {}) written to {}",
                items.len(),
                r.as_of,
                path.display()
            );
        }
        None => {
            for (n, i) in items.iter().enumerate() {
                println!(
                    "{:>3}. {} — {} (until {})",
                    n + 1,
                    i.label,
                    i.reason,
                    i.expires
                );
            }
        }
    }
    Ok(())
}

/// Says how many selected incidents an analysis could not place, so its
/// totals can be checked against a count of the selection.
fn outside_note(outside: u64, unlocated: u64) {
    if outside + unlocated > 0 {
        eprintln!(
            "not analysed: {outside} selected incidents outside the study area, {unlocated} with no location"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotspot_stats::HotspotClass;

    #[test]
    fn week_hour_columns_never_run_together() {
        let mut counts = [[0u64; 24]; 7];
        counts[4][22] = 1234;
        counts[4][23] = 5678;
        counts[5][0] = 12_345;
        counts[6][1] = 7;
        let table = week_hour_table(&counts);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 8, "{table}");
        let header: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(header.len(), 25, "{table}");
        for line in &lines[1..] {
            let cells: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(cells.len(), 25, "{line:?} in\n{table}");
        }
        let fri: Vec<&str> = lines[5].split_whitespace().collect();
        assert_eq!((fri[0], fri[23], fri[24]), ("Fri", "1234", "5678"));
        assert_eq!(lines[6].split_whitespace().nth(1), Some("12345"));
        // Columns line up: every line is as long as the header.
        assert!(lines.iter().all(|l| l.len() == lines[0].len()), "{table}");
    }

    #[test]
    fn gistar_summary_uses_the_json_class_names() {
        let counts = class_counts(
            [
                HotspotClass::Hot99,
                HotspotClass::NotSignificant,
                HotspotClass::NotSignificant,
                HotspotClass::Cold90,
            ]
            .into_iter(),
        );
        let got: Vec<(&str, u64)> = counts.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(got, [("cold90", 1), ("hot99", 1), ("not_significant", 2)]);
    }
}
