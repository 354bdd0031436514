//! Liveness and readiness, outside `/api/v1` for probes.

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use crate::error::{ApiError, ErrorKind};
use crate::state::AppState;

/// 200 while the process serves requests.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process is up")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// 200 when the database answers; 503 otherwise.
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
    (status = 200, description = "Ready to serve"),
    (status = 503, description = "The database does not answer", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    match state.db.ping().await {
        Ok(()) => Ok(HttpResponse::Ok().json(json!({
            "status": "ready",
            "database": format!("{:?}", state.db.store()).to_lowercase(),
        }))),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database does not answer");
            Err(ApiError::new(
                ErrorKind::Unavailable,
                "数据库无响应 (the database does not answer)",
            ))
        }
    }
}
