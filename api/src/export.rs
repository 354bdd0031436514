//! Files people open in Excel: CSV (UTF-8 with a BOM, so Excel reads the
//! Chinese) and XLSX, from one list of columns.

use actix_web::HttpResponse;
use actix_web::http::header::{
    ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use rust_xlsxwriter::{Format, Workbook};

use crate::error::{ApiError, ApiResult};

pub enum Cell {
    Text(String),
    Number(f64),
    /// A number that is not known (an average over nothing): left blank.
    Empty,
}

/// How wide a cell's text shows in a spreadsheet: Chinese characters take
/// two columns, ASCII one.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A column: its Chinese header and how to read a row's cell.
pub struct Column<T> {
    pub header: &'static str,
    read: Box<dyn Fn(&T) -> Cell + Send + Sync>,
}

impl<T> Column<T> {
    pub fn text(header: &'static str, f: impl Fn(&T) -> String + Send + Sync + 'static) -> Self {
        Self {
            header,
            read: Box::new(move |t| Cell::Text(f(t))),
        }
    }

    pub fn number(header: &'static str, f: impl Fn(&T) -> f64 + Send + Sync + 'static) -> Self {
        Self {
            header,
            read: Box::new(move |t| Cell::Number(f(t))),
        }
    }

    pub fn optional_number(
        header: &'static str,
        f: impl Fn(&T) -> Option<f64> + Send + Sync + 'static,
    ) -> Self {
        Self {
            header,
            read: Box::new(move |t| f(t).map_or(Cell::Empty, Cell::Number)),
        }
    }
}

/// A report's file as a download under its own (UTF-8) name, never kept by
/// a shared cache: the API's and the web UI's download.
pub fn attachment_response(filename: String, content_type: String, bytes: Vec<u8>) -> HttpResponse {
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::FilenameExt(ExtendedValue {
            charset: actix_web::http::header::Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: filename.into_bytes(),
        })],
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(disposition)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"))
        .body(bytes)
}

fn disposition(name: &str, ext: &str) -> ContentDisposition {
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(format!("{name}.{ext}")),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: actix_web::http::header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: format!("{name}.{ext}").into_bytes(),
            }),
        ],
    }
}

pub fn csv_bytes<T>(columns: &[Column<T>], rows: &[T]) -> Result<Vec<u8>, ApiError> {
    let mut out = b"\xef\xbb\xbf".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(columns.iter().map(|c| c.header))
            .map_err(|e| ApiError::internal(e.into()))?;
        for r in rows {
            let record: Vec<String> = columns
                .iter()
                .map(|c| match (c.read)(r) {
                    Cell::Text(s) => s,
                    Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
                    Cell::Number(n) => format!("{n}"),
                    Cell::Empty => String::new(),
                })
                .collect();
            w.write_record(&record)
                .map_err(|e| ApiError::internal(e.into()))?;
        }
        w.flush().map_err(|e| ApiError::internal(e.into()))?;
    }
    Ok(out)
}

pub fn csv_response<T>(file: &str, columns: &[Column<T>], rows: &[T]) -> ApiResult<HttpResponse> {
    let body = csv_bytes(columns, rows)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(disposition(file, "csv"))
        .body(body))
}

pub fn xlsx_bytes<T>(sheet: &str, columns: &[Column<T>], rows: &[T]) -> Result<Vec<u8>, ApiError> {
    let err = |e: rust_xlsxwriter::XlsxError| ApiError::internal(e.into());
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(err)?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = columns.iter().map(|c| display_width(c.header)).collect();
    for (c, col) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, col.header, &bold)
            .map_err(err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, col) in columns.iter().enumerate() {
            let shown = match (col.read)(row) {
                Cell::Text(s) => {
                    ws.write_string(r, c as u16, &s).map_err(err)?;
                    display_width(&s)
                }
                Cell::Number(n) => {
                    ws.write_number(r, c as u16, n).map_err(err)?;
                    format!("{n}").len()
                }
                Cell::Empty => 0,
            };
            widths[c] = widths[c].max(shown);
        }
    }
    // Wide enough for the longest text (a task title wraps past 60).
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(6.0, 62.0))
            .map_err(err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

/// Builds the workbook off the async executor: big exports are CPU work.
pub async fn xlsx_response<T: Send + Sync + 'static>(
    sheet: &'static str,
    file: &'static str,
    columns: Vec<Column<T>>,
    rows: Vec<T>,
) -> ApiResult<HttpResponse> {
    let body = actix_web::web::block(move || xlsx_bytes(sheet, &columns, &rows))
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("export worker: {e}")))??;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header(disposition(file, "xlsx"))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_counts_double_width() {
        assert_eq!(display_width("承接政务便民服务"), 16);
        assert_eq!(display_width("通政办发〔2013〕35号"), 2 * 7 + 6);
    }
}
