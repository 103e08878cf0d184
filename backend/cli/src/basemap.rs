//! `--basemap` and `--basemap-attribution`, for `serve` (the map's
//! basemap) and `briefing` (the printed map's streets).

use std::path::PathBuf;

use clap::Args;
use hotspot_server::basemap::Basemap;

#[derive(Args, Debug, Clone)]
pub struct BasemapArgs {
    /// A PMTiles archive of vector tiles in the Protomaps basemap schema
    /// (e.g. a `pmtiles extract` of the area): served with Range requests
    /// and drawn under the map with a bundled style, and drawn under
    /// briefing maps; no internet needed.
    #[arg(long, env = "HOTSPOT_BASEMAP")]
    pub basemap: Option<PathBuf>,
    /// The basemap's attribution, shown on the map.
    #[arg(long, default_value = "© OpenStreetMap contributors")]
    pub basemap_attribution: String,
}

impl BasemapArgs {
    /// The basemap, checked to be a readable PMTiles v3 archive.
    pub fn basemap(&self) -> anyhow::Result<Option<Basemap>> {
        let Some(path) = &self.basemap else {
            return Ok(None);
        };
        Basemap::check(path).map_err(|e| anyhow::anyhow!("--basemap {e}"))?;
        Ok(Some(Basemap {
            archive: path.clone(),
            attribution: self.basemap_attribution.clone(),
        }))
    }
}
