//! The notice importer: text of a published notice (督办文件), as copied from
//! a web page or a document, becomes a draft plan: header, sections, tasks
//! with lead and assisting units, deadlines, reporting schedules and
//! indicators, plus warnings for whatever could not be read.
//!
//! Pure and total: [`parse_notice`] takes any string, never panics, and runs
//! in time linear in its length (every scan is bounded look-ahead or a
//! linear-time regex). Unit names come out written in full but unmatched;
//! matching them against the unit directory is the caller's job.

mod addressees;
mod cells;
mod deadline;
mod draft;
pub mod formats;
mod framing;
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
mod recurrence;
mod schedule;
mod task_table;
mod text;
mod units;
mod warnings;

#[cfg(test)]
mod robustness_tests;
#[cfg(test)]
mod sample_tests;
#[cfg(test)]
mod shapes_tests;

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

pub use model::{
    Comparator, Indicator, IndicatorKind, Milestone, ParsedNotice, PlanHeader, Recurrence,
    RecurrencePer, Section, Task, TaskUnit, UnitRole,
};

use deadline::DeadlineContext;
use draft::{BuildContext, TaskDraft};
use warnings::Warnings;

/// Warned where a unit label stands with no list after it.
pub(crate) const UNIT_LABEL_WITHOUT_UNITS: &str =
    "责任单位标签后没有单位 (unit label without units)";

/// Reads a notice. Never fails: what cannot be read is left out and named in
/// `warnings` with its line number.
pub fn parse_notice(text: &str) -> ParsedNotice {
    let text = text::drop_mirror_pinyin(text);
    let closed = labels::close_cut_note(&text);
    let text = closed.as_deref().unwrap_or(text.as_ref());
    let lines = text::split_lines(text);
    let mut warnings = Warnings::default();
    let header = header::read_header(&lines, text);
    for line in lines.iter().filter(|l| l.text.contains('\u{fffd}')) {
        warnings.push(
            line.no,
            "含有无法识别的字符 (contains bytes that are not valid text)",
        );
    }

    let indicator_tables = indicator_table::find(&lines, &mut warnings);
    let body = read_body(
        &lines,
        &header.signature_lines,
        &indicator_tables.consumed,
        &mut warnings,
    );
    let addressees = addressees::find(&lines);
    if header.issued_from_publishing
        && let Some(date) = header.header.issued_on
    {
        warnings.push_general(format!(
            "未找到成文日期，已按网页发布日期 {date} 记录，请核对 (no signature date; the page's publishing date was used)"
        ));
    }
    let mut plan = header.header;
    // The year of the work: the title's, else the one a table header names.
    let work_year = header
        .title_year
        .filter(|y| {
            !plan
                .title
                .as_deref()
                .is_some_and(|t| names_year_assessed(t, *y, plan.issued_on))
        })
        .or(body.table_year);
    let named_year = only_year_named(text);
    let ctx = BuildContext {
        deadlines: DeadlineContext {
            // Layout (round 6): a bare table of one year's work (no title,
            // number or date): its month deadlines (12月底前, 5月底) are of
            // the one year the text names.
            work_year: work_year.or(plan.year).or(named_year),
            issued_on: plan.issued_on,
            in_issue_year: false,
        },
        default_due: default_year(
            work_year,
            plan.title.as_deref(),
            &body.loose,
            plan.year,
            named_year,
        )
        .and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)),
        // Tasks without units fall to the addressees or the issuer, warned
        // about in `assign_unnamed`.
        expect_units: body.expect_units && addressees.is_none() && plan.issuer.is_none(),
        places: [plan.title.as_deref(), plan.issuer.as_deref()]
            .into_iter()
            .flatten()
            .flat_map(header::place_stems)
            .collect(),
        cut_line: lines
            .iter()
            .rev()
            .find(|l| !l.text.trim().is_empty())
            .filter(|l| text::ends_inside_a_word(&l.text))
            .map(|l| l.no),
    };

    let loose_text = body.loose.join("\n");
    let mut dated_texts: Vec<&str> = body.loose.iter().map(String::as_str).collect();
    dated_texts.extend(plan.title.as_deref());
    plan.milestones = draft::plan_milestones(&dated_texts, &ctx.deadlines);
    let mut plan_indicators = indicator_tables.indicators;
    // A target the text restates after its table keeps the table's row.
    for found in indicators::find_indicators(&loose_text) {
        if !plan_indicators.iter().any(|i| i.name == found.name) {
            plan_indicators.push(found);
        }
    }

    let mut tasks: Vec<Task> = body
        .drafts
        .into_iter()
        .map(|d| draft::build(d, &ctx, &mut warnings))
        .collect();
    // 各牵头单位每月25日前报送进展 in the preamble applies to every task.
    if let Some(cron) = schedule::report_cron(&loose_text) {
        for task in tasks.iter_mut().filter(|t| t.report_cron.is_none()) {
            task.report_cron = Some(cron.clone());
        }
    }
    assign_unnamed(
        &mut tasks,
        addressees.as_ref(),
        plan.issuer.as_deref(),
        &mut warnings,
    );

    if lines.iter().any(|l| !l.text.is_empty()) {
        if plan.title.is_none() {
            warnings.push_general("未找到标题 (no title found)");
        }
        if plan.issued_on.is_none() {
            warnings.push_general("未找到发文日期 (no issue date found)");
        }
        if tasks.is_empty() {
            warnings.push_general("未找到任务 (no tasks found)");
        }
    }

    ParsedNotice {
        plan,
        sections: body.sections,
        tasks,
        indicators: plan_indicators,
        warnings: warnings.into_vec(),
    }
}

// 到2020年 as a programme states its goal.
static GOAL_YEAR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:到|至)((?:19|20)\d{2})年").ok());
// Any written-out year.
static ANY_YEAR: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})年").ok());

/// The year whose end undated tasks are due at, most specific first: the
/// year of the work (title, table header); a programme's span in its title
/// (十四五, 2018—2020年); the goal year its framing text sets (到2020年,
/// the latest); the year of the notice (its date or 文号); else, for a bare
/// table of one year's work, the one year the text names at all.
fn default_year(
    work_year: Option<i32>,
    title: Option<&str>,
    loose: &[String],
    notice_year: Option<i32>,
    named_year: Option<i32>,
) -> Option<i32> {
    let goal = || {
        let re = GOAL_YEAR.as_ref()?;
        loose
            .iter()
            .flat_map(|l| re.captures_iter(l))
            .filter_map(|c| c.get(1)?.as_str().parse().ok())
            .max()
    };
    // Layout (round 12): a page that starts at the addressees, no title,
    // its cover letter naming the five-year plan it breaks down (《纲要》明确
    // 提出了我省“十二五”时期…): that plan's span.
    let letter = || {
        title
            .is_none()
            .then(|| loose.iter().take(4).find_map(|l| header::title_horizon(l)))?
    };
    work_year
        .or_else(|| title.and_then(header::title_horizon))
        .or_else(letter)
        .or_else(goal)
        .or(notice_year)
        .or(named_year)
}

/// Layout (round 13): a plan to put right what an assessment of a year
/// found (2017年度脱贫攻坚成效考核反馈问题整改实施方案), issued after that
/// year: the title's year is the year assessed, not the year of the work.
fn names_year_assessed(title: &str, year: i32, issued_on: Option<NaiveDate>) -> bool {
    let reviews = [
        "考核", "巡视", "巡察", "检查", "审计", "督查", "评估", "督导",
    ];
    title.contains("整改")
        && reviews.iter().any(|w| title.contains(w))
        && issued_on.is_some_and(|d| d.year() > year)
}

/// The one year the text names, if it names exactly one.
fn only_year_named(text: &str) -> Option<i32> {
    let re = ANY_YEAR.as_ref()?;
    let years: HashSet<i32> = re
        .captures_iter(text)
        .filter_map(|c| c.get(1)?.as_str().parse().ok())
        .collect();
    (years.len() == 1)
        .then(|| years.into_iter().next())
        .flatten()
}

/// Where the tasks are, before they are read.
struct Body {
    sections: Vec<Section>,
    drafts: Vec<TaskDraft>,
    /// The notice names units somewhere, so a task without any is news.
    expect_units: bool,
    /// Text outside the tasks, which may speak for the whole notice.
    loose: Vec<String>,
    /// The year the task table's header names, when the table is the breakdown.
    table_year: Option<i32>,
}

/// The tasks come from the numbered outline or from a task table; a notice
/// may carry both, and the one that lists more tasks is the breakdown.
fn read_body(
    lines: &[text::Line],
    signature: &HashSet<usize>,
    indicator_lines: &HashSet<usize>,
    warnings: &mut Warnings,
) -> Body {
    let task_tables = task_table::find(lines, signature, warnings);
    let skip: HashSet<usize> = indicator_lines
        .iter()
        .chain(&task_tables.consumed)
        .copied()
        .collect();
    let outline = outline::read(lines, &skip, signature);
    let loose_lines = outline.loose.into_iter().map(|(_, t)| t);
    // Paragraphs read as tasks only for want of numbering: a task table,
    // however short, is the breakdown.
    // Layout (round 11): a report whose 一、二、三、 sum up the work and name
    // no unit, its table (as many rows) naming each row's unit: the table.
    let table_names_units = task_tables.tasks.iter().any(|t| !t.units.is_empty());
    let table_wins = !task_tables.tasks.is_empty()
        && (outline.paragraphs_as_tasks
            || task_tables.tasks.len() > outline.tasks.len()
            || (table_names_units && !outline.has_unit_labels));
    if table_wins {
        // The numbered body around the table is text outside the tasks.
        let mut loose: Vec<String> = loose_lines.collect();
        for task in outline.tasks {
            loose.push(task.head);
            loose.extend(task.body.into_iter().map(|(_, t)| t));
        }
        return Body {
            sections: task_tables.sections,
            drafts: task_tables.tasks,
            expect_units: true,
            loose,
            table_year: task_tables.year,
        };
    }
    for line in &outline.dangling_labels {
        warnings.push(*line, UNIT_LABEL_WITHOUT_UNITS);
    }
    let loose = if outline.paragraphs_as_tasks {
        warnings.push_general(
            "未找到编号条目，已将每个段落读作一项任务 (no numbered items found; each paragraph was read as a task)",
        );
        Vec::new()
    } else {
        loose_lines.collect()
    };
    Body {
        sections: outline.sections,
        drafts: outline.tasks,
        expect_units: outline.has_unit_labels,
        loose,
        table_year: None,
    }
}

/// A task that names no unit falls to the notice's addressees, who are told
/// to carry it out, or else to the issuing office itself; either way with a
/// warning, since the office should confirm it.
fn assign_unnamed(
    tasks: &mut [Task],
    addressees: Option<&addressees::Addressees>,
    issuer: Option<&str>,
    warnings: &mut Warnings,
) {
    for task in tasks.iter_mut().filter(|t| t.units.is_empty()) {
        if let Some(addressees) = addressees {
            task.units = draft::assign_roles(vec![(
                labels::LabelKind::Responsible,
                addressees.units.clone(),
            )]);
            for unit in &mut task.units {
                unit.inferred = true;
            }
            warnings.push(
                addressees.line,
                format!(
                    "任务 {} 未写明责任单位，已按主送单位交办，请核对 (task {} names no unit; the notice's addressees were assigned)",
                    task.number, task.number
                ),
            );
        } else if let Some(issuer) = issuer {
            task.units = vec![TaskUnit {
                name: issuer.to_string(),
                role: UnitRole::Lead,
                unit_id: None,
                group: false,
                inferred: true,
            }];
            warnings.push_general(format!(
                "任务 {} 未写明责任单位，已交发文单位，请核对 (task {} names no unit; the issuing office was assigned)",
                task.number, task.number
            ));
        }
    }
}
