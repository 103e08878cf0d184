//! The collections: which API endpoint each is read from, who may read it,
//! and its description.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotspot_core::Role;
use serde_json::{json, Value};

use super::{error, link, Api, RequestContext};

/// One collection.
#[derive(Debug)]
pub struct Collection {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The least role that may read it (the API endpoint's own).
    pub role: Role,
}

/// Every collection, least restricted first.
pub const COLLECTIONS: [Collection; 7] = [
    Collection {
        id: "wards",
        title: "Wards",
        description: "Each ward with its incident count, rate per 1,000 residents, change against the period before, significance and rank, for the period `datetime` selects (default: the latest six months). Counts below the service's threshold are withheld from the public role. As GET /api/wards.",
        role: Role::Public,
    },
    Collection {
        id: "hotspots",
        title: "Hotspot areas",
        description: "The areas holding the top 10%, 5% and 1% of kernel density of incidents in the period `datetime` selects, over the whole study area, each with its count and named places. As GET /api/hotspots.",
        role: Role::Partner,
    },
    Collection {
        id: "density",
        title: "Kernel density",
        description: "Kernel density of incidents per km² on the default grid over the study area (cells with no density left out), for the period `datetime` selects. As GET /api/density?format=geojson; the same surface as GeoTIFF from GET /api/density?format=geotiff.",
        role: Role::Partner,
    },
    Collection {
        id: "gistar",
        title: "Getis-Ord Gi* hot and cold spots",
        description: "Gi* z-scores, p-values and 90/95/99% hot and cold classes on the default grid, for the period `datetime` selects. As GET /api/gistar.",
        role: Role::Partner,
    },
    Collection {
        id: "emerging",
        title: "Emerging hot spots",
        description: "Each grid cell's emerging hot or cold spot category (new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating, historical) over the months of the period `datetime` selects. As GET /api/emerging.",
        role: Role::Partner,
    },
    Collection {
        id: "interventions",
        title: "Interventions",
        description: "The intervention log: each intervention's area, kind, dates and crime groups. `datetime` keeps those running at some time in it. As GET /api/interventions.",
        role: Role::Partner,
    },
    Collection {
        id: "incidents",
        title: "Incidents",
        description: "Incidents as points (police.uk locations are anonymised map points), paged. As GET /api/incidents.",
        role: Role::Analyst,
    },
];

/// The collection `id`, if the caller's role may read it: 404 otherwise,
/// so a lower role learns nothing of what it cannot read.
pub async fn find(
    api: &Api,
    req: &RequestContext,
    id: &str,
) -> Result<&'static Collection, Response> {
    let role = api.me(req).await?.role;
    COLLECTIONS
        .iter()
        .find(|c| c.id == id && role >= c.role)
        .ok_or_else(|| error(StatusCode::NOT_FOUND, &format!("no collection {id:?}")))
}

/// A collection's description, with its extent from the data.
fn describe(c: &Collection, base: &str, extent: &Value) -> Value {
    let items = format!("{base}/collections/{}/items", c.id);
    json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "extent": extent,
        "links": [
            link(format!("{base}/collections/{}", c.id), "self", "application/json", c.title),
            link(items, "items", "application/geo+json", c.title),
        ]
    })
}

/// The data's extent: the loaded wards' bounding box, and the months
/// with data (from `/api/health` and `/api/periods`).
async fn extent(api: &Api, req: &RequestContext) -> Result<Value, Response> {
    let periods = api.get(req, "/periods").await?;
    let months: Vec<&str> = periods["months"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["month"].as_str())
        .collect();
    let interval = match (months.first(), months.last()) {
        (Some(a), Some(b)) => json!([[format!("{a}-01T00:00:00Z"), month_end(b)]]),
        _ => json!([[null, null]]),
    };
    let wards = api.get(req, "/wards").await?;
    let bbox =
        super::items::collection_bbox(&wards).map_or(json!([-180, -90, 180, 90]), |b| json!(b));
    Ok(json!({
        "spatial": { "bbox": [bbox], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84" },
        "temporal": { "interval": interval, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" }
    }))
}

/// The last instant of month `ym` (`YYYY-MM`), as the interval's end.
fn month_end(ym: &str) -> String {
    let next = ym
        .parse::<hotspot_core::Month>()
        .map(|m| m.succ().to_string())
        .unwrap_or_else(|_| ym.to_string());
    format!("{next}-01T00:00:00Z")
}

pub async fn list(State(api): State<Api>, req: RequestContext) -> Response {
    let role = match api.me(&req).await {
        Ok(me) => me.role,
        Err(e) => return e,
    };
    let extent = match extent(&api, &req).await {
        Ok(e) => e,
        Err(e) => return e,
    };
    let b = &req.base;
    let collections: Vec<Value> = COLLECTIONS
        .iter()
        .filter(|c| role >= c.role)
        .map(|c| describe(c, b, &extent))
        .collect();
    Json(json!({
        "links": [link(format!("{b}/collections"), "self", "application/json", "The collections")],
        "collections": collections,
    }))
    .into_response()
}

pub async fn one(State(api): State<Api>, req: RequestContext, Path(id): Path<String>) -> Response {
    let c = match find(&api, &req, &id).await {
        Ok(c) => c,
        Err(e) => return e,
    };
    match extent(&api, &req).await {
        Ok(e) => Json(describe(c, &req.base, &e)).into_response(),
        Err(e) => e,
    }
}

/// An OpenAPI 3.0 document for the `/ogc` paths.
pub fn openapi_document(base: &str) -> Value {
    let param = |name: &str, description: &str, schema: Value| {
        json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema,
                "style": "form", "explode": false })
    };
    let items_params = json!([
        { "name": "collectionId", "in": "path", "required": true, "schema": { "type": "string", "enum": COLLECTIONS.iter().map(|c| c.id).collect::<Vec<_>>() } },
        param("limit", "Features per page, 1..=10000 (default 1000).", json!({ "type": "integer", "minimum": 1, "maximum": 10000, "default": 1000 })),
        param("offset", "Features to skip (the next link sets it).", json!({ "type": "integer", "minimum": 0, "default": 0 })),
        param("bbox", "minLon,minLat,maxLon,maxLat (CRS84).", json!({ "type": "array", "minItems": 4, "maxItems": 4, "items": { "type": "number" } })),
        param("datetime", "An instant or an interval (a/b, ../b, a/..), RFC 3339: selects the period.", json!({ "type": "string" })),
        param("period", "Hotspot's own period (2025-07..2025-12), instead of datetime.", json!({ "type": "string" })),
        param("group", "Hotspot's crime group (e.g. violence), as in /api.", json!({ "type": "string" })),
        param("type", "A crime type, as in /api.", json!({ "type": "string" })),
        param("source", "A data source (police.uk, fly-tipping…), as in /api.", json!({ "type": "string" })),
        param("f", "json (GeoJSON, default), gpkg (a GeoPackage in British National Grid) or csv; files hold every matching feature unless limit is given, and carry the attribution.", json!({ "type": "string", "enum": ["json", "geojson", "gpkg", "csv"] })),
    ]);
    let json_response = |d: &str| json!({ "200": { "description": d, "content": { "application/json": { "schema": { "type": "object" } } } } });
    let geojson_response = |d: &str| {
        json!({
            "200": { "description": d, "content": { "application/geo+json": { "schema": { "type": "object" } } } },
            "400": { "description": "A parameter is not valid" },
            "404": { "description": "No such collection or feature, or not for this role" }
        })
    };
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Hotspot OGC API – Features", "version": env!("CARGO_PKG_VERSION"),
                  "description": format!("Collections at {base}/collections. Sign in as for /api: a bearer token (Authorization: Bearer …) or the session cookie.") },
        "paths": {
            "/": { "get": { "summary": "Landing page", "operationId": "getLandingPage", "responses": json_response("Links to the API definition, conformance and collections") } },
            "/conformance": { "get": { "summary": "Conformance classes", "operationId": "getConformance", "responses": json_response("The conformance classes") } },
            "/collections": { "get": { "summary": "The collections this role may read", "operationId": "getCollections", "responses": json_response("The collections") } },
            "/collections/{collectionId}": { "get": { "summary": "One collection", "operationId": "describeCollection",
                "parameters": [items_params[0]], "responses": json_response("The collection") } },
            "/collections/{collectionId}/items": { "get": { "summary": "A collection's features", "operationId": "getFeatures",
                "parameters": items_params, "responses": geojson_response("A page of features") } },
            "/collections/{collectionId}/items/{featureId}": { "get": { "summary": "One feature", "operationId": "getFeature",
                "parameters": [items_params[0], { "name": "featureId", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": geojson_response("The feature") } }
        }
    })
}
