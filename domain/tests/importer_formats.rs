//! Every kind of file the office receives imports, from files saved in
//! `fixtures/formats/` (how each was made: its README): the readers give
//! the text, the parser the same tasks, units and dates from each.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use chrono::NaiveDate;
use duban_domain::importer::formats::{DocumentKind, Hint, ReadError, read_document};
use duban_domain::importer::{ParsedNotice, RecurrencePer, UnitRole, parse_notice};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/formats")
            .join(name),
    )
    .unwrap()
}

/// Reads a fixture with no hint at all: the content decides.
fn import(name: &str) -> (DocumentKind, ParsedNotice) {
    let document = read_document(&fixture(name), &Hint::default()).unwrap();
    (document.kind, parse_notice(&document.text))
}

fn units(notice: &ParsedNotice, task: usize) -> Vec<(&str, UnitRole)> {
    notice.tasks[task]
        .units
        .iter()
        .map(|u| (u.name.as_str(), u.role))
        .collect()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The task table of the docx, html and text fixtures, and the task list of
/// the workbooks (same rows, columns in another order).
fn assert_task_table(notice: &ParsedNotice) {
    assert_eq!(notice.tasks.len(), 3, "{:#?}", notice.tasks);
    assert_eq!(notice.tasks[0].title, "建设社区综合服务中心");
    assert_eq!(
        units(notice, 0),
        [
            ("市民政局", UnitRole::Lead),
            ("市财政局", UnitRole::Assist),
            ("市住建局", UnitRole::Assist),
        ]
    );
    assert_eq!(
        units(notice, 1),
        [
            ("市数据局", UnitRole::Lead),
            ("市政务服务中心", UnitRole::Assist)
        ]
    );
    assert_eq!(notice.tasks[0].due_on, date(2024, 12, 31));
    assert_eq!(notice.tasks[1].due_on, date(2024, 6, 30));
    assert_eq!(notice.tasks[2].due_text.as_deref(), Some("长期坚持"));
    assert_eq!(notice.tasks[2].recurrences[0].per, RecurrencePer::Quarter);
}

fn assert_header(notice: &ParsedNotice) {
    assert_eq!(notice.plan.doc_no.as_deref(), Some("某政办发〔2024〕3号"));
    assert_eq!(notice.plan.issued_on, date(2024, 2, 1));
}

/// Plain UTF-8 text, as most notices arrive: the Nantong sample.
#[test]
fn a_utf8_text_file() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nantong-2013-35.txt"),
    )
    .unwrap();
    let document = read_document(&bytes, &Hint::default()).unwrap();
    assert_eq!(document.kind, DocumentKind::Text);
    let notice = parse_notice(&document.text);
    assert_eq!(notice.plan.doc_no.as_deref(), Some("通政办发〔2013〕35号"));
    assert!(notice.tasks.len() >= 10, "{}", notice.tasks.len());
}

#[test]
fn a_word_document_with_a_real_table() {
    let (kind, notice) = import("task-table.docx");
    assert_eq!(kind, DocumentKind::Docx);
    assert_header(&notice);
    assert_task_table(&notice);
}

#[test]
fn excel_task_lists_with_the_columns_in_any_order() {
    for name in ["task-list.xlsx", "task-list.xls"] {
        let (kind, notice) = import(name);
        let want = if name.ends_with("xlsx") {
            DocumentKind::Xlsx
        } else {
            DocumentKind::Xls
        };
        assert_eq!(kind, want);
        assert_task_table(&notice);
    }
}

#[test]
fn a_pdf_with_a_text_layer() {
    let (kind, notice) = import("notice.pdf");
    assert_eq!(kind, DocumentKind::Pdf);
    assert_eq!(notice.plan.doc_no.as_deref(), Some("某政办〔2024〕7号"));
    assert_eq!(notice.plan.issued_on, date(2024, 3, 5));
    assert_eq!(notice.tasks.len(), 3);
    assert_eq!(
        units(&notice, 0),
        [
            ("县民政局", UnitRole::Lead),
            ("县财政局", UnitRole::Assist),
            ("各乡人民政府", UnitRole::Assist),
            ("各镇人民政府", UnitRole::Assist),
        ]
    );
    let steps: Vec<NaiveDate> = notice.tasks[0].milestones.iter().map(|m| m.date).collect();
    assert_eq!(
        steps,
        [date(2024, 6, 30).unwrap(), date(2024, 12, 31).unwrap()]
    );
    assert_eq!(
        units(&notice, 1),
        [("县数据局", UnitRole::Lead), ("县民政局", UnitRole::Assist)]
    );
    assert_eq!(notice.tasks[2].recurrences[0].per, RecurrencePer::Year);
    assert_eq!(notice.tasks[2].recurrences[0].times, 2);
}

#[test]
fn a_saved_gbk_page_and_gbk_text() {
    let (kind, notice) = import("task-table-gbk.html");
    assert_eq!(kind, DocumentKind::Html);
    assert_header(&notice);
    assert_task_table(&notice);
    assert!(
        notice
            .tasks
            .iter()
            .all(|t| !t.requirements.contains("不是正文"))
    );
    let (kind, notice) = import("task-table-gbk.txt");
    assert_eq!(kind, DocumentKind::Text);
    assert_header(&notice);
    assert_task_table(&notice);
    assert!(
        notice
            .warnings
            .iter()
            .all(|w| !w.contains("无法识别的字符")),
        "{:?}",
        notice.warnings
    );
}

#[test]
fn kinds_that_cannot_be_read_are_typed_errors() {
    let docx = fixture("task-table.docx");
    let cut = read_document(&docx[..docx.len() / 2], &Hint::default());
    assert!(matches!(cut, Err(ReadError::Damaged { .. })), "{cut:?}");
    let png = read_document(b"\x89PNG\r\n\x1a\n....", &Hint::default());
    assert!(matches!(png, Err(ReadError::Unsupported { .. })));
    let mut doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    let err = read_document(&doc, &Hint::default()).unwrap_err();
    assert!(err.to_string().contains(".doc"), "{err}");
    let pdf = fixture("notice.pdf");
    assert!(read_document(&pdf[..200], &Hint::default()).is_err());
}
