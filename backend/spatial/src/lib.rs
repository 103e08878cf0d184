//! Spatial indexes and area statistics for Hotspot.
//!
//! Everything here is pure, synchronous and works in British National Grid
//! metres (EPSG:27700, `f64`): project with [`hotspot_core::wgs84_to_bng`]
//! before building an index.
//!
//! * [`AreaLocator`] assigns incidents to wards by point-in-polygon, fast
//!   enough for millions of points (an acceleration grid answers most points
//!   with one array lookup; only points near a boundary run exact tests).
//! * [`PointIndex`] is an R-tree of points for rectangle and radius queries;
//!   [`WindowCounter`] counts points in rectangles with a summed-area table.
//! * [`area_statistics`] turns per-ward counts into shares, rates, ranks,
//!   priority flags and an exact test for change between two periods
//!   ([`poisson_change_test`]).
//! * [`change::change_map`] tests every grid cell for a change between two
//!   periods; [`cluster::dbscan`] finds DBSCAN point clusters.

pub mod area_stats;
pub mod change;
pub mod cluster;
mod error;
pub mod locator;
pub mod points;

pub use area_stats::{
    area_statistics, poisson_change_test, AreaCounts, AreaStatistics, ChangeDirection, RankBy,
    StatsOptions,
};
pub use error::SpatialError;
pub use locator::AreaLocator;
pub use points::{PointIndex, WindowCounter};
