//! Inspection (督查): the overdue board, items at risk, and the status light
//! every assignment carries.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, Condition};
use serde::Serialize;

use crate::DomainError;
use crate::calendar::WorkingCalendar;
use crate::db::Db;
use crate::entities::assignment;
use crate::page::{Page, PageRequest};
use crate::policy::Actor;
use crate::role::Role;
use crate::time::{local_date, zone_of};
use crate::workflow::Status;
use crate::workflow::listing::{self, AssignmentFilter, AssignmentRow, Sort, SortKey};

/// Working days a unit has to acknowledge an issued item.
pub const ACK_WITHIN_WORKING_DAYS: u32 = 2;
/// "Due soon" for the yellow light and the at-risk view.
pub const DUE_SOON_DAYS: i64 = 3;

/// Green on track, yellow due within 3 days or acknowledged late, red overdue;
/// grey for drafts and cancelled items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
        None => row.status == Status::Issued.as_str() && now > deadline,
    }
}

pub fn light(row: &AssignmentRow, now: DateTime<Utc>, calendar: &WorkingCalendar) -> Light {
    let Some(status) = Status::parse(&row.status) else {
        return Light::Grey;
    };
    match status {
        Status::Draft | Status::Cancelled => Light::Grey,
        Status::Completed => Light::Green,
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
pub async fn overdue_board(
    db: &Db,
    actor: &Actor,
    f: &BoardFilter,
    page: PageRequest,
    now: DateTime<Utc>,
) -> Result<Page<AssignmentRow>, DomainError> {
    ensure_inspection_view(actor)?;
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
    if let Some(days) = f.min_days.filter(|d| *d > 0) {
        // At least `days` calendar days late: due_on on or before today - days.
        // The zone is the plans' (almost always one); the day is taken in the default zone.
        let today = local_date(now, zone_of(crate::time::DEFAULT_TIMEZONE));
        filter.due_to = Some(today - Duration::days(days));
    }
    listing::list(db, actor, &filter, page, now).await
}

/// Items at risk: due within `within_days` and not near done (under 80 %), or
/// issued and not acknowledged in time.
pub async fn at_risk(
    db: &Db,
    actor: &Actor,
    calendar: &WorkingCalendar,
    within_days: i64,
    page: PageRequest,
    now: DateTime<Utc>,
) -> Result<Page<AssignmentRow>, DomainError> {
    ensure_inspection_view(actor)?;
    // The acknowledgement deadline is at most a couple of weeks after issue
    // (holidays included); narrow by SQL, decide exactly below.
    let horizon = now + Duration::days(within_days.clamp(0, 365));
    let extra = Condition::any()
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
                .add(assignment::Column::Status.eq(Status::Issued.as_str()))
                .add(assignment::Column::IssuedAt.lte(now - Duration::days(2))),
        );
    let rows = listing::list_where(db, actor, extra, now).await?;
    let mut risky: Vec<AssignmentRow> = rows
        .into_iter()
        .filter(|r| {
            let due_soon =
                r.due_at > now && r.due_at <= horizon && r.percent.is_none_or(|p| p < 80);
            due_soon || (r.status == Status::Issued.as_str() && acknowledged_late(r, now, calendar))
        })
        .collect();
    risky.sort_by_key(|r| (r.due_at, r.id));
    let total = risky.len() as u64;
    let items = risky
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .collect();
    Ok(Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Calendar feeds: a secret address per user, stored only as a hash.
pub mod feeds {
    use chrono::{DateTime, Utc};
    use rand::Rng;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use sha2::{Digest, Sha256};

    use crate::DomainError;
    use crate::db::Db;
    use crate::entities::calendar_feed;
    use crate::policy::Actor;

    fn digest(token: &str) -> String {
        format!("{:x}", Sha256::digest(token.as_bytes()))
    }

    /// Makes a new feed token for the actor, revoking their earlier ones.
    pub async fn create(db: &Db, actor: &Actor, now: DateTime<Utc>) -> Result<String, DomainError> {
        let bytes: [u8; 24] = rand::rng().random();
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let txn = db.begin().await?;
        revoke_in(&txn, actor.user_id, now).await?;
        calendar_feed::ActiveModel {
            user_id: Set(actor.user_id),
            token_sha256: Set(digest(&token)),
            created_at: Set(now),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(token)
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

    pub async fn revoke(db: &Db, actor: &Actor, now: DateTime<Utc>) -> Result<u64, DomainError> {
        let txn = db.begin().await?;
        let n = revoke_in(&txn, actor.user_id, now).await?;
        txn.commit().await?;
        Ok(n)
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
    db: &Db,
    clock: &dyn crate::clock::Clock,
    actor: &Actor,
    ladder: &crate::escalation::LadderSettings,
    id: i64,
    note: &str,
) -> Result<i32, DomainError> {
    use sea_orm::EntityTrait;
    if !actor.has(Role::Inspector) {
        return Err(DomainError::Forbidden(
            "只有督查人员可以升级督办 (only inspectors escalate by hand)".into(),
        ));
    }
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 2000 {
        return Err(DomainError::invalid(
            "note",
            "请填写督办说明（1–2000 字） (a note of 1–2000 characters)",
        ));
    }
    let now = clock.now();
    let txn = db.begin().await?;
    let a = assignment::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("assignment"))?;
    crate::policy::ensure_visible(actor, a.unit_id, a.status == Status::Draft.as_str())?;
    if !Status::parse(&a.status).is_some_and(Status::is_open) {
        return Err(DomainError::Conflict(
            "只能升级未办结的事项 (only open items can be escalated)".into(),
        ));
    }
    let level = a.escalation_level + 1;
    if level > 3 {
        return Err(DomainError::Conflict(
            "已是最高督办等级（通报） (already at the top level)".into(),
        ));
    }
    let roles = match level {
        1 => &ladder.level1_notify,
        2 => &ladder.level2_notify,
        _ => &ladder.level3_notify,
    };
    let mut recipients = Vec::new();
    for role in roles {
        let people = if role.is_unit_bound() {
            crate::notify::unit_people(&txn, a.unit_id, &[*role]).await?
        } else {
            crate::notify::people_with(&txn, &[*role]).await?
        };
        recipients.extend(people.into_iter().map(|p| p.id));
    }
    recipients.sort_unstable();
    recipients.dedup();
    if !crate::escalation::record_escalation(
        &txn,
        Some(actor),
        &a,
        level,
        now,
        &recipients,
        Some(note),
    )
    .await?
    {
        return Err(crate::workflow::assignments::stale_conflict());
    }
    txn.commit().await?;
    Ok(level)
}
