//! Text bytes to a string: a BOM or an explicit charset wins; otherwise
//! valid UTF-8 is UTF-8 and anything else is tried as GB18030 (a superset
//! of GBK and GB2312, what Chinese Windows saves). Only when neither reads
//! cleanly do invalid bytes become U+FFFD, which the parser then warns of.

use encoding_rs::{Encoding, GB18030, UTF_8};

/// Decodes text bytes. `charset` is the sender's label (`gbk`, `utf-8`).
pub fn decode_text(bytes: &[u8], charset: Option<&str>) -> String {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    if let Some(encoding) = charset.and_then(|c| Encoding::for_label(c.trim().as_bytes())) {
        // A page may be labelled GB2312 yet use GBK's larger repertoire:
        // GB18030 reads all of them.
        let encoding = if encoding.name() == "GBK" {
            GB18030
        } else {
            encoding
        };
        return encoding.decode_without_bom_handling(bytes).0.into_owned();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let (gb, had_errors) = GB18030.decode_without_bom_handling(bytes);
    if !had_errors && looks_chinese(&gb) {
        return gb.into_owned();
    }
    UTF_8.decode_without_bom_handling(bytes).0.into_owned()
}

/// GB18030 maps every byte pair somewhere; real GBK text is mostly CJK,
/// ASCII and Chinese punctuation, while other bytes decode to rare ranges.
fn looks_chinese(text: &str) -> bool {
    let mut cjk = 0usize;
    let mut other = 0usize;
    for c in text.chars() {
        if c.is_ascii() || c.is_whitespace() {
            continue;
        }
        if super::super::text::is_cjk(c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
        {
            cjk += 1;
        } else {
            other += 1;
        }
    }
    cjk >= other
}

/// Control characters other than line breaks and tabs are dropped: no
/// store should see a NUL (PostgreSQL refuses it in text).
pub fn clean(text: &str) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect();
    if out.len() > super::MAX_TEXT_BYTES {
        let mut end = super::MAX_TEXT_BYTES;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTICE: &str =
        "关于2013年统筹城乡社区建设主要工作责任分解的通知\n责任单位：市民政局、财政局\n";

    #[test]
    fn gbk_is_detected_without_a_label() {
        let (gbk, _, _) = encoding_rs::GBK.encode(NOTICE);
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(decode_text(&gbk, None), NOTICE);
    }

    #[test]
    fn the_label_and_the_bom_win() {
        let (gbk, _, _) = encoding_rs::GBK.encode(NOTICE);
        assert_eq!(decode_text(&gbk, Some("gb2312")), NOTICE);
        let mut utf8 = b"\xef\xbb\xbf".to_vec();
        utf8.extend_from_slice(NOTICE.as_bytes());
        assert_eq!(decode_text(&utf8, Some("gbk")), NOTICE);
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(NOTICE.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text(&utf16, None), NOTICE);
        assert_eq!(decode_text(NOTICE.as_bytes(), None), NOTICE);
    }

    #[test]
    fn bytes_that_are_no_text_stay_visible_as_such() {
        let text = decode_text(b"\x81 abc \xff", None);
        assert!(text.contains("abc"));
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(clean("a\u{0}b\tc\r\nd\u{7}"), "ab\tc\r\nd");
    }
}
