//! Hotspot's built-in sample data: a seeded generator for a fictional
//! borough, "Hotspot Sample Borough".
//!
//! `hotspot serve` on a fresh machine loads this data so a new user sees a
//! meaningful hotspot map at once, without downloading anything. The data is
//! made here rather than copied from police.uk so that it is small, free of
//! any real person's records, reproducible (same seed → byte-identical files)
//! and deliberately shaped: it has clear hotspots, a cluster that grows
//! between years, seasonal swings and the quirks real police.uk files have.
//!
//! The borough is fictional but sits on real British National Grid
//! coordinates (centred near E 470000 N 260000) so that projection, maps and
//! distances behave as they would for a real Community Safety Partnership.
//!
//! Files (paths relative to the output folder, normally the repository's `data/`):
//!
//! * `wards.geojson` — 16 ward polygons (WGS84) that tile the borough exactly;
//! * `population.csv` — residents per ward;
//! * `policeuk/YYYY-MM-sample-street.csv` — one police.uk street file a month;
//! * `partner/fly-tipping.csv` — a partner data set with dates, times and BNG;
//! * `README.md` — what all of the above is, generated with the right sizes.

use std::path::{Path, PathBuf};

use hotspot_core::Month;

mod partner;
mod policeuk;
mod readme;
/// The seeded draws, shared with the regional-scale generator
/// (`hotspot-loadtest`), so both make data the same way.
pub mod rng;
mod snap;
mod wards;

/// The seed of the committed sample data: the EPSG code of British National Grid.
pub const DEFAULT_SEED: u64 = 27_700;

/// Default incidents per month. Police.uk-like rows cost about 220 bytes
/// each, so this keeps 24 months of data around 1 MB in the repository while
/// still giving every hotspot enough points to stand out.
pub const DEFAULT_INCIDENTS_PER_MONTH: usize = 160;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOptions {
    /// Seed for every random choice: same options → byte-identical files.
    pub seed: u64,
    /// Months to publish street files for (default 2024-01..=2025-12). The
    /// second twelve months after the first carry the estate's growing
    /// burglary problem; the last three have more "Under investigation".
    pub months: Vec<Month>,
    /// Typical police.uk rows per month before seasonal variation.
    pub incidents_per_month: usize,
}

impl Default for SampleOptions {
    fn default() -> Self {
        let first = Month::new(2024, 1).expect("valid month");
        SampleOptions {
            seed: DEFAULT_SEED,
            months: (0..24)
                .map(|k| Month::from_index(first.index() + k))
                .collect(),
            incidents_per_month: DEFAULT_INCIDENTS_PER_MONTH,
        }
    }
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleFile {
    /// Path relative to the output folder, `/`-separated, e.g. `policeuk/2024-01-sample-street.csv`.
    pub relative_path: String,
    pub contents: Vec<u8>,
}

/// Generates every sample file in memory; deterministic for given options.
///
/// Months are sorted and de-duplicated first, so their order in `opts` does
/// not matter.
///
/// ```
/// use hotspot_sample::{generate, SampleOptions};
///
/// let opts = SampleOptions {
///     months: vec!["2025-06".parse().unwrap()],
///     incidents_per_month: 50,
///     ..SampleOptions::default()
/// };
/// let files = generate(&opts);
/// let street = files
///     .iter()
///     .find(|f| f.relative_path == "policeuk/2025-06-sample-street.csv")
///     .unwrap();
/// assert!(street.contents.starts_with(b"Crime ID,Month,Reported by,Falls within,"));
/// assert!(files.iter().any(|f| f.relative_path == "wards.geojson"));
/// // Same options, same bytes.
/// assert_eq!(files, generate(&opts));
/// ```
pub fn generate(opts: &SampleOptions) -> Vec<SampleFile> {
    let mut months = opts.months.clone();
    months.sort();
    months.dedup();

    let borough = wards::Borough::build(opts.seed);
    let snaps = snap::SnapPoints::build(opts.seed, &borough);

    let mut files = vec![
        SampleFile {
            relative_path: "wards.geojson".into(),
            contents: borough.geojson().into_bytes(),
        },
        SampleFile {
            relative_path: "population.csv".into(),
            contents: borough.population_csv(),
        },
    ];
    for (month, contents) in policeuk::street_files(
        opts.seed,
        &months,
        opts.incidents_per_month,
        &borough,
        &snaps,
    ) {
        files.push(SampleFile {
            relative_path: street_file_name(month),
            contents,
        });
    }
    files.push(SampleFile {
        relative_path: "partner/fly-tipping.csv".into(),
        contents: partner::fly_tipping_csv(opts.seed, &months, &borough),
    });
    let readme = readme::readme(opts, &months, &borough, &snaps, &files);
    files.push(SampleFile {
        relative_path: "README.md".into(),
        contents: readme.into_bytes(),
    });
    files
}

/// Writes the files under `dir` (creating subfolders) and returns their paths.
///
/// Existing files of the same names are overwritten; nothing else in `dir`
/// is touched.
pub fn write_to(dir: &Path, opts: &SampleOptions) -> std::io::Result<Vec<PathBuf>> {
    generate(opts)
        .into_iter()
        .map(|f| {
            let path = f
                .relative_path
                .split('/')
                .fold(dir.to_path_buf(), |p, part| p.join(part));
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &f.contents)?;
            Ok(path)
        })
        .collect()
}

/// `policeuk/YYYY-MM-sample-street.csv`, after police.uk's `YYYY-MM-<force>-street.csv`.
fn street_file_name(month: Month) -> String {
    format!("policeuk/{month}-sample-street.csv")
}

/// A CSV writer with police.uk's conventions: `\n` line ends, quotes only
/// where needed.
fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

#[cfg(test)]
mod tests;
