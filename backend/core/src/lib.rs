//! Domain types for Hotspot: what an incident, a month, a crime group and an
//! area are, and how a point moves between WGS84 and British National Grid.
//!
//! Nothing here knows about HTTP, SQL or files: the ingest, storage, analysis
//! and service crates all speak these types.

pub mod area;
pub mod disclosure;
pub mod groups;
pub mod incident;
pub mod month;
pub mod projection;
pub mod public;
pub mod role;

pub use area::Area;
pub use groups::{CrimeGroup, CrimeGroups, GroupsError};
pub use incident::{DatePrecision, Incident, Location};
pub use month::{Month, MonthError, MonthRange};
pub use projection::{bng_to_wgs84, wgs84_to_bng, ProjectionError};
pub use role::{Role, RoleError};
