//! The addressees (主送机关) of a notice: 各县(市)、区人民政府,市各委、办、局:
//! Whoever a notice is addressed to carries out what it asks, so a task that
//! names no unit of its own falls to them (with a warning to review it).

use super::markers::{self, MarkerKind};
use super::noise::is_noise;
use super::text::{Line, trim_punct};
use super::units::{UnitEntry, parse_unit_list};

/// The addressee line sits in the masthead, within this many lines.
const HEAD_LINES: usize = 40;
const MAX_LINE: usize = 200;
const OFFICE_ENDS: &[&str] = &[
    "政府",
    "管委会",
    "部门",
    "单位",
    "机构",
    "局",
    "委",
    "办",
    "厅",
    "办事处",
    "街道",
    "乡镇",
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Addressees {
    pub line: usize,
    pub units: Vec<UnitEntry>,
}

pub fn find(lines: &[Line]) -> Option<Addressees> {
    lines
        .iter()
        .filter(|l| !l.text.is_empty() && !is_noise(&l.text))
        .take_while(|l| {
            !markers::detect(&l.text)
                .is_some_and(|m| m.kind.is_heading() || m.kind == MarkerKind::ParenCn)
        })
        .take(HEAD_LINES)
        .find_map(read_line)
}

fn read_line(line: &Line) -> Option<Addressees> {
    let text = line.text.as_str();
    let body = without_caption(text.strip_suffix(['：', ':'])?);
    if text.chars().count() > MAX_LINE || text.contains('。') {
        return None;
    }
    let units: Vec<UnitEntry> = parse_unit_list(trim_punct(body))
        .entries
        .into_iter()
        .filter(|e| e.group || OFFICE_ENDS.iter().any(|s| e.name.ends_with(s)))
        .collect();
    (!units.is_empty()).then_some(Addressees {
        line: line.no,
        units,
    })
}

/// Layout (round 6): a page's English caption run into the addressee line
/// below it (`Policies and regulations各区人民政府,…`): page furniture, not
/// part of the first name.
fn without_caption(body: &str) -> &str {
    let caption = body.find(|c: char| !c.is_ascii()).unwrap_or(body.len());
    let letters = body[..caption]
        .chars()
        .filter(char::is_ascii_alphabetic)
        .count();
    if letters >= 3 { &body[caption..] } else { body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::importer::text::split_lines;

    fn names(text: &str) -> Vec<String> {
        find(&split_lines(text))
            .map(|a| a.units.into_iter().map(|u| u.name).collect())
            .unwrap_or_default()
    }

    #[test]
    fn the_addressee_line_of_the_masthead() {
        assert_eq!(
            names(
                "关于…的通知\n各县(市)、区人民政府,市经济技术开发区管委会,市各委、办、局,市各直属单位:\n正文。"
            ),
            [
                "各县(市)人民政府",
                "各区人民政府",
                "市经济技术开发区管委会",
                "市各委、办、局",
                "市各直属单位"
            ]
        );
        assert_eq!(
            names("各乡镇人民政府、街道办事处,区政府各部门、各直属机构:"),
            [
                "各乡镇人民政府",
                "街道办事处",
                "区政府各部门",
                "区政府各直属机构"
            ]
        );
    }

    #[test]
    fn an_english_caption_run_into_the_line_is_no_part_of_it() {
        assert_eq!(
            names("Policies and regulations各区人民政府,市政府各委、办、局:"),
            ["各区人民政府", "市政府各委、办、局"]
        );
    }

    #[test]
    fn other_lines_ending_in_a_colon_are_not_addressees() {
        assert!(names("现将有关事项通知如下:").is_empty());
        assert!(names("一、总体要求\n各县区政府:").is_empty());
    }
}
