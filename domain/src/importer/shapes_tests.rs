//! Notices shaped unlike the samples, read end to end: the forms the
//! importer promises to handle besides the model case.

use chrono::NaiveDate;

use super::{Comparator, ParsedNotice, RecurrencePer, UnitRole, parse_notice};

fn units(notice: &ParsedNotice, task: usize) -> Vec<(&str, UnitRole)> {
    notice.tasks[task]
        .units
        .iter()
        .map(|u| (u.name.as_str(), u.role))
        .collect()
}

/// Whether no unit of any task has `person` (a leader) in its name.
fn no_unit_names(notice: &ParsedNotice, person: &str) -> bool {
    notice
        .tasks
        .iter()
        .flat_map(|t| &t.units)
        .all(|u| !u.name.contains(person))
}

#[test]
fn role_notes_at_the_end_of_numbered_items() {
    let notice = parse_notice(
        "某市人民政府关于推进社区建设的实施意见\n\
         某政发〔2019〕8号\n\
         一、主要任务\n\
         (一)完善服务设施。2019年9月底前完成改造。(市民政局牵头,市财政局、住建局配合)\n\
         (二)推进信息化。(市大数据局负责)\n\
         某市人民政府\n\
         2019年3月5日\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(
        units(&notice, 0),
        [
            ("市民政局", UnitRole::Lead),
            ("市财政局", UnitRole::Assist),
            ("市住建局", UnitRole::Assist),
        ]
    );
    assert_eq!(notice.tasks[0].due_on, NaiveDate::from_ymd_opt(2019, 9, 30));
    assert_eq!(units(&notice, 1), [("市大数据局", UnitRole::Lead)]);
    assert_eq!(notice.plan.issuer.as_deref(), Some("某市人民政府"));
}

#[test]
fn labels_on_the_item_line_and_in_traditional_script() {
    let notice = parse_notice(
        "一、任务\n\
         1.推进改革。牵头单位：市发改委；配合单位：市财政局\n\
         2.加强监管。\n\
         責任單位：市市场监管局、公安局\n\
         3.建設實驗室。(牽頭單位:市科技局,參與單位:青島藍谷管理局)\n",
    );
    assert_eq!(notice.tasks.len(), 3);
    assert_eq!(
        units(&notice, 2),
        [
            ("市科技局", UnitRole::Lead),
            ("青島藍谷管理局", UnitRole::Assist)
        ]
    );
    assert_eq!(
        units(&notice, 0),
        [("市发改委", UnitRole::Lead), ("市财政局", UnitRole::Assist)]
    );
    assert_eq!(
        units(&notice, 1),
        [
            ("市市场监管局", UnitRole::Lead),
            ("市公安局", UnitRole::Assist)
        ]
    );
}

#[test]
fn a_task_table_wins_and_a_notice_wide_schedule_applies() {
    let notice = parse_notice(
        "某市人民政府办公室关于印发2018年重点工作任务分解表的通知\n\
         各县(市、区)人民政府,市政府各部门:\n\
         一、提高认识。各牵头单位每月25日前报送进展情况。\n\
         序号 | 重点工作 | 牵头单位 | 配合单位 | 完成时限\n\
         1 | 推进重大项目建设 | 市发改委 | 市财政局、住建局 | 2018年底\n\
         2 | 优化营商环境 | 市行政审批局 | 市场监管局 | 6月底前\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(notice.tasks[1].title, "优化营商环境");
    assert_eq!(
        units(&notice, 0),
        [
            ("市发改委", UnitRole::Lead),
            ("市财政局", UnitRole::Assist),
            ("市住建局", UnitRole::Assist),
        ]
    );
    assert_eq!(notice.tasks[1].units[1].name, "市场监管局");
    assert_eq!(
        notice.tasks[0].due_on,
        NaiveDate::from_ymd_opt(2018, 12, 31)
    );
    assert_eq!(notice.tasks[1].due_on, NaiveDate::from_ymd_opt(2018, 6, 30));
    assert!(
        notice
            .tasks
            .iter()
            .all(|t| t.report_cron.as_deref() == Some("0 9 25 * *"))
    );
}

#[test]
fn tasks_without_units_fall_to_the_addressees_with_a_warning() {
    let notice = parse_notice(
        "杭州市人民政府办公厅关于印发2020年政府工作报告重点工作责任分解的通知\n\
         各区、县(市)人民政府,市政府各部门、各直属单位:\n\
         一、提高站位,强化责任,确保各项年度目标任务圆满完成。\n\
         二、各牵头单位要及时向市政府报告重点工作完成情况。\n\
         杭州市人民政府办公厅\n\
         2020年5月20日\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    let first = &notice.tasks[0].units;
    assert_eq!(first[0].name, "各区人民政府");
    assert_eq!(first[1].name, "各县(市)人民政府");
    assert!(
        first[..2]
            .iter()
            .all(|u| u.group && u.role == UnitRole::Lead)
    );
    assert!(first.iter().all(|u| u.inferred));
    assert!(
        notice
            .warnings
            .iter()
            .any(|w| w.starts_with("第2行：") && w.contains("主送单位"))
    );
    assert_eq!(
        notice.tasks[0].due_on,
        NaiveDate::from_ymd_opt(2020, 12, 31)
    );
    assert!(notice.tasks[0].due_is_default);
}

#[test]
fn targets_outside_tasks_belong_to_the_plan() {
    let notice = parse_notice(
        "一、目标要求\n\
         到2020年,全市空气质量优良天数比例达到94%,城镇登记失业率控制在4%以内。\n\
         二、工作任务\n\
         (一)控制煤炭消费。\n\
         (二)治理扬尘。\n",
    );
    let plan: Vec<(&str, &str, Comparator)> = notice
        .indicators
        .iter()
        .map(|i| (i.name.as_str(), i.target.as_str(), i.comparator))
        .collect();
    assert_eq!(
        plan,
        [
            ("全市空气质量优良天数比例", "94", Comparator::AtLeast),
            ("城镇登记失业率", "4", Comparator::AtMost),
        ]
    );
    assert_eq!(notice.tasks.len(), 2);
}

#[test]
fn what_cannot_be_read_is_warned_with_its_line() {
    let notice = parse_notice("一、任务\n(一)甲。\n责任单位：\n(二)乙。\n责任单位：市民政局\n");
    assert!(
        notice
            .warnings
            .iter()
            .any(|w| w == &format!("第3行：{}", super::UNIT_LABEL_WITHOUT_UNITS)),
        "{:?}",
        notice.warnings
    );
    let notice = parse_notice("(一)甲。年内完成。\n责任单位：市民政局");
    assert!(
        notice
            .warnings
            .iter()
            .any(|w| w.starts_with("第1行：") && w.contains("年内")),
        "{:?}",
        notice.warnings
    );
}

#[test]
fn dates_outside_tasks_are_plan_milestones() {
    let notice = parse_notice(
        "某市人民政府关于推进社区服务的实施方案\n\
         一、工作目标\n\
         到2018年底,基本建立社区服务体系。2017年底前完成试点。\n\
         二、主要任务\n\
         (一)完善设施。\n\
         (二)培育组织。\n\
         某市人民政府\n\
         2017年3月1日\n",
    );
    let dates: Vec<String> = notice
        .plan
        .milestones
        .iter()
        .map(|m| m.date.to_string())
        .collect();
    assert_eq!(dates, ["2017-12-31", "2018-12-31"]);
    assert_eq!(notice.plan.milestones[0].text, "2017年底前完成试点");
    // No addressees: the issuing office is left with the unassigned tasks.
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(notice.tasks[0].units[0].name, "某市人民政府");
    assert!(notice.warnings.iter().any(|w| w.contains("发文单位")));
}

/// Layout: units inline after the task in brackets, with a 责任领导 (a
/// person) beside them and shared suffixes in the list.
#[test]
fn inline_bracketed_units_beside_a_responsible_leader() {
    let notice = parse_notice(
        "某县2023年重点工作责任分解\n\
         一、经济发展\n\
         (一)做好统计监测。加强经济运行分析。(责任领导:张三;牵头单位:县发改局;责任单位:县统计局,各乡、镇人民政府,人民大垸、荒湖管理区)\n\
         (二)推进项目建设。(责任领导:李四 牵头单位:县发改局)\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(
        units(&notice, 0),
        [
            ("县发改局", UnitRole::Lead),
            ("县统计局", UnitRole::Assist),
            ("各乡人民政府", UnitRole::Assist),
            ("各镇人民政府", UnitRole::Assist),
            ("人民大垸管理区", UnitRole::Assist),
            ("荒湖管理区", UnitRole::Assist),
        ]
    );
    assert_eq!(units(&notice, 1), [("县发改局", UnitRole::Lead)]);
    assert_eq!(notice.tasks[0].title, "做好统计监测");
    assert!(no_unit_names(&notice, "张三"));
}

/// Layout: 分别牵头 in a list, and the note after the list that states the
/// convention, which names no unit.
#[test]
fn units_that_lead_respectively_and_the_convention_note() {
    let notice = parse_notice(
        "市政府工作报告重点工作责任分解(2023年)\n\
         (除标注“分别牵头”外，列第一位为牵头或汇总单位，下同)\n\
         一、民生\n\
         (一)稳定就业。\n\
         责任单位:市人力社保局、市农业农村局分别牵头,市财政局\n\
         (二)发展教育。\n\
         责任单位:市教育局、市财政局\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(
        units(&notice, 0),
        [
            ("市人力社保局", UnitRole::Lead),
            ("市农业农村局", UnitRole::Lead),
            ("市财政局", UnitRole::Assist),
        ]
    );
    assert_eq!(
        units(&notice, 1),
        [("市教育局", UnitRole::Lead), ("市财政局", UnitRole::Assist)]
    );
    // The year of the work is the title's.
    assert_eq!(
        notice.tasks[1].due_on,
        NaiveDate::from_ymd_opt(2023, 12, 31)
    );
}

/// Layout: rows flattened into one line with spaces under a 牵头责任单位
/// header, whose units all lead.
#[test]
fn rows_of_one_line_with_spaces_under_a_lead_header() {
    let notice = parse_notice(
        "2022年重点工作任务分解表\n\
         序号 重点工作 牵头责任单位\n\
         8 推进重大项目前期工作。 市发改委、市经信委\n\
         9 加快园区建设,完善配套设施。 市住建委\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(
        units(&notice, 0),
        [("市发改委", UnitRole::Lead), ("市经信委", UnitRole::Lead)]
    );
    assert_eq!(notice.tasks[0].number, "8");
    assert_eq!(notice.tasks[1].title, "加快园区建设,完善配套设施");
}

/// Layout: the year of the work in the title of a notice issued the year
/// before: the default due date is the end of the year the notice is about.
#[test]
fn the_year_of_the_work_is_the_titles() {
    let notice = parse_notice(
        "某市人民政府办公室关于印发2022年重点工作的通知\n\
         一、重点任务\n\
         (一)建设社区服务中心。\n\
         责任单位:市民政局\n\
         (二)3月底前完成规划编制。\n\
         责任单位:市自然资源局\n\
         某市人民政府办公室\n\
         2021年11月20日\n",
    );
    assert_eq!(notice.plan.issued_on, NaiveDate::from_ymd_opt(2021, 11, 20));
    assert_eq!(
        notice.tasks[0].due_on,
        NaiveDate::from_ymd_opt(2022, 12, 31)
    );
    assert_eq!(notice.tasks[1].due_on, NaiveDate::from_ymd_opt(2022, 3, 31));
}

/// Layout: page furniture of government and document-sharing sites.
#[test]
fn page_furniture_is_never_a_title_task_or_unit() {
    let notice = parse_notice(
        "您现在的位置:首页 > 政务公开 > 通知公告\n\
         • 无障碍\n\
         • 长者版\n\
         【字体:大 中 小】 打印本页\n\
         某区关于2023年社区建设重点任务的通知\n\
         发布时间: 2023-07-11 09:00\n\
         一、完善设施。\n\
         责任单位:区民政局\n\
         二、培育组织。\n\
         责任单位:区民政局\n\
         扫一扫在手机打开当前页\n\
         下载附件:任务表.doc\n\
         相关链接 | 网站地图 | 联系我们\n",
    );
    assert_eq!(
        notice.plan.title.as_deref(),
        Some("某区关于2023年社区建设重点任务的通知")
    );
    assert_eq!(notice.plan.issued_on, NaiveDate::from_ymd_opt(2023, 7, 11));
    assert!(notice.warnings.iter().any(|w| w.contains("发布日期")));
    assert_eq!(notice.tasks.len(), 2);
    assert!(
        notice.tasks[1].requirements.is_empty(),
        "{:?}",
        notice.tasks[1]
    );
}

/// Layout: a phased pilot programme. Its span and its named phases are the
/// plan's milestones; recurring duties are counts per period.
#[test]
fn a_phased_programme_and_its_recurring_duties() {
    let notice = parse_notice(
        "某区社区治理创新实验区建设实施方案\n\
         一、工作目标\n\
         从2015年7月至2018年6月三年内完成实验任务。\n\
         二、主要任务\n\
         (一)加强组织领导。每年至少召开四次创建工作会议,区级领导每月到社区调研实验工作不少于两次。\n\
         责任单位:区委办、区政府办\n\
         (二)培育社区社会组织。每个社区每年至少培育4个以上社区社会组织。\n\
         责任单位:区民政局\n\
         三、实施步骤\n\
         (一)创新突破阶段(2015年7月—2016年6月)。制定方案,启动实验。\n\
         (二)深化发展阶段(2016年7月—2017年6月)。全面推进。\n\
         (三)总结推广阶段(2017年7月—2018年6月)。总结经验。\n\
         某区人民政府\n\
         2015年6月20日\n",
    );
    let titles: Vec<&str> = notice.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["加强组织领导", "培育社区社会组织"]);
    let steps: Vec<(String, &str)> = notice
        .plan
        .milestones
        .iter()
        .map(|m| (m.date.to_string(), m.text.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (
                "2016-06-30".to_string(),
                "创新突破阶段(2015年7月—2016年6月)"
            ),
            (
                "2017-06-30".to_string(),
                "深化发展阶段(2016年7月—2017年6月)"
            ),
            (
                "2018-06-30".to_string(),
                "从2015年7月至2018年6月三年内完成实验任务"
            ),
        ]
    );
    let recur: Vec<(RecurrencePer, u32)> = notice.tasks[0]
        .recurrences
        .iter()
        .map(|r| (r.per, r.times))
        .collect();
    assert_eq!(recur, [(RecurrencePer::Year, 4), (RecurrencePer::Month, 2)]);
    assert_eq!(notice.tasks[1].recurrences[0].times, 4);
}

/// Layout: a cover letter in unnumbered paragraphs above a short task table.
#[test]
fn a_short_table_under_unnumbered_paragraphs_is_the_breakdown() {
    let notice = parse_notice(
        "某市人民政府办公室关于分解下达2019年度重点工作任务的通知\n\
         各县、区人民政府,市政府各部门:\n\
         为确保政府工作报告中明确的重点工作任务落到实处,现将任务分解下达给你们。\n\
         各责任单位要强化主体责任,密切协调配合,及时反馈重点工作进展情况。\n\
         序号\n重点工作\n牵头单位\n责任单位\n\
         1\n推进三大保卫战。\n市生态环境局\n各县区政府\n",
    );
    assert_eq!(notice.tasks.len(), 1);
    assert_eq!(
        units(&notice, 0),
        [
            ("市生态环境局", UnitRole::Lead),
            ("各县区政府", UnitRole::Assist)
        ]
    );
}

/// Layout: undated tasks of programmes and bare tables fall due at the end
/// of the year the notice is about: its span (十四五), its goal year
/// (到2020年), its own year, else the one year a bare table names.
#[test]
fn undated_tasks_fall_due_at_the_end_of_the_notices_horizon() {
    let due = |text: &str| parse_notice(text).tasks.first().and_then(|t| t.due_on);
    assert_eq!(
        due(
            "某省“十四五”流通体系建设实施方案\n一、改革\n(一)加强市场体系建设。〔责任单位:省发展改革委〕\n(二)优化准入。〔责任单位:省市场监管局〕"
        ),
        NaiveDate::from_ymd_opt(2025, 12, 31)
    );
    assert_eq!(
        due(
            "加快流通业发展实施意见\n一、主要工作目标\n到2020年,流通业实力显著提升。\n二、主要任务\n(一)提高管理效能。(市商务局负责)\n(二)完善网点。(市商务局负责)"
        ),
        NaiveDate::from_ymd_opt(2020, 12, 31)
    );
    assert_eq!(
        due(
            "某市人民政府关于完善联动机制的意见\n某政发〔2025〕4号\n一、重点任务\n(一)完善研判机制。(市司法局负责)\n(二)建立协调机制。(市司法局负责)"
        ),
        NaiveDate::from_ymd_opt(2025, 12, 31)
    );
    assert_eq!(
        due(
            "序号 | 任务 | 责任单位\n1 | 免费接种流感疫苗。 | 区卫生健康局\n2 | 2024年为女生接种304人。 | 区卫生健康局"
        ),
        NaiveDate::from_ymd_opt(2024, 12, 31)
    );
}

/// Issue 13: a task's dated targets come out as `POST /plans/{id}/tasks`
/// takes them, `milestones: [{due_on, title, target?}]`, each target for its
/// step's year.
#[test]
fn milestones_are_written_as_the_task_api_takes_them() {
    let notice = parse_notice(
        "2017年重点工作责任分解\n一、基础设施\n\
         (一)建设农村牧区社区。2017年底实现全区建成农村牧区社区数达到1200个,2020年底达到3000个。\n\
         责任单位:区民政局\n",
    );
    let json = serde_json::to_value(&notice.tasks[0]).unwrap_or_default();
    let steps = json["milestones"].as_array().cloned().unwrap_or_default();
    let got: Vec<(&str, &str, &str, i64)> = steps
        .iter()
        .map(|m| {
            (
                m["due_on"].as_str().unwrap_or_default(),
                m["title"].as_str().unwrap_or_default(),
                m["target"]["target"].as_str().unwrap_or_default(),
                m["target"]["target_year"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "2017-12-31",
                "2017年底实现全区建成农村牧区社区数达到1200个",
                "1200",
                2017
            ),
            ("2020-12-31", "2020年底达到3000个", "3000", 2020),
        ]
    );
    // The earlier field names still read back.
    let old: super::Milestone = serde_json::from_str(
        r#"{"date": "2017-12-31", "text": "建成1200个"}"#,
    )
    .unwrap_or_else(|_| super::Milestone {
        date: NaiveDate::MIN,
        text: String::new(),
        indicator: None,
    });
    assert_eq!(
        old.date,
        NaiveDate::from_ymd_opt(2017, 12, 31).unwrap_or_default()
    );
}

#[test]
fn a_bare_table_dates_its_months_in_the_one_year_it_names() {
    let notice = parse_notice(
        "序号\n工作任务\n完成时限\n责任股室\n1\n完成展厅布展。\n5月底\n文物股\n2\n办好2019年油菜花节。\n12月底前\n旅游股",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(notice.tasks[0].due_on, NaiveDate::from_ymd_opt(2019, 5, 31));
    assert_eq!(
        notice.tasks[1].due_on,
        NaiveDate::from_ymd_opt(2019, 12, 31)
    );
}

/// Layout (round 8): a province's targets, each followed by a 分管省领导
/// line (a person) and a 部门分工 line whose verbs give the roles.
#[test]
fn a_division_of_work_line_gives_roles_by_verb() {
    let notice = parse_notice(
        "某省2021年重点任务分工方案\n\
         一、2021年经济社会发展主要预期目标\n\
         1.地区生产总值增长6%以上。\n\
         分管省领导:张三\n\
         部门分工:省发展改革委牵头,各地、各部门配合。\n\
         2.地方一般公共预算收入增长5%。\n\
         分管省领导:李四\n\
         部门分工:省财政厅、省税务局牵头,各地配合。\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(
        units(&notice, 0),
        [
            ("省发展改革委", UnitRole::Lead),
            ("各地", UnitRole::Assist),
            ("各部门", UnitRole::Assist),
        ]
    );
    assert_eq!(
        units(&notice, 1),
        [
            ("省财政厅", UnitRole::Lead),
            ("省税务局", UnitRole::Lead),
            ("各地", UnitRole::Assist),
        ]
    );
    assert!(no_unit_names(&notice, "张三"));
}

/// Layout (round 8): a stored page cut short inside the last unit's name,
/// on a label line or in a bracketed note; a whole name there stays.
#[test]
fn a_name_cut_where_the_page_ends_is_no_unit() {
    let cut = parse_notice(
        "某市2021年重点工作责任分解\n\
         1.提高居民收入。\n\
         责任单位:市发改委、市农业农村局\n\
         2.做大产业。\n\
         责任单位:市财政局、市税务局、市发展改\n",
    );
    assert_eq!(
        units(&cut, 1),
        [("市财政局", UnitRole::Lead), ("市税务局", UnitRole::Assist)]
    );
    assert!(cut.warnings.iter().any(|w| w.contains("市发展改")));
    let bracket = parse_notice(
        "某市2018年重点工作责任分解\n\
         1.规范政府举债行为。(牵头单位:市财政局)\n\
         2.加强养老保险金收支管理。(牵头单位:市人力资源社会保",
    );
    assert!(units(&bracket, 1).is_empty());
    let whole = parse_notice(
        "某市2021年重点工作责任分解\n\
         1.做大产业。\n\
         责任单位:市发改委、各镇人民政府\n",
    );
    assert_eq!(
        units(&whole, 0),
        [
            ("市发改委", UnitRole::Lead),
            ("各镇人民政府", UnitRole::Assist)
        ]
    );
}

#[test]
fn a_deadline_cell_that_opens_on_a_bare_month() {
    let notice = parse_notice(
        "某县人民政府办公室关于对2016年民生实事进行重点督办的通知\n\
         某府办〔2016〕20号\n\
         某县人民政府办公室\n\
         2016年2月26日\n\
         序号\n民生实事\n责任单位\n完成时限\n\
         1\n新建2座人行天桥。\n县住建局\n9月投入使用\n\
         2\n建成县残疾人综合服务中心。\n县残联\n5月底前动工\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    let due: Vec<Option<NaiveDate>> = notice.tasks.iter().map(|t| t.due_on).collect();
    assert_eq!(
        due,
        [
            NaiveDate::from_ymd_opt(2016, 9, 30),
            NaiveDate::from_ymd_opt(2016, 5, 31)
        ]
    );
    // In prose a bare month is no deadline (3月启动).
    assert_eq!(
        super::deadline::leading_month("9月投入使用").as_deref(),
        Some("9月")
    );
    assert_eq!(super::deadline::leading_month("13月"), None);
}

#[test]
fn a_heading_that_names_the_lead_of_the_work_under_it() {
    let notice = parse_notice(
        "某省人民政府关于印发2008年省人民政府工作目标责任分解的通知\n\
         某政发[2008]8号\n\
         一、张三省长负责的工作\n\
         全面负责省人民政府工作任务的落实。\n\
         (一)省审计厅牵头的工作\n\
         全面加强审计工作。\n\
         协同单位:省直各部门和各市人民政府。\n\
         (二)省编办牵头的工作\n\
         1.深化行政管理体制改革,优化政府机构设置。\n\
         协同单位:省人事厅。\n\
         2.积极稳妥地推进乡镇机构改革。\n\
         协同单位:省财政厅、省人事厅。\n\
         二、县示范区管委会牵头工作(2项)\n\
         1.投资3000万元建设南美白对虾工厂化循环水养殖基地。\n\
         2.打造食用菌酵素生产基地。(县农业农村局牵头)\n",
    );
    let titles: Vec<&str> = notice.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles.len(), 5, "{titles:?}");
    assert!(titles[0].starts_with("全面加强审计工作"), "{titles:?}");
    assert_eq!(
        units(&notice, 0),
        [
            ("省审计厅", UnitRole::Lead),
            ("省直各部门", UnitRole::Assist),
            ("各市人民政府", UnitRole::Assist),
        ]
    );
    assert_eq!(
        units(&notice, 1),
        [("省编办", UnitRole::Lead), ("省人事厅", UnitRole::Assist)]
    );
    assert_eq!(
        units(&notice, 2),
        [
            ("省编办", UnitRole::Lead),
            ("省财政厅", UnitRole::Assist),
            ("省人事厅", UnitRole::Assist),
        ]
    );
    assert_eq!(units(&notice, 3), [("县示范区管委会", UnitRole::Lead)]);
    // A task that names its own lead keeps it.
    assert_eq!(units(&notice, 4), [("县农业农村局", UnitRole::Lead)]);
    // A heading naming a person names no unit.
    assert!(no_unit_names(&notice, "张三"));
}

#[test]
fn a_page_date_years_after_the_document_number_is_a_reposts() {
    let notice = parse_notice(
        "某省人民政府关于支持振兴若干政策举措的落实意见\n\
         2025-06-08 15:00\n\
         (某政发〔2014〕37号)\n\
         一、激发市场活力\n\
         1.推进简政放权。(省发展改革委负责)\n",
    );
    assert_eq!(notice.plan.issued_on, None);
    assert_eq!(
        notice.tasks[0].due_on,
        NaiveDate::from_ymd_opt(2014, 12, 31)
    );
    let same_year = parse_notice(
        "某省人民政府关于支持振兴若干政策举措的落实意见\n\
         2014-06-08 15:00\n\
         (某政发〔2014〕37号)\n\
         一、激发市场活力\n\
         1.推进简政放权。(省发展改革委负责)\n",
    );
    assert_eq!(
        same_year.plan.issued_on,
        NaiveDate::from_ymd_opt(2014, 6, 8)
    );
}

#[test]
fn a_bracket_of_units_alone_after_each_target() {
    let notice = parse_notice(
        "某市人民政府办公室关于明确2023年重点工作责任单位的通知\n\
         某政办〔2023〕1号\n\
         一、2023年经济社会发展主要预期目标分解\n\
         1.地区生产总值增长7%以上。(市发展改革委,各县〔市、区〕政府)\n\
         2.研发投入强度超过2.4%。(市科技局、财政局,各县〔市、区〕政府)\n\
         3.推进《政府工作报告》确定的改革。\n",
    );
    assert_eq!(notice.tasks.len(), 3);
    assert_eq!(
        units(&notice, 0),
        [
            ("市发展改革委", UnitRole::Lead),
            ("各县〔市、区〕政府", UnitRole::Assist),
        ]
    );
    assert_eq!(
        units(&notice, 1),
        [
            ("市科技局", UnitRole::Lead),
            ("市财政局", UnitRole::Assist),
            ("各县〔市、区〕政府", UnitRole::Assist),
        ]
    );
    assert!(notice.tasks[2].units.iter().all(|u| u.inferred));
}

#[test]
fn a_line_below_each_item_says_who_carries_it_out() {
    let notice = parse_notice(
        "某市人民政府关于做好2013年重点工作的通知\n\
         一、强化项目带动\n\
         1.抓好189个市级重点项目,确保完成年度投资计划。\n\
         由市发展改革委,各县市区人民政府,市经济开发区管委会负责落实\n\
         2.全面完成铁路复线电气化改造。\n\
         由铁路公司、市发展改革委,川汇区、商水县人民政府负责落实\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(
        units(&notice, 0),
        [
            ("市发展改革委", UnitRole::Lead),
            ("各县市区人民政府", UnitRole::Assist),
            ("市经济开发区管委会", UnitRole::Assist),
        ]
    );
    assert_eq!(
        units(&notice, 1),
        [
            ("铁路公司", UnitRole::Lead),
            ("市发展改革委", UnitRole::Assist),
            ("川汇区人民政府", UnitRole::Assist),
            ("商水县人民政府", UnitRole::Assist),
        ]
    );
}

#[test]
fn a_list_that_opens_with_the_units_concerned_has_no_named_lead() {
    let notice = parse_notice(
        "一、任务\n\
         1.完善应急预案体系。\n\
         (责任单位:市直各有关单位、各县(市、区)人民政府、各开发区管委会)\n\
         2.规模以上工业增加值增长6%。\n\
         牵头单位:市工业和信息化局\n\
         责任单位:各相关部门,各县(市)区政府\n",
    );
    assert_eq!(
        units(&notice, 0),
        [
            ("各县(市、区)人民政府", UnitRole::Assist),
            ("各开发区管委会", UnitRole::Assist),
        ]
    );
    assert_eq!(
        units(&notice, 1),
        [
            ("市工业和信息化局", UnitRole::Lead),
            ("各县(市)区政府", UnitRole::Assist),
        ]
    );
    assert!(
        notice
            .warnings
            .iter()
            .any(|w| w.contains("未指明具体单位") && w.contains("各相关部门"))
    );
}

#[test]
fn unnumbered_paragraphs_each_ending_in_their_role_note() {
    let notice = parse_notice(
        "一、在新常态下保持经济持续健康发展\n\
         (一)推动经济稳定健康发展,必须充分发挥消费、投资、出口均衡拉动作用。\n\
         发挥消费的基础作用,多渠道促进城乡居民增收。(省发展改革委、省财政厅、省商务厅等负责)\n\
         发挥投资的关键作用,着力推进内涵效益型投资增长。(省发展改革委、省交通运输厅等负责)\n\
         发挥出口的支撑作用,努力培育新的国际竞争优势。(省商务厅、省金融办等负责)\n",
    );
    assert_eq!(notice.tasks.len(), 3);
    assert_eq!(
        units(&notice, 1),
        [
            ("省发展改革委", UnitRole::Lead),
            ("省交通运输厅", UnitRole::Assist),
        ]
    );
    assert_eq!(
        units(&notice, 2),
        [("省商务厅", UnitRole::Lead), ("省金融办", UnitRole::Assist)]
    );
    assert!(notice.tasks[2].title.starts_with("发挥出口的支撑作用"));
}

#[test]
fn a_report_whose_sections_name_no_unit_and_its_table_does() {
    let notice = parse_notice(
        "区政府:\n\
         一、10项经济社会发展预期目标情况\n\
         今年10项指标均符合预期目标。\n\
         二、10项区级重点民生实事任务进展情况\n\
         10项区级重点民生实事任务一季度正常推进。\n\
         附件1\n\
         序号 |\n预期目标 |\n责任单位 |\n进展情况 |\n\
         1 |\n地区生产总值增长6%以上 |\n区发展改革委 |\n预计一季度GDP增长20%左右。 |\n\
         2 |\n工业增加值增长8% |\n区经济信息委 |\n预计一季度增长30%左右。 |\n",
    );
    let titles: Vec<&str> = notice.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["地区生产总值增长6%以上", "工业增加值增长8%"]);
    assert_eq!(units(&notice, 1), [("区经济信息委", UnitRole::Lead)]);
}

#[test]
fn items_numbered_with_a_small_full_stop() {
    let notice = parse_notice(
        "一、确保完成全年主要预期目标\n\
         1﹒全省生产总值增长7%以上。\n\
         牵头责任单位:省发展改革委。\n\
         2﹒固定资产投资力争增长10%以上。\n\
         牵头责任单位:省发展改革委。\n\
         协同责任单位:省财政厅、省自然资源厅等。\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(
        units(&notice, 1),
        [
            ("省发展改革委", UnitRole::Lead),
            ("省财政厅", UnitRole::Assist),
            ("省自然资源厅", UnitRole::Assist),
        ]
    );
}

#[test]
fn a_paragraph_that_opens_with_who_does_the_item() {
    let notice = parse_notice(
        "1、在兰州设立综合配套改革试验区事宜\n\
         由杨志武副市长负责,市发改委牵头,相关部门配合,尽快完成实施方案,经市政府审定后报省政府审批。\n\
         2、兰州城市轨道交通项目\n\
         由吴继德副市长负责,市建设局牵头,市发改委配合,进一步修改完善项目建设方案。\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(units(&notice, 0), [("市发改委", UnitRole::Lead)]);
    assert_eq!(
        units(&notice, 1),
        [("市建设局", UnitRole::Lead), ("市发改委", UnitRole::Assist)]
    );
    assert!(no_unit_names(&notice, "副市长"));
    assert!(
        notice
            .warnings
            .iter()
            .any(|w| w.contains("领导职务") && w.contains("杨志武副市长"))
    );
}

#[test]
fn targets_run_together_on_one_line_each_with_its_note() {
    let notice = parse_notice(
        "(一)主要目标。\n\
         1.主要指标的责任部门。\n\
         常住人口控制在1150万人左右。(市人口计生委、市公安局牵头)万元地区生产总值能源消耗降低20%。(市经委牵头)万元工业增加值取水量降低20%。(市节水办、市经委牵头)\n",
    );
    assert_eq!(notice.tasks.len(), 3);
    assert_eq!(
        units(&notice, 0),
        [
            ("市人口计生委", UnitRole::Lead),
            ("市公安局", UnitRole::Lead)
        ]
    );
    assert_eq!(units(&notice, 1), [("市经委", UnitRole::Lead)]);
    assert!(notice.tasks[2].title.contains("取水量降低20%"));
}

#[test]
fn a_page_without_a_title_whose_letter_names_the_five_year_plan() {
    let notice = parse_notice(
        "各市人民政府,省政府各厅委、各直属机构:\n\
         《纲要》明确提出了我省“十二五”时期国民经济和社会发展的目标任务和工作重点。现就有关事项通知如下:\n\
         一、主要目标\n\
         1.九年义务教育巩固率达到97%。\n\
         责任单位:省教育厅\n",
    );
    assert_eq!(notice.tasks.len(), 1);
    assert_eq!(
        notice.tasks[0].due_on,
        NaiveDate::from_ymd_opt(2015, 12, 31)
    );
}

/// Layout (round 13): a county's project list as a table one cell per
/// line whose cells end in ` |`: place, building year and money columns
/// between the project and its unit, the money figures (300) no row
/// numbers, the 建设时间 year the deadline.
#[test]
fn a_project_table_one_cell_per_line_with_figures_among_the_cells() {
    let notice = parse_notice(
        "某县人民政府关于印发某县2024年十大民生实事项目的通知\n\
         某政发〔2024〕8号\n\
         某县人民政府\n\
         2024年4月2日\n\
         附件:\n\
         序号 |\n项目名称 |\n建设地点 |\n建设时间 |\n建设内容 |\n年度投资金额 (万元) |\n责任单位 |\n|\n\
         1 |\n中小学运动场地改造项目 |\n相关镇 |\n2025 |\n改造三所学校运动场地。 |\n300 |\n县教体局 |\n|\n\
         2 |\n城北道路建设项目 |\n纸坊街道 |\n2024 |\n建成唐塔北路延伸段。 |\n300 |\n县住建局 |\n|\n\
         3 |\n老旧小区改造项目 |\n洋州街道 |\n2024 |\n实施三个小区改造。 |\n1360 |\n县住建局 |\n",
    );
    let titles: Vec<&str> = notice.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "中小学运动场地改造项目",
            "城北道路建设项目",
            "老旧小区改造项目"
        ]
    );
    assert_eq!(units(&notice, 0), [("县教体局", UnitRole::Lead)]);
    assert_eq!(units(&notice, 1), [("县住建局", UnitRole::Lead)]);
    assert_eq!(
        notice.tasks[0].due_on,
        NaiveDate::from_ymd_opt(2025, 12, 31)
    );
    assert_eq!(
        notice.tasks[2].due_on,
        NaiveDate::from_ymd_opt(2024, 12, 31)
    );
}

/// Layout (round 13): a table one row per line whose header row broke over
/// two lines, whose merged 工作任务 cell (一、…) is printed in its group's
/// first row only, and whose rows that are only their numbered item (8.… |)
/// share the unit cell of the row above; a unit cell with role verbs
/// (X牵头,Y配合;各镇(街)参照落实).
#[test]
fn a_table_one_row_per_line_with_merged_group_and_unit_cells() {
    let notice = parse_notice(
        "某市2021年政务公开工作任务分解表\n\
         工作任务 | 具体要求\n\
         | 责任单位 |\n\
         一、做好各类规划主动公开。 | 1.主动公开规划纲要和政策解读。 | 市发展和改革局;各镇(街) |\n\
         2.做好各项规划的归集整理工作。 | 市政府办公室、市发展和改革局牵头,市直有关部门配合;各镇(街)参照落实 |\n\
         二、做好财政信息公开。 | 3.积极推进部门财政预算公开。 | 市财政局牵头,市直各部门落实 |\n\
         4.持续深化地方政府债务信息公开。 |\n",
    );
    let titles: Vec<&str> = notice.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "主动公开规划纲要和政策解读",
            "做好各项规划的归集整理工作",
            "积极推进部门财政预算公开",
            "持续深化地方政府债务信息公开",
        ]
    );
    assert_eq!(notice.tasks[1].section.as_deref(), Some("一"));
    assert_eq!(notice.tasks[3].section.as_deref(), Some("二"));
    assert_eq!(
        units(&notice, 1),
        [
            ("市政府办公室", UnitRole::Lead),
            ("市发展和改革局", UnitRole::Lead),
            ("各镇(街)", UnitRole::Assist),
        ]
    );
    assert_eq!(units(&notice, 3), units(&notice, 2));
    assert_eq!(
        units(&notice, 3),
        [
            ("市财政局", UnitRole::Lead),
            ("市直各部门", UnitRole::Assist)
        ]
    );
}

/// Layout (round 13): a table one cell per line without 序号 whose group
/// rows and merged rows are printed on one line with their empty cells
/// (`(一)推进权力清单公开 | ||`, `2.权力清单信息公开 | ||`): the groups are
/// sections, the merged rows take the units of the row above; a zone
/// (平潭综合实验区) is a unit, and so is a name with its other name in
/// brackets after a space (省编办 (省审改办)).
#[test]
fn a_table_one_cell_per_line_with_rows_printed_with_their_empty_cells() {
    let notice = parse_notice(
        "2015年政府信息公开工作主要任务分解表\n\
         工 作 任 务 |\n牵头单位 |\n责 任 单 位 |\n\
         一、推进重点领域信息公开 | ||\n\
         (一)推进行政权力清单公开 | ||\n\
         1.政府工作部门行政审批项目取消信息公开 |\n省编办 (省审改办) |\n省直各部门,各设区市、平潭综合实验区 |\n\
         2.政府工作部门权力清单信息公开 | ||\n\
         (二)推进财政资金信息公开 | ||\n\
         3.财政预算、决算公开 |\n省财政厅 |\n省直各部门 |\n",
    );
    let titles: Vec<&str> = notice.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "政府工作部门行政审批项目取消信息公开",
            "政府工作部门权力清单信息公开",
            "财政预算、决算公开",
        ]
    );
    assert_eq!(
        units(&notice, 0),
        [
            ("省编办(省审改办)", UnitRole::Lead),
            ("省直各部门", UnitRole::Assist),
            ("各设区市", UnitRole::Assist),
            ("平潭综合实验区", UnitRole::Assist),
        ]
    );
    assert_eq!(units(&notice, 1), units(&notice, 0));
    assert_eq!(notice.tasks[2].section.as_deref(), Some("(二)"));
    assert_eq!(
        units(&notice, 2),
        [
            ("省财政厅", UnitRole::Lead),
            ("省直各部门", UnitRole::Assist)
        ]
    );
}

/// Layout (round 13): projects under (一)(二) whose numbered points are
/// their facets (1.目标任务。… / 2.进度安排。…): the projects are the tasks,
/// the note at the end of the schedule names the lead.
#[test]
fn numbered_facets_of_a_project_are_parts_of_it() {
    let notice = parse_notice(
        "2021年市政府民生实事实施方案\n\
         目标任务及牵头单位\n\
         (一)主城区停车场建设管理项目\n\
         1.目标任务。新建三个停车设施。\n\
         2.进度安排。验收阶段(11月1日至12月31日),及时组织验收并投入使用。(牵头单位:市城市管理综合行政执法局)\n\
         (二)发展普惠制幼儿园项目\n\
         1.目标任务。新建公办幼儿园8所。\n\
         2.进度安排。10月底前完成主体建设。(牵头单位:市教育局)\n",
    );
    let titles: Vec<&str> = notice.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["主城区停车场建设管理项目", "发展普惠制幼儿园项目"]);
    assert_eq!(
        units(&notice, 0),
        [("市城市管理综合行政执法局", UnitRole::Lead)]
    );
    assert_eq!(units(&notice, 1), [("市教育局", UnitRole::Lead)]);
    assert_eq!(
        notice.tasks[1].due_on,
        NaiveDate::from_ymd_opt(2021, 10, 31)
    );
}

/// Layout (round 13): a heading's 任务分工 line (a leader, then the overall
/// lead, 总牵头) over sub-projects, one of which names its units in its
/// closing sentence without brackets (省水利厅牵头,…等单位配合。).
#[test]
fn a_division_of_work_line_and_a_closing_sentence_of_roles() {
    let notice = parse_notice(
        "某省十大工程推进工作方案\n\
         一、粮食产能工程\n\
         任务分工:张三副省长负责,省农委总牵头。\n\
         1.水利化工程:建设灌区工程,新增水田面积100万亩。省水利厅牵头,省发改委、农垦总局等单位配合。\n\
         2.农机化工程:新建农机合作社100个。\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(
        units(&notice, 0),
        [
            ("省水利厅", UnitRole::Lead),
            ("省发改委", UnitRole::Assist),
            ("省农垦总局", UnitRole::Assist),
        ]
    );
    assert_eq!(units(&notice, 1), [("省农委", UnitRole::Lead)]);
}

/// Layout (round 13): a centre's own table, its sections as units (财务科,
/// 办公室, 各科室), a task about the office's own 微信公众号 (no page
/// furniture), and the page cut inside the last row's task cell: that row
/// is a task of its own, its units lost.
#[test]
fn a_sections_table_cut_inside_its_last_row() {
    let notice = parse_notice(
        "工作任务 | 具体要求 | 责任部门 |\n\
         一、做好财政信息公开。 | 1.积极推进本中心预算公开。 | 财务科 |\n\
         2.及时更新微信公众号信息。 | 办公室牵头,各科室配合 | |\n\
         3.提前做好重大政策发布前和发布后的解读回应工作,注意收集相",
    );
    let titles: Vec<&str> = notice.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert_eq!(titles[1], "及时更新微信公众号信息");
    assert_eq!(units(&notice, 0), [("财务科", UnitRole::Lead)]);
    assert_eq!(
        units(&notice, 1),
        [("办公室", UnitRole::Lead), ("各科室", UnitRole::Assist)]
    );
    assert!(notice.tasks[2].units.iter().all(|u| u.inferred));
}

/// Layout (round 13): a plan to put right what the 2017 assessment found,
/// issued in 2018 (its undated work is due at the end of 2018), whose
/// points sit at two levels: (1) names its own units and has no points
/// under it, (2) is a heading over ① that names them.
#[test]
fn a_rectification_plan_with_tasks_at_two_levels() {
    let notice = parse_notice(
        "2017年度脱贫攻坚成效考核反馈问题整改实施方案\n\
         发布时间: 2018-09-05\n\
         一、整改内容\n\
         1.专项整改问题\n\
         (1)将脱贫人口指标集中安排给当年计划退出村。(牵头单位:扶贫办;责任单位:各村支部)\n\
         (2)住房安全方面。\n\
         ①有的易地扶贫搬迁建房面积超标。(牵头单位:扶贫办、村建所;责任单位:各村支部)\n",
    );
    assert_eq!(notice.tasks.len(), 2);
    assert_eq!(
        units(&notice, 0),
        [("扶贫办", UnitRole::Lead), ("各村支部", UnitRole::Assist)]
    );
    assert!(notice.tasks[1].title.contains("建房面积超标"));
    assert_eq!(
        notice.tasks[0].due_on,
        NaiveDate::from_ymd_opt(2018, 12, 31)
    );
    assert_eq!(
        notice.tasks[1].due_on,
        NaiveDate::from_ymd_opt(2018, 12, 31)
    );
}

/// Layout (round 13): a pipe table one row per line whose 责任领导 /
/// 责任单位 / 责任人 cells were merged over several rows: the rows below,
/// short of those cells, take the units of the row above.
#[test]
fn rows_short_of_a_merged_unit_cell_take_the_units_above() {
    let notice = parse_notice(
        "某区2017年度民生工程目标任务分解表\n\
         项目 | 目标 | 分解情况 | 责任领导 | 责任单位 | 责任人 |\n\
         就业促进工程 | 促进城乡劳动者就业创业 | 城镇新增就业人数(人) 1300 | 刘强 | 区人社局 | 陈宗 |\n\
         城镇失业人员再就业(人) | 250 | 白果乡8 柏林沟镇8 |\n\
         就业困难人员再就业(人) | 120 | 白果乡2 柏林沟镇2 |\n",
    );
    assert_eq!(notice.tasks.len(), 3);
    for task in 0..3 {
        assert_eq!(
            units(&notice, task),
            [("区人社局", UnitRole::Lead)],
            "{task}"
        );
    }
}

/// Layout (round 13): a news report that retells the task list as prose,
/// each duty a clause whose subject is its unit and which names its month;
/// the report's own sentences around the list are no duties.
#[test]
fn a_task_list_retold_in_a_news_report() {
    let notice = parse_notice(
        "某市政府公布今年重点任务分工及时限\n\
         3月16日,某市人民政府公布2021年《政府工作报告》重点量化目标任务,要求各地各部门抓好落实。\n\
         根据目标任务要求,今年,某市住建局要在8月底完成57个村燃煤散烧综合治理任务,改造老旧小区333个。9月底完成供热管网互联互通64公里,11月底新建改造道路63条。市轨道交通公司要加快地铁开发,打造地铁小镇,10月底完成年度任务。市教育局要在11月底新建幼儿园9所。经济技术开发区管委会5月底建成投用奥莱小镇。\n\
         其他重点任务还包括完成国土空间总体规划编制,新建公交场站5个等。\n",
    );
    let leads: Vec<&str> = notice
        .tasks
        .iter()
        .map(|t| t.units[0].name.as_str())
        .collect();
    assert_eq!(
        leads,
        [
            "某市住建局",
            "某市住建局",
            "某市住建局",
            "市轨道交通公司",
            "市教育局",
            "经济技术开发区管委会"
        ]
    );
    let due: Vec<Option<NaiveDate>> = notice.tasks.iter().map(|t| t.due_on).collect();
    assert_eq!(due[0], NaiveDate::from_ymd_opt(2021, 8, 31));
    assert_eq!(due[2], NaiveDate::from_ymd_opt(2021, 11, 30));
    assert_eq!(due[3], NaiveDate::from_ymd_opt(2021, 10, 31));
    assert_eq!(due[5], NaiveDate::from_ymd_opt(2021, 5, 31));
}
