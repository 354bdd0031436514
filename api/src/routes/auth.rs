use actix_web::{HttpRequest, HttpResponse, post, web};
use duban_domain::identity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::Json;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "admin")]
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always "Bearer".
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
    /// An administrator set this password: change it first (`POST /me/password`).
    pub must_change_password: bool,
}

/// Sign in with a username and password; answers a bearer token.
///
/// Repeated failures lock the account for a while (429 with Retry-After).
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "Wrong username or password", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, description = "Locked after repeated failures", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let source = crate::auth::client_source(&req, &state.settings.server.trusted_proxies);
    let signed =
        identity::authenticate(&state.env, &body.username, &body.password, &source).await?;
    let issued = state.tokens.issue(
        signed.actor.user_id,
        signed.credential_version,
        state.env.now(),
    )?;
    tracing::info!(user_id = signed.actor.user_id, "signed in");
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: issued.expires_in,
        must_change_password: signed.must_change_password,
    }))
}
