//! The one place where errors become HTTP statuses.

use axum::http::StatusCode;
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
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
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
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            AppError::Ingest(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Engine(EngineError::UnknownArea(_)) => StatusCode::NOT_FOUND,
            AppError::Engine(EngineError::NoAreas) => StatusCode::CONFLICT,
            AppError::Engine(EngineError::NeedsDates(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Engine(_) => StatusCode::BAD_REQUEST,
            AppError::Store(StoreError::Database(sqlx_err)) if is_busy(sqlx_err) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
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
