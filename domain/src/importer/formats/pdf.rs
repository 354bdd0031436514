//! PDF with a text layer, through `pdf-extract`, guarded (see `guard`):
//! it can panic or run long on damaged files. A PDF of scanned pages has
//! no text: [`ReadError::NoText`].

use std::time::Duration;

use super::{DocumentKind, ReadError, guard};

pub const TIME_LIMIT: Duration = Duration::from_secs(10);

pub fn read(bytes: &[u8]) -> Result<String, ReadError> {
    let damaged = |detail: &str| ReadError::Damaged {
        kind: DocumentKind::Pdf,
        detail: detail.to_string(),
    };
    let owned = bytes.to_vec();
    let read = guard::run(TIME_LIMIT, move || {
        pdf_extract::extract_text_from_mem(&owned).map_err(|e| e.to_string())
    });
    match read {
        Ok(Ok(text)) if text.trim().is_empty() => Err(ReadError::NoText {
            kind: DocumentKind::Pdf,
        }),
        Ok(Ok(text)) => Ok(join_number_spacing(&text)),
        Ok(Err(e)) => Err(damaged(&e)),
        Err(failure) => Err(damaged(failure.describe())),
    }
}

/// PDF text puts a space where the font changes between digits and
/// Chinese: 2024 年 2 月 1 日, 〔2024〕3 号. Dates and doc numbers read as
/// written once a digit and the unit word after it are joined again.
fn join_number_spacing(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let next = chars.get(i + 1).copied();
            let digit_then_unit = prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| matches!(n, '年' | '月' | '日' | '号' | '%' | '个'));
            let unit_then_digit = prev.is_some_and(|p| matches!(p, '年' | '月' | '〔'))
                && next.is_some_and(|n| n.is_ascii_digit());
            if digit_then_unit || unit_then_digit {
                continue;
            }
        }
        out.push(*c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_doc_numbers_are_joined_again() {
        assert_eq!(
            join_number_spacing("2024 年 2 月 1 日 某政办发〔2024〕3 号 1 建设 市民政局"),
            "2024年2月1日 某政办发〔2024〕3号 1 建设 市民政局"
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [
            &b"%PDF-1.4\n"[..],
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
            b"",
        ] {
            assert!(read(bytes).is_err());
        }
    }
}
