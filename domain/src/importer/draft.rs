//! A task as collected from the outline or a table row, and how it becomes a
//! [`Task`]: title, requirements, units with roles, deadline, schedule and
//! indicators.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};

use super::deadline::{self, DeadlineContext, Found};
use super::indicators::find_indicators;
use super::labels::{LabelHit, LabelKind};
use super::model::{Indicator, Milestone, Task, TaskUnit, UnitRole};
use super::schedule::report_cron;
use super::text::{find_top_level, is_edge_punct, strip_trailing_group, take_chars, trim_punct};
use super::units::{UnitEntry, ends_like_office, parse_unit_list_in};
use super::warnings::Warnings;

const MAX_TITLE: usize = 100;
const MAX_MILESTONE_TEXT: usize = 80;
const MAX_MILESTONES: usize = 20;

/// Where the units of a task were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitSource {
    Label(LabelHit),
    /// A bracketed note such as 市发改委牵头，市财政局配合.
    RoleNote(String),
}

#[derive(Debug, Clone, Default)]
pub struct TaskDraft {
    pub number: String,
    pub section: Option<String>,
    /// Line of the marker or table row.
    pub line: usize,
    /// The marker line after the marker: the title and the start of the text.
    pub head: String,
    /// Further lines of the task's text.
    pub body: Vec<(usize, String)>,
    pub units: Vec<(usize, UnitSource)>,
    /// Units named for the whole section, used when the task names none.
    pub inherited_units: Vec<(usize, UnitSource)>,
    /// Units a heading above names as leading every task under it
    /// (（一）省编办牵头的工作): they lead unless the task names its own lead.
    pub heading_leads: Vec<(usize, UnitSource)>,
    /// Text of a 完成时限 label or column.
    pub due_cells: Vec<(usize, String)>,
    /// Under a framing heading (指导思想, 基本原则…), or itself one.
    pub framing: bool,
}

pub struct BuildContext {
    pub deadlines: DeadlineContext,
    /// Due date of a task that states none, for a notice about one year.
    pub default_due: Option<NaiveDate>,
    /// Whether the notice names units at all, so a task without any is news.
    pub expect_units: bool,
    /// Stems of the places the notice is about (莲都 of 莲都区), see
    /// [`super::units::parse_unit_list_in`].
    pub places: Vec<String>,
    /// The text's last line, when it ends inside a word (a stored page cut
    /// short there): a list on it may end in part of a name.
    pub cut_line: Option<usize>,
}

pub fn build(draft: TaskDraft, ctx: &BuildContext, warnings: &mut Warnings) -> Task {
    let (title, rest) = split_title(&draft, warnings);
    let mut requirement_lines: Vec<&str> = Vec::new();
    if !rest.is_empty() {
        requirement_lines.push(&rest);
    }
    requirement_lines.extend(draft.body.iter().map(|(_, t)| t.as_str()));
    let requirements = requirement_lines.join("\n");
    let full_text = format!("{title}。{requirements}");

    let mut task = Task {
        number: draft.number.clone(),
        section: draft.section.clone(),
        title,
        requirements,
        units: read_units(&draft, ctx, warnings),
        report_cron: report_cron(&full_text).or_else(|| {
            draft
                .due_cells
                .iter()
                .find_map(|(_, cell)| report_cron(cell))
        }),
        indicators: find_indicators(&full_text),
        recurrences: super::recurrence::find(&full_text),
        ..Task::default()
    };
    if task.units.is_empty() && ctx.expect_units {
        warnings.push(
            draft.line,
            format!(
                "任务 {} 未写明责任单位 (task {} names no responsible unit)",
                draft.number, draft.number
            ),
        );
    }
    set_deadline(&mut task, &draft, ctx, warnings);
    task
}

/// The title runs to the first 。 or ； (or ：) of the marker line; a note
/// naming units at its end is not part of it. A title shortened for length
/// keeps its whole sentence in the requirements, so no text is lost.
fn split_title(draft: &TaskDraft, warnings: &mut Warnings) -> (String, String) {
    let head = draft.head.as_str();
    let (title, rest) =
        match find_top_level(head, |c| matches!(c, '。' | '；' | ';' | '！' | '：' | ':')) {
            Some(i) => {
                let sep_len = head[i..].chars().next().map_or(1, char::len_utf8);
                (&head[..i], head[i + sep_len..].trim())
            }
            None => (head, ""),
        };
    let mut title = trim_punct(title);
    let stripped = strip_trailing_group(title);
    if stripped.len() != title.len() {
        let note = &title[stripped.len()..];
        if super::labels::contains_label(note) || note.contains("牵头") {
            title = trim_punct(stripped);
        }
    }
    if title.chars().count() > MAX_TITLE {
        warnings.push(
            draft.line,
            "任务标题过长，已截短 (task title too long, shortened)",
        );
        let cut: String = title.chars().take(MAX_TITLE).collect();
        let cut = match find_top_level(&cut, |c| c == '，' || c == ',') {
            Some(i) if i > 0 => cut[..i].to_string(),
            _ => cut,
        };
        let whole = if rest.is_empty() {
            title.to_string()
        } else {
            format!("{title}。{rest}")
        };
        return (cut, whole);
    }
    (title.to_string(), rest.to_string())
}

fn read_units(draft: &TaskDraft, ctx: &BuildContext, warnings: &mut Warnings) -> Vec<TaskUnit> {
    let own = if draft.units.is_empty() {
        &draft.inherited_units
    } else {
        &draft.units
    };
    let names_lead = own.iter().any(|(_, s)| match s {
        UnitSource::Label(hit) => hit.kind == LabelKind::Lead,
        UnitSource::RoleNote(_) => true,
    });
    let heading = if names_lead {
        &[][..]
    } else {
        &draft.heading_leads[..]
    };
    let mut lists: Vec<(LabelKind, Vec<UnitEntry>)> = Vec::new();
    for (line, source) in heading.iter().chain(own) {
        let (kind, text) = match source {
            UnitSource::Label(hit) => (hit.kind, hit.units_text.as_str()),
            UnitSource::RoleNote(note) => (LabelKind::Responsible, note.as_str()),
        };
        let mut parsed = parse_unit_list_in(text, &ctx.places);
        // Layout (round 8): a page cut short inside the last unit's name
        // (牵头单位:省发展改 / (牵头单位:市人力资源社会保): a last
        // piece that does not end like an office is part of a name.
        // 区属各重点国企 is a collective, whole however it ends.
        if ctx.cut_line == Some(*line)
            && let Some(cut) = parsed
                .entries
                .pop_if(|e| !e.group && !e.name.contains('各') && !ends_like_office(&e.name))
        {
            warnings.push(
                *line,
                format!(
                    "文本在单位名称中截断，已略去：{} (the text ends inside a unit's name)",
                    cut.name
                ),
            );
        }
        for (names, zh, en) in [
            (
                &parsed.people,
                "领导职务不作为责任单位",
                "a leader's post, not a unit",
            ),
            (
                &parsed.unnamed,
                "未指明具体单位，已略去",
                "names no particular unit",
            ),
            (
                &parsed.rejected,
                "未能识别为单位名称",
                "not read as a unit name",
            ),
        ] {
            for name in names {
                warnings.push(*line, format!("{zh}：{} ({en})", take_chars(name, 40)));
            }
        }
        if parsed.names_nothing() {
            warnings.push(*line, super::UNIT_LABEL_WITHOUT_UNITS);
        }
        // Layout (round 10): (责任单位:市直各有关单位、各县(市、区)人民政府):
        // the first listed leads, and that is no particular unit.
        if kind == LabelKind::Responsible && parsed.unnamed_first {
            for entry in &mut parsed.entries {
                entry.role.get_or_insert(UnitRole::Assist);
            }
        }
        lists.push((kind, parsed.entries));
    }
    assign_roles(lists)
}

/// The first unit leads unless labels say otherwise: every unit under a 牵头
/// label leads; units under 配合 labels assist, and so do 责任单位 units once
/// a lead is named elsewhere.
pub fn assign_roles(mut lists: Vec<(LabelKind, Vec<UnitEntry>)>) -> Vec<TaskUnit> {
    // A unit a 牵头 column names leads even where a 责任单位 column listed
    // before it names it too (layout: tables with 责任单位 | 牵头单位).
    lists.sort_by_key(|(kind, _)| *kind != LabelKind::Lead);
    let lead_named = lists.iter().any(|(kind, entries)| {
        *kind == LabelKind::Lead || entries.iter().any(|e| e.role == Some(UnitRole::Lead))
    });
    let mut units: Vec<TaskUnit> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (kind, entries) in lists {
        for entry in entries {
            if !seen.insert(entry.name.clone()) {
                continue;
            }
            let joint_role = units.last().filter(|_| entry.joint).map(|u| u.role);
            let role = entry.role.or(joint_role).unwrap_or(match kind {
                LabelKind::Lead => UnitRole::Lead,
                LabelKind::Assist => UnitRole::Assist,
                LabelKind::Responsible if !lead_named && units.is_empty() => UnitRole::Lead,
                LabelKind::Responsible => UnitRole::Assist,
            });
            units.push(TaskUnit {
                name: entry.name,
                role,
                unit_id: None,
                group: entry.group,
                inferred: false,
            });
        }
    }
    units
}

/// Layout (round 10): a progress list whose items are each followed by a
/// 推進情況: line (截取3月30日當日數據): what was done by then, whose dates
/// are no deadlines, as a table's 进展情况 column is read past.
fn reports_progress(line: &str) -> bool {
    let head: String = line.trim_start().chars().take(8).collect();
    let folded = super::text::fold_traditional(&head);
    ["推进情况", "进展情况", "完成情况", "落实情况", "进度情况"]
        .iter()
        .any(|w| {
            folded
                .strip_prefix(w)
                .is_some_and(|rest| rest.starts_with([':', '：']))
        })
}

fn set_deadline(task: &mut Task, draft: &TaskDraft, ctx: &BuildContext, warnings: &mut Warnings) {
    let sources: Vec<(usize, &str)> = if draft.due_cells.is_empty() {
        std::iter::once((draft.line, draft.head.as_str()))
            .chain(
                draft
                    .body
                    .iter()
                    .filter(|(_, t)| !reports_progress(t))
                    .map(|(l, t)| (*l, t.as_str())),
            )
            .collect()
    } else {
        draft
            .due_cells
            .iter()
            .map(|(l, t)| (*l, t.as_str()))
            .collect()
    };
    let mut dated: Vec<(NaiveDate, Found, &str)> = Vec::new();
    let mut unresolved: Option<String> = None;
    for (line, text) in &sources {
        let mut found_here = deadline::scan(text, &ctx.deadlines);
        if found_here.is_empty() && !draft.due_cells.is_empty() {
            // Layout (round 9): a 完成时限 cell that opens on a bare month
            // (9月投入使用): in that column the month is the deadline.
            if let Some(month) = deadline::leading_month(text) {
                found_here = deadline::scan(&format!("{month}前"), &ctx.deadlines);
            } else if let Some(year) = deadline::bare_years(text) {
                // Layout (round 13): a 建设时间 cell of years alone (2024,
                // 2023—2025年): the work is due by the last year's end.
                found_here = deadline::scan(&format!("{year}年底"), &ctx.deadlines);
            }
        }
        for found in found_here {
            match found.date {
                Some(date) => dated.push((date, found, text)),
                None => {
                    warnings.push(
                        *line,
                        format!(
                            "时限“{}”缺少年份或发文日期，无法换算 (deadline “{}” needs the notice's year or date)",
                            found.phrase, found.phrase
                        ),
                    );
                    unresolved.get_or_insert(found.phrase);
                }
            }
        }
    }
    // Every dated target is a milestone and the last one is the due date
    // (issue 13: 2017年底…1200个，2020年底…3000个).
    dated.sort_by_key(|(date, found, _)| (*date, found.start));
    dated.dedup_by_key(|(date, _, _)| *date);
    if let Some((date, found, _)) = dated.last() {
        task.due_on = Some(*date);
        task.due_text = Some(found.phrase.clone());
        if dated.len() > 1 {
            let first = dated.len().saturating_sub(MAX_MILESTONES);
            let mut previous: Option<Indicator> = None;
            for (date, found, text) in &dated[first..] {
                let clause = clause_around(text, found);
                let mut indicator = milestone_target(&clause, &found.phrase, previous.as_ref());
                previous = indicator.clone().or(previous);
                // A step's target is for the step's year (2020年底达到3000个).
                if let Some(target) = &mut indicator {
                    target.target_year = Some(date.year());
                }
                task.milestones.push(Milestone {
                    date: *date,
                    text: clause,
                    indicator,
                });
            }
        }
        return;
    }
    // 长期 / 持续推进 in a 完成时限 column is a deadline of its own kind.
    task.due_text = unresolved.or_else(|| {
        draft
            .due_cells
            .iter()
            .map(|(_, cell)| trim_punct(cell))
            .find(|cell| !cell.is_empty())
            .map(|cell| take_chars(cell, MAX_MILESTONE_TEXT))
    });
    if task.due_text.is_none()
        && let Some(default) = ctx.default_due
    {
        task.due_on = Some(default);
        task.due_is_default = true;
    }
}

/// The target a dated step sets. 2017年底实现…社区数达到1200个，2020年底达到
/// 3000个: the second step names no subject and counts the first one's.
fn milestone_target(clause: &str, phrase: &str, previous: Option<&Indicator>) -> Option<Indicator> {
    if let Some(found) = find_indicators(clause).into_iter().next() {
        return Some(found);
    }
    let previous = previous?;
    let rest = clause.replacen(phrase, "", 1);
    find_indicators(&format!("{}{rest}", previous.name))
        .into_iter()
        .next()
}

/// Dated phrases in text outside any task (a section's 到2018年底 goal), in
/// date order, one per date.
pub fn plan_milestones(texts: &[&str], ctx: &DeadlineContext) -> Vec<Milestone> {
    let mut dated: Vec<Milestone> = Vec::new();
    for text in texts {
        for found in deadline::scan(text, ctx) {
            if let Some(date) = found.date {
                dated.push(Milestone {
                    date,
                    text: clause_around(text, &found),
                    indicator: None,
                });
            }
            if dated.len() >= MAX_MILESTONES * 4 {
                break;
            }
        }
    }
    dated.sort_by_key(|m| m.date);
    dated.dedup_by_key(|m| m.date);
    dated.truncate(MAX_MILESTONES);
    dated
}

/// The clause a phrase sits in, to tell milestones apart.
fn clause_around(text: &str, found: &Found) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_stop = |c: &char| matches!(c, '。' | '；' | ';' | '，' | ',' | '\n');
    let start = chars[..found.start.min(chars.len())]
        .iter()
        .rposition(is_stop)
        .map_or(0, |i| i + 1);
    let end = chars
        .get(found.end..)
        .and_then(|rest| rest.iter().position(is_stop))
        .map_or(chars.len(), |i| found.end + i);
    let clause: String = chars[start..end.max(start)].iter().collect();
    take_chars(clause.trim_matches(is_edge_punct), MAX_MILESTONE_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> BuildContext {
        BuildContext {
            deadlines: DeadlineContext {
                work_year: Some(2013),
                issued_on: NaiveDate::from_ymd_opt(2013, 2, 27),
                in_issue_year: false,
            },
            default_due: NaiveDate::from_ymd_opt(2013, 12, 31),
            expect_units: true,
            places: Vec::new(),
            cut_line: None,
        }
    }

    fn label(kind: LabelKind, text: &str) -> (usize, UnitSource) {
        (
            9,
            UnitSource::Label(LabelHit {
                kind,
                units_text: text.to_string(),
                at_line_start: true,
            }),
        )
    }

    fn roles(task: &Task) -> Vec<(&str, UnitRole)> {
        task.units
            .iter()
            .map(|u| (u.name.as_str(), u.role))
            .collect()
    }

    #[test]
    fn title_requirements_and_first_unit_leads() {
        let draft = TaskDraft {
            number: "(一)".into(),
            head: "承接政务便民服务。年内每个城乡社区都建有综合服务站。".into(),
            units: vec![label(LabelKind::Responsible, "市文广新局、体育局")],
            line: 3,
            ..TaskDraft::default()
        };
        let mut w = Warnings::default();
        let task = build(draft, &ctx(), &mut w);
        assert_eq!(task.title, "承接政务便民服务");
        assert_eq!(task.requirements, "年内每个城乡社区都建有综合服务站。");
        assert_eq!(
            roles(&task),
            [
                ("市文广新局", UnitRole::Lead),
                ("市体育局", UnitRole::Assist)
            ]
        );
        assert_eq!(task.due_on, NaiveDate::from_ymd_opt(2013, 12, 31));
        assert_eq!(task.due_text.as_deref(), Some("年内"));
        assert!(!task.due_is_default);
    }

    #[test]
    fn lead_labels_make_responsible_units_assist() {
        let draft = TaskDraft {
            head: "推进改革".into(),
            units: vec![
                label(LabelKind::Lead, "市发改委、市财政局"),
                label(LabelKind::Responsible, "市商务局"),
                label(LabelKind::Assist, "市统计局"),
            ],
            ..TaskDraft::default()
        };
        let task = build(draft, &ctx(), &mut Warnings::default());
        assert_eq!(
            roles(&task),
            [
                ("市发改委", UnitRole::Lead),
                ("市财政局", UnitRole::Lead),
                ("市商务局", UnitRole::Assist),
                ("市统计局", UnitRole::Assist),
            ]
        );
    }

    #[test]
    fn a_lead_column_after_the_responsible_one_still_leads() {
        let draft = TaskDraft {
            head: "地区生产总值增长".into(),
            units: vec![
                label(LabelKind::Responsible, "区农业农村局、区发改局"),
                label(LabelKind::Lead, "区发改局"),
            ],
            ..TaskDraft::default()
        };
        let task = build(draft, &ctx(), &mut Warnings::default());
        assert_eq!(
            roles(&task),
            [
                ("区发改局", UnitRole::Lead),
                ("区农业农村局", UnitRole::Assist)
            ]
        );
    }

    #[test]
    fn every_dated_target_is_a_milestone_and_the_last_is_due() {
        let draft = TaskDraft {
            head: "推进试点。6月底前出台方案，年底前全面完成。每季度报送进展。".into(),
            ..TaskDraft::default()
        };
        let task = build(draft, &ctx(), &mut Warnings::default());
        assert_eq!(task.due_on, NaiveDate::from_ymd_opt(2013, 12, 31));
        assert_eq!(task.due_text.as_deref(), Some("年底前"));
        let steps: Vec<(String, &str)> = task
            .milestones
            .iter()
            .map(|m| (m.date.to_string(), m.text.as_str()))
            .collect();
        assert_eq!(
            steps,
            [
                ("2013-06-30".to_string(), "6月底前出台方案"),
                ("2013-12-31".to_string(), "年底前全面完成")
            ]
        );
        assert_eq!(task.report_cron.as_deref(), Some("0 9 25 3,6,9,12 *"));
        let draft = TaskDraft {
            head: "建设社区。2017年底实现全区建成农村牧区社区数达到1200个，2020年底达到3000个。"
                .into(),
            ..TaskDraft::default()
        };
        let task = build(draft, &ctx(), &mut Warnings::default());
        let dates: Vec<String> = task.milestones.iter().map(|m| m.date.to_string()).collect();
        assert_eq!(dates, ["2017-12-31", "2020-12-31"]);
        let targets: Vec<(&str, &str)> = task
            .milestones
            .iter()
            .filter_map(|m| m.indicator.as_ref())
            .map(|i| (i.name.as_str(), i.target.as_str()))
            .collect();
        assert_eq!(
            targets,
            [
                ("全区建成农村牧区社区数", "1200"),
                ("全区建成农村牧区社区数", "3000")
            ]
        );
        assert_eq!(task.due_on, NaiveDate::from_ymd_opt(2020, 12, 31));
    }

    #[test]
    fn no_phrase_means_the_year_end_by_default() {
        let draft = TaskDraft {
            head: "加强组织领导".into(),
            ..TaskDraft::default()
        };
        let mut w = Warnings::default();
        let task = build(draft, &ctx(), &mut w);
        assert_eq!(task.due_on, NaiveDate::from_ymd_opt(2013, 12, 31));
        assert!(task.due_is_default);
        assert_eq!(task.due_text, None);
        assert_eq!(
            w.into_vec(),
            ["第0行：任务  未写明责任单位 (task  names no responsible unit)"]
        );
    }

    #[test]
    fn a_due_column_wins_over_the_text() {
        let draft = TaskDraft {
            head: "年内完成改造".into(),
            due_cells: vec![(4, "2018年6月底".into())],
            ..TaskDraft::default()
        };
        let task = build(draft, &ctx(), &mut Warnings::default());
        assert_eq!(task.due_on, NaiveDate::from_ymd_opt(2018, 6, 30));
        let draft = TaskDraft {
            head: "持续推进".into(),
            due_cells: vec![(4, "长期坚持".into())],
            ..TaskDraft::default()
        };
        let task = build(draft, &ctx(), &mut Warnings::default());
        assert_eq!(task.due_on, None);
        assert_eq!(task.due_text.as_deref(), Some("长期坚持"));
    }

    #[test]
    fn unit_notes_leave_the_title() {
        let draft = TaskDraft {
            head: "开展社区服务（责任单位：市民政局）".into(),
            ..TaskDraft::default()
        };
        let task = build(draft, &ctx(), &mut Warnings::default());
        assert_eq!(task.title, "开展社区服务");
    }

    #[test]
    fn a_progress_line_below_the_item_sets_no_deadline() {
        let draft = TaskDraft {
            head: "實現自然村寨垃圾收運設施覆蓋率達95%以上".into(),
            body: vec![(2, "推進情況:截取3月30日當日數據,覆蓋率達97.5%。".into())],
            ..TaskDraft::default()
        };
        let task = build(draft, &ctx(), &mut Warnings::default());
        assert!(task.due_is_default, "{:?}", task.due_on);
        assert!(reports_progress("进展情况：已完成"));
        assert!(reports_progress("推進情況:截取3月30日當日數據"));
        assert!(!reports_progress("完成情况良好的单位予以通报"));
    }

    #[test]
    fn a_title_shortened_for_length_keeps_its_text_in_the_requirements() {
        let sentence = format!(
            "坚持稳中求进工作总基调,{}科学精准实施宏观政策",
            "立足新发展阶段,".repeat(12)
        );
        let draft = TaskDraft {
            head: format!("{sentence}。确保开好局"),
            ..TaskDraft::default()
        };
        let mut warnings = Warnings::default();
        let task = build(draft, &ctx(), &mut warnings);
        assert_eq!(task.title, "坚持稳中求进工作总基调");
        assert!(
            task.requirements.starts_with(&sentence),
            "{}",
            task.requirements
        );
        assert!(task.requirements.ends_with("确保开好局"));
    }
}
