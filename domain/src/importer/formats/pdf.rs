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
        Ok(Ok(Ok(text))) => Ok(text),
        Ok(Ok(Err(e))) => Err(damaged(&e)),
        Ok(Err(_)) => Err(damaged("文件结构异常 (the extractor failed on this file)")),
        Err(_) => Err(damaged("读取超时 (reading took too long)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
