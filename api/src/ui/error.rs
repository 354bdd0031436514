//! How the web UI answers what went wrong: an HTML page in Chinese with the
//! right status (never problem+json, which is the API's), or a redirect to
//! the sign-in page that comes back afterwards.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use duban_domain::DomainError;

use super::view;

#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// Not signed in (or the session ended): sign in, then go to `next`.
    #[error("sign-in needed for {next}")]
    SignIn { next: String, htmx: bool },
    /// An administrator set this password: it is changed before anything else.
    #[error("password change required")]
    PasswordFirst { htmx: bool },
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A post that did not come from our own form: wrong origin or token.
    #[error("refused post: {0}")]
    Refused(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("too large")]
    TooLarge(usize),
    #[error("locked for {0} s")]
    Locked(i64),
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<DomainError> for UiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound(_) => UiError::NotFound,
            DomainError::Forbidden(why) => UiError::Forbidden(why),
            DomainError::Conflict { message, .. } => UiError::Conflict(message),
            DomainError::Invalid(errors) => UiError::BadRequest(
                errors
                    .into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("；"),
            ),
            DomainError::Unauthenticated(_) => UiError::SignIn {
                next: "/".into(),
                htmx: false,
            },
            DomainError::Locked { retry_after_secs } => UiError::Locked(retry_after_secs),
            DomainError::TooLarge(why) => UiError::BadRequest(why),
            DomainError::Internal(e) => UiError::Internal(e),
        }
    }
}

impl From<minijinja::Error> for UiError {
    fn from(e: minijinja::Error) -> Self {
        UiError::Internal(anyhow::Error::new(e))
    }
}

impl From<sea_orm::DbErr> for UiError {
    fn from(e: sea_orm::DbErr) -> Self {
        UiError::Internal(anyhow::Error::new(e))
    }
}

impl UiError {
    fn words(&self) -> (&'static str, String) {
        match self {
            UiError::SignIn { .. } | UiError::PasswordFirst { .. } => ("请先登录", String::new()),
            UiError::NotFound => (
                "页面不存在",
                "您要找的页面或事项不存在，或不在您的查看范围内。".into(),
            ),
            UiError::Forbidden(why) => ("无权访问", why.clone()),
            UiError::Refused(why) => ("请求被拒绝", format!("{why}。请回到页面刷新后重新提交。")),
            UiError::Conflict(why) => ("操作未完成", why.clone()),
            UiError::BadRequest(why) => ("提交的内容有误", why.clone()),
            UiError::TooLarge(limit) => (
                "提交的内容过大",
                format!("单次提交不能超过 {} MB。", limit / (1024 * 1024)),
            ),
            UiError::Locked(secs) => (
                "尝试次数过多",
                format!("账户已临时锁定，请 {} 分钟后再试。", (secs + 59) / 60),
            ),
            UiError::Internal(e) if duban_domain::db::is_unreachable_cause(e) => (
                "系统暂时不可用",
                "数据库暂时无法访问，请稍等片刻再刷新页面。".into(),
            ),
            UiError::Internal(_) => (
                "系统暂时出错",
                "请求未能完成，请稍后重试；如多次出现，请联系系统管理员。".into(),
            ),
        }
    }
}

impl ResponseError for UiError {
    fn status_code(&self) -> StatusCode {
        match self {
            UiError::SignIn { .. } | UiError::PasswordFirst { .. } => StatusCode::SEE_OTHER,
            UiError::NotFound => StatusCode::NOT_FOUND,
            UiError::Forbidden(_) | UiError::Refused(_) => StatusCode::FORBIDDEN,
            UiError::Conflict(_) => StatusCode::CONFLICT,
            UiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            UiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            UiError::Locked(_) => StatusCode::TOO_MANY_REQUESTS,
            UiError::Internal(e) if duban_domain::db::is_unreachable_cause(e) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            UiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let redirect = match self {
            UiError::SignIn { next, htmx } => Some((super::session::sign_in_url(next), *htmx)),
            UiError::PasswordFirst { htmx } => Some(("/me/password".to_owned(), *htmx)),
            _ => None,
        };
        if let Some((to, htmx)) = redirect {
            return if htmx {
                // htmx follows this header with a full page load.
                HttpResponse::Ok()
                    .insert_header(("HX-Redirect", to))
                    .finish()
            } else {
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, to))
                    .finish()
            };
        }
        match self {
            UiError::Internal(e) => tracing::error!(error = ?e, "page failed"),
            UiError::Refused(why) => tracing::warn!(why, "refused a form post"),
            _ => {}
        }
        let (title, detail) = self.words();
        let body = view::error_page(self.status_code().as_u16(), title, &detail);
        let mut resp = HttpResponse::build(self.status_code());
        resp.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ));
        view::secure_headers(&mut resp);
        resp.body(body)
    }
}

pub type UiResult<T> = Result<T, UiError>;
