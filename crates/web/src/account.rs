//! A user's own account: changing one's password — by choice, or first thing after an
//! administrator set a temporary one (every page leads here until it is changed).

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
pub fn router() -> Router<AppState> {
    Router::new().route(PASSWORD_PAGE, get(page).post(change))
}
