use actix_web::{HttpRequest, HttpResponse, get, post, web};
use duban_domain::entities::unit;
use duban_domain::identity;
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::directory::MeResponse;
use crate::state::AppState;

/// The signed-in user: who they are, their unit and roles as of now.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = MeResponse),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, Caller(actor): Caller) -> ApiResult<HttpResponse> {
    let user = identity::me(&state.env.db, &actor).await?;
    let unit_name = match user.unit_id {
        Some(id) => unit::Entity::find_by_id(id)
            .one(state.env.db.conn())
            .await?
            .map(|u| u.name),
        None => None,
    };
    Ok(HttpResponse::Ok().json(MeResponse {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        email: user.email,
        unit_id: user.unit_id,
        unit_name,
        roles: actor.roles.iter().collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 10 characters of two kinds or more.
    pub new_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct PasswordChanged {
    /// A fresh token: the ones issued before the change no longer work.
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
}

/// Change one's own password (the current one is checked; a wrong one counts toward the lock). Older tokens stop working.
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = PasswordChange, responses(
    (status = 200, body = PasswordChanged),
    (status = 422, description = "The current password is wrong, or the new one too weak", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 429, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    Caller(actor): Caller,
    body: Json<PasswordChange>,
) -> ApiResult<HttpResponse> {
    let version = identity::change_password(
        &state.ctx(&actor),
        &body.current_password,
        &body.new_password,
        &crate::auth::client_source(&req, &state.settings.server.trusted_proxies),
    )
    .await?;
    let issued = state
        .tokens
        .issue(actor.user_id, version, state.env.now())?;
    Ok(HttpResponse::Ok().json(PasswordChanged {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: issued.expires_in,
    }))
}
