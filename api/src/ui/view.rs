//! Templates (minijinja, embedded at build time, HTML autoescaped) and the
//! one way a screen answers: the whole page, or — for an htmx request — only
//! the block that changed, from the same template and the same context.

use std::sync::OnceLock;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use chrono::{DateTime, Utc};
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::assets;
use super::error::{UiError, UiResult};
use super::nav;
use super::session::Viewer;

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

/// Every template, by the name pages use. A test checks the folder holds no others.
pub const TEMPLATES: &[(&str, &str)] = templates![
    "base.html",
    "macros.html",
    "error.html",
    "sign_in/page.html",
    "account/password.html",
    "workbench/page.html",
    "assignments/list.html",
    "item/page.html",
    "item/escalate.html",
    "plans/list.html",
    "plans/detail.html",
    "plans/new.html",
    "plans/task_new.html",
    "plans/issue.html",
    "plans/import.html",
    "plans/indicators.html",
    "review/page.html",
    "extensions/page.html",
    "notifications/page.html",
    "board/page.html",
    "assessment/page.html",
    "assessment/unit.html",
    "assessment/circular.html",
    "admin/page.html",
    "admin/unit.html",
    "admin/user.html",
];

/// Beijing time as people read it: "2026-03-02 09:00".
fn local(v: Value) -> String {
    let s = v.to_string();
    match s.parse::<DateTime<Utc>>() {
        Ok(t) => t
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => s,
    }
}

fn build() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    // Our own addresses, hex and dots only: nothing to escape.
    env.add_function("asset", |name: String| {
        Value::from_safe_string(assets::url(&name))
    });
    env.add_filter("local", local);
    Ok(env)
}

fn env() -> Result<&'static Environment<'static>, UiError> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| build().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| UiError::Internal(anyhow::anyhow!("templates: {e}")))
}

/// Renders a template, or one block of it.
pub fn render(name: &str, ctx: Value, block: Option<&str>) -> UiResult<String> {
    let tmpl = env()?.get_template(name)?;
    Ok(match block {
        Some(b) => tmpl
            .render_captured_to(ctx, std::io::sink())?
            .with_state_mut(|state| state.render_block(b))?,
        None => tmpl.render(ctx)?,
    })
}

/// An htmx request that wants a fragment (not a history restore, which
/// needs the whole page).
pub fn wants_fragment(req: &HttpRequest) -> bool {
    let h = |n: &str| req.headers().get(n).is_some_and(|v| v == "true");
    h("HX-Request") && !h("HX-History-Restore-Request") && !h("HX-Boosted")
}

/// Headers every page carries: nothing from elsewhere may load, nothing may
/// frame us, no personal page is cached.
pub fn secure_headers(resp: &mut HttpResponseBuilder) {
    resp.insert_header((
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ))
    .insert_header((header::X_FRAME_OPTIONS, "DENY"))
    .insert_header((header::REFERRER_POLICY, "same-origin"))
    .insert_header(CacheControl(vec![CacheDirective::NoStore]))
    .insert_header((header::VARY, "HX-Request"));
}

/// What one answer of a screen needs beyond its own context.
pub struct Screen<'a> {
    pub req: &'a HttpRequest,
    pub viewer: &'a Viewer,
    pub current: nav::Current,
    pub title: &'a str,
}

const FLASH: &str = "duban_flash";

/// Messages shown once after a redirect, by key: a cookie carries the key,
/// never text a user wrote.
fn flash_text(key: &str) -> Option<String> {
    let (key, n) = key.split_once(':').unwrap_or((key, ""));
    Some(match key {
        "acknowledged" => "已签收".to_owned(),
        "acknowledged_n" => format!("已签收 {n} 项"),
        "acknowledged_some" => {
            let (done, failed) = n.split_once('/')?;
            format!("已签收 {done} 项；{failed} 项未能签收（已签收、已办结或不属本单位）")
        }
        "reported" => "进展已提交".to_owned(),
        "completion_requested" => "已申请办结，等待督办办公室审核".to_owned(),
        "approved" => "审核通过，事项已办结".to_owned(),
        "returned" => "已退回，承办单位将收到退回意见".to_owned(),
        "extension_requested" => "延期申请已提交，等待审批".to_owned(),
        "extension_approved" => "已同意延期，完成时限已调整".to_owned(),
        "extension_rejected" => "已不同意延期".to_owned(),
        "commented" => "意见已发表".to_owned(),
        "escalated" => format!("已挂牌督办，督办等级升至 {n} 级"),
        "cancelled" => "事项已撤销".to_owned(),
        "password_changed" => "密码已修改".to_owned(),
        "plan_created" => "督办文件已创建，请添加任务".to_owned(),
        "task_created" => "任务已添加".to_owned(),
        "plan_updated" => "督办文件已修改".to_owned(),
        "task_updated" if n == "0" || n.is_empty() => "任务已修改".to_owned(),
        "task_updated" => format!("任务已修改，{n} 项事项的完成时限随之调整并已告知承办单位"),
        "task_deleted" => "任务已删除".to_owned(),
        "unit_created" => "单位已新建".to_owned(),
        "unit_updated" => "单位信息已保存".to_owned(),
        "robot_added" => "群机器人已添加".to_owned(),
        "robot_removed" => "群机器人已删除".to_owned(),
        "user_created" => "账户已新建".to_owned(),
        "user_updated" => "账户已保存".to_owned(),
        "password_reset" => "密码已重置，本人下次登录须先修改密码".to_owned(),
        "retried" => format!("已重新排队发送 {n} 条消息"),
        "imported" => format!("通知已导入为草稿，共 {n} 项事项待交办；请核对后交办"),
        "issued" => format!("已交办 {n} 项事项，承办单位将收到通知"),
        "read_all" => "通知已全部标为已读".to_owned(),
        _ => return None,
    })
}

/// A cookie that shows `key`'s message on the next page.
pub fn flash(key: impl Into<String>) -> Cookie<'static> {
    Cookie::build(FLASH, key.into())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::seconds(60))
        .finish()
}

/// Post/Redirect/Get: back to `to` with a message.
pub fn see_other(to: &str, flash_key: Option<String>) -> HttpResponse {
    let mut resp = HttpResponse::SeeOther();
    resp.insert_header((header::LOCATION, to.to_owned()));
    if let Some(k) = flash_key {
        resp.cookie(flash(k));
    }
    resp.finish()
}

impl Screen<'_> {
    /// The page (or, for htmx, `block`) with `ctx`, and the status given.
    pub fn answer(
        &self,
        status: StatusCode,
        template: &str,
        block: Option<&str>,
        ctx: impl Serialize,
        now_flash: Option<String>,
    ) -> UiResult<HttpResponse> {
        let fragment = block.filter(|_| wants_fragment(self.req));
        let stored = self.req.cookie(FLASH).map(|c| c.value().to_owned());
        let message = now_flash
            .and_then(|k| flash_text(&k))
            .or_else(|| stored.as_deref().and_then(flash_text));
        let v = self.viewer;
        let chrome = context! {
            title => self.title,
            display_name => &v.profile.display_name,
            unit_name => &v.profile.unit_name,
            unread => v.profile.unread_notifications,
            csrf => &v.csrf,
            nav => nav::items(&v.actor, self.current),
            flash => message,
            fragment => fragment.is_some(),
        };
        let ctx = context! { chrome => chrome, ..Value::from_serialize(&ctx) };
        let body = render(template, ctx, fragment)?;
        let mut resp = HttpResponse::build(status);
        resp.insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"));
        secure_headers(&mut resp);
        if stored.is_some() {
            let mut gone = flash("");
            gone.make_removal();
            resp.cookie(gone);
        }
        Ok(resp.body(body))
    }

    pub fn ok(
        &self,
        template: &str,
        block: Option<&str>,
        ctx: impl Serialize,
    ) -> UiResult<HttpResponse> {
        self.answer(StatusCode::OK, template, block, ctx, None)
    }
}

/// A page for someone not signed in (sign-in, errors).
pub fn bare(status: StatusCode, template: &str, ctx: Value) -> UiResult<HttpResponse> {
    let body = render(template, ctx, None)?;
    let mut resp = HttpResponse::build(status);
    resp.insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"));
    secure_headers(&mut resp);
    Ok(resp.body(body))
}

/// The error page; falls back to plain text should the template itself fail.
pub fn error_page(status: u16, title: &str, detail: &str) -> String {
    render(
        "error.html",
        context! { status => status, title => title, detail => detail },
        None,
    )
    .unwrap_or_else(|_| format!("{status} {title}\n{detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_file_is_registered_and_parses() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut found = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    found.push(
                        p.strip_prefix(&root)
                            .unwrap()
                            .to_string_lossy()
                            .replace('\\', "/"),
                    );
                }
            }
        }
        found.sort();
        let mut listed: Vec<String> = TEMPLATES.iter().map(|(n, _)| (*n).to_owned()).collect();
        listed.sort();
        assert_eq!(found, listed, "api/templates and view::TEMPLATES differ");
        build().unwrap();
    }

    #[test]
    fn text_is_escaped() {
        let html = error_page(404, "<b>x</b>", "<script>alert(1)</script>");
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn times_read_in_beijing() {
        assert_eq!(
            local(Value::from("2026-03-02T01:05:00Z")),
            "2026-03-02 09:05"
        );
        assert_eq!(local(Value::from("not a time")), "not a time");
    }

    #[test]
    fn flash_keys_never_echo_unknown_text() {
        assert_eq!(flash_text("<script>"), None);
        assert_eq!(flash_text("acknowledged_n:3").unwrap(), "已签收 3 项");
        assert_eq!(
            flash_text("acknowledged_some:3/2").unwrap(),
            "已签收 3 项；2 项未能签收（已签收、已办结或不属本单位）"
        );
        assert_eq!(flash_text("acknowledged_some:3"), None);
    }
}
