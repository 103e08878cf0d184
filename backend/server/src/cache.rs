//! The read-only analyses' answers: computed once, kept, and admitted.
//!
//! * **Kept.** The same ward map or hotspot surface is asked for again and
//!   again (every map client opening on the same view); a repeat costs a
//!   hash lookup. Entries are keyed by role (what the public sees is
//!   suppressed) and the full request URI, and all dropped when a new
//!   snapshot is swapped in. Past its budget the oldest answers go first;
//!   map tiles have a budget of their own, so panning a map at street zoom
//!   (thousands of small tiles) never pushes out a costly hotspot surface.
//! * **Computed once.** Identical requests that arrive while the first is
//!   still being answered wait for its answer instead of computing it again
//!   (after an import the cache is empty, and a morning briefing opens many
//!   maps at once).
//! * **Admitted.** At most `analysis_slots` uncached analyses run at once;
//!   up to `analysis_queue` more wait for a slot, and beyond that the
//!   service answers 503 with `Retry-After` instead of letting every
//!   request's latency grow without bound.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::{OnceCell, Semaphore, SemaphorePermit};

use crate::auth::Principal;
use crate::{AppError, AppState};

/// Most bytes kept for analyses, and for map tiles; past these the oldest
/// answers of the kind are dropped.
const MAX_BYTES: usize = 128 << 20;
const MAX_TILE_BYTES: usize = 16 << 20;
/// Largest single response kept: a density grid of a 60 km region at 50 m
/// is 12 MB and its Gi* grid at 100 m 19 MB (full-precision p-values), and
/// recomputing either on every request cost 0.4 s at ten million incidents.
const MAX_ENTRY_BYTES: usize = 24 << 20;

#[derive(Clone)]
struct Cached {
    headers: HeaderMap,
    body: Bytes,
}

impl Cached {
    fn response(&self) -> Response {
        (StatusCode::OK, self.headers.clone(), self.body.clone()).into_response()
    }
}

/// One answer being computed, shared by every identical request meanwhile;
/// `None` when it was not a 200 (each caller then answers for itself).
type Flight = Arc<OnceCell<Option<Cached>>>;

/// Kept answers of one kind, oldest first.
#[derive(Default)]
struct Kept {
    bytes: usize,
    entries: HashMap<String, Cached>,
    order: VecDeque<String>,
}

impl Kept {
    /// Keeps `value`, dropping the oldest answers until it fits `budget`.
    fn keep(&mut self, key: &str, value: &Cached, budget: usize) {
        while self.bytes + value.body.len() > budget {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(old) = self.entries.remove(&oldest) {
                self.bytes -= old.body.len();
            }
        }
        if let Some(old) = self.entries.insert(key.to_string(), value.clone()) {
            self.bytes -= old.body.len();
        } else {
            self.order.push_back(key.to_string());
        }
        self.bytes += value.body.len();
    }
}

#[derive(Default)]
struct Inner {
    generation: u64,
    /// Analyses, and map tiles.
    analyses: Kept,
    tiles: Kept,
    in_flight: HashMap<String, Flight>,
}

/// Whether `key` (role and URI) is a map tile.
fn is_tile(key: &str) -> bool {
    key.contains("/tiles/")
}

pub struct ResponseCache {
    inner: Mutex<Inner>,
    /// Answers served from the cache, so tests can tell a cached answer
    /// from an equal fresh one.
    hits: AtomicU64,
    /// Answers computed (cache misses that ran the analysis).
    computed: AtomicU64,
    slots: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
}

impl ResponseCache {
    /// A cache admitting `slots` analyses at once and `queue` more waiting.
    pub fn new(slots: usize, queue: usize) -> Self {
        ResponseCache {
            inner: Mutex::default(),
            hits: AtomicU64::new(0),
            computed: AtomicU64::new(0),
            slots: Semaphore::new(slots.max(1)),
            waiting: AtomicUsize::new(0),
            queue,
        }
    }

    /// The kept answer for `key`, or the flight computing it (joined or
    /// started).
    fn lookup(&self, generation: u64, key: &str) -> Result<Cached, Flight> {
        let mut inner = self.inner.lock().expect("cache lock");
        if inner.generation != generation {
            *inner = Inner {
                generation,
                ..Inner::default()
            };
        }
        let kept = if is_tile(key) {
            &inner.tiles
        } else {
            &inner.analyses
        };
        if let Some(hit) = kept.entries.get(key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(hit.clone());
        }
        Err(inner.in_flight.entry(key.to_string()).or_default().clone())
    }

    /// How many answers came from the cache so far.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// How many answers were computed so far.
    pub fn computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }

    /// The flight for `key` has landed: keep its answer if it may be kept.
    fn land(&self, generation: u64, key: &str, value: Option<&Cached>) {
        let mut inner = self.inner.lock().expect("cache lock");
        // A response computed while the snapshot changed is not kept.
        if inner.generation != generation {
            return;
        }
        inner.in_flight.remove(key);
        let Some(value) = value.filter(|v| v.body.len() <= MAX_ENTRY_BYTES) else {
            return;
        };
        if is_tile(key) {
            inner.tiles.keep(key, value, MAX_TILE_BYTES);
        } else {
            inner.analyses.keep(key, value, MAX_BYTES);
        }
    }

    /// A slot to run an analysis in, waiting in the queue if need be; `None`
    /// when the queue is full.
    async fn admit(&self) -> Option<SemaphorePermit<'_>> {
        if let Ok(permit) = self.slots.try_acquire() {
            return Some(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let permit = self.slots.acquire().await.ok();
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        permit
    }
}

/// Runs the analysis in an admitted slot (503 when none is to be had).
async fn compute(state: &AppState, req: Request, next: Next) -> Response {
    let Some(_slot) = state.cache.admit().await else {
        return AppError::Busy.into_response();
    };
    state.cache.computed.fetch_add(1, Ordering::Relaxed);
    next.run(req).await
}

/// A 200 response as something to share; other responses as they are.
async fn shareable(response: Response) -> Result<Cached, Response> {
    if response.status() != StatusCode::OK {
        return Err(response);
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => Ok(Cached {
            headers: parts.headers,
            body,
        }),
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
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
    let flight = match state.cache.lookup(generation, &key) {
        Ok(hit) => return hit.response(),
        Err(flight) => flight,
    };
    // Whichever identical request gets here first computes; the others wait
    // for its answer. The one that computed keeps its own non-200 answer.
    let mut request = Some((req, next));
    let mut own = None;
    let shared = flight
        .get_or_init(|| async {
            let (req, next) = request.take().expect("the request is still here");
            let answer = shareable(compute(&state, req, next).await).await;
            let value = answer.map_err(|r| own = Some(r)).ok();
            state.cache.land(generation, &key, value.as_ref());
            value
        })
        .await;
    match (own, shared, request) {
        (Some(response), _, _) => response,
        (None, Some(answer), _) => answer.response(),
        // The first failed (a 4xx, say): this one answers for itself.
        (None, None, Some((req, next))) => compute(&state, req, next).await,
        (None, None, None) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(bytes: usize) -> Cached {
        Cached {
            headers: HeaderMap::new(),
            body: Bytes::from(vec![0u8; bytes]),
        }
    }

    #[test]
    fn past_its_budget_the_oldest_answers_go_first() {
        let mut kept = Kept::default();
        for k in ["a", "b", "c"] {
            kept.keep(k, &answer(40), 100);
        }
        // "c" did not fit beside "a" and "b": "a", the oldest, went.
        assert!(!kept.entries.contains_key("a"));
        assert!(kept.entries.contains_key("b") && kept.entries.contains_key("c"));
        assert_eq!(kept.bytes, 80);
        // Keeping a key again replaces it without counting it twice.
        kept.keep("c", &answer(10), 100);
        assert_eq!(kept.bytes, 50);
    }

    #[test]
    fn a_region_density_or_gi_grid_is_kept_and_a_larger_answer_is_not() {
        let cache = ResponseCache::new(2, 2);
        cache.land(0, "analyst /api/density?grid", Some(&answer(12 << 20)));
        cache.land(0, "analyst /api/gistar?grid", Some(&answer(19 << 20)));
        cache.land(0, "analyst /api/gistar?cells", Some(&answer(106 << 20)));
        assert!(cache.lookup(0, "analyst /api/density?grid").is_ok());
        assert!(cache.lookup(0, "analyst /api/gistar?grid").is_ok());
        assert!(cache.lookup(0, "analyst /api/gistar?cells").is_err());
    }

    #[test]
    fn tiles_never_push_out_analyses() {
        let cache = ResponseCache::new(2, 2);
        cache.land(0, "analyst /api/hotspots?x", Some(&answer(1000)));
        for i in 0..5_000 {
            let key = format!("analyst /api/tiles/incidents/16/{i}/0.mvt");
            cache.land(0, &key, Some(&answer(4 << 10)));
        }
        assert!(cache.lookup(0, "analyst /api/hotspots?x").is_ok());
        let inner = cache.inner.lock().unwrap();
        assert!(inner.tiles.bytes <= MAX_TILE_BYTES);
        assert!(inner
            .tiles
            .entries
            .contains_key("analyst /api/tiles/incidents/16/4999/0.mvt"));
    }
}
