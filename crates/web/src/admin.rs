//! The administrator's users page: every user with role, unit, state, last sign-in and open
//! sessions; a new user with a temporary password (changed at the first sign-in); disabling
//! (their sessions end) and enabling; a reset to a temporary password.

use askama::Template;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::{Bilingual, Role, UnitKind, bi};
use serde::Deserialize;
use store::{NewUser, SessionUser, StoreError, UserSummary};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::{format_time, render_form};
use crate::{layout, policy};

struct UserRow {
    username: String,
    display_name: String,
    role: &'static str,
    unit: String,
    /// The region scope's name, "" without one.
    region: String,
    region_id: Option<i64>,
    active: bool,
    must_change: bool,
    last_sign_in: String,
    sessions: i64,
}

impl UserRow {
    fn of(u: UserSummary, lang: domain::Lang) -> UserRow {
        UserRow {
            role: u.role.label(lang),
            last_sign_in: u.last_sign_in.map(format_time).unwrap_or_default(),
            username: u.username,
            display_name: u.display_name,
            unit: u.unit,
            region: u.region.unwrap_or_default(),
            region_id: u.region_id,
            active: u.active,
            must_change: u.must_change_password,
            sessions: u.sessions,
        }
    }
}

/// The units' names, for the unit field's suggestions.
async fn unit_names(state: &AppState) -> Result<Vec<String>, AppError> {
    Ok(state
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| u.name)
        .collect())
}

/// The regions a user may be confined to: (id, "name（code）").
async fn region_options(state: &AppState) -> Result<Vec<(i64, String)>, AppError> {
    Ok(state
        .store
        .regions()
        .await?
        .into_iter()
        .map(|r| {
            let label = match r.code {
                Some(code) => format!("{}（{code}）", r.name),
                None => r.name,
            };
            (r.id, label)
        })
        .collect())
}

/// A region scope as chosen: "" is none, else a region's id.
fn region_choice(text: &str) -> Result<Option<i64>, Bilingual> {
    match text.trim() {
        "" => Ok(None),
        id => id
            .parse()
            .map(Some)
            .map_err(|_| bi("所选区域不存在", "the chosen region does not exist")),
    }
}

fn role_options(lang: domain::Lang) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .map(|r| (r.code(), r.label(lang)))
        .collect()
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersTemplate {
    tr: Tr,
    user: SessionUser,
    rows: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<String>,
    regions: Vec<(i64, String)>,
    form: NewUserForm,
    errors: Vec<String>,
}

/// A new user as typed.
#[derive(Deserialize, Default, Clone)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    /// The region scope: a region's id, "" for none.
    #[serde(default)]
    region: String,
    #[serde(default)]
    password: String,
}

impl NewUserForm {
    /// The role and region scope, or every problem with the form (the password by the rule
    /// for any password).
    fn checked(&self) -> Result<(Role, Option<i64>), Vec<Bilingual>> {
        let mut problems = Vec::new();
        if self.username.trim().is_empty()
            || self.display_name.trim().is_empty()
            || self.unit.trim().is_empty()
        {
            problems.push(bi(
                "请填写用户名、姓名和所在单位",
                "give the username, the name and the unit",
            ));
        }
        let role = Role::parse(self.role.trim());
        if role.is_none() {
            problems.push(bi("请选择角色", "choose a role"));
        }
        if let Err(m) = domain::signin::check_password(&self.password, self.username.trim()) {
            problems.push(m);
        }
        let region = region_choice(&self.region).map_err(|m| problems.push(m));
        match (role, region) {
            (Some(role), Ok(region)) if problems.is_empty() => Ok((role, region)),
            _ => Err(problems),
        }
    }
}

fn may(user: &SessionUser) -> Result<(), AppError> {
    if policy::manages_users(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn show(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    form: NewUserForm,
    errors: Vec<Bilingual>,
) -> PageResult {
    let lang = tr.lang;
    let rows = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| UserRow::of(u, lang))
        .collect();
    let units = unit_names(state).await?;
    let regions = region_options(state).await?;
    let invalid = !errors.is_empty();
    render_form(
        &UsersTemplate {
            regions,
            roles: role_options(lang),
            errors: errors.iter().map(|m| m.get(lang).to_string()).collect(),
            tr,
            user,
            rows,
            units,
            form,
        },
        invalid,
    )
}

/// `GET /admin/users`.
pub async fn page(State(state): State<AppState>, PageUser { user, tr }: PageUser) -> PageResult {
    may(&user)?;
    // Most new users are a unit's clerks: the role least likely to give too much.
    let form = NewUserForm {
        role: Role::Responsible.code().into(),
        ..NewUserForm::default()
    };
    show(&state, user, tr, form, Vec::new()).await
}

/// `POST /admin/users`: a new user, their unit created with them when new (both or neither).
pub async fn create(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<NewUserForm>,
) -> PageResult {
    may(&user)?;
    let (role, region) = match form.checked() {
        Ok(checked) => checked,
        Err(problems) => return show(&state, user, tr, form, problems).await,
    };
    let new = NewUser {
        username: form.username.trim(),
        display_name: form.display_name.trim(),
        password: &form.password,
        role,
        unit_id: 0,
    };
    let unit = form.unit.trim();
    match state
        .store
        .add_user_in_unit(&new, unit, UnitKind::guess(unit), true, region)
        .await
    {
        Ok(_) => Ok(layout::done("/admin/users", "done.user_created", None)),
        Err(StoreError::Duplicate { zh, en, .. }) => {
            let form = NewUserForm {
                password: String::new(),
                ..form
            };
            show(&state, user, tr, form, vec![bi(zh, en)]).await
        }
        Err(StoreError::Invalid(problems)) => {
            let form = NewUserForm {
                password: String::new(),
                ..form
            };
            show(&state, user, tr, form, problems).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    active: String,
}

/// `POST /admin/users/{username}/active`: disables (their sessions end) or enables a user.
pub async fn set_active(
    State(state): State<AppState>,
    PageUser { user, tr: _ }: PageUser,
    Path(username): Path<String>,
    Form(form): Form<ActiveForm>,
) -> PageResult {
    may(&user)?;
    let active = form.active == "1";
    if !active && username == user.username {
        return Err(AppError::Refused(bi(
            "不能停用自己的账号",
            "you cannot disable your own account",
        ))
        .into());
    }
    state.store.set_user_active(&username, active).await?;
    let done = if active {
        "done.user_enabled"
    } else {
        "done.user_disabled"
    };
    Ok(layout::done("/admin/users", done, None))
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

/// `POST /admin/users/{username}/reset`: a temporary password its user must change at the next
/// sign-in; their sessions end.
pub async fn reset(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(username): Path<String>,
    Form(form): Form<ResetForm>,
) -> PageResult {
    may(&user)?;
    let target = state
        .store
        .user_by_username(&username)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Err(m) = domain::signin::check_password(&form.password, &target.username) {
        let message = bi(
            format!("“{username}”的临时密码：{}", m.zh),
            format!("temporary password for “{username}”: {}", m.en),
        );
        return show(&state, user, tr, NewUserForm::default(), vec![message]).await;
    }
    state
        .store
        .set_password(target.id, &form.password, true)
        .await?;
    Ok(layout::done("/admin/users", "done.user_reset", None))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(page).post(create))
        .route("/admin/users/{username}", get(user_page).post(change_user))
        .route("/admin/users/{username}/active", post(set_active))
        .route("/admin/users/{username}/reset", post(reset))
        .route("/admin/users/{username}/contact", post(set_contact))
        .route("/admin/users/{username}/reset-link", post(reset_link))
        .route(
            "/admin/users/{username}/sessions/{session}/revoke",
            post(revoke),
        )
}

/// One user: their role and unit to change, their sessions to end one by one, a one-time link
/// to set a new password.
#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserTemplate {
    tr: Tr,
    user: SessionUser,
    target: UserRow,
    role_code: &'static str,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<String>,
    regions: Vec<(i64, String)>,
    sessions: Vec<SessionRow>,
    /// A reset link just issued, shown this once.
    link: Option<String>,
    errors: Vec<String>,
    /// How messages reach them ("" when unset).
    mobile: String,
    email: String,
}

struct SessionRow {
    id: String,
    created: String,
    last_seen: String,
}

async fn show_user(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    username: &str,
    link: Option<String>,
    errors: Vec<Bilingual>,
) -> PageResult {
    let lang = tr.lang;
    let found = state
        .store
        .user_summary(username)
        .await?
        .ok_or(AppError::NotFound)?;
    let role_code = found.role.code();
    let (mobile, email) = state.store.contact_of(found.id).await?;
    let target = UserRow::of(found, lang);
    let sessions = state
        .store
        .user_sessions(username)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            created: format_time(s.created_at),
            last_seen: format_time(s.last_seen),
        })
        .collect();
    let units = unit_names(state).await?;
    let regions = region_options(state).await?;
    let invalid = !errors.is_empty();
    render_form(
        &UserTemplate {
            regions,
            roles: role_options(lang),
            errors: errors.iter().map(|m| m.get(lang).to_string()).collect(),
            tr,
            user,
            target,
            role_code,
            units,
            sessions,
            link,
            mobile: mobile.unwrap_or_default(),
            email: email.unwrap_or_default(),
        },
        invalid,
    )
}

/// A user's mobile number and e-mail address as typed.
#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    email: String,
}

/// `POST /admin/users/{username}/contact`: how messages reach the user (a group robot's @ and
/// SMS by mobile, e-mail).
pub async fn set_contact(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(username): Path<String>,
    Form(form): Form<ContactForm>,
) -> PageResult {
    if !policy::manages_channels(&user) {
        return Err(AppError::Forbidden.into());
    }
    match state
        .store
        .set_contact(&username, Some(&form.mobile), Some(&form.email))
        .await
    {
        Ok(()) => {}
        Err(StoreError::Rule(m)) => {
            return show_user(&state, user, tr, &username, None, vec![m]).await;
        }
        Err(e) => return Err(e.into()),
    }
    let back = format!("/admin/users/{}", crate::pages::url_encode(&username));
    Ok(layout::done(&back, "done.contact_saved", None))
}

/// `GET /admin/users/{username}`.
pub async fn user_page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(username): Path<String>,
) -> PageResult {
    may(&user)?;
    show_user(&state, user, tr, &username, None, Vec::new()).await
}

/// A user's role, unit and region scope as typed.
#[derive(Deserialize, Default)]
pub struct ChangeUserForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    /// A region's id, "" for no region scope.
    #[serde(default)]
    region: String,
}

/// `POST /admin/users/{username}`: a new role or unit (a staff move); their sessions end.
pub async fn change_user(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(username): Path<String>,
    Form(form): Form<ChangeUserForm>,
) -> PageResult {
    may(&user)?;
    let unit = form.unit.trim();
    let role = match Role::parse(form.role.trim()) {
        Some(role) if !unit.is_empty() => role,
        _ => {
            let m = bi(
                "请选择角色并填写所在单位",
                "choose a role and give the unit",
            );
            return show_user(&state, user, tr, &username, None, vec![m]).await;
        }
    };
    if username == user.username && role != Role::Admin {
        let m = bi(
            "不能取消自己的系统管理员角色",
            "you cannot take the administrator's role from yourself",
        );
        return show_user(&state, user, tr, &username, None, vec![m]).await;
    }
    let region = match region_choice(&form.region) {
        Ok(region) => region,
        Err(m) => return show_user(&state, user, tr, &username, None, vec![m]).await,
    };
    match state
        .store
        .change_user(&username, role, unit, UnitKind::guess(unit), region)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Invalid(problems)) => {
            return show_user(&state, user, tr, &username, None, problems).await;
        }
        Err(e) => return Err(e.into()),
    }
    let back = format!("/admin/users/{}", crate::pages::url_encode(&username));
    Ok(layout::done(&back, "done.user_changed", None))
}

/// `POST /admin/users/{username}/sessions/{session}/revoke`: ends one session.
pub async fn revoke(
    State(state): State<AppState>,
    PageUser { user, tr: _ }: PageUser,
    Path((username, session)): Path<(String, String)>,
) -> PageResult {
    may(&user)?;
    state.store.revoke_session(&username, &session).await?;
    let back = format!("/admin/users/{}", crate::pages::url_encode(&username));
    Ok(layout::done(&back, "done.session_revoked", None))
}

/// `POST /admin/users/{username}/reset-link`: a one-time link to set a new password, shown
/// once to be passed on; earlier links stop working.
pub async fn reset_link(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Path(username): Path<String>,
    headers: axum::http::HeaderMap,
) -> PageResult {
    may(&user)?;
    let token = state.store.issue_password_reset(&username).await?;
    // The address users type (behind a proxy, as configured), else the one this page came by.
    let base = state.public_origin.clone().unwrap_or_else(|| {
        headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|h| format!("http://{h}"))
            .unwrap_or_default()
    });
    let link = format!("{base}{}?token={token}", crate::account::RESET_PAGE);
    show_user(&state, user, tr, &username, Some(link), Vec::new()).await
}
