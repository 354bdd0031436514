//! Property test of the notice importer on arbitrary text: it never panics,
//! answers the same twice, and everything it reports is well formed.
//!
//! Cases default to 512 per run; a long run is
//! `PROPTEST_CASES=200000 cargo test --release -p duban-domain --test importer_fuzz`
//! (see docs/BENCHMARKS.md for the last one).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use duban_domain::importer::parse_notice;
use proptest::prelude::*;

/// Pieces of real notices, so generated text reaches the parsers' deeper
/// paths instead of failing their first check.
const PIECES: &[&str] = &[
    "一、",
    "二、",
    "（一）",
    "(二)",
    "（十一）",
    "1.",
    "2、",
    "（1）",
    "——",
    "第一章",
    "第二节",
    "\n",
    "\n\n",
    "  ",
    "责任单位：",
    "牵头单位:",
    "配合单位",
    "协同责任单位：",
    "责任部门",
    "市文广新局、体育局",
    "市委组织部、民政局",
    "团市委",
    "各县(市)、区人民政府(管委会)",
    "年内",
    "年底前",
    "今年上半年",
    "一季度末",
    "6月底前",
    "3月15日前",
    "2018年底",
    "到2025年",
    "三年内",
    "每月",
    "每季度",
    "达95%以上",
    "不少于400平方米",
    "分别达95%和85%以上",
    "通政办发〔2013〕35号",
    "2013年2月27日",
    "关于",
    "的通知",
    "序号",
    "重点工作",
    "完成时限",
    "|",
    "\t",
    "指标",
    "目标值",
    "属性",
    "约束性",
    "预期性",
    "。",
    "；",
    "，",
    "%",
    "〔",
    "〕",
    "（",
    "）",
    // Layouts of issue 15's later rounds: mirror pinyin, traditional
    // headers, run-in role notes, starred leads, pipes after cells, dates.
    "區(qū)",
    "發(fā)",
    "(zhèng)",
    "序號 | 任務 | 責任單位 |",
    "(省发改委负责)",
    "(省财政厅主办,省国税局、地税局协办)",
    "分别负责",
    "区财政局*、",
    "〔责任单位:",
    "下同。〕",
    " |\n",
    "区本级\n任务数",
    "发布日期:2023-03-22 09:05:02浏览次数:",
    "2022-05-19 14:17",
    "平教体办明电〔 2020 〕10号",
    "2017年6月底前",
    "、9月底前",
    "“十四五”",
    "到2020年",
    "分工原则",
    "指導思想",
    // Round 5: signatures without separators and inside run-in lines, a
    // portal's byline, labels run into the 文号, places sharing an office,
    // framing of unnumbered paragraphs.
    "2021416",
    "中共某县委实施乡村振兴战略领导小组 2021年9月3日 ",
    "请认真抓好贯彻落实。 ",
    "中国东莞政府门户网站 2019-02-02 08:20:00 来源: 东莞市人民政府",
    "發文字號武政辦〔2020〕1號",
    "生成日期: | 2022-12-02 08:54:33 |",
    "海东市、兰州市、临夏州发展改革部门",
    "总体要求\n",
    "为深入贯彻上级部署结合实际制定本行动计划",
    "以习近平新时代中国特色社会主义思想为指导",
    "的深刻内涵",
    // Round 6: tables with merged cells printed once, bracketed header
    // parts, names run together, any verb after 按职责分工, a work report's
    // review, an item cut after its first word.
    "序号\n指标\n工作任务\n完成时限\n责任领导\n责任股室\n(单位)\n备注\n",
    "12月底前\n",
    "文化宣传股\n文化馆\n",
    "文化宣传股文化馆",
    "(1)",
    "(责任单位:市直各有关单位、各开发区管委会)",
    "等省有关部门和各地级以上市人民政府按职责分工卖力)",
    "工作回顾",
    "3.加快",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(PIECES).prop_map(str::to_owned),
        2 => prop::collection::vec(prop::char::range('\u{4e00}', '\u{9fa5}'), 1..6).prop_map(|v| v.into_iter().collect()),
        1 => any::<String>(),
        1 => prop::collection::vec(any::<u8>(), 0..16).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_text_parses_without_panic(parts in prop::collection::vec(piece(), 0..300)) {
        let text: String = parts.concat();
        let a = parse_notice(&text);
        let b = parse_notice(&text);
        prop_assert_eq!(&a, &b, "parsing is deterministic");
        serde_json::to_string(&a).unwrap();
        for t in &a.tasks {
            for u in &t.units {
                prop_assert!(!u.name.trim().is_empty(), "unit names are never blank: {:?}", t);
            }
            if let Some(cron) = &t.report_cron {
                prop_assert_eq!(cron.split_whitespace().count(), 5);
            }
        }
        for w in &a.warnings {
            prop_assert!(!w.trim().is_empty());
        }
    }
}

mod readers {
    //! The file readers on arbitrary bytes and on damaged copies of real
    //! files of each kind: an answer (text or a typed error) every time, in
    //! bounded time, and any text read parses.
    use std::path::Path;
    use std::time::{Duration, Instant};

    use duban_domain::importer::formats::{Hint, read_document};
    use duban_domain::importer::parse_notice;
    use proptest::prelude::*;

    /// The PDF reader's own limit is 10 s; nothing may take much longer.
    const BOUND: Duration = Duration::from_secs(15);

    const FIXTURES: &[&str] = &[
        "task-table.docx",
        "task-list.xlsx",
        "task-list.xls",
        "notice.pdf",
        "task-table-gbk.html",
        "task-table-gbk.txt",
    ];

    const NAMES: &[Option<&str>] = &[
        None,
        Some("通知.docx"),
        Some("任务.xlsx"),
        Some("任务.xls"),
        Some("通知.pdf"),
        Some("页面.html"),
        Some("通知.txt"),
    ];

    /// Starts that send arbitrary bytes down each reader's path.
    const MAGIC: &[&[u8]] = &[
        b"",
        b"%PDF-1.7\n",
        b"PK\x03\x04",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"<html>",
        b"\xef\xbb\xbf",
    ];

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/formats")
                .join(name),
        )
        .unwrap()
    }

    fn read_and_parse(bytes: &[u8], name: Option<&str>) -> Result<(), TestCaseError> {
        let hint = Hint {
            file_name: name,
            content_type: None,
        };
        let start = Instant::now();
        let read = read_document(bytes, &hint);
        prop_assert!(
            start.elapsed() < BOUND,
            "reading took {:?}",
            start.elapsed()
        );
        if let Ok(document) = read {
            prop_assert!(!document.text.contains('\0'));
            let notice = parse_notice(&document.text);
            serde_json::to_string(&notice).unwrap();
        }
        Ok(())
    }

    /// A copy of a real file with some bytes changed, cut short, or both.
    fn damaged() -> impl Strategy<Value = (usize, Vec<u8>)> {
        (
            0..FIXTURES.len(),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..24),
            prop::option::of(any::<prop::sample::Index>()),
        )
            .prop_map(|(which, flips, cut)| {
                let mut bytes = fixture(FIXTURES[which]);
                for (at, value) in flips {
                    let i = at.index(bytes.len());
                    bytes[i] = value;
                }
                if let Some(cut) = cut {
                    bytes.truncate(cut.index(bytes.len() + 1));
                }
                (which, bytes)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_under_any_name(
            bytes in prop::collection::vec(any::<u8>(), 0..4096),
            name in prop::sample::select(NAMES),
            magic in prop::sample::select(MAGIC),
        ) {
            let mut input = magic.to_vec();
            input.extend_from_slice(&bytes);
            read_and_parse(&input, name)?;
        }

        #[test]
        fn damaged_copies_of_real_files((which, bytes) in damaged()) {
            read_and_parse(&bytes, Some(FIXTURES[which]))?;
        }
    }
}
