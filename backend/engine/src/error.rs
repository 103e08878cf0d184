use hotspot_density::DensityError;

/// Why a question could not be answered. Each variant is the caller's
/// mistake or a limit, never an internal failure.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("unknown crime group {0:?}")]
    UnknownGroup(String),
    #[error("unknown area {0:?}")]
    UnknownArea(String),
    #[error("no area boundaries are loaded: import a ward GeoJSON first")]
    NoAreas,
    #[error("{0}")]
    InvalidParameter(String),
    #[error(transparent)]
    Density(#[from] DensityError),
    #[error(transparent)]
    Stats(#[from] hotspot_stats::StatsError),
    #[error(transparent)]
    Spatial(#[from] hotspot_spatial::SpatialError),
    #[error(transparent)]
    SpaceTime(#[from] hotspot_spacetime::SpaceTimeError),
    #[error(transparent)]
    Planning(#[from] hotspot_planning::PlanningError),
    /// The analysis needs dates but some selected incidents have months only.
    #[error("{0}")]
    NeedsDates(String),
}
