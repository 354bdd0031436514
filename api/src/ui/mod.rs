//! The web UI: server-rendered pages for clerks, department heads, the
//! office, inspectors and leaders, beside the JSON API in `routes/`. One
//! module a screen; templates in `api/templates/`, the stylesheet and htmx in
//! `api/static/`, all embedded in the binary.
//!
//! Pages call the same domain services the API calls, one call per page or
//! step where they can; which buttons and screens a person sees comes from
//! the domain ([`duban_domain::workflow::actions`]), never from a template.

pub mod assets;
pub mod error;
pub mod form;
pub mod nav;
pub mod session;
pub mod view;

mod account;
mod admin;
mod assessment;
mod assignments;
mod board;
mod chart;
mod extensions;
mod history;
mod import;
mod indicators;
mod item;
mod notifications;
mod plans;
mod review;
mod rows;
mod sign_in;
mod workbench;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(sign_in::page))
        .route("/", web::post().to(sign_in::submit))
        .route("/sign-out", web::post().to(sign_in::sign_out))
        .route("/static/{file}", web::get().to(assets::serve))
        .route("/me/password", web::get().to(account::page))
        .route("/me/password", web::post().to(account::submit))
        .route("/workbench", web::get().to(workbench::page))
        .route("/assignments", web::get().to(assignments::page))
        .route(
            "/assignments/acknowledge",
            web::post().to(assignments::acknowledge_ticked),
        )
        .route("/assignments/{id}", web::get().to(item::page))
        .route(
            "/assignments/{id}/acknowledge",
            web::post().to(item::acknowledge),
        )
        .route("/assignments/{id}/reports", web::post().to(item::report))
        .route(
            "/assignments/{id}/extension-requests",
            web::post().to(item::request_extension),
        )
        .route("/assignments/{id}/review", web::post().to(item::review))
        .route("/assignments/{id}/comments", web::post().to(item::comment))
        .route(
            "/assignments/{id}/escalate",
            web::get().to(item::escalate_page),
        )
        .route("/assignments/{id}/escalate", web::post().to(item::escalate))
        .route("/assignments/{id}/cancel", web::post().to(item::cancel))
        .route("/attachments/{id}", web::get().to(item::download))
        .route(
            "/extension-requests/{id}/decision",
            web::post().to(extensions::decide),
        )
        .route("/review", web::get().to(review::page))
        .route("/extensions", web::get().to(extensions::page))
        .route("/plans", web::get().to(plans::list))
        .route("/plans", web::post().to(plans::create))
        .route("/plans/new", web::get().to(plans::new_page))
        .route("/plans/import", web::get().to(import::page))
        .route("/plans/import", web::post().to(import::submit))
        .route("/plans/{id}", web::get().to(plans::detail))
        .route("/plans/{id}/edit", web::get().to(plans::edit_page))
        .route("/plans/{id}/edit", web::post().to(plans::edit))
        .route("/plans/{id}/tasks/new", web::get().to(plans::new_task_page))
        .route(
            "/plans/{id}/tasks/{task}/edit",
            web::get().to(plans::edit_task_page),
        )
        .route(
            "/plans/{id}/tasks/{task}/edit",
            web::post().to(plans::edit_task),
        )
        .route(
            "/plans/{id}/tasks/{task}/delete",
            web::post().to(plans::delete_task),
        )
        .route("/plans/{id}/tasks", web::post().to(plans::add_task))
        .route("/plans/{id}/indicators", web::get().to(indicators::page))
        .route(
            "/plans/{id}/indicators.xlsx",
            web::get().to(indicators::export),
        )
        .route("/plans/{id}/issue", web::get().to(plans::issue_page))
        .route("/plans/{id}/issue", web::post().to(plans::issue))
        .route("/notifications", web::get().to(notifications::page))
        .route(
            "/notifications/read-all",
            web::post().to(notifications::read_all),
        )
        .route("/notifications/{id}", web::get().to(notifications::open))
        .route("/board", web::get().to(board::page))
        .route("/board.xlsx", web::get().to(board::export))
        .route("/assessment", web::get().to(assessment::page))
        .route("/assessment.csv", web::get().to(assessment::csv))
        .route("/assessment.xlsx", web::get().to(assessment::xlsx))
        .route("/assessment/circular", web::get().to(assessment::circular))
        .route("/assessment/units/{id}", web::get().to(assessment::unit))
        .route("/admin", web::get().to(admin::page))
        .route("/admin/units", web::post().to(admin::create_unit))
        .route("/admin/units/{id}", web::get().to(admin::unit))
        .route("/admin/units/{id}", web::post().to(admin::update_unit))
        .route(
            "/admin/units/{id}/channels",
            web::post().to(admin::add_robot),
        )
        .route(
            "/admin/units/{id}/channels/{channel}/delete",
            web::post().to(admin::remove_robot),
        )
        .route("/admin/users", web::post().to(admin::create_user))
        .route("/admin/users/{id}", web::get().to(admin::user))
        .route("/admin/users/{id}", web::post().to(admin::update_user))
        .route("/admin/outbox/retry", web::post().to(admin::retry));
}
