//! `hotspot import ...`, `hotspot imports`, `hotspot rejected`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use hotspot_ingest::{BoundaryOptions, CsvMapping, SourceFile};
use hotspot_server::pipeline::{
    batch_kind, parse_incident_file, refuse_if_nothing_accepted, run_import, ImportKind,
    ParsedInput,
};
use hotspot_store::{ImportReport, IncidentFile, IncidentImport, Store};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::mpsc;

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
    let report = match cmd {
        ImportCommand::PoliceUk {
            paths,
            strict,
            stop_and_search,
        } => {
            let kind = ImportKind::PoliceUk { stop_and_search };
            import_incidents(store.as_ref(), kind, &paths, strict).await?
        }
        ImportCommand::Csv {
            paths,
            mapping,
            strict,
        } => {
            let kind = ImportKind::Csv(CsvMapping::parse(&mapping)?);
            import_incidents(store.as_ref(), kind, &paths, strict).await?
        }
        ImportCommand::Boundaries {
            path,
            layer,
            code_field,
            name_field,
            population_field,
        } => {
            let options = BoundaryOptions {
                code_field,
                name_field,
                population_field,
            };
            let kind = ImportKind::Boundaries { layer, options };
            run_import(store.as_ref(), kind, read_all(&[path])?).await?
        }
        ImportCommand::Population {
            path,
            layer,
            code_column,
            population_column,
        } => {
            let kind = ImportKind::Population {
                layer,
                code_column,
                population_column,
            };
            run_import(store.as_ref(), kind, read_all(&[path])?).await?
        }
    };
    print_report(&report);
    Ok(())
}

/// Parsed inputs waiting for the store: one being parsed, one waiting and
/// one being stored bound the memory an import takes.
const PARSED_AHEAD: usize = 1;

/// Imports incident files in one transaction, streamed: a blocking task
/// reads and parses the inputs one at a time while the store writes the
/// previous one, so the two run side by side and only a few inputs are in
/// memory at once. Any error (an unreadable file, a file with no accepted
/// row, an invalid row under `--strict`, the database) rolls everything
/// back. The progress bar counts the bytes of the inputs stored.
async fn import_incidents(
    store: &dyn Store,
    kind: ImportKind,
    paths: &[PathBuf],
    strict: bool,
) -> anyhow::Result<ImportReport> {
    let mut inputs = Vec::new();
    for p in paths {
        inputs.extend(hotspot_ingest::source_paths(p)?);
    }
    let bar = import_bar(&inputs)?;
    let mut import = store.begin_incident_import(batch_kind(&kind)).await?;
    let (tx, mut rx) = mpsc::channel(PARSED_AHEAD);
    let (spent_tx, spent) = std::sync::mpsc::channel();
    let parser = tokio::task::spawn_blocking(move || parse_inputs(&kind, &inputs, &tx, &spent));
    let stored = store_inputs(import.as_mut(), &mut rx, &spent_tx, strict, &bar).await;
    // Stops the parser at its next input if the store gave up early.
    drop(rx);
    parser.await?;
    bar.finish_and_clear();
    if let Err(e) = stored {
        // The first error is the one to report. A failed rollback means the
        // transaction is gone already (SQLite rolls back itself on a full
        // disk, say), which leaves the store as it was all the same.
        let _ = import.rollback().await;
        return Err(e);
    }
    let spinner = ProgressBar::new_spinner().with_message("committing (one transaction)");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let report = import.commit().await;
    spinner.finish_and_clear();
    Ok(report?)
}

/// A progress bar over the inputs' bytes on disk.
fn import_bar(inputs: &[PathBuf]) -> anyhow::Result<ProgressBar> {
    let mut total = 0;
    for p in inputs {
        total += std::fs::metadata(p)
            .with_context(|| p.display().to_string())?
            .len();
    }
    Ok(ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "importing [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {wide_msg}",
        )
        .expect("template")
        .progress_chars("=> "),
    ))
}

/// One input parsed, with its name and size on disk.
type Parsed = anyhow::Result<(ParsedInput, String, u64)>;

/// Files stored, handed back to the parsing thread to be freed there: their
/// millions of strings were allocated by that thread, and glibc's malloc
/// frees and reuses them far more cheaply on the thread that made them.
type Spent = std::sync::mpsc::Receiver<Vec<IncidentFile>>;

/// Reads and parses each input in turn and sends it; stops after an error
/// (which it sends) or when the receiver is gone.
fn parse_inputs(kind: &ImportKind, inputs: &[PathBuf], tx: &mpsc::Sender<Parsed>, spent: &Spent) {
    for path in inputs {
        spent.try_iter().for_each(drop);
        let parsed = (|| {
            let size = std::fs::metadata(path)?.len();
            let file = hotspot_ingest::read_source(path)?;
            let input = parse_incident_file(kind, &file)?;
            Ok((input, file.name, size))
        })();
        let failed = parsed.is_err();
        if tx.blocking_send(parsed).is_err() || failed {
            return;
        }
    }
}

/// Stores each parsed input as it arrives, after the checks that refuse the
/// whole import.
async fn store_inputs(
    import: &mut dyn IncidentImport,
    rx: &mut mpsc::Receiver<Parsed>,
    spent: &std::sync::mpsc::Sender<Vec<IncidentFile>>,
    strict: bool,
    bar: &ProgressBar,
) -> anyhow::Result<()> {
    while let Some(parsed) = rx.recv().await {
        let (input, name, size) = parsed?;
        refuse_if_nothing_accepted(&input.files)?;
        if strict {
            refuse_rejected(&input.files)?;
        }
        bar.set_message(name);
        for file in &input.files {
            import.add_file(file).await?;
        }
        import.add_outcomes(input.outcomes);
        // Once the parser has finished, the last files are freed here.
        let _ = spent.send(input.files);
        bar.inc(size);
    }
    Ok(())
}

/// `--strict`: refuse the whole import when any row was invalid (a repeated
/// Crime ID, counted once, is not invalid).
fn refuse_rejected(files: &[IncidentFile]) -> anyhow::Result<()> {
    let mut bad = files.iter().flat_map(|f| {
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
