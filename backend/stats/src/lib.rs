//! Statistical hotspots for Hotspot: Getis-Ord Gi* with multiple-comparison
//! control, the Mann-Kendall trend test, and emerging hotspot classification.
//!
//! Everything here is pure, synchronous arithmetic on abstract features:
//! the caller maps grid cells, wards or points into a vector of values (one
//! per feature, e.g. incident counts), an `active` mask saying which features
//! are inside the study area, and a [`Neighbours`] structure. Nothing here
//! knows about coordinate systems, dates or the database.
//!
//! * [`gi_star`]: local Getis-Ord Gi* z-scores, two-sided p-values,
//!   p-values adjusted for multiple comparisons ([`Correction`], Benjamini-
//!   Hochberg FDR by default) and a [`HotspotClass`] (hot/cold at 90/95/99%).
//! * [`adjust_p_values`]: Benjamini-Hochberg and Holm adjustments with the
//!   semantics of R's `p.adjust`.
//! * [`mann_kendall()`]: the Mann-Kendall monotonic trend test with the
//!   tie-corrected variance and continuity correction.
//! * [`emerging_hotspots`]: ESRI-style emerging hot spot categories (new,
//!   consecutive, intensifying, persistent, diminishing, sporadic,
//!   oscillating, historical, and their cold equivalents); the exact rules
//!   are in the [`emerging`] module docs.
//!
//! ## Defaults
//!
//! * **Correction:** Benjamini-Hochberg FDR over all active features of one
//!   analysis ([`Correction::default`]); Holm on request; none only when
//!   asked for.
//! * **Classes:** hot/cold at 99/95/90% when the *adjusted* two-sided
//!   p-value is below 0.01/0.05/0.10 ([`HotspotClass::from_z_p`]).
//! * **Neighbourhoods** are the caller's choice; queen contiguity
//!   (`band_cells = 1.5`, the 8 touching cells plus the cell itself) is the
//!   usual one for square grids, the 6 touching hexagons (`1.0`) for hex
//!   grids, shared boundaries ([`Neighbours::from_lists`]) for wards.
//! * **Emerging hot spots:** a period counts as hot/cold at adjusted
//!   p < [`HOT_SPOT_ALPHA`] (0.10), a trend as significant at Mann-Kendall
//!   p < [`TREND_ALPHA`] (0.05); periods monthly up to 60 months of data,
//!   then quarterly, then yearly ([`emerging::months_per_period`]).
//!
//! ## Study area clipping
//!
//! Features whose `active` flag is false (grid cells outside the study area
//! polygon, say) are neither evaluated nor counted as anyone's neighbour,
//! and the global mean and standard deviation are taken over active
//! features only. Gi* standardises each feature by its own neighbourhood
//! size Σ_j w_ij, so cells on the edge of the study area, which have fewer
//! neighbours, are compared fairly without any convex-hull padding.

pub mod emerging;
pub mod gistar;
pub mod mann_kendall;
pub mod neighbours;

pub use emerging::{
    emerging_hotspots, EmergingCell, EmergingClass, PeriodStatus, HOT_SPOT_ALPHA, TREND_ALPHA,
};
pub use gistar::{adjust_p_values, gi_star, Correction, GiStar, HotspotClass};
pub use mann_kendall::{mann_kendall, MannKendall};
pub use neighbours::Neighbours;

/// Misuse of the public entry points: mismatched lengths, bad parameters or
/// values that make the statistics meaningless.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// Two inputs that must describe the same features differ in length.
    #[error("{what} has {got} entries but {expected} were expected")]
    LengthMismatch {
        what: String,
        expected: usize,
        got: usize,
    },
    /// A distance band that is negative, NaN or infinite.
    #[error("distance band must be finite and not negative, got {0}")]
    InvalidBand(f64),
    /// A value (count, coordinate) that is NaN or infinite.
    #[error("{what}[{index}] is not a finite number")]
    NonFinite { what: &'static str, index: usize },
    /// An adjacency list names a feature that does not exist.
    #[error("neighbour list {list} names feature {neighbour}, but there are only {len} features")]
    NeighbourOutOfRange {
        list: usize,
        neighbour: u32,
        len: usize,
    },
    /// A p-value outside `[0, 1]` (or NaN).
    #[error("p-value at index {index} is {value}, outside [0, 1]")]
    InvalidPValue { index: usize, value: f64 },
    /// Emerging hotspots need at least one period.
    #[error("no periods given")]
    NoPeriods,
    /// More features than the `u32` neighbour indices can address.
    #[error("{0} features is more than this crate supports (u32::MAX)")]
    TooManyFeatures(usize),
    /// A band so wide that the neighbour lists would not fit in memory.
    #[error(
        "a band of {band} gives up to {pairs} neighbour pairs, more than the limit of {limit}; \
         use a smaller band or larger cells"
    )]
    NeighbourhoodTooLarge {
        band: f64,
        pairs: u128,
        limit: usize,
    },
}

/// Two-sided p-value of a standard normal z-score: `P(|Z| ≥ |z|) =
/// erfc(|z|/√2)`. Computed with `erfc` rather than `2(1 − Φ(|z|))` so tiny
/// p-values (|z| > 8) do not cancel to 0.
pub(crate) fn two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return 1.0;
    }
    libm::erfc(z.abs() * std::f64::consts::FRAC_1_SQRT_2).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_sided_p_matches_tables() {
        let p = two_sided_p(1.959_963_984_540_054);
        assert!((p - 0.05).abs() < 1e-12, "{p}");
        assert!((two_sided_p(-2.575_829_303_548_901) - 0.01).abs() < 1e-12);
        assert!((two_sided_p(1.644_853_626_951_472_2) - 0.10).abs() < 1e-12);
        assert_eq!(two_sided_p(0.0), 1.0);
        assert!(two_sided_p(12.0) > 0.0);
    }
}
