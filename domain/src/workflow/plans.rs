//! Plans (督办文件) and their tasks: the office writes them, then issues them.

use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::Status;
use crate::audit::{self, Change};
use crate::clock::Clock;
use crate::db::Db;
use crate::entities::{assignment, indicator, plan, section, task, unit};
use crate::notify::{self, Notice};
use crate::page::{Page, PageRequest};
use crate::policy::{Actor, Scope, assignment_scope, ensure_plan_write};
use crate::role::Role;
use crate::time::{end_of_day, parse_timezone, zone_of};
use crate::{DomainError, FieldError};

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

pub async fn create_plan(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    new: NewPlan,
) -> Result<plan::Model, DomainError> {
    ensure_plan_write(actor)?;
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
    let now = clock.now();
    let txn = db.begin().await?;
    if let Some(u) = new.issuer_unit_id
        && unit::Entity::find_by_id(u).one(&txn).await?.is_none()
    {
        return Err(DomainError::invalid(
            "issuer_unit_id",
            "单位不存在 (no such unit)",
        ));
    }
    let model = plan::ActiveModel {
        doc_no: Set(doc_no),
        title: Set(title),
        issuer_unit_id: Set(new.issuer_unit_id.or(actor.unit_id)),
        issued_on: Set(new.issued_on),
        year: Set(year),
        timezone: Set(tz.to_owned()),
        status: Set("draft".into()),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor),
        now,
        Change {
            entity: "plan",
            entity_id: model.id,
            action: "create",
            before: None,
            after: Some(
                json!({"doc_no": model.doc_no, "title": model.title, "issued_on": model.issued_on}),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Plans the actor may see: all for the office, inspectors and leaders; for a
/// unit, those it has issued items in.
pub async fn list_plans(
    db: &Db,
    actor: &Actor,
    year: Option<i32>,
    page: PageRequest,
) -> Result<Page<plan::Model>, DomainError> {
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
                        .and_where(assignment::Column::Status.ne(Status::Draft.as_str()))
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
    Ok(Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
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

pub async fn get_plan(db: &Db, actor: &Actor, id: i64) -> Result<PlanDetail, DomainError> {
    let conn = db.conn();
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
            assignments.retain(|a| a.unit_id == u && a.status != Status::Draft.as_str());
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
    pub comparator: Option<String>,
    pub kind: Option<String>,
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
}

/// Checks a reporting schedule: the standard 5-field cron form (or the
/// seconds-first form). Answers the stored 5- or 6-field text.
pub fn check_report_cron(expr: &str) -> Result<String, FieldError> {
    let e = expr.split_whitespace().collect::<Vec<_>>().join(" ");
    let fields = e.split(' ').count();
    let seconds_first = match fields {
        5 => format!("0 {e}"),
        6 | 7 => e.clone(),
        _ => {
            return Err(FieldError::new(
                "report_cron",
                "须为 5 段 cron 表达式，如“0 9 25 * *”(每月25日) (a 5-field cron expression)",
            ));
        }
    };
    seconds_first
        .parse::<cron::Schedule>()
        .map(|_| e)
        .map_err(|err| {
            FieldError::new(
                "report_cron",
                format!("cron 表达式无效 (invalid cron): {err}"),
            )
        })
}

fn check_indicator(i: &NewIndicator, at: usize, errors: &mut Vec<FieldError>) {
    let f = |name: &str| format!("indicators[{at}].{name}");
    if i.name.trim().is_empty() || i.name.chars().count() > 300 {
        errors.push(FieldError::new(f("name"), "指标名称不能为空，最多300字"));
    }
    if i.target.trim().is_empty() || i.target.chars().count() > 100 {
        errors.push(FieldError::new(f("target"), "目标值不能为空，最多100字"));
    }
    if let Some(c) = &i.comparator
        && !matches!(c.as_str(), ">=" | "<=" | "=" | ">" | "<")
    {
        errors.push(FieldError::new(
            f("comparator"),
            "比较方式须为 >= <= = > < 之一",
        ));
    }
    if let Some(k) = &i.kind
        && !matches!(k.as_str(), "binding" | "expected")
    {
        errors.push(FieldError::new(
            f("kind"),
            "属性须为 binding(约束性) 或 expected(预期性)",
        ));
    }
}

/// The task with the assignments it created (one per unit, all drafts).
#[derive(Debug, Clone)]
pub struct CreatedTask {
    pub task: task::Model,
    pub assignments: Vec<assignment::Model>,
    pub indicators: Vec<indicator::Model>,
}

pub async fn add_task(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: i64,
    new: NewTask,
) -> Result<CreatedTask, DomainError> {
    ensure_plan_write(actor)?;
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
    let mut units: Vec<(i64, &'static str)> = vec![(new.lead_unit_id, "lead")];
    for &u in &new.assist_unit_ids {
        if units.iter().any(|(x, _)| *x == u) {
            errors.push(FieldError::new(
                "assist_unit_ids",
                format!("单位 {u} 重复 (unit {u} listed twice)"),
            ));
        } else {
            units.push((u, "assist"));
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
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    let now = clock.now();
    let txn = db.begin().await?;
    let plan = plan::Entity::find_by_id(plan_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("plan"))?;
    let found = unit::Entity::find()
        .filter(unit::Column::Id.is_in(units.iter().map(|(u, _)| *u)))
        .all(&txn)
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
        Some(s) => Some(find_or_create_section(&txn, plan_id, s).await?),
        None => None,
    };
    let created = insert_task(
        &txn,
        actor,
        now,
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
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
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
    pub units: Vec<(i64, &'static str)>,
    pub unit_due_on: std::collections::BTreeMap<i64, NaiveDate>,
    pub indicators: Vec<NewIndicator>,
}

/// Writes a task, its indicators and one draft assignment per unit, with
/// their audit events, inside the caller's transaction.
pub(crate) async fn insert_task(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
    plan: &plan::Model,
    row: TaskRow,
) -> Result<CreatedTask, DomainError> {
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
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut indicators = Vec::with_capacity(new_indicators.len());
    for i in new_indicators {
        indicators.push(
            indicator::ActiveModel {
                plan_id: Set(plan_id),
                task_id: Set(Some(task.id)),
                name: Set(i.name.trim().to_owned()),
                target_value: Set(i.target.trim().trim_end_matches('%').parse::<f64>().ok()),
                target: Set(i.target.trim().to_owned()),
                measure: Set(i.measure),
                comparator: Set(i.comparator.unwrap_or_else(|| ">=".into())),
                kind: Set(i.kind),
                breakdown: Set(i.breakdown.map(|b| json!(b))),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        );
    }
    let tz = zone_of(&plan.timezone);
    let mut assignments = Vec::with_capacity(units.len());
    for (unit_id, role) in units {
        let due_on = unit_due_on.get(&unit_id).copied().unwrap_or(due_on);
        let a = assignment::ActiveModel {
            task_id: Set(task.id),
            plan_id: Set(plan_id),
            unit_id: Set(unit_id),
            role: Set(role.to_owned()),
            status: Set(Status::Draft.as_str().to_owned()),
            due_on: Set(due_on),
            due_at: Set(end_of_day(due_on, tz)),
            issued_at: Set(None),
            acknowledged_at: Set(None),
            completed_at: Set(None),
            last_report_at: Set(None),
            percent: Set(None),
            escalation_level: Set(0),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        audit::record(
            txn,
            Some(actor),
            now,
            Change {
                entity: "assignment",
                entity_id: a.id,
                action: "create",
                before: None,
                after: Some(json!({"status": a.status, "unit_id": a.unit_id, "role": a.role, "due_on": a.due_on})),
            },
        )
        .await?;
        assignments.push(a);
    }
    Ok(CreatedTask {
        task,
        assignments,
        indicators,
    })
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
pub async fn add_section<C: ConnectionTrait>(
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

/// Issues every draft assignment of the plan (交办) and tells each unit.
/// Answers how many were issued.
pub async fn issue_plan(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: i64,
) -> Result<u64, DomainError> {
    ensure_plan_write(actor)?;
    let now = clock.now();
    let txn = db.begin().await?;
    let plan = plan::Entity::find_by_id(plan_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("plan"))?;
    let drafts = assignment::Entity::find()
        .filter(assignment::Column::PlanId.eq(plan_id))
        .filter(assignment::Column::Status.eq(Status::Draft.as_str()))
        .order_by_asc(assignment::Column::Id)
        .all(&txn)
        .await?;
    if drafts.is_empty() {
        return Err(DomainError::Conflict(
            "没有待下发的草稿事项 (no draft assignments to issue)".into(),
        ));
    }
    let tasks: std::collections::HashMap<i64, task::Model> = task::Entity::find()
        .filter(task::Column::Id.is_in(drafts.iter().map(|a| a.task_id)))
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut notices = Vec::new();
    let mut people_cache: std::collections::HashMap<i64, Vec<crate::entities::user::Model>> =
        Default::default();
    for a in &drafts {
        super::transition(Status::Draft, super::Action::Issue, super::Party::Office)?;
        assignment::Entity::update_many()
            .col_expr(
                assignment::Column::Status,
                Expr::value(Status::Issued.as_str()),
            )
            .col_expr(assignment::Column::IssuedAt, Expr::value(Some(now)))
            .col_expr(
                assignment::Column::Version,
                Expr::col(assignment::Column::Version).add(1),
            )
            .col_expr(assignment::Column::UpdatedAt, Expr::value(now))
            .filter(assignment::Column::Id.eq(a.id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            Some(actor),
            now,
            Change {
                entity: "assignment",
                entity_id: a.id,
                action: "issue",
                before: Some(json!({"status": "draft"})),
                after: Some(json!({"status": "issued", "due_on": a.due_on})),
            },
        )
        .await?;
        if let std::collections::hash_map::Entry::Vacant(slot) = people_cache.entry(a.unit_id) {
            slot.insert(
                notify::unit_people(&txn, a.unit_id, &[Role::UnitStaff, Role::UnitHead]).await?,
            );
        }
        let title = tasks.get(&a.task_id).map_or("", |t| t.title.as_str());
        let number = tasks.get(&a.task_id).map_or("", |t| t.number.as_str());
        for p in people_cache.get(&a.unit_id).into_iter().flatten() {
            notices.push(Notice {
                dedupe_key: format!("assigned:{}:{}", a.id, p.id),
                kind: "assigned",
                recipient_user_id: p.id,
                assignment_id: Some(a.id),
                subject: format!("【督办】新交办事项：{title}"),
                body: format!(
                    "{}《{}》{number}{title}\n角色：{}\n完成时限：{}\n请及时签收并按时反馈办理进展。",
                    plan.doc_no,
                    plan.title,
                    if a.role == "lead" { "牵头" } else { "配合" },
                    a.due_on
                ),
            });
        }
    }
    notify::enqueue(&txn, now, notices).await?;
    if plan.status == "draft" {
        plan::Entity::update_many()
            .col_expr(plan::Column::Status, Expr::value("issued"))
            .col_expr(plan::Column::UpdatedAt, Expr::value(now))
            .filter(plan::Column::Id.eq(plan_id))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        Some(actor),
        now,
        Change {
            entity: "plan",
            entity_id: plan_id,
            action: "issue",
            before: None,
            after: Some(json!({"issued_assignments": drafts.len()})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(drafts.len() as u64)
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
