//! The extractor that turns a bearer token into the caller, read fresh from
//! the database on every request (a deactivated user is refused at once).

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use duban_domain::identity;
use duban_domain::policy::Actor;

use crate::error::ApiError;
use crate::state::AppState;

/// The signed-in caller. Using it as a handler argument makes the route
/// require a valid token.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
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
            let user_id = state.tokens.verify(token, state.env.now())?;
            let actor = identity::load_actor(&state.env.db, user_id).await?;
            tracing::Span::current().record("user_id", actor.user_id);
            Ok(Caller(actor))
        })
    }
}
