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

/// A file sent with a form.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

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
            .find(|(n, f)| n == name && !f.bytes.is_empty())
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
    let text_limit = state.settings.server.json_limit_bytes;
    if ctype.starts_with("multipart/form-data") {
        let file_limit = state.settings.storage.max_attachment_bytes;
        let mut mp = actix_multipart::Multipart::new(req.headers(), payload);
        let mut fields = Fields::default();
        let mut files = Vec::new();
        let mut total = 0usize;
        while let Some(part) = mp.next().await {
            let mut part = part.map_err(|e| UiError::BadRequest(format!("无法读取表单：{e}")))?;
            let name = part.name().unwrap_or_default().to_owned();
            let filename = part
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_owned);
            let declared = part.content_type().map(|m| m.essence_str().to_owned());
            let limit = if filename.is_some() {
                file_limit
            } else {
                text_limit
            };
            let mut bytes = Vec::new();
            while let Some(chunk) = part.next().await {
                let chunk = chunk.map_err(|e| UiError::BadRequest(format!("无法读取表单：{e}")))?;
                total += chunk.len();
                if bytes.len() + chunk.len() > limit || total > file_limit + text_limit {
                    return Err(UiError::TooLarge(file_limit));
                }
                bytes.extend_from_slice(&chunk);
            }
            match filename {
                Some(filename) => files.push((
                    name,
                    Upload {
                        filename,
                        content_type: declared.unwrap_or_default(),
                        bytes,
                    },
                )),
                None => fields.push(name, String::from_utf8_lossy(&bytes).replace('\0', "")),
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
