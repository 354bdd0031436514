//! Group robots per unit (DingTalk, WeCom, Feishu) and where an item's
//! messages went.

use actix_web::{HttpResponse, delete, get, post, web};
use duban_domain::directory::{NewChannel, channels};
use duban_domain::entities::notification::Channel;
use duban_domain::notify;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::directory::ChannelResponse;
use crate::responses::notifications::DeliveryResponse;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChannel {
    /// `dingtalk`, `wecom` or `feishu`.
    #[schema(example = "dingtalk")]
    pub kind: Channel,
    /// The robot's webhook address (http or https).
    #[schema(example = "https://oapi.dingtalk.com/robot/send?access_token=…")]
    pub url: String,
    /// The signing secret (DingTalk 加签, Feishu 签名校验); never shown again.
    pub secret: Option<String>,
    /// What the office calls it, e.g. the group's name.
    #[schema(example = "民政局工作群")]
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ChannelList {
    pub items: Vec<ChannelResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryResponse>,
}

/// Add a group robot to a unit (admin, office). Messages for the unit then go there as well.
#[utoipa::path(tag = "units", security(("bearer" = [])), request_body = CreateChannel, responses(
    (status = 201, body = ChannelResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "Not an http(s) address, or a secret where the platform has none", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/units/{id}/channels")]
pub async fn create(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<CreateChannel>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let new = NewChannel::parse(b.kind, &b.url, b.secret.as_deref(), b.name.as_deref())?;
    let view = channels::add(&state.ctx(&actor), id.into_inner(), new).await?;
    Ok(HttpResponse::Created().json(ChannelResponse::from(view)))
}

/// A unit's robots (admin, office), without their secrets.
#[utoipa::path(tag = "units", security(("bearer" = [])), responses(
    (status = 200, body = ChannelList),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/units/{id}/channels")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let items = channels::list(&state.ctx(&actor), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ChannelList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// Remove a robot (admin, office): nothing more is posted there.
#[utoipa::path(tag = "units", security(("bearer" = [])), responses(
    (status = 204),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[delete("/units/{id}/channels/{channel_id}")]
pub async fn remove(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (unit_id, channel_id) = path.into_inner();
    channels::remove(&state.ctx(&actor), unit_id, channel_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Where each message about the item went, when, and whether it arrived (office, inspectors).
#[utoipa::path(tag = "assignments", security(("bearer" = [])), responses(
    (status = 200, body = DeliveryList),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/assignments/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let items = notify::deliveries(&state.ctx(&actor), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(DeliveryList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}
