use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use duban_domain::workflow::attachments::{self, Upload};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::extract::read_body;
use crate::responses::assignments::AttachmentResponse;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file's name as the user knows it.
    pub filename: String,
}

/// Attach a file to a report: the raw bytes as the body, its type in Content-Type
/// (PDF, PNG, JPEG, Word, Excel, ZIP, plain text), its name in `?filename=`.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = AttachmentResponse),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[post("/reports/{id}/attachments")]
pub async fn upload(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let limit = state.settings.storage.max_attachment_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::new(
            ErrorKind::PayloadTooLarge,
            format!("附件超过 {limit} 字节上限 (file larger than {limit} bytes)"),
        ));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = read_body(payload, limit).await?;
    let m = attachments::store(
        &state.ctx(&actor),
        &state.settings.storage.attachments_dir,
        limit,
        id.into_inner(),
        Upload {
            filename: &query.filename,
            content_type: &content_type,
            bytes: &bytes,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(AttachmentResponse::from(m)))
}

/// Download an attachment (whoever may see its assignment).
#[utoipa::path(tag = "assignments", security(("bearer" = [])), responses(
    (status = 200, description = "The file", content_type = "application/octet-stream"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/attachments/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (m, path) = attachments::find(
        &state.ctx(&actor),
        &state.settings.storage.attachments_dir,
        id.into_inner(),
    )
    .await?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        ApiError::internal(anyhow::anyhow!(
            "reading attachment {}: {e}",
            path.display()
        ))
    })?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::FilenameExt(ExtendedValue {
            charset: header::Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: m.filename.into_bytes(),
        })],
    };
    Ok(HttpResponse::Ok()
        .content_type(m.content_type)
        .insert_header(disposition)
        .body(bytes))
}
