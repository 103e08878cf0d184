//! The one place where errors become HTTP statuses.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hotspot_engine::EngineError;
use hotspot_ingest::IngestError;
use hotspot_store::StoreError;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A malformed or invalid request parameter.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    /// No valid credentials for something that needs them.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but the role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// The path exists but not with this method.
    #[error("this endpoint does not take that method (see /api/openapi.json)")]
    MethodNotAllowed,
    #[error("too many requests from this client: slow down and retry")]
    TooManyRequests,
    /// The request body is larger than the configured limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The uploaded file could not be read as a whole (bad header, corrupt gzip...).
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A request axum's extractors refused before the handler ran (a body
    /// that is not JSON or lacks a field, a path segment that is not valid
    /// UTF-8), with the 4xx status axum chose (400, 415 or 422).
    #[error("{1}")]
    Rejected(StatusCode, String),
    /// Every analysis slot is busy and the queue is full: try again soon
    /// (503 with `Retry-After`) rather than wait without bound.
    #[error("the service is busy with other analyses; try again in a moment")]
    Busy,
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// An extractor's rejection: 413 when the body is over the upload
    /// limit, else axum's 4xx with its text. (Only client errors reach
    /// here: axum's body and path extractors do not fail otherwise.)
    fn rejected(status: StatusCode, text: String) -> AppError {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::body(status, text)
        } else if status.is_client_error() {
            AppError::Rejected(status, text)
        } else {
            AppError::Internal(text)
        }
    }

    /// A request body that could not be read: 413 when it is over the
    /// upload limit, else 400.
    pub fn body(status: StatusCode, text: String) -> AppError {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge(format!(
                "{text}: the upload is larger than the limit (--max-upload-mib)"
            ))
        } else {
            AppError::BadRequest(text)
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Rejected(status, _) => *status,
            AppError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            AppError::Store(StoreError::NothingAccepted(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Ingest(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Engine(EngineError::UnknownArea(_)) => StatusCode::NOT_FOUND,
            AppError::Engine(EngineError::NoAreas) => StatusCode::CONFLICT,
            AppError::Engine(EngineError::NeedsDates(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Engine(_) => StatusCode::BAD_REQUEST,
            AppError::Store(StoreError::Database(sqlx_err)) if is_busy(sqlx_err) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

fn is_busy(e: &hotspot_store::SqlxError) -> bool {
    let text = e.to_string();
    text.contains("database is locked") || text.contains("pool timed out")
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if matches!(self, AppError::Busy) {
            let body =
                json!({ "error": { "status": status.as_u16(), "message": self.to_string() } });
            return (status, [(header::RETRY_AFTER, "1")], Json(body)).into_response();
        }
        // Internal details go to the log, not to the client.
        let message = if status.is_server_error()
            && !matches!(self, AppError::Store(StoreError::Conflict(_)))
        {
            tracing::error!(error = %self, "request failed");
            match status {
                StatusCode::SERVICE_UNAVAILABLE => {
                    "the database is busy; try again shortly".to_string()
                }
                _ => "internal error; see the service log".to_string(),
            }
        } else {
            self.to_string()
        };
        let body = json!({ "error": { "status": status.as_u16(), "message": message } });
        (status, Json(body)).into_response()
    }
}

/// `axum::Json`, whose refusals (no `application/json` content type,
/// malformed JSON, a missing or unknown field) become [`AppError`]s, so a
/// bad body gets the same JSON error body as every other bad input instead
/// of axum's plain text.
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(e) => Err(AppError::rejected(e.status(), e.body_text())),
        }
    }
}

/// `axum::extract::Path`, refusing with an [`AppError`] (e.g. a segment
/// that percent-decodes to invalid UTF-8) for the same reason.
pub struct PathParam<T>(pub T);

impl<T, S> FromRequestParts<S> for PathParam<T>
where
    axum::extract::Path<T>: FromRequestParts<S, Rejection = PathRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(PathParam(value)),
            Err(e) => Err(AppError::rejected(e.status(), e.body_text())),
        }
    }
}
