//! Who is asking, signing in and out, accounts, tokens and the audit log.

use hotspot_api::responses::ErrorBody;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use hotspot_core::Role;

use crate::auth::{self, Principal};
use crate::query::ApiQuery;
use crate::{AppError, AppState, JsonBody, PathParam};
use hotspot_api::params::AuditOptions;
use hotspot_api::requests::{Credentials, NewToken, NewUser};
use hotspot_api::responses::{Me, Session, TokenCreated};

/// The caller: user name (null when anonymous), role, and the threshold
/// below which the public role's counts are suppressed, so the map client
/// can adapt.
#[utoipa::path(get, path = "/me",
    summary = "Who is asking: user name, role and the suppression threshold",
    responses((status = 200, description = "The caller", body = Me)))]
pub(crate) async fn me(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
) -> Json<Me> {
    Json(Me {
        username: who.username,
        role: who.role,
        suppress_below: state.config.suppress_below,
    })
}

/// A precomputed hash to verify against when the user does not exist, so a
/// wrong name takes as long as a wrong password.
pub(crate) fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("not a real password at all").expect("hashes"))
}

/// `POST /api/login {"username","password"}`: starts a browser session.
#[utoipa::path(post, path = "/login",
    summary = "Start a browser session",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in; the session token is set as the hotspot_session cookie",
            body = Session,
            headers(("Set-Cookie" = String, description = "hotspot_session=hs_…; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200"))),
        (status = 415, description = "The body is not declared as application/json", body = ErrorBody),
        (status = 422, description = "The JSON does not have the expected fields", body = ErrorBody),
    ))]
pub(crate) async fn login(
    State(state): State<Arc<AppState>>,
    JsonBody(c): JsonBody<Credentials>,
) -> Result<Response, AppError> {
    let found = state.store.user_credentials(&c.username).await?;
    let (hash, user) = match &found {
        Some((user, hash)) if !user.disabled => (hash.clone(), Some(user.clone())),
        _ => (dummy_hash().to_string(), None),
    };
    let password = c.password;
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => return Err(AppError::Unauthorized("wrong user name or password".into())),
    };
    let expires = chrono::Utc::now() + chrono::Duration::hours(auth::SESSION_HOURS);
    let expires_at = expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let token = auth::issue_token(
        state.store.as_ref(),
        user.id,
        "session",
        "browser",
        Some(&expires_at),
    )
    .await?;
    let cookie = format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        auth::SESSION_COOKIE,
        auth::SESSION_HOURS * 3600,
        if state.config.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(Session {
            username: user.username,
            role: user.role,
            expires_at,
        }),
    )
        .into_response())
}

/// `POST /api/logout`: ends the browser session (its token is deleted).
#[utoipa::path(post, path = "/logout",
    summary = "End the browser session (its token is deleted)",
    description = "Deletes the token the request carries, bearer or cookie.",
    responses((status = 204, description = "Signed out; the cookie is cleared",
        headers(("Set-Cookie" = String, description = "hotspot_session=; Max-Age=0")))))]
pub(crate) async fn logout(
    State(state): State<Arc<AppState>>,
    request: Request,
) -> Result<Response, AppError> {
    if let Some((id, _)) = auth::request_token(&request)
        .as_deref()
        .and_then(|t| t.strip_prefix("hs_")?.split_once('_'))
        .and_then(|(id, s)| Some((id.parse::<i64>().ok()?, s.to_string())))
    {
        state.store.delete_token(id).await?;
    }
    let cookie = format!(
        "{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
        auth::SESSION_COOKIE
    );
    Ok(([(header::SET_COOKIE, cookie)], StatusCode::NO_CONTENT).into_response())
}

#[utoipa::path(get, path = "/users",
    summary = "Accounts",
    responses((status = 200, description = "Accounts (no password hashes)", body = UserList)))]
pub(crate) async fn list_users(
    State(state): State<Arc<AppState>>,
) -> Result<Json<UserList>, AppError> {
    Ok(Json(UserList {
        users: state.store.users().await?,
    }))
}

/// `POST /api/users {"username","password","role"}` (admin).
#[utoipa::path(post, path = "/users",
    summary = "Create an account",
    request_body = NewUser,
    responses(
        (status = 201, description = "The account", body = hotspot_store::User, links(
            ("CreateToken" = (operation_id = "create_token", parameters(("name" = "$response.body#/username")))),
        )),
        (status = 409, description = "The user name is taken", body = ErrorBody),
        (status = 415, description = "The body is not declared as application/json", body = ErrorBody),
        (status = 422, description = "The JSON does not have the expected fields", body = ErrorBody),
    ))]
pub(crate) async fn create_user(
    State(state): State<Arc<AppState>>,
    JsonBody(u): JsonBody<NewUser>,
) -> Result<Response, AppError> {
    let user = create_account(state.store.as_ref(), &u.username, &u.password, u.role).await?;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

/// Validates and creates an account (shared by the API and the CLI).
pub async fn create_account(
    store: &dyn hotspot_store::Store,
    username: &str,
    password: &str,
    role: Role,
) -> Result<hotspot_store::User, AppError> {
    let name_ok = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if !name_ok {
        return Err(AppError::BadRequest(
            "user names are 1-64 letters, digits, '.', '_', '-' or '@'".into(),
        ));
    }
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(store.create_user(username, &hash, role).await?)
}

/// `POST /api/users/{name}/tokens {"label"}` (admin): an API token for
/// scripts, shown once.
#[utoipa::path(post, path = "/users/{name}/tokens",
    summary = "Create an API token for scripts (shown once)",
    params(("name" = String, Path, description = "User name", example = "ana")),
    request_body = NewToken,
    responses(
        (status = 201, description = "The token", body = TokenCreated),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 415, description = "The body is not declared as application/json", body = ErrorBody),
        (status = 422, description = "The JSON does not have the expected fields", body = ErrorBody),
    ))]
pub(crate) async fn create_token(
    State(state): State<Arc<AppState>>,
    PathParam(name): PathParam<String>,
    JsonBody(t): JsonBody<NewToken>,
) -> Result<Response, AppError> {
    let (user, _) = state
        .store
        .user_credentials(&name)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user called {name:?}")))?;
    let token = auth::issue_token(state.store.as_ref(), user.id, "api", &t.label, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            token,
            username: user.username,
            role: user.role,
        }),
    )
        .into_response())
}

/// `GET /api/audit` (admin): who viewed or exported what, when; newest first.
#[utoipa::path(get, path = "/audit",
    summary = "The audit log: who viewed or exported what, when; newest first",
    params(AuditOptions),
    responses((status = 200, description = "Audit entries", body = AuditLog)))]
pub(crate) async fn audit_log(
    State(state): State<Arc<AppState>>,
    ApiQuery(o): ApiQuery<AuditOptions>,
) -> Result<Json<AuditLog>, AppError> {
    let limit = o.limit.map_or(1000, |l| l.0).clamp(1, 100_000);
    let offset = o.offset.map_or(0, |o| o.0).max(0);
    Ok(Json(AuditLog {
        audit: state.store.audit_log(limit, offset).await?,
    }))
}

/// `GET /api/users`: accounts, without password hashes.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct UserList {
    users: Vec<hotspot_store::User>,
}

/// `GET /api/audit`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct AuditLog {
    audit: Vec<hotspot_store::AuditEntry>,
}
