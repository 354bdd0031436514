//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Duban 督办 API",
        description = "Government supervision: plans, tasks, assignments, reminders, escalation and assessment. Errors are application/problem+json.",
    ),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::auth::login,
        routes::me::me,
        routes::units::create,
        routes::units::list,
        routes::units::get,
        routes::units::update,
        routes::users::create,
        routes::users::list,
        routes::users::get,
        routes::users::update,
        routes::import::import_plan,
        routes::plans::create,
        routes::plans::list,
        routes::plans::get,
        routes::plans::add_task,
        routes::plans::issue,
        routes::assignments::list,
        routes::assignments::get,
        routes::assignments::acknowledge,
        routes::assignments::add_report,
        routes::assignments::review,
        routes::assignments::cancel,
        routes::assignments::request_extension,
        routes::assignments::decide_extension,
        routes::assignments::add_comment,
        routes::assignments::history,
        routes::attachments::upload,
        routes::attachments::download,
        routes::notifications::list,
        routes::notifications::mark_read,
        routes::notifications::mark_all_read,
        routes::supervision::overdue,
        routes::supervision::overdue_xlsx,
        routes::supervision::at_risk,
        routes::supervision::escalate,
        routes::stats::unit_stats,
        routes::stats::unit_stats_csv,
        routes::stats::unit_stats_xlsx,
        routes::stats::plan_stats,
        routes::stats::task_stats,
        routes::stats::indicator_stats,
        routes::stats::indicator_breakdown_xlsx,
        routes::feeds::create,
        routes::feeds::revoke,
    ),
    components(schemas(crate::error::Problem)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign in and the signed-in user"),
        (name = "units", description = "The unit directory (责任单位)"),
        (name = "users", description = "Accounts and roles"),
        (name = "plans", description = "Plans (督办文件), their tasks and issuing them"),
        (name = "assignments", description = "Assignments (交办事项) through their lifecycle"),
        (name = "notifications", description = "The caller's notifications"),
        (name = "inspection", description = "督查 and 考核: the overdue board, escalation by hand, statistics, exports, calendar feeds"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}
