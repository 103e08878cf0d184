//! Response bodies: what the server writes, the OpenAPI document describes
//! and the map client reads. One module per resource.
//!
//! Map layers are RFC 7946 GeoJSON: a [`FeatureCollection`] of features
//! whose `properties` are a typed struct, with the collection's own fields
//! (parameters, totals, warnings) flattened beside `features`.

mod analyses;
mod disclosed;
mod interventions;
mod layers;
mod planning;
mod search;
mod service;
mod wards;

pub use analyses::*;
pub use interventions::*;
pub use layers::*;
pub use planning::*;
pub use search::*;
pub use service::*;
pub use wards::*;

// The analyses' reports are plain data defined once in hotspot-core, beside
// the statistics that compute them.
pub use hotspot_core::accuracy::{
    Accuracy, AccuracyPoint, EvaluationReport, MethodLayer, MethodScore, Recommendation,
};
pub use hotspot_core::harm::HarmIndex;
pub use hotspot_core::knox::{KnoxCell, KnoxResult};
pub use hotspot_core::temporal::{ExpectedBasis, MonthPoint, TemporalReport, WeekHourProfile};

use geojson::Geometry;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `"FeatureCollection"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum FeatureCollectionType {
    #[default]
    FeatureCollection,
}

/// `"Feature"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum FeatureType {
    #[default]
    Feature,
}

/// An RFC 7946 GeoJSON FeatureCollection (WGS84 longitude, latitude) whose
/// features carry properties `P`, with the collection's fields `M` beside
/// `features`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FeatureCollection<P, M> {
    pub r#type: FeatureCollectionType,
    pub features: Vec<Feature<P>>,
    #[serde(flatten)]
    pub meta: M,
}

impl<P, M> FeatureCollection<P, M> {
    pub fn new(features: Vec<Feature<P>>, meta: M) -> Self {
        FeatureCollection {
            r#type: FeatureCollectionType::FeatureCollection,
            features,
            meta,
        }
    }
}

/// A GeoJSON Feature.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Feature<P> {
    pub r#type: FeatureType,
    /// A ward's code or an incident's id, where the feature has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<FeatureId>,
    /// A GeoJSON geometry (null for an incident with no location).
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<Geometry>,
    pub properties: P,
}

impl<P> Feature<P> {
    pub fn new(geometry: Option<Geometry>, properties: P) -> Self {
        Feature {
            r#type: FeatureType::Feature,
            id: None,
            geometry,
            properties,
        }
    }

    pub fn with_id(mut self, id: FeatureId) -> Self {
        self.id = Some(id);
        self
    }
}

/// A feature's id: a ward's code or an incident's number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum FeatureId {
    Code(String),
    Number(i64),
}

/// A collection with no fields besides its features.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NoMeta {}
