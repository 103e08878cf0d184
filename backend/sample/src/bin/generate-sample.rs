//! Regenerates the sample data: `generate-sample [--out DIR] [--seed N]`.
//!
//! A stop-gap until `hotspot sample` exists; both call `hotspot_sample::write_to`.

use std::path::PathBuf;
use std::process::ExitCode;

use hotspot_sample::{write_to, SampleOptions};

fn main() -> ExitCode {
    let mut out = PathBuf::from("data");
    let mut opts = SampleOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--out", Some(dir)) => out = PathBuf::from(dir),
            ("--seed", Some(seed)) => match seed.parse() {
                Ok(s) => opts.seed = s,
                Err(_) => {
                    eprintln!("--seed expects a whole number, got {seed:?}");
                    return ExitCode::FAILURE;
                }
            },
            _ => {
                eprintln!("usage: generate-sample [--out DIR] [--seed N]");
                return ExitCode::FAILURE;
            }
        }
    }
    match write_to(&out, &opts) {
        Ok(paths) => {
            let bytes: u64 = paths
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .map(|m| m.len())
                .sum();
            println!(
                "wrote {} files ({bytes} bytes) under {}",
                paths.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("writing sample data under {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
