//! PDF with a text layer, through `pdf-extract`. The extractor can panic
//! or run long on damaged files, so it runs on a thread of its own, its
//! panic caught, and is given [`TIME_LIMIT`]: past that the caller gets an
//! error while the thread finishes on its own (it holds only its copy of
//! the bytes). A PDF of scanned pages has no text: [`ReadError::NoText`].

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::Duration;

use super::{DocumentKind, ReadError};

pub const TIME_LIMIT: Duration = Duration::from_secs(10);

pub fn read(bytes: &[u8]) -> Result<String, ReadError> {
    read_within(bytes, TIME_LIMIT)
}

fn read_within(bytes: &[u8], limit: Duration) -> Result<String, ReadError> {
    let damaged = |detail: &str| ReadError::Damaged {
        kind: DocumentKind::Pdf,
        detail: detail.to_string(),
    };
    let owned = bytes.to_vec();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("pdf-text".into())
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| {
                pdf_extract::extract_text_from_mem(&owned).map_err(|e| e.to_string())
            }));
            let _ = tx.send(result);
        });
    if spawned.is_err() {
        return Err(damaged("无法启动读取 (could not start reading)"));
    }
    match rx.recv_timeout(limit) {
        Ok(Ok(Ok(text))) if text.trim().is_empty() => Err(ReadError::NoText {
            kind: DocumentKind::Pdf,
        }),
        Ok(Ok(Ok(text))) => Ok(join_number_spacing(&text)),
        Ok(Ok(Err(e))) => Err(damaged(&e)),
        Ok(Err(_)) => Err(damaged("文件结构异常 (the extractor failed on this file)")),
        Err(_) => Err(damaged("读取超时 (reading took too long)")),
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
