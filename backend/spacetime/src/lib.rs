//! Space-time patterns and hotspot map accuracy for Hotspot.
//!
//! * [`knox`]: the Knox (1964) test for space-time interaction, as used for
//!   near-repeat victimisation (Johnson & Bowers 2004; Townsley, Homel &
//!   Chaseling 2003): are pairs of incidents that are close in space also close
//!   in time more often than chance? Monte Carlo significance with a seeded,
//!   thread-count-independent permutation scheme.
//! * [`temporal`]: hour-of-day × day-of-week profiles (with wrap-past-midnight
//!   windows for the night-time economy) and a monthly trend with a seasonal
//!   comparison and a Poisson spike flag.
//! * [`accuracy`]: how well a hotspot map trained on one period predicts the
//!   next: hit rate, Predictive Accuracy Index (Chainey, Tompson & Uhlig 2008),
//!   Recapture Rate Index (Levine 2008), the PAI curve, and a recommendation
//!   between methods.
//!
//! Everything here is pure, synchronous computation on plain inputs: points
//! are `[f64; 2]` in metres (British National Grid or UTM), dates are day
//! numbers or `chrono` types. Mapping incidents to these inputs, and refusing
//! month-only police.uk data before a near-repeat analysis, is the caller's
//! job ([`SpaceTimeError::NeedsDayPrecision`] carries the message).
//!
//! # References
//!
//! * Knox, E. G. (1964). The detection of space-time interactions. *Journal
//!   of the Royal Statistical Society, Series C*, 13(1), 25–30.
//! * Mantel, N. (1967). The detection of disease clustering and a generalized
//!   regression approach. *Cancer Research*, 27, 209–220.
//! * Townsley, M., Homel, R. & Chaseling, J. (2003). Infectious burglaries:
//!   a test of the near repeat hypothesis. *British Journal of Criminology*,
//!   43(3), 615–633.
//! * Johnson, S. D. & Bowers, K. J. (2004). The burglary as clue to the
//!   future: the beginnings of prospective hot-spotting. *European Journal
//!   of Criminology*, 1(2), 237–255.
//! * Ratcliffe, J. H. (2009). *Near Repeat Calculator* (version 1.3). Temple
//!   University and the National Institute of Justice.
//! * Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their
//!   Application*, §4.2 (Monte Carlo p-values).
//! * Chainey, S., Tompson, L. & Uhlig, S. (2008). The utility of hotspot
//!   mapping for predicting spatial patterns of crime. *Security Journal*,
//!   21, 4–28.
//! * Levine, N. (2008). The "hottest" part of a hotspot: comments on "The
//!   utility of hotspot mapping for predicting spatial patterns of crime".
//!   *Security Journal*, 21, 295–302.

pub mod accuracy;
pub mod knox;
pub mod temporal;

pub use accuracy::{
    evaluate, recommend, Accuracy, AccuracyPoint, MethodLayer, MethodScore, Recommendation,
    DEFAULT_COVERAGES, DEFAULT_RECOMMEND_COVERAGE,
};
pub use knox::{knox_test, KnoxBands, KnoxCell, KnoxOptions, KnoxResult, Metric};
pub use temporal::{monthly_trend, week_hour_profile, ExpectedBasis, MonthPoint, WeekHourProfile};

/// Why a space-time computation refused its input. Messages are written for
/// the analyst who will read them in the API or CLI.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpaceTimeError {
    /// Fewer events (or cells) than the statistic needs.
    #[error("too few {what}: {found} (at least {needed} needed)")]
    TooFew {
        what: &'static str,
        needed: usize,
        found: usize,
    },
    /// Two parallel inputs differ in length.
    #[error("{what}: expected {expected} values, found {found}")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    /// Distance or time bands that are empty, not strictly increasing,
    /// negative, non-finite or too many.
    #[error("invalid {which} bands: {reason}")]
    InvalidBands { which: &'static str, reason: String },
    /// Any other invalid value (non-finite coordinate, negative count, …).
    #[error("{0}")]
    InvalidInput(String),
    /// The selection has incidents dated only to the month (police.uk
    /// street-level data), so day-level statistics such as the Knox test
    /// cannot be computed. The caller counts them and returns this error.
    #[error(
        "near-repeat analysis needs the date of each incident to the day, but {month_only} of \
         {total} selected incidents are dated only to the month (police.uk street-level data \
         publishes months only). Use a force extract or partner data with offence dates, or \
         restrict the selection to incidents with day-precision dates."
    )]
    NeedsDayPrecision { month_only: usize, total: usize },
}
