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

/// A JSON body that may be left out entirely (actions such as acknowledge
/// take an optional `{"version": n}`). Malformed JSON is still refused.
pub struct OptionalJson<T>(pub Option<T>);

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<crate::state::AppState>>()
            .map_or(64 * 1024, |s| s.settings.server.json_limit_bytes);
        let content_type = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let payload = payload.take();
        Box::pin(async move {
            let bytes = read_body(payload, limit).await?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalJson(None));
            }
            if content_type.as_deref().is_some_and(|c| !c.contains("json")) {
                return Err(ApiError::new(
                    ErrorKind::UnsupportedMediaType,
                    "请求体须为 JSON，Content-Type: application/json (expected a JSON body)",
                ));
            }
            serde_json::from_slice::<T>(&bytes)
                .map(|v| OptionalJson(Some(v)))
                .map_err(|e| json_error(JsonPayloadError::Deserialize(e), limit))
        })
    }
}

/// Reads a whole body, refusing it (413) as soon as it passes `limit` bytes.
pub async fn read_body<S>(mut payload: S, limit: usize) -> Result<web::BytesMut, ApiError>
where
    S: futures_util::Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>> + Unpin,
{
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                ErrorKind::BadRequest,
                format!("无法读取请求体 (could not read the body): {e}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                ErrorKind::PayloadTooLarge,
                format!("请求体超过 {limit} 字节上限 (body larger than {limit} bytes)"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
