//! 工作台: the counts a person starts the day with, each naming the list it
//! opens. A unit's clerk and head: 待签收, 待反馈, 被退回, 即将到期, 已逾期,
//! 延期结果. The office: 待审核, 待决定的延期, 今日到期, 逾期, 超时未签收.
//! Inspectors and leaders: 逾期, 已升级督办, 即将到期.
//!
//! Most tiles are ordinary list filters; two rules are more than a filter
//! ([`Queue`]) and have lists of their own here.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use sea_orm::PaginatorTrait;
use sea_orm::sea_query::Query;

use super::Status;
use super::listing::{self, AssignmentFilter, AssignmentRow};
use crate::DomainResult;
use crate::context::Ctx;
use crate::entities::extension_request::{self, ExtensionStatus};
use crate::entities::{assignment, task};
use crate::page::{Page, PageRequest};
use crate::plan_policy::all_plans;
use crate::policy::{Actor, Scope, assignment_scope};
use crate::reminders::{ReminderSettings, parse_cron, report_period};
use crate::role::Role;
use crate::supervision::{DUE_SOON_DAYS, acknowledged_late};
use crate::time::{DEFAULT_TIMEZONE, local_date, zone_of};

/// Lists whose rule is more than a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// 待反馈: a reporting period ends soon and the unit has not reported in it.
    ReportDue,
    /// 超时未签收: issued and not acknowledged within the working days allowed.
    AckOverdue,
}

impl Queue {
    pub fn as_str(self) -> &'static str {
        match self {
            Queue::ReportDue => "report_due",
            Queue::AckOverdue => "ack_overdue",
        }
    }

    pub fn parse(s: &str) -> Option<Queue> {
        [Queue::ReportDue, Queue::AckOverdue]
            .into_iter()
            .find(|q| q.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Queue::ReportDue => "待反馈",
            Queue::AckOverdue => "超时未签收",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileKind {
    ToAcknowledge,
    ToReport,
    Returned,
    DueSoon,
    Overdue,
    ExtensionResults,
    ToReview,
    ExtensionsToDecide,
    DueToday,
    AckOverdue,
    Escalated,
}

impl TileKind {
    pub fn label(self) -> &'static str {
        match self {
            TileKind::ToAcknowledge => "待签收",
            TileKind::ToReport => "待反馈",
            TileKind::Returned => "被退回",
            TileKind::DueSoon => "即将到期",
            TileKind::Overdue => "已逾期",
            TileKind::ExtensionResults => "延期结果",
            TileKind::ToReview => "待审核",
            TileKind::ExtensionsToDecide => "待决定的延期",
            TileKind::DueToday => "今日到期",
            TileKind::AckOverdue => "超时未签收",
            TileKind::Escalated => "已升级督办",
        }
    }
}

/// Which extension requests a tile opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionView {
    /// Waiting for the office.
    Pending,
    /// Decided within the last [`RECENT_DECISION_DAYS`] days.
    Decided,
}

impl ExtensionView {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtensionView::Pending => "pending",
            ExtensionView::Decided => "decided",
        }
    }
}

/// The list a tile opens.
#[derive(Debug, Clone)]
pub enum Target {
    Assignments(AssignmentFilter),
    Queue(Queue),
    Extensions(ExtensionView),
}

#[derive(Debug, Clone)]
pub struct Tile {
    pub kind: TileKind,
    pub count: u64,
    pub target: Target,
}

/// Open and still the unit's to work on (not waiting for the office).
const UNIT_WORKING: [Status; 4] = [
    Status::Issued,
    Status::Acknowledged,
    Status::InProgress,
    Status::Returned,
];

/// Extension decisions this recent count as news for the unit.
pub const RECENT_DECISION_DAYS: i64 = 30;

fn today(now: DateTime<Utc>) -> NaiveDate {
    local_date(now, zone_of(DEFAULT_TIMEZONE))
}

fn statuses(s: &[Status]) -> AssignmentFilter {
    AssignmentFilter {
        statuses: s.to_vec(),
        ..Default::default()
    }
}

fn overdue() -> AssignmentFilter {
    AssignmentFilter {
        overdue: Some(true),
        ..Default::default()
    }
}

/// The filters and queues each role starts from, in the order shown.
pub fn targets_for(actor: &Actor, now: DateTime<Utc>) -> Vec<(TileKind, Target)> {
    use Target::*;
    let today = today(now);
    let due_soon = AssignmentFilter {
        statuses: UNIT_WORKING.to_vec(),
        overdue: Some(false),
        due_to: Some(today + Duration::days(DUE_SOON_DAYS)),
        ..Default::default()
    };
    let mut tiles = Vec::new();
    match assignment_scope(actor) {
        Scope::Nothing => {}
        Scope::Unit(_) => tiles.extend([
            (
                TileKind::ToAcknowledge,
                Assignments(statuses(&[Status::Issued])),
            ),
            (TileKind::ToReport, Queue(self::Queue::ReportDue)),
            (
                TileKind::Returned,
                Assignments(statuses(&[Status::Returned])),
            ),
            (TileKind::DueSoon, Assignments(due_soon)),
            (TileKind::Overdue, Assignments(overdue())),
            (
                TileKind::ExtensionResults,
                Extensions(ExtensionView::Decided),
            ),
        ]),
        Scope::All if actor.has(Role::Office) => tiles.extend([
            (
                TileKind::ToReview,
                Assignments(statuses(&[Status::PendingReview])),
            ),
            (
                TileKind::ExtensionsToDecide,
                Extensions(ExtensionView::Pending),
            ),
            (
                TileKind::DueToday,
                Assignments(AssignmentFilter {
                    statuses: Status::OPEN.to_vec(),
                    overdue: Some(false),
                    due_from: Some(today),
                    due_to: Some(today),
                    ..Default::default()
                }),
            ),
            (TileKind::Overdue, Assignments(overdue())),
            (TileKind::AckOverdue, Queue(self::Queue::AckOverdue)),
        ]),
        Scope::All => tiles.extend([
            (TileKind::Overdue, Assignments(overdue())),
            (
                TileKind::Escalated,
                Assignments(AssignmentFilter {
                    statuses: Status::OPEN.to_vec(),
                    min_escalation_level: Some(1),
                    ..Default::default()
                }),
            ),
            (TileKind::DueSoon, Assignments(due_soon)),
        ]),
    }
    tiles
}

/// The tiles of the actor's workbench with their counts.
pub async fn tiles(ctx: &Ctx<'_>, reminders: &ReminderSettings) -> DomainResult<Vec<Tile>> {
    let one = PageRequest {
        page: 1,
        per_page: 1,
    };
    let mut out = Vec::new();
    for (kind, target) in targets_for(ctx.actor, ctx.now) {
        let count = match &target {
            Target::Assignments(f) => listing::list(ctx, f, one).await?.total,
            Target::Queue(q) => queue(ctx, *q, reminders, one).await?.total,
            Target::Extensions(v) => extension_count(ctx, *v).await?,
        };
        out.push(Tile {
            kind,
            count,
            target,
        });
    }
    Ok(out)
}

/// Extension requests of a view the actor may see, counted.
async fn extension_count(ctx: &Ctx<'_>, view: ExtensionView) -> DomainResult<u64> {
    use extension_request::Column as E;
    let mut q = extension_request::Entity::find();
    match assignment_scope(ctx.actor) {
        Scope::All => {}
        Scope::Unit(u) => {
            q = q.filter(
                E::AssignmentId.in_subquery(
                    Query::select()
                        .column(assignment::Column::Id)
                        .from(assignment::Entity)
                        .and_where(assignment::Column::UnitId.eq(u))
                        .to_owned(),
                ),
            );
        }
        Scope::Nothing => return Ok(0),
    }
    q = match view {
        ExtensionView::Pending => q.filter(E::Status.eq(ExtensionStatus::Pending)),
        ExtensionView::Decided => q
            .filter(E::Status.ne(ExtensionStatus::Pending))
            .filter(E::DecidedAt.gte(ctx.now - Duration::days(RECENT_DECISION_DAYS))),
    };
    Ok(q.count(ctx.db().conn()).await?)
}

/// Whether a unit still owes the report of the period (prev, next] ending
/// within `lead` of `now`: nothing reported since the period began (or since
/// the item was issued, if later). The same rule the report reminders apply.
pub fn report_due(
    period: (Option<DateTime<Utc>>, DateTime<Utc>),
    issued_at: Option<DateTime<Utc>>,
    last_report_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    lead: Duration,
) -> bool {
    let (prev, next) = period;
    if next - now > lead {
        return false;
    }
    let start = match (prev, issued_at) {
        (Some(p), Some(i)) => Some(p.max(i)),
        (p, i) => p.or(i),
    };
    match (last_report_at, start) {
        (Some(r), Some(s)) => r < s,
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// One of the lists of [`Queue`], deadline first, scoped to what the actor sees.
pub async fn queue(
    ctx: &Ctx<'_>,
    q: Queue,
    reminders: &ReminderSettings,
    page: PageRequest,
) -> DomainResult<Page<AssignmentRow>> {
    let (now, cal) = (ctx.now, ctx.calendar());
    let rows: Vec<AssignmentRow> = match q {
        Queue::AckOverdue => {
            // Narrowed by SQL (no item is late within two calendar days of
            // issue), decided exactly by the calendar below.
            let extra = Condition::all()
                .add(assignment::Column::Status.eq(Status::Issued))
                .add(assignment::Column::IssuedAt.lte(now - Duration::days(2)));
            listing::list_where(ctx, extra)
                .await?
                .into_iter()
                .filter(|r| acknowledged_late(r, now, cal))
                .collect()
        }
        Queue::ReportDue => report_due_rows(ctx, reminders).await?,
    };
    let total = rows.len() as u64;
    let items = rows
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(page.per_page).unwrap_or(usize::MAX))
        .collect();
    Ok(Page::of(items, total, page))
}

async fn report_due_rows(
    ctx: &Ctx<'_>,
    reminders: &ReminderSettings,
) -> DomainResult<Vec<AssignmentRow>> {
    let (conn, now) = (ctx.db().conn(), ctx.now);
    let scheduled: Vec<(i64, i64, Option<String>)> = task::Entity::find()
        .filter(task::Column::ReportCron.is_not_null())
        .filter(task::Column::ReportCron.ne(""))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t.plan_id, t.report_cron))
        .collect();
    if scheduled.is_empty() {
        return Ok(Vec::new());
    }
    let plans = all_plans(conn).await?;
    let mut periods = std::collections::HashMap::new();
    for (task_id, plan_id, expr) in scheduled {
        let Some(schedule) = expr.as_deref().and_then(|e| parse_cron(e).ok()) else {
            continue;
        };
        let tz = plans
            .get(&plan_id)
            .map_or(chrono_tz::Asia::Shanghai, |p| zone_of(&p.timezone));
        if let Some(period) = report_period(&schedule, tz, now) {
            periods.insert(task_id, period);
        }
    }
    let lead = Duration::days(i64::from(reminders.report_lead_days));
    let near: Vec<i64> = periods
        .iter()
        .filter(|(_, (_, next))| *next - now <= lead)
        .map(|(t, _)| *t)
        .collect();
    if near.is_empty() {
        return Ok(Vec::new());
    }
    let extra = Condition::all()
        .add(assignment::Column::TaskId.is_in(near))
        .add(assignment::Column::Status.is_in(UNIT_WORKING));
    Ok(listing::list_where(ctx, extra)
        .await?
        .into_iter()
        .filter(|r| {
            periods
                .get(&r.task_id)
                .is_some_and(|p| report_due(*p, r.issued_at, r.last_report_at, now, lead))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::RoleSet;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn actor(roles: &[Role], unit: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            username: "u".into(),
            unit_id: unit,
            roles: RoleSet::new(roles.iter().copied()),
        }
    }

    #[test]
    fn each_role_gets_its_own_tiles() {
        let now = at("2026-03-02T09:00:00+08:00");
        let kinds = |a: &Actor| -> Vec<&str> {
            targets_for(a, now).iter().map(|(k, _)| k.label()).collect()
        };
        assert_eq!(
            kinds(&actor(&[Role::UnitStaff], Some(1))),
            [
                "待签收",
                "待反馈",
                "被退回",
                "即将到期",
                "已逾期",
                "延期结果"
            ]
        );
        assert_eq!(
            kinds(&actor(&[Role::Office], Some(9))),
            ["待审核", "待决定的延期", "今日到期", "已逾期", "超时未签收"]
        );
        assert_eq!(
            kinds(&actor(&[Role::Leader], None)),
            ["已逾期", "已升级督办", "即将到期"]
        );
        assert!(kinds(&actor(&[Role::Admin], None)).is_empty());
    }

    #[test]
    fn due_today_is_todays_date_in_beijing() {
        // 23:30 UTC on 1 March is 07:30 on 2 March in Beijing.
        let now = at("2026-03-01T23:30:00Z");
        let office = actor(&[Role::Office], Some(9));
        let Some((_, Target::Assignments(f))) = targets_for(&office, now)
            .into_iter()
            .find(|(k, _)| *k == TileKind::DueToday)
        else {
            panic!("no 今日到期 tile");
        };
        let d: NaiveDate = "2026-03-02".parse().unwrap();
        assert_eq!((f.due_from, f.due_to), (Some(d), Some(d)));
    }

    #[test]
    fn a_report_is_owed_once_per_period_near_its_end() {
        let lead = Duration::days(3);
        let period = (
            Some(at("2026-02-25T09:00:00+08:00")),
            at("2026-03-25T09:00:00+08:00"),
        );
        let issued = Some(at("2026-01-10T09:00:00+08:00"));
        let near = at("2026-03-23T09:00:00+08:00");
        assert!(report_due(period, issued, None, near, lead));
        assert!(report_due(
            period,
            issued,
            Some(at("2026-02-20T10:00:00+08:00")),
            near,
            lead
        ));
        assert!(!report_due(
            period,
            issued,
            Some(at("2026-03-01T10:00:00+08:00")),
            near,
            lead
        ));
        assert!(
            !report_due(period, issued, None, at("2026-03-10T09:00:00+08:00"), lead),
            "not yet near the period's end"
        );
        let late_issue = Some(at("2026-03-05T09:00:00+08:00"));
        assert!(
            !report_due(
                period,
                late_issue,
                Some(at("2026-03-06T09:00:00+08:00")),
                near,
                lead
            ),
            "a report after a late issue counts"
        );
    }

    #[test]
    fn queues_round_trip_their_names() {
        for q in [Queue::ReportDue, Queue::AckOverdue] {
            assert_eq!(Queue::parse(q.as_str()), Some(q));
        }
        assert_eq!(Queue::parse("everything"), None);
    }
}
