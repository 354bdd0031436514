//! 登录 at the service's own address, and 退出. The same check as the API's
//! sign-in ([`identity::authenticate`]): the same lock after repeated
//! failures, the same answer whether the username exists or not.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::DomainError;
use duban_domain::identity;
use minijinja::context;

use super::error::{UiError, UiResult};
use super::form::{AnonymousSubmission, Fields, Submission};
use super::session::{self, PRE_SESSION, SESSION, safe_next};
use super::view;
use crate::state::AppState;

fn form(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    username: &str,
    next: &str,
    error: Option<String>,
) -> UiResult<HttpResponse> {
    // Keep the double-submit value the browser already holds, so two open
    // sign-in tabs both work; make one otherwise.
    let (cookie, token) = match req.cookie(PRE_SESSION) {
        Some(c) if c.value().len() == 48 => (None, c.value().to_owned()),
        _ => {
            let (c, v) = session::pre_session_cookie(state);
            (Some(c), v)
        }
    };
    let mut resp = view::bare(
        status,
        "sign_in/page.html",
        context! { csrf => token, username => username, next => next, error => error },
    )?;
    if let Some(c) = cookie {
        resp.add_cookie(&c)
            .map_err(|e| UiError::Internal(anyhow::anyhow!("setting a cookie: {e}")))?;
    }
    Ok(resp)
}

/// `GET /`: the sign-in page, or the workbench for someone signed in.
pub async fn page(state: web::Data<AppState>, req: HttpRequest) -> UiResult<HttpResponse> {
    let q = Fields::of_query(&req);
    let next = safe_next(q.get("next").unwrap_or("/workbench")).to_owned();
    if let Some(c) = req.cookie(SESSION)
        && state.tokens.verify(c.value(), state.env.now()).is_ok()
    {
        return Ok(view::see_other(&next, None));
    }
    form(&state, &req, StatusCode::OK, "", &next, None)
}

/// `POST /`: sign in, then go where the person was going.
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: AnonymousSubmission,
) -> UiResult<HttpResponse> {
    let f = &sub.fields;
    let username = f.get("username").unwrap_or_default().to_owned();
    let password = f.text("password");
    let next = safe_next(f.get("next").unwrap_or("/workbench")).to_owned();
    if username.is_empty() || password.is_empty() {
        return form(
            &state,
            &req,
            StatusCode::UNPROCESSABLE_ENTITY,
            &username,
            &next,
            Some("请输入用户名和密码".into()),
        );
    }
    let source = crate::auth::client_source(&req, &state.settings.server.trusted_proxies);
    let signed = match identity::authenticate(&state.env, &username, &password, &source).await {
        Ok(a) => a,
        Err(DomainError::Unauthenticated(why)) => {
            let words = if why.contains("停用") {
                "账户已停用，请联系系统管理员"
            } else {
                "用户名或密码错误"
            };
            return form(
                &state,
                &req,
                StatusCode::UNAUTHORIZED,
                &username,
                &next,
                Some(words.into()),
            );
        }
        Err(DomainError::Locked { retry_after_secs }) => {
            let minutes = (retry_after_secs + 59) / 60;
            return form(
                &state,
                &req,
                StatusCode::TOO_MANY_REQUESTS,
                &username,
                &next,
                Some(format!(
                    "登录失败次数过多，账户已临时锁定，请 {minutes} 分钟后再试"
                )),
            );
        }
        Err(e) => return Err(e.into()),
    };
    let user_id = signed.actor.user_id;
    let issued = state
        .tokens
        .issue(user_id, signed.credential_version, state.env.now())
        .map_err(|e| UiError::Internal(anyhow::anyhow!("issuing a session: {e}")))?;
    tracing::info!(user_id, "signed in to the web UI");
    // A password an administrator set is replaced before anything else.
    let next = if signed.must_change_password {
        "/me/password".to_owned()
    } else {
        next
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, next))
        .cookie(session::session_cookie(
            &state,
            issued.token,
            issued.expires_in,
        ))
        .cookie(session::removal(&state, PRE_SESSION))
        .finish())
}

/// `POST /sign-out`.
pub async fn sign_out(state: web::Data<AppState>, _sub: Submission) -> UiResult<HttpResponse> {
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, "/"))
        .cookie(session::removal(&state, SESSION))
        .finish())
}
