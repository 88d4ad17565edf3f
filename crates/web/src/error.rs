//! One error type for the HTTP layer: a status, a bilingual message, and for validation the
//! field each message belongs to. Internal causes are logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{Bilingual, FieldError, bi};
use serde::Serialize;
use store::StoreError;

#[derive(Debug, Clone)]
pub enum AppError {
    Unauthorized,
    /// A sign-in with a wrong username or password.
    WrongPassword,
    /// Too many failed sign-ins: try again after this many seconds (429 with Retry-After).
    TooManyAttempts {
        retry_after: i64,
    },
    /// Too many sign-ins waiting at once: try again shortly (503).
    Busy,
    /// A request body over the largest any page takes (413).
    TooLarge {
        limit_mb: usize,
    },
    Forbidden,
    /// Forbidden, saying why (e.g. another unit's project).
    Refused(Bilingual),
    NotFound,
    BadRequest(Bilingual),
    Validation(Vec<FieldError>),
    /// Fields this user may not change (figures they are judged on): 403, each field named.
    RefusedFields(Vec<FieldError>),
    Conflict {
        current: i64,
    },
    Internal(String),
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code: unauthorized, wrong_password, too_many_attempts, too_large, forbidden,
    /// not_found, bad_request, validation, conflict, internal.
    pub error: &'static str,
    pub message_zh: String,
    pub message_en: String,
    /// Per-field messages of a validation error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub fields: Vec<FieldError>,
    /// The version now stored, for a conflict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized | AppError::WrongPassword => StatusCode::UNAUTHORIZED,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Forbidden | AppError::Refused(_) | AppError::RefusedFields(_) => {
                StatusCode::FORBIDDEN
            }
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self) -> Bilingual {
        match self {
            AppError::Unauthorized => bi("请先登录", "please sign in"),
            AppError::WrongPassword => bi("用户名或密码错误", "Wrong username or password"),
            AppError::TooManyAttempts { retry_after } => bi(
                format!("登录失败次数过多，请 {} 后再试", wait_zh(*retry_after)),
                format!(
                    "too many failed sign-ins; try again in {}",
                    wait_en(*retry_after)
                ),
            ),
            AppError::TooLarge { limit_mb } => bi(
                format!("上传的内容过大（每次最多 {limit_mb} MB），未保存"),
                format!(
                    "the upload is too large (at most {limit_mb} MB at once); nothing was saved"
                ),
            ),
            AppError::Busy => bi(
                "同时登录的人数过多，请稍候再试",
                "too many sign-ins at once; try again in a moment",
            ),
            AppError::Forbidden => bi("无权执行此操作", "you are not allowed to do this"),
            AppError::Refused(m) => m.clone(),
            AppError::NotFound => bi("找不到该记录", "not found"),
            AppError::BadRequest(m) => m.clone(),
            AppError::Validation(_) => {
                bi("请修改标注的字段后重试", "please correct the fields listed")
            }
            AppError::RefusedFields(fields) => bi(
                fields
                    .iter()
                    .map(|f| f.message_zh.as_str())
                    .collect::<Vec<_>>()
                    .join("；"),
                fields
                    .iter()
                    .map(|f| f.message_en.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            AppError::Conflict { current } => bi(
                format!("修改冲突：该记录已被他人修改（当前版本 {current}），请刷新后重新修改"),
                format!(
                    "someone else changed this record (now version {current}); reload and apply your change again"
                ),
            ),
            AppError::Internal(_) => bi(
                "系统内部错误，请稍后重试或联系管理员",
                "internal error; try again later or call the administrator",
            ),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::WrongPassword => "wrong_password",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::TooLarge { .. } => "too_large",
            AppError::Busy => "busy",
            AppError::Forbidden | AppError::Refused(_) | AppError::RefusedFields(_) => "forbidden",
            AppError::NotFound => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Validation(_) => "validation",
            AppError::Conflict { .. } => "conflict",
            AppError::Internal(_) => "internal",
        }
    }
}

/// A wait as a clerk reads it: "45 秒", "3 分钟".
fn wait_zh(secs: i64) -> String {
    if secs < 60 {
        format!("{secs} 秒")
    } else {
        format!("{} 分钟", (secs + 59) / 60)
    }
}

fn wait_en(secs: i64) -> String {
    match secs {
        1 => "1 second".into(),
        ..=59 => format!("{secs} seconds"),
        60 => "1 minute".into(),
        _ => format!("{} minutes", (secs + 59) / 60),
    }
}

/// An id taken from a path: anything but a number is a page that does not exist.
pub(crate) fn parse_id(id: &str) -> Result<i64, AppError> {
    id.parse::<i64>().map_err(|_| AppError::NotFound)
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict { current } => AppError::Conflict { current },
            StoreError::NotFound => AppError::NotFound,
            StoreError::Duplicate { field, zh, en } => AppError::Validation(vec![FieldError {
                field,
                message_zh: zh,
                message_en: en,
            }]),
            StoreError::Rule(message) => AppError::BadRequest(message),
            StoreError::Invalid(messages) => {
                let zh: Vec<&str> = messages.iter().map(|m| m.zh.as_str()).collect();
                let en: Vec<&str> = messages.iter().map(|m| m.en.as_str()).collect();
                AppError::BadRequest(bi(zh.join("；"), en.join("; ")))
            }
            StoreError::Forbidden(message) => AppError::Refused(message),
            StoreError::Calendar(e) => AppError::BadRequest(e.message().clone()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        AppError::Internal(format!("template: {err}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let message = self.message();
        let body = ErrorBody {
            error: self.code(),
            message_zh: message.zh,
            message_en: message.en,
            current_version: match &self {
                AppError::Conflict { current } => Some(*current),
                _ => None,
            },
            fields: match self {
                AppError::Validation(ref fields) | AppError::RefusedFields(ref fields) => {
                    fields.clone()
                }
                _ => Vec::new(),
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        if let AppError::TooManyAttempts { retry_after } = self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after.into());
        }
        response
    }
}

/// A page's failure. It answers with the error's status and leaves the message to be shown
/// inside the layout, with the navigation of whoever asked, by the pages' error layer
/// ([`crate::layout::error_pages`]), which knows the language and the user; a page handler returns
/// `Result<Response, PageError>` and uses `?` on store calls and templates alike.
#[derive(Debug)]
pub struct PageError(pub AppError);

/// What a page handler answers.
pub type PageResult = Result<Response, PageError>;

/// The failure a page answered with, for the error layer to render.
#[derive(Debug, Clone)]
pub struct Failure(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(err: E) -> Self {
        PageError(err.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self.0 {
            tracing::error!(%cause, "page failed");
        }
        let message = self.0.message();
        let mut response =
            (self.0.status(), format!("{} / {}", message.zh, message.en)).into_response();
        if let AppError::TooManyAttempts { retry_after } = self.0 {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after.into());
        }
        response.extensions_mut().insert(Failure(self.0));
        response
    }
}
