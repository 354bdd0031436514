//! The two sample notices, read as a user of `duban import` would check them.

use chrono::NaiveDate;

use super::{IndicatorKind, ParsedNotice, Task, UnitRole, parse_notice};

// domain/src/importer/ -> domain/tests/fixtures/
const NANTONG: &str = include_str!("../../tests/fixtures/nantong-2013-35.txt");
const LONGSHA: &str = include_str!("../../tests/fixtures/longsha-14th-plan.txt");

fn nantong() -> ParsedNotice {
    parse_notice(NANTONG)
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn units(task: &Task) -> Vec<(&str, UnitRole)> {
    task.units
        .iter()
        .map(|u| (u.name.as_str(), u.role))
        .collect()
}

#[test]
fn nantong_header() {
    let plan = nantong().plan;
    assert_eq!(plan.doc_no.as_deref(), Some("通政办发〔2013〕35号"));
    assert_eq!(plan.issued_on, date(2013, 2, 27));
    assert_eq!(plan.year, Some(2013));
    assert_eq!(plan.issuer.as_deref(), Some("南通市人民政府办公室"));
    let title = plan.title.unwrap_or_default();
    assert!(
        title.contains("统筹城乡社区建设主要工作责任分解"),
        "{title}"
    );
    assert!(!title.contains('《'), "{title}");
}

#[test]
fn nantong_outline() {
    let notice = nantong();
    assert_eq!(notice.sections.len(), 6);
    assert_eq!(notice.sections[0].number, "一");
    assert_eq!(
        notice.sections[0].title,
        "增强社区基本功能,完善综合服务体系"
    );
    assert_eq!(notice.tasks.len(), 22);
    assert_eq!(notice.tasks[0].number, "(一)");
    assert_eq!(notice.tasks[0].title, "承接政务便民服务");
    assert_eq!(notice.tasks[21].number, "(二十二)");
    assert_eq!(notice.tasks[21].section.as_deref(), Some("六"));
    // The attachment list and the page footer belong to no task.
    assert!(!notice.tasks[21].requirements.contains("附件"));
    assert!(!notice.tasks[21].requirements.contains("二维码"));
    assert!(notice.tasks.iter().all(|t| !t.units.is_empty()));
}

#[test]
fn nantong_units() {
    let notice = nantong();
    let t = &notice.tasks;
    assert!(t[1].title.contains("医疗卫生"));
    assert_eq!(units(&t[1]), [("市卫生局", UnitRole::Lead)]);
    assert_eq!(
        units(&t[2]),
        [
            ("市文广新局", UnitRole::Lead),
            ("市体育局", UnitRole::Assist),
            ("市教育局", UnitRole::Assist),
            ("市财政局", UnitRole::Assist),
        ]
    );
    assert_eq!(
        units(&t[4]),
        [
            ("市委组织部", UnitRole::Lead),
            ("市人社局", UnitRole::Assist)
        ]
    );
    // 各县(市)、区人民政府(管委会): the county and the district
    // governments, both leading.
    assert_eq!(
        units(&t[0]),
        [
            ("各县(市)人民政府(管委会)", UnitRole::Lead),
            ("各区人民政府(管委会)", UnitRole::Lead)
        ]
    );
    assert!(t[0].units.iter().all(|u| u.group));
    let six: Vec<&str> = t[5].units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        six,
        [
            "市委组织部",
            "市委文明办",
            "市民政局",
            "市人社局",
            "团市委",
            "各县(市)人民政府(管委会)",
            "各区人民政府(管委会)"
        ]
    );
    assert!(t.iter().flat_map(|t| &t.units).all(|u| u.unit_id.is_none()));
}

#[test]
fn nantong_deadlines() {
    let notice = nantong();
    let t = &notice.tasks;
    assert_eq!(t[0].due_on, date(2013, 12, 31));
    assert_eq!(t[0].due_text.as_deref(), Some("年内"));
    assert!(!t[0].due_is_default);
    assert_eq!(t[18].due_on, date(2013, 6, 30));
    assert_eq!(t[18].due_text.as_deref(), Some("今年上半年"));
    // (二) names no phrase: a notice about 2013 means by the end of 2013.
    assert_eq!(t[1].due_on, date(2013, 12, 31));
    assert!(t[1].due_is_default);
}

#[test]
fn nantong_indicators() {
    let notice = nantong();
    let first = &notice.tasks[0].indicators;
    assert!(first.len() >= 2);
    let targets: Vec<&str> = first.iter().map(|i| i.target.as_str()).collect();
    assert!(
        targets.contains(&"95") && targets.contains(&"85"),
        "{targets:?}"
    );
    assert!(first.iter().all(|i| i.unit == "%"));
    assert_eq!(first[0].name, "城市社区“开放式”办公率");
    let serialised = serde_json::to_value(&first[0]).unwrap_or_default();
    assert_eq!(serialised["comparator"], ">=");
    let fifteen = &notice.tasks[14].indicators;
    assert!(
        fifteen
            .iter()
            .any(|i| i.target == "400" && i.unit == "平方米")
    );
}

#[test]
fn nantong_json_shape() {
    let value = serde_json::to_value(nantong()).unwrap_or_default();
    assert_eq!(value["plan"]["issued_on"], "2013-02-27");
    assert_eq!(value["tasks"][1]["units"][0]["role"], "lead");
    assert_eq!(value["tasks"][2]["units"][1]["role"], "assist");
    assert_eq!(value["tasks"][0]["units"][0]["group"], true);
    assert!(value["tasks"][0]["units"][0]["unit_id"].is_null());
    assert_eq!(value["tasks"][0]["due_on"], "2013-12-31");
    let back: ParsedNotice = serde_json::from_value(value).unwrap_or_default();
    assert_eq!(back, nantong());
}

#[test]
fn longsha_indicator_table() {
    let notice = parse_notice(LONGSHA);
    let inds = &notice.indicators;
    assert!(inds.len() >= 6, "{inds:?}");
    assert!(inds.iter().any(|i| i.kind == Some(IndicatorKind::Binding)));
    assert!(inds.iter().any(|i| i.kind == Some(IndicatorKind::Expected)));
    let area = inds
        .iter()
        .find(|i| i.name == "每百户居民拥有社区综合服务设施面积");
    assert_eq!(
        area.map(|i| (i.target.as_str(), i.kind)),
        Some(("30", Some(IndicatorKind::Binding)))
    );
    assert_eq!(inds.len(), 8);
}

#[test]
fn longsha_outline() {
    let notice = parse_notice(LONGSHA);
    let title = notice.plan.title.unwrap_or_default();
    assert!(title.ends_with("城乡社区服务体系建设规划"), "{title}");
    let numbers: Vec<&str> = notice.sections.iter().map(|s| s.number.as_str()).collect();
    assert_eq!(numbers, ["第二章", "第三章"]);
    // 指导思想, 基本原则 and 发展目标 frame the plan; the measures are the tasks.
    let titles: Vec<&str> = notice.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["健全党全面领导下的城乡社区服务体系"]);
    assert!(notice.tasks.iter().all(|t| t.units.is_empty()));
    assert!(
        notice
            .indicators
            .iter()
            .all(|i| i.target_year == Some(2025))
    );
    // The table rows and the site's disclaimer are in no task.
    assert!(
        notice
            .tasks
            .iter()
            .all(|t| !t.requirements.contains("约束性"))
    );
    assert!(
        notice
            .tasks
            .iter()
            .all(|t| !t.requirements.contains("本站"))
    );
}
