//! Bytes to text: the files an office receives (plain text in UTF-8 or
//! GBK, Word .docx, Excel .xlsx/.xls, PDF with a text layer, saved web
//! pages) become the text [`super::parse_notice`] reads. Tables stay tables:
//! each row is one line with its cells between ` | `, the shape the task
//! table reader knows.
//!
//! The kind is read from the content (magic bytes, the entries of a zip),
//! with the file name and Content-Type only as hints; a kind that cannot be
//! read is a [`ReadError`], never a panic.
//!
//! Crates, chosen lean (features off) and well kept: `encoding_rs` (the
//! WHATWG decoders Firefox uses; GBK/GB18030 and UTF-16), `zip` + `quick-xml`
//! for .docx (a docx crate would bring a writer and a document model we do
//! not need), `calamine` for .xlsx and .xls (pure Rust, reads both, already
//! the standard), `pdf-extract` over `lopdf` for PDF text (maintained,
//! handles the CID fonts with ToUnicode maps Chinese PDFs use), and
//! `html5gum` for saved pages (a WHATWG tokenizer without dependencies; no
//! DOM is needed to keep text and table rows).
//!
//! `pdf-extract` and `calamine` panic on some damaged files (the property
//! test finds such inputs), so they run guarded: their own thread, the
//! panic caught, a time limit (see `guard`).
//!
//! Limits: documents inside a zip may unpack to at most
//! [`MAX_UNPACKED_BYTES`]; a PDF or workbook gets 10 s; the text returned
//! is at most [`MAX_TEXT_BYTES`].

mod charset;
mod docx;
mod guard;
mod html;
mod pdf;
mod rows;
mod sheet;
mod sniff;

use std::fmt;

pub use charset::{clean as clean_text, decode_text};
pub use sniff::DocumentKind;

/// Largest total a zip's entries may unpack to (a zip bomb stops here).
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// Largest text handed to the parser; real notices are tens of kilobytes.
pub const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;

/// What the sender says about the bytes: a file name and a Content-Type.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hint<'a> {
    pub file_name: Option<&'a str>,
    pub content_type: Option<&'a str>,
}

impl Hint<'_> {
    /// The `charset` parameter of the Content-Type, if any.
    pub fn charset(&self) -> Option<&str> {
        self.content_type?.split(';').skip(1).find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| v.trim().trim_matches('"'))
        })
    }

    fn extension(&self) -> Option<String> {
        let name = self.file_name?;
        let (_, ext) = name.rsplit_once('.')?;
        Some(ext.to_ascii_lowercase())
    }

    fn mime(&self) -> Option<String> {
        let ct = self.content_type?;
        Some(ct.split(';').next()?.trim().to_ascii_lowercase())
    }
}

/// A document read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub kind: DocumentKind,
    pub text: String,
}

/// Why a file gave no text. The messages are Chinese first: people read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// A kind the importer does not read (a .doc, an image, a zip of files).
    Unsupported { what: &'static str },
    /// A file of a readable kind that is damaged or not what it claims.
    Damaged { kind: DocumentKind, detail: String },
    /// The file reads, but holds no text (a scanned PDF).
    NoText { kind: DocumentKind },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Unsupported { what } => write!(
                f,
                "不支持的文件类型：{what}。请提供文本、Word (.docx)、Excel (.xlsx/.xls)、带文字层的 PDF 或网页文件 (unsupported kind of file)"
            ),
            ReadError::Damaged { kind, detail } => write!(
                f,
                "{kind}文件已损坏或格式不符，无法读取：{detail} (the file could not be read)"
            ),
            ReadError::NoText { kind } => write!(
                f,
                "{kind}文件中没有可读取的文字（扫描件请先识别文字）(the file holds no text)"
            ),
        }
    }
}

impl std::error::Error for ReadError {}

/// Refuses a zip whose entries would unpack past [`MAX_UNPACKED_BYTES`],
/// by the sizes its directory declares (the readers also stop reading there).
fn check_unpacked<R: std::io::Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    kind: DocumentKind,
) -> Result<(), ReadError> {
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let size = archive.by_index_raw(i).map(|f| f.size()).unwrap_or(0);
        total = total.saturating_add(size);
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(ReadError::Damaged {
            kind,
            detail: "解压后过大 (unpacks too large)".into(),
        });
    }
    Ok(())
}

/// Reads any supported file as text. Total: every input gives text or a
/// [`ReadError`], in bounded time.
pub fn read_document(bytes: &[u8], hint: &Hint) -> Result<Document, ReadError> {
    let kind = sniff::kind_of(bytes, hint)?;
    let text = match kind {
        DocumentKind::Text => decode_text(bytes, hint.charset()),
        DocumentKind::Html => html::read(bytes, hint.charset()),
        DocumentKind::Docx => docx::read(bytes)?,
        DocumentKind::Xlsx | DocumentKind::Xls => sheet::read(bytes, kind)?,
        DocumentKind::Pdf => pdf::read(bytes)?,
    };
    let text = charset::clean(&text);
    if kind != DocumentKind::Text && text.trim().is_empty() {
        return Err(ReadError::NoText { kind });
    }
    Ok(Document { kind, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_charset_of_a_content_type() {
        let h = Hint {
            file_name: None,
            content_type: Some("text/plain; charset=GBK"),
        };
        assert_eq!(h.charset(), Some("GBK"));
        let h = Hint {
            file_name: Some("通知.DOCX"),
            content_type: Some("text/plain"),
        };
        assert_eq!(h.charset(), None);
        assert_eq!(h.extension().as_deref(), Some("docx"));
    }

    #[test]
    fn errors_read_chinese_first() {
        let e = ReadError::Unsupported {
            what: "Word 97-2003 文档 (.doc)",
        };
        assert!(e.to_string().starts_with("不支持的文件类型"));
        let e = ReadError::NoText {
            kind: DocumentKind::Pdf,
        };
        assert!(e.to_string().starts_with("PDF文件中没有"));
    }
}
