//! Headings that frame a plan rather than assign work: a five-year plan's
//! 规划背景 and 发展基础, a programme's 指导思想 and 基本原则 (layout: plans
//! and implementation programmes, whose opening chapters set out the
//! reasoning before the measures). Items under them are no tasks unless
//! the notice names units for them.

use super::text::{fold_traditional, trim_punct};

const FRAMING: &[&str] = &[
    "指导思想",
    "基本原则",
    "工作原则",
    "总体要求",
    "总体思路",
    "规划背景",
    "发展基础",
    "发展环境",
    "面临形势",
    "形势分析",
    "重要意义",
    "编制依据",
    "发展定位",
    "发展目标",
    "主要目标",
    "总体目标",
    "工作目标",
    "远景目标",
    // A programme's phases are dates of the whole plan, not duties: they
    // become the plan's milestones (layout: phased programmes).
    "实施步骤",
    "工作步骤",
    "方法步骤",
    "实施阶段",
    "步骤安排",
    "进度安排",
    "时间安排",
];

/// Whether a heading's text (after its marker) is one of the framing ones.
/// Layout: mirrors in traditional script (指導思想); and principles of any
/// name (分工原则 of a notice dividing a plan's work) frame it too.
pub fn is_framing(heading: &str) -> bool {
    let folded = fold_traditional(trim_punct(heading));
    let title = folded.as_ref();
    FRAMING.iter().any(|f| title.starts_with(f))
        || title.chars().count() <= 8 && title.ends_with("原则")
        || is_understanding(title)
        || is_review(title)
}

/// Layout (round 6): a government work report issued by a notice opens by
/// reviewing the past year (一、2021年及十七届县人民政府工作回顾, 过去五年
/// 工作回顾): what was done, not work to do.
fn is_review(title: &str) -> bool {
    title.chars().count() <= 30 && title.ends_with("回顾")
}

/// Layout: opinions that open by setting out what a policy is and why it
/// matters (一、全面把握…的深刻内涵 / (一)充分认识…的重要意义): reasoning, not
/// work.
fn is_understanding(title: &str) -> bool {
    ["重要意义", "深刻内涵", "重大意义"]
        .iter()
        .any(|e| title.ends_with(e))
        || ["充分认识", "深刻认识", "深刻理解"]
            .iter()
            .any(|b| title.starts_with(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_headings_and_work_headings() {
        for h in [
            "指导思想",
            " 总体要求",
            "规划背景",
            "发展目标。到2025年…",
            "基本原则",
            "指導思想",
            "分工原则",
            // Round 5 (layout: an opinion's reasoning first).
            "全面把握政府和社会资本合作模式的深刻内涵",
            "充分认识政府和社会资本合作模式的重要意义",
            // Round 6 (layout: a work report's review of the past year).
            "2021年及十七届县人民政府工作回顾",
            "过去五年工作回顾",
        ] {
            assert!(is_framing(h), "{h}");
        }
        for h in [
            "重点任务",
            "加强组织领导",
            "经济社会发展的主要预期目标",
            "保障措施",
            "坚持以人民为中心的发展思想和安全发展原则",
            "全面把握市场准入要求",
            "回顾总结经验做法并加以推广",
        ] {
            assert!(!is_framing(h), "{h}");
        }
    }
}
