//! Table rows as copied from web pages: cells separated by `|`, tabs or runs
//! of spaces, sometimes only single spaces.

/// Cells split at `|`, tabs or two or more spaces. Inner empty cells are kept
/// so columns still line up with the header.
pub fn strong_cells(line: &str) -> Vec<&str> {
    let raw: Vec<&str> = if line.contains('|') {
        line.split('|').collect()
    } else if line.contains('\t') {
        line.split('\t').collect()
    } else {
        return split_on_space_runs(line);
    };
    let cells: Vec<&str> = raw.into_iter().map(str::trim).collect();
    let first = cells.iter().position(|c| !c.is_empty());
    let last = cells.iter().rposition(|c| !c.is_empty());
    match (first, last) {
        (Some(a), Some(b)) => cells[a..=b].to_vec(),
        _ => Vec::new(),
    }
}

fn split_on_space_runs(line: &str) -> Vec<&str> {
    let mut cells = Vec::new();
    let mut start = 0;
    let mut run_start: Option<usize> = None;
    let mut run_len = 0;
    for (i, c) in line.char_indices() {
        if c == ' ' {
            if run_start.is_none() {
                run_start = Some(i);
            }
            run_len += 1;
            continue;
        }
        if let Some(rs) = run_start.take() {
            if run_len >= 2 {
                cells.push(line[start..rs].trim());
                start = i;
            }
            run_len = 0;
        }
    }
    cells.push(line[start..].trim());
    cells.retain(|c| !c.is_empty());
    cells
}

/// Strong cells when there are several, otherwise the words between single
/// spaces.
pub fn tokens(line: &str) -> Vec<&str> {
    let strong = strong_cells(line);
    if strong.len() > 1 {
        return strong;
    }
    line.split_whitespace().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(
            strong_cells("| 指标 | 目标值 | 属性 |"),
            ["指标", "目标值", "属性"]
        );
        assert_eq!(
            strong_cells("1\t任务\t\t2018年底"),
            ["1", "任务", "", "2018年底"]
        );
        assert_eq!(
            strong_cells("城镇化率   70%  预期性"),
            ["城镇化率", "70%", "预期性"]
        );
        assert_eq!(strong_cells("指标 2025年 属性"), ["指标 2025年 属性"]);
        assert_eq!(tokens("指标 2025年 属性"), ["指标", "2025年", "属性"]);
    }
}
