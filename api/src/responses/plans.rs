//! Plans (督办文件) with their sections, tasks and indicators.

use chrono::{DateTime, NaiveDate, Utc};
use duban_domain::entities::indicator::{Comparator, IndicatorKind};
use duban_domain::entities::plan::PlanStatus;
use duban_domain::entities::{indicator, plan, section};
use duban_domain::workflow::plans::{CreatedTask, Issued, PlanDetail, TaskDetail};
use serde::Serialize;
use utoipa::ToSchema;

use super::assignments::AssignmentBrief;

#[derive(Serialize, ToSchema)]
pub struct PlanResponse {
    pub id: i64,
    pub doc_no: String,
    pub title: String,
    pub issuer_unit_id: Option<i64>,
    pub issued_on: NaiveDate,
    pub year: i32,
    pub timezone: String,
    /// draft until first issued, then issued.
    pub status: PlanStatus,
    pub created_at: DateTime<Utc>,
}

impl From<plan::Model> for PlanResponse {
    fn from(p: plan::Model) -> Self {
        Self {
            id: p.id,
            doc_no: p.doc_no,
            title: p.title,
            issuer_unit_id: p.issuer_unit_id,
            issued_on: p.issued_on,
            year: p.year,
            timezone: p.timezone,
            status: p.status,
            created_at: p.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SectionResponse {
    pub id: i64,
    pub number: String,
    pub title: String,
}

impl From<section::Model> for SectionResponse {
    fn from(s: section::Model) -> Self {
        Self {
            id: s.id,
            number: s.number,
            title: s.title,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorResponse {
    pub id: i64,
    pub task_id: Option<i64>,
    pub name: String,
    pub target: String,
    pub target_value: Option<f64>,
    /// Unit of measure, e.g. "%".
    pub unit: Option<String>,
    pub comparator: Comparator,
    /// binding (约束性) or expected (预期性).
    pub kind: Option<IndicatorKind>,
    /// Per-unit targets: {"unit_id": "target"}.
    #[schema(value_type = Option<Object>)]
    pub breakdown: Option<serde_json::Value>,
}

impl From<indicator::Model> for IndicatorResponse {
    fn from(i: indicator::Model) -> Self {
        Self {
            id: i.id,
            task_id: i.task_id,
            name: i.name,
            target: i.target,
            target_value: i.target_value,
            unit: i.measure,
            comparator: i.comparator,
            kind: i.kind,
            breakdown: i.breakdown,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TaskResponse {
    pub id: i64,
    pub plan_id: i64,
    pub section_id: Option<i64>,
    pub number: String,
    pub title: String,
    pub requirements: String,
    pub due_on: NaiveDate,
    pub due_text: Option<String>,
    pub report_cron: Option<String>,
    pub indicators: Vec<IndicatorResponse>,
    pub assignments: Vec<AssignmentBrief>,
}

impl From<TaskDetail> for TaskResponse {
    fn from(d: TaskDetail) -> Self {
        let t = d.task;
        Self {
            id: t.id,
            plan_id: t.plan_id,
            section_id: t.section_id,
            number: t.number,
            title: t.title,
            requirements: t.requirements,
            due_on: t.due_on,
            due_text: t.due_text,
            report_cron: t.report_cron,
            indicators: d.indicators.into_iter().map(Into::into).collect(),
            assignments: d.assignments.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<CreatedTask> for TaskResponse {
    fn from(c: CreatedTask) -> Self {
        TaskDetail {
            task: c.task,
            indicators: c.indicators,
            assignments: c.assignments,
        }
        .into()
    }
}

#[derive(Serialize, ToSchema)]
pub struct PlanDetailResponse {
    #[serde(flatten)]
    pub plan: PlanResponse,
    pub sections: Vec<SectionResponse>,
    pub tasks: Vec<TaskResponse>,
    /// Plan-level indicators (e.g. from a 指标 table).
    pub indicators: Vec<IndicatorResponse>,
}

impl From<PlanDetail> for PlanDetailResponse {
    fn from(d: PlanDetail) -> Self {
        Self {
            plan: d.plan.into(),
            sections: d.sections.into_iter().map(Into::into).collect(),
            tasks: d.tasks.into_iter().map(Into::into).collect(),
            indicators: d.indicators.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct IssueResponse {
    /// Assignments that went from draft to issued.
    pub issued: u64,
    /// Units nobody can be told about (no account with an address, no unit address, no robot).
    pub warnings: Vec<String>,
}

impl From<Issued> for IssueResponse {
    fn from(i: Issued) -> Self {
        Self {
            issued: i.issued,
            warnings: i.warnings,
        }
    }
}

/// A corrected task and the assignments its new due date moved.
#[derive(Serialize, ToSchema)]
pub struct TaskUpdated {
    pub id: i64,
    pub title: String,
    pub due_on: NaiveDate,
    pub report_cron: Option<String>,
    pub moved: Vec<super::assignments::AssignmentResponse>,
    /// Open assignments left on a date of their own (an extension, a per-unit date).
    pub kept: usize,
}
