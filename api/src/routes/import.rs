use actix_web::{HttpResponse, post, web};
use duban_domain::workflow::import;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::read_body;
use crate::state::AppState;

/// Largest notice accepted: real notices are tens of kilobytes.
const MAX_NOTICE_BYTES: usize = 4 * 1024 * 1024;

#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// Parse and match only; store nothing.
    pub dry_run: Option<bool>,
    /// Create the units the directory lacks.
    pub create_units: Option<bool>,
}

/// Turns notice bytes into text: UTF-8 (a BOM is dropped); anything that is
/// not valid text becomes U+FFFD and a warning, never an error. Control
/// characters other than line breaks and tabs are dropped: no store should
/// see a NUL (PostgreSQL refuses it in text).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    String::from_utf8_lossy(bytes)
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

/// Import a published notice (text/plain): a draft plan with draft
/// assignments, or with `dry_run=true` only the parsed plan (office).
#[utoipa::path(tag = "plans", security(("bearer" = [])), params(ImportQuery),
    request_body(content = String, content_type = "text/plain", description = "The notice as text"),
    responses(
        (status = 200, description = "Dry run: the parsed plan, unit matches and warnings", body = Object),
        (status = 201, description = "Stored as a draft plan; `id` is the plan's", body = Object),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "No task could be read", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[post("/plans/import")]
pub async fn import_plan(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    duban_domain::policy::ensure_plan_write(&actor)?;
    let text = decode(&read_body(payload, MAX_NOTICE_BYTES).await?);
    let dry_run = query.dry_run.unwrap_or(false);
    let report = import::import_notice(
        &state.ctx(&actor),
        &text,
        dry_run,
        query.create_units.unwrap_or(false),
    )
    .await?;
    let mut body = serde_json::to_value(&report).map_err(|e| ApiError::internal(e.into()))?;
    if let (Some(id), Some(obj)) = (report.plan_id, body.as_object_mut()) {
        obj.insert("id".into(), id.into());
        return Ok(HttpResponse::Created().json(body));
    }
    Ok(HttpResponse::Ok().json(body))
}
