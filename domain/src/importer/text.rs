//! Lines and characters: the importer never slices by byte offsets it did not
//! get from the string itself, so arbitrary input cannot split a character.

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
    unified
        .split('\n')
        .enumerate()
        .map(|(i, raw)| Line {
            no: i + 1,
            text: normalise(raw),
        })
        .collect()
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
    let Some(last) = s.chars().next_back() else {
        return s;
    };
    if !closes(last) {
        return s;
    }
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev() {
        if closes(c) {
            depth += 1;
        } else if opens(c) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return s[..i].trim_end();
            }
        }
    }
    s
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
