//! The analysis engine: an immutable, indexed [`Dataset`] snapshot of every
//! incident and area, and the questions the service and CLI ask of it.
//!
//! A snapshot is built once after each import and then only read, so the
//! service can swap a new one in atomically: readers see the old data or the
//! new, never half of an import. Everything here is synchronous and free of
//! HTTP and SQL.

mod analyses;
pub mod briefing;
mod columns;
mod coverage;
mod cube;
mod dataset;
mod density;
mod error;
pub mod interventions;
mod patterns;
pub mod places;
pub mod planning;
mod relative_risk;
mod robustness;
mod search;
mod selection;
mod sites;
mod snapshot;
mod study_area;
#[cfg(test)]
mod test_support;
pub mod tiles;
mod wards;

pub use analyses::{
    CellChange, ChangeClass, ChangePeriod, ChangeQuery, ChangeResult, ClusterQuery, ClusterResult,
    PointCluster, CHANGE_ALPHA, MAX_EPS,
};
pub use briefing::{
    BriefingHotspot, BriefingIntervention, BriefingMap, BriefingQuery, GroupRow, InterventionInput,
    InterventionStatus, TrendMonth, WardBriefing,
};
pub use coverage::Coverage;
pub use dataset::{CategoryCount, Dataset, DatasetBuilder, MonthCount, Overview};
pub use density::{DensityQuery, DensityResult, HotspotArea, HotspotPlace};
pub use error::EngineError;
pub use hotspot_spatial::{AreaStatistics, RankBy};
pub use interventions::{
    Control, EvaluationOptions, InterventionEvaluation, InterventionSpec, PeriodCounts,
};
pub use patterns::{
    EmergingQuery, EmergingResult, EvaluationQuery, EvaluationReport, GiQuery, GiResult, GiUnit,
    KnoxQuery, TemporalReport,
};
pub use planning::{HardeningQuery, HardeningResult, PlanQuery, PlanResult, Venue};
pub use relative_risk::{Denominator, RiskQuery, RiskResult};
pub use search::{HitKind, SearchHit};
pub use selection::{Period, Selection, Weighting};
pub use snapshot::{PendingSnapshot, SnapshotError};
pub use study_area::{bulk_extent, StudyGrid};
pub use wards::{WardProfile, WardQuery, WardReport, WardRow};
