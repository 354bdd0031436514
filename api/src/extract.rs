//! Extractor configuration: size limits and how malformed input is answered.
//! Every refusal is a problem+json 4xx; nothing reaches a handler half-read.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, web};

use crate::error::{ApiError, ErrorKind};

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |err, _req| json_error(err, limit).into())
}

fn json_error(err: JsonPayloadError, limit: usize) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::new(
                ErrorKind::PayloadTooLarge,
                format!("请求体超过 {limit} 字节上限 (body larger than {limit} bytes)"),
            )
        }
        JsonPayloadError::ContentType => ApiError::new(
            ErrorKind::UnsupportedMediaType,
            "请求体须为 JSON，Content-Type: application/json (expected a JSON body)",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::new(
            ErrorKind::Unprocessable,
            format!("字段缺失或类型不符 (missing or mistyped field): {e}"),
        ),
        JsonPayloadError::Deserialize(e) => ApiError::new(
            ErrorKind::BadRequest,
            format!("JSON 格式错误 (malformed JSON): {e}"),
        ),
        other => ApiError::new(
            ErrorKind::BadRequest,
            format!("无法读取请求体 (could not read the body): {other}"),
        ),
    }
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let detail = match err {
            QueryPayloadError::Deserialize(e) => {
                format!("查询参数无效 (invalid query parameter): {e}")
            }
            other => format!("查询参数无效 (invalid query parameter): {other}"),
        };
        ApiError::new(ErrorKind::Unprocessable, detail).into()
    })
}

/// A path segment that is not a well-formed id names nothing that exists.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err: PathError, _req| {
        ApiError::new(ErrorKind::NotFound, "对象不存在 (no such object)").into()
    })
}

/// Answers routes that do not exist the same way as everything else.
pub async fn no_route(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorKind::NotFound,
        format!(
            "没有这个地址 (no route for {} {})",
            req.method(),
            req.path()
        ),
    ))
}

/// Deserializes a field that may be absent (leave it), `null` (clear it) or
/// a value (set it): `Option<Option<T>>` with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(d).map(Some)
}
