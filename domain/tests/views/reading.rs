//! The item view (units, names, history, actions), the 交办 preview, picking units.

use duban_domain::DomainError;
use duban_domain::directory::pick;
use duban_domain::entities::report::ReportKind;
use duban_domain::entities::review::Decision;
use duban_domain::supervision;
use duban_domain::workflow::assignments::{self, NewReport};
use duban_domain::workflow::issue_preview::issue_preview;
use duban_domain::workflow::item_view::item_view;
use duban_domain::workflow::plans::{self, NewTask};

use crate::{World, date, storage_test};

async fn the_item_view_lists_units_people_history_and_the_viewers_steps(w: &World) {
    let (a, _) = w.task_one;
    let v = item_view(&w.ctx(&w.clerk_a), a).await.unwrap();
    let units: Vec<(&str, &str)> = v
        .units
        .iter()
        .map(|u| (u.unit_name.as_str(), u.role.label()))
        .collect();
    assert_eq!(units, [("市民政局", "牵头"), ("市卫生局", "配合")]);
    assert!(v.actions.acknowledge && !v.actions.approve && !v.actions.escalate);
    assert_eq!(v.standing.working_days_left, Some(43));
    assignments::acknowledge(&w.ctx(&w.clerk_a), a, None)
        .await
        .unwrap();
    let report = NewReport {
        kind: ReportKind::Completion,
        text: "全部建成".into(),
        percent: Some(100),
        indicator_values: vec![],
        milestone_id: None,
        recurrence_id: None,
        reason: None,
    };
    assignments::report(&w.ctx(&w.clerk_a), a, report, None)
        .await
        .unwrap();
    assignments::review(
        &w.ctx(&w.office),
        a,
        Decision::Return,
        Some("请补充名单".into()),
        None,
    )
    .await
    .unwrap();
    supervision::escalate_by_hand(&w.ctx(&w.inspector), a, "请于本周内办结")
        .await
        .unwrap();
    let v = item_view(&w.ctx(&w.clerk_a), a).await.unwrap();
    let who: Vec<&str> = v.history.iter().map(|h| h.actor_name.as_str()).collect();
    assert_eq!(
        who,
        [
            "督查室王主任",
            "督查室王主任",
            "民政局张科员",
            "民政局张科员",
            "督查室王主任",
            "督查专员赵科长"
        ]
    );
    assert_eq!(
        v.names.values().filter(|n| *n == "督查室王主任").count(),
        1,
        "the reviewer is named"
    );
    assert!(
        v.names.values().any(|n| n == "民政局张科员"),
        "the report's author is named"
    );
    assert!(
        v.actions.request_completion && v.actions.report_progress,
        "returned: the unit works on"
    );
    let v = item_view(&w.ctx(&w.inspector), a).await.unwrap();
    assert!(v.actions.escalate && v.actions.comment.is_some() && !v.actions.acknowledge);
    assert!(matches!(
        item_view(&w.ctx(&w.clerk_b), a).await,
        Err(DomainError::NotFound(_))
    ));
}
storage_test!(the_item_view_lists_units_people_history_and_the_viewers_steps);

async fn the_issue_preview_warns_of_units_nobody_can_be_told_about(w: &World) {
    let new = NewTask {
        number: None,
        section: None,
        title: "拓展文体教育服务".into(),
        requirements: None,
        due_on: date("2026-09-30"),
        due_text: None,
        lead_unit_id: w.unit_b,
        assist_unit_ids: vec![w.unit_a],
        unit_due_on: Default::default(),
        report_cron: None,
        indicators: vec![],
        allow_past_due: false,
        milestones: Vec::new(),
        recurrences: Vec::new(),
    };
    plans::add_task(&w.ctx(&w.office), w.plan_id, new)
        .await
        .unwrap();
    let p = issue_preview(&w.ctx(&w.office), w.plan_id).await.unwrap();
    assert_eq!(p.drafts, 2);
    let names: Vec<&str> = p
        .unreachable()
        .iter()
        .map(|u| u.unit_name.as_str())
        .collect();
    assert_eq!(names, ["市卫生局"], "its only clerk has no address");
    let a = p.units.iter().find(|u| u.unit_name == "市民政局").unwrap();
    assert_eq!(a.people[0].display_name, "民政局张科员");
    assert!(a.reachable);
    let issued = plans::issue_plan(&w.ctx(&w.office), w.plan_id)
        .await
        .unwrap();
    assert_eq!(
        issued.warnings.len(),
        1,
        "the preview and the issue agree: {:?}",
        issued.warnings
    );
    assert!(matches!(
        issue_preview(&w.ctx(&w.clerk_a), w.plan_id).await,
        Err(DomainError::Forbidden(_))
    ));
}
storage_test!(the_issue_preview_warns_of_units_nobody_can_be_told_about);

async fn units_are_picked_by_name_or_alias(w: &World) {
    let p = pick::pick(&w.env.db, "市卫计委、民政局，市交通局")
        .await
        .unwrap();
    assert_eq!(p.ids, [w.unit_b, w.unit_a]);
    assert_eq!(p.unknown, ["市交通局"]);
    let names = pick::names(&w.env.db).await.unwrap();
    assert!(names.contains(&"市卫计委".to_owned()) && names.contains(&"市民政局".to_owned()));
}
storage_test!(units_are_picked_by_name_or_alias);
