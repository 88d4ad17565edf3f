//! Sign-in: argon2 password check, a random session token in an HttpOnly cookie, the session in
//! the database (so several app instances share it), and extractors that require it.

use axum::extract::{FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use cookie::time::Duration;
use cookie::{Cookie, SameSite};
use domain::bi;
use serde::Deserialize;
use store::{SessionUser, Store};

use crate::AppState;
use crate::error::{AppError, PageError, PageResult};
use crate::i18n::{Tr, lang_of};
use axum::Router;
use axum::routing::{get, post};

pub const SESSION_COOKIE: &str = "gongjian_session";

/// Reads one cookie from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// The session token the browser sent, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// A `Set-Cookie` value (none for a cookie that cannot be a header, which ours never are).
pub(crate) fn set_cookie(cookie: Cookie<'_>) -> Option<HeaderValue> {
    HeaderValue::from_str(&cookie.to_string()).ok()
}

fn header(cookie: Cookie<'_>) -> HeaderValue {
    set_cookie(cookie).unwrap_or_else(|| HeaderValue::from_static("gongjian_session=; Path=/"))
}

pub fn session_cookie(token: &str) -> HeaderValue {
    header(
        Cookie::build((SESSION_COOKIE, token.to_string()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(Duration::seconds(store::SESSION_SECONDS))
            .build(),
    )
}

fn clear_cookie() -> HeaderValue {
    header(
        Cookie::build((SESSION_COOKIE, ""))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(Duration::ZERO)
            .build(),
    )
}

/// The user of the session the request carries, if any.
pub(crate) async fn user_from(
    headers: &HeaderMap,
    store: &Store,
) -> Result<Option<SessionUser>, AppError> {
    let user = match session_token(headers) {
        Some(token) => store.session_user(&token).await?,
        None => None,
    };
    if let Some(user) = &user {
        store::audit_actor(&user.username);
    }
    Ok(user)
}

/// The signed-in user of an API call; 401 without a session.
pub struct ApiUser(pub SessionUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match user_from(&parts.headers, &state.store).await? {
            Some(user) if user.must_change_password => Err(AppError::Refused(bi(
                "请先在“修改密码”页面设置自己的密码",
                "set a password of your own first (修改密码)",
            ))),
            Some(user) => Ok(ApiUser(user)),
            None => Err(AppError::Unauthorized),
        }
    }
}

/// The signed-in user of a page and the language of the page; without a session the browser is
/// sent to the sign-in page and brought back afterwards.
pub struct PageUser {
    pub user: SessionUser,
    pub tr: Tr,
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let tr = Tr {
            lang: lang_of(&parts.headers, &parts.uri),
            flash: crate::layout::flash_of(&parts.headers),
        };
        match user_from(&parts.headers, &state.store).await {
            // A temporary password (a reset) is changed before anything else.
            Ok(Some(user))
                if user.must_change_password
                    && parts.uri.path() != crate::account::PASSWORD_PAGE =>
            {
                Err(Redirect::to(crate::account::PASSWORD_PAGE).into_response())
            }
            Ok(Some(user)) => Ok(PageUser { user, tr }),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/projects");
                Err(
                    Redirect::to(&format!("/login?next={}", crate::pages::url_encode(next)))
                        .into_response(),
                )
            }
            Err(e) => Err(PageError(e).into_response()),
        }
    }
}

/// The client's address: as the connection gives it, or behind a trusted reverse proxy as the
/// proxy saw it (none when the server was started without either, as in-process callers are).
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Behind a trusted proxy, the address it saw: the last one it appended.
        let forwarded = state
            .trust_proxy
            // The last header line (a proxy may add its own line after the client's).
            .then(|| parts.headers.get_all("x-forwarded-for").iter().next_back())
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|last| last.trim().parse::<std::net::IpAddr>().ok());
        Ok(ClientAddress(forwarded.or_else(|| {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip())
        })))
    }
}

/// Checks a username and password: refused with [`AppError::TooManyAttempts`] while the
/// username or the address must wait after failures (`domain::signin`), else the hash is
/// checked on the hashing threads ([`Hashing`]). A failure is recorded; a success clears the
/// username's failures.
pub async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
    from: ClientAddress,
) -> Result<i64, AppError> {
    let store = &state.store;
    let username = username.trim();
    let address = from.0.map(|ip| ip.to_string());
    let now = chrono::Utc::now().timestamp();
    // Recorded first, as the username's failure until it succeeds: attempts at one account
    // made at once count each other. Its address is charged only once it has failed.
    let attempt = store.record_sign_in_failure(username, None).await?;
    let failures = store
        .sign_in_failures_before(
            username,
            address.as_deref(),
            now - domain::signin::WINDOW_SECS,
            attempt,
        )
        .await?;
    let wait = [&failures.username, &failures.address]
        .into_iter()
        .filter_map(|times| domain::signin::wait(times, now))
        .max();
    if let Some(retry_after) = wait {
        // Not tried: not a failure either.
        store.forget_sign_in_attempt(attempt).await?;
        return Err(AppError::TooManyAttempts { retry_after });
    }
    // No password is this long: a failure, without spending a hash on it.
    if password.len() > MAX_PASSWORD_BYTES {
        store
            .charge_sign_in_attempt(attempt, address.as_deref())
            .await?;
        return Err(AppError::WrongPassword);
    }
    let user = store.user_by_username(username).await?;
    // An unknown username costs one full verification too, so usernames cannot be probed by
    // timing.
    let hash = user
        .as_ref()
        .map_or_else(|| DUMMY_HASH.clone(), |u| u.password_hash.clone());
    let ok = state.hashing.verify(password.to_string(), hash).await?;
    match user {
        Some(user) if ok && user.active == 1 => {
            // The sign-in itself (the user's last sign-in) is recorded as theirs.
            store::audit_actor(&user.username);
            store.forget_sign_in_attempt(attempt).await?;
            store.clear_sign_in_failures(username).await?;
            Ok(user.id)
        }
        _ => {
            store
                .charge_sign_in_attempt(attempt, address.as_deref())
                .await?;
            Err(AppError::WrongPassword)
        }
    }
}

/// The longest password checked (longer ones are failures without a hash).
const MAX_PASSWORD_BYTES: usize = 1024;

/// Password hashes are checked on a few threads of their own, one per core: a burst of
/// sign-ins waits its turn in a queue instead of each taking a hash's memory (~19 MB) at once,
/// and memory the allocator keeps per thread stays with these few threads (on a thread pool of
/// many, each would keep its own 19 MB). The threads end when the last handle is dropped.
#[derive(Clone)]
pub struct Hashing {
    jobs: std::sync::mpsc::SyncSender<Box<dyn FnOnce() + Send>>,
}

/// Checks waiting for a hashing thread (as many as connections; a waiting check holds only
/// its strings); more are refused as busy (503) instead of queued.
const HASH_QUEUE: usize = crate::MAX_CONNECTIONS;

impl std::fmt::Debug for Hashing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hashing")
    }
}

impl Hashing {
    pub fn new(threads: usize) -> Hashing {
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Box<dyn FnOnce() + Send>>(HASH_QUEUE);
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || {
                    loop {
                        let job = match queue.lock() {
                            Ok(queue) => match queue.recv() {
                                Ok(job) => job,
                                Err(_) => return,
                            },
                            Err(_) => return,
                        };
                        job();
                    }
                });
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "cannot start a password-hashing thread");
            }
        }
        Hashing { jobs }
    }

    /// Whether `password` matches the stored `hash`.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, AppError> {
        let (done, answer) = tokio::sync::oneshot::channel::<bool>();
        let job = Box::new(move || {
            // The client has gone: nobody waits for this check.
            if !done.is_closed() {
                let _ = done.send(store::verify_password(&password, &hash));
            }
        });
        self.jobs.try_send(job).map_err(|e| match e {
            std::sync::mpsc::TrySendError::Full(_) => AppError::Busy,
            std::sync::mpsc::TrySendError::Disconnected(_) => {
                AppError::Internal("no password-hashing thread".into())
            }
        })?;
        answer
            .await
            .map_err(|_| AppError::Internal("a password-hashing thread stopped".into()))
    }
}

/// A real hash of nothing in particular, so an unknown username costs one full verification.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| store::hash_password("gongjian-no-such-user").unwrap_or_default());

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MeBody {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// A role code: admin, lead_office, task_lead, support, responsible, linked, leadership.
    pub role: String,
    pub unit_id: i64,
    pub unit_name: String,
}

impl From<SessionUser> for MeBody {
    fn from(u: SessionUser) -> Self {
        MeBody {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.code().into(),
            unit_id: u.unit_id,
            unit_name: u.unit_name,
        }
    }
}

/// Signs in and sets the session cookie.
#[utoipa::path(post, path = "/api/login", request_body = LoginBody, tag = "session",
    responses((status = 200, body = MeBody), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_login(
    State(state): State<AppState>,
    from: ClientAddress,
    crate::api::JsonBody(body): crate::api::JsonBody<LoginBody>,
) -> Result<Response, AppError> {
    let user_id = authenticate(&state, &body.username, &body.password, from).await?;
    let token = state.store.create_session(user_id).await?;
    let user = state
        .store
        .session_user(&token)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let mut response = Json(MeBody::from(user)).into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, session_cookie(&token));
    Ok(response)
}

/// Ends the session.
#[utoipa::path(post, path = "/api/logout", tag = "session", responses((status = 204)))]
pub async fn api_logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = session_token(&headers) {
        state.store.delete_session(&token).await?;
    }
    let mut response = axum::http::StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(SET_COOKIE, clear_cookie());
    Ok(response)
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/me", tag = "session", responses((status = 200, body = MeBody), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_me(ApiUser(user): ApiUser) -> Json<MeBody> {
    Json(MeBody::from(user))
}

#[derive(Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// Only local paths are followed after sign-in, so the login page cannot send anyone elsewhere;
/// anything else goes to the start page, which sends each role where it works.
pub fn safe_next(next: &str) -> &str {
    // Browsers drop tabs and newlines from a Location, so "/\t/host" would become "//host".
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if local { next } else { "/" }
}

pub async fn page_login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    from: ClientAddress,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let tr = Tr::new(lang_of(&headers, &uri));
    let user_id = match authenticate(&state, &form.username, &form.password, from).await {
        Ok(id) => id,
        // Refused: the sign-in page again, saying why (and, throttled, when to try again).
        Err(refused @ (AppError::WrongPassword | AppError::TooManyAttempts { .. })) => {
            let mut page = crate::pages::login_page(
                tr,
                &form.username,
                &form.next,
                Some(refused.message()),
                state.demo,
            );
            if let AppError::TooManyAttempts { retry_after } = refused {
                *page.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
                page.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, retry_after.into());
            }
            return Ok(page);
        }
        Err(e) => return Err(e.into()),
    };
    let token = state.store.create_session(user_id).await?;
    let mut response = Redirect::to(safe_next(&form.next)).into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, session_cookie(&token));
    Ok(response)
}

/// `GET /`: each role's start page ([`crate::layout::landing`]), or the sign-in page.
pub async fn start(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    Ok(match user_from(&headers, &state.store).await? {
        Some(user) => Redirect::to(crate::layout::landing(user.role)),
        None => Redirect::to("/login"),
    }
    .into_response())
}

pub async fn page_logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers)
        && let Err(e) = state.store.delete_session(&token).await
    {
        tracing::warn!(error = %e, "could not delete session");
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(SET_COOKIE, clear_cookie());
    response
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(start))
        .route(
            "/login",
            get(crate::pages::login_form).post(page_login_submit),
        )
        .route("/logout", post(page_logout))
}

/// The API routes of this module (under `/api`).
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/login", post(api_login))
        .route("/logout", post(api_logout))
        .route("/me", get(api_me))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/projects/3"), "/projects/3");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\t/evil.example"), "/");
        assert_eq!(safe_next("/\n"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next(""), "/");
    }

    #[test]
    fn reads_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; gongjian_session=abc; b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
    }
}
