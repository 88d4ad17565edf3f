//! The in-app inbox (消息): the reminders and notices addressed to the signed-in user, newest
//! first, unread ones marked, each opening its object; the header counts the unread ones.
//! Everyone reads and marks only their own messages.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use domain::Lang;
use store::SessionUser;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::layout;
use crate::pages::{format_time, render};

/// Messages the inbox page shows.
const SHOWN: i64 = 200;

pub struct InboxRow {
    id: i64,
    subject: String,
    body: String,
    at: String,
    unread: bool,
}

impl InboxRow {
    fn of(n: store::Notification, lang: Lang) -> InboxRow {
        let (subject, body) = match lang {
            Lang::Zh => (n.subject, n.body),
            Lang::En => (n.subject_en, n.body_en),
        };
        InboxRow {
            id: n.id,
            subject,
            body,
            at: format_time(n.created_at),
            unread: n.read_at.is_none(),
        }
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxTemplate {
    tr: Tr,
    user: SessionUser,
    rows: Vec<InboxRow>,
}

/// `GET /inbox`.
async fn page(State(state): State<AppState>, PageUser { user, tr }: PageUser) -> PageResult {
    let rows = state
        .store
        .inbox(user.id, SHOWN)
        .await?
        .into_iter()
        .map(|n| InboxRow::of(n, tr.lang))
        .collect();
    render(&InboxTemplate { tr, user, rows })
}

/// `POST /inbox/{id}/open`: marks the message read and goes to its object.
async fn open(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let item = state
        .store
        .inbox_item(user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    state.store.mark_read(user.id, Some(id)).await?;
    // Links are the app's own paths; anything else goes back to the inbox.
    let to = if item.link.starts_with('/') && !item.link.starts_with("//") {
        item.link
    } else {
        "/inbox".into()
    };
    Ok(Redirect::to(&to).into_response())
}

/// `POST /inbox/{id}/read`.
async fn read(
    State(state): State<AppState>,
    PageUser { user, .. }: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    if state.store.inbox_item(user.id, id).await?.is_none() {
        return Err(AppError::NotFound.into());
    }
    state.store.mark_read(user.id, Some(id)).await?;
    Ok(layout::done("/inbox", "done.inbox_read", Some(1)))
}

/// `POST /inbox/read-all`.
async fn read_all(State(state): State<AppState>, PageUser { user, .. }: PageUser) -> PageResult {
    let n = state.store.mark_read(user.id, None).await?;
    Ok(layout::done(
        "/inbox",
        "done.inbox_read",
        Some(i64::try_from(n).unwrap_or(i64::MAX)),
    ))
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(page))
        .route("/inbox/read-all", post(read_all))
        .route("/inbox/{id}/open", post(open))
        .route("/inbox/{id}/read", post(read))
}
