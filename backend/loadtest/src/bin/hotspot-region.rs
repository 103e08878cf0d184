//! `hotspot-region`: writes police.uk-format data at regional scale for the
//! scale benchmark (see `hotspot_loadtest::region`).
//!
//! ```sh
//! hotspot-region --out /tmp/region-1m --incidents 1000000
//! ```

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use hotspot_loadtest::region::{write_region, RegionOptions};

/// Writes wards.geojson, population.csv and policeuk/YYYY-MM-region-street.csv
/// for a 60 km × 60 km region; the same options write the same bytes.
#[derive(Parser, Debug)]
#[command(name = "hotspot-region", version)]
struct Args {
    /// Folder to write into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Distinct incidents over all months (rows repeating a Crime ID come on top).
    #[arg(long, default_value_t = 1_000_000)]
    incidents: u64,
    /// Random seed.
    #[arg(long, default_value_t = RegionOptions::default().seed)]
    seed: u64,
    /// Months, from January 2024.
    #[arg(long, default_value_t = 24)]
    months: u32,
    /// Wards along each side (17 → 289 wards).
    #[arg(long, default_value_t = 17)]
    wards_per_side: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let opts = RegionOptions {
        seed: args.seed,
        incidents: args.incidents,
        months: args.months,
        wards_per_side: args.wards_per_side,
        ..Default::default()
    };
    let t = Instant::now();
    let s = write_region(&args.out, &opts)?;
    eprintln!(
        "{} wards, {} incidents in {} rows, {} files in {:.1} s",
        s.wards,
        s.incidents,
        s.rows,
        s.files.len(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
