//! Recurring duties (issue 13): 每年至少召开四次…, 每月…不少于两次,
//! 每季度召开一次, 每半年开展一次. A duty that recurs is not one deadline:
//! each period has its own, so the phrase becomes a count per period.
//!
//! A period word (每月) is followed, within its clause, by a count of
//! occurrences (四次, 两次) or, after 至少 / 不少于, a count of things done
//! per period (至少培育4个). The scan is bounded look-ahead: linear.

use super::model::{Recurrence, RecurrencePer};
use super::numerals::parse_number;
use super::text::{starts_with_at, take_chars};

/// Characters after a period word that its count may be.
const WINDOW: usize = 40;
const MAX_TEXT: usize = 60;
/// More per period than anyone reports on is a quantity, not a duty.
const MAX_TIMES: u32 = 100;

const PERIODS: &[(&str, RecurrencePer)] = &[
    ("每个季度", RecurrencePer::Quarter),
    ("每季度", RecurrencePer::Quarter),
    ("每季", RecurrencePer::Quarter),
    ("每半年", RecurrencePer::HalfYear),
    ("每个月", RecurrencePer::Month),
    ("每月", RecurrencePer::Month),
    ("每星期", RecurrencePer::Week),
    ("每周", RecurrencePer::Week),
    ("每年度", RecurrencePer::Year),
    ("每年", RecurrencePer::Year),
];

/// Counters of occurrences; 个/家/项 count things and need a 至少 before them.
const OCCURRENCES: &[char] = &['次', '场', '期', '回', '轮', '遍'];
const THINGS: &[char] = &['个', '家', '项', '件', '批', '名'];
const MINIMUMS: &[&str] = &["至少", "不少于", "不低于", "不得少于"];

fn ends_clause(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '，' | ',' | '\n' | '：' | ':' | '每')
}

/// Every recurrence named in `text`, in reading order.
pub fn find(text: &str) -> Vec<Recurrence> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((word, per)) = PERIODS.iter().find(|(w, _)| starts_with_at(&chars, i, w)) else {
            i += 1;
            continue;
        };
        let from = i + word.chars().count();
        match count_after(&chars, from) {
            Some((times, end)) => {
                let clause: String = chars[i..end].iter().collect();
                out.push(Recurrence {
                    per: *per,
                    times,
                    text: take_chars(&clause, MAX_TEXT),
                });
                i = end;
            }
            None => i = from,
        }
    }
    out
}

/// The count of the first number + counter in the clause after `from`,
/// and where it ends.
fn count_after(chars: &[char], from: usize) -> Option<(u32, usize)> {
    let limit = (from + WINDOW).min(chars.len());
    let mut minimum = false;
    let mut j = from;
    while j < limit && !ends_clause(chars[j]) {
        if MINIMUMS.iter().any(|m| starts_with_at(chars, j, m)) {
            minimum = true;
        }
        let start = j;
        while j < limit && is_numeral(chars[j]) {
            j += 1;
        }
        if j > start {
            let n: String = chars[start..j].iter().collect();
            let counter = chars.get(j).copied();
            // 4个以上: the counter may follow 以上.
            let thing = counter.is_some_and(|c| THINGS.contains(&c)) && minimum;
            let occurrence = counter.is_some_and(|c| OCCURRENCES.contains(&c));
            if (thing || occurrence)
                && let Some(times) = parse_number(&n).filter(|t| (1..=MAX_TIMES).contains(t))
            {
                return Some((times, j + 1));
            }
            continue;
        }
        j += 1;
    }
    None
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || super::numerals::is_cn_numeral_char(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(RecurrencePer, u32)> {
        find(text).into_iter().map(|r| (r.per, r.times)).collect()
    }

    #[test]
    fn counts_per_period() {
        assert_eq!(
            read("每年至少召开四次创建工作会议,区级领导每月到社区调研实验工作不少于两次。"),
            [(RecurrencePer::Year, 4), (RecurrencePer::Month, 2)]
        );
        assert_eq!(
            read("每季度召开一次联席会议"),
            [(RecurrencePer::Quarter, 1)]
        );
        assert_eq!(read("每半年开展一次评估"), [(RecurrencePer::HalfYear, 1)]);
        assert_eq!(read("每周五召开2次例会"), [(RecurrencePer::Week, 2)]);
        assert_eq!(
            read("每个社区每年至少培育4个以上社区社会组织"),
            [(RecurrencePer::Year, 4)]
        );
        let r = find("每年至少召开四次创建工作会议");
        assert_eq!(r[0].text, "每年至少召开四次");
    }

    #[test]
    fn schedules_and_quantities_are_no_duties() {
        for text in [
            "每月25日前报送进展",
            "每年年底报送",
            "每年培育4个社区社会组织",
            "每万名城镇常住人口拥有社区工作者18人",
            "每季度",
            "",
        ] {
            assert!(read(text).is_empty(), "{text}");
        }
    }
}
