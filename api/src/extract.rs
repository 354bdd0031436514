//! Extractor configuration: size limits and how malformed input is answered.
//! Every refusal is a problem+json 4xx; nothing reaches a handler half-read.

use actix_web::error::{PathError, QueryPayloadError};
use actix_web::{HttpRequest, web};

use crate::error::{ApiError, ErrorKind};

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let detail = match err {
            QueryPayloadError::Deserialize(e) => format!(
                "查询参数无效：{} (invalid query parameter)",
                explain(&e.to_string())
            ),
            _ => "查询参数无效 (invalid query parameter)".to_owned(),
        };
        ApiError::new(ErrorKind::Unprocessable, detail).into()
    })
}

/// What a deserializer's complaint means, in words a person can act on.
/// The library's English never reaches the client.
pub fn explain(message: &str) -> String {
    let m = message;
    // Our own deserializers already speak Chinese (a date out of range).
    if m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return m.split(" at line ").next().unwrap_or(m).to_owned();
    }
    let has = |s: &str| m.contains(s);
    if has("invalid characters")
        || has("premature end of input")
        || has("input is out of range")
        || has("input is not enough")
        || has("trailing input")
        || has("input contains")
    {
        return "日期须为 YYYY-MM-DD 格式，如 2027-03-31 (a date such as 2027-03-31)".into();
    }
    if has("missing field") {
        return "缺少必填项 (required)".into();
    }
    if has("unknown field") {
        return "不认识的字段 (unknown field)".into();
    }
    if let Some(rest) = m.split_once("unknown variant").map(|(_, r)| r) {
        let choices: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, e)| e)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        return format!(
            "取值须为 {} 之一 (one of the listed values)",
            choices.join("、")
        );
    }
    if has("expected i") || has("expected u") || has("integer") {
        return "须为整数 (an integer)".into();
    }
    if has("expected f64") || has("expected f32") || has("number") {
        return "须为数字 (a number)".into();
    }
    if has("a boolean") || has("bool") {
        return "须为 true 或 false (true or false)".into();
    }
    if has("a sequence") {
        return "须为列表 (a list)".into();
    }
    if has("a string") {
        return "须为文字 (text)".into();
    }
    if has("a map") || has("struct") {
        return "须为对象 (an object)".into();
    }
    "取值不符合要求 (invalid value)".into()
}

/// A JSON body, read within the size limit and deserialized so that a
/// mistake is named by its field, in Chinese (`web::Json` answers serde's
/// English without the field).
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// What a client is told when its text holds NUL, which no person types and
/// PostgreSQL refuses in text: one rule for every field, here at the boundary.
pub const NUL_IN_TEXT: &str = "文字中不能含有空字符 NUL (text may not contain NUL, \\u0000)";

/// Whether a JSON document has a string with NUL in it (`\u0000`); a raw
/// NUL byte is already malformed JSON.
fn has_nul_escape(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'u') && bytes.get(i + 2..i + 6) == Some(b"0000") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Deserializes `bytes`, naming a bad field by its path (`indicators[0].kind`).
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if has_nul_escape(bytes) {
        return Err(ApiError::from(duban_domain::DomainError::invalid(
            "body",
            NUL_IN_TEXT,
        )));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            let message = explain(&inner.to_string());
            let field = if field == "." {
                // A missing field is reported at its parent: name it.
                inner
                    .to_string()
                    .split('`')
                    .nth(1)
                    .unwrap_or("body")
                    .to_owned()
            } else {
                field
            };
            ApiError::from(duban_domain::DomainError::invalid(field, message))
        } else {
            ApiError::new(
                ErrorKind::BadRequest,
                format!(
                    "JSON 格式错误，第 {} 行第 {} 列 (malformed JSON at line {}, column {})",
                    inner.line(),
                    inner.column(),
                    inner.line(),
                    inner.column()
                ),
            )
        }
    })
}

fn json_limit(req: &HttpRequest) -> usize {
    req.app_data::<web::Data<crate::state::AppState>>()
        .map_or(64 * 1024, |s| s.settings.server.json_limit_bytes)
}

fn not_json(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|c| !c.to_ascii_lowercase().contains("json"))
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for Json<T> {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let limit = json_limit(req);
        let content_type = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let payload = payload.take();
        Box::pin(async move {
            if not_json(content_type.as_deref()) {
                return Err(ApiError::new(
                    ErrorKind::UnsupportedMediaType,
                    "请求体须为 JSON，Content-Type: application/json (expected a JSON body)",
                ));
            }
            let bytes = read_body(payload, limit).await?;
            parse_json(&bytes).map(Json)
        })
    }
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

/// A date a client sends (`YYYY-MM-DD`), within the one range every date
/// field shares ([`duban_domain::time::FIRST_DAY`] to `LAST_DAY`):
/// `#[serde(deserialize_with = "day")]`.
pub fn day<'de, D: serde::Deserializer<'de>>(d: D) -> Result<chrono::NaiveDate, D::Error> {
    let v: chrono::NaiveDate = serde::Deserialize::deserialize(d)?;
    in_range(v)
}

/// [`day`] for an optional field (`#[serde(default, deserialize_with = "opt_day")]`).
pub fn opt_day<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<chrono::NaiveDate>, D::Error> {
    let v: Option<chrono::NaiveDate> = serde::Deserialize::deserialize(d)?;
    v.map(in_range).transpose()
}

/// [`day`] for the values of a map of dates.
pub fn day_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<i64, chrono::NaiveDate>, D::Error> {
    let v: std::collections::BTreeMap<i64, chrono::NaiveDate> = serde::Deserialize::deserialize(d)?;
    v.values().try_for_each(|d| in_range(*d).map(drop))?;
    Ok(v)
}

fn in_range<E: serde::de::Error>(v: chrono::NaiveDate) -> Result<chrono::NaiveDate, E> {
    duban_domain::time::check_day("date", v)
        .map_err(|_| E::custom(duban_domain::time::day_range_message()))
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
        let limit = json_limit(req);
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
            if content_type.is_some() && not_json(content_type.as_deref()) {
                return Err(ApiError::new(
                    ErrorKind::UnsupportedMediaType,
                    "请求体须为 JSON，Content-Type: application/json (expected a JSON body)",
                ));
            }
            parse_json(&bytes).map(|v| OptionalJson(Some(v)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_in_strings_but_not_in_escaped_backslashes() {
        assert!(has_nul_escape(br#"{"q":"a\u0000b"}"#));
        assert!(has_nul_escape(br#"["\u0000"]"#));
        assert!(
            !has_nul_escape(br#"{"q":"a\\u0000b"}"#),
            "an escaped backslash, then text"
        );
        assert!(
            !has_nul_escape(br#"{"q":"\u00001"}"#[..9].as_ref()),
            "cut short"
        );
        assert!(!has_nul_escape(br#"{"q":"\u0001"}"#));
        assert!(!has_nul_escape(b"\\"));
    }

    #[test]
    fn our_own_chinese_messages_pass_through() {
        assert_eq!(
            explain("日期须在 1900-01-01 到 2199-12-31 之间 at line 1 column 20"),
            "日期须在 1900-01-01 到 2199-12-31 之间"
        );
        assert!(explain("input contains invalid characters").contains("YYYY-MM-DD"));
    }
}
