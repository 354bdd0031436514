use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use duban_domain::workflow::attachments::{self, Upload};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::responses::assignments::AttachmentResponse;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file's name as the user knows it (for a raw body; a form's file field names itself).
    pub filename: Option<String>,
}

fn body_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorKind::BadRequest,
        format!("无法读取上传的文件 (could not read the upload): {e}"),
    )
}

/// Attach a file to a report, either as a browser sends it
/// (`multipart/form-data`, the field `file`) or as the raw body with its
/// name in `?filename=`. Its type is recognised from the content (PDF, OFD,
/// images, Word, Excel, PowerPoint, archives, text in UTF-8 or GBK),
/// whatever Content-Type says; it is written to disk as it arrives.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "multipart/form-data", description = "A form with the field `file`, or the raw bytes (any Content-Type) with ?filename="),
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
    // A form adds a little around the file: refuse only what cannot fit.
    if declared.is_some_and(|n| n > limit + 64 * 1024) {
        return Err(ApiError::new(
            ErrorKind::PayloadTooLarge,
            format!(
                "附件超过 {} KB 上限 (file larger than {limit} bytes)",
                limit / 1024
            ),
        ));
    }
    let ctx = state.ctx(&actor);
    let dir = &state.settings.storage.attachments_dir;
    let report_id = id.into_inner();
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.to_ascii_lowercase().starts_with("multipart/form-data"));
    let upload = if is_form {
        let mut form = actix_multipart::Multipart::new(req.headers(), payload);
        let mut found = None;
        while let Some(field) = form.next().await {
            let mut field = field.map_err(body_error)?;
            let name = field
                .content_disposition()
                .and_then(|d| d.get_name())
                .unwrap_or("");
            if name != "file" {
                continue;
            }
            let filename = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_owned)
                .or_else(|| query.filename.clone())
                .unwrap_or_default();
            let mut up = Upload::begin(&ctx, dir, limit, report_id, &filename).await?;
            while let Some(chunk) = field.next().await {
                up.push(&chunk.map_err(body_error)?).await?;
            }
            found = Some(up);
            break;
        }
        found.ok_or_else(|| {
            ApiError::from(duban_domain::DomainError::invalid(
                "file",
                "表单中没有名为 file 的文件 (the form has no field named file)",
            ))
        })?
    } else {
        let filename = query.filename.clone().ok_or_else(|| {
            ApiError::from(duban_domain::DomainError::invalid(
                "filename",
                "请提供文件名 ?filename= (a file name is required)",
            ))
        })?;
        let mut up = Upload::begin(&ctx, dir, limit, report_id, &filename).await?;
        let mut payload = payload;
        while let Some(chunk) = payload.next().await {
            up.push(&chunk.map_err(body_error)?).await?;
        }
        up
    };
    let m = upload.finish(&ctx).await?;
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
    Ok(crate::export::attachment_response(
        m.filename,
        m.content_type,
        bytes,
    ))
}
