//! Ward briefings as files: a [`WardBriefing`](hotspot_engine::WardBriefing)
//! (assembled by the engine) rendered to
//!
//! * **PDF** ([`to_pdf`]): one or two A4 pages with real text in the PDF
//!   base-14 Helvetica (extractable and searchable; nothing rasterised), the
//!   map drawn as vectors;
//! * **PNG** ([`to_png`]): the same pages as one raster image at 144 dpi,
//!   drawn with tiny-skia and the bundled Liberation Sans (metric-compatible
//!   with Helvetica, so both lay out alike);
//! * **CSV** ([`to_csv`]): the tables, after `#` comment lines carrying the
//!   attribution and licence;
//! * **GeoPackage** ([`to_geopackage`]): an OGC GeoPackage 1.3 with the
//!   ward, its neighbours, hotspots and interventions as British National
//!   Grid features, the tables as attribute tables, and the attribution.
//!
//! Any map layer (a GeoJSON FeatureCollection) becomes a GeoPackage or a
//! CSV with its attribution inside ([`layer_geopackage`], [`layer_csv`]).
//!
//! Everything is synchronous and knows nothing of HTTP; the one side effect
//! is the temporary file SQLite writes the GeoPackage into.

mod canvas;
mod csv_out;
pub mod gpkg;
mod layer_file;
mod layout;
mod pdf;
mod raster;

pub use csv_out::to_csv;
pub use gpkg::{geometry_blob, to_geopackage};
pub use hotspot_basemap::BaseLayers;
use hotspot_engine::WardBriefing;
pub use layer_file::{cells_geotiff, layer_csv, layer_geopackage, LayerMeta};
pub use layout::map_extent;

/// Why a briefing could not be written. None of these is the caller's
/// mistake: the briefing itself is always renderable.
#[derive(Debug, thiserror::Error)]
pub enum BriefingError {
    #[error("PNG encoding failed: {0}")]
    Png(String),
    #[error("CSV writing failed: {0}")]
    Csv(#[from] csv::Error),
    #[error("GeoPackage writing failed: {0}")]
    GeoPackage(#[from] rusqlite::Error),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// The output formats (defined with the other options in `hotspot-core`).
pub use hotspot_core::options::BriefingFormat as Format;

/// Renders the briefing in `format`. The PDF and PNG maps draw `basemap`
/// (read for [`map_extent`]) under the wards and hotspots when given.
pub fn render(
    b: &WardBriefing,
    format: Format,
    basemap: Option<&BaseLayers>,
) -> Result<Vec<u8>, BriefingError> {
    match format {
        Format::Pdf => Ok(to_pdf(b, basemap)),
        Format::Png => to_png(b, basemap),
        Format::Csv => to_csv(b),
        Format::GeoPackage => to_geopackage(b),
    }
}

/// The briefing as a PDF document (A4).
pub fn to_pdf(b: &WardBriefing, basemap: Option<&BaseLayers>) -> Vec<u8> {
    let mut canvas = pdf::PdfCanvas::new();
    layout::draw(b, basemap, &mut canvas);
    canvas.finish(&format!("Ward briefing: {} ({})", b.name, b.code))
}

/// The briefing's pages as one PNG image, 144 dpi (1190 pixels wide).
pub fn to_png(b: &WardBriefing, basemap: Option<&BaseLayers>) -> Result<Vec<u8>, BriefingError> {
    let pages = layout::page_count(b);
    let mut canvas = raster::RasterCanvas::new(pages);
    layout::draw(b, basemap, &mut canvas);
    canvas.encode()
}
