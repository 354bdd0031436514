//! The numbering at the start of a line (一、 (一) 1. （1） ① 第一章 ——) and
//! how coarse each kind is, so the outline can decide which level holds tasks.

use super::numerals::{is_cn_numeral_char, parse_number};
use super::text::trim_punct;

/// Marker kinds from the coarsest to the finest, in the order notices nest them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MarkerKind {
    /// 第一部分 / 第一篇
    Part,
    /// 第一章
    Chapter,
    /// 一、
    SectionCn,
    /// 第一节
    Node,
    /// 第一条
    Article,
    /// (一)
    ParenCn,
    /// 1. / 1、
    Arabic,
    /// (1)
    ParenArabic,
    /// ①
    Circled,
    /// —— ● ◆
    Bullet,
}

pub const KIND_COUNT: usize = 10;

impl MarkerKind {
    pub const ALL: [MarkerKind; KIND_COUNT] = [
        MarkerKind::Part,
        MarkerKind::Chapter,
        MarkerKind::SectionCn,
        MarkerKind::Node,
        MarkerKind::Article,
        MarkerKind::ParenCn,
        MarkerKind::Arabic,
        MarkerKind::ParenArabic,
        MarkerKind::Circled,
        MarkerKind::Bullet,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// Kinds that title a group of tasks rather than a duty.
    pub fn is_heading(self) -> bool {
        matches!(
            self,
            MarkerKind::Part | MarkerKind::Chapter | MarkerKind::SectionCn | MarkerKind::Node
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker<'a> {
    pub kind: MarkerKind,
    /// As written, with parentheses made ASCII: `一`, `(一)`, `1`, `第一章`.
    pub number: String,
    /// The line after the marker.
    pub rest: &'a str,
}

pub fn detect(line: &str) -> Option<Marker<'_>> {
    let first = line.chars().next()?;
    match first {
        '第' => ordinal(line),
        '(' | '（' => parenthesised(line),
        '①'..='⑳' => Some(Marker {
            kind: MarkerKind::Circled,
            number: first.to_string(),
            rest: clean_rest(&line[first.len_utf8()..]),
        }),
        // Layout (round 12): the parenthesised numbers as one character
        // (⑴九年义务教育巩固率达到97%), as a word processor sets (1).
        '⑴'..='⒇' => Some(Marker {
            kind: MarkerKind::ParenArabic,
            number: format!("({})", u32::from(first) - u32::from('⑴') + 1),
            rest: clean_rest(&line[first.len_utf8()..]),
        }),
        c if c.is_ascii_digit() => arabic(line),
        c if is_cn_numeral_char(c) => section_cn(line),
        _ => bullet(line),
    }
}

/// Layout: a numbered item whose text opens with a figure (2.50个小区新增…,
/// 4.460个居村…), which alone reads as the decimal 2.50: taken as item
/// `expected` when that is the number the list is at, and the figure is
/// followed by Chinese text rather than a unit of the decimal (2.5%).
pub fn detect_numbered_figure(line: &str, expected: u32) -> Option<Marker<'_>> {
    let digits = leading(line, 3, |c| c.is_ascii_digit());
    if digits.parse::<u32>().ok()? != expected {
        return None;
    }
    let tail = &line[digits.len()..];
    let sep = tail.chars().next().filter(|c| matches!(c, '.' | '．'))?;
    let rest = &tail[sep.len_utf8()..];
    let figure = leading(rest, 8, |c| c.is_ascii_digit());
    let after = rest[figure.len()..].chars().next()?;
    let counted = super::text::is_cjk(after) && !matches!(after, '倍' | '万' | '亿' | '元');
    (!figure.is_empty() && counted).then(|| Marker {
        kind: MarkerKind::Arabic,
        number: digits.to_string(),
        rest: clean_rest(rest),
    })
}

fn clean_rest(s: &str) -> &str {
    trim_punct(s)
}

/// Layout: text from PDFs that puts a space between a number and its
/// separator (1 . 严格管控…, 一 、 承担的…): the space is skipped when a
/// separator follows it.
fn spaced_separator(tail: &str) -> &str {
    match tail.strip_prefix(' ') {
        Some(rest) if rest.starts_with(['.', '．', '、']) => rest,
        _ => tail,
    }
}

/// Leading run of characters satisfying `pred`, at most `max` of them.
fn leading(s: &str, max: usize, pred: impl Fn(char) -> bool) -> &str {
    let mut end = 0;
    for (count, (i, c)) in s.char_indices().enumerate() {
        if count >= max || !pred(c) {
            break;
        }
        end = i + c.len_utf8();
    }
    &s[..end]
}

fn ordinal(line: &str) -> Option<Marker<'_>> {
    let after = &line['第'.len_utf8()..];
    let numeral = leading(after, 5, |c| is_cn_numeral_char(c) || c.is_ascii_digit());
    parse_number(numeral)?;
    let tail = &after[numeral.len()..];
    let (kind, suffix) = [
        ("章", MarkerKind::Chapter),
        ("节", MarkerKind::Node),
        ("部分", MarkerKind::Part),
        ("篇", MarkerKind::Part),
        ("条", MarkerKind::Article),
    ]
    .into_iter()
    .find(|(s, _)| tail.starts_with(s))
    .map(|(s, k)| (k, s))?;
    Some(Marker {
        kind,
        number: format!("第{numeral}{suffix}"),
        rest: clean_rest(&tail[suffix.len()..]),
    })
}

fn parenthesised(line: &str) -> Option<Marker<'_>> {
    let open = line.chars().next()?;
    let inner = line[open.len_utf8()..].trim_start();
    let numeral = leading(inner, 4, |c| is_cn_numeral_char(c) || c.is_ascii_digit());
    parse_number(numeral)?;
    let tail = inner[numeral.len()..].trim_start();
    let close = tail.chars().next()?;
    if close != ')' && close != '）' {
        return None;
    }
    let kind = if numeral.chars().all(|c| c.is_ascii_digit()) {
        MarkerKind::ParenArabic
    } else {
        MarkerKind::ParenCn
    };
    Some(Marker {
        kind,
        number: format!("({numeral})"),
        rest: clean_rest(&tail[close.len_utf8()..]),
    })
}

fn arabic(line: &str) -> Option<Marker<'_>> {
    let digits = leading(line, 3, |c| c.is_ascii_digit());
    let tail = spaced_separator(&line[digits.len()..]);
    let mut chars = tail.chars();
    let sep = chars.next()?;
    let next = chars.next();
    // 。 after the number: the dot as a Chinese input method types it
    // (layout: 1。推动轨道交通… 2。建成… in a city's list of 民生实事); the
    // small full stop ﹒ a news site's editor typed (1﹒全省生产总值…, round 10).
    let kind = match sep {
        '.' | '．' | '、' | '。' | '﹒' => MarkerKind::Arabic,
        ')' | '）' => MarkerKind::ParenArabic,
        _ => return None,
    };
    // 1.5倍 is a number, not an item.
    if next.is_none_or(|c| c.is_ascii_digit()) {
        return None;
    }
    let number = if kind == MarkerKind::ParenArabic {
        format!("({digits})")
    } else {
        digits.to_string()
    };
    Some(Marker {
        kind,
        number,
        rest: clean_rest(&tail[sep.len_utf8()..]),
    })
}

fn section_cn(line: &str) -> Option<Marker<'_>> {
    let numeral = leading(line, 3, |c| is_cn_numeral_char(c) && c != '两');
    parse_number(numeral)?;
    let tail = spaced_separator(&line[numeral.len()..]);
    let sep = tail.chars().next()?;
    if !matches!(sep, '、' | '．' | '.') {
        return None;
    }
    Some(Marker {
        kind: MarkerKind::SectionCn,
        number: numeral.to_string(),
        rest: clean_rest(&tail[sep.len_utf8()..]),
    })
}

fn bullet(line: &str) -> Option<Marker<'_>> {
    let prefixes = ["——", "－－", "--", "●", "•", "◆", "■", "▲", "★", "◇", "√"];
    let prefix = prefixes.iter().find(|p| line.starts_with(**p))?;
    let rest = line[prefix.len()..].trim_start_matches(['—', '－', '-']);
    let rest = clean_rest(rest);
    if rest.is_empty() {
        return None;
    }
    Some(Marker {
        kind: MarkerKind::Bullet,
        number: "——".to_string(),
        rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_and_number(line: &str) -> Option<(MarkerKind, String, String)> {
        detect(line).map(|m| (m.kind, m.number, m.rest.to_string()))
    }

    #[test]
    fn an_item_opening_with_a_figure_when_the_list_is_at_its_number() {
        let m = detect_numbered_figure("2.50个小区新增电动自行车充电设施", 2);
        assert_eq!(
            m.map(|m| (m.number, m.rest)),
            Some(("2".to_string(), "50个小区新增电动自行车充电设施"))
        );
        assert!(detect_numbered_figure("2.50个小区", 3).is_none());
        assert!(detect_numbered_figure("2.5%的增长", 2).is_none());
        assert!(detect_numbered_figure("1.5倍", 1).is_none());
        assert!(detect("2.50个小区").is_none());
    }

    #[test]
    fn recognises_each_marker_kind() {
        let cases = [
            (
                "一、增强社区基本功能",
                MarkerKind::SectionCn,
                "一",
                "增强社区基本功能",
            ),
            ("十二、保障", MarkerKind::SectionCn, "十二", "保障"),
            (
                "2﹒固定资产投资力争增长10%以上",
                MarkerKind::Arabic,
                "2",
                "固定资产投资力争增长10%以上",
            ),
            (
                "(一)承接政务便民服务。",
                MarkerKind::ParenCn,
                "(一)",
                "承接政务便民服务",
            ),
            (
                "（二十二）建立机制",
                MarkerKind::ParenCn,
                "(二十二)",
                "建立机制",
            ),
            ("1.加强领导", MarkerKind::Arabic, "1", "加强领导"),
            ("12、落实", MarkerKind::Arabic, "12", "落实"),
            (
                "13。建成公园城市示范街区35个",
                MarkerKind::Arabic,
                "13",
                "建成公园城市示范街区35个",
            ),
            ("3．推进", MarkerKind::Arabic, "3", "推进"),
            ("（1）开展", MarkerKind::ParenArabic, "(1)", "开展"),
            ("2)开展", MarkerKind::ParenArabic, "(2)", "开展"),
            ("①完善", MarkerKind::Circled, "①", "完善"),
            (
                "⑽城镇保障性安居工程建设",
                MarkerKind::ParenArabic,
                "(10)",
                "城镇保障性安居工程建设",
            ),
            ("第一章 总体要求", MarkerKind::Chapter, "第一章", "总体要求"),
            ("第三节 发展目标", MarkerKind::Node, "第三节", "发展目标"),
            (
                "第二部分 主要任务",
                MarkerKind::Part,
                "第二部分",
                "主要任务",
            ),
            ("第十条 本办法", MarkerKind::Article, "第十条", "本办法"),
            ("——坚持党建引领", MarkerKind::Bullet, "——", "坚持党建引领"),
        ];
        for (line, kind, number, rest) in cases {
            assert_eq!(
                kind_and_number(line),
                Some((kind, number.to_string(), rest.to_string())),
                "{line}"
            );
        }
    }

    #[test]
    fn a_space_before_the_separator_as_pdf_text_has_it() {
        assert_eq!(
            kind_and_number("2 . 以兰考为引领"),
            Some((
                MarkerKind::Arabic,
                "2".to_string(),
                "以兰考为引领".to_string()
            ))
        );
        assert_eq!(
            kind_and_number("一 、 承担的任务"),
            Some((
                MarkerKind::SectionCn,
                "一".to_string(),
                "承担的任务".to_string()
            ))
        );
        assert_eq!(kind_and_number("5 个示范县"), None);
        assert_eq!(kind_and_number("3 .5倍"), None);
    }

    #[test]
    fn ordinary_text_is_no_marker() {
        for line in [
            "1.5倍",
            "2013年2月27日",
            "二〇一三年二月二十七日",
            "十分重要",
            "第一时间处置",
            "(具体指标分解见附件1)",
            "各县(市)、区人民政府",
            "——",
            "",
        ] {
            assert_eq!(kind_and_number(line), None, "{line}");
        }
    }
}
