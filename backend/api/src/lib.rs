//! Hotspot's HTTP API as types, defined once.
//!
//! * [`params`]: every query string an endpoint accepts, as structs that
//!   derive utoipa's `IntoParams` (so the OpenAPI document is generated from
//!   them) and serde's `Deserialize` (so the server parses with them).
//! * [`fields`]: the value types those structs use. Each parses one kind of
//!   value (a positive number, a bounding box, a period, a named option)
//!   with the message a user sees when it is wrong.
//! * [`query`]: [`FromQuery`], how a query string becomes one of those
//!   structs (or a tuple of them): unknown parameters refused, spaces
//!   trimmed, empty values treated as absent.
//! * [`requests`]: request bodies (a plan, an intervention, a login).
//! * [`responses`]: response bodies, for the server to build, the document
//!   to describe and the map client to read.
//!
//! The crate builds for `wasm32-unknown-unknown`: it knows nothing of HTTP
//! servers or SQL.

pub mod fields;
pub mod params;
pub mod query;
pub mod requests;
pub mod responses;

pub use query::{FromQuery, QueryError};

/// The GeoJSON types the responses' geometries use.
pub use geojson;
/// The shared vocabulary the types above use (months, periods, options,
/// roles), for clients that depend on this crate alone.
pub use hotspot_core::{options, period, Month, MonthRange, Role};
