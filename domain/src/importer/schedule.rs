//! Reporting schedules (每月 / 每季度 / 每半年 / 每周) as five-field cron
//! expressions, at 09:00 on the day the text names or the 25th, the day
//! the design uses for monthly reports.

use super::numerals::parse_number;
use super::text::starts_with_at;

const DEFAULT_DAY: u32 = 25;
/// The latest day every month has; 每月底 cannot say "last day" in five fields.
const MONTH_END_DAY: u32 = 28;

/// The first reporting schedule named in `text`, if any.
pub fn report_cron(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).find_map(|i| cron_at(&chars, i))
}

/// Offset after `word` when it occurs at `i`.
fn starts_with(chars: &[char], i: usize, word: &str) -> Option<usize> {
    starts_with_at(chars, i, word).then(|| i + word.chars().count())
}

fn cron_at(chars: &[char], i: usize) -> Option<String> {
    if let Some(j) = ["每月", "按月"]
        .iter()
        .find_map(|w| starts_with(chars, i, w))
    {
        let day = day_after(chars, j).unwrap_or(DEFAULT_DAY);
        return Some(format!("0 9 {day} * *"));
    }
    if let Some(j) = ["每季度", "每个季度", "按季度", "每季"]
        .iter()
        .find_map(|w| starts_with(chars, i, w))
    {
        let first_month = ["第一个月", "首月", "初"]
            .iter()
            .find_map(|w| starts_with(chars, j, w));
        let (months, j) = match first_month {
            Some(k) => ("1,4,7,10", k),
            None => ("3,6,9,12", j),
        };
        let day = day_after(chars, j).unwrap_or(DEFAULT_DAY);
        return Some(format!("0 9 {day} {months} *"));
    }
    if starts_with(chars, i, "每半年").is_some() {
        return Some(format!("0 9 {DEFAULT_DAY} 6,12 *"));
    }
    if let Some(j) = starts_with(chars, i, "每周") {
        let weekday = match chars.get(j) {
            Some('一') => 1,
            Some('二') => 2,
            Some('三') => 3,
            Some('四') => 4,
            _ => 5,
        };
        return Some(format!("0 9 * * {weekday}"));
    }
    None
}

/// 25日 / 5号 / 底 right after the period word.
fn day_after(chars: &[char], i: usize) -> Option<u32> {
    let i = starts_with(chars, i, "的").unwrap_or(i);
    if matches!(chars.get(i), Some('底' | '末')) {
        return Some(MONTH_END_DAY);
    }
    let mut j = i;
    while j < chars.len()
        && j - i < 3
        && (chars[j].is_ascii_digit() || super::numerals::is_cn_numeral_char(chars[j]))
    {
        j += 1;
    }
    if !matches!(chars.get(j), Some('日' | '号')) {
        return None;
    }
    let text: String = chars[i..j].iter().collect();
    parse_number(&text)
        .filter(|d| (1..=31).contains(d))
        .map(|d| d.min(MONTH_END_DAY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_become_cron() {
        let cases = [
            ("每月向市政府报送工作进展", "0 9 25 * *"),
            ("每月5日前报送", "0 9 5 * *"),
            ("每月底前报送", "0 9 28 * *"),
            ("每季度报送一次进展情况", "0 9 25 3,6,9,12 *"),
            ("每季度第一个月10日前报送上季度进展", "0 9 10 1,4,7,10 *"),
            ("每半年报告一次", "0 9 25 6,12 *"),
            ("每周五报送", "0 9 * * 5"),
        ];
        for (text, cron) in cases {
            assert_eq!(report_cron(text).as_deref(), Some(cron), "{text}");
        }
    }

    #[test]
    fn no_schedule_without_a_period_word() {
        assert_eq!(report_cron("每年培训一次"), None);
        assert_eq!(report_cron("年内完成"), None);
        assert_eq!(report_cron(""), None);
    }
}
