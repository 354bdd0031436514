//! Excel task lists (.xlsx and .xls, through calamine): every sheet, each
//! row one line of cells, so a header row naming 任务 / 牵头单位 / 责任单位 /
//! 配合单位 / 完成时限 in any order is found by the task table reader.

use std::io::Cursor;

use calamine::{Data, Reader};
use chrono::{Days, NaiveDate};

use super::rows::row_line;
use super::{DocumentKind, ReadError, guard};

/// Time a workbook may take to read; calamine can panic on damaged files
/// and is guarded like the PDF reader.
const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Rows and columns read per sheet: task lists have hundreds, not millions.
const MAX_ROWS: usize = 20_000;
const MAX_COLUMNS: usize = 64;

pub fn read(bytes: &[u8], kind: DocumentKind) -> Result<String, ReadError> {
    let damaged = |detail: String| ReadError::Damaged { kind, detail };
    if kind == DocumentKind::Xlsx {
        let mut archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
        super::check_unpacked(&mut archive, kind)?;
    }
    let owned = bytes.to_vec();
    let read = guard::run(TIME_LIMIT, move || -> Result<Vec<String>, String> {
        let mut book =
            calamine::open_workbook_auto_from_rs(Cursor::new(owned)).map_err(|e| e.to_string())?;
        let mut lines = Vec::new();
        for (_, range) in book.worksheets() {
            for row in range.rows().take(MAX_ROWS) {
                let cells: Vec<String> = row.iter().take(MAX_COLUMNS).map(cell_text).collect();
                let line = row_line(&cells);
                if !line.trim().is_empty() {
                    lines.push(line);
                }
            }
            lines.push(String::new());
        }
        Ok(lines)
    });
    match read {
        Ok(Ok(lines)) => Ok(lines.join("\n")),
        Ok(Err(e)) => Err(damaged(e)),
        Err(failure) => Err(damaged(failure.describe().to_string())),
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // 序号 typed as 1 is stored as 1.0.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()).unwrap_or_default(),
        Data::Error(_) => String::new(),
    }
}

/// A date cell (days since 1899-12-30) written as the notices write dates.
fn excel_date(serial: f64) -> Option<String> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let date = base.checked_add_days(Days::new(serial.trunc() as u64))?;
    Some(date.format("%Y年%-m月%-d日").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_as_notices_write_them() {
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
        assert_eq!(excel_date(45291.0).as_deref(), Some("2023年12月31日"));
        assert_eq!(excel_date(-5.0), None);
    }

    #[test]
    fn a_damaged_workbook_is_an_error() {
        assert!(read(b"PK\x03\x04junk", DocumentKind::Xlsx).is_err());
        assert!(read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1junk", DocumentKind::Xls).is_err());
    }
}
