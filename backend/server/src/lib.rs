//! Hotspot's HTTP service.
//!
//! [`app`] builds the axum [`Router`](axum::Router) over an [`AppState`]: the
//! store of record plus an in-memory [`Dataset`](hotspot_engine::Dataset)
//! snapshot that is rebuilt after each import and swapped in atomically, so a
//! reader sees the data before an import or after it, never half of it.

pub mod analyses_out;
pub mod auth;
pub mod basemap;
mod cache;
mod cells;
mod error;
pub mod geojson_out;
pub mod ogc;
mod openapi;
pub mod pipeline;
mod query;
mod routes;
mod srv;
mod state;

pub use error::{AppError, JsonBody, PathParam};
pub use routes::app;
pub use srv::accounts::create_account;
pub use srv::imports::import_files;
pub use srv::{briefing, interventions};
pub use state::{default_snapshot_file, load_dataset, AppState, ServerConfig};

/// Serves the app on `listener` until `shutdown` completes, then finishes
/// the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: std::sync::Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
