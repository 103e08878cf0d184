//! Harm weighting from the command line: one loader for `serve
//! --harm-index` and the analyses' `--harm-index`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use hotspot_core::harm::HarmIndex;
use hotspot_engine::Weighting;

/// `--harm-index FILE` on `wards`, `density`, `hotspots` and `gistar`.
#[derive(Args, Debug, Clone, Default)]
pub struct HarmArgs {
    /// Weigh each incident by its crime type's weight in this harm index
    /// (CSV `crime_type,weight` under `# name:` and `# source:` lines; see
    /// docs/methods.md#harm-weighting) instead of counting it 1.
    #[arg(long, value_name = "FILE")]
    pub harm_index: Option<PathBuf>,
}

impl HarmArgs {
    pub fn weighting(&self) -> anyhow::Result<Weighting> {
        Ok(match &self.harm_index {
            Some(path) => Weighting::Harm(Arc::new(load(path)?)),
            None => Weighting::Count,
        })
    }
}

/// Reads a harm index file; a bad row fails it, naming the line and field.
pub fn load(path: &Path) -> anyhow::Result<HarmIndex> {
    let mut files = hotspot_ingest::read_sources(path)?;
    anyhow::ensure!(
        files.len() == 1,
        "{}: a harm index is one CSV file",
        path.display()
    );
    hotspot_ingest::parse_harm_index(&files.remove(0))
        .with_context(|| format!("--harm-index {}", path.display()))
}
