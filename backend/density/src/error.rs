//! The one error type of this crate.

/// Why a density surface, its parameters, its hotspot bands or its GeoTIFF
/// could not be produced.
///
/// Messages are written for an analyst reading them in the UI or a log, so
/// they say which value was wrong and what would be accepted.
#[derive(Debug, thiserror::Error)]
pub enum DensityError {
    /// The cell size is zero, negative, or not a number.
    #[error("cell size must be a positive number of metres, got {0}")]
    InvalidCell(f64),
    /// The bandwidth (kernel radius) is zero, negative, or not a number.
    #[error("bandwidth must be a positive number of metres, got {0}")]
    InvalidBandwidth(f64),
    /// The extent is not finite or has its minimum above its maximum.
    #[error("extent ({min_x}, {min_y}) – ({max_x}, {max_y}) is not a valid box in metres")]
    InvalidExtent {
        min_x: f64,
        min_y: f64,
        max_x: f64,
        max_y: f64,
    },
    /// The grid has no columns or no rows.
    #[error("grid of {cols} × {rows} cells is empty")]
    EmptyGrid { cols: usize, rows: usize },
    /// The grid would hold more cells than this crate is willing to allocate.
    #[error("grid of {cols} × {rows} = {cells} cells is larger than the limit of {limit} cells; use a larger cell size or a smaller area")]
    GridTooLarge {
        cols: usize,
        rows: usize,
        cells: usize,
        limit: usize,
    },
    /// The kernel radius is too many cells wide for the binned estimator.
    #[error("bandwidth {bandwidth} m is {radius} cells of {cell} m; at most {limit} cells are supported — use a larger cell size")]
    KernelTooWide {
        bandwidth: f64,
        cell: f64,
        radius: usize,
        limit: usize,
    },
    /// A weights slice was passed whose length differs from the points'.
    #[error("{weights} weights were given for {points} points; pass one weight per point")]
    WeightsLength { points: usize, weights: usize },
    /// A weight is negative or not finite.
    #[error("weight {value} at index {index} is invalid; weights must be finite and non-negative")]
    InvalidWeight { index: usize, value: f64 },
    /// A requested hotspot percentage is outside (0, 100].
    #[error("hotspot top percentage must be in (0, 100], got {0}")]
    InvalidPercent(f64),
    /// The values vector of a grid does not match its spec.
    #[error("grid has {values} values but its spec needs {cells}")]
    ValuesLength { values: usize, cells: usize },
    /// Contouring failed (only on inconsistent input; reported for completeness).
    #[error("contouring failed: {0}")]
    Contour(String),
    /// The GeoTIFF encoder failed (I/O or TIFF limits).
    #[error("writing GeoTIFF failed: {0}")]
    Tiff(#[from] tiff::TiffError),
}
