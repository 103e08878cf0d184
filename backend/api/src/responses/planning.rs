//! Target hardening: places to visit.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A place to visit, with why and until when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Place {
    /// Named by the incidents' location labels where they have them.
    pub label: String,
    pub lon: f64,
    pub lat: f64,
    /// Near-repeat risk plus a weight times the hotspot percentile.
    pub score: f64,
    /// Near-repeat risk alone (0 for a hotspot-only reason).
    pub risk: f64,
    /// Why the place is on the list, in words.
    pub reason: String,
    /// `YYYY-MM-DD`: after this the near-repeat risk has passed.
    #[schema(format = Date)]
    pub expires: String,
    /// Recent burglaries within the near-repeat distance.
    pub triggering: u32,
}

/// `GET /api/target-hardening?format=json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TargetHardening {
    /// The day the list is for, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub as_of: String,
    /// Whether dated burglaries gave near-repeat reasons (else hotspot-only reasons).
    pub near_repeat: bool,
    /// Places found before `limit` was applied.
    pub total: usize,
    pub items: Vec<Place>,
}
