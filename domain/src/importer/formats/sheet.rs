//! Excel task lists: every sheet, each row one line of cells, so a header
//! row naming 任务 / 牵头单位 / 责任单位 / 配合单位 / 完成时限 in any order is
//! found by the task table reader.
//!
//! calamine reads both formats, but it lays a sheet out densely from its
//! first to its last cell: a damaged or hostile file with one cell at A1
//! and one at XFD1048576 would ask for hundreds of gigabytes, and a failed
//! allocation aborts the process rather than panicking. So .xlsx is read
//! cell by cell (calamine's cell reader) into a sparse map, and an .xls is
//! first walked record by record (its Workbook stream through `cfb`) to
//! check that its sheets fit [`MAX_CELLS`] before calamine sees it.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use chrono::{Days, NaiveDate};

use super::rows::row_line;
use super::{DocumentKind, MAX_UNPACKED_BYTES, ReadError, guard};

/// Rows and columns read per sheet: task lists have hundreds, not millions.
const MAX_ROWS: u32 = 20_000;
const MAX_COLUMNS: u32 = 64;
/// The dense area an .xls sheet may span.
const MAX_CELLS: u64 = 1_000_000;
/// The bound for records found by scanning the raw bytes (see
/// `check_xls_extent`): about half a gigabyte of cells at most.
const LOOSE_MAX_CELLS: u64 = 16_000_000;
/// Time a workbook may take to read (the readers are guarded, see `guard`).
const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

pub fn read(bytes: &[u8], kind: DocumentKind) -> Result<String, ReadError> {
    let damaged = |detail: String| ReadError::Damaged { kind, detail };
    if kind == DocumentKind::Xlsx {
        let mut archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
        super::check_unpacked(&mut archive, kind)?;
    }
    let owned = bytes.to_vec();
    let read = guard::run(TIME_LIMIT, move || match kind {
        DocumentKind::Xlsx => xlsx_lines(owned),
        _ => xls_lines(owned),
    });
    match read {
        Ok(Ok(lines)) => Ok(lines.join("\n")),
        Ok(Err(e)) => Err(damaged(e)),
        Err(failure) => Err(damaged(failure.describe().to_string())),
    }
}

/// A sheet's cells by (row, column), only those within the limits.
type Sheet = BTreeMap<(u32, u32), String>;

fn sheet_lines(sheet: &Sheet, lines: &mut Vec<String>) {
    let mut row: Vec<String> = Vec::new();
    let mut current: Option<u32> = None;
    for (&(r, c), value) in sheet {
        if current != Some(r) {
            if !row.is_empty() {
                lines.push(row_line(&row));
            }
            row.clear();
            current = Some(r);
        }
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = value.clone();
    }
    if !row.is_empty() {
        lines.push(row_line(&row));
    }
    lines.push(String::new());
}

fn keep(pos: (u32, u32)) -> bool {
    pos.0 < MAX_ROWS && pos.1 < MAX_COLUMNS
}

fn xlsx_lines(bytes: Vec<u8>) -> Result<Vec<String>, String> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    for name in book.sheet_names() {
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|e| e.to_string())?;
        let mut sheet = Sheet::new();
        while let Some(cell) = cells.next_cell().map_err(|e| e.to_string())? {
            let pos = cell.get_position();
            if keep(pos) {
                let text = cell_text(&Data::from(cell.get_value().clone()));
                if !text.is_empty() {
                    sheet.insert(pos, text);
                }
            }
        }
        sheet_lines(&sheet, &mut lines);
    }
    Ok(lines)
}

fn xls_lines(bytes: Vec<u8>) -> Result<Vec<String>, String> {
    check_xls_extent(&bytes)?;
    let mut book = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    for (_, range) in book.worksheets() {
        let mut sheet = Sheet::new();
        for (r, c, value) in range.used_cells() {
            let pos = (
                range.start().map_or(0, |s| s.0) + r as u32,
                range.start().map_or(0, |s| s.1) + c as u32,
            );
            let text = cell_text(value);
            if keep(pos) && !text.is_empty() {
                sheet.insert(pos, text);
            }
        }
        sheet_lines(&sheet, &mut lines);
    }
    Ok(lines)
}

/// BIFF records that place a cell: their data starts with row, column.
const CELL_RECORDS: &[u16] = &[
    0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6, 0x00BD, 0x00BE,
];
const DIMENSIONS: u16 = 0x0200;

/// Walks the Workbook stream's records and refuses a sheet whose cells or
/// declared dimensions span more than [`MAX_CELLS`].
fn check_xls_extent(bytes: &[u8]) -> Result<(), String> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(|| "没有工作簿数据 (no Workbook stream)".to_string())?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(|e| e.to_string())?
        .take(MAX_UNPACKED_BYTES)
        .read_to_end(&mut stream)
        .map_err(|e| e.to_string())?;
    let too_large = || "表格范围过大 (the sheet spans too many cells)".to_string();
    let u16_at = |d: &[u8], i: usize| d.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    // Extent per sheet: (min row, max row, min col, max col).
    let mut extent: Option<(u32, u32, u32, u32)> = None;
    let mut at = 0;
    while let (Some(typ), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        let data = stream
            .get(at + 4..at + 4 + len as usize)
            .unwrap_or_default();
        at += 4 + len as usize;
        let span = |r0: u32, r1: u32, c0: u32, c1: u32| {
            (u64::from(r1.saturating_sub(r0)) + 1) * (u64::from(c1.saturating_sub(c0)) + 1)
        };
        if typ == 0x0809 {
            // BOF: a new sheet begins.
            extent = None;
        } else if typ == DIMENSIONS {
            if dimensions_too_large(data) {
                return Err(too_large());
            }
        } else if CELL_RECORDS.contains(&typ) {
            let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) else {
                continue;
            };
            let (row, col) = (u32::from(row), u32::from(col));
            // MulRk / MulBlank end with their last column.
            let last_col = if matches!(typ, 0x00BD | 0x00BE) && data.len() >= 6 {
                u16_at(data, data.len() - 2).map_or(col, u32::from)
            } else {
                col
            };
            let (r0, r1, c0, c1) = extent.unwrap_or((row, row, col, col));
            let next = (
                r0.min(row),
                r1.max(row),
                c0.min(col),
                c1.max(last_col.max(col)),
            );
            if span(next.0, next.1, next.2, next.3) > MAX_CELLS {
                return Err(too_large());
            }
            extent = Some(next);
        }
    }
    // The stream as calamine's own container reader sees it may differ from
    // cfb's in a damaged file: any BIFF8 Dimensions record anywhere in the
    // bytes is checked too, against a looser bound since four bytes that
    // merely look like one occur by chance.
    let mut i = 0;
    while let Some(found) = bytes.get(i..).and_then(|rest| {
        rest.windows(2)
            .position(|w| w == DIMENSIONS.to_le_bytes())
            .map(|p| i + p)
    }) {
        if let Some(len) = u16_at(bytes, found + 2)
            && matches!(len, 14 | 16)
            && let Some(data) = bytes.get(found + 4..found + 4 + len as usize)
            && dimension_cells(data) > LOOSE_MAX_CELLS
        {
            return Err(too_large());
        }
        i = found + 1;
    }
    Ok(())
}

fn dimensions_too_large(data: &[u8]) -> bool {
    dimension_cells(data) > MAX_CELLS
}

/// The cells calamine reserves for a Dimensions record, computed as it
/// does (MS-XLS 2.4.90; its arithmetic wraps on reversed bounds).
fn dimension_cells(data: &[u8]) -> u64 {
    let u16_at = |i: usize| {
        data.get(i..i + 2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |i: usize| {
        data.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let fields = match data.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return 0,
    };
    let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = fields else {
        return 0;
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (end_r, end_c) = if rl >= 1 && cl >= 1 {
        (rl - 1, cl - 1)
    } else {
        (rf, cf)
    };
    let rows = u64::from(end_r.wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from(end_c.wrapping_sub(cf).wrapping_add(1));
    rows.saturating_mul(cols)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
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
    fn sparse_cells_become_rows_without_filling_the_gaps() {
        let mut sheet = Sheet::new();
        sheet.insert((0, 0), "序号".into());
        sheet.insert((0, 2), "牵头单位".into());
        sheet.insert((7, 1), "建设".into());
        let mut lines = Vec::new();
        sheet_lines(&sheet, &mut lines);
        assert_eq!(lines, ["序号 |  | 牵头单位", " | 建设", ""]);
        assert!(!keep((MAX_ROWS, 0)) && !keep((0, MAX_COLUMNS)));
    }

    #[test]
    fn dimensions_calamine_would_reserve_too_much_for() {
        let dims = |rf: u32, rl: u32, cf: u16, cl: u16| {
            let mut d = rf.to_le_bytes().to_vec();
            d.extend(rl.to_le_bytes());
            d.extend(cf.to_le_bytes());
            d.extend(cl.to_le_bytes());
            d.extend([0, 0]);
            d
        };
        assert!(!dimensions_too_large(&dims(0, 30, 0, 5)));
        assert!(dimensions_too_large(&dims(0, 70_000, 0, 200)));
        // Reversed bounds wrap in calamine's arithmetic.
        assert!(dimensions_too_large(&dims(10, 5, 0, 5)));
    }

    #[test]
    fn a_damaged_workbook_is_an_error() {
        assert!(read(b"PK\x03\x04junk", DocumentKind::Xlsx).is_err());
        assert!(read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1junk", DocumentKind::Xls).is_err());
    }
}
