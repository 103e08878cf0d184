//! Kernel density estimation for Hotspot.
//!
//! Turns incident points (British National Grid metres, EPSG:27700) into a
//! quartic-kernel density raster, picks sensible default cell size and
//! bandwidth, extracts "top X%" hotspot polygons, and writes the raster as
//! a GeoTIFF analysts can open in QGIS or ArcGIS.
//!
//! * [`grid`]: raster geometry ([`GridSpec`]).
//! * [`kde`](mod@kde): the fast binned estimator [`kde()`] and the exact [`kde_direct`].
//! * [`params`]: default cell size and bandwidth ([`choose_parameters`]).
//! * [`bands`]: hotspot polygons ([`hotspot_bands`]); [`pieces`](mod@pieces): their
//!   separate areas, as groups of touching cells.
//! * [`geotiff`]: GeoTIFF output ([`write_geotiff`]).
//!
//! Everything is pure and synchronous; the only parallelism is rayon inside
//! [`kde()`] and [`kde_direct`].
//!
//! A whole run, from points to polygons and a GeoTIFF:
//!
//! ```
//! use hotspot_density::{choose_parameters, hotspot_bands, kde, write_geotiff};
//! // Incidents in BNG metres (e.g. from hotspot_core::wgs84_to_bng).
//! let points: Vec<[f64; 2]> = (0..500)
//!     .map(|i| [475_000.0 + (i % 25) as f64 * 40.0, 260_000.0 + (i / 25) as f64 * 30.0])
//!     .collect();
//! let extent = (475_000.0, 260_000.0, 476_000.0, 260_600.0);
//! let params = choose_parameters(extent, None, None).unwrap();
//! assert!(params.warnings.is_empty());
//! let spec = params.grid(extent).unwrap(); // extent grown by the bandwidth
//! let surface = kde(&points, None, &spec, params.bandwidth).unwrap();
//! assert!((surface.total_mass() - 500.0).abs() < 1.0);
//! let bands = hotspot_bands(&surface, &[10.0, 5.0, 1.0]).unwrap();
//! assert!(bands[2].area_m2 < bands[0].area_m2);
//! let mut tiff = std::io::Cursor::new(Vec::new());
//! write_geotiff(&surface, &mut tiff).unwrap();
//! ```

pub mod bands;
pub mod error;
pub mod geotiff;
pub mod grid;
pub mod kde;
pub mod params;
pub mod pieces;
pub mod risk;

pub use bands::{hotspot_bands, HotspotBand};
pub use error::DensityError;
pub use geotiff::{write_geotiff, write_raster};
pub use grid::{GridSpec, MAX_CELLS};
pub use kde::{kde, kde_binned, kde_direct, DensityGrid, M2_PER_KM2};
pub use params::{choose_parameters, KdeParameters};
