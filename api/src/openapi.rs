//! The OpenAPI document's frame: its title, tags and the bearer scheme. The
//! paths are collected from the handlers as they are registered
//! (`routes::configure`, through utoipa-actix-web).

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Duban 督办 API",
        description = "Government supervision: plans, tasks, assignments, reminders, escalation and assessment. Errors are application/problem+json.",
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
