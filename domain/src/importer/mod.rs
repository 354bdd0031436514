//! The notice importer: text of a published notice (督办文件), as copied from
//! a web page or a document, becomes a draft plan: header, sections, tasks
//! with lead and assisting units, deadlines, reporting schedules and
//! indicators, plus warnings for whatever could not be read.
//!
//! Pure and total: [`parse_notice`] takes any string, never panics, and runs
//! in time linear in its length (every scan is bounded look-ahead or a
//! linear-time regex). Unit names come out written in full but unmatched;
//! matching them against the unit directory is the caller's job.

mod cells;
mod deadline;
mod draft;
mod header;
mod indicator_table;
mod indicators;
mod labels;
mod markers;
mod model;
mod noise;
mod numerals;
mod outline;
mod quantity;
mod schedule;
mod task_table;
mod text;
mod units;
mod warnings;

#[cfg(test)]
mod robustness_tests;
#[cfg(test)]
mod sample_tests;

use std::collections::HashSet;

use chrono::NaiveDate;

pub use model::{
    Comparator, Indicator, IndicatorKind, Milestone, ParsedNotice, PlanHeader, Section, Task,
    TaskUnit, UnitRole,
};

use deadline::DeadlineContext;
use draft::{BuildContext, TaskDraft};
use model::Section as SectionModel;
use warnings::Warnings;

/// Reads a notice. Never fails: what cannot be read is left out and named in
/// `warnings` with its line number.
pub fn parse_notice(text: &str) -> ParsedNotice {
    let lines = text::split_lines(text);
    let mut warnings = Warnings::default();
    let header = header::read_header(&lines, text);
    for line in lines.iter().filter(|l| l.text.contains('\u{fffd}')) {
        warnings.push(line.no, "contains bytes that are not valid text");
    }

    let indicator_tables = indicator_table::find(&lines, &mut warnings);
    let task_tables = task_table::find(&lines, &header.signature_lines, &mut warnings);
    let skip: HashSet<usize> = indicator_tables
        .consumed
        .iter()
        .chain(&task_tables.consumed)
        .copied()
        .collect();
    let outline = outline::read(&lines, &skip, &header.signature_lines);

    // A notice may carry both a numbered body and a table of tasks; the
    // one that lists more tasks is the breakdown.
    let (sections, drafts, expect_units): (Vec<SectionModel>, Vec<TaskDraft>, bool) =
        if task_tables.tasks.len() > outline.tasks.len() {
            (task_tables.sections, task_tables.tasks, true)
        } else {
            if outline.paragraphs_as_tasks {
                warnings.push_general("no numbered items found; each paragraph was read as a task");
            }
            (outline.sections, outline.tasks, outline.has_unit_labels)
        };

    let plan = header.header;
    let ctx = BuildContext {
        deadlines: DeadlineContext {
            work_year: header.title_year.or(plan.year),
            issued_on: plan.issued_on,
        },
        default_due: header
            .title_year
            .and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)),
        expect_units,
    };
    let tasks: Vec<Task> = drafts
        .into_iter()
        .map(|d| draft::build(d, &ctx, &mut warnings))
        .collect();

    if lines.iter().any(|l| !l.text.is_empty()) {
        if plan.title.is_none() {
            warnings.push_general("no title found");
        }
        if plan.issued_on.is_none() {
            warnings.push_general("no issue date found");
        }
        if tasks.is_empty() {
            warnings.push_general("no tasks found");
        }
    }

    ParsedNotice {
        plan,
        sections,
        tasks,
        indicators: indicator_tables.indicators,
        warnings: warnings.into_vec(),
    }
}
