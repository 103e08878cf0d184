//! `hotspot import ...`, `hotspot imports`, `hotspot rejected`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use hotspot_ingest::{BoundaryOptions, CsvMapping, SourceFile};
use hotspot_server::pipeline::{
    batch_of, parse_incident_file, refuse_if_nothing_accepted, run_import, ImportKind,
};
use hotspot_store::{ImportReport, IncidentBatch};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// police.uk street-level CSVs: files, .csv.gz files, folders of months,
    /// or data.police.uk download zips (their outcomes applied).
    PoliceUk {
        /// Files (.csv, .csv.gz or a download .zip) or folders of them, read
        /// in name order.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// From download zips, also import the stop-and-search files, as
        /// the source `stop-and-search` (date, time and place only).
        #[arg(long)]
        stop_and_search: bool,
        /// Fail (importing nothing) if any row is invalid. Repeated Crime IDs
        /// (counted once) are not invalid.
        #[arg(long)]
        strict: bool,
    },
    /// Any CSV with a column mapping (force extracts, partner data). Every
    /// mapping key is listed below; docs/import.md says more.
    #[command(after_help = hotspot_ingest::mapped::MAPPING_HELP)]
    Csv {
        /// Files (.csv or .csv.gz) or folders of them, read in name order.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// How to read the columns: key=value,key=value (or a TOML or JSON
        /// object); the keys are listed below.
        #[arg(long, value_name = "KEYS")]
        mapping: String,
        /// Fail (importing nothing) if any row is invalid. Repeated IDs
        /// (counted once) are not invalid.
        #[arg(long)]
        strict: bool,
    },
    /// Area boundaries (GeoJSON, WGS84). Replaces the layer.
    Boundaries {
        /// A GeoJSON FeatureCollection of Polygons/MultiPolygons in lon/lat
        /// (may be gzipped).
        path: PathBuf,
        /// The area layer to replace, e.g. wards or lsoas.
        #[arg(long, default_value = "wards")]
        layer: String,
        /// Property holding each area's code. Default: detected (WDnnCD,
        /// LSOAnnCD, MSOAnnCD, ward_code, lsoa_code, area_code, code, ...;
        /// case-insensitive), the first whose values are all distinct.
        #[arg(long, value_name = "PROPERTY")]
        code_field: Option<String>,
        /// Property holding each area's name. Default: the code's partner
        /// (WD22CD -> WD22NM, ward_code -> ward_name), else name; else the code.
        #[arg(long, value_name = "PROPERTY")]
        name_field: Option<String>,
        /// Property holding each area's residents. Default: population,
        /// persons, persons_all or persons_areal when present.
        #[arg(long, value_name = "PROPERTY")]
        population_field: Option<String>,
    },
    /// Population per area (CSV) for rates per 1,000 residents.
    Population {
        /// A CSV with an area code column and a population column.
        path: PathBuf,
        /// The layer whose areas the codes name (import its boundaries first).
        #[arg(long, default_value = "wards")]
        layer: String,
        /// Column holding the area code. Default: the first header ending in
        /// CD or containing "code" whose values are all distinct.
        #[arg(long, value_name = "COLUMN")]
        code_column: Option<String>,
        /// Column holding the residents. Default: population, persons,
        /// persons_all or persons_areal, else a header containing "population".
        #[arg(long, value_name = "COLUMN")]
        population_column: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct RejectedArgs {
    /// Only rows from this import run.
    #[arg(long)]
    pub import: Option<i64>,
    /// Write all of them as CSV to this file (else print a summary).
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

/// Reads every path, with a progress bar over the bytes read.
pub fn read_all(paths: &[PathBuf]) -> anyhow::Result<Vec<SourceFile>> {
    let bar = ProgressBar::new(paths.len() as u64).with_style(
        ProgressStyle::with_template("{spinner} reading {pos}/{len} {wide_msg}").expect("template"),
    );
    let mut files = Vec::new();
    for p in paths {
        bar.set_message(p.display().to_string());
        files.extend(hotspot_ingest::read_sources(p)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(files)
}

pub fn print_report(report: &ImportReport) {
    for f in &report.files {
        println!(
            "{:<10} {}  rows {}  accepted {}  rejected {}",
            format!("{:?}", f.outcome).to_lowercase(),
            f.file_name,
            f.rows,
            f.accepted,
            f.rejected
        );
        for note in &f.notes {
            println!("           note: {note}");
        }
    }
    match report.import_id {
        Some(id) => {
            println!(
                "import {id}: {} accepted, {} rejected",
                report.accepted, report.rejected
            );
            if report.outcomes_updated > 0 {
                println!(
                    "{} crimes imported earlier took a later outcome",
                    report.outcomes_updated
                );
            }
            if report.rejected > 0 {
                println!("see them with: hotspot rejected --import {id} --csv rejected.csv");
            }
        }
        None => {
            println!("nothing changed: these files were imported before, with the same options")
        }
    }
}

pub async fn run(db: &str, cmd: ImportCommand) -> anyhow::Result<()> {
    let store = hotspot_store::open(db).await?;
    let (kind, files, strict) = match cmd {
        ImportCommand::PoliceUk {
            paths,
            strict,
            stop_and_search,
        } => (
            ImportKind::PoliceUk { stop_and_search },
            read_all(&paths)?,
            strict,
        ),
        ImportCommand::Csv {
            paths,
            mapping,
            strict,
        } => (
            ImportKind::Csv(CsvMapping::parse(&mapping)?),
            read_all(&paths)?,
            strict,
        ),
        ImportCommand::Boundaries {
            path,
            layer,
            code_field,
            name_field,
            population_field,
        } => (
            ImportKind::Boundaries {
                layer,
                options: BoundaryOptions {
                    code_field,
                    name_field,
                    population_field,
                },
            },
            read_all(&[path])?,
            false,
        ),
        ImportCommand::Population {
            path,
            layer,
            code_column,
            population_column,
        } => (
            ImportKind::Population {
                layer,
                code_column,
                population_column,
            },
            read_all(&[path])?,
            false,
        ),
    };
    let report = match kind {
        ImportKind::PoliceUk { .. } | ImportKind::Csv(_) => {
            let batch = parse_with_progress(&kind, &files)?;
            refuse_if_nothing_accepted(&batch)?;
            if strict {
                refuse_rejected(&batch)?;
            }
            let spinner = ProgressBar::new_spinner().with_message("storing (one transaction)");
            spinner.enable_steady_tick(std::time::Duration::from_millis(120));
            let report = store.import_incidents(batch).await;
            spinner.finish_and_clear();
            report?
        }
        _ => run_import(store.as_ref(), kind, files).await?,
    };
    print_report(&report);
    Ok(())
}

/// Parses file by file behind a progress bar over the bytes.
fn parse_with_progress(kind: &ImportKind, files: &[SourceFile]) -> anyhow::Result<IncidentBatch> {
    let total: u64 = files.iter().map(|f| f.bytes.len() as u64).sum();
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "parsing [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {wide_msg}",
        )
        .expect("template")
        .progress_chars("=> "),
    );
    let mut parsed = Vec::with_capacity(files.len());
    for f in files {
        bar.set_message(f.name.clone());
        parsed.push(parse_incident_file(kind, f)?);
        bar.inc(f.bytes.len() as u64);
    }
    bar.finish_and_clear();
    Ok(batch_of(kind, parsed))
}

/// `--strict`: refuse the whole batch when any row was invalid (a repeated
/// Crime ID, counted once, is not invalid).
fn refuse_rejected(batch: &IncidentBatch) -> anyhow::Result<()> {
    let mut bad = batch.files.iter().flat_map(|f| {
        f.rejected
            .iter()
            .filter(|r| !hotspot_ingest::is_repeated_id(&r.reason))
            .map(move |r| (f, r))
    });
    if let Some((f, r)) = bad.next() {
        anyhow::bail!(
            "--strict: {} rows rejected, nothing imported; first: {} line {} field {}: {}",
            1 + bad.count(),
            f.file_name,
            r.line,
            r.field.as_deref().unwrap_or("-"),
            r.reason
        );
    }
    Ok(())
}

pub async fn list(db: &str) -> anyhow::Result<()> {
    let store = hotspot_store::open(db).await?;
    println!(
        "{:>4}  {:<20}  {:<11} {:>5} {:>9} {:>8} {:>9}",
        "id", "when (UTC)", "kind", "files", "accepted", "rejected", "unchanged"
    );
    for r in store.imports().await? {
        println!(
            "{:>4}  {:<20}  {:<11} {:>5} {:>9} {:>8} {:>9}",
            r.id, r.created_at, r.kind, r.files, r.accepted, r.rejected, r.unchanged
        );
    }
    Ok(())
}

pub async fn rejected(db: &str, args: RejectedArgs) -> anyhow::Result<()> {
    let store = hotspot_store::open(db).await?;
    let rows = store.rejected_rows(args.import, i64::MAX, 0).await?;
    match args.csv {
        Some(path) => {
            let file = std::fs::File::create(&path).with_context(|| path.display().to_string())?;
            hotspot_server::pipeline::write_rejected_csv(&rows, file)?;
            println!("{} rejected rows written to {}", rows.len(), path.display());
        }
        None => {
            for r in rows.iter().take(50) {
                println!(
                    "{}:{} [{}] {}",
                    r.file_name,
                    r.line,
                    r.field.as_deref().unwrap_or("-"),
                    r.reason
                );
            }
            if rows.len() > 50 {
                println!(
                    "... and {} more (use --csv FILE to export all)",
                    rows.len() - 50
                );
            }
            println!("{} rejected rows", rows.len());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// `hotspot import KIND --help` describes every option, and the csv
    /// help lists every mapping key.
    #[test]
    fn every_import_option_is_described() {
        let mut cli = crate::cli::Cli::command();
        cli.build();
        let import = cli.find_subcommand("import").unwrap();
        let mut kinds = 0;
        for kind in import.get_subcommands().filter(|k| k.get_name() != "help") {
            kinds += 1;
            assert!(kind.get_about().is_some(), "{}", kind.get_name());
            for arg in kind.get_arguments() {
                assert!(
                    arg.get_help().is_some(),
                    "hotspot import {} --help: {} has no description",
                    kind.get_name(),
                    arg.get_id()
                );
            }
        }
        assert_eq!(kinds, 4);
        let csv = import.find_subcommand("csv").unwrap();
        let help = csv.get_after_help().unwrap().to_string();
        for key in [
            "date_precision=",
            "fixed_category=",
            "delimiter=",
            "date_format=",
        ] {
            assert!(help.contains(key), "{key}");
        }
    }
}
