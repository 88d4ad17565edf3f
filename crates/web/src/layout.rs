//! What every page shares around its content: the navigation each role sees, where each role
//! lands after signing in, and the error page drawn inside that layout.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::middleware::Next;
use axum::response::Redirect;
use axum::response::{Html, IntoResponse, Response};
use cookie::{Cookie, SameSite};
use domain::Role;
use store::SessionUser;

use crate::AppState;
use crate::error::{AppError, Failure};
use crate::i18n::{Flash, Tr, lang_of};
use crate::policy;

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
}

pub struct NavGroup {
    pub label: &'static str,
    pub links: Vec<NavLink>,
}

/// The navigation of a user, grouped as an office thinks of its work: 台账 · 填报审核 · 调度 ·
/// 排名与报告 · 管理. Each role sees what it uses; a link it could only be refused at is not
/// shown (a leader never sees 月报填报 or 接口文档).
pub fn nav(user: &SessionUser, tr: Tr) -> Vec<NavGroup> {
    let office = policy::is_office(user);
    let unit = policy::files_reports(user);
    let leader = policy::reads_only(user);
    let link = |href, key| NavLink {
        href,
        label: tr.t(key),
    };
    let mut groups = Vec::new();

    let mut ledger = vec![link("/projects", "nav.ledger")];
    if policy::may_create_project(user) {
        ledger.push(link("/projects/new", "nav.new"));
    }
    ledger.push(link("/approvals", "nav.approvals"));
    ledger.push(link("/service", "nav.service"));
    groups.push(("nav.group.ledger", ledger));

    if office || unit {
        let mut filing = vec![link(
            "/reports",
            if office { "nav.review" } else { "nav.reports" },
        )];
        filing.push(link("/adjustments", "nav.adjustments"));
        groups.push(("nav.group.reports", filing));
    }

    let mut dispatch = Vec::new();
    if !leader {
        dispatch.push(link("/todo", "nav.todo"));
    }
    dispatch.push(link("/problems", "nav.problems"));
    if office || leader {
        dispatch.push(link("/agenda", "nav.agenda"));
    }
    // A unit reads the decisions it owns and reports how they are carried out.
    dispatch.push(link("/meetings", "nav.meetings"));
    groups.push(("nav.group.dispatch", dispatch));

    groups.push((
        "nav.group.pipeline",
        vec![
            link("/leads", "nav.leads"),
            link("/land", "nav.land"),
            link("/funding", "nav.funding"),
            link("/batches", "nav.batches"),
            link("/tours", "nav.tours"),
            link("/hq", "nav.hq"),
        ],
    ));

    groups.push((
        "nav.group.rankings",
        vec![
            link("/dashboard", "nav.dashboard"),
            link("/status", "nav.status"),
            link("/rankings", "nav.rankings"),
        ],
    ));

    if office {
        let mut admin = vec![
            link("/import", "nav.import"),
            link("/campaign", "nav.campaign"),
            link("/calendar", "nav.calendar"),
        ];
        if policy::manages_users(user) {
            admin.push(link("/admin/users", "nav.users"));
            admin.push(link("/admin/units", "nav.units"));
        }
        if policy::manages_channels(user) {
            admin.push(link("/admin/notify", "nav.notify"));
        }
        if policy::reads_audit(user) {
            admin.push(link("/admin/audit", "nav.audit"));
        }
        if policy::reads_api_docs(user) {
            admin.push(link("/api/openapi.json", "nav.api"));
        }
        groups.push(("nav.group.admin", admin));
    }
    groups
        .into_iter()
        .map(|(key, links)| NavGroup {
            label: tr.t(key),
            links,
        })
        .collect()
}

/// Where a user lands after signing in: a leader on 总览, everyone else on 我的待办 (the lead
/// office's to-do links the overview).
pub fn landing(role: Role) -> &'static str {
    match role {
        Role::Leadership => "/dashboard",
        _ => "/todo",
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    tr: Tr,
    user: Option<SessionUser>,
    message: String,
}

/// The cookie that carries what an action did to the page it redirects to.
pub const FLASH_COOKIE: &str = "gongjian_flash";

/// A redirect after an action that tells the next page what was done: the message `key` of
/// the table (a `done.` key), with `{n}` standing for `n`.
pub fn done(to: &str, key: &'static str, n: Option<i64>) -> Response {
    let mut response = Redirect::to(to).into_response();
    let flash = Flash { key, n }.encode();
    let cookie = Cookie::build((FLASH_COOKIE, flash))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .build();
    if let Some(value) = crate::auth::set_cookie(cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// The message an action left for this request.
pub fn flash_of(headers: &HeaderMap) -> Option<Flash> {
    crate::auth::cookie(headers, FLASH_COOKIE).and_then(|v| Flash::decode(&v))
}

/// The pages' layer: draws a page's failure ([`crate::error::PageError`]) inside the layout, in
/// the language of the request and with the navigation of whoever asked; and forgets an
/// action's message once a page has shown it (a redirect passes it on).
pub async fn error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let tr = Tr::new(lang_of(request.headers(), request.uri()));
    let flash = crate::auth::cookie(request.headers(), FLASH_COOKIE).is_some();
    // Only the session's cookie is kept, for the rare failure: not every request's headers.
    let mut session = HeaderMap::new();
    for cookie in request.headers().get_all(COOKIE) {
        session.append(COOKIE, cookie.clone());
    }
    let mut response = next.run(request).await;
    if flash && !response.status().is_redirection() {
        let gone = Cookie::build((FLASH_COOKIE, ""))
            .path("/")
            .max_age(cookie::time::Duration::ZERO)
            .build();
        if let Some(value) = crate::auth::set_cookie(gone) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    let Some(Failure(error)) = response.extensions_mut().remove::<Failure>() else {
        return response;
    };
    let user = crate::auth::user_from(&session, &state.store)
        .await
        .ok()
        .flatten();
    render_error(tr, user, &error, response)
}

/// A body over the server's limit is refused before any handler sees it, with a bare 413; this
/// says why, in both languages: as JSON under `/api`, else as a page inside the layout.
pub async fn too_large(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let tr = Tr::new(lang_of(request.headers(), request.uri()));
    let mut session = HeaderMap::new();
    for cookie in request.headers().get_all(COOKIE) {
        session.append(COOKIE, cookie.clone());
    }
    let response = next.run(request).await;
    let bare = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_none_or(|t| t.as_bytes().starts_with(b"text/plain"));
    if response.status() != axum::http::StatusCode::PAYLOAD_TOO_LARGE || !bare {
        return response;
    }
    let error = AppError::TooLarge {
        limit_mb: crate::MAX_BODY_BYTES / (1024 * 1024),
    };
    if api {
        return error.into_response();
    }
    let user = crate::auth::user_from(&session, &state.store)
        .await
        .ok()
        .flatten();
    render_error(tr, user, &error, response)
}

fn render_error(tr: Tr, user: Option<SessionUser>, error: &AppError, plain: Response) -> Response {
    let page = ErrorTemplate {
        tr,
        user,
        message: error.message().get(tr.lang).to_string(),
    };
    match page.render() {
        Ok(html) => {
            let mut page = (error.status(), Html(html)).into_response();
            // When to try again, for a refusal that says so.
            let retry = axum::http::header::RETRY_AFTER;
            if let Some(after) = plain.headers().get(&retry) {
                page.headers_mut().insert(retry, after.clone());
            }
            page
        }
        Err(_) => plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Lang;

    fn links(role: Role) -> Vec<&'static str> {
        let user = SessionUser {
            id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            unit_id: 1,
            unit_name: "u".into(),
            must_change_password: false,
            region: None,
            unread: 0,
        };
        nav(&user, Tr::new(Lang::Zh))
            .into_iter()
            .flat_map(|g| g.links.into_iter().map(|l| l.href))
            .collect()
    }

    #[test]
    fn each_role_sees_what_it_uses() {
        let leader = links(Role::Leadership);
        assert!(leader.contains(&"/dashboard"));
        assert!(!leader.contains(&"/reports"), "a leader does not file");
        assert!(!leader.contains(&"/api/openapi.json"));
        assert!(!leader.contains(&"/projects/new"));
        let unit = links(Role::Responsible);
        assert!(unit.contains(&"/reports") && unit.contains(&"/todo"));
        assert!(!unit.contains(&"/campaign") && !unit.contains(&"/api/openapi.json"));
        let office = links(Role::LeadOffice);
        for href in [
            "/reports",
            "/campaign",
            "/calendar",
            "/agenda",
            "/api/openapi.json",
        ] {
            assert!(office.contains(&href), "the office sees {href}");
        }
        assert!(!links(Role::Support).contains(&"/reports"));
    }

    #[test]
    fn each_role_lands_where_it_works() {
        assert_eq!(landing(Role::Leadership), "/dashboard");
        assert_eq!(landing(Role::Responsible), "/todo");
        assert_eq!(landing(Role::LeadOffice), "/todo");
    }
}
