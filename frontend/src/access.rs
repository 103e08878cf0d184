//! Who the client acts for (`GET /api/me`) and what that role may use.
//!
//! The server checks every request; the client only mirrors its role table
//! (`backend/server/src/routes.rs::app`) so that it never asks for what the
//! role cannot have and can say why a layer is unavailable:
//!
//! | role      | adds                                                        |
//! |-----------|-------------------------------------------------------------|
//! | `public`  | ward statistics with counts of 1–2 suppressed               |
//! | `partner` | hotspot areas, the density surface, the planner, the intervention log (read-only; full ward figures) |
//! | `analyst` | incident points, target hardening, recording and deleting interventions |
//! | `admin`   | imports, users, audit (not used by the map)                 |

use hotspot_api::requests::Credentials;
use hotspot_api::responses::{ErrorBody, Me};

/// The server's roles, least to most privileged.
/// The access roles, least first (the API's own type).
pub use hotspot_api::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// `/api/hotspots`
    Hotspots,
    /// `/api/density`
    Density,
    /// `/api/incidents`
    Incidents,
    /// `/api/gistar`
    Gistar,
    /// `/api/emerging`
    Emerging,
    /// `/api/change`
    Change,
    /// `/api/clusters`
    Clusters,
    /// `/api/relative-risk`
    Risk,
}

impl Feature {
    pub const ALL: [Feature; 8] = [
        Feature::Hotspots,
        Feature::Density,
        Feature::Incidents,
        Feature::Gistar,
        Feature::Emerging,
        Feature::Change,
        Feature::Clusters,
        Feature::Risk,
    ];

    /// The least role the feature's endpoint accepts.
    pub fn needs(self) -> Role {
        match self {
            Feature::Hotspots
            | Feature::Density
            | Feature::Gistar
            | Feature::Emerging
            | Feature::Change
            | Feature::Clusters
            | Feature::Risk => Role::Partner,
            Feature::Incidents => Role::Analyst,
        }
    }

    /// The layer's key (`layers=` in the page URL, the export list).
    pub fn key(self) -> &'static str {
        match self {
            Feature::Hotspots => "hotspots",
            Feature::Density => "density",
            Feature::Incidents => "incidents",
            Feature::Gistar => "gistar",
            Feature::Emerging => "emerging",
            Feature::Change => "change",
            Feature::Clusters => "clusters",
            Feature::Risk => "risk",
        }
    }

    /// Why the layer is unavailable, for a note beside its control.
    pub fn locked_note(self) -> String {
        let (what, them) = match self {
            Feature::Hotspots => ("Hotspot areas need", "them"),
            Feature::Density => ("The density surface needs", "it"),
            Feature::Incidents => ("Incident points need", "them"),
            Feature::Gistar => ("Gi* hot and cold spots need", "them"),
            Feature::Emerging => ("Emerging hot spots need", "them"),
            Feature::Change => ("The change map needs", "it"),
            Feature::Clusters => ("Point clusters need", "them"),
            Feature::Risk => ("Relative risk needs", "it"),
        };
        format!(
            "{what} the {} role: sign in to see {them}.",
            self.needs().as_str()
        )
    }
}

/// The caller as `/api/me` (or `/api/login`) describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Session {
    /// `None` when not signed in (the server's anonymous role applies).
    pub username: Option<String>,
    pub role: Role,
    /// `suppress_below` of `/api/me`: counts from 1 to this − 1 are withheld
    /// from the public role (`None`: the server did not say; 3 is assumed).
    pub suppress_below: Option<u64>,
}

impl Session {
    /// From the text of `/api/me`. An answer that cannot be read (an
    /// unknown role, say) is read as the public role: the client shows less
    /// rather than request more.
    pub fn parse(text: &str) -> Session {
        match serde_json::from_str::<Me>(text) {
            Ok(me) => Session {
                username: me.username.filter(|s| !s.is_empty()),
                role: me.role,
                suppress_below: Some(me.suppress_below),
            },
            Err(_) => Session::default(),
        }
    }

    /// From the text of a `POST /api/login` answer, which does not repeat the
    /// threshold `/api/me` gave (`suppress_below`).
    pub fn signed_in_as(text: &str, suppress_below: Option<u64>) -> Session {
        match serde_json::from_str::<hotspot_api::responses::Session>(text) {
            Ok(s) => Session {
                username: Some(s.username).filter(|u| !u.is_empty()),
                role: s.role,
                suppress_below,
            },
            Err(_) => Session::default(),
        }
    }

    /// The suppression threshold in force (the server's default when unknown).
    pub fn suppress_below(&self) -> u64 {
        self.suppress_below
            .unwrap_or(crate::format::DEFAULT_SUPPRESS_BELOW)
    }

    pub fn signed_in(&self) -> bool {
        self.username.is_some()
    }

    pub fn can(&self, f: Feature) -> bool {
        self.role >= f.needs()
    }

    /// `POST /api/plan` (planner mode) needs the partner role.
    pub fn can_plan(&self) -> bool {
        self.role >= Role::Partner
    }

    /// `GET /api/target-hardening` (the visit list) needs the analyst role.
    pub fn can_target_harden(&self) -> bool {
        self.role >= Role::Analyst
    }

    /// `GET /api/interventions…` (the log and evaluations): partner and above.
    pub fn can_view_interventions(&self) -> bool {
        self.role >= Role::Partner
    }

    /// `POST`/`DELETE /api/interventions`: analyst and above.
    pub fn can_edit_interventions(&self) -> bool {
        self.role >= Role::Analyst
    }

    /// Small counts are withheld from this role.
    pub fn suppressed(&self) -> bool {
        self.role == Role::Public
    }

    /// The header's "who" text.
    pub fn header_text(&self) -> String {
        match &self.username {
            Some(u) => format!("Signed in as {u} ({})", self.role.as_str()),
            None => format!("Not signed in ({} view)", self.role.as_str()),
        }
    }
}

/// The `POST /api/login` body.
pub fn login_body(username: &str, password: &str) -> String {
    let credentials = Credentials {
        username: username.to_string(),
        password: password.to_string(),
    };
    serde_json::to_string(&credentials).expect("serialises")
}

/// What to tell the person when `/api/login` answers `status` with `body`.
pub fn login_error(status: u16, body: &str) -> String {
    let server = serde_json::from_str::<ErrorBody>(body)
        .ok()
        .map(|e| e.error.message);
    match status {
        401 => "Wrong user name or password.".into(),
        429 => "Too many attempts: wait a moment and try again.".into(),
        400 | 422 => "Enter a user name and a password.".into(),
        0 => "The server could not be reached.".into(),
        _ => match server {
            Some(m) => format!("Sign-in failed: {m}"),
            None => format!("Sign-in failed (HTTP {status})."),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn me(v: Value) -> Session {
        Session::parse(&v.to_string())
    }

    #[test]
    fn roles_order_and_parse() {
        assert!(Role::Public < Role::Partner && Role::Partner < Role::Analyst);
        assert!(Role::Analyst < Role::Admin);
        assert_eq!("analyst".parse(), Ok(Role::Analyst));
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn sessions_gate_features() {
        let public = me(json!({"username": null, "role": "public", "suppress_below": 3}));
        assert!(!public.signed_in() && public.suppressed());
        assert!(Feature::ALL.iter().all(|f| !public.can(*f)));
        assert_eq!(public.header_text(), "Not signed in (public view)");
        let partner = me(json!({"username": "pat", "role": "partner", "suppress_below": 3}));
        assert!(partner.can(Feature::Hotspots) && partner.can(Feature::Density));
        assert!(!partner.can(Feature::Incidents) && !partner.suppressed());
        assert!(partner.can_plan() && !public.can_plan());
        assert!(partner.can_view_interventions() && !public.can_view_interventions());
        assert!(!partner.can_edit_interventions() && !partner.can_target_harden());
        assert_eq!(partner.header_text(), "Signed in as pat (partner)");
        let admin = me(json!({"username": "root", "role": "admin", "suppress_below": 3}));
        assert!(Feature::ALL.iter().all(|f| admin.can(*f)));
        assert!(admin.can_edit_interventions() && admin.can_target_harden());
        // The suppression threshold comes from /api/me, 3 when it is missing.
        assert_eq!(public.suppress_below(), 3);
        assert_eq!(Session::default().suppress_below(), 3);
        let strict = me(json!({"role": "public", "suppress_below": 10}));
        assert_eq!(
            (strict.suppress_below, strict.suppress_below()),
            (Some(10), 10)
        );
        // Unknown or missing roles get the least.
        assert_eq!(
            me(json!({"role": "superuser", "suppress_below": 3})).role,
            Role::Public
        );
        assert_eq!(Session::parse("null"), Session::default());
        let signed_in = Session::signed_in_as(
            r#"{"username": "ana", "role": "analyst", "expires_at": "2026-12-06T12:00:00Z"}"#,
            Some(10),
        );
        assert_eq!(
            (
                signed_in.username.as_deref(),
                signed_in.role,
                signed_in.suppress_below
            ),
            (Some("ana"), Role::Analyst, Some(10))
        );
    }

    #[test]
    fn notes_and_login_messages() {
        assert_eq!(
            Feature::Incidents.locked_note(),
            "Incident points need the analyst role: sign in to see them."
        );
        assert_eq!(
            Feature::Density.locked_note(),
            "The density surface needs the partner role: sign in to see it."
        );
        let body = login_body("a\"b", "p w");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (v["username"].as_str(), v["password"].as_str()),
            (Some("a\"b"), Some("p w"))
        );
        assert_eq!(login_error(401, "{}"), "Wrong user name or password.");
        assert_eq!(
            login_error(500, r#"{"error":{"status":500,"message":"database down"}}"#),
            "Sign-in failed: database down"
        );
        assert_eq!(login_error(503, "x"), "Sign-in failed (HTTP 503).");
    }
}
