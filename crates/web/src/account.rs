//! A user's own account: changing one's password — by choice, or first thing after an
//! administrator set a temporary one (every page leads here until it is changed) — and a new
//! installation's first administrator, created through the one-time link `serve` prints.

use askama::Template;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Form, Router};
use domain::{Bilingual, bi};
use serde::Deserialize;
use store::SessionUser;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::render_form;

/// The page every signed-in user may reach, even with a temporary password.
pub const PASSWORD_PAGE: &str = "/account/password";

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordTemplate {
    tr: Tr,
    user: SessionUser,
    errors: Vec<String>,
}

/// The password form as posted.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

impl PasswordForm {
    /// What is wrong with the new password as typed (the current one is checked apart).
    fn problems(&self, username: &str) -> Vec<Bilingual> {
        let mut problems = Vec::new();
        if let Err(m) = domain::signin::check_password(&self.new, username) {
            problems.push(m);
        }
        if self.new != self.repeat {
            problems.push(bi(
                "两次输入的新密码不一致",
                "the new passwords do not match",
            ));
        }
        if !self.new.is_empty() && self.new == self.current {
            problems.push(bi(
                "新密码不能与当前密码相同",
                "the new password is the current one",
            ));
        }
        problems
    }
}

/// `GET /account/password`.
pub async fn page(PageUser { user, tr }: PageUser) -> PageResult {
    render_form(
        &PasswordTemplate {
            tr,
            user,
            errors: Vec::new(),
        },
        false,
    )
}

/// `POST /account/password`: checks the current password (counted like a sign-in, so it
/// cannot be guessed here either), sets the new one, ends every session of the user and
/// starts a fresh one for this browser.
pub async fn change(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    from: crate::auth::ClientAddress,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    let again = |user: SessionUser, errors: Vec<Bilingual>| {
        let errors = errors.iter().map(|m| m.get(tr.lang).to_string()).collect();
        render_form(&PasswordTemplate { tr, user, errors }, true)
    };
    let problems = form.problems(&user.username);
    if !problems.is_empty() {
        return again(user, problems);
    }
    match crate::auth::authenticate(&state, &user.username, &form.current, from).await {
        Ok(_) => {}
        Err(AppError::WrongPassword) => {
            return again(
                user,
                vec![bi("当前密码不正确", "the current password is wrong")],
            );
        }
        Err(e) => return Err(e.into()),
    }
    state.store.set_password(user.id, &form.new, false).await?;
    let token = state.store.create_session(user.id).await?;
    let mut response = crate::layout::done("/", "done.password_changed", None);
    response
        .headers_mut()
        .append(SET_COOKIE, crate::auth::session_cookie(&token));
    Ok(response.into_response())
}

/// The pages of this module.
/// Where a one-time reset link leads.
pub const RESET_PAGE: &str = "/account/reset";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PASSWORD_PAGE, get(page).post(change))
        .route("/setup", get(setup_page).post(setup))
        .route(RESET_PAGE, get(reset_page).post(reset))
}

/// The first-start page: a new installation (no user yet) creates its administrator through
/// the one-time link `serve` printed. Anyone without the link, or once a user exists, finds
/// nothing here (404).
#[derive(Template)]
#[template(path = "setup.html")]
struct SetupTemplate {
    tr: Tr,
    token: String,
    unit: String,
    username: String,
    display_name: String,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
}

/// Whether `token` is the installation's setup token (compared in full, whatever differs).
fn setup_open(state: &AppState, token: &str) -> bool {
    let Ok(setup) = state.setup.lock() else {
        return false;
    };
    setup.as_deref().is_some_and(|expected| {
        expected.len() == token.len()
            && expected
                .bytes()
                .zip(token.bytes())
                .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                == 0
    })
}

/// `GET /setup?token=…`.
pub async fn setup_page(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
    axum::extract::Query(form): axum::extract::Query<SetupForm>,
) -> PageResult {
    if !setup_open(&state, &form.token) || !state.store.usernames().await?.is_empty() {
        return Err(AppError::NotFound.into());
    }
    let tr = Tr::new(crate::i18n::lang_of(&headers, &uri));
    render_form(
        &SetupTemplate {
            tr,
            token: form.token,
            unit: "发展和改革局".into(),
            username: "admin".into(),
            display_name: String::new(),
            errors: Vec::new(),
        },
        false,
    )
}

/// `POST /setup`: creates the first administrator and signs them in; the link is used up.
pub async fn setup(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
    Form(form): Form<SetupForm>,
) -> PageResult {
    if !setup_open(&state, &form.token) {
        return Err(AppError::NotFound.into());
    }
    let tr = Tr::new(crate::i18n::lang_of(&headers, &uri));
    let username = form.username.trim();
    let mut problems = Vec::new();
    if username.is_empty() || form.unit.trim().is_empty() || form.display_name.trim().is_empty() {
        problems.push(bi(
            "请填写单位、用户名和姓名",
            "give the unit, the username and the name",
        ));
    }
    if let Err(m) = domain::signin::check_password(&form.password, username) {
        problems.push(m);
    }
    if form.password != form.repeat {
        problems.push(bi("两次输入的密码不一致", "the passwords do not match"));
    }
    if !problems.is_empty() {
        return render_form(
            &SetupTemplate {
                tr,
                errors: problems
                    .iter()
                    .map(|m| m.get(tr.lang).to_string())
                    .collect(),
                token: form.token,
                unit: form.unit,
                username: form.username,
                display_name: form.display_name,
            },
            true,
        );
    }
    // Taken before the write: of two posts at once, one goes on.
    let taken = state.setup.lock().ok().and_then(|mut setup| setup.take());
    if taken.is_none() {
        return Err(AppError::NotFound.into());
    }
    let new = store::NewUser {
        username,
        display_name: form.display_name.trim(),
        password: &form.password,
        role: domain::Role::Admin,
        unit_id: 0,
    };
    let id = match state.store.add_first_admin(&new, form.unit.trim()).await {
        Ok(id) => id,
        Err(store::StoreError::Conflict { .. }) => return Err(AppError::NotFound.into()),
        Err(e) => {
            // Not written: the link works again.
            if let Ok(mut setup) = state.setup.lock() {
                *setup = taken;
            }
            return Err(e.into());
        }
    };
    let token = state.store.create_session(id).await?;
    let mut response = crate::layout::done("/", "done.setup", None);
    response
        .headers_mut()
        .append(SET_COOKIE, crate::auth::session_cookie(&token));
    Ok(response)
}

/// A one-time link an administrator issued (`/admin/users/{username}`): whoever holds it sets
/// the user's new password, once, within a day.
#[derive(Template)]
#[template(path = "account_reset.html")]
struct ResetTemplate {
    tr: Tr,
    token: String,
    username: String,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct ResetLinkForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
}

/// `GET /account/reset?token=…`.
pub async fn reset_page(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
    axum::extract::Query(form): axum::extract::Query<ResetLinkForm>,
) -> PageResult {
    let Some(username) = state.store.password_reset_user(&form.token).await? else {
        return Err(AppError::NotFound.into());
    };
    let tr = Tr::new(crate::i18n::lang_of(&headers, &uri));
    render_form(
        &ResetTemplate {
            tr,
            token: form.token,
            username,
            errors: Vec::new(),
        },
        false,
    )
}

/// `POST /account/reset`: sets the new password; the link is used up and the user signs in.
pub async fn reset(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
    Form(form): Form<ResetLinkForm>,
) -> PageResult {
    let Some(username) = state.store.password_reset_user(&form.token).await? else {
        return Err(AppError::NotFound.into());
    };
    let tr = Tr::new(crate::i18n::lang_of(&headers, &uri));
    let mut problems = Vec::new();
    if let Err(m) = domain::signin::check_password(&form.password, &username) {
        problems.push(m);
    }
    if form.password != form.repeat {
        problems.push(bi("两次输入的密码不一致", "the passwords do not match"));
    }
    if !problems.is_empty() {
        return render_form(
            &ResetTemplate {
                errors: problems
                    .iter()
                    .map(|m| m.get(tr.lang).to_string())
                    .collect(),
                tr,
                token: form.token,
                username,
            },
            true,
        );
    }
    // The new password is the user's own doing.
    store::audit_actor(&username);
    match state
        .store
        .use_password_reset(&form.token, &form.password)
        .await?
    {
        Some(_) => Ok(crate::layout::done("/login", "done.password_set", None)),
        None => Err(AppError::NotFound.into()),
    }
}
