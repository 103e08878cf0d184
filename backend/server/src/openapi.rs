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

use hotspot_api::responses::{Category, ErrorBody, ErrorDetail, Overview};
use hotspot_core::harm::HarmIndex;

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
    // Category, HarmIndex and Overview are the defaults of the generic
    // `Categories<C, H>` and `Health<D>`, which name them without registering them.
    components(schemas(ErrorBody, ErrorDetail, Category, HarmIndex, Overview)),
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
        (
            "503",
            "The service is busy (every analysis slot taken and the queue full; Retry-After says when to try again) or the database is busy or unreachable",
        ),
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
// Raw request bodies. Imports take a file's bytes as they are (the ingest
// crate parses them), so no Rust type deserialises these; they exist to
// describe the upload formats in the document.

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

/// Area boundaries: a GeoJSON FeatureCollection of polygons (WGS84).
#[derive(ToSchema)]
#[schema(value_type = Object)]
pub struct GeoJsonText(pub String);

/// `multipart/form-data` upload: every part is a file, named by its file
/// name (else its field name).
#[derive(ToSchema)]
pub struct ImportUpload {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}
