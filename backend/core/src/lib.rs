//! Domain types for Hotspot: what an incident, a month, a crime group and an
//! area are, and how a point moves between WGS84 and British National Grid.
//!
//! Without its default `geometry` feature (areas, crime groups, the BNG
//! transform) it is light enough for the WebAssembly map client, which
//! shares the months, periods, options and disclosure types through
//! `hotspot-api`.
//!
//! Nothing here knows about HTTP, SQL or files: the ingest, storage, analysis
//! and service crates all speak these types.

pub mod accuracy;
#[cfg(feature = "geometry")]
pub mod area;
pub mod disclosure;
pub mod evaluation;
#[cfg(feature = "geometry")]
pub mod groups;
pub mod harm;
pub mod incident;
pub mod knox;
pub mod month;
pub mod options;
pub mod period;
pub mod police_uk;
#[cfg(feature = "geometry")]
pub mod projection;
pub mod public;
pub mod role;
pub mod temporal;

#[cfg(feature = "geometry")]
pub use area::Area;
#[cfg(feature = "geometry")]
pub use groups::{CrimeGroup, CrimeGroups, GroupsError};
pub use incident::{DatePrecision, Incident, IncidentRef, Location};
pub use month::{Month, MonthError, MonthRange};
pub use options::Choices;
pub use period::Period;
#[cfg(feature = "geometry")]
pub use projection::{bng_to_wgs84, wgs84_to_bng, ProjectionError};
pub use role::{Role, RoleError};
