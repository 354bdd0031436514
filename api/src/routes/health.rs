//! Liveness and readiness, outside `/api/v1` for probes.

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use crate::error::{ApiError, ErrorKind};
use crate::state::AppState;

/// 200 while the process serves requests.
#[utoipa::path(tag = "health", responses((status = 200, description = "The process is up")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Years the working-day calendar should cover now but does not: this
/// year, and from December on the next (published each November).
pub fn calendar_gaps(env: &duban_domain::Env, zone: chrono_tz::Tz) -> Vec<i32> {
    use chrono::Datelike;
    let today = duban_domain::time::local_date(env.now(), zone);
    let last = if today.month() == 12 {
        today.year() + 1
    } else {
        today.year()
    };
    env.calendar.missing_years(today.year(), last)
}

/// 200 when the database answers; 503 otherwise.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "Ready to serve"),
    (status = 503, description = "The database does not answer", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    match state.env.db.ping().await {
        Ok(()) => {
            // A year the holiday calendar lacks is counted Monday to Friday:
            // ready, but say so (add config/calendar/YYYY.toml).
            let gaps = calendar_gaps(&state.env, state.settings.jobs.zone());
            Ok(HttpResponse::Ok().json(json!({
                "status": "ready",
                "database": format!("{:?}", state.env.db.store()).to_lowercase(),
                "calendar_missing_years": gaps,
            })))
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database does not answer");
            Err(ApiError::new(
                ErrorKind::Unavailable,
                "数据库无响应 (the database does not answer)",
            ))
        }
    }
}
