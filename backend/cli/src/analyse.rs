//! `hotspot wards`, `hotspot density`, `hotspot hotspots`: the same analyses
//! as the API, from the command line.

use hotspot_core::period::Compare;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use hotspot_api::fields::BBox;
use hotspot_core::CrimeGroups;
use hotspot_engine::{Dataset, DensityQuery, Period, RankBy, Selection, WardQuery};
use hotspot_server::geojson_out;

#[derive(Args, Debug, Clone)]
pub struct SelectionArgs {
    /// Period: 2025-01..2025-06, 2025-03, or 2025-01-01T18:00..2025-01-02T06:00.
    #[arg(long)]
    pub period: Option<String>,
    /// Crime group id (repeatable), e.g. serious-acquisitive.
    #[arg(long = "group")]
    pub groups: Vec<String>,
    /// Crime type (repeatable), e.g. Burglary.
    #[arg(long = "type")]
    pub types: Vec<String>,
    /// Source (repeatable), e.g. police.uk, fly-tipping.
    #[arg(long = "source")]
    pub sources: Vec<String>,
}

impl SelectionArgs {
    pub fn selection(&self) -> anyhow::Result<Selection> {
        Ok(Selection {
            groups: self.groups.clone(),
            types: self.types.clone(),
            sources: self.sources.clone(),
            period: match &self.period {
                Some(p) => Period::parse(p).map_err(|e| anyhow::anyhow!("--period: {e}"))?,
                None => Period::All,
            },
            ..Default::default()
        })
    }
}

#[derive(Args, Debug)]
pub struct WardsArgs {
    #[command(flatten)]
    pub select: SelectionArgs,
    /// Compare with: previous, year, or a period.
    #[arg(long)]
    pub compare: Option<String>,
    /// How many top wards to flag as priority.
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// Rank by count or rate.
    #[arg(long, default_value = "count")]
    pub rank_by: RankBy,
    /// Output: table, csv or geojson.
    #[arg(long, default_value = "table")]
    pub format: String,
    #[command(flatten)]
    pub harm: crate::harm::HarmArgs,
}

/// What and how to smooth: the selection plus kernel settings.
#[derive(Args, Debug)]
pub struct KdeArgs {
    #[command(flatten)]
    pub select: SelectionArgs,
    /// Bandwidth (search radius), metres; chosen by rule when absent.
    #[arg(long)]
    pub bandwidth: Option<f64>,
    /// Cell size, metres; chosen by rule when absent.
    #[arg(long)]
    pub cell: Option<f64>,
    /// Compute over min_lon,min_lat,max_lon,max_lat (WGS84) instead of the
    /// study area; the default cell and bandwidth follow from it, as for the
    /// map's view (`bbox=` in the API).
    #[arg(long, value_parser = parse_bbox, allow_hyphen_values = true)]
    pub bbox: Option<[f64; 4]>,
    #[command(flatten)]
    pub harm: crate::harm::HarmArgs,
}

/// `--bbox`, by the API's own parser.
fn parse_bbox(s: &str) -> Result<[f64; 4], String> {
    s.parse::<BBox>()
        .map(|b| b.0)
        .map_err(|e| e.replace("parameter {key}=", ""))
}

impl KdeArgs {
    fn query(&self) -> anyhow::Result<DensityQuery> {
        let mut selection = self.select.selection()?;
        selection.weighting = self.harm.weighting()?;
        Ok(DensityQuery {
            selection,
            extent: self.bbox,
            cell: self.cell,
            bandwidth: self.bandwidth,
        })
    }
}

#[derive(Args, Debug)]
pub struct DensityArgs {
    #[command(flatten)]
    pub kde: KdeArgs,
    /// Output file: .tif (GeoTIFF, EPSG:27700), .geojson (cells) or .json (grid).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct HotspotsArgs {
    #[command(flatten)]
    pub kde: KdeArgs,
    /// Top percentages of density to outline.
    #[arg(long, value_delimiter = ',', default_value = "10,5,1")]
    pub top: Vec<f64>,
    /// Output GeoJSON file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn dataset(db: &str, groups: CrimeGroups) -> anyhow::Result<Arc<Dataset>> {
    let store = hotspot_store::open(db).await?;
    let snapshot = hotspot_server::default_snapshot_file(db);
    Ok(hotspot_server::load_dataset(store.as_ref(), groups, snapshot.as_deref()).await?)
}

/// `--compare` for `current`, parsed by the API's own [`Compare`].
pub fn comparison(spec: Option<&str>, current: &Period) -> anyhow::Result<Option<Period>> {
    let compare: Compare = spec
        .unwrap_or("none")
        .parse()
        .map_err(|e| anyhow::anyhow!("--compare: {e}"))?;
    compare
        .resolve(current)
        .map_err(|e| anyhow::anyhow!("--compare {e}"))
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.digits$}"))
}

pub async fn wards(db: &str, groups: CrimeGroups, args: WardsArgs) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let mut selection = args.select.selection()?;
    selection.weighting = args.harm.weighting()?;
    let comparison = comparison(args.compare.as_deref(), &selection.period)?;
    let report = ds.ward_statistics(&WardQuery {
        selection,
        comparison,
        priority_top_n: args.top,
        rank_by: args.rank_by,
    })?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let mut rows: Vec<_> = report.rows.iter().collect();
    rows.sort_by_key(|r| r.stats.rank);
    match args.format.as_str() {
        "geojson" => println!(
            "{}",
            serde_json::to_string(&geojson_out::wards(&ds, &report))?
        ),
        "csv" => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            for r in rows {
                w.serialize(CsvRow::from(r))?;
            }
            w.flush()?;
        }
        "table" => {
            let harm = report.harm_index.is_some();
            println!(
                "{:>4}  {:<32} {:>7} {:>9} {:>6} {:>7} {:>8} {:>8}  priority{}",
                "rank",
                "ward",
                "count",
                "per 1000",
                "share",
                "before",
                "change",
                "p",
                if harm { "  harm  harm per 1000" } else { "" }
            );
            for r in rows {
                let s = &r.stats;
                let harm_columns = if harm {
                    format!("  {}  {}", opt(r.harm, 0), opt(r.harm_per_1000, 1))
                } else {
                    String::new()
                };
                println!(
                    "{:>4}  {:<32} {:>7} {:>9} {:>5.1}% {:>7} {:>8} {:>8}  {:<8}{harm_columns}",
                    s.rank,
                    format!("{} {}", r.code, r.name)
                        .chars()
                        .take(32)
                        .collect::<String>(),
                    s.count,
                    opt(s.rate_per_1000, 1),
                    s.share * 100.0,
                    s.comparison_count.map_or("-".into(), |c| c.to_string()),
                    s.change_pct.map_or("-".into(), |c| format!("{c:+.0}%")),
                    opt(s.p_value, 3),
                    if s.priority { "*" } else { "" }
                );
            }
            println!(
                "total {}; outside every ward {}; no location {}",
                report.total, report.outside_areas, report.unlocated
            );
            if let Some(h) = &report.harm_index {
                println!("harm weighted by {:?} (source: {})", h.name, h.source);
            }
        }
        other => anyhow::bail!("--format {other:?}: expected table, csv or geojson"),
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct CsvRow<'a> {
    rank: usize,
    code: &'a str,
    name: &'a str,
    count: u64,
    population: Option<f64>,
    rate_per_1000: Option<f64>,
    share: f64,
    comparison_count: Option<u64>,
    change: Option<i64>,
    change_pct: Option<f64>,
    p_value: Option<f64>,
    priority: bool,
    /// With `--harm-index`: the ward's harm, and per 1,000 residents.
    #[serde(skip_serializing_if = "Option::is_none")]
    harm: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    harm_per_1000: Option<f64>,
}

impl<'a> From<&'a hotspot_engine::WardRow> for CsvRow<'a> {
    fn from(r: &'a hotspot_engine::WardRow) -> Self {
        let s = &r.stats;
        CsvRow {
            rank: s.rank,
            code: &r.code,
            name: &r.name,
            count: s.count,
            population: r.population,
            rate_per_1000: s.rate_per_1000,
            share: s.share,
            comparison_count: s.comparison_count,
            change: s.change,
            change_pct: s.change_pct,
            p_value: s.p_value,
            priority: s.priority,
            harm: r.harm,
            harm_per_1000: r.harm.and(r.harm_per_1000),
        }
    }
}

pub async fn density(db: &str, groups: CrimeGroups, args: DensityArgs) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let result = ds.density(&args.kde.query()?)?;
    for w in &result.parameters.warnings {
        eprintln!("warning: {w}");
    }
    let ext = args.out.extension().and_then(|e| e.to_str()).unwrap_or("");
    let file = std::fs::File::create(&args.out).with_context(|| args.out.display().to_string())?;
    match ext {
        "tif" | "tiff" => {
            hotspot_density::write_geotiff(&result.grid, std::io::BufWriter::new(file))?
        }
        "geojson" => serde_json::to_writer(file, &geojson_out::density_cells(&result, 0.0))?,
        "json" => serde_json::to_writer(file, &geojson_out::density_raster(&result))?,
        other => anyhow::bail!("--out: unknown extension {other:?}: use .tif, .geojson or .json"),
    }
    let s = &result.grid.spec;
    println!(
        "{}: {} × {} cells of {} m, bandwidth {} m, {} incidents, peak {:.1} per km²",
        args.out.display(),
        s.cols,
        s.rows,
        result.parameters.cell,
        result.parameters.bandwidth,
        result.points,
        result.grid.max()
    );
    Ok(())
}

pub async fn hotspots(db: &str, groups: CrimeGroups, args: HotspotsArgs) -> anyhow::Result<()> {
    let ds = dataset(db, groups).await?;
    let (result, areas) = ds.hotspots(&args.kde.query()?, &args.top)?;
    for w in &result.parameters.warnings {
        eprintln!("warning: {w}");
    }
    let fc = geojson_out::hotspots(&result, &areas);
    match args.out {
        Some(path) => {
            let file = std::fs::File::create(&path).with_context(|| path.display().to_string())?;
            serde_json::to_writer(file, &fc)?;
            for a in &areas {
                println!(
                    "top {:>4}%: {:>6.2} km², {} incidents ({:.0}% of all)",
                    a.top_percent,
                    a.area_km2,
                    a.incidents,
                    a.share * 100.0
                );
            }
        }
        None => println!("{}", serde_json::to_string(&fc)?),
    }
    Ok(())
}
