//! The browser's session: a cookie carrying the same signed identity as an
//! API token (HttpOnly, SameSite=Lax, Secure behind https), read fresh from
//! the database on every request. The JSON API never reads this cookie — it
//! takes bearer tokens only — so a cookie can never be used to drive it from
//! another site.
//!
//! Every form that changes something carries a CSRF token derived from the
//! session token (a hash of a secret the other site cannot read), and every
//! post must come from our own origin when the browser says where it comes
//! from. The sign-in form, before there is a session, uses a random
//! double-submit cookie instead.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use duban_domain::account::{self, Profile};
use duban_domain::identity;
use duban_domain::policy::Actor;
use sha2::{Digest, Sha256};

use super::error::UiError;
use super::view::wants_fragment;
use crate::state::AppState;

pub const SESSION: &str = "duban_session";
pub const PRE_SESSION: &str = "duban_presession";

/// The signed-in person looking at a page.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub profile: Profile,
    /// The token every form of this session carries.
    pub csrf: String,
}

fn secure(state: &AppState) -> bool {
    state
        .settings
        .server
        .public_url
        .to_ascii_lowercase()
        .starts_with("https://")
}

fn cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    max_age_secs: i64,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure(state))
        .max_age(actix_web::cookie::time::Duration::seconds(max_age_secs))
        .finish()
}

pub fn session_cookie(state: &AppState, token: String, ttl_secs: i64) -> Cookie<'static> {
    cookie(state, SESSION, token, ttl_secs)
}

pub fn removal(state: &AppState, name: &'static str) -> Cookie<'static> {
    let mut c = cookie(state, name, String::new(), 0);
    c.make_removal();
    c
}

/// A fresh random value for the sign-in form's double-submit cookie.
pub fn pre_session_cookie(state: &AppState) -> (Cookie<'static>, String) {
    use rand::Rng;
    let bytes: [u8; 24] = rand::rng().random();
    let value: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    (cookie(state, PRE_SESSION, value.clone(), 3600), value)
}

/// The CSRF token of a session: unguessable without the HttpOnly cookie.
pub fn csrf_for(session_token: &str) -> String {
    let d = Sha256::digest(format!("duban-csrf\0{session_token}").as_bytes());
    d.iter().take(20).map(|b| format!("{b:02x}")).collect()
}

/// Compares without stopping at the first difference.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `scheme://host[:port]` of a URL, lower-cased.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| {
        format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            host.to_ascii_lowercase()
        )
    })
}

/// Did the browser say this post comes from our own pages? Browsers send
/// Origin on every form post; Referer is the fallback. A request with
/// neither is judged by its CSRF token alone.
pub fn from_our_origin(req: &HttpRequest, state: &AppState) -> bool {
    let get = |h: header::HeaderName| {
        req.headers()
            .get(h)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let claimed = match (get(header::ORIGIN), get(header::REFERER)) {
        (Some(o), _) => o,
        (None, Some(r)) => r,
        (None, None) => return true,
    };
    let Some(claimed) = origin_of(&claimed) else {
        return false; // "null" and other opaque origins
    };
    let mut ours: Vec<String> = origin_of(&state.settings.server.public_url)
        .into_iter()
        .collect();
    if let Some(host) = get(header::HOST) {
        let host = host.to_ascii_lowercase();
        ours.push(format!("http://{host}"));
        ours.push(format!("https://{host}"));
    }
    ours.contains(&claimed)
}

/// Where to sign in so as to come back to `next` (a path of ours only).
pub fn sign_in_url(next: &str) -> String {
    let next = safe_next(next);
    if next == "/" || next == "/workbench" {
        "/".to_owned()
    } else {
        let q: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        format!("/?next={q}")
    }
}

/// A local path to go to after sign-in; anything else goes to the workbench.
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if ok { next } else { "/workbench" }
}

async fn load(req: &HttpRequest) -> Result<Viewer, UiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| UiError::Internal(anyhow::anyhow!("no app state")))?;
    let sign_in = || {
        let next = match req.uri().path_and_query() {
            Some(pq) if req.method() == actix_web::http::Method::GET => pq.as_str().to_owned(),
            _ => "/workbench".to_owned(),
        };
        UiError::SignIn {
            next,
            htmx: wants_fragment(req),
        }
    };
    let token = req
        .cookie(SESSION)
        .map(|c| c.value().to_owned())
        .ok_or_else(sign_in)?;
    let (user_id, version) = state
        .tokens
        .verify(&token, state.env.now())
        .map_err(|_| sign_in())?;
    // As the API's caller: a password change, a reset or a new role ends
    // the sessions signed in before it.
    let signed = match identity::current(&state.env.db, user_id, version).await {
        Ok((s, generation)) => {
            crate::read_your_writes::checked(req, &state.env.db, user_id);
            req.extensions_mut().insert(generation);
            s
        }
        Err(duban_domain::DomainError::Unauthenticated(_)) => return Err(sign_in()),
        Err(e) => return Err(e.into()),
    };
    if signed.must_change_password && !matches!(req.path(), "/me/password" | "/sign-out") {
        return Err(UiError::PasswordFirst {
            htmx: wants_fragment(req),
        });
    }
    let actor = signed.actor;
    // The access log names who asked.
    tracing::Span::current().record("user_id", user_id);
    let profile = account::profile(&state.ctx(&actor)).await?;
    Ok(Viewer {
        actor,
        profile,
        csrf: csrf_for(&token),
    })
}

impl FromRequest for Viewer {
    type Error = UiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { load(&req).await })
    }
}

/// The signed-in viewer of a form post, checked for origin and token by
/// [`super::form::Submission`].
pub async fn viewer_of(req: &HttpRequest) -> Result<Viewer, UiError> {
    load(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_our_site() {
        assert_eq!(safe_next("/assignments/5?x=1"), "/assignments/5?x=1");
        assert_eq!(safe_next("//evil.example/x"), "/workbench");
        assert_eq!(safe_next("https://evil.example"), "/workbench");
        assert_eq!(safe_next("/\\evil"), "/workbench");
        assert_eq!(sign_in_url("/assignments/5"), "/?next=%2Fassignments%2F5");
        assert_eq!(sign_in_url("/workbench"), "/");
    }

    #[test]
    fn origins_compare_scheme_and_host() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/x?y").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin_of("HTTPS://Duban.Example"),
            Some("https://duban.example".into())
        );
        assert_eq!(origin_of("null"), None);
    }

    #[test]
    fn csrf_tokens_depend_on_the_session_and_compare_whole() {
        let a = csrf_for("token-a");
        assert_ne!(a, csrf_for("token-b"));
        assert!(same_secret(&a, &csrf_for("token-a")));
        assert!(!same_secret(&a, &a[..10]));
        assert!(!same_secret(&a, ""));
    }
}
