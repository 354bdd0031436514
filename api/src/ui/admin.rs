//! 管理 (part 1 shows the directory; creating and editing units and users in
//! the browser comes with part 2 — until then through the API or the CLI).

use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::directory::units::{self, UnitFilter};
use duban_domain::directory::users::{self, UserFilter};
use duban_domain::page::PageRequest;
use duban_domain::workflow::actions::Screen;
use minijinja::context;

use super::error::UiResult;
use super::nav;
use super::session::Viewer;
use super::view;
use crate::state::AppState;

fn role_label(r: duban_domain::role::Role) -> &'static str {
    use duban_domain::role::Role::*;
    match r {
        Admin => "系统管理员",
        Office => "督办办公室",
        UnitStaff => "单位经办人",
        UnitHead => "单位负责人",
        Inspector => "督查人员",
        Leader => "领导",
    }
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Admin)?;
    let all = PageRequest {
        page: 1,
        per_page: 200,
    };
    let unit_page = units::list(&state.ctx(&viewer.actor), &UnitFilter::default(), all).await?;
    let user_page = users::list(&state.ctx(&viewer.actor), &UserFilter::default(), all).await?;
    let unit_names: std::collections::HashMap<i64, String> = unit_page
        .items
        .iter()
        .map(|u| (u.id, u.name.clone()))
        .collect();
    let units: Vec<_> = unit_page
        .items
        .iter()
        .map(|u| {
            context! {
                name => u.name, email => u.email, aliases => u.alias_list().join("、"),
                parent => u.parent_id.and_then(|p| unit_names.get(&p).cloned()),
            }
        })
        .collect();
    let people: Vec<_> = user_page
        .items
        .iter()
        .map(|u| context! {
            username => u.username, display_name => u.display_name, email => u.email, active => u.active,
            unit => u.unit_id.and_then(|id| unit_names.get(&id).cloned()),
            roles => u.roles.iter().map(role_label).collect::<Vec<_>>().join("、"),
        })
        .collect();
    view::Screen { req: &req, viewer: &viewer, current: Some(Screen::Admin), title: "管理" }.ok(
        "admin/page.html",
        None,
        context! { units => units, users => people, unit_total => unit_page.total, user_total => user_page.total },
    )
}
