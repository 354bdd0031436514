//! One error type for the HTTP layer, mapped to `application/problem+json`
//! (RFC 9457) in exactly one place. Causes of internal errors go to the log
//! with the request id, never to the client.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use duban_domain::error::ConflictCode;
use duban_domain::{DomainError, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthenticated,
    Forbidden,
    /// The caller must change the password an administrator set first.
    PasswordChangeRequired,
    NotFound,
    MethodNotAllowed,
    Conflict(ConflictCode),
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    TooManyRequests {
        retry_after_secs: i64,
    },
    Unavailable,
    Internal,
}

impl ErrorKind {
    fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden | ErrorKind::PasswordChangeRequired => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::Conflict(_) => StatusCode::CONFLICT,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine code for `code` (and `type`), and the Chinese-first
    /// title people read.
    fn code_and_title(self) -> (&'static str, &'static str) {
        match self {
            ErrorKind::BadRequest => ("bad_request", "请求格式错误 (Bad request)"),
            ErrorKind::Unauthenticated => {
                ("unauthenticated", "未登录或登录已失效 (Unauthenticated)")
            }
            ErrorKind::Forbidden => ("forbidden", "无权执行此操作 (Forbidden)"),
            ErrorKind::PasswordChangeRequired => (
                "password_change_required",
                "请先修改密码 (Change your password first)",
            ),
            ErrorKind::NotFound => ("not_found", "对象不存在 (Not found)"),
            ErrorKind::MethodNotAllowed => (
                "method_not_allowed",
                "不支持的请求方法 (Method not allowed)",
            ),
            ErrorKind::Conflict(code) => (
                code.as_str(),
                match code {
                    ConflictCode::StaleVersion => "内容已被他人修改 (Stale version)",
                    ConflictCode::WrongState => "当前状态不允许此操作 (Not allowed in this state)",
                    ConflictCode::Duplicate => "内容重复 (Already exists)",
                    ConflictCode::AlreadyDecided => "已经处理过 (Already decided)",
                    ConflictCode::TooLate => "已超过时限 (Too late)",
                    ConflictCode::NothingToDo => "没有需要处理的内容 (Nothing to do)",
                    ConflictCode::OwnAccount => {
                        "不能对自己的账户执行此操作 (Not on your own account)"
                    }
                },
            ),
            ErrorKind::PayloadTooLarge => ("payload_too_large", "请求内容过大 (Payload too large)"),
            ErrorKind::UnsupportedMediaType => (
                "unsupported_media_type",
                "不支持的内容类型 (Unsupported media type)",
            ),
            ErrorKind::Unprocessable => ("invalid_fields", "提交的内容有误 (Invalid fields)"),
            ErrorKind::TooManyRequests { .. } => (
                "too_many_requests",
                "尝试次数过多，请稍后再试 (Too many attempts)",
            ),
            ErrorKind::Unavailable => ("unavailable", "服务暂不可用 (Service unavailable)"),
            ErrorKind::Internal => ("internal", "服务器内部错误 (Internal error)"),
        }
    }
}

/// The problem document every error answers with.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    /// A stable machine code for the cause, e.g. `stale_version`, `wrong_state`, `invalid_fields`.
    pub code: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Per-field errors for 422 answers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<ProblemField>)]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
#[error("{kind:?}: {detail}")]
pub struct ApiError {
    pub kind: ErrorKind,
    pub detail: String,
    pub errors: Vec<FieldError>,
    #[source]
    pub cause: Option<anyhow::Error>,
}

impl ApiError {
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
            errors: Vec::new(),
            cause: None,
        }
    }

    pub fn internal(cause: anyhow::Error) -> Self {
        Self {
            kind: ErrorKind::Internal,
            detail: "请求未能完成，请稍后重试 (the request could not be completed)".into(),
            errors: Vec::new(),
            cause: Some(cause),
        }
    }

    /// The store cannot be reached: a 503 with Retry-After, logged with its cause.
    pub fn unavailable(cause: anyhow::Error) -> Self {
        Self {
            kind: ErrorKind::Unavailable,
            detail:
                "数据库暂时无法访问，请稍后重试 (the database cannot be reached; try again shortly)"
                    .into(),
            errors: Vec::new(),
            cause: Some(cause),
        }
    }

    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, detail)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(errors) => {
                let detail = errors
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                Self {
                    kind: ErrorKind::Unprocessable,
                    detail,
                    errors,
                    cause: None,
                }
            }
            DomainError::NotFound(what) => Self::new(
                ErrorKind::NotFound,
                format!("{what} 不存在 (no such {what})"),
            ),
            DomainError::Forbidden(why) => Self::new(ErrorKind::Forbidden, why),
            DomainError::Conflict { code, message } => {
                Self::new(ErrorKind::Conflict(code), message)
            }
            DomainError::Unauthenticated(why) => Self::new(ErrorKind::Unauthenticated, why),
            DomainError::TooLarge(why) => Self::new(ErrorKind::PayloadTooLarge, why),
            DomainError::Locked { retry_after_secs } => Self::new(
                ErrorKind::TooManyRequests { retry_after_secs },
                format!(
                    "登录失败次数过多，账户已临时锁定，请 {retry_after_secs} 秒后再试 (account locked for {retry_after_secs} s)"
                ),
            ),
            DomainError::Internal(cause) if duban_domain::db::is_unreachable_cause(&cause) => {
                Self::unavailable(cause)
            }
            DomainError::Internal(cause) => Self::internal(cause),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        if duban_domain::db::is_unreachable(&e) {
            Self::unavailable(e.into())
        } else {
            Self::internal(e.into())
        }
    }
}

/// Seconds a client is asked to wait when the store cannot be reached.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u32 = 5;

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.kind.status()
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let Some(cause) = &self.cause {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let (code, title) = self.kind.code_and_title();
        let body = Problem {
            kind: format!("/problems/{}", code.replace('_', "-")),
            code: code.to_owned(),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
        };
        let mut resp = HttpResponse::build(status);
        resp.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        match self.kind {
            ErrorKind::Unauthenticated => {
                resp.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            ErrorKind::TooManyRequests { retry_after_secs } => {
                resp.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ErrorKind::Unavailable => {
                resp.insert_header((
                    header::RETRY_AFTER,
                    UNAVAILABLE_RETRY_AFTER_SECS.to_string(),
                ));
            }
            _ => {}
        }
        resp.body(serde_json::to_string(&body).unwrap_or_default())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
