//! From an envelope of claimed notices to an email: each assignment listed
//! once (with a line per notice about it), rendered from the templates of
//! the message's kind.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use duban_domain::entities::{assignment, plan, task, unit, user};
use duban_domain::escalation::level_name;
use duban_domain::time::{local_date, zone_of};
use duban_domain::workflow::Status;
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QuerySelect, RelationTrait,
};
use serde::Serialize;

use super::claim::{Claimed, Envelope};
use crate::context::JobContext;
use crate::templates::MailKind;

/// What a message says about one assignment.
#[derive(Debug, Clone, FromQueryResult)]
pub(crate) struct ItemFacts {
    pub id: i64,
    pub status: String,
    pub due_on: NaiveDate,
    pub escalation_level: i32,
    pub task_number: String,
    pub task_title: String,
    pub plan_doc_no: String,
    pub plan_timezone: String,
    pub unit_name: String,
}

pub(crate) async fn item_facts<C: ConnectionTrait>(
    conn: &C,
    envelopes: &[Envelope],
) -> Result<HashMap<i64, ItemFacts>, DbErr> {
    let mut ids: Vec<i64> = envelopes
        .iter()
        .flat_map(|e| e.rows.iter().filter_map(|r| r.assignment_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows = assignment::Entity::find()
            .select_only()
            .columns([
                assignment::Column::Id,
                assignment::Column::Status,
                assignment::Column::DueOn,
                assignment::Column::EscalationLevel,
            ])
            .column_as(task::Column::Number, "task_number")
            .column_as(task::Column::Title, "task_title")
            .column_as(plan::Column::DocNo, "plan_doc_no")
            .column_as(plan::Column::Timezone, "plan_timezone")
            .column_as(unit::Column::Name, "unit_name")
            .join(JoinType::InnerJoin, assignment::Relation::Task.def())
            .join(JoinType::InnerJoin, assignment::Relation::Plan.def())
            .join(JoinType::InnerJoin, assignment::Relation::Unit.def())
            .filter(assignment::Column::Id.is_in(chunk.iter().copied()))
            .into_model::<ItemFacts>()
            .all(conn)
            .await?;
        out.extend(rows.into_iter().map(|r| (r.id, r)));
    }
    Ok(out)
}

/// The recipients' names and addresses.
pub(crate) async fn recipients<C: ConnectionTrait>(
    conn: &C,
    envelopes: &[Envelope],
) -> Result<HashMap<i64, user::Model>, DbErr> {
    let mut ids: Vec<i64> = envelopes.iter().map(|e| e.recipient).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        out.extend(users.into_iter().map(|u| (u.id, u)));
    }
    Ok(out)
}

/// Why a notice need not be mailed any more, if so: a reminder or an
/// escalation about an item that is closed, or a reminder for a due date
/// that an extension has since moved.
pub(crate) fn obsolete(row: &Claimed, facts: Option<&ItemFacts>) -> Option<&'static str> {
    let nag = matches!(
        row.kind.as_str(),
        "reminder" | "ack_reminder" | "report_reminder" | "escalation"
    );
    let facts = facts?;
    let open = Status::parse(&facts.status).is_some_and(Status::is_open);
    if nag && !open {
        return Some("the assignment is no longer open");
    }
    if row.kind == "reminder" {
        // remind:{assignment}:{due}:{offset}:{user}
        let due = row.dedupe_key.split(':').nth(2);
        if due.is_some_and(|d| d != facts.due_on.to_string()) {
            return Some("the due date has changed");
        }
    }
    None
}

#[derive(Debug, Serialize)]
struct Line {
    label: &'static str,
    text: String,
}

#[derive(Debug, Serialize)]
struct Item {
    what: String,
    title: String,
    doc_no: String,
    number: String,
    unit: String,
    due_on: String,
    when: String,
    escalation_level: i32,
    level_name: &'static str,
    link: String,
    lines: Vec<Line>,
}

#[derive(Debug, Serialize)]
struct NoticeView {
    subject: String,
    body: String,
}

#[derive(Debug, Serialize)]
struct View<'a> {
    recipient: &'a str,
    count: usize,
    items: Vec<Item>,
    notices: Vec<NoticeView>,
    subject: String,
    body: String,
    body_lines: Vec<String>,
    link: Option<String>,
    public_url: &'a str,
}

fn label(kind: &str) -> &'static str {
    match kind {
        "reminder" => "到期提醒",
        "ack_reminder" => "签收提醒",
        "report_reminder" => "进展反馈提醒",
        "escalation" => "逾期升级",
        "assigned" => "新交办",
        "reviewed" => "审核结果",
        "completion_requested" => "申请办结",
        "extension_requested" => "延期申请",
        "extension_decided" => "延期审批",
        "cancelled" => "事项撤销",
        "comment" => "督查意见",
        _ => "通知",
    }
}

fn when(facts: &ItemFacts, at: DateTime<Utc>) -> String {
    if let Some(s) = Status::parse(&facts.status).filter(|s| !s.is_open()) {
        return match s {
            Status::Completed => "已办结".into(),
            Status::Cancelled => "已撤销".into(),
            _ => "未下发".into(),
        };
    }
    let today = local_date(at, zone_of(&facts.plan_timezone));
    match (facts.due_on - today).num_days() {
        0 => "今天到期".into(),
        n if n > 0 => format!("还剩 {n} 天"),
        n => format!("已逾期 {} 天", -n),
    }
}

/// The notice's text without the lines that repeat the item's name, which
/// the message already shows once above them.
fn line_text(row: &Claimed, what: &str, title: &str) -> String {
    row.body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains(what) && (title.is_empty() || !l.contains(title)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds the message for `rows` (the envelope's notices still to mail).
pub(crate) fn compose(
    ctx: &JobContext,
    at: DateTime<Utc>,
    envelope: &Envelope,
    rows: &[&Claimed],
    to: Mailbox,
    facts: &HashMap<i64, ItemFacts>,
) -> anyhow::Result<Message> {
    let kind = if rows.iter().all(|r| r.kind == "escalation") {
        MailKind::Escalation
    } else if let [only] = rows
        && !matches!(
            only.kind.as_str(),
            "reminder" | "ack_reminder" | "report_reminder"
        )
    {
        MailKind::Notice
    } else {
        MailKind::Digest
    };
    let mut by_item: BTreeMap<(NaiveDate, i64), (&ItemFacts, Vec<&Claimed>)> = BTreeMap::new();
    let mut notices = Vec::new();
    for row in rows {
        match row.assignment_id.and_then(|a| facts.get(&a)) {
            Some(f) => by_item
                .entry((f.due_on, f.id))
                .or_insert_with(|| (f, Vec::new()))
                .1
                .push(row),
            None => notices.push(NoticeView {
                subject: row.subject.clone(),
                body: row.body.clone(),
            }),
        }
    }
    let items: Vec<Item> = by_item
        .into_values()
        .map(|(f, rows)| {
            let what = format!("{} {}{}", f.plan_doc_no, f.task_number, f.task_title);
            Item {
                lines: rows
                    .iter()
                    .map(|r| Line {
                        label: label(&r.kind),
                        text: line_text(r, &what, &f.task_title),
                    })
                    .collect(),
                title: f.task_title.clone(),
                doc_no: f.plan_doc_no.clone(),
                number: f.task_number.clone(),
                unit: f.unit_name.clone(),
                due_on: f.due_on.to_string(),
                when: when(f, at),
                escalation_level: f.escalation_level,
                level_name: level_name(f.escalation_level),
                link: ctx.link(f.id),
                what,
            }
        })
        .collect();
    let first = rows.first();
    let view = View {
        recipient: to.name.as_deref().unwrap_or(""),
        count: items.len() + notices.len(),
        items,
        notices,
        subject: first.map(|r| r.subject.clone()).unwrap_or_default(),
        body: first.map(|r| r.body.clone()).unwrap_or_default(),
        body_lines: first
            .map(|r| r.body.lines().map(str::to_owned).collect())
            .unwrap_or_default(),
        link: first.and_then(|r| r.assignment_id).map(|a| ctx.link(a)),
        public_url: &ctx.public_url,
    };
    let rendered = ctx.templates.render(kind, &view)?;
    Ok(Message::builder()
        .message_id(Some(envelope.message_id.clone()))
        .from(ctx.from.clone())
        .to(to)
        .subject(rendered.subject)
        .multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))?)
}
