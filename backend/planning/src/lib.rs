//! Planning and evaluating action for Hotspot: where to send a days-of-action
//! team, which homes to visit for target hardening, and whether an
//! intervention worked.
//!
//! * [`coverage`]: the **days-of-action planner**. Choosing `N` sites so that
//!   as much weighted crime as possible lies within a walking radius of one
//!   of them is the *maximum coverage problem* (NP-hard). The greedy
//!   algorithm (here the lazy "CELF" variant, with a uniform grid to find the
//!   incidents within reach of each candidate) is guaranteed to cover at
//!   least `1 − 1/e ≈ 63%` of the best possible (Nemhauser, Wolsey & Fisher
//!   1978); [`plan_at_least`] adds a 1-swap local search so the plan is also
//!   never worse than the naive choice it is compared with (the top wards'
//!   centroids).
//! * [`near_repeat`]: the **target-hardening list**. After a burglary, homes
//!   nearby run a raised risk for a few weeks (near-repeat victimisation:
//!   Townsley, Homel & Chaseling 2003; Johnson & Bowers 2004). Locations are
//!   ranked by a documented space-time decay of recent burglaries, with the
//!   hotspot surface as a prior and as the fallback for month-only data.
//! * [`evaluation`]: **intervention evaluation**. Before/after change in the
//!   target area against a control, a displacement buffer, and the Weighted
//!   Displacement Quotient (Bowers & Johnson 2003), always with the
//!   regression-to-the-mean caveat; and [`choose_comparison`] to pick a
//!   control area with a similar count and trend that is not next door.
//!
//! Everything here is pure, synchronous computation on plain inputs: points
//! are `[f64; 2]` in British National Grid metres; the caller maps
//! incidents, wards and venues into them.
//!
//! # References
//!
//! * Nemhauser, G. L., Wolsey, L. A. & Fisher, M. L. (1978). An analysis of
//!   approximations for maximizing submodular set functions — I.
//!   *Mathematical Programming*, 14, 265–294.
//! * Leskovec, J., Krause, A., Guestrin, C., Faloutsos, C., VanBriesen, J. &
//!   Glance, N. (2007). Cost-effective outbreak detection in networks.
//!   *KDD '07*, 420–429 (lazy greedy, "CELF").
//! * Church, R. & ReVelle, C. (1974). The maximal covering location problem.
//!   *Papers of the Regional Science Association*, 32, 101–118.
//! * Townsley, M., Homel, R. & Chaseling, J. (2003). Infectious burglaries:
//!   a test of the near repeat hypothesis. *British Journal of Criminology*,
//!   43(3), 615–633.
//! * Johnson, S. D. & Bowers, K. J. (2004). The burglary as clue to the
//!   future: the beginnings of prospective hot-spotting. *European Journal
//!   of Criminology*, 1(2), 237–255.
//! * Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical
//!   displacement and diffusion of benefit effects of crime prevention
//!   activity. *Journal of Quantitative Criminology*, 19(3), 275–301.
//! * Guerette, R. T. & Bowers, K. J. (2009). Assessing the extent of crime
//!   displacement and diffusion of benefits: a review of situational crime
//!   prevention evaluations. *Criminology*, 47(4), 1331–1368.
//! * Barnett, A. G., van der Pols, J. C. & Dobson, A. J. (2005). Regression
//!   to the mean: what it is and how to deal with it. *International Journal
//!   of Epidemiology*, 34(1), 215–220.

pub mod coverage;
pub mod evaluation;
mod grid;
pub mod near_repeat;

pub use coverage::{
    coverage_of, plan, plan_at_least, BaselineComparison, Candidate, Plan, PlanOptions,
    PlannedSite, TimeWindow, WeightedPoint, GUARANTEE, MAX_GENERATED_CANDIDATES, MAX_SWAP_ROUNDS,
    WINDOW_HOURS,
};
pub use evaluation::{
    choose_comparison, wdq, AreaCounts, ComparisonCandidate, WdqInput, WdqResult,
    COMPARISON_COUNT_FACTOR, REGRESSION_TO_THE_MEAN, SMALL_COUNT,
};
pub use near_repeat::{
    target_hardening, Burglary, HardeningItem, HardeningOptions, Location, HOTSPOT_TOP_SHARE,
    HOTSPOT_WEIGHT,
};

/// Why a planning computation refused its input. Messages are written for the
/// analyst who will read them in the API or CLI.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanningError {
    /// Two parallel inputs differ in length.
    #[error("{what}: expected {expected} values, found {found}")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    /// Any other invalid value (non-finite coordinate, negative weight, zero
    /// radius, empty control count, …).
    #[error("{0}")]
    InvalidInput(String),
}

pub(crate) fn invalid(msg: impl Into<String>) -> PlanningError {
    PlanningError::InvalidInput(msg.into())
}

pub(crate) fn finite_xy(xy: [f64; 2]) -> bool {
    xy[0].is_finite() && xy[1].is_finite()
}
