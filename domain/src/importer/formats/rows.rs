//! Table rows as one line each, cells between ` | `: the shape the task
//! table reader knows from web pages, so every format's tables read alike.

/// Joins a row's cells into one line. A cell's own line breaks become
/// spaces and its `|` a full-width one, so the row stays one row.
pub fn row_line<S: AsRef<str>>(cells: &[S]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| cell_text(c.as_ref())).collect();
    let last = cells.iter().rposition(|c| !c.is_empty());
    match last {
        Some(end) => cells[..=end].join(" | "),
        None => String::new(),
    }
}

fn cell_text(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    for part in cell
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out.replace('|', "｜")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_one_line() {
        assert_eq!(
            row_line(&["1", "建设中心。\n按标准建设。", "市民政局", "", ""]),
            "1 | 建设中心。 按标准建设。 | 市民政局"
        );
        assert_eq!(row_line(&["", "a|b"]), " | a｜b");
        assert_eq!(row_line::<&str>(&[]), "");
    }
}
