//! Chinese numerals as notices write them: 二十二, 十, 一百零五 for counts,
//! and digit by digit (二〇一三) for years.

pub fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' | 'O' | '０' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

pub fn is_cn_numeral_char(c: char) -> bool {
    cn_digit(c).is_some() || matches!(c, '十' | '百')
}

/// Value of a numeral below 1000 such as 二十二 or 一百零五; `None` for
/// anything else, including empty input.
pub fn parse_cn_number(s: &str) -> Option<u32> {
    if s.is_empty() || s.chars().count() > 8 {
        return None;
    }
    let mut total = 0u32;
    let mut pending: Option<u32> = None;
    for c in s.chars() {
        match c {
            '百' => {
                total += pending.take().unwrap_or(1) * 100;
            }
            '十' => {
                total += pending.take().unwrap_or(1) * 10;
            }
            _ => {
                let d = cn_digit(c)?;
                if pending.is_some() {
                    // Two digits in a row (二二, 二〇) is not a count numeral.
                    return None;
                }
                pending = (d != 0).then_some(d);
            }
        }
    }
    Some(total + pending.unwrap_or(0))
}

/// Parses ASCII digits or a Chinese numeral.
pub fn parse_number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.len() <= 9 && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    parse_cn_number(s)
}

/// A year written digit by digit, e.g. 二〇一三 -> 2013.
pub fn parse_cn_year(s: &str) -> Option<i32> {
    let digits: Option<Vec<u32>> = s.chars().map(cn_digit).collect();
    let digits = digits?;
    if digits.len() != 4 {
        return None;
    }
    let value = digits.iter().fold(0u32, |acc, d| acc * 10 + d);
    i32::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_cn_number("一"), Some(1));
        assert_eq!(parse_cn_number("十"), Some(10));
        assert_eq!(parse_cn_number("十九"), Some(19));
        assert_eq!(parse_cn_number("二十二"), Some(22));
        assert_eq!(parse_cn_number("一百零五"), Some(105));
        assert_eq!(parse_cn_number("二二"), None);
        assert_eq!(parse_cn_number("二〇一"), None);
        assert_eq!(parse_cn_number(""), None);
        assert_eq!(parse_number("12"), Some(12));
    }

    #[test]
    fn years() {
        assert_eq!(parse_cn_year("二〇一三"), Some(2013));
        assert_eq!(parse_cn_year("二○二五"), Some(2025));
        assert_eq!(parse_cn_year("二〇一"), None);
    }
}
