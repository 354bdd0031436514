//! The parsed notice, shaped as the `duban import --dry-run --json` output of
//! `API.md`. Everything here is a plain value: the importer fills it, the
//! caller matches unit names against the directory and stores a draft plan.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A whole notice as read from text: header, outline, tasks, plan-level
/// indicators and what could not be read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParsedNotice {
    pub plan: PlanHeader,
    pub sections: Vec<Section>,
    pub tasks: Vec<Task>,
    /// Targets that belong to the plan as a whole, e.g. rows of a 指标 table.
    pub indicators: Vec<Indicator>,
    /// `"第N行：…"` for each thing that could not be read, Chinese first.
    pub warnings: Vec<String>,
}

/// The notice's header: 文号, title, issuing office, date and year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanHeader {
    /// As written, e.g. `通政办发〔2013〕35号`.
    pub doc_no: Option<String>,
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub year: Option<i32>,
    /// Dates the notice sets outside any task, e.g. a section's
    /// 到2018年底，基本建立… goal. An addition to the `API.md` shape.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
}

/// A heading that groups tasks (一、 / 第一章).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The numeral as written: `一`, `第一章`.
    pub number: String,
    pub title: String,
}

/// One duty of the notice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The marker without its closing punctuation, parentheses made ASCII:
    /// `(一)`, `(1)`, `1`, `第三条`; table rows use their 序号.
    pub number: String,
    /// `number` of the enclosing section, if any.
    pub section: Option<String>,
    pub title: String,
    pub requirements: String,
    pub units: Vec<TaskUnit>,
    pub due_on: Option<NaiveDate>,
    /// The phrase the due date was read from, e.g. `年内`.
    pub due_text: Option<String>,
    /// True when no phrase was found and the notice's year end was used.
    pub due_is_default: bool,
    /// Every dated target of the task when it names more than one, in date
    /// order; the last is `due_on`.
    pub milestones: Vec<Milestone>,
    /// Five-field cron of a reporting schedule (`0 9 25 * *` for 每月).
    pub report_cron: Option<String>,
    pub indicators: Vec<Indicator>,
    /// Duties the task repeats each period (每月…不少于两次).
    #[serde(default)]
    pub recurrences: Vec<Recurrence>,
}

/// A duty done a number of times in each period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    pub per: RecurrencePer,
    /// Occurrences required in each period.
    pub times: u32,
    /// The phrase it was read from, e.g. `每年至少召开四次`.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecurrencePer {
    Week,
    Month,
    Quarter,
    HalfYear,
    Year,
}

/// A unit named on a task, by name only: matching against the unit
/// directory happens after parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskUnit {
    pub name: String,
    pub role: UnitRole,
    /// Always `None` from the parser.
    pub unit_id: Option<i64>,
    /// A collective such as 各县(市)、区人民政府 that stands for many units.
    pub group: bool,
    /// Not named on the task: assigned from the notice's addressees or its
    /// issuer, for the office to confirm.
    #[serde(default)]
    pub inferred: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitRole {
    /// 牵头
    Lead,
    /// 配合
    Assist,
}

/// A dated step, shaped as `POST /plans/{id}/tasks` takes it (issue 13):
/// `{due_on, title, target?}`; the earlier names `date`, `text` and
/// `indicator` are still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    #[serde(rename = "due_on", alias = "date")]
    pub date: NaiveDate,
    /// The phrase of the step: 2017年底实现…达到1200个.
    #[serde(rename = "title", alias = "text")]
    pub text: String,
    /// The target the step sets, if it names one: 2017年底…达到1200个.
    #[serde(
        default,
        rename = "target",
        alias = "indicator",
        skip_serializing_if = "Option::is_none"
    )]
    pub indicator: Option<Indicator>,
}

/// A measurable target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub name: String,
    /// The number as written, e.g. `95`, `1.5`.
    pub target: String,
    /// `%`, `平方米`, `个`; empty when none is written.
    pub unit: String,
    pub comparator: Comparator,
    pub kind: Option<IndicatorKind>,
    /// The year the target is for: a 2025年 column of a plan's table, or
    /// 到2025年 before the target in the text.
    #[serde(default)]
    pub target_year: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparator {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "=")]
    Equal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// 约束性
    Binding,
    /// 预期性
    Expected,
}
