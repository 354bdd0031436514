//! Numbers with their measure (95%, 400平方米, 3000个) and the comparison
//! words around them (不少于, 以上, 控制在…以内).

use super::model::Comparator;
use super::text::starts_with_at as starts_with;

/// Measures that make a number a target; longer spellings first. Time
/// words (年, 月, 岁, 分钟) are missing on purpose: 60岁以上 and 2013年 are
/// not targets.
const UNITS: &[&str] = &[
    "微克/立方米",
    "微克每立方米",
    "毫克/立方米",
    "万立方米",
    "立方米",
    "个工作日",
    "工作日",
    "个百分点",
    "百分点",
    "万平方米",
    "平方公里",
    "平方米",
    "万人次",
    "人次",
    "万人",
    "万户",
    "万亩",
    "万吨",
    "万千瓦",
    "千瓦",
    "亿元",
    "万元",
    "公顷",
    "公里",
    "千米",
    "%",
    "‰",
    "元",
    "人",
    "个",
    "家",
    "所",
    "支",
    "户",
    "次",
    "项",
    "件",
    "名",
    "张",
    "台",
    "辆",
    "座",
    "套",
    "间",
    "床",
    "处",
    "条",
    "场",
    "倍",
    "亩",
    "蒸吨",
    "吨",
    "千克",
    "公斤",
    "千瓦时",
    "兆瓦",
    "小时",
    "分钟",
    "天",
    "米",
    "平",
    "万",
    "亿",
];

/// A cell that only names a measure, as a 单位 column holds.
pub fn is_unit(s: &str) -> bool {
    UNITS.contains(&s) || matches!(s, "平方米/百户" | "元/人" | "人/万人")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    pub value: String,
    pub unit: String,
    /// Character offsets of the number and unit.
    pub start: usize,
    pub end: usize,
    /// 以上 / 以下 / 以内 right after the unit.
    pub qualifier: Option<Comparator>,
    /// Offset after the qualifier, or `end` without one.
    pub after: usize,
}

/// Every number in `chars` with the unit and qualifier that follow it.
pub fn scan(chars: &[char]) -> Vec<Quantity> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit()
            || (i > 0 && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '.'))
        {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
        }
        let value: String = chars[start..i].iter().collect();
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        let unit = UNITS.iter().find(|u| starts_with(chars, j, u)).copied();
        let end = unit.map_or(i, |u| j + u.chars().count());
        let (qualifier, after) = qualifier_at(chars, end);
        out.push(Quantity {
            value,
            unit: unit.unwrap_or_default().to_string(),
            start,
            end,
            qualifier,
            after,
        });
        i = end.max(i);
    }
    out
}

fn qualifier_at(chars: &[char], i: usize) -> (Option<Comparator>, usize) {
    for (word, cmp) in [
        ("以上", Comparator::AtLeast),
        ("及以上", Comparator::AtLeast),
        ("以下", Comparator::AtMost),
        ("以内", Comparator::AtMost),
        ("之内", Comparator::AtMost),
        ("左右", Comparator::Equal),
    ] {
        if starts_with(chars, i, word) {
            return (Some(cmp), i + word.chars().count());
        }
    }
    (None, i)
}

/// A table cell that is only a target: `≥30平`, `90%`, `不超过5%`, `〔20〕`.
pub fn parse_cell(cell: &str) -> Option<(String, String, Option<Comparator>)> {
    let cell = cell
        .trim()
        .trim_start_matches(['〔', '[', '［', '（', '('])
        .trim_end_matches(['〕', ']', '］', '）', ')'])
        .trim();
    let (symbol, rest) = leading_comparator(cell);
    let chars: Vec<char> = rest.chars().collect();
    let quantities = scan(&chars);
    let q = quantities.first()?;
    if q.start != 0 || q.after != chars.len() || quantities.len() != 1 {
        return None;
    }
    Some((q.value.clone(), q.unit.clone(), symbol.or(q.qualifier)))
}

fn leading_comparator(cell: &str) -> (Option<Comparator>, &str) {
    for (word, cmp) in [
        (">=", Comparator::AtLeast),
        ("<=", Comparator::AtMost),
        ("≥", Comparator::AtLeast),
        ("≤", Comparator::AtMost),
        ("＞", Comparator::AtLeast),
        ("＜", Comparator::AtMost),
        (">", Comparator::AtLeast),
        ("<", Comparator::AtMost),
        ("不低于", Comparator::AtLeast),
        ("不少于", Comparator::AtLeast),
        ("大于", Comparator::AtLeast),
        ("达到", Comparator::AtLeast),
        ("不超过", Comparator::AtMost),
        ("不高于", Comparator::AtMost),
        ("小于", Comparator::AtMost),
        ("低于", Comparator::AtMost),
    ] {
        if let Some(rest) = cell.strip_prefix(word) {
            return (Some(cmp), rest.trim_start());
        }
    }
    (None, cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_units_and_qualifiers() {
        let chars: Vec<char> = "达95%和85%以上，不少于400平方米，1.5倍，2013年"
            .chars()
            .collect();
        let got: Vec<(String, String, Option<Comparator>)> = scan(&chars)
            .into_iter()
            .map(|q| (q.value, q.unit, q.qualifier))
            .collect();
        assert_eq!(
            got,
            [
                ("95".into(), "%".into(), None),
                ("85".into(), "%".into(), Some(Comparator::AtLeast)),
                ("400".into(), "平方米".into(), None),
                ("1.5".into(), "倍".into(), None),
                ("2013".into(), String::new(), None),
            ]
        );
    }

    #[test]
    fn table_cells() {
        assert_eq!(
            parse_cell("≥30平"),
            Some(("30".into(), "平".into(), Some(Comparator::AtLeast)))
        );
        assert_eq!(parse_cell("90%"), Some(("90".into(), "%".into(), None)));
        assert_eq!(
            parse_cell("5%以内"),
            Some(("5".into(), "%".into(), Some(Comparator::AtMost)))
        );
        assert_eq!(
            parse_cell("〔20〕"),
            Some(("20".into(), String::new(), None))
        );
        assert_eq!(parse_cell("城镇化率"), None);
        assert_eq!(parse_cell("60岁"), None);
    }
}
