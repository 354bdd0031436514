//! The stylesheet and htmx, embedded in the binary and served under
//! content-hashed names (`/static/duban.1a2b3c4d5e6f.css`), so a browser may
//! keep them for a year and still never run a stale copy after an upgrade.

use std::sync::OnceLock;

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use super::error::UiError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    hashed: String,
}

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "duban.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/duban.css"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/htmx.min.js"),
    ),
    (
        "htmx.LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../../static/htmx.LICENSE.txt"),
    ),
];

fn assets() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, content_type, bytes)| {
                let digest = format!("{:x}", Sha256::digest(bytes));
                let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
                Asset {
                    name,
                    content_type,
                    bytes,
                    hashed: format!("{stem}.{}.{ext}", &digest[..12]),
                }
            })
            .collect()
    })
}

/// The address a page links an embedded file by.
pub fn url(name: &str) -> String {
    assets().iter().find(|a| a.name == name).map_or_else(
        || format!("/static/{name}"),
        |a| format!("/static/{}", a.hashed),
    )
}

/// `GET /static/{file}`: hashed names are immutable; the plain name (for a
/// licence someone links by hand) is served too, briefly cached.
pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, UiError> {
    let file = file.into_inner();
    let (asset, immutable) = assets()
        .iter()
        .find_map(|a| {
            if a.hashed == file {
                Some((a, true))
            } else if a.name == file {
                Some((a, false))
            } else {
                None
            }
        })
        .ok_or(UiError::NotFound)?;
    let cache = if immutable {
        CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(31_536_000),
            CacheDirective::Extension("immutable".into(), None),
        ])
    } else {
        CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(300)])
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, asset.content_type))
        .insert_header(cache)
        .body(asset.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_the_content_hash() {
        let css = url("duban.css");
        assert!(
            css.starts_with("/static/duban.") && css.ends_with(".css"),
            "{css}"
        );
        assert_eq!(css.len(), "/static/duban..css".len() + 12);
        assert_eq!(url("nothing.js"), "/static/nothing.js");
    }

    #[test]
    fn htmx_keeps_its_licence_header() {
        let js = std::str::from_utf8(include_bytes!("../../static/htmx.min.js")).unwrap();
        assert!(js.starts_with("/*! htmx 2."), "{}", &js[..60]);
        assert!(js.lines().next().unwrap().contains("Zero-Clause BSD"));
    }
}
