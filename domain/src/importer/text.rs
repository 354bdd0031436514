//! Lines and characters: the importer never slices by byte offsets it did not
//! get from the string itself, so arbitrary input cannot split a character.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// One input line, numbered from 1, with width variants folded so the
/// parsers see one spelling of digits, spaces and the percent sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub no: usize,
    pub text: String,
}

/// Splits on `\n`, `\r\n` and lone `\r`; every line is normalised and trimmed.
pub fn split_lines(input: &str) -> Vec<Line> {
    let unified = input.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines = Vec::new();
    for (i, raw) in unified.split('\n').enumerate() {
        let text = normalise(raw);
        for piece in around_run_in_signature(&text)
            .into_iter()
            .flat_map(|(piece, body)| {
                if body {
                    run_in_body(piece)
                } else {
                    run_in_items(piece)
                }
            })
        {
            for item in items_after_role_notes(piece) {
                lines.push(Line {
                    no: i + 1,
                    text: item.trim().to_string(),
                });
            }
        }
    }
    lines
}

// A signature inside a run-in line: after a sentence's end, the issuing
// office (several offices apart by spaces) and a full date, then more text.
static RUN_IN_SIGNATURE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"。\s*((?:[\p{Han}（）()]{2,40}?(?:领导小组|人民政府|办公室|办公厅|委员会|管委会|指挥部|政府|局|委|厅|办)\s+){1,3})((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s",
    )
    .ok()
});

/// Layout: mirrors that run a whole notice into one line, the cover letter,
/// its signature and the text it issues (…请认真抓好贯彻落实。 中共城步苗族
/// 自治县委实施乡村振兴战略领导小组 2021年9月3日 城步…实施方案 为…。 一、总体
/// 要求 …): the line is parted before the office, before the date and after
/// it, so the signature reads as one; what follows is flagged as the body.
fn around_run_in_signature(text: &str) -> Vec<(&str, bool)> {
    let found = RUN_IN_SIGNATURE
        .as_ref()
        .filter(|_| text.chars().nth(RUN_IN_MIN_CHARS).is_some())
        .and_then(|re| re.captures(text));
    let (Some(office), Some(date)) = (
        found.as_ref().and_then(|c| c.get(1)),
        found.as_ref().and_then(|c| c.get(2)),
    ) else {
        return vec![(text, false)];
    };
    vec![
        (&text[..office.start()], false),
        (&text[office.start()..office.end()], false),
        (&text[date.start()..date.end()], false),
        (&text[date.end()..], true),
    ]
}

/// The text a run-in notice's signature issues: its items start at their
/// markers, however few the stored part holds (the signature shows the
/// line is a whole notice run together).
fn run_in_body(text: &str) -> Vec<&str> {
    let Some(re) = RUN_IN_MARKER.as_ref() else {
        return vec![text];
    };
    let mut pieces = Vec::new();
    let mut from = 0;
    for m in re.find_iter(text) {
        pieces.push(&text[from..m.start()]);
        from = m.start();
    }
    pieces.push(&text[from..]);
    pieces
}

/// Items a run-in line holds, at least this long and with this many.
const RUN_IN_MIN_CHARS: usize = 300;
const RUN_IN_MIN_ITEMS: usize = 3;

// An item marker after a space: 一、 (一) 1. 12、
static RUN_IN_MARKER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\s(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）]|\d{1,3}[.．、][^\d\s])").ok()
});

/// Layout: mirrors that run a whole notice into one line (… 一、加快提振市场信心
/// (一)全面促进消费增长。 1.把恢复… (省商务厅…负责) 2.落实好…): a long line
/// with several item markers after spaces is read as one line per item. The
/// pieces keep the line's number.
fn run_in_items(text: &str) -> Vec<&str> {
    let Some(re) = RUN_IN_MARKER.as_ref() else {
        return vec![text];
    };
    if text.chars().nth(RUN_IN_MIN_CHARS).is_none() {
        return vec![text];
    }
    let starts: Vec<usize> = re.find_iter(text).map(|m| m.start()).collect();
    if starts.len() < RUN_IN_MIN_ITEMS {
        return vec![text];
    }
    let mut pieces = Vec::with_capacity(starts.len() + 1);
    let mut from = 0;
    for start in starts {
        pieces.push(&text[from..start]);
        from = start;
    }
    pieces.push(&text[from..]);
    pieces
}

/// Words that make a bracketed note a note of who does the item.
const ROLE_NOTE_WORDS: &[&str] = &["牵头", "负责", "主办", "协办", "配合", "牽頭", "負責"];

// An item marker: (二) or 2. / 2、 not followed by a digit (2.5%).
static ITEM_MARKER_AT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[(（][一二三四五六七八九十]{1,3}[)）]|\d{1,3}[.．、][^\d])").ok()
});

/// Layout: items run together after their role notes ((一)…增长11%左右。
/// (省发改委负责)(二)公共财政收入… / …协办)2.重点抓好…): an item marker
/// right after the closing bracket of a note naming who does the item
/// starts the next item. One pass over the line: linear.
fn items_after_role_notes(text: &str) -> Vec<&str> {
    let Some(re) = ITEM_MARKER_AT.as_ref() else {
        return vec![text];
    };
    // (where a note starts and ends, whether an item marker follows it)
    let mut notes: Vec<(usize, usize, bool)> = Vec::new();
    let mut depth = 0usize;
    let mut group_start = 0;
    for (i, c) in text.char_indices() {
        if opens(c) {
            if depth == 0 {
                group_start = i;
            }
            depth += 1;
        } else if closes(c) && depth > 0 {
            depth -= 1;
            let end = i + c.len_utf8();
            if depth == 0
                && group_start > 0
                && ROLE_NOTE_WORDS
                    .iter()
                    .any(|w| text[group_start..end].contains(w))
            {
                let marked = re.is_match(&text[end..]);
                // Layout (round 12): targets run together, each a sentence
                // closed by its note (常住人口控制在1150万人左右。(市人口计生委、
                // 市公安局牵头)万元地区生产总值能源消耗降低20%。(市经委牵头)…).
                let sentence = text[..group_start].trim_end().ends_with('。')
                    && text[end..].chars().next().is_some_and(is_cjk);
                if marked || sentence {
                    notes.push((group_start, end, marked));
                }
            }
        }
    }
    // A single sentence with its note after it is one paragraph.
    let sentences = notes.iter().filter(|(_, _, marked)| !marked).count();
    let mut pieces = Vec::new();
    let mut from = 0;
    for (start, end, marked) in notes {
        // A note right where the piece begins stays with it.
        if start > from && (marked || sentences >= 2) {
            pieces.push(&text[from..end]);
            from = end;
        }
    }
    pieces.push(&text[from..]);
    pieces
}

fn normalise(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '０'..='９' => {
                let digit = u32::from(c) - u32::from('０');
                out.push(char::from_digit(digit, 10).unwrap_or('0'));
            }
            '％' => out.push('%'),
            '\u{3000}' | '\u{a0}' => out.push(' '),
            // Invisible marks copied from web pages would break prefix matches.
            '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' => {}
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

/// Longest pinyin syllable a mirror prints after a character: zhuāng.
const MAX_PINYIN: usize = 6;

fn is_tone_vowel(c: char) -> bool {
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ".contains(c)
}

/// Layout: mirrors of government pages that print the pinyin of some
/// characters in brackets after them (區(qū)衛(wèi)生健康局, 絳政辦發(fā)〔2023〕14號).
/// A bracket right after a Chinese character holding one syllable of
/// lowercase letters with a tone mark is dropped; brackets holding anything
/// else (各县(市), 附件(a)) stay. One pass: linear.
pub fn drop_mirror_pinyin(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_tone_vowel) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '(' | '（') && i > 0 && is_cjk(chars[i - 1]) {
            let inner = chars[i + 1..]
                .iter()
                .take(MAX_PINYIN + 1)
                .take_while(|c| c.is_ascii_lowercase() || is_tone_vowel(**c) || **c == 'ü')
                .count();
            let close = chars.get(i + 1 + inner).copied();
            let toned = chars[i + 1..i + 1 + inner]
                .iter()
                .any(|c| is_tone_vowel(*c));
            if (1..=MAX_PINYIN).contains(&inner) && toned && matches!(close, Some(')' | '）')) {
                i += inner + 2;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    Cow::Owned(out)
}

/// Traditional characters of the words task tables and labels are made of,
/// with their simplified forms (序號 / 任務 / 責任單位 / 牽頭 / 完成時限).
const TRADITIONAL: &[(char, char)] = &[
    ('號', '号'),
    ('務', '务'),
    ('項', '项'),
    ('標', '标'),
    ('責', '责'),
    ('單', '单'),
    ('進', '进'),
    ('牽', '牵'),
    ('頭', '头'),
    ('時', '时'),
    ('間', '间'),
    ('門', '门'),
    ('協', '协'),
    ('辦', '办'),
    ('體', '体'),
    ('點', '点'),
    ('領', '领'),
    ('導', '导'),
    ('況', '况'),
    ('計', '计'),
    ('劃', '划'),
    ('負', '负'),
    ('稱', '称'),
    ('節', '节'),
    ('類', '类'),
    ('別', '别'),
    ('備', '备'),
    ('註', '注'),
    ('聯', '联'),
    ('係', '系'),
    ('電', '电'),
    ('話', '话'),
    ('舉', '举'),
    ('與', '与'),
    ('實', '实'),
    ('現', '现'),
    ('業', '业'),
    ('規', '规'),
    ('東', '东'),
    ('處', '处'),
    ('參', '参'),
    ('據', '据'),
    ('內', '内'),
    ('們', '们'),
    ('關', '关'),
    ('層', '层'),
    ('績', '绩'),
    ('執', '执'),
    ('總', '总'),
    ('經', '经'),
    ('濟', '济'),
    ('預', '预'),
    ('屬', '属'),
    ('約', '约'),
    ('產', '产'),
    ('專', '专'),
    ('運', '运'),
    ('動', '动'),
    ('應', '应'),
    // A project table's columns (建設地點 / 建設時間 / 年度投資金額 (萬元)).
    ('設', '设'),
    ('資', '资'),
    ('額', '额'),
    ('萬', '万'),
    ('費', '费'),
    ('積', '积'),
];

/// `s` with the traditional characters of [`TRADITIONAL`] simplified, for
/// reading header and label words of mirrors in traditional script; names
/// themselves are kept as written.
pub fn fold_traditional(s: &str) -> Cow<'_, str> {
    let simplified = |c: char| TRADITIONAL.iter().find(|(t, _)| *t == c).map(|(_, s)| *s);
    if !s.chars().any(|c| simplified(c).is_some()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| simplified(c).unwrap_or(c)).collect())
}

/// Whether a line ends inside a word, as the last line of a stored page
/// cut short does: in a character, not a stop or a bracket.
pub fn ends_inside_a_word(line: &str) -> bool {
    line.trim_end().chars().last().is_some_and(is_cjk)
}

pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

pub fn cjk_count(s: &str) -> usize {
    s.chars().filter(|c| is_cjk(*c)).count()
}

/// Whether `word` occurs in `chars` at offset `i`.
pub fn starts_with_at(chars: &[char], i: usize, word: &str) -> bool {
    chars.get(i..).is_some_and(|rest| {
        let mut rest = rest.iter();
        word.chars().all(|w| rest.next() == Some(&w))
    })
}

/// The first `max` characters of `s`.
pub fn take_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Clause punctuation and spaces that never belong at the edge of a name.
pub fn is_edge_punct(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '。' | '，'
                | ','
                | '；'
                | ';'
                | '：'
                | ':'
                | '、'
                | '.'
                | '．'
                | '！'
                | '!'
                | '？'
                | '?'
                | '|'
        )
}

pub fn trim_punct(s: &str) -> &str {
    s.trim_matches(is_edge_punct)
}

pub fn opens(c: char) -> bool {
    matches!(c, '(' | '（' | '[' | '【' | '〔' | '［' | '《' | '{' | '｛')
}

pub fn closes(c: char) -> bool {
    matches!(c, ')' | '）' | ']' | '】' | '〕' | '］' | '》' | '}' | '｝')
}

/// Splits at any of `seps` outside brackets, so 各县（市、区）stays whole.
/// Empty pieces are dropped and the rest trimmed.
pub fn split_top_level(s: &str, is_sep: impl Fn(char) -> bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    for (i, c) in s.char_indices() {
        if opens(c) {
            depth += 1;
        } else if closes(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && is_sep(c) {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Byte offset of the first character satisfying `pred` outside brackets.
pub fn find_top_level(s: &str, pred: impl Fn(char) -> bool) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        if opens(c) {
            depth += 1;
        } else if closes(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && pred(c) {
            return Some(i);
        }
    }
    None
}

/// Removes one trailing bracketed group, e.g. 区人民政府(管委会) -> 区人民政府.
pub fn strip_trailing_group(s: &str) -> &str {
    split_trailing_group(s).map_or(s, |(before, _)| before.trim_end())
}

/// The text before a bracketed group that ends `s`, and the group's inside:
/// 增长7%。(市发改委) -> (增长7%。, 市发改委).
pub fn split_trailing_group(s: &str) -> Option<(&str, &str)> {
    let last = s.chars().next_back()?;
    if !closes(last) {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev() {
        if closes(c) {
            depth += 1;
        } else if opens(c) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some((&s[..i], &s[i + c.len_utf8()..s.len() - last.len_utf8()]));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_from_one_and_normalised() {
        let lines = split_lines("\u{feff}一\r\n\u{3000}达到９５％ \rend");
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["一", "达到95%", "end"]);
        assert_eq!(lines[2].no, 3);
    }

    // Round 5 (layout: a whole notice, its signature included, on one line).
    #[test]
    fn a_signature_inside_a_run_in_line_parts_it() {
        let filler = "各地各部门要认真落实。".repeat(30);
        let text = format!(
            "关于印发某某实施方案的通知 各乡镇: {filler}请认真抓好贯彻落实。 中共某某县委实施乡村振兴战略领导小组 2021年9月3日 某某实施方案 为全面落实部署,特制定本方案。 一、总体要求 按照原则推进。"
        );
        let lines = split_lines(&text);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[1], "中共某某县委实施乡村振兴战略领导小组");
        assert_eq!(texts[2], "2021年9月3日");
        assert_eq!(texts[3], "某某实施方案 为全面落实部署,特制定本方案。");
        assert_eq!(texts[4], "一、总体要求 按照原则推进。");
        assert!(lines.iter().all(|l| l.no == 1));
        // A short line is no run-in notice.
        assert_eq!(
            split_lines("请贯彻落实。 某县人民政府 2021年9月3日 一、总体要求").len(),
            1
        );
    }

    #[test]
    fn a_notice_run_into_one_line_is_read_item_by_item() {
        let filler = "各地各部门要认真落实。".repeat(30);
        let text = format!(
            "某省人民政府关于重点工作的通知 {filler} 一、加快提振市场信心 (一)全面促进消费增长。 1.把恢复消费摆在优先位置,有2.5倍的空间。(省商务厅负责) 2.落实好90条措施。(省发展改革委牵头)"
        );
        let lines = split_lines(&text);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts.len(), 5);
        assert_eq!(texts[1], "一、加快提振市场信心");
        assert_eq!(texts[2], "(一)全面促进消费增长。");
        assert!(texts[3].starts_with("1.把恢复消费") && texts[3].ends_with("(省商务厅负责)"));
        assert!(lines.iter().all(|l| l.no == 1));
        // A short line keeps its spaces and numbers.
        assert_eq!(split_lines("一、目标 1.加强 2.推进 3.落实").len(), 1);
    }

    #[test]
    fn mirror_pinyin_after_characters_is_dropped() {
        assert_eq!(
            drop_mirror_pinyin("區(qū)衛(wèi)生健康局、絳政辦發(fā)〔2023〕14號"),
            "區衛生健康局、絳政辦發〔2023〕14號"
        );
        // Other brackets stay: places, Latin notes, pinyin without a character before it.
        for kept in [
            "各县(市)、区",
            "附件(a)",
            "(zhèng)",
            "市(xian)政府",
            "局(lǜ",
        ] {
            assert_eq!(drop_mirror_pinyin(kept), kept);
        }
    }

    #[test]
    fn targets_run_together_each_closed_by_its_note() {
        assert_eq!(
            items_after_role_notes(
                "常住人口控制在1150万人左右。(市人口计生委、市公安局牵头)万元地区生产总值能源消耗降低20%。(市经委牵头)耕地保有量保持稳定。"
            ),
            [
                "常住人口控制在1150万人左右。(市人口计生委、市公安局牵头)",
                "万元地区生产总值能源消耗降低20%。(市经委牵头)",
                "耕地保有量保持稳定。"
            ]
        );
        // One sentence and its note, then more text: one paragraph.
        let one = "加快建设。(市发改委牵头)力争年底前开工。";
        assert_eq!(items_after_role_notes(one), [one]);
    }

    #[test]
    fn items_run_together_after_their_role_notes() {
        let lines = split_lines(
            "(一)增长11%左右。(省发改委负责)(二)收入增长13%左右。(省财政厅主办,省国税局协办)\n1.抓好项目。(省发改委主办)2.重点抓好燃气轮机。(省工信委主办)",
        );
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "(一)增长11%左右。(省发改委负责)",
                "(二)收入增长13%左右。(省财政厅主办,省国税局协办)",
                "1.抓好项目。(省发改委主办)",
                "2.重点抓好燃气轮机。(省工信委主办)",
            ]
        );
        // A bracket that names nobody, or a figure after a note, splits nothing.
        assert_eq!(split_lines("建设(二期)(一)工程").len(), 1);
        assert_eq!(split_lines("增长(省统计局负责)2.5%").len(), 1);
    }

    #[test]
    fn splitting_respects_brackets() {
        let parts = split_top_level("各县（市、区）政府、市民政局", |c| c == '、');
        assert_eq!(parts, ["各县（市、区）政府", "市民政局"]);
    }

    #[test]
    fn trailing_group_is_removed() {
        assert_eq!(strip_trailing_group("区人民政府(管委会)"), "区人民政府");
        assert_eq!(strip_trailing_group("市民政局"), "市民政局");
        assert_eq!(strip_trailing_group(")"), ")");
    }
}
