//! Ward statistics (`/api/wards`, `/api/wards/{code}`): public, so their
//! figures are [`disclosed!`](crate::disclosed).

use std::collections::BTreeMap;

use hotspot_core::harm::HarmIndex;
use hotspot_core::options::ChangeDirection;
use hotspot_core::public::{Count, Derived, Open};

use super::FeatureCollection;
use crate::disclosed;

disclosed! {
    /// One ward's statistics for the period: the properties of its feature.
    pub struct WardProperties / WardPropertiesOut {
        pub code: String => String,
        pub name: String => String,
        /// Residents, when a population is loaded.
        pub population: Open<Option<f64>> => Option<f64>,
        /// Selected incidents in the ward in the period.
        pub count: Count => Option<u64>,
        /// Per 1,000 residents, over the period.
        pub rate_per_1000: Derived<Option<f64>> => Option<f64>,
        /// Per 1,000 residents per year, over the days of months with data.
        pub annual_rate_per_1000: Derived<Option<f64>> => Option<f64>,
        /// Share of the incidents placed in a ward.
        pub share: Derived<f64> => Option<f64>,
        /// The count in the comparison period.
        pub comparison_count: Option<Count> => Option<u64>,
        /// Change from the comparison count scaled to this period's length.
        pub change: Derived<Option<i64>> => Option<i64>,
        pub change_pct: Derived<Option<f64>> => Option<f64>,
        /// Two-sided Poisson test of the change.
        pub p_value: Derived<Option<f64>> => Option<f64>,
        pub change_significant: Derived<Option<bool>> => Option<bool>,
        pub direction: Derived<Option<ChangeDirection>> => Option<ChangeDirection>,
        /// 1 = most; by count or by rate as asked (`rank_by`). Rank and
        /// priority stay visible: they order wards, and the public map's
        /// choropleth is built on them.
        pub rank: Open<usize> => usize,
        /// Among the `top` ranked wards.
        pub priority: Open<bool> => bool,
        /// With `weight=harm`: the sum of the incidents' harm weights, and
        /// that per 1,000 residents over the period.
        pub harm: Derived<Option<f64>> => Option<f64>,
        pub harm_per_1000: Derived<Option<f64>> => Option<f64>,
    }
    flags {
        /// The count is withheld (public role, small count).
        suppressed,
        /// The comparison count is withheld.
        comparison_suppressed,
    }
}

disclosed! {
    /// What the ward collection adds beside its features: every selected
    /// incident is in a ward, outside them all, or unlocated.
    pub struct WardsMeta / WardsMetaOut {
        pub total: Count => Option<u64>,
        /// Located outside every ward (police.uk lists crimes recorded elsewhere).
        pub outside_areas: Count => Option<u64>,
        pub unlocated: Count => Option<u64>,
        /// Days of the period with data: annual rates divide by these.
        pub current_days: Open<f64> => f64,
        pub comparison_days: Open<Option<f64>> => Option<f64>,
        /// Months of the period with no data for any source (gaps, not zeros).
        pub current_gap_months: Vec<String> => Vec<String>,
        /// Null without a comparison.
        pub comparison_gap_months: Option<Vec<String>> => Option<Vec<String>>,
        /// The comparison period has no data at all: no change is tested.
        pub no_comparison_data: Open<bool> => bool,
        pub warnings: Vec<String> => Vec<String>,
        /// With `weight=harm`: the index the harm figures use.
        pub harm_index: Open<Option<HarmIndex>> => Option<HarmIndex>,
    }
}

/// `GET /api/wards` as a reader receives it.
pub type Wards = FeatureCollection<WardProperties, WardsMeta>;
/// `GET /api/wards` as the server writes it.
pub type WardsOut = FeatureCollection<WardPropertiesOut, WardsMetaOut>;

disclosed! {
    /// A street in a ward, with the selection's incidents on it.
    pub struct StreetCount / StreetCountOut {
        /// police.uk's "On or near …" without the "On or near".
        pub street: String => String,
        pub incidents: Count => Option<u64>,
    }
    flags {
        suppressed,
    }
}

disclosed! {
    /// `GET /api/wards/{code}`: one ward's statistics, by crime type and by month.
    pub struct WardProfile / WardProfileOut {
        pub ward: WardPropertiesOut => WardProperties,
        /// How many wards were ranked.
        pub wards: Open<usize> => usize,
        pub by_category: BTreeMap<String, Count> => BTreeMap<String, Option<u64>>,
        /// Every month with data in the period, zeros included.
        pub by_month: BTreeMap<String, Count> => BTreeMap<String, Option<u64>>,
        /// Months of the period with no data loaded for any source.
        pub gap_months: Vec<String> => Vec<String>,
        /// Where in the ward: its commonest streets, most first, at most 5,
        /// for partners and above (empty for the public, as the search's
        /// places are).
        pub top_streets: Vec<StreetCountOut> => Vec<StreetCount>,
    }
}
