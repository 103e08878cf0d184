//! The OpenAPI 3.1 document served at `GET /api/openapi.json`.
//!
//! Each handler carries a `#[utoipa::path]` annotation, and the router is
//! built from those annotations (`utoipa_axum::routes!` registers a handler
//! under the method and path its annotation names), so the document lists
//! exactly the routes the router serves. What the annotations cannot know
//! is added here when the role groups are assembled: the minimum role
//! (`x-min-role`, taken from the group a route is in, which is also what
//! enforces it), the security requirement, and the error responses every
//! operation can give.
//!
//! Query parameters are described by the types the handlers parse them
//! with ([`hotspot_api::params`]).
#![allow(dead_code)]

use hotspot_core::Role;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::auth::SESSION_COOKIE;

/// Name of the bearer-token security scheme.
pub const BEARER: &str = "bearer";
/// Name of the session-cookie security scheme.
pub const SESSION: &str = "session";

/// The parts of the document that are not operations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hotspot",
        description = "Crime and disorder hotspot mapping for UK Community Safety Partnerships: \
ward statistics, kernel density and hotspot areas, Getis-Ord Gi*, emerging hotspots, \
near-repeat and temporal patterns, days-of-action planning and the intervention log.\n\n\
Every operation states its minimum role in `x-min-role` (public < partner < analyst < admin) \
and in its description. Anonymous callers act as `public` unless the operator says otherwise. \
Errors are `{\"error\":{\"status\":…,\"message\":…}}` with the parameter at fault named; \
unknown query parameters are refused (400) rather than ignored.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(ErrorBody, ErrorDetail, FeatureCollection, RoleName)),
    modifiers(&SecuritySchemes),
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("hs_<id>_<secret>")
                    .description(Some(
                        "An API token from `hotspot users token NAME` or \
                         `POST /api/users/{name}/tokens`: `Authorization: Bearer hs_<id>_<secret>`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "The browser session cookie set by `POST /api/login` (12 hours, HttpOnly, SameSite=Strict).",
            ))),
        );
    }
}

/// Adds what the route's role group decides to every operation in `doc`:
/// the minimum role, the security requirement and the responses the
/// middleware and the error mapping can give whatever the handler does.
pub fn for_role(doc: &mut Document, role: Role) {
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            describe_access(op, role);
        }
    }
}

fn describe_access(op: &mut Operation, role: Role) {
    op.extensions.get_or_insert_with(Default::default).merge(
        ExtensionsBuilder::new()
            .add("x-min-role", role.as_str())
            .build(),
    );
    let note = match role {
        Role::Public => "Minimum role: public (no credentials needed).".to_string(),
        r => format!(
            "Minimum role: {} (a bearer token or session cookie of that role or higher).",
            r.as_str()
        ),
    };
    op.description = Some(match op.description.take() {
        Some(d) if !d.is_empty() => format!("{d}\n\n{note}"),
        _ => note,
    });
    let mut security = vec![
        SecurityRequirement::new(BEARER, Vec::<String>::new()),
        SecurityRequirement::new(SESSION, Vec::<String>::new()),
    ];
    if role == Role::Public {
        // An empty requirement: callable without credentials.
        security.insert(0, SecurityRequirement::default());
    }
    op.security = Some(security);

    let takes_input =
        op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || op.request_body.is_some();
    let mut errors = vec![
        (
            "401",
            "Credentials were sent but are invalid or expired (never silently treated as anonymous)",
        ),
        ("429", "Too many requests from this client"),
        ("503", "The database is busy or unreachable; try again shortly"),
    ];
    if takes_input {
        errors.push((
            "400",
            "A parameter or body is malformed, out of range or unknown; the message names it",
        ));
    }
    if op.request_body.is_some() {
        errors.push(("413", "The request body is larger than the upload limit"));
    }
    if role > Role::Public {
        errors.push((
            "403",
            "The caller's role is below this operation's minimum role",
        ));
        // Anonymous callers of a protected route get 401 too; already listed.
    }
    for (status, description) in errors {
        if !op.responses.responses.contains_key(status) {
            op.responses
                .responses
                .insert(status.to_string(), error_response(description).into());
        }
    }
}

/// The document as JSON. utoipa 5.5 serialises Link objects' fields in
/// snake case (`operation_id`); OpenAPI names them `operationId`,
/// `operationRef` and `requestBody`, and tools ignore a link without them,
/// so they are renamed here.
pub fn to_json(doc: &Document) -> String {
    let mut value = serde_json::to_value(doc).expect("the OpenAPI document serialises");
    let links = value["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut())
        .filter_map(|op| op.get_mut("responses")?.as_object_mut())
        .flat_map(|responses| responses.values_mut())
        .filter_map(|response| response.get_mut("links")?.as_object_mut())
        .flat_map(|links| links.values_mut())
        .filter_map(|link| link.as_object_mut());
    for link in links {
        for (from, to) in [
            ("operation_id", "operationId"),
            ("operation_ref", "operationRef"),
            ("request_body", "requestBody"),
        ] {
            if let Some(v) = link.remove(from) {
                link.insert(to.to_string(), v);
            }
        }
    }
    serde_json::to_string(&value).expect("serialises")
}

/// A response with the error body.
pub fn error_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}

// ---------------------------------------------------------------------------
// Response bodies. Only the keys every answer has are described; analysis
// results carry more, documented in the README.

/// Every error: `{"error":{"status":400,"message":"..."}}`.
#[derive(ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status again.
    #[schema(example = 400)]
    pub status: u16,
    /// What was wrong, naming the parameter at fault. Server errors say only
    /// "internal error; see the service log".
    #[schema(example = "parameter period: \"2025-13\" is not a month (YYYY-MM)")]
    pub message: String,
}

/// An RFC 7946 GeoJSON FeatureCollection (WGS84 longitude, latitude).
#[derive(ToSchema)]
pub struct FeatureCollection {
    #[schema(inline)]
    pub r#type: FeatureCollectionType,
    pub features: Vec<Feature>,
}

#[derive(ToSchema)]
pub enum FeatureCollectionType {
    FeatureCollection,
}

/// A GeoJSON Feature.
#[derive(ToSchema)]
pub struct Feature {
    #[schema(inline)]
    pub r#type: FeatureType,
    /// A GeoJSON geometry, or null.
    #[schema(value_type = Object, nullable)]
    pub geometry: Option<serde_json::Value>,
    #[schema(value_type = Object, nullable)]
    pub properties: Option<serde_json::Value>,
}

#[derive(ToSchema)]
pub enum FeatureType {
    Feature,
}

/// An access role.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum RoleName {
    Public,
    Partner,
    Analyst,
    Admin,
}

/// `GET /api/health`.
#[derive(ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
    /// What is loaded: incidents, located, unlocated, outside areas, areas,
    /// months, whether dates and times exist. Counts may be suppressed for
    /// the public role.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// `GET /api/categories`.
#[derive(ToSchema)]
pub struct Categories {
    /// The crime groups in use.
    #[schema(value_type = Vec<Object>)]
    pub groups: Vec<serde_json::Value>,
    /// Crime types and partner sources loaded, with counts.
    #[schema(value_type = Vec<Object>)]
    pub categories: Vec<serde_json::Value>,
}

/// `GET /api/periods`.
#[derive(ToSchema)]
pub struct Periods {
    /// Months with counts.
    #[schema(value_type = Vec<Object>)]
    pub months: Vec<serde_json::Value>,
    /// First month loaded, `YYYY-MM`; null when nothing is loaded.
    pub first: Option<String>,
    /// Last month loaded, `YYYY-MM`; null when nothing is loaded.
    pub last: Option<String>,
    pub has_dates: bool,
    pub has_times: bool,
}

/// `GET /api/wards/{code}`.
#[derive(ToSchema)]
pub struct WardProfile {
    /// The ward's statistics (the properties of its feature in `/api/wards`).
    #[schema(value_type = Object)]
    pub ward: serde_json::Value,
    /// How many wards were ranked.
    pub wards: usize,
    /// Counts by crime type.
    #[schema(value_type = Object)]
    pub by_category: serde_json::Value,
    /// Counts by month: every month with data in the period, zeros included.
    #[schema(value_type = Object)]
    pub by_month: serde_json::Value,
    /// Months of the period with no data loaded for any source (gaps, not zeros).
    pub gap_months: Vec<String>,
}

/// `GET /api/me`.
#[derive(ToSchema)]
pub struct Me {
    /// Null for anonymous callers.
    pub username: Option<String>,
    pub role: RoleName,
    /// Counts below this are withheld from the public role.
    pub suppress_below: u64,
}

/// `POST /api/login`: the session started (the token is in the cookie only).
#[derive(ToSchema)]
pub struct Session {
    pub username: String,
    pub role: RoleName,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

/// `GET /api/target-hardening?format=json`.
#[derive(ToSchema)]
pub struct TargetHardening {
    /// The day the list is for, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub as_of: String,
    /// Whether dated burglaries gave near-repeat reasons (else hotspot-only reasons).
    pub near_repeat: bool,
    /// Places found before `limit` was applied.
    pub total: usize,
    /// Places to visit: label, lon, lat, score, risk, reason, expires, triggering.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Value>,
}

/// A list under one key, e.g. `{"imports": [...]}`.
#[derive(ToSchema)]
pub struct Interventions {
    #[schema(value_type = Vec<Object>)]
    pub interventions: Vec<serde_json::Value>,
}

/// A recorded intervention; `area` is a GeoJSON geometry.
#[derive(ToSchema)]
pub struct Intervention {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub start: String,
    pub end: Option<String>,
    pub buffer_m: f64,
    pub groups: Vec<String>,
    pub types: Vec<String>,
    pub notes: Option<String>,
    #[schema(value_type = Object, nullable)]
    pub site: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    pub area: serde_json::Value,
    pub created_by: Option<String>,
    pub created_at: String,
}

/// `GET /api/interventions/{id}/evaluation`.
#[derive(ToSchema)]
pub struct InterventionEvaluation {
    pub intervention: Intervention,
    /// Before/after counts in target, buffer and control, WDQ, reading, caveats.
    #[schema(value_type = Object)]
    pub evaluation: serde_json::Value,
    /// The target, buffer and control areas.
    pub areas: FeatureCollection,
}

#[derive(ToSchema)]
pub struct Imports {
    #[schema(value_type = Vec<Object>)]
    pub imports: Vec<serde_json::Value>,
}

#[derive(ToSchema)]
pub struct Rejected {
    /// Quarantined rows: file, line, field, reason, raw text.
    #[schema(value_type = Vec<Object>)]
    pub rejected: Vec<serde_json::Value>,
}

#[derive(ToSchema)]
pub struct Users {
    #[schema(value_type = Vec<Object>)]
    pub users: Vec<serde_json::Value>,
}

#[derive(ToSchema)]
pub struct Audit {
    #[schema(value_type = Vec<Object>)]
    pub audit: Vec<serde_json::Value>,
}

/// `POST /api/users/{name}/tokens`: the token, shown once.
#[derive(ToSchema)]
pub struct TokenCreated {
    #[schema(example = "hs_12_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub token: String,
    pub username: String,
    pub role: RoleName,
}

/// A file's bytes (a police.uk or mapped CSV, gzipped or not; a population CSV).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(pub Vec<u8>);

/// A CSV file as text.
#[derive(ToSchema)]
#[schema(
    example = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n"
)]
pub struct CsvText(pub String);

/// `multipart/form-data` upload: every part is a file, named by its file
/// name (else its field name).
#[derive(ToSchema)]
pub struct ImportUpload {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}
