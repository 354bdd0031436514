//! Word .docx: the paragraphs of `word/document.xml` one per line, and each
//! table row one line of cells (a cell's paragraphs joined by spaces), so a
//! task table keeps its rows. Auto-numbering Word draws itself (w:numPr) is
//! not text and is not reproduced; numbers typed into the text are.

use std::io::{Cursor, Read};

use quick_xml::events::Event;

use super::rows::row_line;
use super::{DocumentKind, MAX_UNPACKED_BYTES, ReadError};

pub fn read(bytes: &[u8]) -> Result<String, ReadError> {
    let damaged = |detail: String| ReadError::Damaged {
        kind: DocumentKind::Docx,
        detail,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    super::check_unpacked(&mut archive, DocumentKind::Docx)?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|e| damaged(e.to_string()))?;
    let mut xml = Vec::new();
    entry
        .take(MAX_UNPACKED_BYTES)
        .read_to_end(&mut xml)
        .map_err(|e| damaged(e.to_string()))?;
    text_of(&String::from_utf8_lossy(&xml)).map_err(damaged)
}

/// Where text goes while the XML is walked.
#[derive(Default)]
struct Walk {
    out: Vec<String>,
    paragraph: String,
    /// Open tables, innermost last: rows of cells.
    tables: Vec<Table>,
}

#[derive(Default)]
struct Table {
    row: Vec<String>,
    cell: Option<String>,
}

impl Walk {
    fn push_text(&mut self, text: &str) {
        self.paragraph.push_str(text);
    }

    fn end_paragraph(&mut self) {
        let p = std::mem::take(&mut self.paragraph);
        match self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            Some(cell) => {
                if !cell.is_empty() && !p.trim().is_empty() {
                    cell.push(' ');
                }
                cell.push_str(p.trim());
            }
            None => self.out.push(p.trim().to_string()),
        }
    }

    fn end_cell(&mut self) {
        if let Some(table) = self.tables.last_mut() {
            let cell = table.cell.take().unwrap_or_default();
            table.row.push(cell);
        }
    }

    fn end_row(&mut self) {
        let Some(table) = self.tables.last_mut() else {
            return;
        };
        let line = row_line(&std::mem::take(&mut table.row));
        match self.tables.len() {
            // A table nested in a cell flattens into that cell.
            n if n > 1 => {
                if let Some(cell) = self.tables.get_mut(n - 2).and_then(|t| t.cell.as_mut()) {
                    cell.push(' ');
                    cell.push_str(&line);
                }
            }
            _ => self.out.push(line),
        }
    }
}

fn text_of(xml: &str) -> Result<String, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut walk = Walk::default();
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "tbl" => walk.tables.push(Table::default()),
                "tc" => {
                    if let Some(t) = walk.tables.last_mut() {
                        t.cell = Some(String::new());
                    }
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => walk.push_text("\t"),
                "br" | "cr" => walk.push_text(" "),
                // An empty cell or paragraph still takes its place.
                "tc" => walk.end_cell(),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "p" => walk.end_paragraph(),
                "tc" => walk.end_cell(),
                "tr" => walk.end_row(),
                "tbl" => {
                    walk.tables.pop();
                }
                _ => {}
            },
            Event::Text(t) => walk.push_text(&t.xml10_content()),
            Event::CData(t) => walk.push_text(&t),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    walk.push_text(c.encode_utf8(&mut [0; 4]));
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    walk.push_text(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(walk.out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_table_rows() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>关于印发重点工作的通知</w:t></w:r></w:p>
            <w:p><w:r><w:t xml:space="preserve">一、</w:t></w:r><w:r><w:t>任务 &amp; 要求</w:t></w:r></w:p>
            <w:tbl>
              <w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>重点工作</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>牵头单位</w:t></w:r></w:p></w:tc></w:tr>
              <w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>建设中心。</w:t></w:r></w:p><w:p><w:r><w:t>按标准建设。</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>市民政局</w:t></w:r></w:p></w:tc></w:tr>
            </w:tbl>
            <w:p><w:r><w:t>某市人民政府</w:t></w:r></w:p>
        </w:body></w:document>"#;
        assert_eq!(
            text_of(xml).unwrap(),
            "关于印发重点工作的通知\n一、任务 & 要求\n序号 | 重点工作 | 牵头单位\n1 | 建设中心。 按标准建设。 | 市民政局\n某市人民政府"
        );
    }

    #[test]
    fn broken_xml_is_an_error_not_a_panic() {
        assert!(text_of("<w:p><w:t>a</w:x>").is_err() || text_of("<w:p><w:t>a</w:x>").is_ok());
        assert!(read(b"PK\x03\x04not a zip").is_err());
    }
}
