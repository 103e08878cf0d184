//! Who is asking (authentication) and what they may see (authorisation).
//!
//! * Passwords are hashed with argon2id (PHC strings, random salts).
//! * Tokens look like `hs_<id>_<secret>`: the id finds the row, and the
//!   SHA-256 of the 32-byte random secret is compared with the stored hash
//!   in constant time. Only the hash is stored, so a copy of the database
//!   does not hand out working tokens.
//! * Browsers get the same kind of token as an `HttpOnly`, `SameSite=Strict`
//!   session cookie with an expiry; scripts send `Authorization: Bearer`.
//! * A request with no credentials acts with the configured anonymous role
//!   (`public` unless the operator says otherwise); a request with bad
//!   credentials is refused rather than silently downgraded.

use std::net::SocketAddr;
use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use hotspot_core::Role;
use hotspot_store::{AuditEntry, Store};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{AppError, AppState};

/// Name of the browser session cookie.
pub const SESSION_COOKIE: &str = "hotspot_session";
/// How long a browser session lasts.
pub const SESSION_HOURS: i64 = 12;

/// The caller of one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// `None` for anonymous callers.
    pub username: Option<String>,
    pub role: Role,
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    if password.chars().count() < 12 {
        return Err(AppError::BadRequest(
            "passwords must be at least 12 characters".into(),
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing failed: {e}")))
}

/// Checks a password against a stored argon2 hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes a token for a user and stores its hash. The returned string is
/// the only copy of the secret.
pub async fn issue_token(
    store: &dyn Store,
    user_id: i64,
    kind: &str,
    label: &str,
    expires_at: Option<&str>,
) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let id = store
        .create_token(user_id, kind, label, &secret_hash(&secret), expires_at)
        .await?;
    Ok(format!("hs_{id}_{secret}"))
}

fn parse_token(token: &str) -> Option<(i64, &str)> {
    let rest = token.strip_prefix("hs_")?;
    let (id, secret) = rest.split_once('_')?;
    Some((id.parse().ok()?, secret))
}

/// The principal a token stands for, if it is valid, unexpired and its
/// user enabled.
pub async fn resolve_token(store: &dyn Store, token: &str) -> Result<Option<Principal>, AppError> {
    let Some((id, secret)) = parse_token(token) else {
        return Ok(None);
    };
    let Some(stored) = store.token(id).await? else {
        return Ok(None);
    };
    let matches: bool = secret_hash(secret)
        .as_bytes()
        .ct_eq(stored.secret_hash.as_bytes())
        .into();
    let expired = stored.expires_at.as_deref().is_some_and(|e| {
        chrono::DateTime::parse_from_rfc3339(e)
            .map(|t| t < chrono::Utc::now())
            .unwrap_or(true)
    });
    Ok(
        (matches && !expired && !stored.user.disabled).then_some(Principal {
            username: Some(stored.user.username),
            role: stored.user.role,
        }),
    )
}

/// The token a request carries: a bearer token, else the session cookie.
pub fn request_token(req: &Request) -> Option<String> {
    let headers = req.headers();
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return v.strip_prefix("Bearer ").map(|t| t.trim().to_string());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The client's address: the TCP peer, or, when the peer is a trusted
/// reverse proxy or load balancer, the right-most address in
/// `X-Forwarded-For` that is not itself a trusted proxy (the left-most
/// entries are whatever the client chose to send, so they are not trusted).
pub fn client_of(req: &Request, trusted_proxies: &[std::net::IpAddr]) -> Option<std::net::IpAddr> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<std::net::IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted_proxies.contains(a))
            .unwrap_or(peer),
    )
}

/// Middleware: rate-limits per client, works out the principal, runs the
/// request, and records it in the audit log.
pub async fn authenticate(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let client = client_of(&req, &state.config.trusted_proxies);
    if let Some(limiter) = &state.rate_limiter {
        let key = client.unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
        if limiter.check_key(&key).is_err() {
            return Err(AppError::TooManyRequests);
        }
    }
    let method = req.method().to_string();
    // Inside the nested /api router the URI has lost its prefix.
    let uri = req
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| req.uri().clone(), |o| o.0.clone());
    let mut entry = AuditEntry {
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        username: None,
        role: Role::Public,
        client: client.map(|c| c.to_string()),
        method,
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        status: 0,
    };
    let principal = match request_token(&req) {
        Some(token) => match resolve_token(state.store.as_ref(), &token).await? {
            Some(p) => p,
            // A stale session cookie must not lock the browser out of
            // signing in again (it cannot clear an HttpOnly cookie itself).
            None if matches!(entry.path.as_str(), "/api/login" | "/api/logout") => Principal {
                username: None,
                role: Role::Public,
            },
            None => {
                // Failed credentials are audited too: they may be an attack.
                let err =
                    AppError::Unauthorized("invalid or expired credentials: sign in again".into());
                entry.status = err.status().as_u16();
                state.audit(entry);
                return Err(err);
            }
        },
        None => Principal {
            username: None,
            role: state.config.anonymous_role,
        },
    };
    req.extensions_mut().insert(principal.clone());
    let response = next.run(req).await;
    entry.username = principal.username;
    entry.role = principal.role;
    entry.status = response.status().as_u16();
    state.audit(entry);
    Ok(response)
}

/// Middleware factory: refuses callers below `min`.
pub async fn require(min: Role, req: Request, next: Next) -> Result<Response, AppError> {
    let principal = req
        .extensions()
        .get::<Principal>()
        .cloned()
        .ok_or_else(|| AppError::Internal("authentication layer missing".into()))?;
    if principal.role >= min {
        return Ok(next.run(req).await);
    }
    match principal.username {
        None => Err(AppError::Unauthorized(format!(
            "this needs the {min} role: sign in (POST /api/login) or send an API token"
        ))),
        Some(user) => Err(AppError::Forbidden(format!(
            "{user} has the {} role; this needs {min}",
            principal.role
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("anything", "not a hash"));
        assert!(hash_password("short").is_err());
        assert_ne!(h, hash_password("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let proxy: std::net::IpAddr = "10.0.0.5".parse().unwrap();
        let req = |peer: &str, xff: Option<&str>| {
            let mut r = Request::builder().uri("/api/health");
            if let Some(x) = xff {
                r = r.header("x-forwarded-for", x);
            }
            let mut r = r.body(axum::body::Body::empty()).unwrap();
            r.extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 5000)));
            r
        };
        let ip = |s: &str| Some(s.parse::<std::net::IpAddr>().unwrap());
        // Untrusted peer: its own address, whatever it claims.
        assert_eq!(
            client_of(&req("203.0.113.9", Some("1.2.3.4")), &[proxy]),
            ip("203.0.113.9")
        );
        // Trusted proxy: the right-most untrusted forwarded address.
        assert_eq!(
            client_of(&req("10.0.0.5", Some("6.6.6.6, 198.51.100.7")), &[proxy]),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_of(&req("10.0.0.5", Some("198.51.100.7, 10.0.0.5")), &[proxy]),
            ip("198.51.100.7")
        );
        // Trusted proxy without the header, or with garbage: the proxy.
        assert_eq!(client_of(&req("10.0.0.5", None), &[proxy]), ip("10.0.0.5"));
        assert_eq!(
            client_of(&req("10.0.0.5", Some("not an ip")), &[proxy]),
            ip("10.0.0.5")
        );
        // Nothing trusted: headers are ignored.
        assert_eq!(
            client_of(&req("10.0.0.5", Some("198.51.100.7")), &[]),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn tokens_parse() {
        assert_eq!(parse_token("hs_12_abcd"), Some((12, "abcd")));
        assert_eq!(parse_token("hs_x_abcd"), None);
        assert_eq!(parse_token("12_abcd"), None);
    }

    #[tokio::test]
    async fn tokens_resolve_only_with_the_right_secret() {
        let store = hotspot_store::open("sqlite::memory:").await.unwrap();
        let user = store
            .create_user(
                "ana",
                &hash_password("a long password").unwrap(),
                Role::Analyst,
            )
            .await
            .unwrap();
        let token = issue_token(store.as_ref(), user.id, "api", "test", None)
            .await
            .unwrap();
        let p = resolve_token(store.as_ref(), &token)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (p.username.as_deref(), p.role),
            (Some("ana"), Role::Analyst)
        );
        let mut forged = token.clone();
        forged.pop();
        forged.push('0');
        let forged = if forged == token {
            token.replace("hs_", "hs_9")
        } else {
            forged
        };
        assert_eq!(resolve_token(store.as_ref(), &forged).await.unwrap(), None);
        let past = "2000-01-01T00:00:00Z";
        let expired = issue_token(store.as_ref(), user.id, "session", "old", Some(past))
            .await
            .unwrap();
        assert_eq!(resolve_token(store.as_ref(), &expired).await.unwrap(), None);
    }
}
