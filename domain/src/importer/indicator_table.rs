//! Plan-level 指标 tables (指标 | 目标值 | 属性). Copied tables arrive with
//! cells on one line or spread over several (the 属性 of a row alone on the
//! next line), so rows are read by what each piece holds rather than by
//! column position alone.

use std::collections::HashSet;

use super::cells::tokens;
use super::markers;
use super::model::{Comparator, Indicator, IndicatorKind};
use super::quantity::{is_unit, parse_cell};
use super::text::{Line, cjk_count, take_chars, trim_punct};
use super::warnings::Warnings;

const MAX_NAME: usize = 60;
/// A header spread over one cell per line is at most this tall.
const MAX_HEADER_LINES: usize = 8;

#[derive(Debug, Default)]
pub struct IndicatorTables {
    pub indicators: Vec<Indicator>,
    /// Line numbers that belong to a table and so to no task.
    pub consumed: HashSet<usize>,
}

#[derive(Debug, Default, Clone)]
struct Columns {
    count: usize,
    name: Option<usize>,
    target: Option<usize>,
    unit: Option<usize>,
    /// The year a 2025年 / 2025年目标值 header names for the targets.
    target_year: Option<i32>,
}

fn is_name_header(token: &str) -> bool {
    matches!(
        token,
        "指标" | "指标名称" | "主要指标" | "具体指标" | "指标内容"
    )
}

fn is_header_word(token: &str) -> bool {
    is_name_header(token)
        || matches!(
            token,
            "序号"
                | "类别"
                | "分类"
                | "领域"
                | "单位"
                | "计量单位"
                | "属性"
                | "指标属性"
                | "类型"
                | "指标类型"
                | "目标值"
                | "目标"
                | "预期目标"
                | "规划目标"
                | "基期值"
                | "基数"
                | "现状值"
                | "现状"
                | "年均增长"
                | "累计"
                | "备注"
        )
        || is_year_header(token)
}

/// 2025年, 2020年基期值, 2025年目标值.
fn is_year_header(token: &str) -> bool {
    let digits: String = token.chars().take(4).collect();
    digits.len() == 4
        && digits.chars().all(|c| c.is_ascii_digit())
        && token[4..].starts_with('年')
        && token.chars().count() <= 9
}

fn kind_of(token: &str) -> Option<IndicatorKind> {
    if token.contains("约束性") {
        Some(IndicatorKind::Binding)
    } else if token.contains("预期性") {
        Some(IndicatorKind::Expected)
    } else {
        None
    }
}

fn columns(header: &[&str]) -> Columns {
    let year_columns: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, t)| is_year_header(t))
        .map(|(i, _)| i)
        .collect();
    Columns {
        count: header.len(),
        name: header.iter().position(|t| is_name_header(t)),
        target: header
            .iter()
            .position(|t| t.contains("目标"))
            .or_else(|| year_columns.last().copied()),
        unit: header.iter().position(|t| t.contains("单位")),
        target_year: header
            .iter()
            .filter(|t| is_year_header(t))
            .filter_map(|t| t.get(..4)?.parse().ok())
            .max(),
    }
}

pub fn find(lines: &[Line], warnings: &mut Warnings) -> IndicatorTables {
    let mut out = IndicatorTables::default();
    let mut i = 0;
    while i < lines.len() {
        match header_at(lines, i) {
            Some((cols, next)) => {
                for line in &lines[i..next] {
                    out.consumed.insert(line.no);
                }
                i = read_rows(lines, next, &cols, &mut out, warnings);
            }
            None => i += 1,
        }
    }
    out
}

/// A header on one line, or one header word per line.
fn header_at(lines: &[Line], i: usize) -> Option<(Columns, usize)> {
    let first = tokens(&lines[i].text);
    if !first.iter().any(|t| is_name_header(t)) || !first.iter().all(|t| is_header_word(t)) {
        return None;
    }
    let mut header: Vec<&str> = first;
    let mut next = i + 1;
    if header.len() == 1 {
        while next < lines.len() && next - i <= MAX_HEADER_LINES {
            let words = tokens(&lines[next].text);
            if words.is_empty() {
                next += 1;
                continue;
            }
            if words.len() != 1 || !is_header_word(words[0]) {
                break;
            }
            header.push(words[0]);
            next += 1;
        }
    }
    let complete = header
        .iter()
        .any(|t| t.contains("属性") || t.contains("目标") || is_year_header(t));
    complete.then(|| (columns(&header), next))
}

/// A row being assembled from one or more lines.
#[derive(Default)]
struct Pending {
    name: Option<String>,
    line: usize,
}

fn read_rows(
    lines: &[Line],
    start: usize,
    cols: &Columns,
    out: &mut IndicatorTables,
    warnings: &mut Warnings,
) -> usize {
    let mut pending = Pending::default();
    // Index in `out.indicators` of the last row still missing its 属性.
    let mut awaiting_kind: Option<usize> = None;
    let mut i = start;
    while i < lines.len() {
        let line = &lines[i];
        let text = line.text.as_str();
        if text.is_empty() {
            i += 1;
            continue;
        }
        if markers::detect(text).is_some() || text.contains('。') || text.chars().count() > 80 {
            break;
        }
        let words = tokens(text);
        let kind = words.iter().find_map(|w| kind_of(w));
        if words.len() == 1 && kind.is_some() {
            if let Some(k) = awaiting_kind.take()
                && let Some(ind) = out.indicators.get_mut(k)
            {
                ind.kind = kind;
            }
            out.consumed.insert(line.no);
            i += 1;
            continue;
        }
        match read_row(&words, cols) {
            Some(row) => {
                let name = row.name.or_else(|| pending.name.take());
                let Some(name) = name else {
                    warnings.push(line.no, "指标行缺少指标名称 (indicator row without a name)");
                    out.consumed.insert(line.no);
                    i += 1;
                    continue;
                };
                out.indicators.push(Indicator {
                    name,
                    target: row.target,
                    unit: row.unit,
                    comparator: row.comparator.unwrap_or(Comparator::AtLeast),
                    kind,
                    target_year: cols.target_year,
                });
                awaiting_kind = kind.is_none().then(|| out.indicators.len() - 1);
                pending = Pending::default();
            }
            None if cjk_count(text) >= 2 && text.chars().count() <= 40 => {
                // A category cell or a name whose target follows on the next line.
                pending = Pending {
                    name: Some(take_chars(trim_punct(text), MAX_NAME)),
                    line: line.no,
                };
            }
            None => break,
        }
        out.consumed.insert(line.no);
        i += 1;
    }
    if pending.name.is_some() {
        // The table ended on a name without a target: likely a caption of
        // what follows, so it is left to the outline.
        out.consumed.remove(&pending.line);
    }
    i
}

struct Row {
    name: Option<String>,
    target: String,
    unit: String,
    comparator: Option<Comparator>,
}

fn read_row(words: &[&str], cols: &Columns) -> Option<Row> {
    let aligned = words.len() == cols.count && cols.count > 1;
    let target_cell = if aligned {
        cols.target
            .and_then(|t| words.get(t))
            .filter(|w| parse_cell(w).is_some())
    } else {
        None
    };
    let target_cell =
        target_cell.or_else(|| words.iter().rev().find(|w| parse_cell(w).is_some()))?;
    let (target, mut unit, comparator) = parse_cell(target_cell)?;
    if unit.is_empty() {
        let unit_cell = if aligned {
            cols.unit.and_then(|u| words.get(u))
        } else {
            None
        };
        if let Some(u) = unit_cell.or_else(|| words.iter().find(|w| is_unit(w))) {
            unit = (*u).to_string();
        }
    }
    let name = if aligned {
        cols.name
            .and_then(|n| words.get(n))
            .map(|w| (*w).to_string())
    } else {
        let parts: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| {
                cjk_count(w) >= 2 && parse_cell(w).is_none() && kind_of(w).is_none() && !is_unit(w)
            })
            .collect();
        // A leading category cell (经济发展) comes before the indicator's name.
        parts.last().map(|p| (*p).to_string())
    };
    Some(Row {
        name: name
            .map(|n| take_chars(trim_punct(&n), MAX_NAME))
            .filter(|n| !n.is_empty()),
        target,
        unit,
        comparator,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::importer::text::split_lines;

    fn table(text: &str) -> Vec<(String, String, String, Comparator, Option<IndicatorKind>)> {
        let mut warnings = Warnings::default();
        find(&split_lines(text), &mut warnings)
            .indicators
            .into_iter()
            .map(|i| (i.name, i.target, i.unit, i.comparator, i.kind))
            .collect()
    }

    #[test]
    fn rows_with_the_kind_on_the_next_line() {
        let got = table(
            "指标 2025年 属性\n\n每百户居民拥有社区综合服务设施面积 ≥30平\n\n约束性\n\n农村社区综合服务设施覆盖率 90% 预期性\n第三章 重点任务",
        );
        assert_eq!(
            got,
            [
                (
                    "每百户居民拥有社区综合服务设施面积".into(),
                    "30".into(),
                    "平".into(),
                    Comparator::AtLeast,
                    Some(IndicatorKind::Binding)
                ),
                (
                    "农村社区综合服务设施覆盖率".into(),
                    "90".into(),
                    "%".into(),
                    Comparator::AtLeast,
                    Some(IndicatorKind::Expected)
                ),
            ]
        );
    }

    #[test]
    fn pipe_table_with_unit_and_base_columns() {
        let got = table(
            "| 类别 | 指标 | 单位 | 2020年 | 2025年 | 属性 |\n| 民生 | 城镇调查失业率 | % | 5 | <5.5 | 预期性 |\n| 城市社区综合服务设施覆盖率 | % | 100 | 100 | 约束性 |",
        );
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0],
            (
                "城镇调查失业率".into(),
                "5.5".into(),
                "%".into(),
                Comparator::AtMost,
                Some(IndicatorKind::Expected)
            )
        );
        assert_eq!(got[1].0, "城市社区综合服务设施覆盖率");
        assert_eq!(got[1].4, Some(IndicatorKind::Binding));
    }

    #[test]
    fn one_header_word_per_line() {
        let got = table("指标\n目标值\n属性\n社区工作者数量\n18人\n约束性");
        assert_eq!(
            got,
            [(
                "社区工作者数量".into(),
                "18".into(),
                "人".into(),
                Comparator::AtLeast,
                Some(IndicatorKind::Binding)
            )]
        );
    }

    #[test]
    fn the_year_column_is_the_target_year() {
        let got = find(
            &split_lines("指标 2020年 2025年 属性\n城镇化率 60% 70% 预期性"),
            &mut Warnings::default(),
        );
        assert_eq!(got.indicators[0].target_year, Some(2025));
        assert_eq!(got.indicators[0].target, "70");
    }

    #[test]
    fn no_table_without_a_header() {
        assert!(table("城镇化率 70% 预期性").is_empty());
    }
}
