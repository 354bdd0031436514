//! The navigation: which screens show is the domain's decision
//! ([`screens_for`]); here they only get their Chinese names and addresses.

use duban_domain::policy::Actor;
use duban_domain::workflow::actions::{Screen, screens_for};
use serde::Serialize;

/// The screen a page belongs to, marked in the navigation.
pub type Current = Option<Screen>;

#[derive(Serialize)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub current: bool,
}

pub fn label(s: Screen) -> &'static str {
    match s {
        Screen::Workbench => "工作台",
        Screen::Assignments => "事项",
        Screen::Plans => "督办文件",
        Screen::Review => "审核",
        Screen::Extensions => "延期",
        Screen::Board => "督办看板",
        Screen::Assessment => "考核",
        Screen::Notifications => "通知",
        Screen::Admin => "管理",
    }
}

pub fn href(s: Screen) -> &'static str {
    match s {
        Screen::Workbench => "/workbench",
        Screen::Assignments => "/assignments",
        Screen::Plans => "/plans",
        Screen::Review => "/review",
        Screen::Extensions => "/extensions",
        Screen::Board => "/board",
        Screen::Assessment => "/assessment",
        Screen::Notifications => "/notifications",
        Screen::Admin => "/admin",
    }
}

pub fn items(actor: &Actor, current: Current) -> Vec<NavItem> {
    screens_for(actor)
        .into_iter()
        .map(|s| NavItem {
            label: label(s),
            href: href(s),
            current: current == Some(s),
        })
        .collect()
}

/// Refuses a screen the actor's role does not open, as the domain says.
pub fn ensure(actor: &Actor, s: Screen) -> Result<(), super::error::UiError> {
    if duban_domain::workflow::actions::may_open(actor, s) {
        Ok(())
    } else {
        Err(super::error::UiError::Forbidden(format!(
            "您的角色不能使用“{}” (this role cannot open this screen)",
            label(s)
        )))
    }
}
