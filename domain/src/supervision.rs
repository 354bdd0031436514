//! Inspection (督查): the overdue board, items at risk, and the status light
//! every assignment carries.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, Condition};
use serde::Serialize;

use crate::calendar::WorkingCalendar;
use crate::entities::assignment;
use crate::page::{Page, PageRequest};
use crate::policy::Actor;
use crate::role::Role;
use crate::time::{local_date, zone_of};
use crate::workflow::Status;
use crate::workflow::listing::{self, AssignmentFilter, AssignmentRow, Sort, SortKey};
use crate::{Ctx, DomainError};

/// Working days a unit has to acknowledge an issued item.
pub const ACK_WITHIN_WORKING_DAYS: u32 = 2;
/// "Due soon" for the yellow light and the at-risk view.
pub const DUE_SOON_DAYS: i64 = 3;

/// Green on track, yellow due within 3 days or acknowledged late, red overdue;
/// grey for drafts and cancelled items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Light {
    Green,
    Yellow,
    Red,
    Grey,
}

/// When an issued item should have been acknowledged by.
pub fn ack_deadline(
    issued_at: DateTime<Utc>,
    tz: chrono_tz::Tz,
    calendar: &WorkingCalendar,
) -> DateTime<Utc> {
    let issued_on = local_date(issued_at, tz);
    crate::time::end_of_day(
        calendar.add_working_days(issued_on, ACK_WITHIN_WORKING_DAYS),
        tz,
    )
}

/// Acknowledged after the deadline, or still not acknowledged past it.
pub fn acknowledged_late(
    row: &AssignmentRow,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
) -> bool {
    let Some(issued) = row.issued_at else {
        return false;
    };
    let deadline = ack_deadline(issued, zone_of(&row.plan_timezone), calendar);
    match row.acknowledged_at {
        Some(at) => at > deadline,
        None => row.status == Status::Issued && now > deadline,
    }
}

pub fn light(row: &AssignmentRow, now: DateTime<Utc>, calendar: &WorkingCalendar) -> Light {
    match row.status {
        Status::Draft | Status::Cancelled => Light::Grey,
        Status::Completed => Light::Green,
        // 挂起: the clock is paused.
        _ if row.suspended_at.is_some() => Light::Grey,
        _ if now >= row.due_at => Light::Red,
        _ if row.due_at - now <= Duration::days(DUE_SOON_DAYS)
            || acknowledged_late(row, now, calendar) =>
        {
            Light::Yellow
        }
        _ => Light::Green,
    }
}

/// Working days past the due date, by the calendar (0 when not overdue).
pub fn working_days_overdue(
    row: &AssignmentRow,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
) -> i64 {
    if !row.derived(now).overdue {
        return 0;
    }
    let today = local_date(now, zone_of(&row.plan_timezone));
    calendar.working_days_between(row.due_on, today)
}

/// Who may open the board and the statistics of every unit.
pub fn ensure_inspection_view(actor: &Actor) -> Result<(), DomainError> {
    if actor
        .roles
        .any(&[Role::Office, Role::Inspector, Role::Leader])
    {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "督查看板仅限督办办公室、督查人员和领导查看 (the board is for the office, inspectors and leaders)".into(),
        ))
    }
}

#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    pub unit_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub level: Option<i32>,
    pub min_days: Option<i64>,
}

/// Overdue items, and open items already escalated, most overdue first.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn overdue_board(
    ctx: &Ctx<'_>,
    f: &BoardFilter,
    page: PageRequest,
) -> Result<Page<AssignmentRow>, DomainError> {
    ensure_inspection_view(ctx.actor)?;
    let now = ctx.now;
    let mut filter = AssignmentFilter {
        unit_id: f.unit_id,
        plan_id: f.plan_id,
        supervised: true,
        escalation_level: f.level,
        sort: Sort {
            key: SortKey::DueOn,
            descending: false,
        },
        ..Default::default()
    };
    if f.min_days.is_some_and(|d| !(0..=MAX_DAYS).contains(&d)) {
        return Err(DomainError::Invalid(vec![crate::FieldError::new(
            "min_days",
            format!("逾期天数须在 0 到 {MAX_DAYS} 之间"),
        )]));
    }
    if let Some(days) = f.min_days.filter(|d| *d > 0) {
        // At least `days` calendar days late: due_on on or before today - days.
        // The zone is the plans' (almost always one); the day is taken in the default zone.
        let today = local_date(now, zone_of(crate::time::DEFAULT_TIMEZONE));
        filter.due_to = Some(today - Duration::days(days));
    }
    listing::list(ctx, &filter, page).await
}

/// The longest span in days a client may ask about (a hundred years).
pub const MAX_DAYS: i64 = 36_500;

/// Why an item is at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// Due within the window asked for and under 80 % done.
    DueSoon,
    /// Issued and not acknowledged within its working days.
    AcknowledgedLate,
    /// A reporting period of its schedule ended without a report.
    BehindSchedule,
    /// The office returned its request to close more than once.
    ReturnedRepeatedly,
}

impl Risk {
    pub fn label(self) -> &'static str {
        match self {
            Risk::DueSoon => "临近时限",
            Risk::AcknowledgedLate => "超时未签收",
            Risk::BehindSchedule => "未按期反馈",
            Risk::ReturnedRepeatedly => "多次退回",
        }
    }
}

/// An item at risk and why.
#[derive(Debug, Clone)]
pub struct RiskRow {
    pub row: AssignmentRow,
    pub reasons: Vec<Risk>,
}

/// Items at risk: due within `within_days` and not near done (under 80 %),
/// issued and not acknowledged in time, behind their reporting schedule (the
/// last period ended with no report in it), or returned more than once.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn at_risk(
    ctx: &Ctx<'_>,
    within_days: i64,
    page: PageRequest,
) -> Result<Page<AssignmentRow>, DomainError> {
    let p = at_risk_why(ctx, within_days, page).await?;
    Ok(Page {
        items: p.items.into_iter().map(|r| r.row).collect(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    })
}

/// [`at_risk`], each item with its reasons.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn at_risk_why(
    ctx: &Ctx<'_>,
    within_days: i64,
    page: PageRequest,
) -> Result<Page<RiskRow>, DomainError> {
    use sea_orm::{EntityTrait, QueryFilter, QuerySelect};

    use crate::entities::{plan, review, task};
    use crate::reminders::{parse_cron, report_period};

    ensure_inspection_view(ctx.actor)?;
    let (calendar, now, conn) = (ctx.calendar(), ctx.now, ctx.reads().conn());
    // The acknowledgement deadline is at most a couple of weeks after issue
    // (holidays included); narrow by SQL, decide exactly below.
    let horizon = now + Duration::days(within_days.clamp(0, 365));
    // Periods that have ended: (start, end] of the last one, per scheduled task.
    let mut ended = std::collections::HashMap::new();
    let scheduled = task::Entity::find()
        .filter(task::Column::ReportCron.is_not_null())
        .filter(task::Column::ReportCron.ne(""))
        .all(conn)
        .await?;
    if !scheduled.is_empty() {
        let zones: std::collections::HashMap<i64, String> = plan::Entity::find()
            .all(conn)
            .await?
            .into_iter()
            .map(|p| (p.id, p.timezone))
            .collect();
        for t in scheduled {
            let Some(schedule) = t.report_cron.as_deref().and_then(|e| parse_cron(e).ok()) else {
                continue;
            };
            let tz = zone_of(zones.get(&t.plan_id).map_or("", String::as_str));
            let Some((Some(end), _)) = report_period(&schedule, tz, now) else {
                continue;
            };
            let start =
                report_period(&schedule, tz, end - Duration::seconds(1)).and_then(|(p, _)| p);
            ended.insert(t.id, (start, end));
        }
    }
    let returned: Vec<i64> = review::Entity::find()
        .select_only()
        .column(review::Column::AssignmentId)
        .filter(review::Column::Decision.eq(crate::entities::review::Decision::Return))
        .group_by(review::Column::AssignmentId)
        .having(
            sea_orm::sea_query::Expr::expr(
                sea_orm::sea_query::Expr::col(review::Column::Id).count(),
            )
            .gt(1),
        )
        .into_tuple()
        .all(conn)
        .await?;
    let returned: std::collections::HashSet<i64> = returned.into_iter().collect();
    let mut extra = Condition::any()
        .add(
            Condition::all()
                .add(listing::is_open())
                .add(assignment::Column::DueAt.gt(now))
                .add(assignment::Column::DueAt.lte(horizon))
                .add(
                    Condition::any()
                        .add(assignment::Column::Percent.is_null())
                        .add(assignment::Column::Percent.lt(80)),
                ),
        )
        .add(
            Condition::all()
                .add(assignment::Column::Status.eq(Status::Issued))
                .add(assignment::Column::IssuedAt.lte(now - Duration::days(2))),
        );
    if !ended.is_empty() {
        extra = extra.add(
            Condition::all()
                .add(listing::is_open())
                .add(assignment::Column::TaskId.is_in(ended.keys().copied())),
        );
    }
    if !returned.is_empty() {
        extra = extra.add(
            Condition::all()
                .add(listing::is_open())
                .add(assignment::Column::Id.is_in(returned.iter().copied())),
        );
    }
    let rows = listing::list_where(ctx, extra).await?;
    let mut risky: Vec<RiskRow> = rows
        .into_iter()
        .filter_map(|r| {
            let mut why = Vec::new();
            if r.status.is_open()
                && r.due_at > now
                && r.due_at <= horizon
                && r.percent.is_none_or(|p| p < 80)
            {
                why.push(Risk::DueSoon);
            }
            if r.status == Status::Issued && acknowledged_late(&r, now, calendar) {
                why.push(Risk::AcknowledgedLate);
            }
            if r.status.is_open()
                && ended
                    .get(&r.task_id)
                    .is_some_and(|(start, end)| behind(*start, *end, r.issued_at, r.last_report_at))
            {
                why.push(Risk::BehindSchedule);
            }
            if r.status.is_open() && returned.contains(&r.id) {
                why.push(Risk::ReturnedRepeatedly);
            }
            (!why.is_empty()).then_some(RiskRow {
                row: r,
                reasons: why,
            })
        })
        .collect();
    risky.sort_by_key(|r| (r.row.due_at, r.row.id));
    let total = risky.len() as u64;
    let items = risky
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .collect();
    Ok(Page::of(items, total, page))
}

/// Behind its schedule: issued before the last period ended, and no report
/// since that period began (or since issue, if later).
fn behind(
    start: Option<DateTime<Utc>>,
    end: DateTime<Utc>,
    issued_at: Option<DateTime<Utc>>,
    last_report_at: Option<DateTime<Utc>>,
) -> bool {
    let Some(issued) = issued_at.filter(|i| *i < end) else {
        return false;
    };
    let from = start.map_or(issued, |s| s.max(issued));
    last_report_at.is_none_or(|r| r < from)
}

/// Calendar feeds: a secret address per user, stored only as a hash.
pub mod feeds {
    use chrono::{DateTime, Utc};
    use rand::Rng;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use sha2::{Digest, Sha256};

    use crate::db::Db;
    use crate::entities::calendar_feed;
    use crate::{Ctx, DomainError};

    fn digest(token: &str) -> String {
        format!("{:x}", Sha256::digest(token.as_bytes()))
    }

    /// Makes a new feed token for the actor, revoking their earlier ones.
    #[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
    pub async fn create(ctx: &Ctx<'_>) -> Result<String, DomainError> {
        let bytes: [u8; 24] = rand::rng().random();
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        ctx.write(async |tx| {
            revoke_in(tx.conn(), tx.actor.user_id, tx.now).await?;
            calendar_feed::ActiveModel {
                user_id: Set(tx.actor.user_id),
                token_sha256: Set(digest(&token)),
                created_at: Set(tx.now),
                revoked_at: Set(None),
                ..Default::default()
            }
            .insert(tx.conn())
            .await?;
            Ok(token)
        })
        .await
    }

    async fn revoke_in(
        txn: &sea_orm::DatabaseTransaction,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError> {
        Ok(calendar_feed::Entity::update_many()
            .col_expr(calendar_feed::Column::RevokedAt, Expr::value(Some(now)))
            .filter(calendar_feed::Column::UserId.eq(user_id))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .exec(txn)
            .await?
            .rows_affected)
    }

    #[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
    pub async fn revoke(ctx: &Ctx<'_>) -> Result<u64, DomainError> {
        ctx.write(async |tx| revoke_in(tx.conn(), tx.actor.user_id, tx.now).await)
            .await
    }

    /// One deadline in a calendar: an item for a unit, a task for those
    /// who supervise it (the units that still owe it named inside).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Deadline {
        /// Stable across reads, so calendar apps update rather than duplicate.
        pub uid: String,
        pub due_on: chrono::NaiveDate,
        pub summary: String,
        pub description: String,
        /// The item to open (a unit's feed), or the first open item of the task.
        pub assignment_id: i64,
        /// Still ahead (in the plan's time zone): worth a reminder the day before.
        pub ahead: bool,
    }

    /// What a feed holds and what it had to leave out.
    #[derive(Debug, Clone)]
    pub struct Deadlines {
        pub title: String,
        pub description: String,
        pub items: Vec<Deadline>,
        /// Open items beyond the feed's limit (the latest deadlines).
        pub left_out: u64,
    }

    /// Open items read into one feed at most, unless configured otherwise;
    /// beyond it the feed says so.
    pub const FEED_ITEM_LIMIT: u64 = 2000;

    /// The deadlines the actor answers for or supervises: a unit's staff
    /// get their unit's open items; the office, inspectors and leaders one
    /// event per task and date with the units that have not finished.
    /// Nearest deadlines first; overdue items stay until they are closed.
    #[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
    pub async fn deadlines(ctx: &Ctx<'_>, limit: u64) -> Result<Deadlines, DomainError> {
        let limit = limit.max(1);
        use crate::page::{MAX_PER_PAGE, PageRequest};
        use crate::workflow::Status;
        use crate::workflow::listing::{self, AssignmentFilter, Sort, SortKey};
        let supervisor = ctx.actor.sees_all_units();
        let unit_id = if supervisor { None } else { ctx.actor.unit_id };
        if !supervisor && unit_id.is_none() {
            return Ok(Deadlines {
                title: "督办事项".into(),
                description: "此账号不属于任何承办单位，也不负责督查，订阅中没有事项。".into(),
                items: Vec::new(),
                left_out: 0,
            });
        }
        let filter = AssignmentFilter {
            statuses: Status::OPEN.to_vec(),
            unit_id,
            sort: Sort {
                key: SortKey::DueOn,
                descending: false,
            },
            ..Default::default()
        };
        let mut rows = Vec::new();
        let mut total = 0;
        for page in 1.. {
            let got = listing::list(
                ctx,
                &filter,
                PageRequest::new(Some(page), Some(MAX_PER_PAGE))?,
            )
            .await?;
            total = got.total;
            let n = got.items.len() as u64;
            rows.extend(got.items);
            if n < MAX_PER_PAGE || rows.len() as u64 >= limit.min(total) {
                break;
            }
        }
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let left_out = total.saturating_sub(rows.len() as u64);
        let now = ctx.now;
        let state = |r: &listing::AssignmentRow| {
            let d = r.derived(now);
            if d.overdue {
                format!("{}，已逾期 {} 天", r.status.label(), d.days_overdue)
            } else {
                r.status.label().to_owned()
            }
        };
        let ahead = |r: &listing::AssignmentRow| {
            r.due_on > crate::time::local_date(now, crate::time::zone_of(&r.plan_timezone))
        };
        let items = if supervisor {
            // Rows come sorted by date; one event per task and date, in
            // the order of its first row.
            let mut items: Vec<Deadline> = Vec::new();
            let mut units: Vec<Vec<String>> = Vec::new();
            let mut index = std::collections::HashMap::new();
            for r in &rows {
                let at = *index.entry((r.task_id, r.due_on)).or_insert_with(|| {
                    items.push(Deadline {
                        uid: format!("task-{}-{}@duban", r.task_id, r.due_on),
                        due_on: r.due_on,
                        summary: format!("【督办】{}", r.what_in_plan()),
                        description: format!("{}\n完成时限：{}", r.what(), r.due_on),
                        assignment_id: r.id,
                        ahead: ahead(r),
                    });
                    units.push(Vec::new());
                    items.len() - 1
                });
                units[at].push(format!(
                    "{}：{}（{}）",
                    r.role.label(),
                    r.unit_name,
                    state(r)
                ));
            }
            for (item, list) in items.iter_mut().zip(units) {
                item.summary = format!("{}（{} 个单位未办结）", item.summary, list.len());
                item.description = format!("{}\n{}", item.description, list.join("\n"));
            }
            items
        } else {
            rows.iter()
                .map(|r| Deadline {
                    uid: format!("assignment-{}@duban", r.id),
                    due_on: r.due_on,
                    summary: format!("【督办】{}", r.what_in_plan()),
                    description: format!(
                        "{}\n责任单位：{}（{}）\n状态：{}\n完成时限：{}",
                        r.what(),
                        r.unit_name,
                        r.role.label(),
                        state(r),
                        r.due_on
                    ),
                    assignment_id: r.id,
                    ahead: ahead(r),
                })
                .collect()
        };
        let mut description = if supervisor {
            format!("督办的全部未办结事项，共 {total} 项")
        } else {
            format!("本单位未办结的督办事项，共 {total} 项")
        };
        if left_out > 0 {
            description.push_str(&format!(
                "；只列出时限最近的 {} 项，其余 {left_out} 项请在系统中查看",
                rows.len()
            ));
        }
        Ok(Deadlines {
            title: "督办事项".into(),
            description,
            items,
            left_out,
        })
    }

    /// The user a live token belongs to.
    pub async fn user_of(db: &Db, token: &str) -> Result<i64, DomainError> {
        let plausible = token.len() == 48 && token.bytes().all(|b| b.is_ascii_hexdigit());
        if !plausible {
            return Err(DomainError::NotFound("feed"));
        }
        calendar_feed::Entity::find()
            .filter(calendar_feed::Column::TokenSha256.eq(digest(token)))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .one(db.conn())
            .await?
            .map(|f| f.user_id)
            .ok_or(DomainError::NotFound("feed"))
    }
}

/// 挂牌督办 by hand: an inspector raises an open assignment one level,
/// recorded like the automatic steps and told per the ladder. Answers the
/// new level.
pub async fn escalate_by_hand(
    ctx: &crate::Ctx<'_>,
    id: i64,
    note: &str,
) -> Result<i32, DomainError> {
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 2000 {
        return Err(DomainError::invalid(
            "note",
            "请填写督办说明（1–2000 字） (a note of 1–2000 characters)",
        ));
    }
    ctx.write(async |tx| escalate_by_hand_in(tx, id, note).await)
        .await
}

pub async fn escalate_by_hand_in(
    tx: &crate::Tx<'_>,
    id: i64,
    note: &str,
) -> Result<i32, DomainError> {
    let loaded = crate::workflow::step::load(tx, id, crate::workflow::Action::Escalate, None)
        .await
        .map_err(|e| match e {
            DomainError::Forbidden(_) => DomainError::Forbidden(
                "只有督查人员可以升级督办 (only inspectors escalate by hand)".into(),
            ),
            other => other,
        })?;
    let a = &loaded.row;
    let level = a.escalation_level + 1;
    if level > 3 {
        return Err(DomainError::conflict(
            crate::error::ConflictCode::WrongState,
            "已是最高督办等级（通报） (already at the top level)",
        ));
    }
    let ladder = &tx.rules().ladder;
    let roles = match level {
        1 => &ladder.level1_notify,
        2 => &ladder.level2_notify,
        _ => &ladder.level3_notify,
    };
    let book = crate::notify::Addressbook::for_units(tx.conn(), &[a.unit_id]).await?;
    let raised = crate::escalation::record_escalation(
        tx.conn(),
        Some(tx.actor),
        tx.now,
        crate::escalation::Escalation {
            assignment_id: a.id,
            from_level: a.escalation_level,
            to_level: level,
            steps: vec![(level, book.audience(roles, a.unit_id))],
            due_on: a.due_on,
            overdue: None,
            about: None,
        },
        Some(note),
    )
    .await?;
    if !raised {
        return Err(crate::workflow::stale());
    }
    Ok(level)
}

#[cfg(test)]
mod risk_tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn behind_its_schedule_when_the_last_period_passed_without_a_report() {
        let start = Some(at("2026-02-25T09:00:00+08:00"));
        let end = at("2026-03-25T09:00:00+08:00");
        let issued = Some(at("2026-01-10T09:00:00+08:00"));
        let report = |s: &str| Some(at(s));
        assert!(behind(start, end, issued, None));
        assert!(behind(
            start,
            end,
            issued,
            report("2026-02-20T09:00:00+08:00")
        ));
        assert!(!behind(
            start,
            end,
            issued,
            report("2026-03-01T09:00:00+08:00")
        ));
        // Reporting late, after the period ended, catches up.
        assert!(!behind(
            start,
            end,
            issued,
            report("2026-03-26T09:00:00+08:00")
        ));
        // Issued after the period ended: nothing owed yet.
        assert!(!behind(
            start,
            end,
            report("2026-03-26T09:00:00+08:00"),
            None
        ));
        // Issued mid-period: owed since issue.
        let mid = report("2026-03-10T09:00:00+08:00");
        assert!(behind(start, end, mid, report("2026-03-01T09:00:00+08:00")));
        assert!(!behind(
            None,
            end,
            issued,
            report("2026-02-01T09:00:00+08:00")
        ));
    }
}
