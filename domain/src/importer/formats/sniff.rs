//! What kind of file the bytes are, from their content: magic bytes, a
//! zip's entries, an OLE file's streams, markup at the start. The file
//! name and Content-Type decide only between kinds the content allows
//! (text that is a saved page).

use std::fmt;
use std::io::Cursor;

use super::{Hint, ReadError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Text,
    Html,
    Docx,
    Xlsx,
    Xls,
    Pdf,
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DocumentKind::Text => "文本",
            DocumentKind::Html => "网页 (HTML) ",
            DocumentKind::Docx => "Word (.docx) ",
            DocumentKind::Xlsx => "Excel (.xlsx) ",
            DocumentKind::Xls => "Excel (.xls) ",
            DocumentKind::Pdf => "PDF",
        })
    }
}

const OLE: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";
/// How far into the file a PDF header or markup may start.
const HEAD: usize = 1024;

pub fn kind_of(bytes: &[u8], hint: &Hint) -> Result<DocumentKind, ReadError> {
    let head = &bytes[..bytes.len().min(HEAD)];
    if find(head, b"%PDF-").is_some() {
        return Ok(DocumentKind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_kind(bytes);
    }
    if bytes.starts_with(OLE) {
        return ole_kind(bytes);
    }
    for (magic, what) in [
        (&b"{\\rtf"[..], "RTF 文档"),
        (b"\x89PNG", "图片 (PNG)"),
        (b"\xff\xd8\xff", "图片 (JPEG)"),
        (b"GIF8", "图片 (GIF)"),
        (b"II*\x00", "图片 (TIFF)"),
        (b"MM\x00*", "图片 (TIFF)"),
        (b"Rar!", "压缩包 (RAR)"),
        (b"7z\xbc\xaf", "压缩包 (7z)"),
        (b"\x1f\x8b", "压缩包 (gzip)"),
    ] {
        if bytes.starts_with(magic) {
            return Err(ReadError::Unsupported { what });
        }
    }
    // A page saved as a web archive (.mht) is MIME with the page encoded
    // inside: not text, and not read.
    let lower_head: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    if lower_head.starts_with(b"mime-version:")
        || find(&lower_head, b"content-type: multipart/related").is_some()
    {
        return Err(ReadError::Unsupported {
            what: "网页归档 (.mht)，请另存为网页 (.html)",
        });
    }
    if looks_like_markup(head) || named_html(hint) {
        return Ok(DocumentKind::Html);
    }
    Ok(DocumentKind::Text)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn zip_kind(bytes: &[u8]) -> Result<DocumentKind, ReadError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Damaged {
        kind: DocumentKind::Docx,
        detail: format!("不是完整的 Office 文件 ({e})"),
    })?;
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("word/document.xml") {
        Ok(DocumentKind::Docx)
    } else if has("xl/workbook.xml") {
        Ok(DocumentKind::Xlsx)
    } else if has("ppt/presentation.xml") {
        Err(ReadError::Unsupported {
            what: "PowerPoint 演示文稿",
        })
    } else if has("content.xml") {
        Err(ReadError::Unsupported {
            what: "OpenDocument 文档（请另存为 .docx 或 .xlsx）",
        })
    } else {
        Err(ReadError::Unsupported {
            what: "压缩包 (zip)",
        })
    }
}

/// Word 97-2003 and Excel 97-2003 share the OLE container; a Word file
/// names its WordDocument stream (in UTF-16) in the directory.
fn ole_kind(bytes: &[u8]) -> Result<DocumentKind, ReadError> {
    let name: Vec<u8> = "WordDocument"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if find(bytes, &name).is_some() {
        return Err(ReadError::Unsupported {
            what: "Word 97-2003 文档 (.doc)，请另存为 .docx 或 PDF",
        });
    }
    Ok(DocumentKind::Xls)
}

fn looks_like_markup(head: &[u8]) -> bool {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let start = lower
        .iter()
        .position(|b| !b.is_ascii_whitespace() && !matches!(b, 0xef | 0xbb | 0xbf))
        .unwrap_or(lower.len());
    lower.get(start) == Some(&b'<')
        && [
            &b"<html"[..],
            b"<!doctype html",
            b"<head",
            b"<body",
            b"<meta",
            b"<div",
            b"<table",
            b"<p>",
            b"<p ",
        ]
        .iter()
        .any(|tag| find(&lower, tag).is_some())
}

fn named_html(hint: &Hint) -> bool {
    hint.extension()
        .is_some_and(|e| matches!(e.as_str(), "html" | "htm" | "shtml" | "xhtml"))
        || hint
            .mime()
            .is_some_and(|m| m == "text/html" || m == "application/xhtml+xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(bytes: &[u8], name: Option<&str>) -> Result<DocumentKind, ReadError> {
        kind_of(
            bytes,
            &Hint {
                file_name: name,
                content_type: None,
            },
        )
    }

    #[test]
    fn the_content_decides() {
        assert_eq!(kind(b"%PDF-1.7\n...", Some("a.txt")), Ok(DocumentKind::Pdf));
        assert_eq!(
            kind(b"<!DOCTYPE html><html><body>x</body></html>", None),
            Ok(DocumentKind::Html)
        );
        assert_eq!(
            kind("一、任务".as_bytes(), Some("a.html")),
            Ok(DocumentKind::Html)
        );
        assert_eq!(
            kind("一、任务".as_bytes(), Some("a.xlsx")),
            Ok(DocumentKind::Text)
        );
        assert!(matches!(
            kind(b"\x89PNG\r\n", None),
            Err(ReadError::Unsupported { .. })
        ));
        assert!(matches!(
            kind(
                b"MIME-Version: 1.0\r\nContent-Type: multipart/related;",
                Some("a.mht")
            ),
            Err(ReadError::Unsupported { .. })
        ));
        assert!(matches!(
            kind(b"PK\x03\x04garbage", None),
            Err(ReadError::Damaged { .. })
        ));
    }

    #[test]
    fn a_word_97_file_is_named_as_such() {
        let mut doc = OLE.to_vec();
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        let err = kind(&doc, Some("通知.doc")).unwrap_err();
        assert!(err.to_string().contains(".doc"), "{err}");
        assert_eq!(kind(OLE, None), Ok(DocumentKind::Xls));
    }
}
