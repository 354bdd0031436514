//! Quantitative targets in a task's text: 满意率达90%, 不少于400平方米,
//! 控制在5%以内, and the paired form 城市社区“开放式”办公、“一站式”服务率
//! 分别达95%和85%以上, which names two indicators.

use chrono::Datelike;

use super::deadline::{self, phrase_len_at};
use super::model::{Comparator, Indicator};
use super::quantity::{Quantity, scan};
use super::text::{is_cjk, split_top_level, starts_with_at as starts_with, take_chars, trim_punct};

const MAX_NAME: usize = 60;
/// Subjects are read from at most this many characters before the verb.
const MAX_SUBJECT: usize = 120;
/// Filler is stripped a bounded number of times, whatever the input.
const MAX_STRIP_ROUNDS: usize = 8;

/// Words that compare the subject before them with the number after them.
const COMPARING: &[(&str, Comparator)] = &[
    ("不少于", Comparator::AtLeast),
    ("不低于", Comparator::AtLeast),
    ("不小于", Comparator::AtLeast),
    ("至少", Comparator::AtLeast),
    ("超过", Comparator::AtLeast),
    ("高于", Comparator::AtLeast),
    ("大于", Comparator::AtLeast),
    ("达到", Comparator::AtLeast),
    ("提高到", Comparator::AtLeast),
    ("提高至", Comparator::AtLeast),
    ("提升到", Comparator::AtLeast),
    ("提升至", Comparator::AtLeast),
    ("增加到", Comparator::AtLeast),
    ("增加至", Comparator::AtLeast),
    ("增长到", Comparator::AtLeast),
    ("增至", Comparator::AtLeast),
    ("突破", Comparator::AtLeast),
    ("达", Comparator::AtLeast),
    ("≥", Comparator::AtLeast),
    ("不超过", Comparator::AtMost),
    ("不高于", Comparator::AtMost),
    ("不大于", Comparator::AtMost),
    ("低于", Comparator::AtMost),
    ("小于", Comparator::AtMost),
    ("少于", Comparator::AtMost),
    ("控制在", Comparator::AtMost),
    ("降至", Comparator::AtMost),
    ("降低到", Comparator::AtMost),
    ("降低至", Comparator::AtMost),
    ("下降到", Comparator::AtMost),
    ("下降至", Comparator::AtMost),
    ("≤", Comparator::AtMost),
    ("保持在", Comparator::Equal),
    ("稳定在", Comparator::Equal),
    ("占", Comparator::Equal),
    ("下降", Comparator::AtLeast),
    ("降低", Comparator::AtLeast),
    ("减少", Comparator::AtLeast),
    ("增长", Comparator::AtLeast),
    ("提高", Comparator::AtLeast),
    ("提升", Comparator::AtLeast),
    ("增加", Comparator::AtLeast),
];

/// Comparing words that belong in the name: 能耗下降5% measures the fall,
/// 增加值占生产总值比重35% the share.
const NAMED_WITH_VERB: &[&str] = &["占", "下降", "降低", "减少", "增长", "提高", "提升", "增加"];

/// Words of doing, whose object is what is counted (新增社区社会组织2个):
/// the name is the whole phrase rather than the subject alone.
const ACTING: &[&str] = &[
    "新增", "建有", "建成", "培育", "配备", "覆盖", "完成", "建设", "开展", "培训", "发展", "创建",
];

const LEADING_FILLER: &[&str] = &[
    "确保",
    "力争",
    "努力",
    "争取",
    "其中",
    "使",
    "实现",
    "并且",
    "并",
    "且",
    "要",
    "都",
    "均",
    "基本",
    "进一步",
    "全面",
];
const TRAILING_FILLER: &[&str] = &[
    "分别", "均", "都", "要", "应", "必须", "需", "须", "稳定", "保持", "要求", "的", "基本",
    "全部",
];

/// Finds the targets of one task; `cores` carries the names of a 分别 pair
/// to a later clause that repeats the pattern for another subject
/// (城市社区… 分别达95%和85%以上、农村社区分别达90%和80%以上).
pub fn find_indicators(text: &str) -> Vec<Indicator> {
    let mut out = Vec::new();
    let mut cores: Vec<String> = Vec::new();
    for clause in split_top_level(text, |c| {
        matches!(
            c,
            '。' | '；' | ';' | '，' | ',' | '：' | ':' | '！' | '？' | '\n'
        )
    }) {
        let chars: Vec<char> = clause.chars().collect();
        read_clause(&chars, &mut cores, &mut out);
    }
    out
}

struct Group {
    items: Vec<Quantity>,
}

impl Group {
    fn start(&self) -> usize {
        self.items.first().map_or(0, |q| q.start)
    }
    fn after(&self) -> usize {
        self.items.last().map_or(0, |q| q.after)
    }
    fn qualifier(&self) -> Option<Comparator> {
        self.items.last().and_then(|q| q.qualifier)
    }
}

/// 95%和85%以上 is one group: numbers joined by 和 、 及 与 share a verb.
fn groups(chars: &[char], quantities: Vec<Quantity>) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for q in quantities {
        if let Some(last) = out.last_mut()
            && let Some(prev) = last.items.last()
            && q.start == prev.after + 1
            && matches!(
                chars.get(prev.after),
                Some('和' | '、' | '及' | '与' | '或')
            )
        {
            last.items.push(q);
            continue;
        }
        out.push(Group { items: vec![q] });
    }
    out
}

fn read_clause(chars: &[char], cores: &mut Vec<String>, out: &mut Vec<Indicator>) {
    let groups = groups(chars, scan(chars));
    // Verbs are looked for only since the previous number, so a clause is
    // read once; the subject may reach back over numbers that were no target.
    let mut scan_from = 0;
    let mut subject_from = 0;
    let count = groups.len();
    for (gi, group) in groups.iter().enumerate() {
        let segment_end = group.start();
        let verb = last_verb(chars, scan_from, segment_end);
        scan_from = group.after();
        let cmp = match (group.qualifier(), verb) {
            (Some(q), _) => q,
            (None, Some((_, _, Some(c), _))) => c,
            (None, Some((_, _, None, _))) | (None, None) => continue,
        };
        let items: Vec<&Quantity> = group
            .items
            .iter()
            .filter(|q| !q.unit.is_empty() || unitless_ok(chars, q))
            .collect();
        if items.is_empty() {
            continue;
        }
        let object_follows = gi + 1 == count && has_object(chars, group.after());
        let before_verb: String = verb
            .map(|v| {
                chars[v.0.saturating_sub(4).max(subject_from)..v.0]
                    .iter()
                    .collect()
            })
            .unwrap_or_default();
        let respectively = before_verb.trim_end().ends_with("分别");
        let subject_end = match verb {
            _ if object_follows => chars.len(),
            Some(v) if v.3 && !respectively => segment_end,
            Some(v) if v.2.is_some() => v.0,
            _ => segment_end,
        };
        let from = subject_from.max(subject_end.saturating_sub(MAX_SUBJECT));
        let subject_text: String = chars[from..subject_end].iter().collect();
        subject_from = group.after();
        let subject = clean_name(&subject_text);
        let target_year = year_before(chars, segment_end);
        let names = if respectively && items.len() > 1 {
            distribute(&subject, items.len(), cores)
        } else {
            vec![subject; items.len()]
        };
        for (q, name) in items.iter().zip(names) {
            if name.is_empty() {
                continue;
            }
            out.push(Indicator {
                name,
                target: q.value.clone(),
                unit: q.unit.clone(),
                comparator: cmp,
                kind: None,
                target_year,
            });
        }
    }
}

/// 到2025年末, 覆盖率达到90%: the year of the last explicit deadline
/// before the target in its clause.
fn year_before(chars: &[char], end: usize) -> Option<i32> {
    let before: String = chars.get(..end)?.iter().collect();
    deadline::scan(&before, &deadline::DeadlineContext::default())
        .into_iter()
        .filter_map(|f| f.date)
        .map(|d| d.year())
        .next_back()
}

/// A bare number counts only right after a comparing word and before
/// punctuation: 达到3000 yes, 达到60岁 no.
fn unitless_ok(chars: &[char], q: &Quantity) -> bool {
    !chars.get(q.end).is_some_and(|c| is_cjk(*c))
        && COMPARING.iter().any(|(w, _)| {
            q.start >= w.chars().count() && starts_with(chars, q.start - w.chars().count(), w)
        })
}

/// The comparing or acting word closest before `end`: (start, end,
/// comparator, whether the word belongs in the name).
type Verb = (usize, usize, Option<Comparator>, bool);

fn last_verb(chars: &[char], from: usize, end: usize) -> Option<Verb> {
    // The cheap character test first: this runs at every position.
    let fits = |i: usize, w: &str| starts_with(chars, i, w) && i + w.chars().count() <= end;
    let mut best: Option<Verb> = None;
    let mut i = from;
    while i < end {
        let hit = COMPARING
            .iter()
            .find(|(w, _)| fits(i, w))
            .map(|(w, c)| {
                (
                    i,
                    i + w.chars().count(),
                    Some(*c),
                    NAMED_WITH_VERB.contains(w),
                )
            })
            .or_else(|| {
                ACTING
                    .iter()
                    .find(|w| fits(i, w))
                    .map(|w| (i, i + w.chars().count(), None, true))
            });
        match hit {
            // Resume after the word, so 少于 inside 不少于 is not a second verb.
            Some(found) => {
                i = found.1;
                best = Some(found);
            }
            None => i += 1,
        }
    }
    best
}

/// Words after the number name what is counted (覆盖50%以上的城乡社区).
fn has_object(chars: &[char], from: usize) -> bool {
    chars
        .get(from..)
        .is_some_and(|rest| rest.iter().filter(|c| is_cjk(**c)).count() >= 2)
}

fn clean_name(raw: &str) -> String {
    let mut s = trim_punct(raw).trim_start_matches(['和', '及', '与', '、']);
    for _ in 0..MAX_STRIP_ROUNDS {
        let before = s;
        s = trim_punct(s);
        for word in LEADING_FILLER {
            if let Some(rest) = s.strip_prefix(word) {
                s = rest;
            }
        }
        let chars: Vec<char> = s.chars().collect();
        if let Some(len) = phrase_len_at(&chars, 0) {
            let skip: usize = chars[..len].iter().map(|c| c.len_utf8()).sum();
            s = &s[skip..];
        }
        for word in TRAILING_FILLER {
            if let Some(rest) = s.strip_suffix(word) {
                s = rest;
            }
        }
        if s == before {
            break;
        }
    }
    take_chars(trim_punct(s), MAX_NAME)
}

/// 城市、农村和谐社区达标率: short parallel qualifiers share the tail of
/// the last part (城市和谐社区达标率, 农村和谐社区达标率).
fn shared_tail(parts: &[&str]) -> Option<Vec<String>> {
    let (last, firsts) = parts.split_last()?;
    let width = firsts.first()?.chars().count();
    let parallel = firsts
        .iter()
        .all(|p| p.chars().count() == width && width <= 3 && !p.contains('“'));
    if !parallel || last.chars().count() <= width + 1 {
        return None;
    }
    let tail: String = last.chars().skip(width).collect();
    let mut names: Vec<String> = firsts.iter().map(|p| format!("{p}{tail}")).collect();
    names.push((*last).to_string());
    Some(names)
}

/// Names for `k` values of a 分别 clause: one per listed subject, with the
/// shared scope (城市社区) and measure (率) written into each.
fn distribute(subject: &str, k: usize, cores: &mut Vec<String>) -> Vec<String> {
    // 和 and 及 also occur inside words (和谐), so they split only when 、
    // alone does not give one part per value.
    let mut parts = split_top_level(subject, |c| c == '、');
    if parts.len() != k {
        parts = split_top_level(subject, |c| matches!(c, '、' | '和' | '及'));
    }
    if parts.len() == k
        && let Some(names) = shared_tail(&parts)
    {
        return names;
    }
    if parts.len() == k {
        let suffix = ["率", "比例", "比重", "数量", "面积"]
            .into_iter()
            .find(|s| parts.last().is_some_and(|p| p.ends_with(s)));
        let scope = parts
            .first()
            .and_then(|p| p.split_once('“'))
            .map(|(scope, _)| scope.to_string())
            .filter(|_| parts.iter().skip(1).all(|p| p.starts_with('“')));
        let mut names = Vec::with_capacity(k);
        let mut new_cores = Vec::with_capacity(k);
        for (i, part) in parts.iter().enumerate() {
            let mut core = part.to_string();
            if let Some(scope) = &scope
                && i == 0
            {
                core = core
                    .strip_prefix(scope.as_str())
                    .unwrap_or(&core)
                    .to_string();
            }
            if let Some(suffix) = suffix
                && !core.ends_with(suffix)
            {
                core.push_str(suffix);
            }
            let name = match &scope {
                Some(scope) => format!("{scope}{core}"),
                None => core.clone(),
            };
            names.push(name);
            new_cores.push(core);
        }
        if scope.is_some() {
            *cores = new_cores;
        }
        return names;
    }
    if cores.len() == k {
        return cores.iter().map(|c| format!("{subject}{c}")).collect();
    }
    (1..=k).map(|_| subject.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(String, String, String, Comparator)> {
        find_indicators(text)
            .into_iter()
            .map(|i| (i.name, i.target, i.unit, i.comparator))
            .collect()
    }

    fn ind(
        name: &str,
        target: &str,
        unit: &str,
        cmp: Comparator,
    ) -> (String, String, String, Comparator) {
        (name.into(), target.into(), unit.into(), cmp)
    }

    #[test]
    fn paired_targets_name_each_subject() {
        let got = read(
            "城市社区“开放式”办公、“一站式”服务率分别达95%和85%以上、农村社区分别达90%和80%以上。",
        );
        assert_eq!(
            got,
            [
                ind("城市社区“开放式”办公率", "95", "%", Comparator::AtLeast),
                ind("城市社区“一站式”服务率", "85", "%", Comparator::AtLeast),
                ind("农村社区“开放式”办公率", "90", "%", Comparator::AtLeast),
                ind("农村社区“一站式”服务率", "80", "%", Comparator::AtLeast),
            ]
        );
        assert_eq!(
            read("确保选民参与率和一次选举成功率分别达93%和98%以上"),
            [
                ind("选民参与率", "93", "%", Comparator::AtLeast),
                ind("一次选举成功率", "98", "%", Comparator::AtLeast),
            ]
        );
    }

    #[test]
    fn parallel_qualifiers_share_the_tail() {
        assert_eq!(
            read("确保城市、农村和谐社区达标率分别达75%和65%以上"),
            [
                ind("城市和谐社区达标率", "75", "%", Comparator::AtLeast),
                ind("农村和谐社区达标率", "65", "%", Comparator::AtLeast),
            ]
        );
    }

    #[test]
    fn each_comparison_form() {
        assert_eq!(
            read("村(居)民对社区卫生服务满意率达90%。"),
            [ind(
                "村(居)民对社区卫生服务满意率",
                "90",
                "%",
                Comparator::AtLeast
            )]
        );
        assert_eq!(
            read("年内城乡社区服务设施及功能达标率达95%以上"),
            [ind(
                "城乡社区服务设施及功能达标率",
                "95",
                "%",
                Comparator::AtLeast
            )]
        );
        assert_eq!(
            read("每个社区用房不少于400平方米"),
            [ind("每个社区用房", "400", "平方米", Comparator::AtLeast)]
        );
        assert_eq!(
            read("城镇登记失业率控制在4%以内"),
            [ind("城镇登记失业率", "4", "%", Comparator::AtMost)]
        );
        assert_eq!(
            read("财政支出不超过500万元"),
            [ind("财政支出", "500", "万元", Comparator::AtMost)]
        );
        assert_eq!(
            read("服务网点达到3000个"),
            [ind("服务网点", "3000", "个", Comparator::AtLeast)]
        );
    }

    #[test]
    fn shares_and_changes_keep_the_verb_in_the_name() {
        assert_eq!(
            read("全市制造业增加值占地区生产总值比重35%左右"),
            [ind(
                "全市制造业增加值占地区生产总值比重",
                "35",
                "%",
                Comparator::Equal
            )]
        );
        assert_eq!(
            read("单位工业增加值能耗年均下降5%"),
            [ind(
                "单位工业增加值能耗年均下降",
                "5",
                "%",
                Comparator::AtLeast
            )]
        );
        assert_eq!(
            read("细颗粒物年均浓度控制在29微克/立方米以下"),
            [ind(
                "细颗粒物年均浓度",
                "29",
                "微克/立方米",
                Comparator::AtMost
            )]
        );
    }

    #[test]
    fn counted_objects_keep_the_whole_phrase() {
        assert_eq!(
            read("2013年,社区信息平台建设与应用覆盖50%以上的城乡社区。"),
            [ind(
                "社区信息平台建设与应用覆盖50%以上的城乡社区",
                "50",
                "%",
                Comparator::AtLeast
            )]
        );
    }

    #[test]
    fn ages_years_and_ranges_are_not_targets() {
        assert!(read("城市社区由7至9人组成。").is_empty());
        assert!(read("建设15分钟社区卫生服务圈").is_empty());
        assert!(read("2013年2月27日").is_empty());
        let got = read("60岁以上老人健康档案建档率达90%。");
        assert_eq!(
            got,
            [ind(
                "60岁以上老人健康档案建档率",
                "90",
                "%",
                Comparator::AtLeast
            )]
        );
    }
}
