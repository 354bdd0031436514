//! From a published notice to a draft plan: parse (pure, `crate::importer`),
//! match unit names against the directory, and store everything in one
//! transaction as drafts for the office to check and issue.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::json;

use super::plans::{
    NewIndicator, NewPlan, TaskRow, add_plan_indicators, add_section, check_report_cron,
    create_plan_in, insert_task,
};
use crate::audit::{self, AuditAction, AuditEntity, Change};
use crate::context::{Ctx, Tx};
use crate::directory::NewUnit;
use crate::directory::units;
use crate::entities::assignment::AssignmentRole;
use crate::entities::unit::{self, UnitKind};
use crate::entities::{indicator, plan};
use crate::importer::{Comparator, Indicator, IndicatorKind, ParsedNotice, UnitRole, parse_notice};
use crate::policy::ensure_plan_write;
use crate::time::DEFAULT_TIMEZONE;
use crate::{DomainError, DomainResult};

/// The milestones and recurring duties the parser read on a task, as the
/// store takes them. Read through the output's JSON shape (`milestones:
/// [{due_on, title, target?}]`, `recurrences: [{per, times, text}]`, the
/// parser's older `date`/`text` names accepted too), so the parser's types
/// may change without the store following. Steps after the task's due date
/// and counts out of range are left out rather than refusing the import.
fn duties_of(
    t: &crate::importer::Task,
    due_on: chrono::NaiveDate,
) -> (
    Vec<crate::duties::NewMilestone>,
    Vec<crate::duties::NewRecurrence>,
) {
    use crate::duties::{MAX_PER_TASK, NewMilestone, NewRecurrence};
    use serde_json::Value;
    let task = serde_json::to_value(t).unwrap_or(Value::Null);
    let list = |key: &str| match task.get(key) {
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    let text_of = |v: &Value, keys: &[&str]| {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let milestones = list("milestones")
        .iter()
        .filter_map(|m| {
            let due = text_of(m, &["due_on", "date"])?
                .parse::<chrono::NaiveDate>()
                .ok()?;
            let title = text_of(m, &["title", "text"])?;
            let target = text_of(m, &["target"]).or_else(|| {
                let i = m.get("indicator")?;
                Some(format!(
                    "{}{}",
                    text_of(i, &["target"])?,
                    text_of(i, &["unit"]).unwrap_or_default()
                ))
            });
            (due <= due_on).then(|| NewMilestone {
                due_on: due,
                title: title.chars().take(300).collect(),
                target: target.map(|t| t.chars().take(100).collect()),
            })
        })
        .take(MAX_PER_TASK)
        .collect();
    let recurrences = list("recurrences")
        .iter()
        .filter_map(|r| {
            let per = serde_json::from_value(r.get("per")?.clone()).ok()?;
            let times = r.get("times")?.as_i64().filter(|n| (1..=366).contains(n))? as i32;
            Some(NewRecurrence {
                per,
                times,
                title: text_of(r, &["text", "title"]).map(|t| t.chars().take(300).collect()),
            })
        })
        .take(MAX_PER_TASK)
        .collect();
    (milestones, recurrences)
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The parsed notice, with `unit_id` filled where a unit matched.
    #[serde(flatten)]
    pub notice: ParsedNotice,
    /// Each group named in the notice and the units it stands for.
    pub groups: BTreeMap<String, Vec<i64>>,
    /// Names that match no unit of the directory (create them, or import with create_units).
    pub unknown_units: Vec<String>,
    /// Units created by this import.
    pub created_units: Vec<String>,
    /// The stored draft plan; None on a dry run.
    pub plan_id: Option<i64>,
    pub assignments: usize,
}

/// Normalises a name for matching: no spaces, ASCII parentheses.
fn key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

/// Finds the unit a notice means by a name: its name or one of its aliases.
pub struct Directory {
    units: Vec<unit::Model>,
    by_name: BTreeMap<String, i64>,
}

impl Directory {
    pub fn new(units: Vec<unit::Model>) -> Self {
        let mut by_name = BTreeMap::new();
        for u in &units {
            by_name.insert(key(&u.name), u.id);
            for a in u.alias_list() {
                by_name.entry(key(&a)).or_insert(u.id);
            }
        }
        Self { units, by_name }
    }

    pub fn find(&self, name: &str) -> Option<i64> {
        let k = key(name);
        self.by_name.get(&k).copied().or_else(|| {
            // 南通市卫生局 in the directory, 市卫生局 in the notice.
            let bare = k.strip_prefix('市')?;
            let hits: Vec<&unit::Model> = self
                .units
                .iter()
                .filter(|u| {
                    u.kind == UnitKind::Department && key(&u.name).ends_with(&format!("市{bare}"))
                })
                .collect();
            (hits.len() == 1).then(|| hits[0].id)
        })
    }

    /// The units a collective name stands for: 各县(市)、区人民政府 -> every
    /// county-level unit; 市各委、办、局 -> every department.
    pub fn expand_group(&self, name: &str) -> Vec<i64> {
        let kind = if ["县", "区", "管委会", "乡镇", "街道"]
            .iter()
            .any(|w| name.contains(w))
        {
            if name.contains("乡镇") || name.contains("街道") {
                UnitKind::Street
            } else {
                UnitKind::County
            }
        } else if ["委", "办", "局", "部门", "单位"]
            .iter()
            .any(|w| name.contains(w))
        {
            UnitKind::Department
        } else {
            return Vec::new();
        };
        self.units
            .iter()
            .filter(|u| u.kind == kind)
            .map(|u| u.id)
            .collect()
    }
}

/// The kind a new unit most likely is, from its name.
pub fn guess_kind(name: &str) -> UnitKind {
    let n = name.trim_end_matches("人民政府");
    if n.ends_with("社区") || n.ends_with('村') || n.contains("居委会") {
        UnitKind::Community
    } else if n.ends_with("街道") || n.ends_with('镇') || n.ends_with('乡') {
        UnitKind::Street
    } else if !n.starts_with('市')
        && (n.ends_with('县')
            || n.ends_with('区')
            || n.ends_with("管委会")
            || (n.ends_with('市') && n.chars().count() <= 4))
    {
        UnitKind::County
    } else if n.contains("办公室") && n.contains("政府") {
        UnitKind::Office
    } else {
        UnitKind::Department
    }
}

/// Fills unit ids and group expansions; answers the names nothing matched.
pub fn match_units(
    notice: &mut ParsedNotice,
    dir: &Directory,
) -> (BTreeMap<String, Vec<i64>>, Vec<String>) {
    let mut groups = BTreeMap::new();
    let mut unknown: Vec<String> = Vec::new();
    for t in &mut notice.tasks {
        for u in &mut t.units {
            if u.group {
                let members = dir.expand_group(&u.name);
                if members.is_empty() && !unknown.contains(&u.name) {
                    unknown.push(u.name.clone());
                }
                groups.insert(u.name.clone(), members);
            } else {
                u.unit_id = dir.find(&u.name);
                if u.unit_id.is_none() && !unknown.contains(&u.name) {
                    unknown.push(u.name.clone());
                }
            }
        }
    }
    (groups, unknown)
}

fn indicator_input(i: &Indicator) -> NewIndicator {
    NewIndicator {
        name: i.name.chars().take(300).collect(),
        target: i.target.chars().take(100).collect(),
        measure: (!i.unit.is_empty()).then(|| i.unit.clone()),
        comparator: Some(match i.comparator {
            Comparator::AtLeast => indicator::Comparator::AtLeast,
            Comparator::AtMost => indicator::Comparator::AtMost,
            Comparator::Equal => indicator::Comparator::Equal,
        }),
        kind: i.kind.map(|k| match k {
            IndicatorKind::Binding => indicator::IndicatorKind::Binding,
            IndicatorKind::Expected => indicator::IndicatorKind::Expected,
        }),
        breakdown: None,
    }
}

/// Parses `text` and, unless `dry_run`, stores a draft plan. With
/// `create_units`, names the directory lacks are created first (same
/// transaction). Parsing alone never fails.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn import_notice(
    ctx: &Ctx<'_>,
    text: &str,
    dry_run: bool,
    create_units: bool,
) -> DomainResult<ImportReport> {
    ensure_plan_write(ctx.actor)?;
    store_notice(ctx, parse_notice(text), dry_run, create_units).await
}

/// Tasks one import may hold: the longest real notices (five-year plans,
/// a city's yearly task list) have a few hundred.
pub const MAX_TASKS: usize = 2000;
/// Units, indicators, milestones and recurring duties one task may name.
pub const MAX_PER_TASK_ITEMS: usize = 300;

/// Refuses a notice too big to be one, before it is matched, stored or
/// answered: what it holds is bounded, so the answer stays proportional to
/// a notice rather than to whatever a 4 MiB file can be made to repeat
/// (190,000 empty "tasks" answered 38 MB of JSON).
pub fn check_bounds(notice: &ParsedNotice) -> DomainResult<()> {
    let n = notice.tasks.len();
    if n > MAX_TASKS {
        return Err(DomainError::TooLarge(format!(
            "识别出 {n} 项任务，超过每次导入 {MAX_TASKS} 项的上限，请拆分后分批导入 ({n} tasks read, more than {MAX_TASKS}: split the notice)"
        )));
    }
    let most = |t: &crate::importer::Task| {
        [
            t.units.len(),
            t.indicators.len(),
            t.milestones.len(),
            t.recurrences.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    };
    if let Some(t) = notice.tasks.iter().find(|t| most(t) > MAX_PER_TASK_ITEMS) {
        return Err(DomainError::TooLarge(format!(
            "任务 {} 列出的单位、指标或阶段目标超过 {MAX_PER_TASK_ITEMS} 项 (task {} names more than {MAX_PER_TASK_ITEMS} units, indicators or milestones)",
            t.number, t.number
        )));
    }
    if notice.indicators.len() > MAX_TASKS || notice.sections.len() > MAX_TASKS {
        return Err(DomainError::TooLarge(format!(
            "通知中的章节或指标超过 {MAX_TASKS} 项 (more than {MAX_TASKS} sections or indicators)"
        )));
    }
    Ok(())
}

/// Stores an already parsed notice (the demo shifts its dates first).
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn store_notice(
    ctx: &Ctx<'_>,
    notice: ParsedNotice,
    dry_run: bool,
    create_units: bool,
) -> DomainResult<ImportReport> {
    ensure_plan_write(ctx.actor)?;
    if dry_run {
        check_bounds(&notice)?;
        let mut notice = notice;
        let directory = Directory::new(units::all(ctx.db().conn()).await?);
        let (groups, unknown) = match_units(&mut notice, &directory);
        return Ok(ImportReport {
            notice,
            groups,
            unknown_units: unknown,
            created_units: Vec::new(),
            plan_id: None,
            assignments: 0,
        });
    }
    ctx.write(async |tx| store_notice_in(tx, notice, create_units).await)
        .await
}

/// The stored import, inside the caller's transaction: the units it lacks
/// (with `create_units`), the plan, its sections and indicators, and each
/// task with its draft assignments, through the same services the API uses.
pub async fn store_notice_in(
    tx: &Tx<'_>,
    mut notice: ParsedNotice,
    create_units: bool,
) -> DomainResult<ImportReport> {
    ensure_plan_write(tx.actor)?;
    // A stored plan must be worth checking: at least one task that names its
    // units or its deadline. Noise that merely looks numbered is refused.
    let readable = notice
        .tasks
        .iter()
        .any(|t| !t.title.trim().is_empty() && (!t.units.is_empty() || t.due_text.is_some()));
    if !readable {
        return Err(DomainError::invalid(
            "body",
            "未能从文本中识别出带责任单位或完成时限的任务，请检查文件内容 (no task with units or a deadline could be read)",
        ));
    }
    check_bounds(&notice)?;
    if let Some(doc_no) = notice.plan.doc_no.as_deref()
        && let Some(existing) = plan::Entity::find()
            .filter(plan::Column::DocNo.eq(doc_no))
            .one(tx.conn())
            .await?
    {
        return Err(DomainError::conflict(
            crate::error::ConflictCode::Duplicate,
            format!(
                "文号“{doc_no}”已导入为督办文件《{}》(id {})，请勿重复导入 (a plan with this doc number exists)",
                existing.title, existing.id
            ),
        ));
    }
    let mut directory = Directory::new(units::all(tx.conn()).await?);
    let (mut groups, mut unknown) = match_units(&mut notice, &directory);
    let mut created_units = Vec::new();
    if create_units {
        let to_create: Vec<String> = unknown
            .iter()
            .filter(|n| !groups.contains_key(*n))
            .cloned()
            .collect();
        for name in to_create {
            // The office may add the units its own notice names.
            let new = NewUnit::parse(&name, guess_kind(&name), None, &[], None)?;
            created_units.push(units::insert(tx, new).await?.name);
        }
        directory = Directory::new(units::all(tx.conn()).await?);
        (groups, unknown) = match_units(&mut notice, &directory);
    }
    let header = &notice.plan;
    let issued_on = header.issued_on.unwrap_or_else(|| tx.now.date_naive());
    let year = header.year.unwrap_or(issued_on.year());
    let mut warnings = notice.warnings.clone();
    if header.issued_on.is_none() {
        warnings.push(format!(
            "未找到成文日期，已按今天 {issued_on} 记录 (no issue date found)"
        ));
    }
    let plan = create_plan_in(
        tx,
        NewPlan {
            doc_no: header
                .doc_no
                .clone()
                .unwrap_or_else(|| "（无文号）".to_owned())
                .chars()
                .take(100)
                .collect(),
            title: header
                .title
                .clone()
                .unwrap_or_else(|| "（未识别标题）".to_owned())
                .chars()
                .take(300)
                .collect(),
            issued_on,
            year: Some(year).filter(|y| (2000..=2100).contains(y)),
            timezone: Some(DEFAULT_TIMEZONE.to_owned()),
            issuer_unit_id: header.issuer.as_deref().and_then(|i| directory.find(i)),
        },
    )
    .await?;
    let mut section_ids = BTreeMap::new();
    for (i, s) in notice.sections.iter().enumerate() {
        let m = add_section(tx.conn(), plan.id, &s.number, &s.title, i as i32 + 1).await?;
        section_ids.insert(s.number.clone(), m.id);
    }
    add_plan_indicators(
        tx,
        &plan,
        notice.indicators.iter().map(indicator_input).collect(),
    )
    .await?;
    let year_end = NaiveDate::from_ymd_opt(plan.year, 12, 31).unwrap_or(issued_on);
    let mut assignments = 0;
    for t in &notice.tasks {
        let mut units: Vec<(i64, AssignmentRole)> = Vec::new();
        for u in &t.units {
            let role = match u.role {
                UnitRole::Lead => AssignmentRole::Lead,
                UnitRole::Assist => AssignmentRole::Assist,
            };
            let ids = if u.group {
                groups.get(&u.name).cloned().unwrap_or_default()
            } else {
                u.unit_id.into_iter().collect()
            };
            for id in ids {
                if !units.iter().any(|(x, _)| *x == id) {
                    units.push((id, role));
                }
            }
        }
        if units.is_empty() {
            warnings.push(format!(
                "任务 {}{} 没有可识别的责任单位，已导入但未交办 (no known units)",
                t.number, t.title
            ));
        }
        let mut requirements = t.requirements.clone();
        let due_on = t.due_on.unwrap_or(year_end);
        let (milestones, recurrences) = duties_of(t, due_on);
        // Milestones belong to assignments: a task stored without units
        // keeps its dated steps in its text until the office assigns it.
        if units.is_empty() && !milestones.is_empty() {
            let steps: Vec<String> = milestones
                .iter()
                .map(|m| format!("{}（{}）", m.due_on, m.title))
                .collect();
            requirements.push_str(&format!("\n阶段节点：{}", steps.join("；")));
        }
        let created = insert_task(
            tx,
            &plan,
            TaskRow {
                section_id: t.section.as_ref().and_then(|s| section_ids.get(s).copied()),
                number: t.number.clone(),
                title: t.title.chars().take(300).collect(),
                requirements: requirements.chars().take(20_000).collect(),
                due_on,
                due_text: t
                    .due_text
                    .clone()
                    .or_else(|| t.due_is_default.then(|| "（默认年底）".to_owned())),
                report_cron: t
                    .report_cron
                    .as_deref()
                    .and_then(|c| check_report_cron(c).ok()),
                units,
                unit_due_on: BTreeMap::new(),
                indicators: t.indicators.iter().take(100).map(indicator_input).collect(),
                milestones,
                recurrences,
            },
        )
        .await?;
        assignments += created.assignments.len();
    }
    audit::record(
        tx.conn(),
        Some(tx.actor),
        tx.now,
        Change::new(AuditEntity::Plan, plan.id, AuditAction::Import).after(json!({
            "doc_no": plan.doc_no, "tasks": notice.tasks.len(),
            "assignments": assignments, "unknown_units": unknown,
        })),
    )
    .await?;
    notice.warnings = warnings;
    Ok(ImportReport {
        notice,
        groups,
        unknown_units: unknown,
        created_units,
        plan_id: Some(plan.id),
        assignments,
    })
}

/// Fix-in-place while checking an import: the office teaches the directory
/// a name its notice uses, as an alias of an existing unit. Like
/// `create_units`, the office may do this for the notices it imports.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn add_alias(ctx: &Ctx<'_>, unit_id: i64, alias: &str) -> DomainResult<unit::Model> {
    ensure_plan_write(ctx.actor)?;
    let alias = alias.trim().to_owned();
    ctx.write(async |tx| {
        let current = unit::Entity::find_by_id(unit_id)
            .one(tx.conn())
            .await?
            .ok_or(DomainError::NotFound("unit"))?;
        let mut aliases = current.alias_list();
        if alias.is_empty() || current.name == alias || aliases.contains(&alias) {
            return Ok(current);
        }
        aliases.push(alias.clone());
        units::apply_update(
            tx,
            unit_id,
            crate::directory::units::UnitPatch {
                aliases: Some(aliases),
                ..Default::default()
            },
        )
        .await
    })
    .await
}

/// Fix-in-place: the office adds a unit its notice names (kind guessed from
/// the name, as `create_units` does).
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn create_named_unit(ctx: &Ctx<'_>, name: &str) -> DomainResult<unit::Model> {
    ensure_plan_write(ctx.actor)?;
    let new = NewUnit::parse(name, guess_kind(name), None, &[], None)?;
    ctx.write(async |tx| units::insert(tx, new).await).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_guessed_from_names() {
        assert_eq!(guess_kind("海安县"), UnitKind::County);
        assert_eq!(guess_kind("崇川区"), UnitKind::County);
        assert_eq!(guess_kind("启东市"), UnitKind::County);
        assert_eq!(guess_kind("市民政局"), UnitKind::Department);
        assert_eq!(guess_kind("团市委"), UnitKind::Department);
        assert_eq!(guess_kind("南通经济技术开发区管委会"), UnitKind::County);
        assert_eq!(guess_kind("城东街道"), UnitKind::Street);
        assert_eq!(guess_kind("和平桥社区"), UnitKind::Community);
    }
}
