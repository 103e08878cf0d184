//! Who may see what. Incident data is sensitive (domestic abuse, sexual
//! offences), so every output is tied to a role.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Roles in increasing order of access: each role may do everything the
/// ones before it may.
///
/// ```
/// use hotspot_core::Role;
/// assert!(Role::Analyst > Role::Partner);
/// assert_eq!("partner".parse::<Role>().unwrap(), Role::Partner);
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Anyone: ward aggregates with small counts suppressed; no points, no
    /// hotspot surfaces. The least role, so the default.
    #[default]
    Public,
    /// Partner agencies: full aggregates and hotspots, no points.
    Partner,
    /// Analysts: incident points and every analysis.
    Analyst,
    /// Administrators: imports, quarantine, users, audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Public, Role::Partner, Role::Analyst, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Public => "public",
            Role::Partner => "partner",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown role {0:?}: expected public, partner, analyst or admin")]
pub struct RoleError(pub String);

impl FromStr for Role {
    type Err = RoleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| RoleError(s.to_string()))
    }
}
