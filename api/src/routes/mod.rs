//! HTTP routes under `/api/v1`, one module a resource. Handlers convert
//! input at the boundary, call one domain service, and shape the answer.

pub mod assignments;
pub mod attachments;
pub mod auth;
pub mod channels;
pub mod duties;
pub mod feeds;
pub mod health;
pub mod import;
pub mod me;
pub mod notifications;
pub mod plans;
pub mod stats;
pub mod supervision;
pub mod units;
pub mod users;

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use duban_domain::page::PageRequest;

/// Every route of the API, each registered here once: the route and its
/// OpenAPI path come from the handler's own attributes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(auth::login)
        .service(me::me)
        .service(me::change_password)
        .service(units::create)
        .service(units::list)
        .service(units::get)
        .service(units::update)
        .service(channels::create)
        .service(channels::list)
        .service(channels::remove)
        .service(users::create)
        .service(users::list)
        .service(users::get)
        .service(users::update)
        .service(import::import_plan)
        .service(plans::create)
        .service(plans::list)
        .service(plans::get)
        .service(plans::add_task)
        .service(plans::issue)
        .service(plans::update)
        .service(plans::update_task)
        .service(plans::delete_task)
        .service(assignments::list)
        .service(assignments::get)
        .service(assignments::acknowledge)
        .service(assignments::add_report)
        .service(assignments::review)
        .service(assignments::cancel)
        .service(assignments::request_extension)
        .service(assignments::list_extensions)
        .service(assignments::decide_extension)
        .service(assignments::add_comment)
        .service(assignments::history)
        .service(duties::occurrences)
        .service(duties::delegate)
        .service(duties::suspend)
        .service(duties::resume)
        .service(channels::deliveries)
        .service(attachments::upload)
        .service(attachments::download)
        .service(notifications::list)
        .service(notifications::mark_all_read)
        .service(notifications::mark_read)
        .service(supervision::overdue_xlsx)
        .service(supervision::overdue)
        .service(supervision::at_risk)
        .service(supervision::escalate)
        .service(stats::unit_stats_csv)
        .service(stats::unit_stats_xlsx)
        .service(stats::unit_stats)
        .service(stats::unit_score)
        .service(stats::plan_stats)
        .service(stats::task_stats)
        .service(stats::indicator_stats)
        .service(stats::indicator_breakdown_xlsx)
        .service(feeds::create)
        .service(feeds::revoke);
}

/// `?page=&per_page=` on every list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Paging {
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Items a page, 1–200 (default 25).
    pub per_page: Option<u64>,
}

impl Paging {
    pub fn request(&self) -> Result<PageRequest, ApiError> {
        Ok(PageRequest::new(self.page, self.per_page)?)
    }
}
