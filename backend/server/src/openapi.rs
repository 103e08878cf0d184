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
//! The handlers parse their query strings with an allow-list
//! ([`crate::query::Params`]) rather than typed extractors, so the
//! parameter types below exist only to describe those strings: each field
//! is a key the handler's allow-list accepts, with the syntax its parser
//! accepts. They are never constructed.
#![allow(dead_code)]

use hotspot_core::Role;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, ResponseBuilder};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

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

// ---------------------------------------------------------------------------
// Query parameters, as the handlers' allow-lists accept them. The patterns
// describe well-formed values so that generated requests (schemathesis)
// reach the analyses instead of stopping at the parser; the parsers also
// trim surrounding spaces and treat an empty value as absent.

/// Which incidents: accepted wherever incidents are selected.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Selection {
    /// Months `YYYY-MM..YYYY-MM` (inclusive), one month `YYYY-MM`, `all`, or
    /// a half-open date-time range `YYYY-MM-DD[THH:MM[:SS]]..YYYY-MM-DD[THH:MM[:SS]]`
    /// (a space may stand for the `T`; a date alone means midnight). The
    /// start must not be after the end.
    #[param(
        example = "2025-01..2025-06",
        pattern = r"^(all|[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)$"
    )]
    pub period: Option<String>,
    /// Crime groups, comma-separated (see `/api/categories`), e.g.
    /// `serious-acquisitive,asb` or `source-fly-tipping`. Groups and types
    /// combine as a union.
    #[param(example = "serious-acquisitive")]
    pub group: Option<String>,
    /// Crime types, comma-separated, as loaded (see `/api/categories`).
    #[param(example = "Burglary,Robbery")]
    pub r#type: Option<String>,
    /// Sources, comma-separated (`police.uk` or a partner's name); they restrict.
    #[param(example = "police.uk")]
    pub source: Option<String>,
    /// A ward code: only incidents inside it. Refused by `/api/wards` and
    /// `/api/wards/{code}`, which cover every ward.
    #[param(example = "E05999006")]
    pub ward: Option<String>,
    /// `min_lon,min_lat,max_lon,max_lat` in WGS84 degrees, min < max. Refused
    /// by `/api/wards`; for density, hotspots and Gi* it is also the extent.
    #[param(
        example = "-1.05,52.20,-0.95,52.27",
        pattern = r"^-?[0-9]{1,3}(\.[0-9]+)?(,-?[0-9]{1,3}(\.[0-9]+)?){3}$"
    )]
    pub bbox: Option<String>,
}

/// Selection keys without `period`, `ward` and `bbox` (`/api/evaluate`
/// takes its periods as `train` and `test`; a briefing's ward is its path).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategorySelection {
    /// Crime groups, comma-separated.
    #[param(example = "serious-acquisitive")]
    pub group: Option<String>,
    /// Crime types, comma-separated.
    #[param(example = "Burglary")]
    pub r#type: Option<String>,
    /// Sources, comma-separated.
    pub source: Option<String>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum RankBy {
    Count,
    Rate,
}

/// The comparison period of ward statistics and briefings.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Comparison {
    /// `previous` (the period of equal length before), `year` (a year
    /// earlier), `none`, or a period as in `period`. `previous` and `year`
    /// need a `period`.
    #[param(
        example = "previous",
        pattern = r"^(previous|year|none|all|[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)$"
    )]
    pub compare: Option<String>,
}

/// Ward statistics options besides the comparison.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WardOptions {
    /// How many top-ranked wards are flagged `priority` (default 5).
    #[param(minimum = 0, example = 5)]
    pub top: Option<u64>,
    /// Rank by count (default) or by rate per 1,000 residents.
    #[param(inline)]
    pub rank_by: Option<RankBy>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum BriefingFormat {
    Pdf,
    Png,
    Csv,
    Gpkg,
}

/// Ward briefing options besides the categories and comparison (documented
/// with [`CategorySelection`] and [`Comparison`]): no `ward` or `bbox`, as
/// the ward is in the path and the briefing frames its own map.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BriefingOptions {
    /// Months `YYYY-MM..YYYY-MM` (inclusive) or one month `YYYY-MM`;
    /// default the latest 12 months loaded.
    #[param(
        example = "2025-07..2025-12",
        pattern = r"^(all|[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)$"
    )]
    pub period: Option<String>,
    /// `pdf` (default), `png`, `csv` or `gpkg` (GeoPackage 1.3, EPSG:27700).
    #[param(inline)]
    pub format: Option<BriefingFormat>,
    /// A public briefing: counts below the suppression threshold withheld,
    /// no points, hotspot areas or interventions. Default `true` for the
    /// public role (which may not ask for `false`), `false` otherwise.
    pub public: Option<bool>,
}

/// Kernel density grid options.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Kde {
    /// Grid cell size in metres (> 0); default from the extent (shorter side / 150).
    #[param(exclusive_minimum = 0, example = 100)]
    pub cell: Option<f64>,
    /// Quartic kernel bandwidth in metres (> 0); default 5 cells, at least 200 m.
    #[param(exclusive_minimum = 0, example = 400)]
    pub bandwidth: Option<f64>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum DensityFormat {
    Geojson,
    Grid,
    Geotiff,
    Tiff,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DensityOptions {
    /// `geojson` (default: non-zero cells as polygons), `grid` (one JSON
    /// object, row 0 north) or `geotiff`/`tiff` (Float32, EPSG:27700).
    #[param(inline)]
    pub format: Option<DensityFormat>,
    /// With `format=geojson`, leave out cells below this density (incidents per km²).
    #[param(example = 0.5)]
    pub min_density: Option<f64>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HotspotOptions {
    /// Comma-separated percentages: for each X, the areas at or above the
    /// density that X% of non-zero cells reach (default `10,5,1`).
    #[param(
        example = "10,5,1",
        pattern = r"^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$"
    )]
    pub top: Option<String>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum GiUnit {
    Grid,
    Wards,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Correction {
    Fdr,
    Bh,
    Holm,
    None,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GiOptions {
    /// `grid` (default) or `wards`.
    #[param(inline)]
    pub unit: Option<GiUnit>,
    /// Grid cell size in metres (> 0); default twice the KDE rule's cell, at least 100 m.
    #[param(exclusive_minimum = 0, example = 200)]
    pub cell: Option<f64>,
    /// Neighbourhood: in cell widths for the grid (default 1.5, queen
    /// contiguity), in metres between centroids for wards (default: wards
    /// sharing a boundary).
    #[param(exclusive_minimum = 0, example = 1.5)]
    pub band: Option<f64>,
    /// Multiple-comparison correction: `fdr` (Benjamini-Hochberg, default; `bh` is the same), `holm` or `none`.
    #[param(inline)]
    pub correction: Option<Correction>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmergingOptions {
    /// Grid cell size in metres (> 0).
    #[param(exclusive_minimum = 0, example = 200)]
    pub cell: Option<f64>,
    /// Neighbourhood in cell widths (> 0).
    #[param(exclusive_minimum = 0, example = 1.5)]
    pub band: Option<f64>,
    /// Multiple-comparison correction.
    #[param(inline)]
    pub correction: Option<Correction>,
    /// Months in each time step (at least 1; default 1).
    #[param(minimum = 1, example = 1)]
    pub months_per_period: Option<u64>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Page size, 1..=10000 (default 1000).
    #[param(minimum = 1, maximum = 10000, example = 1000)]
    pub limit: Option<u64>,
    /// Features to skip (default 0).
    #[param(minimum = 0, example = 0)]
    pub offset: Option<u64>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Metric {
    Euclidean,
    Manhattan,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KnoxOptions {
    /// Distance band edges in metres, comma-separated numbers.
    #[param(
        example = "100,200,300,400",
        pattern = r"^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$"
    )]
    pub space: Option<String>,
    /// Time band edges in days, comma-separated numbers.
    #[param(
        example = "7,14,21,28",
        pattern = r"^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$"
    )]
    pub time: Option<String>,
    /// `euclidean` (default) or `manhattan`.
    #[param(inline)]
    pub metric: Option<Metric>,
    /// Monte Carlo permutations, 1..=9999 (default 999).
    #[param(minimum = 1, maximum = 9999, example = 99)]
    pub permutations: Option<u64>,
    /// Random seed (unsigned 64-bit), for repeatable p-values.
    #[param(minimum = 0, example = 27700)]
    pub seed: Option<u64>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluateOptions {
    /// Training period, as in `period` (required; not `all`).
    #[param(
        example = "2024-07..2024-12",
        pattern = r"^(all|[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)$"
    )]
    pub train: String,
    /// Test period, as in `period` (required; not `all`).
    #[param(
        example = "2025-01..2025-06",
        pattern = r"^(all|[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?\.\.[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?)$"
    )]
    pub test: String,
    /// Grid cell size in metres (> 0).
    #[param(exclusive_minimum = 0, example = 100)]
    pub cell: Option<f64>,
    /// KDE bandwidths in metres to compare, comma-separated (default `200,400,800`).
    #[param(
        example = "200,400,800",
        pattern = r"^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$"
    )]
    pub bandwidths: Option<String>,
    /// Area searched, as a percentage of the study area: 0 < coverage ≤ 100 (default 5).
    #[param(exclusive_minimum = 0, maximum = 100, example = 5)]
    pub coverage: Option<f64>,
}

#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum JsonOrCsv {
    Json,
    Csv,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HardeningOptions {
    /// The day the list is for, `YYYY-MM-DD` (default: the last dated incident).
    #[param(format = Date, example = "2025-06-30")]
    pub as_of: Option<String>,
    /// Near-repeat distance in metres (> 0, default 200).
    #[param(exclusive_minimum = 0, example = 200)]
    pub distance: Option<f64>,
    /// Near-repeat window in days (default 28).
    #[param(minimum = 0, maximum = 4294967295u64, example = 28)]
    pub days: Option<u64>,
    /// `json` (default) or `csv`.
    #[param(inline)]
    pub format: Option<JsonOrCsv>,
    /// Most places listed (default 500).
    #[param(minimum = 0, example = 500)]
    pub limit: Option<u64>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationOptions {
    /// Control wards, comma-separated codes (default: chosen automatically).
    #[param(example = "E05999004")]
    pub control: Option<String>,
    /// Before period in months, `YYYY-MM..YYYY-MM` or `YYYY-MM`
    /// (default: as long as the after period, just before the start).
    #[param(
        example = "2024-01..2024-06",
        pattern = r"^[0-9]{4}-[0-9]{2}(\.\.[0-9]{4}-[0-9]{2})?$"
    )]
    pub before: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RejectedOptions {
    /// `json` (default) or `csv` (to open in a spreadsheet and fix).
    #[param(inline)]
    pub format: Option<JsonOrCsv>,
    /// Most rows (default all; negative means none).
    #[param(example = 100)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(example = 0)]
    pub offset: Option<i64>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditOptions {
    /// Most entries, clamped to 1..=100000 (default 1000).
    #[param(example = 50)]
    pub limit: Option<i64>,
    /// Entries to skip, newest first (default 0).
    #[param(example = 0)]
    pub offset: Option<i64>,
}

#[derive(ToSchema)]
pub enum ImportKindName {
    #[schema(rename = "police.uk")]
    PoliceUk,
    #[schema(rename = "police-uk")]
    PoliceUkDash,
    #[schema(rename = "csv")]
    Csv,
    #[schema(rename = "boundaries")]
    Boundaries,
    #[schema(rename = "population")]
    Population,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportOptions {
    /// What the file is: `police.uk` (street-level CSV, `.csv` or `.csv.gz`),
    /// `csv` (any CSV with `mapping=`), `boundaries` (GeoJSON) or `population` (CSV).
    #[param(inline)]
    pub kind: Option<ImportKindName>,
    /// The file name for a raw body (default `upload`); it names the dataset version.
    #[param(example = "2025-03-northamptonshire-street.csv")]
    pub name: Option<String>,
    /// With `kind=csv`: `key=value` pairs, comma-separated: date, source,
    /// lon+lat or x+y with crs, and optionally id, time, date_format,
    /// date_precision (auto, day or month), category (a column) or
    /// fixed_category (a value), location, delimiter. Every key is described
    /// in docs/import.md.
    #[param(example = "id=Ref,date=Date,lon=Lon,lat=Lat,category=Type,source=fly-tipping")]
    pub mapping: Option<String>,
    /// Area layer for boundaries and population (default `wards`).
    #[param(example = "wards")]
    pub layer: Option<String>,
    /// Boundaries: property holding the area code (default: detected, e.g.
    /// `WD22CD`, `LSOA11CD`, `ward_code`, `code`).
    pub code_field: Option<String>,
    /// Boundaries: property holding the area name (default: detected, e.g.
    /// `WD22NM`, `ward_name`, `name`).
    pub name_field: Option<String>,
    /// Boundaries: property holding a population, if any.
    pub population_field: Option<String>,
    /// Population: column holding the area code (default: detected).
    pub code_column: Option<String>,
    /// Population: column holding the population (default: detected).
    pub population_column: Option<String>,
}
