use actix_web::{HttpRequest, HttpResponse, http::header, post, web};
use duban_domain::importer::formats::{self, Hint, ReadError};
use duban_domain::workflow::import;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::extract::read_body;
use crate::state::AppState;

/// Largest notice accepted: real notices are tens of kilobytes, a Word or
/// PDF file with its fonts a few megabytes.
pub const MAX_NOTICE_BYTES: usize = 4 * 1024 * 1024;

#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// Parse and match only; store nothing.
    pub dry_run: Option<bool>,
    /// Create the units the directory lacks.
    pub create_units: Option<bool>,
    /// The file's name, a hint to its kind (the content decides).
    pub filename: Option<String>,
}

/// The notice's text from the file's bytes, whatever its kind: plain text
/// (UTF-8, GBK/GB18030; an explicit charset wins), .docx, .xlsx/.xls, PDF
/// with a text layer, a saved web page. The content decides the kind; the
/// file name and Content-Type are hints.
pub fn notice_text(
    bytes: &[u8],
    file_name: Option<&str>,
    content_type: Option<&str>,
) -> Result<String, ReadError> {
    let hint = Hint {
        file_name,
        content_type,
    };
    formats::read_document(bytes, &hint).map(|d| d.text)
}

/// Text bytes as text: UTF-8 (a BOM is dropped), UTF-16 with a BOM,
/// GBK/GB18030 detected; control characters dropped. For files of any
/// kind use [`notice_text`].
pub fn decode(bytes: &[u8]) -> String {
    formats::read_document(bytes, &Hint::default())
        .map(|d| d.text)
        .unwrap_or_else(|_| formats::clean_text(&formats::decode_text(bytes, None)))
}

/// Notices parsed at once, at most: parsing is CPU work (two cores) and a
/// pathological 4 MiB text takes ~150 MB while it is read, so more at once
/// only adds memory, not speed.
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Parses a notice off the worker threads, two at a time.
pub async fn parse(text: String) -> anyhow::Result<duban_domain::importer::ParsedNotice> {
    let _turn = PARSING.acquire().await?;
    Ok(web::block(move || duban_domain::importer::parse_notice(&text)).await?)
}

/// A file that gives no text: 415 for a kind the importer does not read,
/// 422 for a damaged file or one without text.
fn unreadable(e: ReadError) -> ApiError {
    let kind = match e {
        ReadError::Unsupported { .. } => ErrorKind::UnsupportedMediaType,
        ReadError::Damaged { .. } | ReadError::NoText { .. } => ErrorKind::Unprocessable,
    };
    ApiError::new(kind, e.to_string())
}

/// Import a published notice: the raw file as the body (text/plain with
/// any charset, .docx, .xlsx, .xls, PDF, HTML, or application/octet-stream
/// to have it sniffed). A draft plan with draft assignments, or with
/// `dry_run=true` only the parsed plan (office).
#[utoipa::path(tag = "plans", security(("bearer" = [])), params(ImportQuery),
    request_body(content = String, content_type = "text/plain", description = "The notice file: text (UTF-8 or GBK; `charset` honoured), Word .docx, Excel .xlsx/.xls, PDF with a text layer or a saved web page; the kind is read from the content"),
    responses(
        (status = 200, description = "Dry run: the parsed plan, unit matches and warnings", body = Object),
        (status = 201, description = "Stored as a draft plan; `id` is the plan's", body = Object),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "A kind of file that cannot be read (.doc, images, archives)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "No task could be read, or the file is damaged or holds no text", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[post("/plans/import")]
pub async fn import_plan(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    duban_domain::policy::ensure_plan_write(&actor)?;
    let bytes = read_body(payload, MAX_NOTICE_BYTES).await?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let file_name = query.filename.clone();
    // Reading a PDF or a workbook is CPU work: off the worker thread.
    let text =
        web::block(move || notice_text(&bytes, file_name.as_deref(), content_type.as_deref()))
            .await
            .map_err(|e| ApiError::internal(e.into()))?
            .map_err(unreadable)?;
    let dry_run = query.dry_run.unwrap_or(false);
    let notice = parse(text).await.map_err(ApiError::internal)?;
    let report = import::store_notice(
        &state.ctx(&actor),
        notice,
        dry_run,
        query.create_units.unwrap_or(false),
    )
    .await?;
    // Written straight from the report: a `serde_json::Value` of it first
    // took ten times the answer's size in memory.
    let body = Answer {
        id: report.plan_id,
        report: &report,
    };
    Ok(match report.plan_id {
        Some(_) => HttpResponse::Created().json(body),
        None => HttpResponse::Ok().json(body),
    })
}

/// The import's report, with the stored plan's `id` beside it.
#[derive(serde::Serialize)]
struct Answer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    #[serde(flatten)]
    report: &'a import::ImportReport,
}
