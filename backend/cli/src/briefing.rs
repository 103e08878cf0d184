//! `hotspot briefing`: one ward's briefing as a PDF, PNG, CSV or GeoPackage
//! file, the same as `GET /api/wards/{code}/briefing`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use hotspot_briefing::Format;
use hotspot_core::CrimeGroups;
use hotspot_engine::BriefingQuery;

use crate::analyse::{comparison, SelectionArgs};

#[derive(Args, Debug)]
pub struct BriefingArgs {
    /// Ward code, e.g. E05999006.
    #[arg(long)]
    pub ward: String,
    #[command(flatten)]
    pub select: SelectionArgs,
    /// Compare with: previous, year, or a period.
    #[arg(long)]
    pub compare: Option<String>,
    /// A public briefing: counts below --suppress-below withheld; no
    /// points, hotspot areas or interventions.
    #[arg(long)]
    pub public: bool,
    /// Counts above 0 and below this are withheld in public briefings.
    #[arg(long, default_value_t = hotspot_core::disclosure::DEFAULT_SUPPRESS_BELOW)]
    pub suppress_below: u64,
    /// Draw incident points on the map (never in public briefings).
    #[arg(long)]
    pub points: bool,
    /// pdf, png, csv or gpkg (default: from --out's extension).
    #[arg(long)]
    pub format: Option<String>,
    /// The file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// The briefing's date, YYYY-MM-DD (default: today): what recent and
    /// planned interventions are relative to.
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
    #[command(flatten)]
    pub basemap: crate::basemap::BasemapArgs,
}

pub async fn run(db: &str, groups: CrimeGroups, args: BriefingArgs) -> anyhow::Result<()> {
    let format_name = match &args.format {
        Some(f) => f.clone(),
        None => args
            .out
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_string(),
    };
    let format: Format = format_name
        .parse()
        .map_err(|e| anyhow::anyhow!("--format {e} (or an --out ending in one)"))?;
    let store = hotspot_store::open(db).await?;
    let snapshot = hotspot_server::default_snapshot_file(db);
    let ds = hotspot_server::load_dataset(store.as_ref(), groups, snapshot.as_deref()).await?;
    let log = if args.public {
        Vec::new()
    } else {
        hotspot_server::briefing::intervention_inputs(&store.interventions().await?)
    };
    let selection = args.select.selection()?;
    let comparison = comparison(args.compare.as_deref(), &selection.period)?;
    let query = BriefingQuery {
        selection,
        comparison,
        public: args.public,
        suppress_below: args.suppress_below,
        include_points: args.points && !args.public,
        ..BriefingQuery::new(
            &args.ward,
            args.as_of
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
        )
    };
    let b = ds.ward_briefing(&query, &log)?;
    let basemap = match (args.basemap.basemap()?, format) {
        (Some(m), Format::Pdf | Format::Png) => m.layers(hotspot_briefing::map_extent(&b)).await,
        _ => None,
    };
    let bytes = hotspot_briefing::render(&b, format, basemap.as_ref())?;
    std::fs::write(&args.out, &bytes).with_context(|| format!("{}", args.out.display()))?;
    for n in &b.notes {
        eprintln!("note: {n}");
    }
    println!(
        "{}: {} briefing for {} ({}), {}, {} bytes",
        args.out.display(),
        if b.public { "public" } else { "full" },
        b.name,
        b.code,
        b.period,
        bytes.len()
    );
    Ok(())
}
