//! Task tables (序号 | 重点工作 | 责任单位 | 完成时限), as web pages let them
//! be copied: one row per line with `|`, tabs or space runs between cells,
//! or one cell per line. Rows whose cells do not line up with the header are
//! read by content: a number, a deadline, lists of units, the task.

use std::borrow::Cow;
use std::collections::HashSet;

use super::cells::{strong_cells, tokens};
use super::deadline::{self, DeadlineContext};
use super::draft::{TaskDraft, UnitSource};
use super::labels::{LabelHit, LabelKind};
use super::markers::{self, MarkerKind};
use super::model::Section;
use super::noise::is_noise;
use super::text::{Line, cjk_count, trim_punct};
use super::units::reads_as_units;
use super::warnings::Warnings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Number,
    Task,
    Detail,
    Units(LabelKind),
    Due,
    Other,
}

fn classify(cell: &str) -> Option<Col> {
    // Layout: header cells spaced out to fill their column (序  号,
    // 目   标   与   任   务) when the table was copied as text.
    let spaced: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    // Layout: mirrors in traditional script (序號 | 任務項目指標 | 責任單位).
    let folded = super::text::fold_traditional(&spaced);
    // Layout (round 13): a figure's header with its measure in brackets
    // (年度投资金额(万元), 培训(人)): the header word before them.
    let cell = strip_measure(folded.as_ref());
    Some(match cell {
        "序号" | "编号" => Col::Number,
        "重点工作"
        | "工作任务"
        | "主要任务"
        | "重点任务"
        | "任务"
        | "工作内容"
        | "工作事项"
        | "事项"
        | "任务名称"
        | "项目名称"
        | "目标任务"
        | "具体任务"
        | "任务内容"
        | "改革事项"
        | "重点事项"
        | "工作项目"
        | "项目"
        | "主要内容"
        | "内容"
        | "主要工作"
        | "目标与任务"
        | "目标任务与措施"
        // Layout (round 10): a progress report on the year's targets
        // (序号 / 预期目标 / 责任单位 / 进展情况).
        | "预期目标" => Col::Task,
        "工作要求" | "具体措施" | "工作措施" | "主要措施" | "目标要求" | "具体内容"
        | "工作目标" | "推进措施" | "任务要求" | "工作举措" | "具体工作" | "主要目标" | "目标"
        | "工作标准" | "具体要求" | "措施" | "任务分解" | "工作重点" => {
            Col::Detail
        }
        "牵头单位" | "牵头部门" | "牵头责任单位" | "主办单位" => {
            Col::Units(LabelKind::Lead)
        }
        "责任单位" | "责任部门" | "责任主体" | "承办单位" | "主体责任单位" => {
            Col::Units(LabelKind::Responsible)
        }
        "配合单位" | "配合部门" | "协办单位" | "参与单位" | "协同单位" | "协同责任单位" => {
            Col::Units(LabelKind::Assist)
        }
        "完成时限" | "完成时间" | "时间节点" | "时限要求" | "完成期限" | "办结时限"
        | "时间安排" | "时限" | "进度安排" | "时间进度" => Col::Due,
        "类别" | "分类" | "领域" | "板块" | "备注" | "责任领导" | "分管领导" | "牵头领导"
        | "责任人" | "联系人" | "考核方式" => Col::Other,
        // Layout (round 6): a department's table naming the indicator each
        // row serves (序号 / 指标 / 工作任务 / …), a category column.
        "指标" | "类型" => Col::Other,
        _ => return classify_by_words(cell),
    })
}

/// Layout: header cells worded otherwise (主要责任单位, 协同配合单位,
/// 民生事项名称, 2022年度任务目标, 分管市领导, 1-9月份工作完成情况),
/// classified by the words they are made of. Progress and contact columns
/// of progress reports (进展情况, 完成情况, 监督电话) are read past, so
/// their dates are not taken for deadlines.
fn classify_by_words(cell: &str) -> Option<Col> {
    let has = |words: &[&str]| words.iter().any(|w| cell.contains(w));
    // A header word, not a label with its list (责任单位:市民政局) nor prose.
    let wordlike = |cell: &str| {
        cell.chars()
            .all(|c| super::text::is_cjk(c) || c.is_ascii_digit() || matches!(c, '-' | '—' | '~'))
    };
    if cell.chars().nth(14).is_some() || !wordlike(cell) || cjk_count(cell) < 2 {
        return None;
    }
    // People and how to reach them (分管市领导, 包保县领导, 监督电话).
    let people = ["领导", "责任人", "联系人", "电话"]
        .iter()
        .any(|w| cell.ends_with(w));
    let whose = [
        "分管",
        "牵头",
        "责任",
        "包抓",
        "包保",
        "主管",
        "联系",
        "监督",
        "挂点",
        "挂钩",
        "市政府",
        "县政府",
        "区政府",
    ]
    .iter()
    .any(|w| cell.starts_with(w));
    if people && whose {
        return Some(Col::Other);
    }
    if has(&["单位", "部门", "主体", "科室", "处室", "股室"]) {
        return Some(if has(&["牵头", "主办", "主要责任", "主责"]) {
            Col::Units(LabelKind::Lead)
        } else if has(&["配合", "协办", "协同", "协助", "参与"]) {
            Col::Units(LabelKind::Assist)
        } else {
            Col::Units(LabelKind::Responsible)
        });
    }
    if has(&["时限", "期限", "时间节点", "完成时间", "截止"]) {
        return Some(Col::Due);
    }
    // Layout (round 13): a project table's place, money and size columns
    // (建设地点, 年度投资金额, 建设规模) are facts of the row, not the task.
    if has(&[
        "地点", "地址", "投资", "金额", "资金", "规模", "经费", "预算",
    ]) {
        return Some(Col::Other);
    }
    // …and its building years (建设时间 2024, 建设年限 2023—2025): when the
    // project is to be done.
    if has(&["建设时间", "实施时间", "建设年限", "建设周期", "实施年限"]) {
        return Some(Col::Due);
    }
    // A count (区本级任务数, 户数) is a figure, not the task.
    if has(&["进展", "情况", "成效", "进度比例", "是否", "说明"]) || cell.ends_with('数')
    {
        return Some(Col::Other);
    }
    if has(&["措施", "举措", "计划", "要求", "目标", "标准"]) {
        return Some(Col::Detail);
    }
    // Layout (round 9): a county's table of the year's 民生实事 (the
    // projects for people's daily needs), each row one project.
    if has(&["任务", "事项", "名称", "内容", "项目", "工作", "实事"]) {
        return Some(Col::Task);
    }
    None
}

/// `cell` without a bracketed measure at its end (金额(万元) → 金额).
fn strip_measure(cell: &str) -> &str {
    let Some(open) = cell.rfind(['(', '（']) else {
        return cell;
    };
    let (head, measure) = cell.split_at(open);
    let short = measure.chars().count() <= 6 && measure.ends_with([')', '）']);
    if short && cjk_count(head) >= 2 {
        head
    } else {
        cell
    }
}

/// The year a header cell names (2022年度任务目标): the year of the work
/// in an annual table whose page has no title naming it.
fn header_year(cell: &str) -> Option<i32> {
    let digits: String = cell.chars().take_while(char::is_ascii_digit).collect();
    let rest = &cell[digits.len()..];
    (digits.len() == 4 && rest.starts_with('年'))
        .then(|| digits.parse().ok())
        .flatten()
        .filter(|y| (1990..=2100).contains(y))
}

fn is_header(cols: &[Col]) -> bool {
    cols.iter().any(|c| matches!(c, Col::Task | Col::Detail))
        && cols.iter().any(|c| matches!(c, Col::Units(_)))
}

#[derive(Debug, Default)]
pub struct TaskTables {
    pub sections: Vec<Section>,
    pub tasks: Vec<TaskDraft>,
    pub consumed: HashSet<usize>,
    /// The year a header cell names (2022年度任务目标).
    pub year: Option<i32>,
}

/// Longest piece of a name broken over lines, and of its last piece.
const MAX_FRAGMENT: usize = 3;
const MAX_LAST_FRAGMENT: usize = 4;

fn is_fragment(text: &str, max: usize) -> bool {
    let n = text.chars().count();
    (1..=max).contains(&n) && text.chars().all(super::text::is_cjk)
}

/// Layout: a merged cell of a table one cell per line whose name the page
/// broke into short lines (市政 / 府办 / 公厅, 长沙 / 先导 / 区管委会): the
/// pieces, blank lines between, are one cell when together they name an
/// office and the first alone does not. Returns the lines with such runs
/// joined (on the first piece's line) and the line numbers folded into
/// another.
fn join_broken_cells(lines: &[Line]) -> (Cow<'_, [Line]>, Vec<(usize, usize)>) {
    let mut out: Vec<Line> = Vec::new();
    let mut folded = Vec::new();
    let mut copied = 0;
    let mut i = 0;
    while i < lines.len() {
        let first = lines[i].text.as_str();
        // A yes/no cell of a progress table (是 / 否) is a cell of its own.
        let answer = matches!(first, "是" | "否" | "无" | "有");
        // A header word (指标, 序号) is a cell of its own, not a piece.
        let header = classify(first).is_some();
        if !is_fragment(first, MAX_FRAGMENT) || answer || header || reads_as_units(first) {
            i += 1;
            continue;
        }
        // The longest run of pieces that names an office (市政府办 is one
        // too, but 公厅 still belongs to it).
        let mut joined = first.to_string();
        let mut pieces = vec![i];
        let mut best: Option<(String, usize)> = None;
        let mut j = i + 1;
        while j < lines.len() && pieces.len() < 6 {
            let text = lines[j].text.as_str();
            if text.is_empty() {
                j += 1;
                continue;
            }
            if !is_fragment(text, MAX_LAST_FRAGMENT) || classify(text).is_some() {
                break;
            }
            joined.push_str(text);
            pieces.push(j);
            j += 1;
            if reads_as_units(&joined) && classify(&joined).is_none() {
                best = Some((joined.clone(), pieces.len()));
            }
        }
        if let Some((name, count)) = best {
            let pieces = &pieces[..count];
            out.extend(lines[copied..i].iter().cloned());
            out.push(Line {
                no: lines[i].no,
                text: name,
            });
            folded.extend(pieces[1..].iter().map(|&k| (lines[k].no, lines[i].no)));
            copied = pieces[pieces.len() - 1] + 1;
            i = copied;
        } else {
            i += 1;
        }
    }
    if folded.is_empty() {
        return (Cow::Borrowed(lines), folded);
    }
    out.extend(lines[copied..].iter().cloned());
    (Cow::Owned(out), folded)
}

pub fn find(lines: &[Line], signature: &HashSet<usize>, warnings: &mut Warnings) -> TaskTables {
    let (joined, folded) = join_broken_cells(lines);
    let mut tables = find_in(&joined, signature, warnings);
    for (piece, into) in folded {
        if tables.consumed.contains(&into) {
            tables.consumed.insert(piece);
        }
    }
    tables
}

fn find_in(lines: &[Line], signature: &HashSet<usize>, warnings: &mut Warnings) -> TaskTables {
    let mut reader = Reader {
        lines,
        signature,
        section: None,
        out: TaskTables::default(),
        warnings,
        last_numbered: false,
        merged: Vec::new(),
        table_units: HashSet::new(),
    };
    let mut i = 0;
    while i < lines.len() {
        if let Some(cols) = header_cols(&lines[i].text).filter(|c| c.len() >= 2 && is_header(c)) {
            let words = tokens(&lines[i].text);
            reader.out.consumed.insert(lines[i].no);
            reader.note_year(words.iter().copied());
            let spaced = strong_cells(&lines[i].text).len() < 2;
            i = reader.horizontal(i + 1, &cols, spaced);
            continue;
        }
        if let Some((cols, last)) = broken_header(lines, i) {
            for line in &lines[i..=last] {
                reader.out.consumed.insert(line.no);
            }
            i = reader.horizontal(last + 1, &cols, false);
            continue;
        }
        if let Some(next) = reader.label_rows(i) {
            i = next;
            continue;
        }
        if let Some(cols) = glued_header(&lines[i].text) {
            reader.out.consumed.insert(lines[i].no);
            i = reader.glued(i + 1, &cols);
            continue;
        }
        if let Some((cols, next)) = vertical_header(lines, i) {
            for line in &lines[i..next] {
                reader.out.consumed.insert(line.no);
            }
            reader.note_year(lines[i..next].iter().map(|l| l.text.as_str()));
            i = reader.vertical(next, &cols);
            continue;
        }
        i += 1;
    }
    reader.out
}

/// A line's cells as header columns, pipes read past (`| 责任单位 |`).
fn header_cols(text: &str) -> Option<Vec<Col>> {
    tokens(text)
        .into_iter()
        .filter(|w| !w.chars().all(|c| c == '|'))
        .map(classify)
        .collect::<Option<Vec<Col>>>()
        .filter(|c| !c.is_empty())
}

/// Layout (round 13): a header row of a table one row per line broken over
/// two lines (工作任务 | 具体要求 / | 责任单位 |), neither a header alone:
/// the columns and the index of the second line.
fn broken_header(lines: &[Line], i: usize) -> Option<(Vec<Col>, usize)> {
    if !lines[i].text.contains('|') {
        return None;
    }
    let mut cols = header_cols(&lines[i].text)?;
    if is_header(&cols) {
        return None;
    }
    let k = (i + 1..lines.len().min(i + 3)).find(|&k| !lines[k].text.trim().is_empty())?;
    cols.extend(header_cols(&lines[k].text)?);
    (cols.len() >= 3 && is_header(&cols)).then_some((cols, k))
}

/// One header word per line: 序号 / 重点工作 / 责任单位 / 完成时限.
/// `重点工作: | 发展文化事业。… |` as its label and value.
fn label_row(text: &str) -> Option<(&str, &str)> {
    let (label, rest) = text.split_once('|')?;
    let label = label.trim().strip_suffix([':', '：'])?.trim();
    Some((label, rest.trim().trim_end_matches('|').trim()))
}

/// Layout: tables one cell per line whose cells end in ` |` (a pipe table
/// copied with a line break after each cell): the cell without its pipe.
fn cell_text(text: &str) -> &str {
    // Layout (round 12): the pipe before the cell instead (| 工作任务).
    text.trim_matches(|c: char| c == '|' || c.is_whitespace())
}

fn vertical_header(lines: &[Line], i: usize) -> Option<(Vec<Col>, usize)> {
    // Starting only on a header word keeps the scan linear over blank runs.
    classify(cell_text(&lines[i].text))?;
    let mut cols = Vec::new();
    let mut j = i;
    while j < lines.len() && cols.len() < 12 {
        let text = cell_text(&lines[j].text);
        if text.is_empty() {
            j += 1;
            continue;
        }
        if let Some(col) = classify(text) {
            cols.push(col);
            j += 1;
            continue;
        }
        // Layout (round 6): a header cell whose bracketed part went to a
        // line of its own (责任股室 / (单位)): part of the cell above.
        if !cols.is_empty() && is_bracketed(text) {
            j += 1;
            continue;
        }
        // Layout: a header cell broken over two lines (区本级 / 任务数,
        // 市政府 / 分管领导) when the table was copied one cell per line.
        // A row's number is where the rows begin, never half a header cell.
        if is_number(text) {
            break;
        }
        let next = (j + 1..lines.len().min(j + 3)).find(|&k| !lines[k].text.is_empty());
        let joined = |k: usize| format!("{text}{}", cell_text(&lines[k].text));
        match next.and_then(|k| classify(&joined(k)).map(|c| (k, c))) {
            Some((k, col)) if cols.len() >= 2 => {
                cols.push(col);
                j = k + 1;
            }
            _ => break,
        }
    }
    (cols.len() >= 3 && is_header(&cols)).then_some((cols, j))
}

/// A cell printed on its line with the row's empty cells after it
/// (`2.权力清单信息公开 | ||`).
fn empty_cells_after(text: &str) -> bool {
    let t = text.trim_end();
    let Some(body) = t.strip_suffix("||") else {
        return false;
    };
    let cell = body.trim_end().trim_end_matches('|').trim();
    !cell.is_empty() && !cell.contains('|')
}

/// A short text wholly in brackets: `(单位)`, `（部门）`.
fn is_bracketed(text: &str) -> bool {
    let inner = text
        .strip_prefix(['(', '（'])
        .and_then(|t| t.strip_suffix([')', '）']));
    inner
        .is_some_and(|t| (2..=6).contains(&t.chars().count()) && t.chars().all(super::text::is_cjk))
        && markers::detect(text).is_none()
}

fn ends_table(text: &str, no: usize, signature: &HashSet<usize>) -> bool {
    signature.contains(&no)
        || text.starts_with("附件")
        || markers::detect(text).is_some_and(|m| {
            matches!(
                m.kind,
                MarkerKind::Part | MarkerKind::Chapter | MarkerKind::ParenCn
            )
        })
}

struct Reader<'a, 'w> {
    lines: &'a [Line],
    signature: &'a HashSet<usize>,
    section: Option<String>,
    out: TaskTables,
    warnings: &'w mut Warnings,
    /// The last row read carried its own 序号.
    last_numbered: bool,
    /// The unit and deadline cells of the last row of a table one cell per
    /// line, by column: what a merged cell gives the rows below it.
    merged: Vec<(usize, Col, String)>,
    /// Unit names the table's unit cells gave one to a line.
    table_units: HashSet<String>,
}

impl<'a> Reader<'a, '_> {
    fn note_year<'h>(&mut self, cells: impl Iterator<Item = &'h str>) {
        if self.out.year.is_none() {
            self.out.year = cells.filter_map(|c| header_year(c.trim())).next();
        }
    }

    /// 一、产业发展 inside a table names the group of rows below it.
    fn section_row(&mut self, text: &str) -> bool {
        match markers::detect(text) {
            Some(m) if m.kind == MarkerKind::SectionCn => {
                self.out.sections.push(Section {
                    number: m.number.clone(),
                    title: trim_punct(m.rest).to_string(),
                });
                self.section = Some(m.number);
                true
            }
            _ => false,
        }
    }

    /// Rows of one line each; returns the index after the table.
    fn horizontal(&mut self, start: usize, cols: &[Col], spaced: bool) -> usize {
        let lines = self.lines;
        let mut i = start;
        let mut loose_lines = 0;
        while i < lines.len() {
            let line = &lines[i];
            let text = line.text.as_str();
            if text.is_empty() {
                i += 1;
                continue;
            }
            if ends_table(text, line.no, self.signature) {
                if !self.numbering_goes_on_after(i) {
                    break;
                }
                // Layout (round 9): a group row (（一）以创建国家高新区为抓手…)
                // inside a table whose numbering runs on below it.
                self.out.consumed.insert(line.no);
                i += 1;
                continue;
            }
            if is_noise(text) {
                // The page's metadata rows around a table are no rows of it.
                i += 1;
                continue;
            }
            let mut cells = strong_cells(text);
            if cells.len() < 2 && spaced {
                let words = tokens(text);
                if words.len() >= 3 && words.first().is_some_and(|w| is_number(w)) {
                    cells = words;
                }
            }
            if cells.len() >= 2 {
                loose_lines = 0;
                let cells: Vec<(usize, &str)> = cells.into_iter().map(|c| (line.no, c)).collect();
                if !self.continue_row(&cells, cols) {
                    let short = cells.len() < cols.len();
                    self.push_row(cells, cols);
                    if short {
                        self.take_merged_units();
                    }
                }
            } else if self.section_row(text)
                || self.merged_item_row(line.no, text)
                || self.cut_item_row(i)
                // Layout (round 9): a row whose unit cell lists one unit a
                // line (区农业农村委 / 区林业局 / 区供销联社): more names of
                // that cell, not a wrapped line.
                || self.more_units(text)
            {
                loose_lines = 0;
            } else {
                // A wrapped cell continues the previous row; a few such lines
                // in a row mean the table is over.
                loose_lines += 1;
                if loose_lines > 3 {
                    break;
                }
                match self.out.tasks.last_mut() {
                    Some(task) => task.body.push((line.no, text.to_string())),
                    None => break,
                }
            }
            self.out.consumed.insert(line.no);
            i += 1;
        }
        i
    }

    /// Layout (round 13): a row of a table one row per line that is only
    /// its numbered item, its cell closed (`8.持续深化…信息公开。 |`), after
    /// the row with the number before it: its unit and deadline cells were
    /// merged with that row's, so it takes them.
    fn merged_item_row(&mut self, no: usize, text: &str) -> bool {
        if !text.trim_end().ends_with('|') {
            return false;
        }
        let Some((n, rest)) = item_marker(cell_text(text)) else {
            return false;
        };
        self.follows_last(n) && self.inherit_row(no, Some(n), rest)
    }

    /// Whether item `n` is the one after the last row's.
    fn follows_last(&self, n: u32) -> bool {
        n > 1
            && self
                .out
                .tasks
                .last()
                .is_some_and(|last| last.number == (n - 1).to_string())
    }

    /// A row of its task cell only, with the unit and deadline cells given.
    fn push_item(
        &mut self,
        no: usize,
        number: String,
        head: &str,
        (units, due_cells): MergedCells,
    ) {
        self.out.tasks.push(TaskDraft {
            number,
            section: self.section.clone(),
            line: no,
            head: head.to_string(),
            units,
            due_cells,
            ..TaskDraft::default()
        });
    }

    /// Layout (round 13): a row of a table one row per line short of cells
    /// and of units (城镇失业人员再就业(人) | 250 | 白果乡8 … under 项目 | 目标
    /// | 分解情况 | 责任领导 | 责任单位 | 责任人): its unit cell was merged
    /// with the row above, whose units it takes.
    fn take_merged_units(&mut self) {
        let [.., above, row] = &mut self.out.tasks[..] else {
            return;
        };
        if row.units.is_empty() {
            row.units.clone_from(&above.units);
        }
    }

    /// Layout (round 13): the page's last line, the next numbered item of
    /// a table one row per line cut inside its task cell (11.提前做好重大政策
    /// 发布前和发布后的解读回应工作…): a row of its own, its units lost.
    fn cut_item_row(&mut self, i: usize) -> bool {
        let lines = self.lines;
        let last = lines[i + 1..].iter().all(|l| l.text.trim().is_empty());
        let text = lines[i].text.as_str();
        let Some((n, rest)) = item_marker(text.trim()) else {
            return false;
        };
        if !last || text.contains('|') || !self.follows_last(n) {
            return false;
        }
        self.push_item(lines[i].no, n.to_string(), rest, Default::default());
        true
    }

    /// A row of its task cell only whose unit and deadline cells are the
    /// last row's (merged with it); false when that row has no units.
    fn inherit_row(&mut self, no: usize, number: Option<u32>, head: &str) -> bool {
        let Some(last) = self.out.tasks.last().filter(|t| !t.units.is_empty()) else {
            return false;
        };
        let cells = (last.units.clone(), last.due_cells.clone());
        let label =
            number.map_or_else(|| (self.out.tasks.len() + 1).to_string(), |n| n.to_string());
        self.push_item(no, label, head, cells);
        self.last_numbered = number.is_some();
        true
    }

    /// Rows of a table whose cells ran together (see `glued_header`);
    /// returns the index after the rows read.
    fn glued(&mut self, start: usize, cols: &[Col]) -> usize {
        let mut i = start;
        while let Some(line) = self.lines.get(i) {
            if line.text.trim().is_empty() {
                i += 1;
                continue;
            }
            let Some(cells) = glued_row(line.text.trim(), cols) else {
                break;
            };
            let cells = cells.into_iter().map(|c| (line.no, c)).collect();
            self.push_row_as(cells, cols);
            self.out.consumed.insert(line.no);
            i += 1;
        }
        i
    }

    /// Whether line `i` is a (一) group row between two rows of a table one
    /// row a line, the row after it numbered on from the row before it.
    fn numbering_goes_on_after(&self, i: usize) -> bool {
        let lines = self.lines;
        let group = markers::detect(&lines[i].text).is_some_and(|m| m.kind == MarkerKind::ParenCn);
        let last = self
            .out
            .tasks
            .last()
            .and_then(|t| t.number.parse::<u32>().ok());
        let (true, Some(last)) = (group, last) else {
            return false;
        };
        let next = lines[i + 1..]
            .iter()
            .take(3)
            .find(|l| !l.text.trim().is_empty());
        next.and_then(|l| tokens(&l.text).first().map(|w| w.to_string()))
            .and_then(|w| w.parse::<u32>().ok())
            == Some(last + 1)
    }

    /// A line of a table one row a line that is one unit name alone,
    /// right after a row (or a name of it) whose last cell read was its
    /// units: the name joins that unit cell. Answers whether it did.
    fn more_units(&mut self, text: &str) -> bool {
        let Some(task) = self.out.tasks.last_mut() else {
            return false;
        };
        let single = !text.contains(['、', ',', '，', ';', '；', ' ', '。']);
        let after_units = task.body.is_empty() && task.due_cells.is_empty();
        if !single || !after_units || !reads_as_units(text) {
            return false;
        }
        match task.units.last_mut() {
            Some((_, UnitSource::Label(hit))) => hit.continue_list(text.trim()),
            _ => false,
        }
    }

    /// One cell per line; rows start at a bare 序号 or, without that
    /// column, every header-width lines. Returns the index after the table.
    ///
    /// Layout: tables flattened one cell per line. A column before 序号
    /// (分类) is a merged cell: its value stands only before the first row
    /// of its group, so such cells are skipped rather than read as a row.
    fn vertical(&mut self, start: usize, cols: &[Col]) -> usize {
        let lines: &'a [Line] = self.lines;
        // Layout (heldout8 wuhu-2020): a 序号 column whose cells the page
        // dropped (序号 / 目标与任务 / 牵头责任单位 / 责任单位, then rows
        // without numbers): rows part as in a table without 序号.
        if cols.contains(&Col::Number) && !numbers_follow(lines, start, 2 * cols.len()) {
            let without: Vec<Col> = cols.iter().copied().filter(|c| *c != Col::Number).collect();
            if without.len() >= 2 {
                return self.vertical(start, &without);
            }
        }
        let number_at = cols.iter().position(|c| *c == Col::Number);
        let numbered = number_at.is_some();
        let leading = number_at.unwrap_or(0);
        let row_cols = &cols[leading..];
        self.merged.clear();
        self.table_units.clear();
        let mut row: Vec<(usize, &'a str)> = Vec::new();
        let mut rows_read = 0;
        let mut group_cells = 0;
        let mut last_number: Option<u32> = None;
        let mut i = start;
        while i < lines.len() {
            let line = &lines[i];
            let text = cell_text(&line.text);
            if text.is_empty() {
                i += 1;
                continue;
            }
            if let Some((after, section)) = self.bare_group_row(i) {
                // The row above ends in the section before this one.
                self.flush(&mut row, row_cols, &mut rows_read);
                self.section = Some(section.number.clone());
                self.out.sections.push(section);
                for line in &lines[i..after] {
                    self.out.consumed.insert(line.no);
                }
                i = after;
                continue;
            }
            if ends_table(text, line.no, self.signature) {
                break;
            }
            if self.section_row(text) {
                self.flush(&mut row, row_cols, &mut rows_read);
                self.out.consumed.insert(line.no);
                i += 1;
                continue;
            }
            let boundary = if numbered {
                is_number(text) && starts_row(&row, row_cols, text, last_number)
            } else {
                row.len() == cols.len()
            };
            if boundary {
                self.flush(&mut row, row_cols, &mut rows_read);
                group_cells = 0;
                last_number = text.trim().parse().ok();
            }
            let group_cell = leading > 0
                && !is_number(text)
                && (row.is_empty() || row.len() >= row_cols.len())
                && group_cells < leading;
            if group_cell {
                // The merged 分类 cell of the rows that follow.
                self.flush(&mut row, row_cols, &mut rows_read);
                group_cells += 1;
                self.out.consumed.insert(line.no);
                i += 1;
                continue;
            }
            if numbered && row.is_empty() && !is_number(text) && rows_read == 0 {
                // Layout: a merged category row above the first numbered row
                // (强化科技创新支撑能力。 then (一) / 加强… then 1): the
                // group's name, not the end of the table.
                if self.leading_group_row(i) {
                    self.out.consumed.insert(line.no);
                    i += 1;
                    continue;
                }
                break;
            }
            if numbered && next_item_in_row(&row, text) {
                // Layout (round 10): items numbered within the task cell
                // (1.地区生产总值… / 钱 宇 / ★区发改委、统计局 / 2.一般…) under
                // one merged 序号 and 项目: each item is a row of its own.
                self.flush(&mut row, row_cols, &mut rows_read);
            }
            if !numbered
                && row.is_empty()
                && rows_read > 0
                && !matches!(row_cols.first(), Some(Col::Units(_)))
                && self.more_units(text)
            {
                // Layout (heldout8 shenhe-2024): the row's last unit cell
                // goes on a unit a line (区工信局 / 各街道办事处) past where
                // the row seemed complete.
                self.out.consumed.insert(line.no);
                i += 1;
                continue;
            }
            if !numbered && empty_cells_after(&line.text) && row.is_empty() {
                // Layout (round 13): a row on one line, its task cell then
                // the empty cells merged with the row above
                // (2.政府工作部门权力清单信息公开 | ||): that row's units.
                let (n, head) = item_marker(text).map_or((None, text), |(n, h)| (Some(n), h));
                if self.inherit_row(line.no, n, head) {
                    self.out.consumed.insert(line.no);
                    i += 1;
                    continue;
                }
            }
            if row.len() > 2 * row_cols.len() {
                // Prose after the table: keep the row's own cells, stop here.
                row.truncate(row_cols.len());
                break;
            }
            row.push((line.no, text));
            self.out.consumed.insert(line.no);
            i += 1;
            if !numbered
                && row_complete(&row, row_cols)
                && !more_unit_cells(lines, i, &row, row_cols)
            {
                self.flush(&mut row, row_cols, &mut rows_read);
            }
        }
        self.flush(&mut row, row_cols, &mut rows_read);
        i
    }

    /// Layout: one item's page of `label: | value |` rows (重点工作: | … |,
    /// 牵头单位: | … |, 2015年工作计划: | … |, 具体推进情况: | … |): a table
    /// of one row set on its side. Returns the index after the rows.
    fn label_rows(&mut self, start: usize) -> Option<usize> {
        let lines = self.lines;
        let mut cols = Vec::new();
        let mut cells: Vec<(usize, &'a str)> = Vec::new();
        let mut labels = Vec::new();
        let mut i = start;
        while i < lines.len() && cols.len() < 12 {
            let line = &lines[i];
            if line.text.is_empty() {
                i += 1;
                continue;
            }
            let Some((label, value)) = label_row(&line.text) else {
                break;
            };
            let Some(col) = classify(label) else {
                break;
            };
            cols.push(col);
            cells.push((line.no, value));
            labels.push(label);
            i += 1;
        }
        if cols.len() < 2 || !is_header(&cols) {
            return None;
        }
        for line in &lines[start..i] {
            self.out.consumed.insert(line.no);
        }
        self.note_year(labels.into_iter());
        self.push_row(cells, &cols);
        Some(i)
    }

    /// Whether the line at `i` is a short category name with a numbered row
    /// or a group number within the next few lines.
    fn leading_group_row(&self, i: usize) -> bool {
        let text = cell_text(&self.lines[i].text);
        let short = text.chars().count() <= 30 && cjk_count(text) >= 2 && !reads_as_units(text);
        short
            && self.lines[i + 1..]
                .iter()
                .map(|l| cell_text(&l.text))
                .filter(|t| !t.is_empty())
                .take(3)
                .any(|t| {
                    is_number(t)
                        || markers::detect(t).is_some_and(|m| {
                            m.rest.is_empty()
                                && matches!(m.kind, MarkerKind::SectionCn | MarkerKind::ParenCn)
                        })
                })
    }

    /// Layout: a group row of a table one cell per line, its number alone on
    /// a line and its name on the next ((一) / 经济社会发展主要预期目标): a
    /// section, not the end of the table. Returns the index after it.
    fn bare_group_row(&self, i: usize) -> Option<(usize, Section)> {
        let lines = self.lines;
        let marker = markers::detect(&lines[i].text)?;
        let group = matches!(marker.kind, MarkerKind::SectionCn | MarkerKind::ParenCn);
        if !group {
            return None;
        }
        if !marker.rest.is_empty() {
            // Layout (round 12): the group row's number and name in one cell
            // ((一)刘忻市长牵头重点工作 |) with a numbered row right after it.
            let section = group_section(cell_text(&lines[i].text));
            let (at, next) = lines
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(_, l)| !cell_text(&l.text).is_empty())?;
            // Layout (round 13): or a group row printed with its empty cells
            // on its own line ((一)推进行政权力清单公开 | ||).
            let row_follows = is_number(cell_text(&next.text)) || empty_cells_after(&lines[i].text);
            return section.filter(|_| row_follows).map(|s| (at, s));
        }
        let (at, name) = lines
            .iter()
            .enumerate()
            .skip(i + 1)
            .take(4)
            .find(|(_, l)| !l.text.is_empty())?;
        let name = name.text.trim();
        // A closing full stop is allowed (加强战略科技力量建设。).
        let core = name.trim_end_matches('。');
        let short = core.chars().count() <= 30 && !core.contains('。') && !reads_as_units(name);
        if !short || markers::detect(name).is_some() {
            return None;
        }
        let section = Section {
            number: marker.number,
            title: trim_punct(name).to_string(),
        };
        Some((at + 1, section))
    }

    /// Layout: a row under a merged 序号 cell (one number spanning several
    /// rows, 2 | 建成驿站7家 … then 新增托位500个 | … | ||): without a number
    /// of its own after numbered rows, it is a further item of the task
    /// above, its cells in the columns after 序号.
    fn continue_row(&mut self, cells: &[(usize, &str)], cols: &[Col]) -> bool {
        let continues = cols.first() == Some(&Col::Number)
            && self.last_numbered
            && cells.first().is_some_and(|(_, c)| !is_number(c))
            && cells.len() < cols.len();
        let Some(task) = self.out.tasks.last_mut().filter(|_| continues) else {
            return false;
        };
        for (col, (line, cell)) in cols[1..].iter().zip(cells) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            match col {
                Col::Task | Col::Detail => task.body.push((*line, cell.to_string())),
                Col::Units(kind) => task.units.push((
                    *line,
                    UnitSource::Label(LabelHit {
                        kind: *kind,
                        units_text: cell.to_string(),
                        at_line_start: true,
                    }),
                )),
                Col::Due => task.due_cells.push((*line, cell.to_string())),
                Col::Number | Col::Other => {}
            }
        }
        true
    }

    fn flush(&mut self, row: &mut Vec<(usize, &str)>, cols: &[Col], rows_read: &mut usize) {
        if !row.is_empty() {
            let mut cells = std::mem::take(row);
            let texts: Vec<&str> = cells.iter().map(|(_, t)| *t).collect();
            // Layout (round 9): a further item under the same number with
            // its own deadline (开工建设老年大学。 / 12月底前 under row 5): a
            // task of its own, the row's units its units.
            let further = sub_row_at(&texts, cols).map(|at| {
                let item = further_item(&cells, at, cols);
                cells.truncate(at);
                item
            });
            match merged_row(&texts[..cells.len()], cols) {
                Some(placed) => self.push_merged_row(cells, &placed),
                None => {
                    self.merged.clear();
                    self.push_row(cells, cols);
                }
            }
            if let Some((item, placed)) = further {
                self.push_merged_row(item, &placed);
            }
            *rows_read += 1;
        }
    }

    /// Layout (round 6): a numbered table one cell per line whose merged
    /// cells (指标, 完成时限, 责任领导, 责任股室 spanning several rows) are
    /// printed once, in their group's first row: a row short of its unit
    /// or deadline cell takes the one above, and a unit cell over several
    /// lines (文化宣传股 / 文化馆 / 图书馆) is one list, the first leading.
    fn push_merged_row(&mut self, cells: Vec<(usize, &str)>, placed: &[(usize, Col)]) {
        let mut own: Vec<(usize, Col, String)> = Vec::new();
        for ((_, cell), (at, col)) in cells.iter().zip(placed) {
            if !matches!(col, Col::Units(_) | Col::Due) {
                continue;
            }
            let cell = match col {
                Col::Units(_) => self.split_run_together(cell.trim()),
                _ => cell.trim().to_string(),
            };
            match own.last_mut() {
                Some((last_at, _, text)) if last_at == at => {
                    text.push('、');
                    text.push_str(&cell);
                }
                _ => own.push((*at, *col, cell)),
            }
        }
        for (at, col, text) in &self.merged {
            if !own.iter().any(|(a, _, _)| a == at) {
                own.push((*at, *col, text.clone()));
            }
        }
        own.sort_by_key(|(at, _, _)| *at);
        self.merged.clone_from(&own);
        let line = cells.first().map_or(0, |(no, _)| *no);
        let mut rebuilt: Vec<(usize, &str)> = Vec::new();
        let mut cols: Vec<Col> = Vec::new();
        for ((no, cell), (_, col)) in cells.iter().zip(placed) {
            if !matches!(col, Col::Units(_) | Col::Due) {
                rebuilt.push((*no, cell));
                cols.push(*col);
            }
        }
        for (_, col, text) in &own {
            rebuilt.push((line, text.as_str()));
            cols.push(*col);
        }
        self.push_row_as(rebuilt, &cols);
    }

    /// Layout (round 6): a unit cell of such a table that is two names the
    /// table gives elsewhere on lines of their own, run together because the
    /// page lost the line break (文化宣传股文化馆 after 文化宣传股 / 文化馆):
    /// the two names. Any other cell is kept, and its name remembered.
    fn split_run_together(&mut self, cell: &str) -> String {
        let single = !cell.contains(['、', ',', '，', ';', '；', ' ']);
        if !single {
            return cell.to_string();
        }
        if !self.table_units.contains(cell) {
            let split = cell.char_indices().skip(2).map(|(at, _)| at).find(|&at| {
                self.table_units.contains(&cell[..at]) && self.table_units.contains(&cell[at..])
            });
            if let Some(at) = split {
                return format!("{}、{}", &cell[..at], &cell[at..]);
            }
        }
        if self.table_units.len() < MAX_TABLE_UNITS {
            self.table_units.insert(cell.to_string());
        }
        cell.to_string()
    }

    fn push_row(&mut self, cells: Vec<(usize, &str)>, cols: &[Col]) {
        let texts: Vec<&str> = cells.iter().map(|(_, t)| *t).collect();
        let mapped = map_cells(&texts, cols);
        let placed: Vec<Col> = mapped.iter().map(|(c, _)| *c).collect();
        self.push_row_as(cells, &placed);
    }

    /// A row whose cells are already paired with their columns.
    fn push_row_as(&mut self, cells: Vec<(usize, &str)>, placed: &[Col]) {
        let line = cells.first().map_or(0, |(no, _)| *no);
        let mapped: Vec<(Col, &str)> = placed
            .iter()
            .copied()
            .zip(cells.iter().map(|(_, t)| *t))
            .collect();
        let mut draft = TaskDraft {
            section: self.section.clone(),
            line,
            ..TaskDraft::default()
        };
        let mut number = None;
        // Layout (round 10): a merged 项目 cell before the task cell whose
        // items are numbered (主要预期目标 / 1.地区生产总值…): the group's
        // name, not the task.
        let tasks: Vec<&str> = mapped
            .iter()
            .filter(|(c, t)| matches!(c, Col::Task | Col::Detail) && !t.trim().is_empty())
            .map(|(_, t)| t.trim())
            .collect();
        let group_cell = match tasks[..] {
            [first, second, ..]
                if item_number(first).is_none()
                    && item_number(second).is_some()
                    && is_fragment(first, 15) =>
            {
                Some(first)
            }
            // Layout (round 13): a merged 工作任务 cell numbered as a group
            // (一、做好各类规划主动公开。 | 1.主动公开… | units |), printed in
            // its first row only: the section of this row and the rows after.
            [first, second, ..] if item_number(second).is_some() => {
                let section = group_section(first);
                if let Some(section) = &section {
                    self.section = Some(section.number.clone());
                    draft.section = self.section.clone();
                    self.out.sections.push(section.clone());
                }
                section.map(|_| first)
            }
            _ => None,
        };
        for ((col, cell), (cell_line, _)) in mapped.into_iter().zip(&cells) {
            let line = *cell_line;
            let cell = cell.trim();
            if cell.is_empty() || (col == Col::Task && group_cell == Some(cell)) {
                continue;
            }
            match col {
                Col::Number => number = Some(cell.to_string()),
                Col::Task if draft.head.is_empty() => draft.head = cell.to_string(),
                Col::Task | Col::Detail => draft.body.push((line, cell.to_string())),
                Col::Units(kind) => draft.units.push((
                    line,
                    UnitSource::Label(LabelHit {
                        kind,
                        units_text: cell.to_string(),
                        at_line_start: true,
                    }),
                )),
                Col::Due => draft.due_cells.push((line, cell.to_string())),
                Col::Other => {}
            }
        }
        if draft.head.is_empty() {
            if draft.body.is_empty() {
                self.warnings
                    .push(line, "表格行缺少任务内容 (table row without a task)");
                return;
            }
            draft.head = draft.body.remove(0).1;
        }
        // The item's own number, when the row has no 序号 of its own
        // (2.一般公共预算收入… under a merged 序号), the same one, or one that
        // numbers the groups (序号 2 / 筑牢经济发展底座 / 12.强化…).
        let own = item_marker(&draft.head).filter(|(n, _)| {
            group_cell.is_some() || number.as_deref().is_none_or(|no| no == n.to_string())
        });
        if let Some((n, rest)) = own {
            draft.head = rest.to_string();
            number = Some(n.to_string());
        }
        self.last_numbered = number.is_some();
        draft.number = number.unwrap_or_else(|| (self.out.tasks.len() + 1).to_string());
        self.out.tasks.push(draft);
    }
}

/// Layout: a table one cell per line without a 序号 column (a progress
/// report: 项目内容 / 责任单位 / 进展情况, the merged 项目名称 given once per
/// group): a row ends as many cells after its unit list as the header has
/// columns after its unit column, so rows short of a merged cell still
/// part where they should.
fn row_complete(row: &[(usize, &str)], cols: &[Col]) -> bool {
    let Some(last_units) = cols.iter().rposition(|c| matches!(c, Col::Units(_))) else {
        return false;
    };
    let after = cols.len() - last_units - 1;
    let units_at = row
        .iter()
        .enumerate()
        .skip(1)
        .rev()
        .find(|(_, (_, cell))| reads_as_units(cell))
        .map(|(at, _)| at);
    units_at.is_some_and(|at| row.len() == at + 1 + after)
}

/// Layout (round 10): a table whose cells ran together when the page was
/// copied (类别序号重点督办内容牵头单位全年完成情况, then rows such as
/// 经济社会发展主要预期目标1地区生产总值增长6%左右。区发展改革委西城区…):
/// a header line made wholly of header words, with a 序号, a task and a
/// unit column in that order and nothing but categories and progress
/// around them.
fn glued_header(text: &str) -> Option<Vec<Col>> {
    let text = text.trim();
    let n = text.chars().count();
    if !(8..=40).contains(&n) || !text.chars().all(super::text::is_cjk) {
        return None;
    }
    // The split into the most header words (序号重点督办内容 is 序号 and
    // 重点督办内容, not one word): best[k] holds the columns of the first k
    // characters.
    let chars: Vec<char> = text.chars().collect();
    let mut best: Vec<Option<Vec<Col>>> = vec![None; chars.len() + 1];
    best[0] = Some(Vec::new());
    for end in 2..=chars.len() {
        for start in end.saturating_sub(8)..=end - 2 {
            let Some(before) = &best[start] else {
                continue;
            };
            let word: String = chars[start..end].iter().collect();
            if let Some(col) = classify(&word)
                && best[end]
                    .as_ref()
                    .is_none_or(|b| b.len() < before.len() + 1)
            {
                let mut cols = before.clone();
                cols.push(col);
                best[end] = Some(cols);
            }
        }
    }
    let cols = best.pop().flatten()?;
    let number = cols.iter().position(|c| *c == Col::Number)?;
    let shape = cols.get(number + 1) == Some(&Col::Task)
        && matches!(cols.get(number + 2), Some(Col::Units(_)))
        && cols
            .iter()
            .enumerate()
            .all(|(k, c)| (number..number + 3).contains(&k) || *c == Col::Other);
    shape.then_some(cols)
}

/// One row of such a table: the category before the number, the task to
/// its first 。, the unit that follows (the shortest name ending like an
/// office), and the rest, progress.
fn glued_row<'t>(text: &'t str, cols: &[Col]) -> Option<Vec<&'t str>> {
    let number = cols.iter().position(|c| *c == Col::Number)?;
    let digits_at = text.find(|c: char| c.is_ascii_digit())?;
    let after_digits = text[digits_at..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(text.len(), |k| digits_at + k);
    let category = &text[..digits_at];
    if (number > 0) == category.is_empty() || after_digits - digits_at > 3 {
        return None;
    }
    let rest = &text[after_digits..];
    let stop = rest.find('。')? + '。'.len_utf8();
    let (task, rest) = rest.split_at(stop);
    let ends: Vec<usize> = rest
        .char_indices()
        .map(|(k, c)| k + c.len_utf8())
        .take(17)
        .collect();
    let office =
        |k: usize| super::units::ends_like_office(&rest[..k]) && reads_as_units(&rest[..k]);
    let mut at = ends.iter().skip(2).take(13).position(|&k| office(k))? + 2;
    // A name goes on past an inner office word (区人力社 / 区人力社保局).
    while let Some(next) = (at + 1..=at + 2).find(|&j| ends.get(j).is_some_and(|&k| office(k))) {
        at = next;
    }
    let unit_end = ends[at];
    let (unit, progress) = rest.split_at(unit_end);
    let mut cells = Vec::with_capacity(cols.len());
    cells.extend(std::iter::repeat_n(category, number));
    cells.extend([&text[digits_at..after_digits], task, unit]);
    cells.extend(std::iter::repeat_n(progress, cols.len() - number - 3));
    Some(cells)
}

/// The number an item opens with and its text after the marker
/// (12.强化… → 12, 强化…), a marker inside a task cell, not a cell of its own.
fn item_marker(text: &str) -> Option<(u32, &str)> {
    let m = markers::detect(text).filter(|m| m.kind == MarkerKind::Arabic)?;
    let n = m.number.parse().ok()?;
    // The words after the marker, their closing 。 kept.
    let start = text
        .find(m.rest)
        .filter(|_| m.rest.starts_with(super::text::is_cjk))?;
    Some((n, &text[start..]))
}

/// A group's cell (一、做好财政信息公开。, (二)加强监管。): its section.
fn group_section(cell: &str) -> Option<Section> {
    let m = markers::detect(cell)?;
    let group = matches!(m.kind, MarkerKind::SectionCn | MarkerKind::ParenCn);
    let title = trim_punct(m.rest);
    let short = title.chars().count() <= 30 && !title.contains('。') && !reads_as_units(title);
    (group && short).then(|| Section {
        number: m.number,
        title: title.to_string(),
    })
}

fn item_number(text: &str) -> Option<u32> {
    item_marker(text).map(|(n, _)| n)
}

/// Whether `text` opens the item after one the row already holds.
fn next_item_in_row(row: &[(usize, &str)], text: &str) -> bool {
    item_number(text)
        .is_some_and(|n| n > 1 && row.iter().any(|(_, cell)| item_number(cell) == Some(n - 1)))
}

/// Whether a row number stands among the first `within` cells from `start`.
fn numbers_follow(lines: &[Line], start: usize, within: usize) -> bool {
    lines[start.min(lines.len())..]
        .iter()
        .map(|l| cell_text(&l.text))
        .filter(|t| !t.is_empty())
        .take(within)
        .any(|t| is_number(t) || markers::detect(t).is_some())
}

/// Layout (round 12): a table one cell per line whose header ends in two
/// unit columns (牵头单位 / 参与单位): after the lead cell, a next line that
/// reads as units is the row's second unit cell, not a new row.
fn more_unit_cells(lines: &[Line], next: usize, row: &[(usize, &str)], cols: &[Col]) -> bool {
    let unit_cols = cols
        .iter()
        .rev()
        .take_while(|c| matches!(c, Col::Units(_)))
        .count();
    let unit_cells = row
        .iter()
        .rev()
        .take_while(|(_, cell)| reads_as_units(cell))
        .count();
    unit_cells < unit_cols
        && lines[next..]
            .iter()
            .map(|l| cell_text(&l.text))
            .find(|t| !t.is_empty())
            .is_some_and(reads_as_units)
}

/// Whether a number cell opens the next row: the first row's number,
/// the one after the last row's (or 1, numbering again in a group), or
/// any number once the row holds every cell. Layout (round 13): a
/// project table whose figures (年度投资金额 300, 培训人数 400) sit
/// among the row's cells, one a line, where they would read as numbers.
fn starts_row(row: &[(usize, &str)], cols: &[Col], text: &str, last: Option<u32>) -> bool {
    let Ok(n) = text.trim().parse::<u32>() else {
        return false;
    };
    row.is_empty() || row.len() >= cols.len() || last.is_none_or(|l| n == l + 1 || n == 1)
}

fn is_number(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && t.chars().count() <= 3 && t.chars().all(|c| c.is_ascii_digit())
}

fn looks_like_units(cell: &str) -> bool {
    reads_as_units(cell)
}

fn looks_like_due(cell: &str) -> bool {
    // Layout (round 9): a short cell opening on a bare month (9月投入使用).
    let month_first = cell.chars().count() <= 12 && deadline::leading_month(cell).is_some();
    cell.chars().count() <= 40
        && (month_first
            || deadline::bare_years(cell).is_some()
            || !deadline::scan(cell, &DeadlineContext::default()).is_empty()
            || [
                "长期",
                "持续",
                "常态化",
                "每月",
                "每季度",
                "每年",
                "年底",
                "年内",
            ]
            .iter()
            .any(|w| cell.contains(w)))
}

/// A row's unit and deadline cells, as a row merged with it takes them.
type MergedCells = (Vec<(usize, UnitSource)>, Vec<(usize, String)>);

/// Unit names a table remembers to part names run together.
const MAX_TABLE_UNITS: usize = 200;

/// Longest category or person cell of a table (公共文化服务, 周 斐).
const MAX_SHORT_CELL: usize = 12;

/// The columns of a numbered row one cell per line whose count differs
/// from the header's because merged cells were printed once (see
/// `push_merged_row`): each cell goes to the next column its content fits,
/// in the header's order; unit cells after a unit cell stay in its column.
/// `None` when the row does not read that way (or has every cell).
fn merged_row(cells: &[&str], cols: &[Col]) -> Option<Vec<(usize, Col)>> {
    if cells.len() == cols.len() || cols.first() != Some(&Col::Number) {
        return None;
    }
    if !cells.first().is_some_and(|c| is_number(c)) {
        return None;
    }
    let mut placed = vec![(0, Col::Number)];
    let mut next = 1;
    for (k, cell) in cells.iter().enumerate().skip(1) {
        // Layout (round 9): the cell right after the number, under a task
        // column, that ends a sentence is the task even when it ends like
        // an office (迁建县政务服务中心。 before 县政务服务中心).
        let sentence_first = k == 1
            && matches!(cols.get(1), Some(Col::Task | Col::Detail))
            && cell.trim_end().ends_with('。');
        let units = !sentence_first && looks_like_units(cell);
        if let Some(&(at, Col::Units(kind))) = placed.last()
            && units
        {
            // The next unit column if there is one (牵头单位 then 配合单位),
            // else more lines of the same cell.
            match (at + 1..cols.len()).find(|&k| matches!(cols[k], Col::Units(_))) {
                Some(k) => {
                    placed.push((k, cols[k]));
                    next = k + 1;
                }
                None => placed.push((at, Col::Units(kind))),
            }
            continue;
        }
        let short = cell.chars().count() <= MAX_SHORT_CELL && !cell.contains('。');
        let fits = |col: &Col| match col {
            Col::Units(_) => units,
            Col::Due => !units && looks_like_due(cell),
            Col::Task | Col::Detail => !units && cjk_count(cell) >= 2,
            Col::Other => short && !units && !looks_like_due(cell),
            Col::Number => false,
        };
        let at = (next..cols.len()).find(|&k| fits(&cols[k]))?;
        placed.push((at, cols[at]));
        next = at + 1;
    }
    placed
        .iter()
        .any(|(_, c)| matches!(c, Col::Task | Col::Detail))
        .then_some(placed)
}

/// Where a numbered row one cell per line holds a further item of its own
/// (a merged 序号 and unit cell over two rows): after the row's own task,
/// unit and deadline cells come a sentence and a deadline. Answers the
/// index the further item starts at.
fn sub_row_at(cells: &[&str], cols: &[Col]) -> Option<usize> {
    let task_col = cols.iter().position(|c| *c == Col::Task)?;
    let due_col = cols.iter().position(|c| *c == Col::Due)?;
    if cells.len() <= cols.len()
        || due_col < task_col
        || !cells.first().is_some_and(|c| is_number(c))
    {
        return None;
    }
    let at = cells.len() - 2;
    let (task, due) = (cells[at], cells[at + 1]);
    let sentence = task.trim_end().ends_with('。') && cjk_count(task) >= 4;
    let own_due = cells[..at].iter().any(|c| looks_like_due(c));
    (sentence && own_due && looks_like_due(due) && !looks_like_units(due)).then_some(at)
}

/// A row's cells, each with its line.
type Cells<'a> = Vec<(usize, &'a str)>;

/// The further item's cells from `at` (its task and deadline) with the
/// unit cells of its row, each with its column.
fn further_item<'a>(
    cells: &[(usize, &'a str)],
    at: usize,
    cols: &[Col],
) -> (Cells<'a>, Vec<(usize, Col)>) {
    let column = |want: fn(&Col) -> bool| cols.iter().position(want).unwrap_or(0);
    let task_col = column(|c| *c == Col::Task);
    let due_col = column(|c| *c == Col::Due);
    let mut item = cells[at..].to_vec();
    let mut placed = vec![(task_col, Col::Task), (due_col, Col::Due)];
    if let Some(units_col) = cols.iter().position(|c| matches!(c, Col::Units(_))) {
        for cell in cells
            .get(2..at)
            .unwrap_or_default()
            .iter()
            .filter(|(_, c)| looks_like_units(c))
        {
            item.push(*cell);
            placed.push((units_col, cols[units_col]));
        }
    }
    (item, placed)
}

/// Cells paired with their column: by position when that reads sensibly
/// (left-aligned after a 序号, right-aligned when leading merged cells are
/// missing), by content otherwise.
fn map_cells<'a>(cells: &[&'a str], cols: &[Col]) -> Vec<(Col, &'a str)> {
    let positional: Vec<(Col, &str)> = if cells.len() == cols.len() {
        cols.iter().copied().zip(cells.iter().copied()).collect()
    } else if cells.len() < cols.len() {
        if cells.first().is_some_and(|c| is_number(c)) {
            cols.iter().copied().zip(cells.iter().copied()).collect()
        } else {
            let skip = cols.len() - cells.len();
            cols[skip..]
                .iter()
                .copied()
                .zip(cells.iter().copied())
                .collect()
        }
    } else {
        Vec::new()
    };
    let sensible = !positional.is_empty()
        && positional.iter().all(|(col, cell)| match col {
            Col::Units(_) => cell.is_empty() || looks_like_units(cell),
            Col::Due => cell.is_empty() || looks_like_due(cell),
            Col::Number => cell.is_empty() || is_number(cell),
            _ => true,
        })
        && positional
            .iter()
            .any(|(col, cell)| matches!(col, Col::Task | Col::Detail) && cjk_count(cell) >= 2)
        // Layout: a row one cell per line whose empty cell was dropped (a
        // blank 任务数): the unit list slid into the column before the unit
        // column, which the short row leaves unfilled.
        && !(positional.len() < cols.len()
            && cols[positional.len()..].iter().any(|c| matches!(c, Col::Units(_)))
            && positional
                .iter()
                .any(|(col, cell)| matches!(col, Col::Other | Col::Detail) && looks_like_units(cell)));
    if sensible {
        return positional;
    }
    by_content(cells, cols)
}

fn by_content<'a>(cells: &[&'a str], cols: &[Col]) -> Vec<(Col, &'a str)> {
    let mut unit_cols = cols.iter().filter_map(|c| match c {
        Col::Units(kind) => Some(*kind),
        _ => None,
    });
    let mut mapped = Vec::with_capacity(cells.len());
    let mut task_seen = false;
    let mut due_seen = false;
    for (i, cell) in cells.iter().enumerate() {
        let col = if i == 0 && is_number(cell) {
            Col::Number
        } else if !due_seen
            && i > 0
            && looks_like_due(cell)
            && !looks_like_units(cell)
            && cjk_count(cell) < 20
        {
            due_seen = true;
            Col::Due
        } else if i > 0 && looks_like_units(cell) {
            Col::Units(unit_cols.next().unwrap_or(LabelKind::Assist))
        } else if !task_seen && cjk_count(cell) >= 2 {
            task_seen = true;
            Col::Task
        } else {
            Col::Detail
        };
        mapped.push((col, *cell));
    }
    mapped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::importer::text::split_lines;

    fn tables(text: &str) -> TaskTables {
        find(
            &split_lines(text),
            &HashSet::new(),
            &mut Warnings::default(),
        )
    }

    fn units(d: &TaskDraft) -> Vec<(LabelKind, String)> {
        d.units
            .iter()
            .filter_map(|(_, s)| match s {
                UnitSource::Label(h) => Some((h.kind, h.units_text.clone())),
                UnitSource::RoleNote(_) => None,
            })
            .collect()
    }

    #[test]
    fn pipe_rows_map_by_column() {
        let t = tables(
            "序号 | 重点工作 | 牵头单位 | 配合单位 | 完成时限\n1 | 建设社区服务中心。按标准建设。 | 市民政局 | 市财政局、市住建局 | 2018年底前\n2 | 推进信息化 | 市大数据局 |  | 长期坚持",
        );
        assert_eq!(t.tasks.len(), 2);
        let first = &t.tasks[0];
        assert_eq!(first.number, "1");
        assert_eq!(first.head, "建设社区服务中心。按标准建设。");
        assert_eq!(
            units(first),
            [
                (LabelKind::Lead, "市民政局".to_string()),
                (LabelKind::Assist, "市财政局、市住建局".to_string()),
            ]
        );
        assert_eq!(first.due_cells, [(2, "2018年底前".to_string())]);
        assert_eq!(t.tasks[1].due_cells, [(3, "长期坚持".to_string())]);
    }

    #[test]
    fn header_words_in_traditional_script() {
        let t = tables(
            "序號 | 任務項目指標 | 責任單位 | 進展比例 |\n1 | 為老年人免費接種流感疫苗。 | 區衛生健康局 | 20% |\n2 | 新增殘疾人就業50人以上。 | 區殘聯 | 90% |",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(
            units(&t.tasks[1]),
            [(LabelKind::Responsible, "區殘聯".to_string())]
        );
    }

    #[test]
    fn a_header_cell_over_two_lines_and_dropped_empty_cells() {
        let t = tables(
            "序号\n\n重点工作\n\n区本级\n\n任务数\n\n责任单位\n\n1\n\n地区生产总值增长6.5%。\n\n\n区发改局\n\n2\n\n力争兑现惠企资金20亿元。\n\n9亿元\n\n区政府办公室*、区财政局",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(
            units(&t.tasks[0]),
            [(LabelKind::Responsible, "区发改局".to_string())]
        );
        assert_eq!(
            units(&t.tasks[1]),
            [(
                LabelKind::Responsible,
                "区政府办公室*、区财政局".to_string()
            )]
        );
    }

    #[test]
    fn one_cell_per_line_each_ending_in_a_pipe() {
        let t = tables(
            "序号 |\n目标与任务 |\n分 管 县领导 |\n牵头责任单位 |\n责任单位 |\n80 |\n加大普惠性托育供给。 |\n俞 悦 |\n县教育局 |\n县各有关单位 |\n81 |\n保障学院秋季开学。 |\n陆 明 |\n县教育局 |\n县各有关单位 |",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(t.tasks[1].number, "81");
        assert_eq!(
            units(&t.tasks[1]),
            [
                (LabelKind::Lead, "县教育局".to_string()),
                (LabelKind::Responsible, "县各有关单位".to_string()),
            ]
        );
    }

    #[test]
    fn a_category_row_above_the_first_numbered_row() {
        let t = tables(
            "序号\n\n重点工作\n\n市政府\n\n分管领导\n\n牵头单位\n\n配合单位\n\n备注\n\n强化科技创新支撑能力。\n\n(一)\n\n加强战略科技力量建设。\n\n1\n\n加快建设科技创新轴。\n\n王 东\n\n市科技局\n\n黄埔区、南沙区政府\n\n2\n\n做好国家实验室筹建保障服务工作。\n\n王 东\n\n市科技局\n\n市财政局",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(t.tasks[0].section.as_deref(), Some("(一)"));
        assert_eq!(
            units(&t.tasks[0]),
            [
                (LabelKind::Lead, "市科技局".to_string()),
                (LabelKind::Assist, "黄埔区、南沙区政府".to_string()),
            ]
        );
    }

    #[test]
    fn a_merged_cell_broken_over_short_lines() {
        let t = tables(
            "牵头单位\n\n目   标   任   务\n\n责  任  单  位\n\n市政\n\n府办\n\n公厅\n\n强化行政监督,自觉接受人大和政协监督\n\n市直各单位\n\n市\n发\n改\n委\n\n地区生产总值增长13%\n\n统计局和市直相关单位",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(
            units(&t.tasks[0]),
            [
                (LabelKind::Lead, "市政府办公厅".to_string()),
                (LabelKind::Responsible, "市直各单位".to_string()),
            ]
        );
        assert_eq!(
            units(&t.tasks[1])[0],
            (LabelKind::Lead, "市发改委".to_string())
        );
        // Whole names one after another stay apart.
        let whole = split_lines("城管局\n市政局\n是\n否\n城管局");
        let (lines, folded) = join_broken_cells(&whole);
        assert!(folded.is_empty() && lines.len() == 5);
    }

    #[test]
    fn one_items_page_of_label_rows() {
        let t = tables(
            "重点工作: | 发展文化事业。完成全市文化遗产普查。 |\n牵头单位: | 市文化广电新闻出版局 |\n2015年工作计划: | 1.年内完成全市文化遗产普查。 12月底前 |\n具体推进情况: | 1.已完成。9月30日前上传。 |\n备 注: |",
        );
        assert_eq!(t.tasks.len(), 1);
        assert_eq!(t.year, Some(2015));
        assert_eq!(t.tasks[0].head, "发展文化事业。完成全市文化遗产普查。");
        assert_eq!(
            units(&t.tasks[0]),
            [(LabelKind::Lead, "市文化广电新闻出版局".to_string())]
        );
        assert!(t.tasks[0].body.iter().all(|(_, b)| !b.contains("已完成")));
    }

    #[test]
    fn one_cell_per_line() {
        let t = tables(
            "序号\n重点工作\n责任单位\n完成时限\n1\n完善社区服务设施\n市民政局\n2017年底\n2\n推进网格化管理\n市委政法委\n2018年6月底前\n附件2",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(t.tasks[1].head, "推进网格化管理");
        assert_eq!(
            units(&t.tasks[1]),
            [(LabelKind::Responsible, "市委政法委".to_string())]
        );
        assert_eq!(t.tasks[0].due_cells, [(8, "2017年底".to_string())]);
    }

    #[test]
    fn one_cell_per_line_with_a_merged_category_column_first() {
        let t = tables(
            "分类\n序号\n事项\n责任单位\n牵头单位\n发展目标\n1\n地区生产总值增长6.5%以上。\n区农业农村局、区发改局\n区发改局\n2\n固定资产投资增长25%。\n区发改局\n区发改局\n激发市场活力\n3\n深化改革。\n区行政服务中心\n区行政服务中心",
        );
        assert_eq!(t.tasks.len(), 3);
        assert_eq!(t.tasks[0].number, "1");
        assert_eq!(t.tasks[0].head, "地区生产总值增长6.5%以上。");
        assert_eq!(
            units(&t.tasks[0]),
            [
                (LabelKind::Responsible, "区农业农村局、区发改局".to_string()),
                (LabelKind::Lead, "区发改局".to_string()),
            ]
        );
        assert_eq!(t.tasks[2].head, "深化改革。");
    }

    #[test]
    fn header_words_spaced_out_to_fill_their_cells() {
        let t = tables(
            "序号\n目   标   与   任   务\n牵头责任单位\n责任单位\n      1        \n推进三大保卫战。\n市生态环境局\n各县区政府、开发区管委会\n2\n增林地、增绿地。\n市自然资源和规划局\n各县区政府",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(
            units(&t.tasks[0]),
            [
                (LabelKind::Lead, "市生态环境局".to_string()),
                (
                    LabelKind::Responsible,
                    "各县区政府、开发区管委会".to_string()
                ),
            ]
        );
    }

    #[test]
    fn rows_missing_a_merged_cell_are_read_by_content() {
        let t = tables(
            "类别\t重点任务\t责任单位\t完成时限\n一、民生保障\n养老\t建设养老服务中心\t市民政局\t2018年底\n建设日间照料中心\t市民政局\t年内",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(t.sections.len(), 1);
        assert_eq!(t.tasks[1].head, "建设日间照料中心");
        assert_eq!(t.tasks[1].section.as_deref(), Some("一"));
        assert_eq!(t.tasks[1].due_cells, [(4, "年内".to_string())]);
    }

    #[test]
    fn header_words_worded_otherwise() {
        assert_eq!(classify("主要责任单位"), Some(Col::Units(LabelKind::Lead)));
        assert_eq!(
            classify("协同配合单位"),
            Some(Col::Units(LabelKind::Assist))
        );
        assert_eq!(classify("民生事项名称"), Some(Col::Task));
        assert_eq!(classify("2022年度任务目标"), Some(Col::Detail));
        assert_eq!(classify("分管市领导"), Some(Col::Other));
        assert_eq!(classify("1-9月份工作完成情况"), Some(Col::Other));
        assert_eq!(classify("责任单位:市民政局"), None);
        assert_eq!(classify("加强领导"), None);
        assert_eq!(header_year("2022年度任务目标"), Some(2022));
        // A project table's place, money and building-year columns.
        assert_eq!(classify("建设地点"), Some(Col::Other));
        assert_eq!(classify("年度投资金额 (万元)"), Some(Col::Other));
        assert_eq!(classify("年度投資金額 (萬元)"), Some(Col::Other));
        assert_eq!(classify("建設時間"), Some(Col::Due));
        assert_eq!(classify("培训(人)"), None);
        let t = tables(
            "序号\n\n重点工作任务\n\n主要责任单位\n\n协同配合单位\n\n3\n\n固定资产投资增长7.5%左右。\n\n区发改委\n\n区工信局、区住建局,各乡镇人民政府。",
        );
        assert_eq!(t.tasks.len(), 1);
        assert_eq!(
            units(&t.tasks[0]),
            [
                (LabelKind::Lead, "区发改委".to_string()),
                (
                    LabelKind::Assist,
                    "区工信局、区住建局,各乡镇人民政府。".to_string()
                ),
            ]
        );
    }

    #[test]
    fn progress_columns_are_read_past_and_a_header_names_the_year() {
        let t = tables(
            "类别 | 民生事项名称 | 2022年度任务目标 | 责任单位 | 分管市领导 | 1-9月份工作完成情况 |\n四、教育文化 | 14.改扩建学校 | 完成2座教学楼建设。 | 教育体育局 | 刘福利 | 9月份开始施工。 |\n15.建设运动场地 | 完成13处。 | 教育体育局 | 刘福利 | 9月23日调度。 |",
        );
        assert_eq!(t.year, Some(2022));
        assert_eq!(t.tasks.len(), 2);
        // The item's own number comes out of its text.
        assert_eq!(t.tasks[1].head, "建设运动场地");
        assert_eq!(t.tasks[1].number, "15");
        assert_eq!(
            units(&t.tasks[1]),
            [(LabelKind::Responsible, "教育体育局".to_string())]
        );
        assert!(t.tasks[1].body.iter().all(|(_, b)| !b.contains("调度")));
    }

    #[test]
    fn rows_under_a_merged_number_are_further_items() {
        let t = tables(
            "序号 | 项目内容 | 进展情况 | 责任单位 |\n2 | 新建成婴幼儿照护服务成长驿站7家。 | 新建13家。 | 卫生健康局 |\n新增托位500个。 | 新增600个。 | ||\n3 | 实施农村公路大中修100公里。 | 预计11月底前完成。 | 交通运输局 |",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(t.tasks[0].body, [(3, "新增托位500个。".to_string())]);
        assert!(t.tasks[1].due_cells.is_empty());
    }

    #[test]
    fn unnumbered_rows_part_after_their_units_and_bare_group_numbers() {
        let t = tables(
            "项目名称\n\n项目内容\n\n责任单位\n\n进展情况\n\n(一)\n\n经济社会发展主要预期目标\n\n地区生产总值增长6.5%以上\n\n区发改经信局、各街道\n\n正常进行中\n\n财政收入与经济增长基本同步\n\n区财政局、各街道\n\n正常进行中\n\n(二)\n\n支持实体企业发展\n\n落实减税降费政策\n\n区财政局\n\n已完成",
        );
        assert_eq!(t.sections.len(), 2);
        assert_eq!(t.sections[0].title, "经济社会发展主要预期目标");
        let heads: Vec<&str> = t.tasks.iter().map(|d| d.head.as_str()).collect();
        assert_eq!(
            heads,
            [
                "地区生产总值增长6.5%以上",
                "财政收入与经济增长基本同步",
                "落实减税降费政策"
            ]
        );
        assert_eq!(t.tasks[2].section.as_deref(), Some("(二)"));
    }

    #[test]
    fn merged_cells_printed_once_cover_the_rows_below() {
        let t = tables(
            "序号\n指标\n工作任务\n完成时限\n责任领导\n责任股室\n(单位)\n备注\n1\n公共文化服务\n免费开放服务人次增长15%。\n12月底前\n夏俊贵\n文化宣传股\n文化馆\n图书馆\n2\n全年组织惠民演出不少于100场。\n执法大队\n3\n开展好“三下乡”活动。\n4\n旅游项目\n完成景区综合开发。\n5月底\n周 斐\n文物股\n5\n推进总分馆制建设。\n文化宣传股文化馆\n6\n办好图书馆文化馆活动。\n图书馆文化馆",
        );
        assert_eq!(t.tasks.len(), 6);
        assert_eq!(t.tasks[0].head, "免费开放服务人次增长15%。");
        assert_eq!(
            units(&t.tasks[0]),
            [(
                LabelKind::Responsible,
                "文化宣传股、文化馆、图书馆".to_string()
            )]
        );
        assert_eq!(t.tasks[0].due_cells[0].1, "12月底前");
        // Row 2 has its own unit cell under the merged deadline; row 3
        // neither: both come from above.
        assert_eq!(
            units(&t.tasks[1]),
            [(LabelKind::Responsible, "执法大队".to_string())]
        );
        assert_eq!(t.tasks[1].due_cells[0].1, "12月底前");
        assert_eq!(units(&t.tasks[2]), units(&t.tasks[1]));
        assert_eq!(t.tasks[2].due_cells[0].1, "12月底前");
        assert_eq!(
            units(&t.tasks[3]),
            [(LabelKind::Responsible, "文物股".to_string())]
        );
        assert_eq!(t.tasks[3].due_cells[0].1, "5月底");
        // Two names of the table run together are parted.
        assert_eq!(
            units(&t.tasks[4]),
            [(LabelKind::Responsible, "文化宣传股、文化馆".to_string())]
        );
        assert_eq!(
            units(&t.tasks[5]),
            [(LabelKind::Responsible, "图书馆、文化馆".to_string())]
        );
    }

    #[test]
    fn a_table_of_the_years_projects_for_daily_needs() {
        let t = tables(
            "序号\n民生实事\n责任单位\n完成时限\n1\n新建2座人行天桥。\n县住建局\n9月投入使用\n2\n迁建县政务服务中心。\n县政务服务中心\n县代建中心\n12月底前",
        );
        let heads: Vec<&str> = t.tasks.iter().map(|d| d.head.as_str()).collect();
        assert_eq!(heads, ["新建2座人行天桥。", "迁建县政务服务中心。"]);
        assert_eq!(t.tasks[0].due_cells, [(8, "9月投入使用".to_string())]);
        assert_eq!(
            units(&t.tasks[1]),
            [(
                LabelKind::Responsible,
                "县政务服务中心、县代建中心".to_string()
            )]
        );
    }

    #[test]
    fn a_further_item_under_a_merged_number_with_its_own_deadline() {
        let t = tables(
            "序号\n民生实事\n责任单位\n完成时限\n5\n开工建设县老年养护楼。\n县民政局\n5月底前动工\n开工建设老年大学。\n12月底前\n6\n迁建县政务服务中心。\n县代建中心\n12月底前",
        );
        let heads: Vec<&str> = t.tasks.iter().map(|d| d.head.as_str()).collect();
        assert_eq!(
            heads,
            [
                "开工建设县老年养护楼。",
                "开工建设老年大学。",
                "迁建县政务服务中心。"
            ]
        );
        assert_eq!(t.tasks[1].due_cells, [(9, "12月底前".to_string())]);
        assert_eq!(
            units(&t.tasks[1]),
            [(LabelKind::Responsible, "县民政局".to_string())]
        );
        assert!(t.tasks[0].body.is_empty());
    }

    #[test]
    fn a_spaced_row_whose_unit_cell_lists_a_unit_a_line() {
        let t = tables(
            "序号 目标任务 责任单位 上半年推进情况\n1 地区生产总值增长6%以上。 区发展改革委 同比增长2.9%。\n2 第一产业增加值增长5%。 区农业农村委\n区林业局\n区供销联社\n区畜牧业发展中心\n同比增长3.4%。\n3 规上工业增加值增长3.5%。 区经济信息委 同比增长0.4%。",
        );
        assert_eq!(t.tasks.len(), 3);
        assert_eq!(
            units(&t.tasks[1]),
            [(
                LabelKind::Responsible,
                "区农业农村委、区林业局、区供销联社、区畜牧业发展中心".to_string()
            )]
        );
        assert_eq!(t.tasks[2].head, "规上工业增加值增长3.5%。");
    }

    #[test]
    fn a_group_row_inside_a_spaced_table_whose_numbering_runs_on() {
        let t = tables(
            "序号 目标任务 责任单位 上半年推进情况\n1 地区生产总值增长6%以上。 区发展改革委 同比增长2.9%。\n(一)以创建国家高新区为抓手,推动科技创新\n2 实施高能级创新平台建设行动。 区科技局 全面启动。\n(二)另一部分\n说明文字。",
        );
        let heads: Vec<&str> = t.tasks.iter().map(|d| d.head.as_str()).collect();
        assert_eq!(
            heads,
            ["地区生产总值增长6%以上。", "实施高能级创新平台建设行动。"]
        );
        assert!(
            !t.consumed.contains(&5),
            "a (二) not followed by row 3 ends the table"
        );
    }

    #[test]
    fn items_numbered_in_the_task_cell_under_one_merged_number() {
        let t = tables(
            "序号\n|\n项目\n|\n重点工作目标任务\n|\n牵头领导\n|\n责任单位\n|\n1\n|\n主要预期目标\n|\n1.地区生产总值增长5%以上。\n|\n钱 宇\n|\n★区发改委、统计局\n|\n2.一般公共预算收入同口径增长6%以上。\n|\n★区财政局、税务局\n|\n|||\n3.进出口总额稳质升。\n|\n方 勇\n|\n★区商务局、吴江海关\n|\n||\n2\n|\n筑牢经济发展底座\n|\n4.积极扩大有效投资。\n|\n钱 宇\n|\n★区发改委\n|",
        );
        let heads: Vec<(&str, &str)> = t
            .tasks
            .iter()
            .map(|d| (d.number.as_str(), d.head.as_str()))
            .collect();
        assert_eq!(
            heads,
            [
                ("1", "地区生产总值增长5%以上。"),
                ("2", "一般公共预算收入同口径增长6%以上。"),
                ("3", "进出口总额稳质升。"),
                ("4", "积极扩大有效投资。"),
            ]
        );
        assert_eq!(
            units(&t.tasks[2]),
            [(LabelKind::Responsible, "★区商务局、吴江海关".to_string())]
        );
        assert!(
            t.tasks
                .iter()
                .all(|d| !d.body.iter().any(|(_, b)| b.contains("钱")))
        );
    }

    #[test]
    fn a_table_whose_cells_ran_together() {
        let t = tables(
            "类别序号重点督办内容牵头单位全年完成情况\n经济社会发展主要预期目标1地区生产总值增长6%左右。区发展改革委西城区地区生产总值增速调整为正增长(此调整方案已于2020年12月22日审议通过)。\n经济社会发展主要预期目标2区级一般公共预算收入增长2%左右。区财政局截至12月31日,全年一般公共预算收入完成413.84亿元。\n经济社会发展主要预期目标3城镇登记失业率控制在1.5%以内。区人力社保局2020年度全区城镇登记失业率为1.2%。",
        );
        type Row<'r> = (&'r str, &'r str, Vec<(LabelKind, String)>);
        let rows: Vec<Row> = t
            .tasks
            .iter()
            .map(|d| (d.number.as_str(), d.head.as_str(), units(d)))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "1",
                    "地区生产总值增长6%左右。",
                    vec![(LabelKind::Lead, "区发展改革委".to_string())]
                ),
                (
                    "2",
                    "区级一般公共预算收入增长2%左右。",
                    vec![(LabelKind::Lead, "区财政局".to_string())]
                ),
                (
                    "3",
                    "城镇登记失业率控制在1.5%以内。",
                    vec![(LabelKind::Lead, "区人力社保局".to_string())]
                ),
            ]
        );
        // The progress is no task text, so its dates set no deadline.
        assert!(t.tasks.iter().all(|d| d.body.is_empty()));
        assert!(glued_header("关于印发重点工作任务分工方案的通知").is_none());
    }

    #[test]
    fn group_rows_named_in_one_cell_inside_a_table_one_cell_per_line() {
        let t = tables(
            "序号\n|\n重点工作任务\n|\n责任单位\n|\n(一)刘忻市长牵头重点工作\n|\n1\n|\n严守政治纪律和政治规矩\n|\n市政府各直属单位\n|\n(二)戴建平常务副市长牵头重点工作\n|\n2\n|\n加快建设城西科创大走廊。\n|\n市科技局、市发改委\n|",
        );
        let rows: Vec<(&str, Option<&str>)> = t
            .tasks
            .iter()
            .map(|d| (d.head.as_str(), d.section.as_deref()))
            .collect();
        assert_eq!(
            rows,
            [
                ("严守政治纪律和政治规矩", Some("(一)")),
                ("加快建设城西科创大走廊。", Some("(二)"))
            ]
        );
        assert_eq!(t.sections.len(), 2);
    }

    #[test]
    fn cells_one_a_line_after_their_pipe_with_two_unit_columns() {
        let t = tables(
            "工作要点\n| 工作任务\n| 牵头单位\n| 参与单位\n|\n打造产业旗舰。\n| 全面实施“5115”工程。\n| 市企业发展促进局、市发改委\n| 市“5115”工程领导小组成员单位、各县市区\n|\n优化产业布局。\n| 继续实施非均衡发展战略。\n| 市发改委\n| 市招商局、各县市区\n|",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(
            units(&t.tasks[1]),
            [
                (LabelKind::Lead, "市发改委".to_string()),
                (LabelKind::Assist, "市招商局、各县市区".to_string())
            ]
        );
    }

    #[test]
    fn a_numbered_header_over_rows_that_lost_their_numbers() {
        let t = tables(
            "序号\n\n目标与任务\n\n牵头责任单位\n\n责任单位\n\n加快推进国土空间规划编制。\n\n市自然资源和规划局\n\n各县(市)区政府、开发区管委会\n\n扎实打好污染防治攻坚战。\n\n市生态环境局\n\n各县(市)区政府、开发区管委会\n",
        );
        assert_eq!(t.tasks.len(), 2);
        assert_eq!(
            units(&t.tasks[1]),
            [
                (LabelKind::Lead, "市生态环境局".to_string()),
                (
                    LabelKind::Responsible,
                    "各县(市)区政府、开发区管委会".to_string()
                )
            ]
        );
    }

    #[test]
    fn a_last_unit_cell_that_goes_on_a_unit_a_line() {
        let t = tables(
            "主要工作任务\n\n牵头单位\n\n责任单位\n\n1.主动对接国家战略。\n\n区发改局\n\n区工信局、区商务局\n\n2.大力发展新兴数字。\n\n发改局\n\n区工信局\n\n各街道办事处\n\n3.积极培育元宇宙。\n\n发改局\n\n区工信局、各街道办事处\n",
        );
        assert_eq!(t.tasks.len(), 3);
        assert_eq!(
            units(&t.tasks[1]),
            [
                (LabelKind::Lead, "发改局".to_string()),
                (LabelKind::Responsible, "区工信局、各街道办事处".to_string())
            ]
        );
        assert_eq!(
            units(&t.tasks[2]),
            [
                (LabelKind::Lead, "发改局".to_string()),
                (LabelKind::Responsible, "区工信局、各街道办事处".to_string())
            ]
        );
    }

    #[test]
    fn prose_is_no_table() {
        assert!(
            tables("责任单位：市民政局\n（一）加强领导。")
                .tasks
                .is_empty()
        );
    }
}
