use actix_web::{HttpResponse, get, web};
use duban_domain::entities::unit;
use duban_domain::identity;
use sea_orm::EntityTrait;

use crate::auth::Caller;
use crate::error::ApiResult;
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
