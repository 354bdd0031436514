//! Arbitrary input: no panic, bounded output, linear time.

use super::parse_notice;

/// xorshift64*: a fixed-seed generator, so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

/// Pieces of notices, so random strings hit the parsers' paths rather than
/// only their first character check.
const PIECES: &[&str] = &[
    "一、",
    "（一）",
    "(二)",
    "1.",
    "1、",
    "（1）",
    "①",
    "——",
    "第一章",
    "第一节",
    "第三条",
    "责任单位",
    "牵头单位：",
    "配合单位:",
    "协同责任单位",
    "：",
    ":",
    "、",
    "，",
    "。",
    "；",
    "市委",
    "市",
    "组织部",
    "民政局",
    "各县(市)、区人民政府(管委会)",
    "（",
    "）",
    "(",
    ")",
    "年内",
    "年底",
    "今年上半年",
    "2018年底前",
    "到2025年",
    "三年内",
    "6月底",
    "30日",
    "每月",
    "每季度",
    "达",
    "95%",
    "和",
    "以上",
    "不少于",
    "400平方米",
    "分别",
    "控制在",
    "以内",
    "指标",
    "属性",
    "约束性",
    "预期性",
    "2025年",
    "≥",
    "|",
    "\t",
    "  ",
    "\n",
    "\r",
    "序号",
    "重点工作",
    "完成时限",
    "附件：",
    "南通市人民政府办公室",
    "2013年2月27日",
    "通政办发〔2013〕35号",
    "关于",
    "的通知",
    "二〇一三",
    "〇",
    "十",
    "\u{fffd}",
    "é",
    "𝄞",
    "0",
    "9",
    " ",
    "《",
    "》",
    "“",
    "”",
];

fn random_text(rng: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    for _ in 0..len {
        if rng.below(4) == 0 {
            let c = char::from_u32(u32::try_from(rng.below(0x3_0000)).unwrap_or(0)).unwrap_or('x');
            s.push(c);
        } else {
            s.push_str(PIECES[rng.below(PIECES.len())]);
        }
    }
    s
}

#[test]
fn random_strings_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for round in 0..3000 {
        let len = rng.below(60) + round % 7;
        let text = random_text(&mut rng, len);
        let notice = parse_notice(&text);
        assert!(notice.warnings.len() <= 101, "{text:?}");
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(7);
    for _ in 0..300 {
        let len = rng.below(400);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
        let _ = parse_notice(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn empty_and_blank_input() {
    let empty = parse_notice("");
    assert!(empty.tasks.is_empty());
    assert!(empty.warnings.is_empty());
    let blank = parse_notice("\n\n   \r\n");
    assert!(blank.tasks.is_empty());
}

#[test]
fn a_repeated_marker_is_one_task() {
    // That its cost stays linear is measured in docs/BENCHMARKS.md, not timed here.
    let text = "（一）责任单位:".repeat(20_000);
    let notice = parse_notice(&text);
    assert_eq!(notice.tasks.len(), 1);
    assert!(notice.tasks[0].title.chars().count() <= 100);
}

#[test]
fn many_lines_of_markers_and_labels() {
    let text = "（一）甲。\n责任单位：\n市民政局、\n".repeat(3000);
    let notice = parse_notice(&text);
    assert_eq!(notice.tasks.len(), 3000);
    assert!(notice.tasks.iter().all(|t| t.units.len() == 1));
}
