//! POST /plans/import takes the file as the office received it: GBK text,
//! Word, Excel, PDF, a saved page; a kind it cannot read is a 4xx problem.

use reqwest::{Method, StatusCode};

use crate::helpers::TestApp;
use crate::import::office;
use crate::storage_test;

const DOCX: &[u8] = include_bytes!("../../../domain/tests/fixtures/formats/task-table.docx");
const XLSX: &[u8] = include_bytes!("../../../domain/tests/fixtures/formats/task-list.xlsx");
const PDF: &[u8] = include_bytes!("../../../domain/tests/fixtures/formats/notice.pdf");
const GBK_TEXT: &[u8] = include_bytes!("../../../domain/tests/fixtures/formats/task-table-gbk.txt");
const GBK_PAGE: &[u8] =
    include_bytes!("../../../domain/tests/fixtures/formats/task-table-gbk.html");

async fn every_kind_of_file_imports_on_a_dry_run(app: &TestApp) {
    let tok = office(app).await;
    let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    for (path, ctype, body, tasks) in [
        (
            "/plans/import?dry_run=true",
            "text/plain; charset=gbk",
            GBK_TEXT,
            3,
        ),
        ("/plans/import?dry_run=true", "text/html", GBK_PAGE, 3),
        ("/plans/import?dry_run=true", docx, DOCX, 3),
        ("/plans/import?dry_run=true", xlsx, XLSX, 3),
        (
            "/plans/import?dry_run=true&filename=notice.pdf",
            "application/octet-stream",
            PDF,
            3,
        ),
    ] {
        let r = app
            .raw(Method::POST, path, Some(&tok), ctype, body.to_vec())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{ctype}: {}", r.body);
        assert_eq!(r.body["tasks"].as_array().unwrap().len(), tasks, "{ctype}");
        let warnings = r.body["warnings"].to_string();
        assert!(!warnings.contains("无法识别的字符"), "{ctype}: {warnings}");
    }
}
storage_test!(every_kind_of_file_imports_on_a_dry_run);

async fn a_gbk_notice_is_stored_as_written(app: &TestApp) {
    let tok = office(app).await;
    let r = app
        .raw(
            Method::POST,
            "/plans/import?create_units=true",
            Some(&tok),
            "text/plain; charset=GBK",
            GBK_TEXT.to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let plan = r.body["id"].as_i64().unwrap();
    let detail = app.get(&format!("/plans/{plan}"), &tok).await;
    assert_eq!(detail.body["doc_no"], "某政办发〔2024〕3号");
}
storage_test!(a_gbk_notice_is_stored_as_written);

async fn unreadable_files_are_problems_in_chinese(app: &TestApp) {
    let tok = office(app).await;
    let before = app.count("plans").await;
    let cases: [(&str, Vec<u8>, StatusCode); 3] = [
        (
            "image/png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "application/msword",
            {
                let mut doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
                doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
                doc
            },
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "application/octet-stream",
            DOCX[..DOCX.len() / 2].to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (ctype, body, status) in cases {
        let r = app
            .raw(Method::POST, "/plans/import", Some(&tok), ctype, body)
            .await;
        assert_eq!(r.status, status, "{ctype}: {}", r.body);
        assert_eq!(
            r.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let detail = r.body["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("不支持") || detail.starts_with("Word"),
            "{detail}"
        );
    }
    assert_eq!(app.count("plans").await, before);
}
storage_test!(unreadable_files_are_problems_in_chinese);
