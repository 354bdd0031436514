//! Saved web pages: the text of the body, block elements on lines of their
//! own and each table row one line of cells. Scripts, styles and the head
//! are dropped; the page furniture that stays (menus, counters) is the
//! parser's to ignore, as in text copied from a browser.

use html5gum::{Token, Tokenizer};

use super::charset::decode_text;
use super::rows::row_line;

/// Tags whose content is never text.
const HIDDEN: &[&str] = &[
    "script", "style", "head", "noscript", "template", "svg", "iframe",
];
/// Tags that start and end a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "table",
    "tbody",
    "thead",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "dl",
    "form",
    "center",
    "body",
    "html",
];

pub fn read(bytes: &[u8], charset: Option<&str>) -> String {
    let charset = charset.map(str::to_string).or_else(|| meta_charset(bytes));
    text_of(&decode_text(bytes, charset.as_deref()))
}

/// `<meta charset="gb2312">` or `content="text/html; charset=gbk"` in the
/// first kilobytes: how pages saved from Chinese sites say they are GBK.
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    (!value.is_empty()).then_some(value)
}

#[derive(Default)]
struct Page {
    lines: Vec<String>,
    line: String,
    row: Option<Vec<String>>,
    cell: Option<String>,
    hidden: usize,
}

impl Page {
    fn text(&mut self, s: &str) {
        let s = s.replace(['\n', '\r', '\t'], " ");
        match (&mut self.cell, &mut self.row) {
            (Some(cell), _) => cell.push_str(&s),
            (None, _) => self.line.push_str(&s),
        }
    }

    fn break_line(&mut self) {
        if self.cell.is_some() {
            if let Some(cell) = &mut self.cell {
                cell.push(' ');
            }
            return;
        }
        let line = std::mem::take(&mut self.line);
        let line = collapse(&line);
        if !line.is_empty() {
            self.lines.push(line);
        }
    }

    fn end_cell(&mut self) {
        if let (Some(cell), Some(row)) = (self.cell.take(), &mut self.row) {
            row.push(collapse(&cell));
        }
    }

    fn end_row(&mut self) {
        self.end_cell();
        if let Some(row) = self.row.take() {
            self.break_line();
            let line = row_line(&row);
            if !line.trim().is_empty() {
                self.lines.push(line);
            }
        }
    }
}

/// Runs of spaces become one: HTML source indents its text.
fn collapse(s: &str) -> String {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

fn text_of(html: &str) -> String {
    let mut page = Page::default();
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if HIDDEN.contains(&name.as_str()) && !tag.self_closing {
                    page.hidden += 1;
                } else if page.hidden > 0 {
                } else if name == "tr" {
                    page.end_row();
                    page.row = Some(Vec::new());
                } else if name == "td" || name == "th" {
                    page.end_cell();
                    if page.row.is_none() {
                        page.row = Some(Vec::new());
                    }
                    page.cell = Some(String::new());
                } else if BLOCKS.contains(&name.as_str()) {
                    page.break_line();
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if HIDDEN.contains(&name.as_str()) {
                    page.hidden = page.hidden.saturating_sub(1);
                } else if page.hidden > 0 {
                } else if name == "td" || name == "th" {
                    page.end_cell();
                } else if name == "tr" || name == "table" {
                    page.end_row();
                } else if BLOCKS.contains(&name.as_str()) {
                    page.break_line();
                }
            }
            Token::String(s) if page.hidden == 0 => page.text(&String::from_utf8_lossy(&s)),
            _ => {}
        }
    }
    page.end_row();
    page.break_line();
    page.lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_table_rows() {
        let html = "<html><head><title>站点</title><style>p{}</style></head><body>\
            <div class=nav>首页 &gt; 通知</div><h1>关于印发重点工作的通知</h1>\
            <p>一、任务&nbsp;要求</p><script>var a = '<p>x</p>';</script>\
            <table><tr><th>序号</th><th>重点工作</th><th>牵头单位</th></tr>\
            <tr><td>1</td><td><p>建设中心。</p><p>按标准建设。</p></td><td>市民政局</td></tr></table>\
            <p>某市人民政府<br>2023年3月1日</p></body></html>";
        assert_eq!(
            text_of(html),
            "首页 > 通知\n关于印发重点工作的通知\n一、任务\u{a0}要求\n序号 | 重点工作 | 牵头单位\n1 | 建设中心。 按标准建设。 | 市民政局\n某市人民政府\n2023年3月1日"
        );
    }

    #[test]
    fn a_gbk_page_says_so_in_its_meta() {
        let (body, _, _) = encoding_rs::GBK.encode("<html><head><meta charset=\"gb2312\"></head><body><p>责任单位：市民政局</p></body></html>");
        assert_eq!(read(&body, None), "责任单位：市民政局");
    }
}
