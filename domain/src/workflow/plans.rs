//! Plans (督办文件) and their tasks: the office writes them, then issues them.

use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::listing::{self, AssignmentFilter};
use super::step::{self, Audience, Effect, Loaded};
use super::{Action, Status, transition};
use crate::audit::{self, AuditAction, AuditEntity, Change};
use crate::context::{Ctx, Tx};
use crate::entities::assignment::AssignmentRole;
use crate::entities::indicator::{Comparator, IndicatorKind};
use crate::entities::plan::PlanStatus;
use crate::entities::{assignment, indicator, plan, section, task, unit};
use crate::messages::Message;
use crate::notify::Addressbook;
use crate::page::{Page, PageRequest};
use crate::policy::{Scope, assignment_scope, ensure_plan_write, party_for};
use crate::time::{parse_timezone, zone_of};
use crate::{DomainError, DomainResult, FieldError};

fn text(errors: &mut Vec<FieldError>, field: &str, v: &str, max: usize) -> String {
    let t = v.trim();
    if t.is_empty() {
        errors.push(FieldError::new(field, "不能为空 (must not be empty)"));
    } else if t.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("最多 {max} 个字符 (at most {max} characters)"),
        ));
    }
    t.to_owned()
}

/// A plan as the office asks to create it.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub doc_no: String,
    pub title: String,
    pub issued_on: NaiveDate,
    pub year: Option<i32>,
    pub timezone: Option<String>,
    pub issuer_unit_id: Option<i64>,
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn create_plan(ctx: &Ctx<'_>, new: NewPlan) -> DomainResult<plan::Model> {
    ctx.write(async |tx| create_plan_in(tx, new).await).await
}

pub async fn create_plan_in(tx: &Tx<'_>, new: NewPlan) -> DomainResult<plan::Model> {
    ensure_plan_write(tx.actor)?;
    let mut errors = Vec::new();
    let doc_no = text(&mut errors, "doc_no", &new.doc_no, 100);
    let title = text(&mut errors, "title", &new.title, 300);
    let tz = new
        .timezone
        .as_deref()
        .unwrap_or(crate::time::DEFAULT_TIMEZONE);
    if let Err(e) = parse_timezone(tz) {
        errors.push(e);
    }
    let year = new.year.unwrap_or(new.issued_on.year());
    if !(2000..=2100).contains(&year) {
        errors.push(FieldError::new("year", "年份须在 2000–2100 之间"));
    }
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    let now = tx.now;
    if let Some(u) = new.issuer_unit_id
        && unit::Entity::find_by_id(u).one(tx.conn()).await?.is_none()
    {
        return Err(DomainError::invalid(
            "issuer_unit_id",
            "单位不存在 (no such unit)",
        ));
    }
    let model = plan::ActiveModel {
        doc_no: Set(doc_no),
        title: Set(title),
        issuer_unit_id: Set(new.issuer_unit_id.or(tx.actor.unit_id)),
        issued_on: Set(new.issued_on),
        year: Set(year),
        timezone: Set(tz.to_owned()),
        status: Set(PlanStatus::Draft),
        reminder_offsets: Set(None),
        escalation_policy: Set(None),
        created_by: Set(Some(tx.actor.user_id).filter(|_| !tx.actor.is_system())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(tx.conn())
    .await?;
    audit::record(
        tx.conn(),
        Some(tx.actor),
        now,
        Change::new(AuditEntity::Plan, model.id, AuditAction::Create).after(
            json!({"doc_no": model.doc_no, "title": model.title, "issued_on": model.issued_on}),
        ),
    )
    .await?;
    Ok(model)
}

/// Plans the actor may see: all for the office, inspectors and leaders; for a
/// unit, those it has issued items in.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn list_plans(
    ctx: &Ctx<'_>,
    year: Option<i32>,
    page: PageRequest,
) -> DomainResult<Page<plan::Model>> {
    let (actor, db) = (ctx.actor, ctx.db());
    let mut cond = Condition::all();
    if let Some(y) = year {
        cond = cond.add(plan::Column::Year.eq(y));
    }
    match assignment_scope(actor) {
        Scope::All => {}
        Scope::Unit(u) => {
            cond = cond.add(
                plan::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(assignment::Column::PlanId)
                        .from(assignment::Entity)
                        .and_where(assignment::Column::UnitId.eq(u))
                        .and_where(assignment::Column::Status.ne(Status::Draft))
                        .to_owned(),
                ),
            );
        }
        Scope::Nothing => {
            return Err(DomainError::Forbidden(
                "该角色不能查看督办文件 (this role has no access to plans)".into(),
            ));
        }
    }
    let q = plan::Entity::find().filter(cond);
    let total = q.clone().count(db.conn()).await?;
    let items = q
        .order_by_desc(plan::Column::IssuedOn)
        .order_by_desc(plan::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    Ok(Page::of(items, total, page))
}

/// A plan with its sections and tasks, as the actor may see it.
#[derive(Debug, Clone)]
pub struct PlanDetail {
    pub plan: plan::Model,
    pub sections: Vec<section::Model>,
    pub tasks: Vec<TaskDetail>,
    pub indicators: Vec<indicator::Model>,
}

#[derive(Debug, Clone)]
pub struct TaskDetail {
    pub task: task::Model,
    pub indicators: Vec<indicator::Model>,
    pub assignments: Vec<assignment::Model>,
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn get_plan(ctx: &Ctx<'_>, id: i64) -> DomainResult<PlanDetail> {
    let (actor, conn) = (ctx.actor, ctx.db().conn());
    let plan = plan::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(DomainError::NotFound("plan"))?;
    let mut assignments = assignment::Entity::find()
        .filter(assignment::Column::PlanId.eq(id))
        .order_by_asc(assignment::Column::Id)
        .all(conn)
        .await?;
    match assignment_scope(actor) {
        Scope::All => {}
        Scope::Unit(u) => {
            assignments.retain(|a| a.unit_id == u && a.status != Status::Draft);
            if assignments.is_empty() {
                return Err(DomainError::NotFound("plan"));
            }
        }
        Scope::Nothing => {
            return Err(DomainError::Forbidden(
                "该角色不能查看督办文件 (this role has no access to plans)".into(),
            ));
        }
    }
    let sections = section::Entity::find()
        .filter(section::Column::PlanId.eq(id))
        .order_by_asc(section::Column::Position)
        .all(conn)
        .await?;
    let mut tasks = task::Entity::find()
        .filter(task::Column::PlanId.eq(id))
        .order_by_asc(task::Column::Position)
        .order_by_asc(task::Column::Id)
        .all(conn)
        .await?;
    if matches!(assignment_scope(actor), Scope::Unit(_)) {
        tasks.retain(|t| assignments.iter().any(|a| a.task_id == t.id));
    }
    let all_indicators = indicator::Entity::find()
        .filter(indicator::Column::PlanId.eq(id))
        .order_by_asc(indicator::Column::Id)
        .all(conn)
        .await?;
    let tasks = tasks
        .into_iter()
        .map(|t| TaskDetail {
            indicators: all_indicators
                .iter()
                .filter(|i| i.task_id == Some(t.id))
                .cloned()
                .collect(),
            assignments: assignments
                .iter()
                .filter(|a| a.task_id == t.id)
                .cloned()
                .collect(),
            task: t,
        })
        .collect();
    Ok(PlanDetail {
        indicators: all_indicators
            .into_iter()
            .filter(|i| i.task_id.is_none())
            .collect(),
        plan,
        sections,
        tasks,
    })
}

/// An indicator as given with a task.
#[derive(Debug, Clone)]
pub struct NewIndicator {
    pub name: String,
    pub target: String,
    pub measure: Option<String>,
    pub comparator: Option<Comparator>,
    pub kind: Option<IndicatorKind>,
    /// unit id -> target
    pub breakdown: Option<std::collections::BTreeMap<i64, String>>,
}

/// A task as the office asks to add it.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub number: Option<String>,
    pub section: Option<String>,
    pub title: String,
    pub requirements: Option<String>,
    pub due_on: NaiveDate,
    pub due_text: Option<String>,
    pub lead_unit_id: i64,
    pub assist_unit_ids: Vec<i64>,
    /// Per-unit due dates that differ from the task's.
    pub unit_due_on: std::collections::BTreeMap<i64, NaiveDate>,
    pub report_cron: Option<String>,
    pub indicators: Vec<NewIndicator>,
    /// Registering work whose date has passed (old paper notices) is
    /// legitimate but must be said; otherwise a past date is a typo.
    pub allow_past_due: bool,
    /// Dated steps, none after `due_on`.
    pub milestones: Vec<crate::duties::NewMilestone>,
    /// Recurring duties (N times a period over the task's span).
    pub recurrences: Vec<crate::duties::NewRecurrence>,
}

/// A due date before today (in the plan's zone) needs the office to say so.
fn check_due(
    field: &str,
    due_on: NaiveDate,
    plan: &plan::Model,
    now: chrono::DateTime<chrono::Utc>,
    allow_past_due: bool,
) -> Result<(), DomainError> {
    let today = crate::time::local_date(now, zone_of(&plan.timezone));
    if due_on < today && !allow_past_due {
        return Err(DomainError::invalid(
            field,
            format!(
                "完成时限 {due_on} 早于今天 {today}；补登已过期的工作请勾选“允许过去的日期” (allow_past_due) (the due date is in the past; set allow_past_due to register past work)"
            ),
        ));
    }
    Ok(())
}

/// Checks a reporting schedule: standard five-field cron (0 and 7 are
/// Sunday), or the seconds-first form. Answers the text to store.
pub fn check_report_cron(expr: &str) -> Result<String, FieldError> {
    let e = expr.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::cron::CronSchedule::parse(&e)
        .map(|_| e)
        .map_err(|m| FieldError::new("report_cron", m))
}

fn check_indicator(i: &NewIndicator, at: usize, errors: &mut Vec<FieldError>) {
    let f = |name: &str| format!("indicators[{at}].{name}");
    if i.name.trim().is_empty() || i.name.chars().count() > 300 {
        errors.push(FieldError::new(f("name"), "指标名称不能为空，最多300字"));
    }
    if i.target.trim().is_empty() || i.target.chars().count() > 100 {
        errors.push(FieldError::new(f("target"), "目标值不能为空，最多100字"));
    }
}

/// The task with the assignments it created (one per unit, all drafts).
#[derive(Debug, Clone)]
pub struct CreatedTask {
    pub task: task::Model,
    pub assignments: Vec<assignment::Model>,
    pub indicators: Vec<indicator::Model>,
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn add_task(ctx: &Ctx<'_>, plan_id: i64, new: NewTask) -> DomainResult<CreatedTask> {
    ctx.write(async |tx| add_task_in(tx, plan_id, new).await)
        .await
}

pub async fn add_task_in(tx: &Tx<'_>, plan_id: i64, new: NewTask) -> DomainResult<CreatedTask> {
    ensure_plan_write(tx.actor)?;
    let mut errors = Vec::new();
    let title = text(&mut errors, "title", &new.title, 300);
    let requirements = new
        .requirements
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if requirements.chars().count() > 20_000 {
        errors.push(FieldError::new("requirements", "最多 20000 个字符"));
    }
    let report_cron = match new
        .report_cron
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => match check_report_cron(c) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    let mut units: Vec<(i64, AssignmentRole)> = vec![(new.lead_unit_id, AssignmentRole::Lead)];
    for &u in &new.assist_unit_ids {
        if units.iter().any(|(x, _)| *x == u) {
            errors.push(FieldError::new(
                "assist_unit_ids",
                format!("单位 {u} 重复 (unit {u} listed twice)"),
            ));
        } else {
            units.push((u, AssignmentRole::Assist));
        }
    }
    if units.len() > 200 {
        errors.push(FieldError::new("assist_unit_ids", "最多 200 个单位"));
    }
    for (k, i) in new.indicators.iter().enumerate() {
        check_indicator(i, k, &mut errors);
    }
    if new.indicators.len() > 100 {
        errors.push(FieldError::new("indicators", "最多 100 个指标"));
    }
    let milestones = crate::duties::check_milestones(&new.milestones, new.due_on, &mut errors);
    crate::duties::check_recurrences(&new.recurrences, &mut errors);
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    let txn = tx.conn();
    let plan = plan::Entity::find_by_id(plan_id)
        .one(txn)
        .await?
        .ok_or(DomainError::NotFound("plan"))?;
    check_due("due_on", new.due_on, &plan, tx.now, new.allow_past_due)?;
    for d in new.unit_due_on.values() {
        check_due("unit_due_on", *d, &plan, tx.now, new.allow_past_due)?;
    }
    for (i, m) in milestones.iter().enumerate() {
        check_due(
            &format!("milestones[{i}].due_on"),
            m.due_on,
            &plan,
            tx.now,
            new.allow_past_due,
        )?;
    }
    let found = unit::Entity::find()
        .filter(unit::Column::Id.is_in(units.iter().map(|(u, _)| *u)))
        .all(txn)
        .await?;
    let missing: Vec<i64> = units
        .iter()
        .map(|(u, _)| *u)
        .filter(|u| !found.iter().any(|f| f.id == *u))
        .collect();
    if !missing.is_empty() {
        let field = if missing.contains(&new.lead_unit_id) {
            "lead_unit_id"
        } else {
            "assist_unit_ids"
        };
        return Err(DomainError::invalid(
            field,
            format!("单位不存在 (no such unit): {missing:?}"),
        ));
    }
    for u in new.unit_due_on.keys() {
        if !units.iter().any(|(x, _)| x == u) {
            return Err(DomainError::invalid(
                "unit_due_on",
                format!("单位 {u} 不是该任务的责任单位"),
            ));
        }
    }
    let section_id = match new
        .section
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => Some(find_or_create_section(txn, plan_id, s).await?),
        None => None,
    };
    insert_task(
        tx,
        &plan,
        TaskRow {
            section_id,
            number: new.number.unwrap_or_default(),
            title,
            requirements,
            due_on: new.due_on,
            due_text: new.due_text,
            report_cron,
            units,
            unit_due_on: new.unit_due_on,
            indicators: new.indicators,
            milestones,
            recurrences: new.recurrences,
        },
    )
    .await
}

/// A checked task ready to write: its units already resolved, with roles.
pub(crate) struct TaskRow {
    pub section_id: Option<i64>,
    pub number: String,
    pub title: String,
    pub requirements: String,
    pub due_on: NaiveDate,
    pub due_text: Option<String>,
    pub report_cron: Option<String>,
    pub units: Vec<(i64, AssignmentRole)>,
    pub unit_due_on: std::collections::BTreeMap<i64, NaiveDate>,
    pub indicators: Vec<NewIndicator>,
    pub milestones: Vec<crate::duties::NewMilestone>,
    pub recurrences: Vec<crate::duties::NewRecurrence>,
}

/// Writes a task, its indicators and one draft assignment per unit, with
/// their audit events, inside the caller's transaction.
pub(crate) async fn insert_task(
    tx: &Tx<'_>,
    plan: &plan::Model,
    row: TaskRow,
) -> DomainResult<CreatedTask> {
    let (txn, now) = (tx.conn(), tx.now);
    let plan_id = plan.id;
    let TaskRow {
        section_id,
        number,
        title,
        requirements,
        due_on,
        due_text,
        report_cron,
        units,
        unit_due_on,
        indicators: new_indicators,
        milestones,
        recurrences,
    } = row;
    let position = task::Entity::find()
        .filter(task::Column::PlanId.eq(plan_id))
        .count(txn)
        .await? as i32;
    let task = task::ActiveModel {
        plan_id: Set(plan_id),
        section_id: Set(section_id),
        number: Set(number.trim().chars().take(32).collect()),
        title: Set(title),
        requirements: Set(requirements),
        due_on: Set(due_on),
        due_text: Set(due_text.map(|t| t.chars().take(100).collect())),
        report_cron: Set(report_cron),
        position: Set(position + 1),
        created_by: Set(Some(tx.actor.user_id).filter(|_| !tx.actor.is_system())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let indicators = insert_indicators(txn, plan_id, Some(task.id), new_indicators).await?;
    let tz = zone_of(&plan.timezone);
    let mut assignments = Vec::with_capacity(units.len());
    let mut created = Vec::with_capacity(units.len());
    for (unit_id, role) in units {
        let due_on = unit_due_on.get(&unit_id).copied().unwrap_or(due_on);
        let a = assignment::ActiveModel::new_row(
            task.id,
            plan_id,
            unit_id,
            role,
            Status::Draft,
            due_on,
            tz,
            now,
        )
        .insert(txn)
        .await?;
        created.push(Change::assignment(a.id, AuditAction::Create).after(
            json!({"status": a.status, "unit_id": a.unit_id, "role": a.role, "due_on": a.due_on}),
        ));
        assignments.push(a);
    }
    audit::record_all(txn, Some(tx.actor), now, created).await?;
    crate::duties::insert_milestones(txn, &assignments, &milestones, tz, now).await?;
    crate::duties::insert_recurrences(txn, task.id, &task.title, &recurrences).await?;
    Ok(CreatedTask {
        task,
        assignments,
        indicators,
    })
}

/// Writes indicators of a plan (`task_id` None: the plan's own, e.g. a
/// 指标 table) or of one task.
async fn insert_indicators<C: ConnectionTrait>(
    conn: &C,
    plan_id: i64,
    task_id: Option<i64>,
    new: Vec<NewIndicator>,
) -> DomainResult<Vec<indicator::Model>> {
    let mut out = Vec::with_capacity(new.len());
    for i in new {
        out.push(
            indicator::ActiveModel {
                plan_id: Set(plan_id),
                task_id: Set(task_id),
                name: Set(i.name.trim().to_owned()),
                target_value: Set(i.target.trim().trim_end_matches('%').parse::<f64>().ok()),
                target: Set(i.target.trim().to_owned()),
                measure: Set(i.measure),
                comparator: Set(i.comparator.unwrap_or(Comparator::AtLeast)),
                kind: Set(i.kind),
                breakdown: Set(i.breakdown.map(|b| json!(b))),
                ..Default::default()
            }
            .insert(conn)
            .await?,
        );
    }
    Ok(out)
}

/// Adds the plan's own indicators (the importer's 指标 tables).
pub(crate) async fn add_plan_indicators(
    tx: &Tx<'_>,
    plan: &plan::Model,
    new: Vec<NewIndicator>,
) -> DomainResult<Vec<indicator::Model>> {
    insert_indicators(tx.conn(), plan.id, None, new).await
}

async fn find_or_create_section<C: ConnectionTrait>(
    conn: &C,
    plan_id: i64,
    label: &str,
) -> Result<i64, DomainError> {
    let existing = section::Entity::find()
        .filter(section::Column::PlanId.eq(plan_id))
        .filter(
            Condition::any()
                .add(section::Column::Number.eq(label))
                .add(section::Column::Title.eq(label)),
        )
        .one(conn)
        .await?;
    if let Some(s) = existing {
        return Ok(s.id);
    }
    let position = section::Entity::find()
        .filter(section::Column::PlanId.eq(plan_id))
        .count(conn)
        .await? as i32;
    let (number, title) = if label.chars().count() <= 4 {
        (label, "")
    } else {
        ("", label)
    };
    let s = section::ActiveModel {
        plan_id: Set(plan_id),
        number: Set(number.chars().take(32).collect()),
        title: Set(title.chars().take(300).collect()),
        position: Set(position + 1),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(s.id)
}

/// Adds a section as written in a notice, for the importer.
pub(crate) async fn add_section<C: ConnectionTrait>(
    conn: &C,
    plan_id: i64,
    number: &str,
    title: &str,
    position: i32,
) -> Result<section::Model, DomainError> {
    Ok(section::ActiveModel {
        plan_id: Set(plan_id),
        number: Set(number.chars().take(32).collect()),
        title: Set(title.chars().take(300).collect()),
        position: Set(position),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Corrections to a plan; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PlanPatch {
    pub doc_no: Option<String>,
    pub title: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub year: Option<i32>,
}

/// The office corrects what it wrote on a plan.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn update_plan(ctx: &Ctx<'_>, id: i64, patch: PlanPatch) -> DomainResult<plan::Model> {
    ctx.write(async |tx| update_plan_in(tx, id, patch).await)
        .await
}

pub async fn update_plan_in(tx: &Tx<'_>, id: i64, patch: PlanPatch) -> DomainResult<plan::Model> {
    ensure_plan_write(tx.actor)?;
    let mut errors = Vec::new();
    let doc_no = patch
        .doc_no
        .as_deref()
        .map(|d| text(&mut errors, "doc_no", d, 100));
    let title = patch
        .title
        .as_deref()
        .map(|t| text(&mut errors, "title", t, 300));
    if patch.year.is_some_and(|y| !(2000..=2100).contains(&y)) {
        errors.push(FieldError::new("year", "年份须在 2000–2100 之间"));
    }
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    let current = plan::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(DomainError::NotFound("plan"))?;
    let before = json!({"doc_no": current.doc_no, "title": current.title, "issued_on": current.issued_on, "year": current.year});
    let mut am: plan::ActiveModel = current.into();
    if let Some(d) = doc_no {
        am.doc_no = Set(d);
    }
    if let Some(t) = title {
        am.title = Set(t);
    }
    if let Some(d) = patch.issued_on {
        am.issued_on = Set(d);
    }
    if let Some(y) = patch.year {
        am.year = Set(y);
    }
    am.updated_at = Set(tx.now);
    let model = am.update(tx.conn()).await?;
    audit::record(
        tx.conn(),
        Some(tx.actor),
        tx.now,
        Change::new(AuditEntity::Plan, id, AuditAction::Update)
            .before(before)
            .after(json!({"doc_no": model.doc_no, "title": model.title, "issued_on": model.issued_on, "year": model.year})),
    )
    .await?;
    Ok(model)
}

/// Corrections to a task; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TaskPatch {
    pub number: Option<String>,
    pub title: Option<String>,
    pub requirements: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub due_text: Option<String>,
    /// `Some("")` removes the schedule.
    pub report_cron: Option<String>,
    pub allow_past_due: bool,
    /// The lead and assisting units as they should be. Only while nothing of
    /// the task has been issued: an issued unit's item is cancelled instead.
    pub units: Option<TaskUnits>,
    /// The task's indicators as they should be. One of the same name keeps
    /// its id (and so the actuals units reported against it).
    pub indicators: Option<Vec<NewIndicator>>,
}

/// A task's units: one lead, any number assisting.
#[derive(Debug, Clone)]
pub struct TaskUnits {
    pub lead_unit_id: i64,
    pub assist_unit_ids: Vec<i64>,
}

/// A corrected task, and the assignments a new due date moved.
#[derive(Debug, Clone)]
pub struct UpdatedTask {
    pub task: task::Model,
    pub moved: Vec<listing::AssignmentRow>,
    /// Open assignments left on a date of their own (an extension, a per-unit date).
    pub kept: usize,
}

/// The office corrects a task. A new due date moves the task's assignments
/// that still keep its old date (not those with an extension or a date of
/// their own), each recorded in its history and told to its unit.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn update_task(ctx: &Ctx<'_>, id: i64, patch: TaskPatch) -> DomainResult<UpdatedTask> {
    ctx.write(async |tx| update_task_in(tx, id, patch).await)
        .await
}

pub async fn update_task_in(tx: &Tx<'_>, id: i64, patch: TaskPatch) -> DomainResult<UpdatedTask> {
    ensure_plan_write(tx.actor)?;
    let mut errors = Vec::new();
    let title = patch
        .title
        .as_deref()
        .map(|t| text(&mut errors, "title", t, 300));
    if patch
        .requirements
        .as_ref()
        .is_some_and(|r| r.chars().count() > 20_000)
    {
        errors.push(FieldError::new("requirements", "最多 20000 个字符"));
    }
    let report_cron = match patch.report_cron.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(c) => match check_report_cron(c) {
            Ok(c) => Some(Some(c)),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    if let Some(inds) = &patch.indicators {
        for (k, i) in inds.iter().enumerate() {
            check_indicator(i, k, &mut errors);
        }
        if inds.len() > 100 {
            errors.push(FieldError::new("indicators", "最多 100 个指标"));
        }
    }
    let units = match &patch.units {
        Some(u) => match task_units(u) {
            Ok(units) => Some(units),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    let current = task::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(DomainError::NotFound("task"))?;
    let plan = plan::Entity::find_by_id(current.plan_id)
        .one(tx.conn())
        .await?
        .ok_or(DomainError::NotFound("task"))?;
    let old_due = current.due_on;
    let new_due = patch.due_on.filter(|d| *d != old_due);
    if let Some(d) = new_due {
        check_due("due_on", d, &plan, tx.now, patch.allow_past_due)?;
    }
    let before = json!({"title": current.title, "due_on": current.due_on, "report_cron": current.report_cron});
    let mut am: task::ActiveModel = current.into();
    if let Some(n) = patch.number {
        am.number = Set(n.trim().chars().take(32).collect());
    }
    if let Some(t) = title {
        am.title = Set(t);
    }
    if let Some(r) = patch.requirements {
        am.requirements = Set(r.trim().to_owned());
    }
    if let Some(d) = new_due {
        am.due_on = Set(d);
    }
    if let Some(t) = patch.due_text {
        am.due_text =
            Set(Some(t.trim().chars().take(100).collect()).filter(|t: &String| !t.is_empty()));
    }
    if let Some(c) = report_cron {
        am.report_cron = Set(c);
    }
    let model = am.update(tx.conn()).await?;
    audit::record(
        tx.conn(),
        Some(tx.actor),
        tx.now,
        Change::new(AuditEntity::Task, id, AuditAction::Update)
            .before(before)
            .after(json!({"title": model.title, "due_on": model.due_on, "report_cron": model.report_cron})),
    )
    .await?;
    if let Some(units) = units {
        replace_units(tx, &model, &plan, units).await?;
    }
    if let Some(inds) = patch.indicators {
        replace_indicators(tx, &model, inds).await?;
    }
    let (mut moved, mut kept) = (Vec::new(), 0);
    if let Some(d) = new_due {
        let rows = listing::rows_where(
            tx.conn(),
            &AssignmentFilter {
                task_id: Some(id),
                ..Default::default()
            },
            tx.now,
        )
        .await?;
        let mut steps = Vec::new();
        for row in rows
            .into_iter()
            .filter(|r| r.status == Status::Draft || r.status.is_open())
        {
            if row.due_on != old_due {
                kept += 1;
                continue;
            }
            let to = transition(
                row.status,
                Action::ChangeDue,
                party_for(tx.actor, row.unit_id, Action::ChangeDue),
            )?;
            let mut effect = Effect::new(AuditAction::ChangeDue)
                .set(step::Set::DueOn(d))
                .note("previous_due_on", old_due);
            if row.status != Status::Draft {
                effect = effect.tell(
                    format!("due_changed:{}:{d}", row.id),
                    Audience::Unit,
                    Message::DueChanged {
                        from: old_due,
                        to: d,
                    },
                );
            }
            steps.push((Loaded { row, to }, effect));
        }
        moved = step::apply_all(tx, steps).await?;
    }
    Ok(UpdatedTask {
        task: model,
        moved,
        kept,
    })
}

fn task_units(u: &TaskUnits) -> Result<Vec<(i64, AssignmentRole)>, FieldError> {
    let mut units = vec![(u.lead_unit_id, AssignmentRole::Lead)];
    for &a in &u.assist_unit_ids {
        if units.iter().any(|(x, _)| *x == a) {
            return Err(FieldError::new(
                "assist_unit_ids",
                format!("单位 {a} 重复 (unit {a} listed twice)"),
            ));
        }
        units.push((a, AssignmentRole::Assist));
    }
    if units.len() > 200 {
        return Err(FieldError::new("assist_unit_ids", "最多 200 个单位"));
    }
    Ok(units)
}

/// Gives a task not yet issued the units asked for: a unit left out loses
/// its draft, a new one gets a draft on the task's date, a changed role is
/// changed. Refused once any of the task's items has been issued.
async fn replace_units(
    tx: &Tx<'_>,
    t: &task::Model,
    plan: &plan::Model,
    want: Vec<(i64, AssignmentRole)>,
) -> DomainResult<()> {
    let conn = tx.conn();
    let have = assignment::Entity::find()
        .filter(assignment::Column::TaskId.eq(t.id))
        .all(conn)
        .await?;
    let same = have.len() == want.len()
        && want
            .iter()
            .all(|(u, r)| have.iter().any(|a| a.unit_id == *u && a.role == *r));
    if same {
        return Ok(());
    }
    if have.iter().any(|a| a.status != Status::Draft) {
        return Err(DomainError::conflict(
            crate::error::ConflictCode::WrongState,
            "该任务已交办，不能更换责任单位；可撤销某单位的事项 (the task has been issued: its units cannot change)",
        ));
    }
    let found = unit::Entity::find()
        .filter(unit::Column::Id.is_in(want.iter().map(|(u, _)| *u)))
        .all(conn)
        .await?;
    if let Some((missing, _)) = want.iter().find(|(u, _)| !found.iter().any(|f| f.id == *u)) {
        let field = if *missing == want[0].0 {
            "lead_unit_id"
        } else {
            "assist_unit_ids"
        };
        return Err(DomainError::invalid(
            field,
            format!("单位不存在 (no such unit): {missing}"),
        ));
    }
    let mut changes = Vec::new();
    for a in &have {
        match want.iter().find(|(u, _)| *u == a.unit_id) {
            None => {
                assignment::Entity::delete_by_id(a.id).exec(conn).await?;
                changes.push(
                    Change::assignment(a.id, AuditAction::Delete)
                        .before(json!({"status": a.status, "unit_id": a.unit_id, "role": a.role})),
                );
            }
            Some((_, role)) if *role != a.role => {
                let mut am: assignment::ActiveModel = a.clone().into();
                am.role = Set(*role);
                am.update(conn).await?;
                changes.push(
                    Change::assignment(a.id, AuditAction::Update)
                        .before(json!({"role": a.role}))
                        .after(json!({"role": role})),
                );
            }
            Some(_) => {}
        }
    }
    let tz = zone_of(&plan.timezone);
    for (unit_id, role) in want {
        if have.iter().any(|a| a.unit_id == unit_id) {
            continue;
        }
        let a = assignment::ActiveModel::new_row(
            t.id,
            t.plan_id,
            unit_id,
            role,
            Status::Draft,
            t.due_on,
            tz,
            tx.now,
        )
        .insert(conn)
        .await?;
        changes.push(Change::assignment(a.id, AuditAction::Create).after(
            json!({"status": a.status, "unit_id": a.unit_id, "role": a.role, "due_on": a.due_on}),
        ));
    }
    audit::record_all(conn, Some(tx.actor), tx.now, changes).await?;
    Ok(())
}

/// Gives a task the indicators asked for, matched by name: the same name
/// keeps its row (its id, so reported actuals stay attached), a new name is
/// added, a name no longer asked for is removed.
async fn replace_indicators(
    tx: &Tx<'_>,
    t: &task::Model,
    want: Vec<NewIndicator>,
) -> DomainResult<()> {
    let conn = tx.conn();
    let have = indicator::Entity::find()
        .filter(indicator::Column::TaskId.eq(t.id))
        .all(conn)
        .await?;
    let before: Vec<_> = have
        .iter()
        .map(|i| json!({"name": i.name, "target": i.target, "measure": i.measure}))
        .collect();
    let mut fresh = Vec::new();
    let mut kept = Vec::new();
    for i in want {
        let name = i.name.trim().to_owned();
        match have
            .iter()
            .find(|h| h.name == name && !kept.contains(&h.id))
        {
            Some(h) => {
                kept.push(h.id);
                let mut am: indicator::ActiveModel = h.clone().into();
                am.target_value = Set(i.target.trim().trim_end_matches('%').parse::<f64>().ok());
                am.target = Set(i.target.trim().to_owned());
                am.measure = Set(i.measure);
                if let Some(c) = i.comparator {
                    am.comparator = Set(c);
                }
                am.kind = Set(i.kind);
                if let Some(b) = i.breakdown {
                    am.breakdown = Set(Some(json!(b)));
                }
                am.update(conn).await?;
            }
            None => fresh.push(i),
        }
    }
    indicator::Entity::delete_many()
        .filter(indicator::Column::TaskId.eq(t.id))
        .filter(indicator::Column::Id.is_not_in(kept))
        .exec(conn)
        .await?;
    let added = insert_indicators(conn, t.plan_id, Some(t.id), fresh).await?;
    let after: Vec<_> = indicator::Entity::find()
        .filter(indicator::Column::TaskId.eq(t.id))
        .order_by_asc(indicator::Column::Id)
        .all(conn)
        .await?
        .iter()
        .map(|i| json!({"name": i.name, "target": i.target, "measure": i.measure}))
        .collect();
    if before != after || !added.is_empty() {
        audit::record(
            conn,
            Some(tx.actor),
            tx.now,
            Change::new(AuditEntity::Task, t.id, AuditAction::Update)
                .before(json!({"indicators": before}))
                .after(json!({"indicators": after})),
        )
        .await?;
    }
    Ok(())
}

/// The office takes a task out of a plan that has not been issued yet: the
/// task, its indicators and its draft assignments go.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn delete_task(ctx: &Ctx<'_>, id: i64) -> DomainResult<()> {
    ctx.write(async |tx| delete_task_in(tx, id).await).await
}

pub async fn delete_task_in(tx: &Tx<'_>, id: i64) -> DomainResult<()> {
    ensure_plan_write(tx.actor)?;
    let t = task::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(DomainError::NotFound("task"))?;
    let issued = assignment::Entity::find()
        .filter(assignment::Column::TaskId.eq(id))
        .filter(assignment::Column::Status.ne(Status::Draft))
        .count(tx.conn())
        .await?;
    if issued > 0 {
        return Err(DomainError::conflict(
            crate::error::ConflictCode::WrongState,
            "该任务已交办，不能删除；可撤销各单位的事项 (the task has been issued: cancel its assignments instead)",
        ));
    }
    let drafts: Vec<i64> = assignment::Entity::find()
        .filter(assignment::Column::TaskId.eq(id))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    assignment::Entity::delete_many()
        .filter(assignment::Column::TaskId.eq(id))
        .exec(tx.conn())
        .await?;
    indicator::Entity::delete_many()
        .filter(indicator::Column::TaskId.eq(id))
        .exec(tx.conn())
        .await?;
    task::Entity::delete_by_id(id).exec(tx.conn()).await?;
    audit::record(
        tx.conn(),
        Some(tx.actor),
        tx.now,
        Change::new(AuditEntity::Task, id, AuditAction::Delete).before(json!({
            "plan_id": t.plan_id, "number": t.number, "title": t.title,
            "due_on": t.due_on, "assignments": drafts,
        })),
    )
    .await?;
    Ok(())
}

/// What issuing a plan did: how many assignments went out, and the units
/// nobody can be told about (no active user with an address, no unit
/// address, no robot), in words for the office.
#[derive(Debug, Clone)]
pub struct Issued {
    pub issued: u64,
    pub warnings: Vec<String>,
}

/// Issues every draft assignment of the plan (交办) and tells each unit.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn issue_plan(ctx: &Ctx<'_>, plan_id: i64) -> DomainResult<Issued> {
    ctx.write(async |tx| issue_plan_in(tx, plan_id).await).await
}

pub async fn issue_plan_in(tx: &Tx<'_>, plan_id: i64) -> DomainResult<Issued> {
    ensure_plan_write(tx.actor)?;
    let plan = plan::Entity::find_by_id(plan_id)
        .one(tx.conn())
        .await?
        .ok_or(DomainError::NotFound("plan"))?;
    let drafts = listing::rows_where(
        tx.conn(),
        &AssignmentFilter {
            plan_id: Some(plan_id),
            statuses: vec![Status::Draft],
            ..Default::default()
        },
        tx.now,
    )
    .await?;
    if drafts.is_empty() {
        return Err(DomainError::conflict(
            crate::error::ConflictCode::NothingToDo,
            "没有待下发的草稿事项 (no draft assignments to issue)",
        ));
    }
    let mut steps = Vec::with_capacity(drafts.len());
    for row in drafts {
        let to = transition(
            row.status,
            Action::Issue,
            party_for(tx.actor, row.unit_id, Action::Issue),
        )?;
        let message = Message::Assigned {
            role: row.role,
            due_on: row.due_on,
        };
        let effect = Effect::new(AuditAction::Issue)
            .set(step::Set::IssuedAt)
            .tell(format!("assigned:{}", row.id), Audience::Unit, message);
        steps.push((Loaded { row, to }, effect));
    }
    let mut units: Vec<i64> = steps.iter().map(|(l, _)| l.row.unit_id).collect();
    units.sort_unstable();
    units.dedup();
    let rows = step::apply_all(tx, steps).await?;
    let book = Addressbook::for_units(tx.conn(), &units).await?;
    let names: std::collections::HashMap<i64, String> = rows
        .iter()
        .map(|r| (r.unit_id, r.unit_name.clone()))
        .collect();
    let warnings = units
        .iter()
        .filter(|u| !book.reaches(**u))
        .map(|u| {
            format!(
                "“{}”没有可接收通知的账号、单位邮箱或群机器人，无法通知到该单位 (nobody at this unit can be told)",
                names.get(u).map_or("", String::as_str)
            )
        })
        .collect();
    if plan.status == PlanStatus::Draft {
        plan::Entity::update_many()
            .col_expr(plan::Column::Status, Expr::value(PlanStatus::Issued))
            .col_expr(plan::Column::UpdatedAt, Expr::value(tx.now))
            .filter(plan::Column::Id.eq(plan_id))
            .exec(tx.conn())
            .await?;
    }
    audit::record(
        tx.conn(),
        Some(tx.actor),
        tx.now,
        Change::new(AuditEntity::Plan, plan_id, AuditAction::Issue)
            .after(json!({"issued_assignments": rows.len()})),
    )
    .await?;
    Ok(Issued {
        issued: rows.len() as u64,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_schedules_take_the_common_five_field_form() {
        assert_eq!(check_report_cron("0 9 25 * *").unwrap(), "0 9 25 * *");
        assert_eq!(
            check_report_cron(" 0  9 25 3,6,9,12 * ").unwrap(),
            "0 9 25 3,6,9,12 *"
        );
        assert!(
            check_report_cron("0 0 9 25 * *").is_ok(),
            "seconds-first is accepted too"
        );
        assert!(check_report_cron("every month").is_err());
        assert!(check_report_cron("0 9 32 * *").is_err());
    }
}
