//! Deadlines written as Chinese phrases (年内, 今年上半年, 6月底前, 2018年底,
//! 到2025年, 三年内) resolved against the notice's year and date.
//!
//! A hand-written scanner rather than one large regex: each phrase is tried at
//! each position with a bounded look-ahead, so the cost stays linear and the
//! grammar stays readable.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::numerals::{cn_digit, parse_cn_year, parse_number};
use super::text::starts_with_at as starts_with;

/// What relative phrases are measured from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeadlineContext {
    /// The year 年内 / 今年 refers to.
    pub work_year: Option<i32>,
    /// The notice's date, for 三年内 and to roll 3月底 into next year when
    /// the notice came out after it.
    pub issued_on: Option<NaiveDate>,
    /// Month dates without a year are of the year the notice came out,
    /// past or not (set by [`scan`] for a plan of steps around its date).
    pub in_issue_year: bool,
}

/// A deadline phrase found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// `None` when the phrase needs a year or date the notice does not give.
    pub date: Option<NaiveDate>,
    pub phrase: String,
    /// Character offsets of the phrase in the scanned text.
    pub start: usize,
    pub end: usize,
}

/// Every deadline phrase in `text`, in reading order.
///
/// Layout: a plan of steps published mid-year (4月底前…；6月底前…；11月底前
/// 全部完成, issued in July): when a month date of the text is still ahead
/// of the notice's date in its year, the text speaks of that year, and its
/// earlier months are past steps, not next year's.
pub fn scan(text: &str, ctx: &DeadlineContext) -> Vec<Found> {
    let found = scan_once(text, ctx);
    let Some(issued) = ctx.issued_on.filter(|_| !ctx.in_issue_year) else {
        return found;
    };
    let plain = scan_once(
        text,
        &DeadlineContext {
            in_issue_year: true,
            ..*ctx
        },
    );
    let rolled = plain.iter().zip(&found).any(|(p, f)| p.date != f.date);
    let ahead_in_issue_year = plain.iter().any(|p| {
        let chars: Vec<char> = p.phrase.chars().collect();
        explicit_year(&chars).is_none()
            && p.date
                .is_some_and(|d| d >= issued && d.year() == issued.year())
    });
    if rolled && ahead_in_issue_year && plain.len() == found.len() {
        plain
    } else {
        found
    }
}

fn scan_once(text: &str, ctx: &DeadlineContext) -> Vec<Found> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    // Layout: dates listed in one sentence after the first names the year
    // (2017年6月底前下达60%以上、9月底前下达80%以上、11月底前全部下达):
    // the later month-only dates are of that year.
    let mut sentence_year: Option<i32> = None;
    while i < chars.len() {
        if matches!(chars[i], '。' | '；' | ';' | '\n') {
            sentence_year = None;
        }
        let month_first = chars[i].is_ascii_digit() || cn_digit(chars[i]).is_some();
        let local = match sentence_year {
            Some(year) if month_first => DeadlineContext {
                work_year: Some(year),
                ..*ctx
            },
            _ => *ctx,
        };
        if !recurring_or_baseline(&chars, i)
            && let Some((date, len)) = parse_at(&chars, i, &local)
        {
            if let Some(year) = explicit_year(&chars[i..i + len]) {
                sentence_year = Some(year);
            }
            found.push(Found {
                date,
                phrase: chars[i..i + len].iter().collect(),
                start: i,
                end: i + len,
            });
            i += len;
            continue;
        }
        i += 1;
    }
    drop_range_starts_and_restated_spans(&chars, found, ctx)
}

/// The four-digit year a phrase writes out (2017年6月底前), if any.
fn explicit_year(phrase: &[char]) -> Option<i32> {
    let start = phrase.iter().position(char::is_ascii_digit)?;
    let digits: String = phrase[start..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let after = phrase.get(start + digits.len()).copied();
    (digits.len() == 4 && after == Some('年'))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Characters that join the two ends of a date range: 2015年7月—2016年6月.
fn is_range_joint(c: char) -> bool {
    matches!(c, '—' | '－' | '-' | '–' | '~' | '～' | '至' | '到') || c.is_whitespace()
}

/// Layout: phased programmes. The start of a range (2015年7月—2016年6月,
/// 从2015年7月至2018年6月) is no target, and 三年内 right after the range's
/// end restates the span rather than naming another date.
fn drop_range_starts_and_restated_spans(
    chars: &[char],
    found: Vec<Found>,
    ctx: &DeadlineContext,
) -> Vec<Found> {
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    let mut iter = found.into_iter().peekable();
    while let Some(f) = iter.next() {
        if let Some(next) = iter.peek() {
            let gap = chars.get(f.end..next.start).unwrap_or_default();
            let joined = gap.len() <= 2
                && gap.iter().all(|c| is_range_joint(*c))
                && (!gap.is_empty() || next.phrase.starts_with(['至', '到']));
            if joined && f.date.is_some() && next.date.is_some() {
                continue;
            }
        }
        if let Some(prev) = kept.last()
            && prev.end == f.start
            && within_span(chars, f.start, ctx).is_some()
        {
            continue;
        }
        kept.push(f);
    }
    kept
}

/// Length in characters of a deadline phrase starting at `i`, if any; used
/// to drop 年内 / 到2025年 from the front of an indicator's name.
pub fn phrase_len_at(chars: &[char], i: usize) -> Option<usize> {
    parse_at(chars, i, &DeadlineContext::default()).map(|(_, len)| len)
}

/// 每年年底 is a schedule and 比2012年底 a baseline, not deadlines.
fn recurring_or_baseline(chars: &[char], i: usize) -> bool {
    let prev = |k: usize| i.checked_sub(k).and_then(|j| chars.get(j)).copied();
    // After a digit the phrase is the tail of a longer number (2012年底 read
    // from its 年), which the scan at the number's start already judged.
    let after_digit = prev(1).is_some_and(|c| c.is_ascii_digit() || cn_digit(c).is_some());
    after_digit
        || matches!(
            prev(1),
            Some('每' | '比' | '较' | '去' | '上' | '前' | '往')
        )
        || prev(2) == Some('每')
}

/// Consumes the first of `words` found at `i`; returns its length in chars.
fn eat(chars: &[char], i: usize, words: &[&str]) -> Option<usize> {
    words
        .iter()
        .find(|w| starts_with(chars, i, w))
        .map(|w| w.chars().count())
}

#[derive(Debug, Clone, Copy)]
enum Year {
    Explicit(i32),
    /// 今年 (0) or 明年 (1), relative to the work year.
    Relative(i32),
}

fn parse_at(chars: &[char], i: usize, ctx: &DeadlineContext) -> Option<(Option<NaiveDate>, usize)> {
    if let Some(hit) = within_span(chars, i, ctx) {
        return Some(hit);
    }
    let prefix = eat(
        chars,
        i,
        // Not 于 or 在: 关于2013年… is a title, not a deadline.
        &["截至", "截止到", "截止", "到", "至"],
    )
    .unwrap_or(0);
    let mut j = i + prefix;
    let year = match year_at(chars, j) {
        Some((y, len)) => {
            j += len;
            Some(y)
        }
        None if prefix > 0 => return None,
        None => None,
    };
    let (period, len) = match period_at(chars, j, year.is_some()) {
        Some(hit) => hit,
        None => match year {
            // 到2025年 / 2025年前: the whole year.
            Some(Year::Explicit(_)) => {
                let before = eat(chars, j, &["以前", "之前", "前"]).unwrap_or(0);
                if prefix == 0 && before == 0 {
                    return None;
                }
                (Period::YearEnd, before)
            }
            _ => return None,
        },
    };
    j += len;
    j += eat(chars, j, &["以前", "之前", "前"]).unwrap_or(0);
    let explicit = matches!(year, Some(Year::Explicit(_)));
    let base_year = match year {
        Some(Year::Explicit(y)) => Some(y),
        // 明年 is the year after the notice was written, which for a notice
        // issued in December about the coming year is the work year itself.
        Some(Year::Relative(1)) => ctx
            .issued_on
            .map(|d| d.year() + 1)
            .or(ctx.work_year.map(|y| y + 1)),
        Some(Year::Relative(offset)) => ctx.work_year.map(|y| y + offset),
        None => ctx.work_year,
    };
    let date = base_year.and_then(|y| resolve(period, y, explicit, ctx));
    Some((date, j - i))
}

/// 三年内 / 6个月内 / 30日内, counted from the notice's date.
fn within_span(
    chars: &[char],
    i: usize,
    ctx: &DeadlineContext,
) -> Option<(Option<NaiveDate>, usize)> {
    let mut j = i;
    while j < chars.len()
        && j - i < 3
        && (chars[j].is_ascii_digit() || cn_digit(chars[j]).is_some() || chars[j] == '十')
    {
        j += 1;
    }
    if j == i {
        return None;
    }
    let n: String = chars[i..j].iter().collect();
    let n = parse_number(&n).filter(|n| (1..=99).contains(n))?;
    let unit = eat(
        chars,
        j,
        &["年内", "年之内", "个月内", "个月之内", "天内", "日内"],
    )?;
    // Layout (round 13): a span that says who qualifies, not by when
    // (毕业5年内的高校毕业生, 退役2年内): no deadline.
    let before = &chars[i.saturating_sub(2)..i];
    let qualifies = [
        "毕业", "退役", "离校", "就业", "创业", "登记", "注册", "成立", "脱贫",
    ]
    .iter()
    .any(|w| w.chars().eq(before.iter().copied()));
    if qualifies {
        return None;
    }
    let word: String = chars[j..j + unit].iter().collect();
    let date = ctx.issued_on.and_then(|d| {
        if word.starts_with('年') {
            d.checked_add_months(Months::new(n * 12))
        } else if word.starts_with('个') {
            d.checked_add_months(Months::new(n))
        } else {
            d.checked_add_days(Days::new(u64::from(n)))
        }
    });
    Some((date, j - i + unit))
}

fn year_at(chars: &[char], i: usize) -> Option<(Year, usize)> {
    if let Some(offset) = eat(chars, i, &["今年", "本年", "当年"]) {
        return Some((Year::Relative(0), offset));
    }
    if let Some(offset) = eat(chars, i, &["明年", "次年"]) {
        return Some((Year::Relative(1), offset));
    }
    let digits: String = chars.get(i..i + 4)?.iter().collect();
    if chars.get(i + 4) != Some(&'年') {
        return None;
    }
    // A fifth digit means this is not a year (12013年).
    if i > 0 && chars.get(i - 1).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let year = if digits.chars().all(|c| c.is_ascii_digit()) {
        digits.parse().ok()?
    } else {
        parse_cn_year(&digits)?
    };
    (1949..=2200)
        .contains(&year)
        .then_some((Year::Explicit(year), 5))
}

#[derive(Debug, Clone, Copy)]
enum Period {
    YearEnd,
    HalfEnd(u32),
    QuarterEnd(u32),
    MonthEnd(u32),
    /// Month and day, e.g. 6月30日 or 6月中旬 (20th).
    Day(u32, u32),
}

/// The part after the year: 底, 上半年, 二季度末, 6月底, 6月30日.
fn period_at(chars: &[char], i: usize, has_year: bool) -> Option<(Period, usize)> {
    let year_words: &[&str] = if has_year {
        &["年底", "年末", "年内", "底", "末", "内"]
    } else {
        &["年底", "年末", "年内", "全年", "本年度"]
    };
    if let Some(len) = eat(chars, i, year_words) {
        return Some((Period::YearEnd, len));
    }
    if let Some(len) = eat(chars, i, &["上半年"]) {
        return Some((Period::HalfEnd(6), len));
    }
    if let Some(len) = eat(chars, i, &["下半年"]) {
        return Some((Period::HalfEnd(12), len));
    }
    if let Some(hit) = quarter_at(chars, i) {
        return Some(hit);
    }
    month_at(chars, i, has_year)
}

fn quarter_at(chars: &[char], i: usize) -> Option<(Period, usize)> {
    let mut j = i + eat(chars, i, &["第"]).unwrap_or(0);
    let q = match chars.get(j)? {
        '一' | '1' => 1,
        '二' | '2' => 2,
        '三' | '3' => 3,
        '四' | '4' => 4,
        _ => return None,
    };
    j += 1;
    j += eat(chars, j, &["季度", "季"])?;
    j += eat(chars, j, &["末", "底"]).unwrap_or(0);
    Some((Period::QuarterEnd(q), j - i))
}

fn month_at(chars: &[char], i: usize, has_year: bool) -> Option<(Period, usize)> {
    let (month, mut j) = small_number(chars, i)?;
    if !(1..=12).contains(&month) || chars.get(j) != Some(&'月') {
        return None;
    }
    j += 1;
    if let Some(len) = eat(chars, j, &["底", "末", "份", "下旬"]) {
        return Some((Period::MonthEnd(month), j - i + len));
    }
    if let Some(len) = eat(chars, j, &["上旬"]) {
        return Some((Period::Day(month, 10), j - i + len));
    }
    if let Some(len) = eat(chars, j, &["中旬"]) {
        return Some((Period::Day(month, 20), j - i + len));
    }
    if let Some((day, k)) = small_number(chars, j)
        && (1..=31).contains(&day)
        && matches!(chars.get(k), Some('日' | '号'))
    {
        return Some((Period::Day(month, day), k + 1 - i));
    }
    // A bare month (3月启动) is a deadline only with a year or a 前.
    if has_year || eat(chars, j, &["前", "以前", "之前"]).is_some() {
        return Some((Period::MonthEnd(month), j - i));
    }
    None
}

/// Layout (round 13): a project table's 建设时间 cell that is a year or a
/// span of years alone (2024, 2024年度, 2023—2025年): its last year.
pub fn bare_years(cell: &str) -> Option<i32> {
    let t = cell.trim().trim_end_matches('度').trim_end_matches('年');
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let plain = t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '—' | '–' | '~' | '～' | '至' | '年'));
    if !plain || !(digits.len() == 4 || digits.len() == 8) {
        return None;
    }
    digits[digits.len() - 4..]
        .parse()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
}

/// The month a text opens with (9月 of 9月投入使用), written as it is.
pub fn leading_month(text: &str) -> Option<String> {
    // At most three characters of number and the 月.
    let chars: Vec<char> = text.trim().chars().take(4).collect();
    let (month, j) = small_number(&chars, 0)?;
    ((1..=12).contains(&month) && chars.get(j) == Some(&'月')).then(|| chars[..=j].iter().collect())
}

/// A number of at most two digits or three Chinese characters (十二, 三十一).
fn small_number(chars: &[char], i: usize) -> Option<(u32, usize)> {
    let mut j = i;
    if chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
        while j < chars.len() && j - i < 2 && chars[j].is_ascii_digit() {
            j += 1;
        }
        if chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
    } else {
        while j < chars.len() && j - i < 3 && (cn_digit(chars[j]).is_some() || chars[j] == '十') {
            j += 1;
        }
    }
    let text: String = chars.get(i..j)?.iter().collect();
    parse_number(&text).map(|n| (n, j))
}

fn resolve(
    period: Period,
    year: i32,
    explicit_year: bool,
    ctx: &DeadlineContext,
) -> Option<NaiveDate> {
    let date = match period {
        Period::YearEnd => return NaiveDate::from_ymd_opt(year, 12, 31),
        Period::HalfEnd(month) | Period::MonthEnd(month) => month_end(year, month),
        Period::QuarterEnd(q) => month_end(year, q * 3),
        Period::Day(month, day) => NaiveDate::from_ymd_opt(year, month, day),
    }?;
    // A notice of November that says 3月底 means next March.
    match (ctx.issued_on, period) {
        (Some(issued), Period::MonthEnd(_) | Period::Day(..))
            if !explicit_year && !ctx.in_issue_year && date < issued && issued.year() == year =>
        {
            date.checked_add_months(Months::new(12))
        }
        _ => Some(date),
    }
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    first_of_next.pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn ctx() -> DeadlineContext {
        DeadlineContext {
            work_year: Some(2013),
            issued_on: Some(d(2013, 2, 27)),
            in_issue_year: false,
        }
    }

    fn first(text: &str) -> Option<(Option<NaiveDate>, String)> {
        scan(text, &ctx())
            .into_iter()
            .next()
            .map(|f| (f.date, f.phrase))
    }

    #[test]
    fn a_span_that_says_who_qualifies_is_no_deadline() {
        assert_eq!(
            first("对毕业5年内处于失业状态的高校毕业生给予创业补贴"),
            None
        );
        assert_eq!(first("退役2年内的士兵"), None);
        assert_eq!(
            first("3年内完成改造"),
            Some((Some(d(2016, 2, 27)), "3年内".to_string()))
        );
    }

    #[test]
    fn years_alone_in_a_building_year_cell() {
        assert_eq!(bare_years("2024"), Some(2024));
        assert_eq!(bare_years("2024年度"), Some(2024));
        assert_eq!(bare_years("2023—2025年"), Some(2025));
        assert_eq!(bare_years("2024年6月"), None);
        assert_eq!(bare_years("300"), None);
        assert_eq!(bare_years("12345"), None);
    }

    #[test]
    fn each_phrase_resolves_against_the_notice() {
        let cases = [
            ("年内每个城乡社区都建有综合服务站", d(2013, 12, 31), "年内"),
            ("力争年底实现全覆盖", d(2013, 12, 31), "年底"),
            ("全年完成投资", d(2013, 12, 31), "全年"),
            ("今年上半年每个县选择一个乡镇", d(2013, 6, 30), "今年上半年"),
            ("下半年开展评估", d(2013, 12, 31), "下半年"),
            ("一季度末前完成", d(2013, 3, 31), "一季度末前"),
            ("第三季度完成", d(2013, 9, 30), "第三季度"),
            ("6月底前出台方案", d(2013, 6, 30), "6月底前"),
            ("十月底前", d(2013, 10, 31), "十月底前"),
            ("9月30日前报送", d(2013, 9, 30), "9月30日前"),
            ("2018年底前完成", d(2018, 12, 31), "2018年底前"),
            ("2017年底", d(2017, 12, 31), "2017年底"),
            ("到2025年,覆盖率达到90%", d(2025, 12, 31), "到2025年"),
            ("到2025年末全覆盖", d(2025, 12, 31), "到2025年末"),
            ("2018年6月底前", d(2018, 6, 30), "2018年6月底前"),
            ("2018年3月", d(2018, 3, 31), "2018年3月"),
            ("三年内完成改造", d(2016, 2, 27), "三年内"),
            ("6个月内建成", d(2013, 8, 27), "6个月内"),
            ("明年上半年", d(2014, 6, 30), "明年上半年"),
            ("5月中旬", d(2013, 5, 20), "5月中旬"),
            ("二〇一八年底前", d(2018, 12, 31), "二〇一八年底前"),
        ];
        for (text, date, phrase) in cases {
            assert_eq!(
                first(text),
                Some((Some(date), phrase.to_string())),
                "{text}"
            );
        }
    }

    #[test]
    fn month_dates_listed_after_a_dated_one_share_its_year() {
        let dates: Vec<Option<NaiveDate>> = scan(
            "须于2017年6月底前下达60%以上、9月底前下达80%以上、11月底前全部下达到位。10月底前总结",
            &DeadlineContext::default(),
        )
        .into_iter()
        .map(|f| f.date)
        .collect();
        // The next sentence starts afresh: without a work year 10月底 has none.
        assert_eq!(
            dates,
            [
                Some(d(2017, 6, 30)),
                Some(d(2017, 9, 30)),
                Some(d(2017, 11, 30)),
                None
            ]
        );
    }

    #[test]
    fn a_range_names_its_end_only() {
        let phrases: Vec<String> = scan(
            "从2015年7月至2018年6月三年内完成。创新突破阶段(2015年7月—2016年6月)",
            &ctx(),
        )
        .into_iter()
        .map(|f| f.phrase)
        .collect();
        assert_eq!(phrases, ["至2018年6月", "2016年6月"]);
    }

    #[test]
    fn next_year_is_the_year_after_the_notice_was_written() {
        let december = DeadlineContext {
            work_year: Some(2023),
            issued_on: Some(d(2022, 12, 27)),
            in_issue_year: false,
        };
        let found = scan("明年7月份建成", &december);
        assert_eq!(found[0].date, Some(d(2023, 7, 31)));
    }

    #[test]
    fn a_month_already_past_rolls_into_next_year() {
        assert_eq!(
            first("1月底前完成").map(|f| f.0),
            Some(Some(d(2014, 1, 31)))
        );
    }

    #[test]
    fn past_steps_of_a_plan_published_mid_year_stay_in_its_year() {
        let july = DeadlineContext {
            work_year: Some(2022),
            issued_on: Some(d(2022, 7, 14)),
            in_issue_year: false,
        };
        let dates: Vec<Option<NaiveDate>> = scan("1.4月底前主体完工;2.11月底前全部建成", &july)
            .into_iter()
            .map(|f| f.date)
            .collect();
        assert_eq!(dates, [Some(d(2022, 4, 30)), Some(d(2022, 11, 30))]);
        // Alone, a month already past is next year's.
        assert_eq!(scan("4月底前完成", &july)[0].date, Some(d(2023, 4, 30)));
    }

    #[test]
    fn schedules_baselines_and_plain_years_are_not_deadlines() {
        for text in [
            "每年年底报送",
            "每月底",
            "比2012年底增长10%",
            "2013年,社区信息平台建设覆盖50%以上",
            "60岁以上老人",
            "3月启动",
            "今年以来",
            "去年底",
            "关于2013年统筹城乡社区建设的通知",
        ] {
            assert_eq!(first(text), None, "{text}");
        }
    }

    #[test]
    fn relative_phrases_without_a_year_stay_unresolved() {
        let found = scan("年内完成", &DeadlineContext::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].date, None);
        assert_eq!(found[0].phrase, "年内");
    }
}
