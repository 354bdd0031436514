//! Assignments as lists and pages show them, with what hangs on them.

use chrono::{DateTime, NaiveDate, Utc};
use duban_domain::calendar::WorkingCalendar;
use duban_domain::entities::assignment::{AssignmentRole, Status};
use duban_domain::entities::extension_request::ExtensionStatus;
use duban_domain::entities::report::ReportKind;
use duban_domain::entities::review::Decision;
use duban_domain::entities::{assignment, attachment, comment, extension_request, report, review};
use duban_domain::supervision::{self, Light};
use duban_domain::workflow::assignments::{Detail, HistoryEntry, Remark};
use duban_domain::workflow::extensions::QueuedRequest;
use duban_domain::workflow::listing::AssignmentRow;
use serde::Serialize;
use utoipa::ToSchema;

use super::plans::IndicatorResponse;

/// An assignment as a line of a list.
#[derive(Serialize, ToSchema)]
pub struct AssignmentResponse {
    pub id: i64,
    pub task_id: i64,
    pub plan_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// lead (牵头) or assist (配合).
    pub role: AssignmentRole,
    pub status: Status,
    /// The status in Chinese.
    pub status_label: &'static str,
    pub due_on: NaiveDate,
    /// Open and past the end of its due date (plan's time zone).
    pub overdue: bool,
    /// Calendar days past the due date (0 when not overdue).
    pub days_overdue: i64,
    /// Working days past the due date, by the holiday calendar.
    pub working_days_overdue: i64,
    /// green on track, yellow due within 3 days or acknowledged late, red overdue, grey draft/cancelled.
    pub light: Light,
    pub escalation_level: i32,
    /// 挂起: the office paused the clock; nothing is overdue, reminded or escalated meanwhile.
    pub suspended: bool,
    /// The assignment this one was handed down from (层层分解).
    pub parent_id: Option<i64>,
    pub percent: Option<i32>,
    pub task_number: String,
    pub task_title: String,
    pub plan_doc_no: String,
    pub issued_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub last_report_at: Option<DateTime<Utc>>,
    /// Send it back as `version` to guard against concurrent edits.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl AssignmentResponse {
    pub fn new(r: AssignmentRow, now: DateTime<Utc>, calendar: &WorkingCalendar) -> Self {
        let d = r.derived(now);
        Self {
            working_days_overdue: supervision::working_days_overdue(&r, now, calendar),
            light: supervision::light(&r, now, calendar),
            status_label: r.status.label(),
            id: r.id,
            task_id: r.task_id,
            plan_id: r.plan_id,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            role: r.role,
            status: r.status,
            due_on: r.due_on,
            overdue: d.overdue,
            days_overdue: d.days_overdue,
            escalation_level: r.escalation_level,
            suspended: r.suspended_at.is_some(),
            parent_id: r.parent_id,
            percent: r.percent,
            task_number: r.task_number,
            task_title: r.task_title,
            plan_doc_no: r.plan_doc_no,
            issued_at: r.issued_at,
            acknowledged_at: r.acknowledged_at,
            completed_at: r.completed_at,
            last_report_at: r.last_report_at,
            version: r.version,
            updated_at: r.updated_at,
        }
    }
}

/// An assignment inside its task.
#[derive(Serialize, ToSchema)]
pub struct AssignmentBrief {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub role: AssignmentRole,
    pub status: Status,
    pub due_on: NaiveDate,
    pub escalation_level: i32,
    pub version: i32,
}

impl From<assignment::Model> for AssignmentBrief {
    fn from(a: assignment::Model) -> Self {
        Self {
            id: a.id,
            task_id: a.task_id,
            unit_id: a.unit_id,
            role: a.role,
            status: a.status,
            due_on: a.due_on,
            escalation_level: a.escalation_level,
            version: a.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentResponse {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Download address (needs the bearer token).
    pub url: String,
    pub created_at: DateTime<Utc>,
}

impl From<attachment::Model> for AttachmentResponse {
    fn from(a: attachment::Model) -> Self {
        Self {
            url: format!("/api/v1/attachments/{}", a.id),
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportResponse {
    pub id: i64,
    pub assignment_id: i64,
    pub kind: ReportKind,
    pub text: String,
    pub percent: Option<i32>,
    #[schema(value_type = Option<Object>)]
    pub indicator_values: Option<serde_json::Value>,
    pub author_id: i64,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentResponse>,
}

impl ReportResponse {
    pub fn new(r: report::Model, files: Vec<attachment::Model>) -> Self {
        Self {
            id: r.id,
            assignment_id: r.assignment_id,
            kind: r.kind,
            text: r.text,
            percent: r.percent,
            indicator_values: r.indicator_values,
            author_id: r.author_id,
            created_at: r.created_at,
            attachments: files.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReviewResponse {
    pub id: i64,
    pub decision: Decision,
    pub comment: String,
    pub reviewer_id: i64,
    pub created_at: DateTime<Utc>,
}

impl From<review::Model> for ReviewResponse {
    fn from(r: review::Model) -> Self {
        Self {
            id: r.id,
            decision: r.decision,
            comment: r.comment,
            reviewer_id: r.reviewer_id,
            created_at: r.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExtensionResponse {
    pub id: i64,
    pub assignment_id: i64,
    pub previous_due_on: NaiveDate,
    /// The date asked for.
    pub due_on: NaiveDate,
    pub reason: String,
    pub status: ExtensionStatus,
    pub requested_by: i64,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<extension_request::Model> for ExtensionResponse {
    fn from(e: extension_request::Model) -> Self {
        Self {
            id: e.id,
            assignment_id: e.assignment_id,
            previous_due_on: e.previous_due_on,
            due_on: e.requested_due_on,
            reason: e.reason,
            status: e.status,
            requested_by: e.requested_by,
            decided_by: e.decided_by,
            decided_at: e.decided_at,
            decision_comment: e.decision_comment,
            created_at: e.created_at,
        }
    }
}

/// A request in the office's queue, with the item it concerns.
#[derive(Serialize, ToSchema)]
pub struct QueuedExtensionResponse {
    pub id: i64,
    pub assignment_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub task_number: String,
    pub task_title: String,
    pub plan_doc_no: String,
    pub previous_due_on: NaiveDate,
    /// The date asked for.
    pub due_on: NaiveDate,
    pub reason: String,
    pub status: ExtensionStatus,
    pub requested_by: i64,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
}

impl From<QueuedRequest> for QueuedExtensionResponse {
    fn from(q: QueuedRequest) -> Self {
        Self {
            id: q.id,
            assignment_id: q.assignment_id,
            unit_id: q.unit_id,
            unit_name: q.unit_name,
            task_number: q.task_number,
            task_title: q.task_title,
            plan_doc_no: q.plan_doc_no,
            previous_due_on: q.previous_due_on,
            due_on: q.requested_due_on,
            reason: q.reason,
            status: q.status,
            requested_by: q.requested_by,
            created_at: q.created_at,
            decided_at: q.decided_at,
            decision_comment: q.decision_comment,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CommentResponse {
    pub id: i64,
    pub assignment_id: i64,
    /// remark (督查意见) or instruction (领导批示, a leader's).
    pub kind: duban_domain::entities::comment::CommentKind,
    /// 督查意见 or 领导批示.
    pub kind_label: &'static str,
    pub author_id: i64,
    pub author_name: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl CommentResponse {
    pub fn new(c: comment::Model, author_name: String) -> Self {
        Self {
            id: c.id,
            assignment_id: c.assignment_id,
            kind: c.kind,
            kind_label: c.kind.label(),
            author_id: c.author_id,
            author_name,
            text: c.text,
            created_at: c.created_at,
        }
    }
}

impl From<Remark> for CommentResponse {
    fn from(r: Remark) -> Self {
        Self::new(r.comment, r.author_name)
    }
}

/// One assignment with everything around it.
#[derive(Serialize, ToSchema)]
pub struct AssignmentDetailResponse {
    #[serde(flatten)]
    pub assignment: AssignmentResponse,
    pub plan_title: String,
    pub requirements: String,
    pub due_text: Option<String>,
    /// The reporting schedule (standard 5-field cron).
    pub report_cron: Option<String>,
    /// When the next progress report is due by that schedule (RFC 3339).
    pub next_report_at: Option<DateTime<Utc>>,
    pub indicators: Vec<IndicatorResponse>,
    pub reports: Vec<ReportResponse>,
    pub reviews: Vec<ReviewResponse>,
    pub extension_requests: Vec<ExtensionResponse>,
    /// Inspection remarks (督查意见).
    pub comments: Vec<CommentResponse>,
    /// Dated steps; the task's due date is the last.
    pub milestones: Vec<MilestoneResponse>,
    /// The task's recurring duties; their periods are at `/assignments/{id}/occurrences`.
    pub recurrences: Vec<RecurrenceResponse>,
    /// What this unit handed down (层层分解).
    pub children: Vec<ChildResponse>,
    /// The handing unit's note, for a handed-down item.
    pub note: Option<String>,
    /// Why the office paused it, while paused.
    pub suspend_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MilestoneResponse {
    pub id: i64,
    pub due_on: NaiveDate,
    pub title: String,
    pub target: Option<String>,
    /// When a report reached it.
    pub reached_on: Option<NaiveDate>,
    pub report_id: Option<i64>,
    /// Its date has passed and it is not reached.
    pub missed: bool,
}

impl MilestoneResponse {
    pub fn new(m: duban_domain::entities::milestone::Model, today: NaiveDate) -> Self {
        Self {
            missed: m.reached_on.is_none() && m.due_on < today,
            id: m.id,
            due_on: m.due_on,
            title: m.title,
            target: m.target,
            reached_on: m.reached_on,
            report_id: m.report_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecurrenceResponse {
    pub id: i64,
    pub per: duban_domain::entities::recurrence::Per,
    /// 每月, 每季度… in Chinese.
    pub per_label: &'static str,
    pub times: i32,
    pub title: String,
}

impl From<duban_domain::entities::recurrence::Model> for RecurrenceResponse {
    fn from(r: duban_domain::entities::recurrence::Model) -> Self {
        Self {
            id: r.id,
            per: r.per,
            per_label: r.per.label(),
            times: r.times,
            title: r.title,
        }
    }
}

/// A sub-assignment as its parent shows it.
#[derive(Serialize, ToSchema)]
pub struct ChildResponse {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub status: Status,
    pub status_label: &'static str,
    pub due_on: NaiveDate,
    pub overdue: bool,
    pub escalation_level: i32,
}

impl ChildResponse {
    pub fn new(r: AssignmentRow, now: DateTime<Utc>) -> Self {
        Self {
            overdue: r.derived(now).overdue,
            id: r.id,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            status: r.status,
            status_label: r.status.label(),
            due_on: r.due_on,
            escalation_level: r.escalation_level,
        }
    }
}

impl AssignmentDetailResponse {
    pub fn new(d: Detail, now: DateTime<Utc>, calendar: &WorkingCalendar) -> Self {
        let today =
            duban_domain::time::local_date(now, duban_domain::time::zone_of(&d.row.plan_timezone));
        Self {
            milestones: d
                .milestones
                .into_iter()
                .map(|m| MilestoneResponse::new(m, today))
                .collect(),
            recurrences: d.recurrences.into_iter().map(Into::into).collect(),
            children: d
                .children
                .into_iter()
                .map(|c| ChildResponse::new(c, now))
                .collect(),
            note: d.note,
            suspend_reason: d.suspend_reason,
            assignment: AssignmentResponse::new(d.row, now, calendar),
            plan_title: d.plan_title,
            requirements: d.requirements,
            due_text: d.due_text,
            report_cron: d.report_cron,
            next_report_at: d.next_report_at,
            indicators: d.indicators.into_iter().map(Into::into).collect(),
            reports: d
                .reports
                .into_iter()
                .map(|(r, f)| ReportResponse::new(r, f))
                .collect(),
            reviews: d.reviews.into_iter().map(Into::into).collect(),
            extension_requests: d.extension_requests.into_iter().map(Into::into).collect(),
            comments: d
                .comments
                .into_iter()
                .map(|(c, n)| CommentResponse::new(c, n))
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportCreated {
    pub report: ReportResponse,
    /// The assignment after the report.
    pub assignment: AssignmentResponse,
}

#[derive(Serialize, ToSchema)]
pub struct ExtensionDecided {
    #[serde(flatten)]
    pub request: ExtensionResponse,
    /// The assignment after the decision.
    pub assignment: AssignmentResponse,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    /// The actor's display name (系统 for the system itself).
    pub actor_name: String,
    /// The actor's username, as recorded.
    pub actor_username: String,
    pub action: duban_domain::audit::AuditAction,
    /// The step in Chinese.
    pub action_label: &'static str,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

impl From<HistoryEntry> for HistoryEvent {
    fn from(h: HistoryEntry) -> Self {
        let e = h.event;
        Self {
            id: e.id,
            at: e.at,
            actor_user_id: e.actor_user_id,
            actor_name: h.actor_name,
            actor_username: e.actor_name,
            action: e.action,
            action_label: h.action_label,
            before: e.before,
            after: e.after,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HistoryResponse {
    pub items: Vec<HistoryEvent>,
}

#[derive(Serialize, ToSchema)]
pub struct Escalated {
    pub id: i64,
    pub escalation_level: i32,
}
