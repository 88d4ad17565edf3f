//! The web application: server-rendered pages (简体中文 by default, English switch), the JSON
//! API and its OpenAPI document, and the assets, all served from inside the binary.
//!
//! Architecture Invariant: `app(state)` is the whole HTTP surface; tests drive it through a real
//! listener. Nothing is loaded from the internet: CSS, JS and icons are compiled in.

pub mod account;
pub mod adjustments;
pub mod admin;
pub mod api;
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod batches_pages;
pub mod calendar;
pub mod campaign;
pub mod channels;
mod charts;
pub mod dashboard;
pub mod documents;
pub mod dossier;
pub mod error;
pub mod funding_pages;
mod gantt;
pub mod hq_pages;
pub mod i18n;
mod idle;
pub mod import;
pub mod imports;
pub mod inbox;
pub mod land_pages;
pub mod layout;
pub mod leads;
pub mod leads_pages;
pub mod meetings;
pub mod pages;
pub mod policy;
pub mod problems;
pub mod rankings;
pub mod reports;
pub mod status;
pub mod todo;
pub mod tours_pages;
pub mod units;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::Unit;
use store::Store;

use crate::error::AppError;

/// What every request handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    /// Show the demo login on the sign-in page.
    pub demo: bool,
    /// The day the whole app works on when it is not today: the demo's frozen date, or a
    /// test's. Reports, deadlines, to-dos, problems, approvals and their plans all use it.
    pub day: Option<chrono::NaiveDate>,
    /// Where password hashes are checked: one thread per core (see [`auth::Hashing`]).
    pub hashing: auth::Hashing,
    /// How long a client may take to send a request's head ([`HEADER_TIMEOUT`] unless set).
    pub header_timeout: std::time::Duration,
    /// The origin users reach the server at (`https://host`), when configured: forms are taken
    /// only from it, and over HTTPS cookies are `Secure` and HSTS is sent.
    pub public_origin: Option<String>,
    /// Behind a reverse proxy: the client's address is the last in `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// A new installation's one-time setup token (`/setup?token=…` creates the first
    /// administrator); taken when used.
    pub setup: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    /// Messages out: the channels in force, for the one-tap 催报 and the administration pages.
    pub notifier: std::sync::Arc<notify::Notifier>,
}

/// Option lists of the filters and forms.
pub struct Lists {
    pub units: Vec<Unit>,
    pub regions: Vec<store::Region>,
    pub industries: Vec<String>,
}

impl AppState {
    pub fn new(store: Store, demo: bool) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        AppState {
            store,
            demo,
            day: None,
            hashing: auth::Hashing::new(cores),
            header_timeout: HEADER_TIMEOUT,
            setup: std::sync::Arc::default(),
            public_origin: None,
            trust_proxy: false,
            notifier: std::sync::Arc::new(notify::Notifier::new(
                notify::NotifyConfig::default(),
                None,
            )),
        }
    }

    /// Opens the first-start page (`/setup?token=…`) with this one-time token.
    pub fn with_setup_token(self, token: String) -> AppState {
        if let Ok(mut setup) = self.setup.lock() {
            *setup = Some(token);
        }
        self
    }

    /// Works as if it were `day` everywhere (the demo, and tests whose data must not age with
    /// the calendar).
    pub fn on_day(mut self, day: chrono::NaiveDate) -> AppState {
        self.day = Some(day);
        self
    }

    /// The app's today: its fixed day when set, else today in China Standard Time.
    pub fn today(&self) -> chrono::NaiveDate {
        self.day.unwrap_or_else(pages::today)
    }

    pub async fn lists(&self) -> Result<Lists, AppError> {
        Ok(Lists {
            units: self.store.units().await?,
            regions: self.store.regions().await?,
            industries: self.store.industries().await?,
        })
    }
}

/// Parses a form or API body and checks that the units and region it names exist; what the
/// user must correct comes back as [`AppError::Validation`].
pub async fn checked_fields(
    store: &Store,
    input: &domain::ProjectInput,
) -> Result<domain::ProjectFields, AppError> {
    let fields = input.parse().map_err(AppError::Validation)?;
    let missing = store.missing_references(&fields).await?;
    if missing.is_empty() {
        Ok(fields)
    } else {
        Err(AppError::Validation(missing))
    }
}

/// The rows of a read workbook as the store writes them (names still to be resolved).
pub fn ledger_rows(projects: Vec<office::ImportedProject>) -> Vec<store::LedgerRow> {
    projects
        .into_iter()
        .map(|p| store::LedgerRow {
            sheet: p.sheet,
            row: p.row,
            fields: p.fields,
            unit_name: p.unit_name,
            lead_department_name: p.lead_department_name,
            region_name: p.region_name,
        })
        .collect()
}

/// Writes projects to .xlsx bytes with the office crate.
pub fn export_xlsx(projects: &[domain::Project]) -> Result<Vec<u8>, office::ExportError> {
    let rows: Vec<office::ExportRow> = projects
        .iter()
        .map(|p| office::ExportRow {
            fields: &p.fields,
            unit_name: p.unit_name.as_deref(),
            lead_department_name: p.lead_department_name.as_deref(),
            region_name: p.region_name.as_deref(),
        })
        .collect();
    office::write_ledger(&rows, "项目台账")
}

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
const FAVICON: &str = include_str!("../static/favicon.svg");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// Refuses state-changing requests sent by another site: the origin a browser names (`Origin`,
/// else the `Referer`'s) must be the configured public origin (scheme and host), or without one
/// this server's `Host`. A form sent with neither is refused too; a JSON body without them is
/// a script's (no other site can make a browser send JSON without asking this server first).
/// Session cookies are SameSite=Lax as well; this covers browsers that do not honour it.
/// Every change a request makes is recorded in the audit log as made from a page or the API,
/// at the client's address; the user is named once the session is read (`auth::user_from`).
async fn audit_context(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let address = match auth::ClientAddress::from_request_parts(&mut parts, &state).await {
        Ok(a) => a.0.map(|ip| ip.to_string()),
        Err(never) => match never {},
    };
    let source = if parts.uri.path().starts_with("/api/") {
        store::AuditSource::Api
    } else {
        store::AuditSource::Page
    };
    let context = store::AuditContext {
        actor: None,
        source,
        address,
    };
    let request = Request::from_parts(parts, body);
    store::with_audit(context, next.run(request)).await
}

async fn same_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !unsafe_method {
        return next.run(request).await;
    }
    let headers = request.headers();
    let named = headers
        .get(ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            // "https://host:port/path" → "https://host:port".
            let referer = headers.get(axum::http::header::REFERER)?.to_str().ok()?;
            let (scheme, rest) = referer.split_once("://")?;
            Some(format!("{scheme}://{}", rest.split('/').next()?))
        });
    let allowed = match named {
        Some(origin) => match &state.public_origin {
            Some(public) => origin.eq_ignore_ascii_case(public),
            None => {
                let host = headers
                    .get(HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or_default();
                // "null" comes from sandboxed frames and files: not this site either.
                origin != "null" && origin.split("://").nth(1) == Some(host)
            }
        },
        None => headers
            .get(CONTENT_TYPE)
            .and_then(|t| t.to_str().ok())
            .is_some_and(|t| t.starts_with("application/json")),
    };
    if !allowed {
        return AppError::Refused(domain::bi(
            "无法确认请求来自本系统的页面，已拒绝；请从系统页面重新提交",
            "this request does not come from this system's pages; submit it again from the page",
        ))
        .into_response();
    }
    next.run(request).await
}

/// Served over HTTPS (the public origin says so): cookies only over HTTPS, and browsers told to
/// keep to it for a year.
async fn secure_transport(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if state
        .public_origin
        .as_deref()
        .is_some_and(|o| o.starts_with("https://"))
    {
        let cookies: Vec<HeaderValue> = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .cloned()
            .collect();
        response.headers_mut().remove(SET_COOKIE);
        for cookie in cookies {
            let text = cookie.to_str().unwrap_or_default();
            let secured = if text.to_ascii_lowercase().contains("; secure") {
                cookie.clone()
            } else {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie.clone())
            };
            response.headers_mut().append(SET_COOKIE, secured);
        }
        response.headers_mut().insert(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Remembers the language chosen with `?lang=` in a cookie for the pages that follow.
async fn remember_lang(request: Request, next: Next) -> Response {
    let chosen = request.uri().query().and_then(|q| {
        q.split('&').find_map(|kv| match kv {
            "lang=en" => Some("en"),
            "lang=zh" => Some("zh"),
            _ => None,
        })
    });
    let mut response = next.run(request).await;
    if let Some(lang) = chosen {
        let cookie = format!(
            "{}={lang}; Path=/; Max-Age=31536000; SameSite=Lax",
            i18n::LANG_COOKIE
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

async fn not_found() -> Response {
    AppError::NotFound.into_response()
}

async fn page_not_found() -> error::PageError {
    error::PageError(AppError::NotFound)
}

/// The largest request body any route takes: a problem attachment (10 MB) with its form. Routes
/// that take less say so themselves (photos, the calendar's file).
pub const MAX_BODY_BYTES: usize = problems::MAX_ATTACHMENT_BYTES + 64 * 1024;

pub fn app(state: AppState) -> Router {
    use axum::http::header;
    use tower_http::set_header::SetResponseHeaderLayer as Set;
    let api = Router::new()
        .merge(auth::api_router())
        .merge(api::api_router())
        .merge(reports::api_router())
        .merge(problems::api_router())
        .merge(adjustments::api_router())
        .fallback(not_found);
    // Each module owns its pages; a page's failure is drawn inside the layout.
    let pages = Router::new()
        .merge(auth::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(audit::router())
        .merge(import::router())
        .merge(units::router())
        .merge(pages::router())
        .merge(dossier::router())
        .merge(approvals::router())
        .merge(dashboard::router())
        .merge(adjustments::router())
        .merge(calendar::router())
        .merge(campaign::router())
        .merge(status::router())
        .merge(rankings::router())
        .merge(reports::router())
        .merge(problems::router())
        .merge(meetings::router())
        .merge(todo::router())
        .merge(inbox::router())
        .merge(leads_pages::router())
        .merge(land_pages::router())
        .merge(funding_pages::router())
        .merge(batches_pages::router())
        .merge(tours_pages::router())
        .merge(hq_pages::router())
        .merge(documents::router())
        .merge(channels::router())
        .fallback(page_not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            layout::error_pages,
        ));
    Router::new()
        .merge(pages)
        .route(
            "/static/app.css",
            get(|| async { asset("text/css; charset=utf-8", CSS) }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", JS) }),
        )
        .route(
            "/static/favicon.svg",
            get(|| async { asset("image/svg+xml", FAVICON) }),
        )
        .route(
            "/favicon.ico",
            get(|| async { asset("image/svg+xml", FAVICON) }),
        )
        .route("/healthz", get(|| async { (StatusCode::OK, "ok") }))
        .nest("/api", api)
        .layer(middleware::from_fn(remember_lang))
        .layer(middleware::from_fn_with_state(state.clone(), audit_context))
        .layer(middleware::from_fn_with_state(state.clone(), same_origin))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            secure_transport,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            layout::too_large,
        ))
        // What every response says about itself: scripts, styles and images only from this
        // server, never inside another site's frame, no referrer sent elsewhere, no type
        // sniffing, and pages (which hold a county's data) never kept by caches — the static
        // files say otherwise.
        .layer(Set::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
                 object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            ),
        ))
        .layer(Set::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(Set::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(Set::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(Set::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Connections served at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 1024;
/// A client must send a request's headers within this time (also while a kept-alive connection
/// waits for its next request), so a slow or idle client cannot hold a connection.
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Serves the app until ctrl-c / SIGTERM. `on_ready` gets the bound address (port 0 picks one).
/// Each connection knows its client's address (sign-in throttling counts by it); at most
/// [`MAX_CONNECTIONS`] are open at once, each dropped when its client sends no complete request
/// head within [`HEADER_TIMEOUT`] or goes quiet (nothing read or written) as long; on shutdown, requests under way finish (up to 30 seconds).
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_ready(listener.local_addr()?);
    let header_timeout = state.header_timeout;
    let app = app(state);
    let open = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    // HTTP/1 only: browsers speak it to a plain-HTTP server, or through the proxy.
    let mut builder =
        hyper_util::server::conn::auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = app
            .clone()
            .map_request(move |mut request: axum::http::Request<_>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(remote));
                request
            });
        let connection = builder.serve_connection_with_upgrades(
            TokioIo::new(idle::Idle::new(stream, header_timeout)),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(std::time::Duration::from_secs(30), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still under way after 30 s; stopping anyway");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
