//! The numbered outline of a notice: which marker level holds sections and
//! which holds tasks, and what text and unit lines belong to each task.
//!
//! Notices nest differently (一、/(一)/1., 第一章/第一节, tasks under 1. with
//! (一) as groups), so the task level is chosen per document: the level the
//! unit labels sit under, or without labels the first level below the
//! sections. A section without items of that level falls back to the next
//! finer level it has (—— bullets last).

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::draft::{TaskDraft, UnitSource};
use super::framing::is_framing;
use super::labels::{self, LabelHit, LabelKind};
use super::markers::{self, KIND_COUNT, Marker, MarkerKind};
use super::model::Section;
use super::noise::is_noise;
use super::text::{Line, cjk_count, find_top_level, take_chars, trim_punct};
use super::units::{parse_unit_list, reads_as_units};

const MAX_SECTION_TITLE: usize = 100;
const MAX_CONTAINER_UNITS: usize = 20;
/// A paragraph read as a task when the notice has no numbering at all.
const MIN_PARAGRAPH_CJK: usize = 20;

static DUE_LABEL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^[【\[]?(?:完成时限|完成时间|时间节点|时限要求|完成期限|办结时限|时间要求)[】\]]?\s*[:：]?\s*")
        .ok()
});

#[derive(Debug)]
enum Kind<'a> {
    Skip,
    /// Issuer and date at the foot of the body.
    End,
    Marker(Marker<'a>),
    /// A line that opens with a unit label.
    Labels(Vec<LabelHit>),
    /// 完成时限：… with the value (maybe empty: on the next line).
    Due(&'a str),
    Text,
}

struct Classified<'a> {
    no: usize,
    text: &'a str,
    kind: Kind<'a>,
    /// Labels and role notes inside a marker or text line.
    inline: Vec<UnitSource>,
}

pub struct Outline {
    pub sections: Vec<Section>,
    pub tasks: Vec<TaskDraft>,
    /// The notice names units somewhere.
    pub has_unit_labels: bool,
    /// Tasks are paragraphs because nothing was numbered.
    pub paragraphs_as_tasks: bool,
    /// Body text outside any task (preamble, section introductions): it
    /// may state targets or a reporting rule for the whole notice. With
    /// `paragraphs_as_tasks` it is the text of those paragraphs.
    pub loose: Vec<(usize, String)>,
    /// Lines of unit labels with no list after them.
    pub dangling_labels: Vec<usize>,
}

pub fn read(lines: &[Line], skip: &HashSet<usize>, signature: &HashSet<usize>) -> Outline {
    let classified = classify(lines, skip, signature);
    let has_unit_labels = classified
        .iter()
        .any(|c| matches!(c.kind, Kind::Labels(_)) || !c.inline.is_empty());
    let levels = choose_levels(&classified);
    let assembled = match levels {
        Some((section_kind, task_kind)) => {
            let first = assemble(&classified, section_kind, task_kind);
            match section_kind {
                // Only section headings: they are the tasks.
                Some(sk) if first.tasks.is_empty() => {
                    let coarser = coarsest_present(&classified, |k| k < sk);
                    assemble(&classified, coarser, sk)
                }
                _ => first,
            }
        }
        None => Assembly::default(),
    };
    if assembled.tasks.is_empty() {
        let tasks = paragraphs(&classified);
        return Outline {
            sections: assembled.sections,
            paragraphs_as_tasks: !tasks.is_empty(),
            tasks,
            has_unit_labels,
            loose: text_before_signature(&classified),
            dangling_labels: assembled.dangling,
        };
    }
    let (mut tasks, framing): (Vec<TaskDraft>, Vec<TaskDraft>) = assembled
        .tasks
        .into_iter()
        .partition(|t| !t.framing || !t.units.is_empty() || !t.inherited_units.is_empty());
    let last_line = classified
        .iter()
        .rev()
        .find(|c| !c.text.trim().is_empty())
        .map(|c| (c.no, c.text.trim()));
    if tasks.last().is_some_and(|t| is_cut_stub(t, last_line)) {
        tasks.pop();
    }
    let mut loose = assembled.loose;
    for t in framing {
        loose.push((t.line, t.head));
        loose.extend(t.body);
    }
    Outline {
        sections: assembled.sections,
        tasks,
        has_unit_labels,
        paragraphs_as_tasks: false,
        loose,
        dangling_labels: assembled.dangling,
    }
}

fn classify<'a>(
    lines: &'a [Line],
    skip: &HashSet<usize>,
    signature: &HashSet<usize>,
) -> Vec<Classified<'a>> {
    let mut out = Vec::with_capacity(lines.len());
    let mut in_attachment_list = false;
    // The number the next 1. 2. 3. item would carry.
    let mut next_arabic: Option<u32> = None;
    // A heading or an item of a coarser kind came before.
    let mut under_heading = false;
    for line in lines {
        let text = line.text.as_str();
        let mut kind = Kind::Text;
        if skip.contains(&line.no) || text.is_empty() || is_noise(text) {
            kind = Kind::Skip;
        } else if signature.contains(&line.no) {
            kind = Kind::End;
            in_attachment_list = false;
        } else if starts_attachment_list(text) {
            kind = Kind::Skip;
            in_attachment_list = true;
        } else if in_attachment_list && is_attachment_entry(text) {
            kind = Kind::Skip;
        } else {
            in_attachment_list = false;
        }
        let mut inline = Vec::new();
        if matches!(kind, Kind::Text) {
            let hits = labels::find_labels(text);
            // Layout: a page's metadata list repeats the notice's title as
            // a bullet (• 某某办公室关于…的通知): a title is no item.
            let marker = markers::detect(text)
                .or_else(|| next_arabic.and_then(|n| markers::detect_numbered_figure(text, n)))
                .filter(|m| {
                    !(m.kind == MarkerKind::Bullet
                        && m.rest.contains("关于")
                        && !m.rest.contains('。')
                        && super::header::ends_like_title(m.rest))
                })
                // Layout: a page's bullets of dates and dashes (• 2021-03-05,
                // • -) beside its share buttons, and its metadata as bullets
                // (• 时间:2023-05-04, • 发布:湖州卫生健康委): no items.
                .filter(|m| {
                    m.kind != MarkerKind::Bullet
                        || (cjk_count(m.rest) >= 2 && !is_page_field(m.rest))
                });
            // Layout (round 13): a project's facets numbered under it
            // ((一)主城区停车场建设项目 / 1.目标任务。… / 2.进度安排。…): parts
            // of the item above, not items of their own.
            let marker = marker.filter(|m| !(under_heading && is_facet(m)));
            if let Some(m) = &marker {
                under_heading |= matches!(
                    m.kind,
                    MarkerKind::Part
                        | MarkerKind::Chapter
                        | MarkerKind::SectionCn
                        | MarkerKind::ParenCn
                );
            }
            if let Some(m) = marker.as_ref().filter(|m| m.kind == MarkerKind::Arabic) {
                next_arabic = m.number.parse::<u32>().ok().map(|n| n + 1);
            }
            if let Some(marker) = marker {
                kind = Kind::Marker(marker);
                inline = inline_sources(text, hits);
            } else if hits.first().is_some_and(|h| h.at_line_start) {
                kind = Kind::Labels(hits);
            } else if let Some(value) = due_label(text) {
                kind = Kind::Due(value);
            } else {
                inline = inline_sources(text, hits);
            }
        }
        out.push(Classified {
            no: line.no,
            text,
            kind,
            inline,
        });
    }
    out
}

/// The facets of a project or item, each a numbered point of its own in
/// some notices: its targets, its schedule, its measures.
const FACETS: &[&str] = &[
    "目标任务",
    "工作目标",
    "主要目标",
    "进度安排",
    "时间安排",
    "时序进度",
    "实施步骤",
    "工作措施",
    "主要措施",
    "具体措施",
    "保障措施",
    "建设内容",
    "建设规模",
    "实施地点",
    "资金来源",
    "资金筹措",
];

/// A numbered point that is a facet (1.目标任务。…, 2.进度安排：…).
fn is_facet(m: &markers::Marker) -> bool {
    matches!(
        m.kind,
        MarkerKind::Arabic | MarkerKind::ParenArabic | MarkerKind::Circled
    ) && FACETS.iter().any(|f| {
        m.rest
            .strip_prefix(f)
            .is_some_and(|r| r.starts_with(['。', ':', '：', '.', '，', ',']))
    })
}

/// `时间:2023-05-04`, `发布:湖州卫生健康委`: a short label and its value,
/// no sentence.
fn is_page_field(rest: &str) -> bool {
    let Some(colon) = rest.find([':', '：']) else {
        return false;
    };
    let label = rest[..colon].trim();
    let n = label.chars().count();
    (1..=4).contains(&n)
        && label.chars().all(super::text::is_cjk)
        && !rest.contains('。')
        && rest.chars().count() <= 40
}

fn inline_sources(text: &str, hits: Vec<LabelHit>) -> Vec<UnitSource> {
    if !hits.is_empty() {
        return hits.into_iter().map(UnitSource::Label).collect();
    }
    let notes: Vec<UnitSource> = labels::role_notes(text)
        .into_iter()
        .filter(|note| {
            // A 牵头 note is about units; a 负责 one only if it names nothing else.
            let lead_note = note.contains("牵头") || note.contains("牽頭");
            if lead_note {
                !parse_unit_list(note).entries.is_empty()
            } else {
                reads_as_units(note)
            }
        })
        .map(|note| UnitSource::RoleNote(note.to_string()))
        .collect();
    if !notes.is_empty() {
        return notes;
    }
    let note = labels::bare_unit_note(text).filter(|list| reads_as_units(list));
    note.or_else(|| {
        labels::assigned_by(text).filter(|list| {
            // A 牵头 clause names units beside a leader (a post, dropped).
            if list.contains("牵头") {
                !parse_unit_list(list).entries.is_empty()
            } else {
                reads_as_units(list)
            }
        })
    })
    .or_else(|| {
        labels::closing_role_sentence(text).filter(|list| {
            let parsed = parse_unit_list(list);
            !parsed.entries.is_empty() && parsed.rejected.is_empty()
        })
    })
    .map(|list| vec![UnitSource::RoleNote(list.to_string())])
    .unwrap_or_default()
}

fn due_label(text: &str) -> Option<&str> {
    let m = DUE_LABEL.as_ref()?.find(text)?;
    Some(trim_punct(&text[m.end()..]))
}

/// 附件：1.… lists attachments by title; those numbered lines are no tasks.
fn starts_attachment_list(text: &str) -> bool {
    text.starts_with("附件") && text.chars().count() <= 60 && !text.contains('。')
}

fn is_attachment_entry(text: &str) -> bool {
    let heading =
        markers::detect(text).is_some_and(|m| m.kind.is_heading() || m.kind == MarkerKind::ParenCn);
    !heading && text.chars().count() <= 60 && !text.contains('。')
}

fn counts(classified: &[Classified]) -> [usize; KIND_COUNT] {
    let mut counts = [0usize; KIND_COUNT];
    for c in classified {
        if let Kind::Marker(m) = &c.kind {
            counts[m.kind.index()] += 1;
        }
    }
    counts
}

fn coarsest_present(
    classified: &[Classified],
    accept: impl Fn(MarkerKind) -> bool,
) -> Option<MarkerKind> {
    let counts = counts(classified);
    MarkerKind::ALL.into_iter().find(|k| {
        accept(*k)
            && counts[k.index()] > 0
            && !matches!(k, MarkerKind::Bullet | MarkerKind::Circled)
    })
}

/// Most characters of an item the page cut right after its marker.
const MAX_STUB_CHARS: usize = 3;

/// Layout (round 6): a stored page cut short right after an item's first
/// word (… 2.加强退税风险防范。… / 3.加快): the last line of the text, an item
/// of a word or two with nothing under it, is no task.
fn is_cut_stub(task: &TaskDraft, last_line: Option<(usize, &str)>) -> bool {
    let head = task.head.trim();
    // Cut mid-sentence: the line ends in a character, not a full stop.
    let cut = last_line
        .is_some_and(|(no, text)| no == task.line && super::text::ends_inside_a_word(text));
    cut && task.body.is_empty()
        && task.units.is_empty()
        && (1..=MAX_STUB_CHARS).contains(&head.chars().count())
        && head.chars().all(super::text::is_cjk)
}

/// Which item level a labelled line speaks for, read in document order.
///
/// Layout: an item whose content is a run of points ((1)…(4)) followed by
/// one unit note on a line of its own (1.完善应急预案体系 / (1)… (4)… /
/// (责任单位:…)): the note closes the item, so it votes for the item's
/// level, not for the last point's. A point that named units of its own
/// keeps the notes after it at the points' level.
#[derive(Default)]
struct LabelLevels {
    last: Option<MarkerKind>,
    /// The coarser item the current run of points sits under.
    parent: Option<MarkerKind>,
    /// Points of the `last` level since `parent`.
    run: usize,
    /// A point of the run named its units itself.
    run_labelled: bool,
}

impl LabelLevels {
    fn vote(&mut self, c: &Classified) -> Option<MarkerKind> {
        if let Kind::Marker(m) = &c.kind {
            match self.last {
                Some(last) if last == m.kind => self.run += 1,
                Some(last) if m.kind > last => {
                    self.parent = Some(last);
                    self.run = 1;
                    self.run_labelled = false;
                }
                _ => {
                    self.parent = None;
                    self.run = 1;
                    self.run_labelled = false;
                }
            }
            self.last = Some(m.kind);
        }
        let labelled = matches!(c.kind, Kind::Labels(_)) || !c.inline.is_empty();
        if !labelled {
            return None;
        }
        let note_alone = match c.kind {
            Kind::Labels(_) => true,
            Kind::Text => c.text.starts_with(['(', '（', '〔', '[', '【']),
            _ => false,
        };
        if note_alone && self.run >= 2 && !self.run_labelled && self.parent.is_some() {
            return self.parent;
        }
        self.run_labelled = true;
        self.last
    }
}

/// (section kind, task kind) for the document.
fn choose_levels(classified: &[Classified]) -> Option<(Option<MarkerKind>, MarkerKind)> {
    let counts = counts(classified);
    let mut votes = [0usize; KIND_COUNT];
    let mut levels = LabelLevels::default();
    for c in classified {
        if let Some(k) = levels.vote(c) {
            votes[k.index()] += 1;
        }
    }
    // Ties go to the finer level, since a label right under a heading often
    // covers the whole section. max_by_key keeps the last maximum.
    let voted = MarkerKind::ALL
        .into_iter()
        .filter(|k| votes[k.index()] > 0)
        .max_by_key(|k| votes[k.index()]);
    // Labels right under headings name the units of the whole section when
    // the section has numbered items of its own: those items are the tasks.
    let finer_items = |k: MarkerKind| {
        MarkerKind::ALL
            .into_iter()
            .any(|f| f > k && f != MarkerKind::Bullet && counts[f.index()] >= 2)
    };
    let task_kind = match voted {
        Some(k) if !(k.is_heading() && finer_items(k)) => k,
        _ => {
            let section = MarkerKind::ALL
                .into_iter()
                .find(|k| k.is_heading() && counts[k.index()] > 0);
            let finer = |k: &MarkerKind| section.is_none_or(|s| *k > s);
            let first_with = |min: usize, bullets: bool| {
                MarkerKind::ALL
                    .into_iter()
                    .filter(finer)
                    .find(|k| (bullets || *k != MarkerKind::Bullet) && counts[k.index()] >= min)
            };
            first_with(2, false)
                .or_else(|| first_with(2, true))
                .or(section)
                .or_else(|| first_with(1, true))?
        }
    };
    let section_kind = coarsest_present(classified, |k| k < task_kind);
    Some((section_kind, task_kind))
}

/// The task kind of each section: the document's task kind where the
/// section has such items, else the coarsest finer kind it has.
fn kinds_per_section(
    classified: &[Classified],
    section_kind: Option<MarkerKind>,
    task_kind: MarkerKind,
) -> Vec<MarkerKind> {
    let mut per_section: Vec<[usize; KIND_COUNT]> = vec![[0; KIND_COUNT]];
    // Labelled lines per section, by the level of the item they fall under.
    let mut votes: Vec<[usize; KIND_COUNT]> = vec![[0; KIND_COUNT]];
    let mut levels = LabelLevels::default();
    for c in classified {
        if let Kind::Marker(m) = &c.kind {
            if Some(m.kind) == section_kind {
                per_section.push([0; KIND_COUNT]);
                votes.push([0; KIND_COUNT]);
                levels = LabelLevels::default();
                continue;
            } else if let Some(current) = per_section.last_mut() {
                current[m.kind.index()] += 1;
            }
        }
        if let (Some(k), Some(current)) = (levels.vote(c), votes.last_mut()) {
            current[k.index()] += 1;
        }
    }
    per_section
        .iter()
        .zip(&votes)
        .map(|(counts, votes)| {
            // Layout: a section whose items of the task level are headings
            // over numbered points that each name their units (二、… (一)全力
            // 推进产业项目建设。 1.…(省发改委主办…) 2.…(省工信委主办…)), while
            // other sections name units at the task level: here the points
            // are the tasks.
            if counts[task_kind.index()] > 0 && votes[task_kind.index()] == 0 {
                let finer = MarkerKind::ALL
                    .into_iter()
                    .find(|k| *k > task_kind && *k != MarkerKind::Bullet && votes[k.index()] >= 2);
                if let Some(finer) = finer {
                    return finer;
                }
            }
            if counts[task_kind.index()] > 0 {
                return task_kind;
            }
            MarkerKind::ALL
                .into_iter()
                .filter(|k| section_kind.is_none_or(|s| *k > s))
                .find(|k| counts[k.index()] > 0)
                .unwrap_or(task_kind)
        })
        .collect()
}

#[derive(Default)]
struct Assembly {
    sections: Vec<Section>,
    tasks: Vec<TaskDraft>,
    current: Option<TaskDraft>,
    section: Option<String>,
    section_units: Vec<(usize, UnitSource)>,
    group_units: Vec<(usize, UnitSource)>,
    /// The lead a section or group heading names (一、县示范区管委会牵头工作).
    section_leads: Vec<(usize, UnitSource)>,
    group_leads: Vec<(usize, UnitSource)>,
    /// The group heading in force that names a lead: its number, and the
    /// tasks and loose lines there were when it began.
    lead_group: Option<(String, usize, usize)>,
    /// A label whose list is on the next line.
    awaiting_units: Option<(LabelKind, usize)>,
    /// Lines of labels whose list never came.
    dangling: Vec<usize>,
    /// The last label's kind, while further lines continue its list.
    continuing_units: Option<LabelKind>,
    awaiting_due: bool,
    /// False before the first heading and after the signature block,
    /// until the next numbered line.
    in_body: bool,
    /// The signature block has passed and no numbered line since.
    ended: bool,
    /// The level of the framing heading in force, if any.
    framing: Option<MarkerKind>,
    loose: Vec<(usize, String)>,
}

impl Assembly {
    fn close(&mut self) {
        if let Some(mut task) = self.current.take() {
            task.inherited_units = if self.group_units.is_empty() {
                self.section_units.clone()
            } else {
                self.group_units.clone()
            };
            task.heading_leads = if self.group_leads.is_empty() {
                self.section_leads.clone()
            } else {
                self.group_leads.clone()
            };
            self.tasks.push(task);
        }
        if let Some((_, line)) = self.awaiting_units.take() {
            self.dangling.push(line);
        }
        self.continuing_units = None;
        self.awaiting_due = false;
    }

    /// Layout (round 9): a group heading that names its lead (（一）省监察厅
    /// 牵头的工作) over one unnumbered paragraph instead of numbered items:
    /// the paragraph is the group's task, with the units the group's label
    /// lines named. Called when the group ends.
    fn close_lead_group(&mut self) {
        let Some((number, tasks, loose)) = self.lead_group.take() else {
            return;
        };
        if self.current.is_some() || self.tasks.len() != tasks || self.loose.len() <= loose {
            return;
        }
        let mut lines = self.loose.split_off(loose).into_iter();
        let Some((line, head)) = lines.next() else {
            return;
        };
        self.tasks.push(TaskDraft {
            number,
            section: self.section.clone(),
            line,
            head,
            body: lines.collect(),
            inherited_units: self.group_units.clone(),
            heading_leads: self.group_leads.clone(),
            ..TaskDraft::default()
        });
    }

    /// Appends a line to the list of the last label, so prefixes carry
    /// across the line break (市民政局、 / 财政局).
    fn continue_units(&mut self, text: &str) {
        let list = match &mut self.current {
            Some(task) => &mut task.units,
            None => &mut self.group_units,
        };
        if let Some((_, UnitSource::Label(hit))) = list.last_mut() {
            hit.continue_list(trim_punct(text));
        }
    }

    fn add_units(&mut self, line: usize, source: UnitSource) {
        match &mut self.current {
            Some(task) => task.units.push((line, source)),
            None if !self.in_body => {}
            None => push_container_units(&mut self.group_units, line, source),
        }
    }
}

fn assemble(
    classified: &[Classified],
    section_kind: Option<MarkerKind>,
    task_kind: MarkerKind,
) -> Assembly {
    let per_section = kinds_per_section(classified, section_kind, task_kind);
    let mut section_index = 0;
    let mut effective = per_section.first().copied().unwrap_or(task_kind);
    let mut a = Assembly::default();
    for (at, c) in classified.iter().enumerate() {
        if let Kind::Marker(m) = &c.kind {
            a.ended = false;
            if a.framing.is_some_and(|level| m.kind <= level) {
                a.framing = None;
            }
            let heading = Some(m.kind) == section_kind || m.kind < effective;
            if heading && is_framing(m.rest) {
                a.framing = Some(m.kind);
            }
        }
        if !matches!(c.kind, Kind::Text | Kind::Skip)
            && let Some((_, line)) = a.awaiting_units.take()
        {
            a.dangling.push(line);
        }
        match &c.kind {
            Kind::Skip => {}
            Kind::End => {
                a.close();
                a.close_lead_group();
                a.in_body = false;
                a.ended = true;
            }
            Kind::Marker(m) if Some(m.kind) == section_kind => {
                a.close();
                a.close_lead_group();
                a.section_leads = heading_leads(m.rest, c.no);
                a.group_leads.clear();
                section_index += 1;
                effective = per_section.get(section_index).copied().unwrap_or(task_kind);
                a.sections.push(Section {
                    number: m.number.clone(),
                    title: heading_title(m.rest),
                });
                a.section = Some(m.number.clone());
                a.section_units.clear();
                a.group_units.clear();
                a.in_body = true;
                for source in &c.inline {
                    push_container_units(&mut a.section_units, c.no, source.clone());
                }
            }
            // Layout (round 13): an item of the grouping level that names
            // its own units and has no items under it ((1)将脱贫人口指标….
            // (牵头单位:扶贫办;…) beside (2)住房安全方面。 / ①…): a task.
            Kind::Marker(m)
                if m.kind == effective
                    || (m.kind < effective
                        && !c.inline.is_empty()
                        && !has_items_under(classified, at, m.kind)) =>
            {
                a.close();
                a.in_body = true;
                a.current = Some(TaskDraft {
                    number: m.number.clone(),
                    section: a.section.clone(),
                    line: c.no,
                    head: m.rest.to_string(),
                    units: c.inline.iter().map(|s| (c.no, s.clone())).collect(),
                    framing: a.framing.is_some() || is_framing(m.rest),
                    ..TaskDraft::default()
                });
            }
            Kind::Marker(m) if m.kind < effective => {
                // A level between sections and tasks groups tasks.
                a.close();
                a.close_lead_group();
                a.in_body = true;
                a.group_units.clear();
                a.group_leads = heading_leads(m.rest, c.no);
                if !a.group_leads.is_empty() {
                    a.lead_group = Some((m.number.clone(), a.tasks.len(), a.loose.len()));
                }
                for source in &c.inline {
                    push_container_units(&mut a.group_units, c.no, source.clone());
                }
            }
            Kind::Marker(_) => {
                a.continuing_units = None;
                body_line(&mut a, c);
            }
            Kind::Labels(hits) => {
                a.continuing_units = None;
                for hit in hits {
                    if hit.units_text.is_empty() && hit.at_line_start {
                        a.awaiting_units = Some((hit.kind, c.no));
                    } else {
                        a.continuing_units = Some(hit.kind);
                        a.add_units(c.no, UnitSource::Label(hit.clone()));
                    }
                }
            }
            Kind::Due(value) => {
                a.continuing_units = None;
                if let Some(task) = &mut a.current {
                    if value.is_empty() {
                        a.awaiting_due = true;
                    } else {
                        task.due_cells.push((c.no, (*value).to_string()));
                    }
                }
            }
            Kind::Text => text_line(&mut a, c),
        }
    }
    a.close();
    a.close_lead_group();
    a
}

/// Layout (round 8, round 9): a heading that names the unit leading the
/// work under it (一、县示范区管委会牵头工作(8项), （一）省编办牵头的工作):
/// that unit as a lead label. A heading naming a person (孟学农省长负责的
/// 工作) or anything else names none.
/// Whether the item at `at` (of `kind`) has items of a finer kind under it,
/// before the next item of its own kind or a coarser one.
fn has_items_under(classified: &[Classified], at: usize, kind: MarkerKind) -> bool {
    classified[at + 1..]
        .iter()
        .find_map(|c| match &c.kind {
            Kind::Marker(m) if m.kind != MarkerKind::Bullet => Some(m.kind > kind),
            Kind::End => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}

fn heading_leads(rest: &str, line: usize) -> Vec<(usize, UnitSource)> {
    let text = trim_punct(rest);
    // The count after it: (8项).
    let text = match text.rfind(['(', '（']) {
        Some(at) if text[at..].contains('项') => trim_punct(&text[..at]),
        _ => text,
    };
    let unit = ["牵头的工作", "牵头工作", "牵头负责的工作"]
        .iter()
        .find_map(|end| text.strip_suffix(end));
    match unit {
        Some(unit) if reads_as_units(unit) => vec![(
            line,
            UnitSource::Label(LabelHit {
                kind: LabelKind::Lead,
                units_text: unit.to_string(),
                at_line_start: true,
            }),
        )],
        _ => Vec::new(),
    }
}

/// Units named for a whole section are copied into each of its tasks, so
/// their number is bounded to keep that copying linear.
fn push_container_units(list: &mut Vec<(usize, UnitSource)>, line: usize, source: UnitSource) {
    if list.len() < MAX_CONTAINER_UNITS {
        list.push((line, source));
    }
}

fn text_line(a: &mut Assembly, c: &Classified) {
    if let Some((kind, _)) = a.awaiting_units.take() {
        a.continuing_units = Some(kind);
        a.add_units(c.no, label_source(kind, c.text));
        return;
    }
    if a.continuing_units.is_some() && is_unit_list_line(c.text) {
        a.continue_units(c.text);
        return;
    }
    a.continuing_units = None;
    if a.awaiting_due {
        a.awaiting_due = false;
        if let Some(task) = &mut a.current {
            task.due_cells.push((c.no, c.text.to_string()));
            return;
        }
    }
    body_line(a, c);
}

/// A paragraph long enough to be a duty of its own.
const MIN_OWN_TASK_CJK: usize = 10;

/// Layout: paragraphs that each end in their own unit note under one
/// numbered item, or whose numbering the page lost (copy damage, mojibake):
/// a paragraph that names its own units after the task already named some
/// is the next task, not more of the same.
fn starts_own_task(task: &TaskDraft, c: &Classified) -> bool {
    matches!(c.kind, Kind::Text)
        && !c.inline.is_empty()
        && !task.units.is_empty()
        // (pieces of one run-together line share its number)
        && task.units.iter().all(|(line, _)| *line <= c.no)
        && cjk_count(c.text) >= MIN_OWN_TASK_CJK
}

fn body_line(a: &mut Assembly, c: &Classified) {
    if let Some(task) = &a.current
        && starts_own_task(task, c)
    {
        let base = task
            .number
            .split('-')
            .next()
            .unwrap_or_default()
            .to_string();
        let next = task
            .number
            .rsplit_once('-')
            .and_then(|(_, k)| k.parse::<usize>().ok())
            .map_or(2, |k| k + 1);
        let section = task.section.clone();
        let framing = task.framing;
        a.close();
        a.current = Some(TaskDraft {
            number: format!("{base}-{next}"),
            section,
            line: c.no,
            head: c.text.to_string(),
            units: c.inline.iter().map(|s| (c.no, s.clone())).collect(),
            framing,
            ..TaskDraft::default()
        });
        return;
    }
    if let Some(task) = &mut a.current {
        task.body.push((c.no, c.text.to_string()));
        for source in &c.inline {
            task.units.push((c.no, source.clone()));
        }
    } else {
        if a.in_body {
            for source in &c.inline {
                push_container_units(&mut a.group_units, c.no, source.clone());
            }
        }
        if !a.ended {
            a.loose.push((c.no, c.text.to_string()));
        }
    }
}

fn label_source(kind: LabelKind, text: &str) -> UnitSource {
    UnitSource::Label(LabelHit {
        kind,
        units_text: trim_punct(text).to_string(),
        at_line_start: true,
    })
}

/// A line below a label that only continues its list of units.
fn is_unit_list_line(text: &str) -> bool {
    text.chars().count() <= 60 && reads_as_units(text)
}

fn heading_title(rest: &str) -> String {
    let cut = find_top_level(rest, |c| matches!(c, '。' | '；' | ';')).unwrap_or(rest.len());
    take_chars(trim_punct(&rest[..cut]), MAX_SECTION_TITLE)
}

fn text_before_signature(classified: &[Classified]) -> Vec<(usize, String)> {
    classified
        .iter()
        .take_while(|c| !matches!(c.kind, Kind::End))
        .filter(|c| matches!(c.kind, Kind::Text))
        .map(|c| (c.no, c.text.to_string()))
        .collect()
}

/// Without any numbering, each substantial paragraph is a task.
///
/// Layout: notices whose numbering was lost (Word's automatic numbering,
/// pages that dropped their markers and punctuation). What is plainly no
/// task stays out:
/// - a cover letter signed above the text it issues: with paragraphs after
///   the signature, the tasks are among those, not in the letter (its
///   title, metadata lines, addressees and approval formula);
/// - a framing heading alone on a line (总体要求, 指导思想) frames the
///   paragraphs under it, up to the next short heading;
/// - the opening purpose sentence (为…，制定本方案) and the guiding-thought
///   formula (以…思想为指导…), which frame the text whatever heads them.
fn paragraphs(classified: &[Classified]) -> Vec<TaskDraft> {
    let substantial =
        |c: &Classified| matches!(c.kind, Kind::Text) && cjk_count(c.text) >= MIN_PARAGRAPH_CJK;
    let after_letter = classified
        .iter()
        .rposition(|c| matches!(c.kind, Kind::End))
        .filter(|&end| classified[end..].iter().any(substantial))
        .map_or(0, |end| end + 1);
    let mut tasks = Vec::new();
    let mut framing = false;
    let mut any_retold = false;
    for c in &classified[after_letter..] {
        if !matches!(c.kind, Kind::Text) {
            continue;
        }
        if !substantial(c) {
            framing = is_framing(c.text);
            continue;
        }
        if framing || frames_the_text(c.text) {
            continue;
        }
        let retold = retold_items(c.text);
        if retold.len() >= MIN_RETOLD {
            if !any_retold {
                // The report around the retold list is no duty.
                tasks.clear();
                any_retold = true;
            }
            for (unit, text) in retold {
                tasks.push(TaskDraft {
                    number: (tasks.len() + 1).to_string(),
                    line: c.no,
                    head: text,
                    units: vec![(
                        c.no,
                        UnitSource::Label(LabelHit {
                            kind: LabelKind::Lead,
                            units_text: unit,
                            at_line_start: true,
                        }),
                    )],
                    ..TaskDraft::default()
                });
            }
            continue;
        }
        if any_retold {
            continue;
        }
        tasks.push(TaskDraft {
            number: (tasks.len() + 1).to_string(),
            line: c.no,
            head: c.text.to_string(),
            units: c.inline.iter().map(|s| (c.no, s.clone())).collect(),
            ..TaskDraft::default()
        });
    }
    tasks
}

/// Fewest units a paragraph must name as subjects to be read as a list.
const MIN_RETOLD: usize = 3;

/// The unit a clause opens with as its subject (市教育局要在11月底…,
/// 赛罕区政府11月底启动…): the name, and where the rest begins.
fn clause_subject(clause: &str) -> Option<(&str, &str)> {
    let clause = clause.trim();
    for (at, c) in clause.char_indices().skip(3).take(20) {
        let name = &clause[..at];
        let verb = matches!(c, '要' | '将' | '在' | '于') || c.is_ascii_digit();
        if verb && super::units::ends_like_office(name) && reads_as_units(name) {
            return Some((name, &clause[at..]));
        }
    }
    None
}

/// Layout (round 13): a news report that retells the task list as prose,
/// each duty a clause whose subject is its unit and which names its month
/// (呼和浩特市住建局要在8月底完成…任务,改造老旧小区333个。9月底完成…,11月底
/// 新建改造道路63条…。市轨道交通公司要加快地铁TOD开发,…,10月底完成年度任务。):
/// a duty per subject, and per further dated clause of the same subject once
/// its duty has a date; a sentence without a subject ends the run.
fn retold_items(text: &str) -> Vec<(String, String)> {
    let dated = |clause: &str| {
        super::deadline::leading_month(clause.trim_start_matches(['要', '在', '于', '将']))
            .is_some()
    };
    let mut items: Vec<(String, String, bool)> = Vec::new();
    let mut open = false;
    for sentence in text.split('。') {
        for (k, clause) in sentence.split([',', '，']).enumerate() {
            let clause = clause.trim();
            if clause.is_empty() {
                continue;
            }
            if let Some((unit, rest)) = clause_subject(clause) {
                items.push((unit.to_string(), clause.to_string(), dated(rest)));
                open = true;
                continue;
            }
            let is_dated = dated(clause);
            if k == 0 && !is_dated {
                // A sentence of its own about something else.
                open = false;
            }
            if !open {
                continue;
            }
            let Some(last) = items.last_mut() else {
                continue;
            };
            if is_dated && last.2 {
                let unit = last.0.clone();
                items.push((unit, clause.to_string(), true));
            } else {
                last.1.push('，');
                last.1.push_str(clause);
                last.2 |= is_dated;
            }
        }
        if let Some(last) = items.last_mut().filter(|_| open) {
            last.1.push('。');
        }
    }
    items
        .into_iter()
        .map(|(unit, text, _)| (unit, text))
        .collect()
}

/// The opening purpose sentence of a programme (为深入贯彻…，结合实际制定本
/// 行动计划) or its guiding-thought formula (以习近平…思想为指导…).
fn frames_the_text(text: &str) -> bool {
    let opening: String = text.chars().take(40).collect();
    (text.starts_with('为')
        && ["制定本", "特制定", "现提出", "提出如下", "制订本"]
            .iter()
            .any(|w| text.contains(w)))
        || text.starts_with('以') && opening.contains("为指导")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::importer::text::split_lines;

    fn outline(text: &str) -> Outline {
        read(&split_lines(text), &HashSet::new(), &HashSet::new())
    }

    fn numbers(o: &Outline) -> Vec<(Option<String>, String)> {
        o.tasks
            .iter()
            .map(|t| (t.section.clone(), t.number.clone()))
            .collect()
    }

    #[test]
    fn tasks_sit_where_the_unit_labels_are() {
        let o = outline(
            "一、总体要求\n(一)加强领导。\n1.建立机制。\n责任单位：市民政局\n2.完善制度。\n责任单位：市财政局\n二、保障\n(二)落实经费。\n1.安排资金。\n责任单位：市财政局",
        );
        assert_eq!(
            numbers(&o),
            [
                (Some("一".into()), "1".into()),
                (Some("一".into()), "2".into()),
                (Some("二".into()), "1".into()),
            ]
        );
        assert_eq!(o.sections.len(), 2);
    }

    #[test]
    fn a_note_after_a_run_of_points_names_the_units_of_their_item() {
        let heads =
            |o: &Outline| -> Vec<String> { o.tasks.iter().map(|t| t.head.clone()).collect() };
        let o = outline(
            "(一)预案建设\n1.完善应急预案体系\n(1)加强预案管理。\n(2)推进预案精编化。\n(3)加强预案演练。\n(责任单位:市应急局、各县人民政府)\n2.健全应急管理体制\n(1)推进机构建设。\n(2)落实专职人员。\n(责任单位:市编办)",
        );
        assert_eq!(heads(&o), ["完善应急预案体系", "健全应急管理体制"]);
        assert_eq!(o.tasks[0].body.len(), 3);
        assert_eq!(o.tasks[0].units.len(), 1);
        // Points that each carry their own note stay the tasks.
        let o = outline(
            "1.安排资金\n(1)编制预算。\n(责任单位:市财政局)\n(2)拨付资金。\n(责任单位:市国资委)\n2.管好资金\n(1)审计资金。\n(责任单位:市审计局)",
        );
        assert_eq!(heads(&o), ["编制预算", "拨付资金", "审计资金"]);
    }

    #[test]
    fn an_item_the_page_cut_after_its_first_word_is_no_task() {
        let o =
            outline("一、财政政策\n1.落实退税政策。按照国家部署办理。\n2.加强风险防范。\n3.加快");
        assert_eq!(o.tasks.len(), 2);
        // Not at the end of the text, or with text of its own, it stays.
        let o = outline("一、财政政策\n1.落实退税政策。\n2.其他\n二、保障\n1.加强领导。");
        assert_eq!(o.tasks.len(), 3);
    }

    #[test]
    fn a_section_names_units_on_the_points_under_its_items() {
        let o = outline(
            "一、主要目标\n(一)增长11%左右。(省发改委负责)\n(二)收入增长13%。(省财政厅负责)\n二、推进项目建设\n(一)全力推进产业项目建设。\n1.抓好重点项目。(省发改委主办,省工信委协办)\n2.抓好燃气轮机项目。(省工信委主办)",
        );
        assert_eq!(
            numbers(&o),
            [
                (Some("一".into()), "(一)".into()),
                (Some("一".into()), "(二)".into()),
                (Some("二".into()), "1".into()),
                (Some("二".into()), "2".into()),
            ]
        );
    }

    #[test]
    fn an_item_opening_with_a_figure_is_an_item() {
        let o = outline(
            "一、实事\n1.既有多层住宅加装电梯新增400台。\n2.50个小区新增电动自行车充电设施。\n3.开设40个爱心暑托班。\n4.460个居村综合文化活动室提供文化活动。",
        );
        let heads: Vec<&str> = o.tasks.iter().map(|t| t.head.as_str()).collect();
        assert_eq!(heads.len(), 4, "{heads:?}");
        assert!(heads[1].starts_with("50个小区"));
        assert_eq!(o.tasks[3].number, "4");
    }

    #[test]
    fn a_title_in_a_bullet_list_of_page_metadata_is_no_item() {
        let o = outline(
            "• 新密市人民政府办公室 关于做好重点工作任务落实的通知\n各乡镇人民政府:\n1.严格管控债务。\n责任单位:市财政局\n2.加强风貌管理。\n责任单位:市住建局",
        );
        assert_eq!(o.tasks.len(), 2);
        assert_eq!(o.tasks[0].number, "1");
        // Nor are a page's bullets without words, or of its metadata.
        let o = outline(
            "• 2021-03-05\n• -\n• 时间:2023-05-04 08:58:16\n• 发布:湖州卫生健康委\n1.严格管控债务。\n责任单位:市财政局",
        );
        assert_eq!(o.tasks.len(), 1);
    }

    #[test]
    fn without_labels_the_first_level_below_sections_holds_tasks() {
        let o = outline("一、任务\n(一)甲。\n1.细则。\n(二)乙。\n二、保障\n(三)丙。");
        assert_eq!(o.tasks.len(), 3);
        assert_eq!(o.tasks[0].body, [(3, "1.细则。".to_string())]);
    }

    #[test]
    fn a_section_without_task_items_uses_its_bullets() {
        let o = outline(
            "一、工作方法\n——坚持党建引领。\n——坚持人民至上。\n二、任务\n(一)甲。\n(二)乙。",
        );
        assert_eq!(
            numbers(&o),
            [
                (Some("一".into()), "——".into()),
                (Some("一".into()), "——".into()),
                (Some("二".into()), "(一)".into()),
                (Some("二".into()), "(二)".into()),
            ]
        );
    }

    #[test]
    fn units_on_the_next_line_and_inherited_from_the_section() {
        let o = outline(
            "一、任务\n牵头单位：\n市发改委\n(一)甲。\n(二)乙。\n责任单位:\n市民政局、\n财政局",
        );
        assert_eq!(o.tasks.len(), 2);
        assert_eq!(o.tasks[0].units.len(), 0);
        assert_eq!(o.tasks[0].inherited_units.len(), 1);
        assert_eq!(o.tasks[1].units.len(), 1);
    }

    #[test]
    fn a_label_under_a_heading_covers_the_items_below() {
        let o = outline(
            "一、推进产业升级\n牵头单位：市发改委\n(一)甲。\n(二)乙。\n二、保障\n牵头单位：市财政局\n(三)丙。",
        );
        assert_eq!(o.tasks.len(), 3);
        assert!(
            o.tasks
                .iter()
                .all(|t| t.units.is_empty() && t.inherited_units.len() == 1)
        );
    }

    #[test]
    fn framing_chapters_hold_no_tasks() {
        let o = outline(
            "第二章 总体要求\n第一节 指导思想\n坚持以人民为中心。\n第二节 基本原则\n——坚持党建引领。\n——坚持统筹城乡。\n第三章 重点任务\n第一节 健全服务体系\n加强党的领导。\n第二节 完善服务设施\n建设综合服务设施。",
        );
        let titles: Vec<&str> = o.tasks.iter().map(|t| t.head.as_str()).collect();
        assert_eq!(titles, ["健全服务体系", "完善服务设施"]);
        assert!(o.loose.iter().any(|(_, t)| t.contains("坚持党建引领")));
        // Targets with their own units are tasks wherever they stand.
        let o = outline(
            "一、发展目标\n1.地区生产总值增长6%。\n牵头单位:区发改局\n2.财政收入增长5%。\n牵头单位:区财政局",
        );
        assert_eq!(o.tasks.len(), 2);
    }

    #[test]
    fn paragraphs_with_their_own_unit_notes_are_tasks_of_their_own() {
        let o = outline(
            "一、产业\n(一)建设汽车产业基地。(牵头单位:市经贸委;配合单位:市发改委)\n?。ǘ┩七M石化基地建设,抓好乙烯改扩建项目。(牵头单位:市发改委;配合单位:市规划局)\n(三)建设物流园区。(牵头单位:市交委)",
        );
        let numbers: Vec<&str> = o.tasks.iter().map(|t| t.number.as_str()).collect();
        assert_eq!(numbers, ["(一)", "(一)-2", "(三)"]);
        assert!(o.tasks[1].head.contains("石化基地"));
        // A note on its own line still belongs to the task above it.
        let o = outline(
            "(一)建设基地。\n加快进度,确保年内建成投产并达到设计产能。\n(牵头单位:市经贸委)",
        );
        assert_eq!(o.tasks.len(), 1);
    }

    #[test]
    fn headings_alone_become_tasks() {
        let o = outline("一、加强组织领导。各地要高度重视。\n二、强化督查考核。");
        assert_eq!(o.tasks.len(), 2);
        assert!(o.sections.is_empty());
    }

    #[test]
    fn unnumbered_paragraphs_become_tasks() {
        let o = outline("为了加强社区建设工作，推进基层治理现代化，现就有关事项通知如下。\n短句。");
        assert!(o.paragraphs_as_tasks);
        assert_eq!(o.tasks.len(), 1);
    }

    // Round 5 (layout: a notice whose numbering and punctuation were lost).
    #[test]
    fn paragraphs_of_a_cover_letter_and_framing_are_no_tasks() {
        let text = "关于印发某县城镇化建设三年行动计划的通知\n各乡镇人民政府县直各部门\n某县城镇化建设三年行动计划已经县政府同意现印发给你们请认真贯彻执行\n某县人民政府办公室\n2021416\n某县城镇化建设三年行动计划\n为深入贯彻上级关于城镇化建设的重大决策部署结合实际制定本行动计划\n总体要求\n以习近平新时代中国特色社会主义思想为指导牢固树立新发展理念走出一条城镇化发展路子\n海绵化建设——遵循自然规律通过综合施策构建完善生命共同体优化环境\n重点任务\n加快推进县城老旧小区改造全年完成改造小区二十个以上惠及居民三千户\n";
        let lines = split_lines(text);
        let signature: HashSet<usize> = [4, 5].into();
        let o = read(&lines, &HashSet::new(), &signature);
        assert!(o.paragraphs_as_tasks);
        let heads: Vec<&str> = o.tasks.iter().map(|t| t.head.as_str()).collect();
        assert_eq!(
            heads,
            ["加快推进县城老旧小区改造全年完成改造小区二十个以上惠及居民三千户"]
        );
        // A letter with nothing after its signature keeps its paragraphs.
        let o = read(
            &split_lines(
                "各单位要加强社区建设工作推进基层治理现代化认真抓好落实\n某县人民政府办公室\n2021416\n",
            ),
            &HashSet::new(),
            &[2, 3].into(),
        );
        assert_eq!(o.tasks.len(), 1);
    }
}
