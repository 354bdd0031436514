//! Reading what a browser sent: query strings and form posts (urlencoded,
//! or multipart with a file), size-limited, never panicking on bad input.
//! A post is only handed to a screen after its origin and CSRF token check
//! out; a forged one is refused before anything is read into the domain.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use chrono::NaiveDate;
use futures_util::StreamExt;

use super::error::UiError;
use super::session::{self, PRE_SESSION, Viewer, same_secret};
use crate::state::AppState;

/// Name/value pairs in the order sent; names may repeat (ticked rows).
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// NUL is dropped from every value: no person types it, and PostgreSQL
    /// refuses it in text.
    pub fn parse(bytes: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.replace('\0', ""), v.replace('\0', "")))
                .collect(),
        )
    }

    pub fn of_query(req: &HttpRequest) -> Self {
        Self::parse(req.query_string().as_bytes())
    }

    /// The first value, trimmed; None when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The first value as sent (a text may keep its line breaks), "" when absent.
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Any blank value (a GET form sends every field, filled or not).
    pub fn has_blanks(&self) -> bool {
        self.0.iter().any(|(_, v)| v.trim().is_empty())
    }

    fn push(&mut self, name: String, value: String) {
        self.0.push((name, value));
    }

    /// A whole number, or the field's Chinese error.
    pub fn int<T: std::str::FromStr>(
        &self,
        name: &str,
        label: &str,
    ) -> Result<Option<T>, (String, String)> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<T>()
                .map(Some)
                .map_err(|_| (name.to_owned(), format!("{label}须为整数"))),
        }
    }

    /// A date (YYYY-MM-DD), or the field's Chinese error.
    pub fn date(&self, name: &str, label: &str) -> Result<Option<NaiveDate>, (String, String)> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<NaiveDate>()
                .map_err(|_| (name.to_owned(), format!("{label}须为日期，如 2026-06-30")))
                .and_then(|d| {
                    duban_domain::time::check_day(name, d)
                        .map(Some)
                        .map_err(|e| (name.to_owned(), format!("{label}：{}", e.message)))
                }),
        }
    }

    /// Pairs to echo a form back as it was filled (blank ones left out).
    pub fn values(&self) -> std::collections::BTreeMap<String, String> {
        let mut m = std::collections::BTreeMap::new();
        for (k, v) in &self.0 {
            if k != "csrf" && !v.trim().is_empty() {
                m.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        m
    }
}

/// A file sent with a form, spooled to disk as it arrived (never held whole
/// in memory); the file is removed when the last copy is dropped.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub size: usize,
    spooled: std::sync::Arc<tempfile::NamedTempFile>,
}

impl Upload {
    /// Up to `n` bytes from the start of the file.
    pub async fn head(&self, n: usize) -> std::io::Result<Vec<u8>> {
        use tokio::io::AsyncReadExt;
        let file = tokio::fs::File::open(self.spooled.path()).await?;
        let mut head = Vec::with_capacity(n.min(self.size));
        file.take(n as u64).read_to_end(&mut head).await?;
        Ok(head)
    }

    /// The whole file (for the importer, which reads a notice whole; its
    /// size was bounded as it arrived).
    pub async fn bytes(&self) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.spooled.path()).await
    }

    /// The file's bytes, chunk by chunk, to `sink`.
    pub async fn copy_to<E: Into<UiError>>(
        &self,
        mut sink: impl AsyncFnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), UiError> {
        use tokio::io::AsyncReadExt;
        let unreadable =
            |e: std::io::Error| UiError::Internal(anyhow::anyhow!("reading an upload: {e}"));
        let mut file = tokio::fs::File::open(self.spooled.path())
            .await
            .map_err(unreadable)?;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut buf).await.map_err(unreadable)?;
            if n == 0 {
                return Ok(());
            }
            sink(&buf[..n]).await.map_err(Into::into)?;
        }
    }
}

/// How much a form may send to this route: files only where a screen takes
/// them (a notice to import, a report's attachment), text as much as JSON
/// elsewhere, and as much as a notice where a notice may be pasted.
fn limits(req: &HttpRequest, state: &AppState) -> (usize, usize) {
    let text = state.settings.server.json_limit_bytes;
    match req.match_pattern().as_deref() {
        Some("/plans/import") => (
            crate::routes::import::MAX_NOTICE_BYTES,
            crate::routes::import::MAX_NOTICE_BYTES,
        ),
        Some("/assignments/{id}/reports") => (text, state.settings.storage.max_attachment_bytes),
        _ => (text, text),
    }
}

/// Writes a form's file part to a temporary file under the attachments
/// directory, refusing it (413) as soon as it passes `limit`; nothing is
/// left behind either way but the answer.
async fn spool(
    part: &mut actix_multipart::Field,
    dir: &std::path::Path,
    limit: usize,
) -> Result<(std::sync::Arc<tempfile::NamedTempFile>, usize), UiError> {
    use tokio::io::AsyncWriteExt;
    let internal =
        |e: std::io::Error| UiError::Internal(anyhow::anyhow!("spooling an upload: {e}"));
    let incoming = dir.join("incoming");
    tokio::fs::create_dir_all(&incoming)
        .await
        .map_err(internal)?;
    let temp = tempfile::NamedTempFile::new_in(&incoming).map_err(internal)?;
    let mut out = tokio::fs::File::from_std(temp.reopen().map_err(internal)?);
    let mut size = 0usize;
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(|e| UiError::BadRequest(format!("无法读取表单：{e}")))?;
        size += chunk.len();
        if size > limit {
            return Err(UiError::TooLarge(limit));
        }
        out.write_all(&chunk).await.map_err(internal)?;
    }
    out.flush().await.map_err(internal)?;
    Ok((std::sync::Arc::new(temp), size))
}

/// Files one form may carry (the screens take one).
const MAX_FILES: usize = 4;

/// A checked form post from a signed-in person.
pub struct Submission {
    pub viewer: Viewer,
    pub fields: Fields,
    pub files: Vec<(String, Upload)>,
}

impl Submission {
    /// The first non-empty file sent as `name`.
    pub fn file(&self, name: &str) -> Option<&Upload> {
        self.files
            .iter()
            .find(|(n, f)| n == name && f.size > 0)
            .map(|(_, f)| f)
    }
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, UiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| UiError::Internal(anyhow::anyhow!("no app state")))
}

async fn read(
    req: &HttpRequest,
    payload: Payload,
    state: &AppState,
) -> Result<(Fields, Vec<(String, Upload)>), UiError> {
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (text_limit, file_limit) = limits(req, state);
    if ctype.starts_with("multipart/form-data") {
        let mut mp = actix_multipart::Multipart::new(req.headers(), payload);
        let mut fields = Fields::default();
        let mut files = Vec::new();
        let mut text_total = 0usize;
        while let Some(part) = mp.next().await {
            let mut part = part.map_err(|e| UiError::BadRequest(format!("无法读取表单：{e}")))?;
            let name = part.name().unwrap_or_default().to_owned();
            let filename = part
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_owned);
            let declared = part.content_type().map(|m| m.essence_str().to_owned());
            match filename {
                Some(filename) => {
                    if files.len() >= MAX_FILES {
                        return Err(UiError::BadRequest(format!(
                            "一次最多上传 {MAX_FILES} 个文件"
                        )));
                    }
                    let dir = &state.settings.storage.attachments_dir;
                    let (spooled, size) = spool(&mut part, dir, file_limit).await?;
                    files.push((
                        name,
                        Upload {
                            filename,
                            content_type: declared.unwrap_or_default(),
                            size,
                            spooled,
                        },
                    ));
                }
                None => {
                    let mut bytes = Vec::new();
                    while let Some(chunk) = part.next().await {
                        let chunk =
                            chunk.map_err(|e| UiError::BadRequest(format!("无法读取表单：{e}")))?;
                        text_total += chunk.len();
                        if text_total > text_limit {
                            return Err(UiError::TooLarge(text_limit));
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    fields.push(name, String::from_utf8_lossy(&bytes).replace('\0', ""));
                }
            }
        }
        Ok((fields, files))
    } else {
        let body = crate::extract::read_body(payload, text_limit)
            .await
            .map_err(|_| UiError::TooLarge(text_limit))?;
        Ok((Fields::parse(&body), Vec::new()))
    }
}

fn token_of<'a>(req: &'a HttpRequest, fields: &'a Fields) -> Option<&'a str> {
    fields.get("csrf").or_else(|| {
        req.headers()
            .get("X-CSRF-Token")
            .and_then(|v| v.to_str().ok())
    })
}

impl FromRequest for Submission {
    type Error = UiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            let state = state_of(&req)?;
            if !session::from_our_origin(&req, &state) {
                return Err(UiError::Refused("请求不是从本系统的页面发出的"));
            }
            let viewer = session::viewer_of(&req).await?;
            let (fields, files) = read(&req, payload, &state).await?;
            match token_of(&req, &fields) {
                Some(t) if same_secret(t, &viewer.csrf) => Ok(Submission {
                    viewer,
                    fields,
                    files,
                }),
                _ => Err(UiError::Refused("页面已过期或缺少安全校验码")),
            }
        })
    }
}

/// A checked post from someone not yet signed in (the sign-in form).
pub struct AnonymousSubmission {
    pub fields: Fields,
}

impl FromRequest for AnonymousSubmission {
    type Error = UiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            let state = state_of(&req)?;
            if !session::from_our_origin(&req, &state) {
                return Err(UiError::Refused("请求不是从本系统的页面发出的"));
            }
            let (fields, _) = read(&req, payload, &state).await?;
            let cookie = req.cookie(PRE_SESSION).map(|c| c.value().to_owned());
            match (token_of(&req, &fields), cookie) {
                (Some(t), Some(c)) if same_secret(t, &c) => Ok(AnonymousSubmission { fields }),
                _ => Err(UiError::Refused("登录页已过期或浏览器未启用 Cookie")),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_and_blank_values() {
        let f = Fields::parse(b"ids=1&ids=2&ids=&q=+%E6%B0%91%E6%94%BF+&n=x");
        assert_eq!(f.all("ids"), ["1", "2"]);
        assert_eq!(f.get("q"), Some("民政"));
        assert_eq!(f.get("missing"), None);
        assert!(f.int::<i64>("n", "页码").is_err());
        assert_eq!(f.int::<i64>("missing", "页码"), Ok(None));
        assert!(f.date("q", "日期").is_err());
    }

    #[test]
    fn garbage_never_panics() {
        let f = Fields::parse(b"%zz=%ff%fe&&&=&a=%");
        let _ = f.get("a");
        let _ = f.values();
    }
}
