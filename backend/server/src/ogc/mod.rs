//! OGC API – Features (Part 1: Core, GeoJSON, OpenAPI 3.0) at `/ogc`, so
//! QGIS, ArcGIS Pro and GDAL read Hotspot's layers directly, paging and
//! filtering by area and time as they do with any feature server.
//!
//! Every collection is read through the API's own endpoint, as a request to
//! the API router carrying the caller's credentials. So the OGC view of a
//! layer has the same roles, small-count suppression, cache and audit
//! entries (as the `/api` requests it made) as `/api`, and no layer is
//! defined twice.
//!
//! * `GET /ogc`: landing page; `GET /ogc/conformance`; `GET /ogc/api`
//!   (an OpenAPI 3.0 description of these paths);
//! * `GET /ogc/collections`, `GET /ogc/collections/{id}`: the collections
//!   the caller's role may read;
//! * `GET /ogc/collections/{id}/items?bbox=&datetime=&limit=&offset=` and
//!   `GET /ogc/collections/{id}/items/{featureId}`: GeoJSON features.

mod collections;
mod files;
mod items;
mod query;

use axum::extract::{ConnectInfo, OriginalUri, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hotspot_api::responses::Me;
use serde_json::{json, Value};
use tower::ServiceExt;

pub use collections::COLLECTIONS;

/// The conformance classes this service implements.
pub const CONFORMANCE: [&str; 3] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
];

/// The routes under `/ogc`, reading from `api` (the `/api` router with its
/// state, as mounted).
pub fn routes<S: Clone + Send + Sync + 'static>(api: Router) -> Router<S> {
    Router::new()
        .route("/", get(landing))
        .route("/conformance", get(conformance))
        .route("/api", get(openapi))
        .route("/collections", get(collections::list))
        .route("/collections/{id}", get(collections::one))
        .route("/collections/{id}/items", get(items::items))
        .route("/collections/{id}/items/{fid}", get(items::item))
        .with_state(Api(api))
}

/// The API router the collections are read from.
#[derive(Clone)]
pub struct Api(Router);

impl Api {
    /// `GET /api{path_and_query}` as the caller of `req`: same credentials
    /// and client address. The API sees (and caches, and audits) it as that
    /// `/api` request, which is exactly what it releases. A refusal or error
    /// comes back as the API's own response.
    async fn get(&self, req: &RequestContext, path_and_query: &str) -> Result<Value, Response> {
        let body = self.get_bytes(req, path_and_query).await?;
        serde_json::from_slice(&body)
            .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
    }

    /// [`Api::get`]'s answer as bytes (a GeoTIFF, say).
    async fn get_bytes(
        &self,
        req: &RequestContext,
        path_and_query: &str,
    ) -> Result<axum::body::Bytes, Response> {
        let mut sub = Request::get(path_and_query);
        for name in [header::AUTHORIZATION, header::COOKIE] {
            if let Some(v) = req.headers.get(&name) {
                sub = sub.header(name, v);
            }
        }
        if let Some(v) = req.headers.get("x-forwarded-for") {
            sub = sub.header("x-forwarded-for", v);
        }
        let mut sub = sub.body(axum::body::Body::empty()).expect("a valid URI");
        let as_mounted = format!("/api{path_and_query}");
        sub.extensions_mut()
            .insert(OriginalUri(as_mounted.parse().expect("a valid URI")));
        if let Some(c) = req.connect_info {
            sub.extensions_mut().insert(c);
        }
        let res = self.0.clone().oneshot(sub).await.expect("infallible");
        if res.status() != StatusCode::OK {
            return Err(res);
        }
        axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
    }

    /// Who the caller is, as `/api/me` tells it.
    async fn me(&self, req: &RequestContext) -> Result<Me, Response> {
        let me = self.get(req, "/me").await?;
        serde_json::from_value(me)
            .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
    }
}

/// What a sub-request keeps of the caller's request.
pub struct RequestContext {
    headers: HeaderMap,
    connect_info: Option<ConnectInfo<std::net::SocketAddr>>,
    /// This service's `/ogc` as the caller reached it, for links.
    base: String,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let scheme = parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
            .filter(|s| matches!(*s, "http" | "https"))
            .unwrap_or("http");
        Ok(RequestContext {
            headers: parts.headers.clone(),
            connect_info: parts.extensions.get().cloned(),
            base: format!("{scheme}://{host}/ogc"),
        })
    }
}

/// An OGC exception document (`code`, `description`) with its status.
pub fn error(status: StatusCode, description: &str) -> Response {
    let code = status.canonical_reason().unwrap_or("Error");
    (
        status,
        Json(json!({ "code": code, "description": description })),
    )
        .into_response()
}

fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({ "href": href, "rel": rel, "type": kind, "title": title })
}

async fn landing(req: RequestContext) -> Json<Value> {
    let b = &req.base;
    Json(json!({
        "title": "Hotspot",
        "description": "Crime and disorder hotspot mapping: wards with their statistics, hotspot areas, the intervention log and (for analysts) incidents, as OGC API – Features.",
        "links": [
            link(b.clone(), "self", "application/json", "This document"),
            link(format!("{b}/api"), "service-desc", "application/vnd.oai.openapi+json;version=3.0", "The API definition"),
            link(format!("{b}/conformance"), "conformance", "application/json", "Conformance classes"),
            link(format!("{b}/collections"), "data", "application/json", "The collections"),
        ]
    }))
}

async fn conformance() -> Json<Value> {
    Json(json!({ "conformsTo": CONFORMANCE }))
}

/// An OpenAPI 3.0 description of the `/ogc` paths (the full `/api` is
/// described at `/api/openapi.json`, in OpenAPI 3.1).
async fn openapi(req: RequestContext) -> Response {
    let mut doc = collections::openapi_document(&req.base);
    doc["servers"] = json!([{ "url": req.base }]);
    (
        [(
            header::CONTENT_TYPE,
            "application/vnd.oai.openapi+json;version=3.0",
        )],
        Json(doc),
    )
        .into_response()
}
