//! Where a notice says who does a task: label lines (责任单位：…, 牵头单位
//! on its own line with the list below), inline notes at the end of a
//! paragraph (（责任单位：市民政局）) and role notes without a label
//! (（市发改委牵头，市财政局配合）).

use std::sync::LazyLock;

use regex::Regex;

use super::text::{closes, opens, split_trailing_group, trim_punct};

/// What a label says about the units after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelKind {
    /// 责任单位: the first unit leads unless a 牵头 label says otherwise.
    /// So does 部门分工, whose list says each unit's role with a verb (省发展
    /// 改革委牵头，各地、各部门配合; layout: a province's targets each with
    /// 分管省领导 and 部门分工 lines).
    Responsible,
    /// 牵头单位: every unit leads.
    Lead,
    /// 配合单位 / 协同责任单位: every unit assists; so does a target's
    /// 数据提供单位, the unit that supplies its figure (layout: targets
    /// with a bracket of 牵头领导, 牵头单位, 责任单位 and 数据提供单位).
    Assist,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelHit {
    pub kind: LabelKind,
    /// The list as written after the label; empty when it is on the next line.
    pub units_text: String,
    /// The label opens the line, so the line is about units only.
    pub at_line_start: bool,
}

/// Bytes of a unit list continued over several lines: lists below a
/// heading are copied into each of its tasks, so their length is bounded.
const MAX_CONTINUED_LIST: usize = 4000;

impl LabelHit {
    /// More of the list on a line of its own (市民政局、 / 财政局, or one
    /// unit a line); answers whether it was taken (not past the bound).
    pub fn continue_list(&mut self, more: &str) -> bool {
        if self.units_text.len() >= MAX_CONTINUED_LIST {
            return false;
        }
        self.units_text.push('、');
        self.units_text.push_str(more);
        true
    }
}

// Longer labels first where one contains another (牵头责任单位 / 责任单位).
static LABEL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        "牵头责任单位|主要责任单位|主体责任单位|协同责任单位|配合责任单位|牵头单位|牵头部门|主办单位|主责单位|责任单位|责任部门|责任主体|责任处室|承办单位|落实单位|配合单位|配合部门|协办单位|协同单位|协作单位|参与单位|数据提供单位|数据提供部门|部门分工|任务分工|牽頭單位|牽頭部門|責任單位|責任部門|配合單位|配合部門|參與單位|協辦單位|主辦單位|協同單位",
    )
    .ok()
});

fn kind_of(label: &str) -> LabelKind {
    // Mirrors in traditional script (參與單位, round 13) as their words read.
    let folded = super::text::fold_traditional(label);
    let label = folded.as_ref();
    // Layout (round 10): label lines 牵头领导 (a post) / 主要责任单位 /
    // 完成时限: the unit with the main responsibility leads, as the table
    // column of that name does.
    if ["牵头", "牽頭", "主办", "主责", "主要责任"]
        .iter()
        .any(|p| label.starts_with(p))
    {
        LabelKind::Lead
    } else if ["配合", "协办", "协同", "协作", "参与", "数据提供"]
        .iter()
        .any(|p| label.starts_with(p))
    {
        LabelKind::Assist
    } else {
        LabelKind::Responsible
    }
}

/// Words of a note that states the list's convention rather than units:
/// （除标注“分别牵头”外，列第一位为牵头或汇总单位，下同） (layout: the rule
/// note after a list).
const RULE_WORDS: &[&str] = &[
    "下同",
    "列第一位",
    "排第一位",
    "列首位",
    "汇总单位",
    "除标注",
];

pub fn is_rule_note(s: &str) -> bool {
    RULE_WORDS.iter().any(|w| s.contains(w))
}

pub fn contains_label(s: &str) -> bool {
    LABEL.as_ref().is_some_and(|re| {
        re.find_iter(s).any(|m| {
            // Layout (round 11): 部门分工 is a label only before its list
            // (部门分工：省发展改革委牵头…); in 市政府有关工作部门分工负责 it is
            // a department's share of the work.
            // So is 任务分工 (round 13: 任务分工:…副省长负责,省农委总牵头).
            !matches!(m.as_str(), "部门分工" | "任务分工")
                || s[m.end()..].trim_start().starts_with([':', '：'])
        })
    })
}

fn is_colon(c: char) -> bool {
    matches!(c, '：' | ':')
}

/// Labels in `line` that introduce a list of units.
pub fn find_labels(line: &str) -> Vec<LabelHit> {
    let Some(re) = LABEL.as_ref() else {
        return Vec::new();
    };
    // (kind, where the list starts, where the label starts, at line start)
    let mut accepted: Vec<(LabelKind, usize, usize, bool)> = Vec::new();
    for m in re.find_iter(line) {
        let before = &line[..m.start()];
        let after = &line[m.end()..];
        let after_bracket = after.trim_start_matches(['】', ']', ' ']);
        let next = after_bracket.chars().next();
        let at_start = before
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '【' | '[' | '（' | '('))
            .is_empty();
        let prev = before.chars().next_back();
        let accept = if at_start {
            next.is_none_or(|c| is_colon(c) || c.is_whitespace())
                || after_bracket.len() != after.len()
        } else {
            let prev_ok = prev.is_some_and(|c| {
                matches!(
                    c,
                    '（' | '(' | '【' | '[' | '〔' | '［' | '。' | '；' | ';' | '，' | ',' | ' '
                )
            });
            prev_ok && next.is_some_and(is_colon)
        };
        // 任务分工 only before its list (任务分工:…), never in prose.
        if !accept || (m.as_str() == "任务分工" && !next.is_some_and(is_colon)) {
            continue;
        }
        let list_start = line.len() - after_bracket.len();
        let list_start = match next {
            Some(c) if is_colon(c) => list_start + c.len_utf8(),
            _ => list_start,
        };
        accepted.push((kind_of(m.as_str()), list_start, m.start(), at_start));
    }
    let mut hits = Vec::with_capacity(accepted.len());
    for (i, &(kind, list_start, _, at_start)) in accepted.iter().enumerate() {
        let limit = accepted.get(i + 1).map_or(line.len(), |next| next.2);
        let list = cut_list(&line[list_start..limit.max(list_start)]);
        hits.push(LabelHit {
            kind,
            units_text: trim_punct(list).to_string(),
            at_line_start: at_start,
        });
    }
    hits
}

/// Labels of other facts that may share a note with the units:
/// （责任单位：市发改委；完成时限：2018年底）.
const OTHER_LABELS: &[&str] = &[
    "完成时限",
    "完成时间",
    "时间节点",
    "时限要求",
    "完成期限",
    "责任领导",
    "责任人",
    // Layout (round 11): the next label run into the unit (责任单位:莲塘镇任务目标:…).
    "任务目标",
    "工作目标",
    "牵头领导",
];

/// The list ends at a full stop, at the bracket that closes the note it
/// sits in, or where another kind of label starts.
fn cut_list(s: &str) -> &str {
    let s = OTHER_LABELS
        .iter()
        .filter_map(|l| s.find(l))
        .min()
        .map_or(s, |i| &s[..i]);
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        if opens(c) {
            depth += 1;
        } else if closes(c) {
            if depth == 0 {
                return &s[..i];
            }
            depth -= 1;
        } else if c == '。' {
            return &s[..i];
        }
    }
    s
}

/// Contents of bracketed notes that assign roles without a label, e.g.
/// （市发改委牵头，市财政局、市商务局配合）. Only the first sentence of a
/// note counts; the caller checks that what is left reads as units.
pub fn role_notes(line: &str) -> Vec<&str> {
    let mut notes = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    for (i, c) in line.char_indices() {
        if opens(c) {
            if depth == 0 {
                start = i + c.len_utf8();
            }
            depth += 1;
        } else if closes(c) && depth > 0 {
            depth -= 1;
            if depth == 0 {
                let inner = &line[start..i];
                let inner = without_timing(inner.split('。').next().unwrap_or(inner));
                // Layout (round 6): 按职责分工 with whatever verb follows
                // (负责, 落实, a spun copy's 卖力) assigns the units before it.
                let assigns = ["牵头", "牽頭", "负责", "負責", "主办", "主辦"]
                    .iter()
                    .chain(super::units::DIVISION_OF_DUTIES)
                    .any(|w| inner.contains(w));
                if assigns
                    && inner.chars().count() > 2
                    && !contains_label(inner)
                    && !is_rule_note(inner)
                {
                    notes.push(inner);
                }
            }
        }
    }
    notes
}

/// Where one name of a list ends and the next begins.
const LIST_SEPARATORS: [char; 5] = ['、', ',', '，', ';', '；'];

/// A line without the full stop or semicolon that closes it.
fn without_sentence_end(line: &str) -> &str {
    line.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '。' | '；' | ';'))
}

/// Layout (round 10): a page cut short inside the unit note of its last
/// item (…(分管副省长负责,省发改委牵头,省经信委、…国家统计局湖南调查总队等按职责分
/// / (市發展改革委、市財政局、…、人民): the note is closed where the names
/// it holds end, so they are read; a name the cut broke is left out. Answers
/// the text with that note closed, or `None` when the text does not end so.
pub fn close_cut_note(text: &str) -> Option<String> {
    let body = text.trim_end();
    let line_at = body.rfind('\n').map_or(0, |i| i + 1);
    let line = &body[line_at..];
    if !super::text::ends_inside_a_word(line) {
        return None;
    }
    let mut open: Vec<(usize, char)> = Vec::new();
    for (i, c) in line.char_indices() {
        if opens(c) {
            open.push((i, c));
        } else if closes(c) {
            open.pop();
        }
    }
    let &(at, bracket) = open.first()?;
    let closer = match bracket {
        '(' => ')',
        '（' => '）',
        '〔' => '〕',
        '[' => ']',
        '【' => '】',
        _ => return None,
    };
    let inner = &line[at + bracket.len_utf8()..];
    let mut depth = 0usize;
    let mut cut = 0;
    for (i, c) in inner.char_indices() {
        if opens(c) {
            depth += 1;
        } else if closes(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && LIST_SEPARATORS.contains(&c) {
            cut = i + c.len_utf8();
        }
    }
    let tail = &inner[cut..];
    // A label the cut broke (牵头部) is no name either.
    let broken_label = [
        "牵头部门",
        "牵头单位",
        "责任单位",
        "责任部门",
        "配合单位",
        "配合部门",
    ]
    .iter()
    .any(|l| l.starts_with(tail));
    let kept = match tail.find('等') {
        Some(i) if i > 0 => {
            // A role verb the cut broke (…等牵): the word it can only be.
            let after = &tail[i + '等'.len_utf8()..];
            match ["牵头", "负责", "配合"]
                .iter()
                .find(|w| !after.is_empty() && w.starts_with(after))
            {
                Some(word) => format!("{}等{word}", &tail[..i]),
                None => tail[..i].to_string(),
            }
        }
        _ if super::units::ends_like_office(tail) && !broken_label => tail.to_string(),
        _ => String::new(),
    };
    let inner = format!("{}{kept}", &inner[..cut]);
    let inner = inner.trim_end_matches(LIST_SEPARATORS);
    if inner.is_empty() {
        return None;
    }
    Some(format!(
        "{}{}{bracket}{inner}{closer}",
        &body[..line_at],
        &line[..at]
    ))
}

/// Layout (round 10): a role note that ends with when, not who
/// (市政府各部門分別負責,年內持續推進; 省发改委牵头,2021年底前完成): the
/// timing is the task's deadline, read from its text, and not part of the
/// list.
fn without_timing(note: &str) -> &str {
    const TIMING: &[&str] = &[
        "年内",
        "年內",
        "年底",
        "月底",
        "季度",
        "前完成",
        "持续推进",
        "持續推進",
        "长期坚持",
        "長期堅持",
        "长期",
        "長期",
    ];
    const OFFICE: &[&str] = &[
        "局", "委", "厅", "廳", "办", "辦", "政府", "部门", "部門", "单位", "單位",
    ];
    let Some(cut) = note.rfind([',', '，', '；', ';']) else {
        return note;
    };
    let tail = &note[cut..];
    let timing =
        TIMING.iter().any(|w| tail.contains(w)) && !OFFICE.iter().any(|w| tail.contains(w));
    if timing { note[..cut].trim_end() } else { note }
}

/// Layout (round 10): a numbered target followed by a bracket that is only
/// its units, no label and no verb (1.地区生产总值增长7%以上。(市发展改革委,
/// 各县〔市、区〕政府)): the bracket that ends the line. The caller checks
/// that it reads as units; a bare list, so the first leads.
pub fn bare_unit_note(line: &str) -> Option<&str> {
    let end = without_sentence_end(line);
    if end.ends_with('》') {
        return None;
    }
    let (before, inner) = split_trailing_group(end)?;
    // Only after the target's own text, never a whole line.
    (!before.trim().is_empty() && !contains_label(inner) && !is_rule_note(inner))
        .then_some(inner.trim())
}

/// Verbs that close a clause naming who does the work (市发改委牵头,
/// 各县区配合).
const CLAUSE_ROLE_VERBS: [&str; 6] = ["负责", "牵头", "配合", "协助", "参与", "协办"];

/// Layout (round 10): the line after a numbered item that names who
/// carries it out (由市发展改革委,各县市区人民政府负责落实). Answers the
/// list between 由 and the verb.
pub fn assigned_by(line: &str) -> Option<&str> {
    let rest = without_sentence_end(line.trim().strip_prefix('由')?);
    let verbs = ["负责落实", "负责组织实施", "牵头落实", "组织实施", "负责"];
    if let Some(list) = verbs.iter().find_map(|v| rest.strip_suffix(v)) {
        return (!list.is_empty() && !contains_label(list)).then_some(list);
    }
    // Layout (round 11): the paragraph under an item's heading opens with
    // who does it, then what (由杨志武副市长负责,市发改委牵头,相关部门配合,尽快
    // 完成…): the clauses that end in a role verb. The caller drops the
    // leader (a post) and the collective.
    let mut end = 0;
    for (at, c) in rest.char_indices() {
        if matches!(c, ',' | '，') {
            let clause = &rest[end..at];
            let assigns = CLAUSE_ROLE_VERBS.iter().any(|v| clause.ends_with(v));
            if !assigns {
                break;
            }
            end = at + c.len_utf8();
        }
    }
    let list = rest[..end].trim_end_matches([',', '，']);
    (list.contains("牵头") && !contains_label(list)).then_some(list)
}

/// Layout (round 13): an item whose last sentence names who does it, no
/// brackets (…新增水田面积100万亩。省水利厅牵头,省发改委、农垦总局等单位配合。):
/// that sentence, when each of its clauses ends in a role verb and the
/// first in 牵头. The caller checks that it names units and nothing else.
pub fn closing_role_sentence(text: &str) -> Option<&str> {
    let body = without_sentence_end(text.trim());
    let (before, last) = body.rsplit_once('。')?;
    if before.trim().is_empty() || contains_label(last) {
        return None;
    }
    let last = last.trim();
    let mut clauses = last.split([',', '，']);
    let first = clauses.next()?;
    let ends_in_verb = |c: &str| CLAUSE_ROLE_VERBS.iter().any(|v| c.trim().ends_with(v));
    (first.ends_with("牵头") && clauses.all(ends_in_verb)).then_some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(line: &str) -> Vec<(LabelKind, String, bool)> {
        find_labels(line)
            .into_iter()
            .map(|h| (h.kind, h.units_text, h.at_line_start))
            .collect()
    }

    #[test]
    fn a_closing_sentence_that_names_who_does_it() {
        assert_eq!(
            closing_role_sentence(
                "新增水田面积100万亩。省水利厅牵头,省发改委、农垦总局等单位配合。"
            ),
            Some("省水利厅牵头,省发改委、农垦总局等单位配合")
        );
        assert_eq!(closing_role_sentence("省水利厅牵头,省发改委配合。"), None);
        // A principle, not an assignment: its last clause is no role.
        assert_eq!(
            closing_role_sentence("完成改造。坚持政府牵头,社会参与,群众受益。"),
            None
        );
        assert_eq!(closing_role_sentence("完成改造。加快推进工作。"), None);
    }

    #[test]
    fn a_label_in_tortoise_shell_brackets_after_the_text() {
        assert_eq!(
            hits(
                "(一)加强市场体系建设。〔责任单位:省发展改革委、省市场监管局按职责分工负责。具体任务均涉及相关市(州)人民政府,下同。〕"
            ),
            [(
                LabelKind::Responsible,
                "省发展改革委、省市场监管局按职责分工负责".to_string(),
                false
            )]
        );
    }

    #[test]
    fn label_lines_with_and_without_colon() {
        assert_eq!(
            hits("责任单位:市文广新局、体育局"),
            [(
                LabelKind::Responsible,
                "市文广新局、体育局".to_string(),
                true
            )]
        );
        assert_eq!(
            hits("牵头单位：市发改委"),
            [(LabelKind::Lead, "市发改委".to_string(), true)]
        );
        assert_eq!(
            hits("配合单位 市财政局"),
            [(LabelKind::Assist, "市财政局".to_string(), true)]
        );
        assert_eq!(
            hits("【协同责任单位】市商务局"),
            [(LabelKind::Assist, "市商务局".to_string(), true)]
        );
        assert_eq!(
            hits("责任部门："),
            [(LabelKind::Responsible, String::new(), true)]
        );
    }

    #[test]
    fn a_page_cut_short_inside_its_last_unit_note() {
        assert_eq!(
            close_cut_note("一、任务\n1.目标。(分管副省长负责,省发改委牵头,省经信委、国家统计局湖南调查总队等按职责分").as_deref(),
            Some("一、任务\n1.目标。(分管副省长负责,省发改委牵头,省经信委、国家统计局湖南调查总队)")
        );
        assert_eq!(
            close_cut_note("2.糧食產量達到228.5萬噸。(市發展改革委、市財政局、人民\n").as_deref(),
            Some("2.糧食產量達到228.5萬噸。(市發展改革委、市財政局)")
        );
        assert_eq!(
            close_cut_note("四、完善惠企政策。〔省发展改革委、省数据局(省营商局)等牵").as_deref(),
            Some("四、完善惠企政策。〔省发展改革委、省数据局(省营商局)等牵头〕")
        );
        // Text that ends whole, or inside no bracket, is left as it is.
        assert_eq!(close_cut_note("1.目标。(省发改委牵头)"), None);
        assert_eq!(close_cut_note("1.加快推进城乡供水一体化建"), None);
        assert_eq!(close_cut_note("1.目标。(牵头部"), None);
    }

    #[test]
    fn a_departments_share_of_the_work_is_no_label() {
        assert_eq!(
            role_notes("实施重点项目。(市发改委牵头,各县区政府、市政府有关工作部门分工负责)"),
            ["市发改委牵头,各县区政府、市政府有关工作部门分工负责"]
        );
        assert!(contains_label("部门分工：省发展改革委牵头"));
        assert!(!contains_label("工作部门分工负责"));
        assert!(contains_label("任务分工:吕维峰副省长负责,省农委总牵头"));
        assert!(!contains_label("明确任务分工,压实责任"));
        assert!(find_labels("明确任务分工 压实责任").is_empty());
    }

    #[test]
    fn a_role_note_that_ends_with_its_timing() {
        assert_eq!(
            role_notes("保持社会和谐稳定。(市政府各部門分別負責,年內持續推進)"),
            ["市政府各部門分別負責"]
        );
        assert_eq!(
            role_notes("推进改革。(市发改委牵头,市财政局配合,2021年底前完成)"),
            ["市发改委牵头,市财政局配合"]
        );
        assert_eq!(
            role_notes("推进改革。(市发改委牵头,市财政局、市审计局配合)"),
            ["市发改委牵头,市财政局、市审计局配合"]
        );
    }

    #[test]
    fn a_bracket_of_units_alone_after_a_target() {
        assert_eq!(
            bare_unit_note("1.地区生产总值增长7%以上。(市发展改革委,各县〔市、区〕政府)"),
            Some("市发展改革委,各县〔市、区〕政府")
        );
        assert_eq!(
            bare_unit_note("3.研发投入强度超过2.4%。(市科技局,各县〔市、区〕政府)。"),
            Some("市科技局,各县〔市、区〕政府")
        );
        // A title in book brackets, a whole bracketed line, a rule note.
        assert_eq!(bare_unit_note("贯彻落实《政府工作报告》"), None);
        assert_eq!(bare_unit_note("(此件公开发布)"), None);
        assert_eq!(bare_unit_note("推进改革。(列第一位的为牵头单位)"), None);
        assert_eq!(bare_unit_note("推进改革。(责任单位:市民政局)"), None);
    }

    #[test]
    fn a_line_that_says_who_carries_the_item_out() {
        assert_eq!(
            assigned_by("由市发展改革委,各县市区人民政府,市经济开发区管委会负责落实"),
            Some("市发展改革委,各县市区人民政府,市经济开发区管委会")
        );
        assert_eq!(assigned_by("由市交通运输局负责。"), Some("市交通运输局"));
        assert_eq!(
            assigned_by("由杨志武副市长负责,市发改委牵头,相关部门配合,尽快完成实施方案。"),
            Some("杨志武副市长负责,市发改委牵头,相关部门配合")
        );
        assert_eq!(assigned_by("由此带来的变化"), None);
        assert_eq!(assigned_by("由市政府负责,做好衔接"), None);
        assert_eq!(assigned_by("由市交通运输局、市公路局"), None);
    }

    #[test]
    fn the_next_label_run_into_the_unit() {
        assert_eq!(
            hits("责任单位:莲塘镇任务目标:2024年计划改造完成莲塘镇莲水巷"),
            [(LabelKind::Responsible, "莲塘镇".to_string(), true)]
        );
    }

    #[test]
    fn the_unit_with_the_main_responsibility_leads() {
        assert_eq!(
            hits("主要责任单位:区发展改革委"),
            [(LabelKind::Lead, "区发展改革委".to_string(), true)]
        );
        assert_eq!(
            hits("  主要责任单位：区财政局、区税务局"),
            [(LabelKind::Lead, "区财政局、区税务局".to_string(), true)]
        );
    }

    #[test]
    fn inline_notes_at_the_end_of_a_paragraph() {
        assert_eq!(
            hits("开展社区服务。（责任单位：市民政局）"),
            [(LabelKind::Responsible, "市民政局".to_string(), false)]
        );
        assert_eq!(
            hits("推进改革（牵头单位：市发改委；配合单位：市财政局、市商务局）。"),
            [
                (LabelKind::Lead, "市发改委".to_string(), false),
                (LabelKind::Assist, "市财政局、市商务局".to_string(), false),
            ]
        );
    }

    #[test]
    fn a_targets_data_supplier_assists() {
        assert_eq!(
            hits(
                "(一) 地区生产总值增长7.5%左右。(牵头领导:谢某,牵头单位:市发改委,数据提供单位:市统计局)"
            ),
            [
                (LabelKind::Lead, "市发改委".to_string(), false),
                (LabelKind::Assist, "市统计局".to_string(), false),
            ]
        );
    }

    #[test]
    fn a_deadline_in_the_same_note_ends_the_list() {
        assert_eq!(
            hits("（责任单位：市发改委；完成时限：2018年底）"),
            [(LabelKind::Responsible, "市发改委".to_string(), true)]
        );
    }

    #[test]
    fn words_in_a_sentence_are_no_label() {
        assert!(hits("明确责任单位和完成时限").is_empty());
        assert!(hits("责任单位要切实履行职责").is_empty());
    }

    #[test]
    fn a_note_ending_in_by_duties_with_any_verb_assigns_roles() {
        assert_eq!(
            role_notes("推行市场化运作。(省发改委、水利厅等省有关部门按职责分工推进)"),
            ["省发改委、水利厅等省有关部门按职责分工推进"]
        );
    }

    #[test]
    fn role_notes_without_labels() {
        assert_eq!(
            role_notes("加快建设。（市发改委牵头，市财政局配合）"),
            ["市发改委牵头，市财政局配合"]
        );
        assert!(role_notes("（具体指标分解见附件1）").is_empty());
        assert!(role_notes("（除标注“分别牵头”外，列第一位为牵头或汇总单位，下同）").is_empty());
        assert_eq!(
            role_notes("〔市生态环境局牵头，各县、区人民政府(管委会)负责落实。以下不再列出。〕"),
            ["市生态环境局牵头，各县、区人民政府(管委会)负责落实"]
        );
    }
}
