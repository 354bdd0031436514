//! 修改密码: the person's own password, checked like a sign-in (the lock
//! after repeated failures applies here too).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::DomainError;
use duban_domain::identity;
use minijinja::context;

use super::error::{UiError, UiResult};
use super::form::Submission;
use super::session::{self, Viewer};
use super::view;
use crate::state::AppState;

fn screen<'a>(req: &'a HttpRequest, viewer: &'a Viewer) -> view::Screen<'a> {
    view::Screen {
        req,
        viewer,
        current: None,
        title: "修改密码",
    }
}

pub async fn page(req: HttpRequest, viewer: Viewer) -> UiResult<HttpResponse> {
    screen(&req, &viewer).ok(
        "account/password.html",
        None,
        context! { errors => context! {} },
    )
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
) -> UiResult<HttpResponse> {
    let f = &sub.fields;
    let new = f.text("new_password");
    let errors = if new != f.text("confirm_password") {
        vec![(
            "confirm_password".to_owned(),
            "两次输入的新密码不一致".to_owned(),
        )]
    } else {
        match identity::change_password(
            &state.ctx(&sub.viewer.actor),
            &f.text("current_password"),
            &new,
            &crate::auth::client_source(&req, &state.settings.server.trusted_proxies),
        )
        .await
        {
            Ok(version) => {
                // The change ends every session from before it, this one
                // included: it carries on under a fresh token.
                let issued = state
                    .tokens
                    .issue(sub.viewer.actor.user_id, version, state.env.now())
                    .map_err(|e| UiError::Internal(anyhow::anyhow!("issuing a session: {e}")))?;
                let mut resp = view::see_other("/workbench", Some("password_changed".into()));
                resp.add_cookie(&session::session_cookie(
                    &state,
                    issued.token,
                    issued.expires_in,
                ))
                .map_err(|e| UiError::Internal(anyhow::anyhow!("setting a cookie: {e}")))?;
                return Ok(resp);
            }
            Err(DomainError::Invalid(errs)) => {
                errs.into_iter().map(|e| (e.field, e.message)).collect()
            }
            Err(DomainError::Locked { retry_after_secs }) => vec![(
                "current_password".to_owned(),
                format!(
                    "尝试次数过多，账户已临时锁定，请 {} 分钟后再试",
                    (retry_after_secs + 59) / 60
                ),
            )],
            Err(e) => return Err(e.into()),
        }
    };
    let errors: std::collections::BTreeMap<String, String> = errors.into_iter().collect();
    screen(&req, &sub.viewer).answer(
        StatusCode::UNPROCESSABLE_ENTITY,
        "account/password.html",
        None,
        context! { errors => errors },
        None,
    )
}
