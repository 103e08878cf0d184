//! What is loaded, who is asking, and the errors every operation can give.

use hotspot_core::harm::HarmIndex;
use hotspot_core::public::{Count, Open};
use hotspot_core::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::disclosed;

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Health<D = Overview> {
    /// `ok`.
    pub status: String,
    pub data: D,
}

disclosed! {
    /// What is loaded.
    pub struct Overview / OverviewOut {
        pub incidents: Count => Option<u64>,
        pub located: Count => Option<u64>,
        pub unlocated: Count => Option<u64>,
        /// Located outside every loaded area.
        pub outside_areas: Count => Option<u64>,
        /// Areas (wards) loaded.
        pub areas: Open<u64> => u64,
        /// `YYYY-MM`; null when nothing is loaded.
        pub first_month: Option<String> => Option<String>,
        pub last_month: Option<String> => Option<String>,
        /// Some incidents carry a date / a time of day.
        pub has_dates: Open<bool> => bool,
        pub has_times: Open<bool> => bool,
    }
    flags {
        suppressed,
    }
}

/// A crime group: crime types (and whole sources) analysed together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Group {
    /// Used in `group=`, e.g. `serious-acquisitive`.
    pub id: String,
    pub name: String,
    pub types: Vec<String>,
    pub sources: Vec<String>,
}

disclosed! {
    /// A crime type or partner category loaded, with its count.
    pub struct Category / CategoryOut {
        pub category: String => String,
        /// `police.uk` or a partner's name.
        pub source: String => String,
        pub count: Count => Option<u64>,
        /// The groups it belongs to.
        pub groups: Vec<String> => Vec<String>,
    }
    flags {
        suppressed,
    }
}

/// `GET /api/categories`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Categories<C = Category, H = HarmIndex> {
    pub groups: Vec<Group>,
    pub categories: Vec<C>,
    /// The harm index `weight=harm` uses, when the deployment loaded one
    /// (the server writes it as open data: weights are not counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harm_index: Option<H>,
}

disclosed! {
    /// A month loaded, with its count.
    pub struct MonthCount / MonthCountOut {
        /// `YYYY-MM`.
        pub month: String => String,
        pub count: Count => Option<u64>,
    }
    flags {
        suppressed,
    }
}

disclosed! {
    /// `GET /api/periods`.
    pub struct Periods / PeriodsOut {
        /// Months with data; a month missing between `first` and `last` is a gap.
        pub months: Vec<MonthCountOut> => Vec<MonthCount>,
        pub first: Option<String> => Option<String>,
        pub last: Option<String> => Option<String>,
        pub has_dates: Open<bool> => bool,
        pub has_times: Open<bool> => bool,
    }
}

/// `GET /api/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Me {
    /// Null for anonymous callers.
    pub username: Option<String>,
    pub role: Role,
    /// Counts below this are withheld from the public role.
    pub suppress_below: u64,
}

/// `POST /api/login`: the session started (the token is in the cookie only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub username: String,
    pub role: Role,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

/// `POST /api/users/{name}/tokens`: the token, shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TokenCreated {
    #[schema(example = "hs_12_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub token: String,
    pub username: String,
    pub role: Role,
}

/// Every error: `{"error":{"status":400,"message":"..."}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status again.
    #[schema(example = 400)]
    pub status: u16,
    /// What was wrong, naming the parameter at fault. Server errors say only
    /// "internal error; see the service log".
    #[schema(example = "parameter period: \"2025-13\" is not a month (YYYY-MM)")]
    pub message: String,
}
