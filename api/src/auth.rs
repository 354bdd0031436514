//! The extractor that turns a bearer token into the caller, read fresh from
//! the database on every request (a deactivated user is refused at once).

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::header, web};
use duban_domain::db::Generation;
use duban_domain::identity;
use duban_domain::policy::Actor;

use crate::error::{ApiError, ErrorKind};
use crate::state::AppState;

/// The signed-in caller. Using it as a handler argument makes the route
/// require a valid token. A person whose password an administrator set may
/// only read `/me` and change the password until they have.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

/// What someone who must change their password may still do.
fn allowed_before_password_change(req: &HttpRequest) -> bool {
    matches!(req.path(), "/api/v1/me" | "/api/v1/me/password")
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let may_without_new_password = allowed_before_password_change(&req);
        let header = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no app state")))?;
            let header = header.ok_or_else(|| {
                ApiError::unauthenticated(
                    "需要登录：缺少 Authorization: Bearer 令牌 (missing bearer token)",
                )
            })?;
            let token = header
                .strip_prefix("Bearer ")
                .or_else(|| header.strip_prefix("bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    ApiError::unauthenticated(
                        "Authorization 须为 Bearer 令牌 (expected a bearer token)",
                    )
                })?;
            let (user_id, version) = state.tokens.verify(token, state.env.now())?;
            let (signed, generation) = identity::current(&state.env.db, user_id, version).await?;
            crate::read_your_writes::checked(&req, &state.env.db, user_id);
            req.extensions_mut().insert(generation);
            tracing::Span::current().record("user_id", user_id);
            if signed.must_change_password && !may_without_new_password {
                return Err(ApiError::new(
                    ErrorKind::PasswordChangeRequired,
                    "请先修改管理员为您设置的密码：POST /api/v1/me/password (change the password an administrator set first)",
                ));
            }
            Ok(Caller(signed.actor))
        })
    }
}

/// The store's generation the caller's check read (call it in the handler's
/// body, after [`Caller`] was extracted: actix starts every argument's
/// extraction before any finishes): what a list read at the same
/// generation may reuse.
pub fn seen(req: &HttpRequest) -> Option<Generation> {
    req.extensions().get::<Generation>().cloned()
}

/// The client's address for the sign-in throttle: the peer, or, when the
/// peer is one of `server.trusted_proxies`, the nearest address in
/// X-Forwarded-For that is not a trusted proxy (an address a client wrote
/// there itself comes before the proxy's own entry and is never taken).
pub fn client_source(req: &HttpRequest, trusted: &[std::net::IpAddr]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in forwarded.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip.to_string(),
            // Something that is no address: stop believing the chain here.
            Err(_) => break,
        }
    }
    peer.to_string()
}

#[cfg(test)]
mod tests {
    use super::client_source;
    use actix_web::test::TestRequest;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = [ip("127.0.0.1"), ip("10.0.0.2")];
        let direct = TestRequest::default()
            .peer_addr("203.0.113.9:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "1.2.3.4"))
            .to_http_request();
        assert_eq!(client_source(&direct, &trusted), "203.0.113.9");
        let proxied = TestRequest::default()
            .peer_addr("127.0.0.1:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2"))
            .to_http_request();
        assert_eq!(client_source(&proxied, &trusted), "198.51.100.7");
        let garbage = TestRequest::default()
            .peer_addr("127.0.0.1:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "not-an-ip"))
            .to_http_request();
        assert_eq!(client_source(&garbage, &trusted), "127.0.0.1");
        let none = TestRequest::default().to_http_request();
        assert_eq!(client_source(&none, &trusted), "unknown");
    }
}
