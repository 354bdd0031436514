//! An assignment as one line of any list: task, plan, unit, status in
//! Chinese, the light and the days left or overdue.

use chrono::{DateTime, NaiveDate, Utc};
use duban_domain::calendar::WorkingCalendar;
use duban_domain::escalation::level_name;
use duban_domain::policy::Actor;
use duban_domain::workflow::Action;
use duban_domain::workflow::actions::can;
use duban_domain::workflow::listing::AssignmentRow;
use duban_domain::workflow::standing::{Standing, standing};
use serde::Serialize;

#[derive(Serialize)]
pub struct Row {
    pub id: i64,
    pub task_number: String,
    pub task_title: String,
    pub plan_doc_no: String,
    pub unit_name: String,
    pub role_label: &'static str,
    pub status: String,
    pub status_label: &'static str,
    pub due_on: NaiveDate,
    pub percent: Option<i32>,
    pub escalation_level: i32,
    pub level_name: &'static str,
    pub standing: Standing,
    /// May the viewer tick this row to 签收 it.
    pub may_acknowledge: bool,
}

pub fn row(actor: &Actor, r: AssignmentRow, now: DateTime<Utc>, cal: &WorkingCalendar) -> Row {
    Row {
        standing: standing(&r, now, cal),
        may_acknowledge: can(actor, r.unit_id, r.status, Action::Acknowledge),
        status_label: r.status.label(),
        role_label: r.role.label(),
        level_name: level_name(r.escalation_level),
        id: r.id,
        task_number: r.task_number,
        task_title: r.task_title,
        plan_doc_no: r.plan_doc_no,
        unit_name: r.unit_name,
        status: r.status.as_str().to_owned(),
        due_on: r.due_on,
        percent: r.percent,
        escalation_level: r.escalation_level,
    }
}

pub fn rows(
    actor: &Actor,
    rs: Vec<AssignmentRow>,
    now: DateTime<Utc>,
    cal: &WorkingCalendar,
) -> Vec<Row> {
    rs.into_iter().map(|r| row(actor, r, now, cal)).collect()
}

/// A list's address with only the parameters that say something, in a
/// fixed order: what the address bar shows, and what back and reload keep.
pub fn canonical(path: &str, values: &std::collections::BTreeMap<String, String>) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in values
        .iter()
        .filter(|(k, v)| !(k.as_str() == "page" && v.as_str() == "1"))
    {
        q.append_pair(k, v);
    }
    let q = q.finish();
    if q.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{q}")
    }
}

/// The pager under a list: links keep every other parameter of the URL.
#[derive(Serialize)]
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

pub fn pager(
    path: &str,
    query: &[(String, String)],
    page: u64,
    per_page: u64,
    total: u64,
) -> Pager {
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let link = |p: u64| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in query.iter().filter(|(k, _)| k != "page") {
            q.append_pair(k, v);
        }
        if p > 1 {
            q.append_pair("page", &p.to_string());
        }
        let q = q.finish();
        if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{q}")
        }
    };
    Pager {
        page,
        pages,
        total,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_links_keep_filters_and_drop_the_old_page() {
        let q = vec![
            ("status".to_owned(), "issued".to_owned()),
            ("page".to_owned(), "2".to_owned()),
        ];
        let p = pager("/assignments", &q, 2, 25, 60);
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev.as_deref(), Some("/assignments?status=issued"));
        assert_eq!(p.next.as_deref(), Some("/assignments?status=issued&page=3"));
        let p = pager("/review", &[], 1, 25, 0);
        assert_eq!((p.pages, p.prev, p.next), (1, None, None));
    }
}
