//! Finished responses of the read-only analyses, kept for the current
//! snapshot. The same ward map or hotspot surface is asked for again and
//! again (every map client opening on the same view); answering a repeat
//! costs a hash lookup instead of rebuilding a 200 KB GeoJSON document or a
//! density surface. Entries are keyed by role (what the public sees is
//! suppressed) and the full request URI, and are all dropped when a new
//! snapshot is swapped in.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::Principal;
use crate::AppState;

/// Most bytes kept; past this the cache starts again empty.
const MAX_BYTES: usize = 64 << 20;
/// Largest single response kept.
const MAX_ENTRY_BYTES: usize = 8 << 20;

#[derive(Clone)]
struct Cached {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    bytes: usize,
    entries: HashMap<String, Cached>,
}

#[derive(Default)]
pub struct ResponseCache {
    inner: Mutex<Inner>,
    /// Answers served from the cache, so tests can tell a cached answer
    /// from an equal fresh one.
    hits: AtomicU64,
}

impl ResponseCache {
    fn get(&self, generation: u64, key: &str) -> Option<Cached> {
        let mut inner = self.inner.lock().expect("cache lock");
        if inner.generation != generation {
            *inner = Inner {
                generation,
                ..Inner::default()
            };
            return None;
        }
        let hit = inner.entries.get(key).cloned();
        if hit.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }

    /// How many answers came from the cache so far.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    fn put(&self, generation: u64, key: String, value: Cached) {
        let mut inner = self.inner.lock().expect("cache lock");
        // A response computed while the snapshot changed is not kept.
        if inner.generation != generation || value.body.len() > MAX_ENTRY_BYTES {
            return;
        }
        if inner.bytes + value.body.len() > MAX_BYTES {
            inner.entries.clear();
            inner.bytes = 0;
        }
        inner.bytes += value.body.len();
        inner.entries.insert(key, value);
    }
}

/// Middleware for GET routes whose answer depends only on the snapshot,
/// the caller's role and the URI.
pub async fn cached(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let role = req
        .extensions()
        .get::<Principal>()
        .map_or("none", |p| p.role.as_str());
    let uri = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().to_string(), |o| o.0.to_string());
    let key = format!("{role} {uri}");
    let generation = state.generation();
    if let Some(hit) = state.cache.get(generation, &key) {
        return (StatusCode::OK, hit.headers, hit.body).into_response();
    }
    let response = next.run(req).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    state.cache.put(
        generation,
        key,
        Cached {
            headers: parts.headers.clone(),
            body: bytes.clone(),
        },
    );
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
