//! Workbench tiles and their queues.

use chrono::Duration;
use duban_domain::entities::report::ReportKind;
use duban_domain::page::PageRequest;
use duban_domain::reminders::ReminderSettings;
use duban_domain::workflow::assignments::{self, NewReport};
use duban_domain::workflow::extensions;
use duban_domain::workflow::workbench::{self, Queue, TileKind};

use crate::{World, date, storage_test};

fn count(tiles: &[workbench::Tile], kind: TileKind) -> u64 {
    tiles
        .iter()
        .find(|t| t.kind == kind)
        .map_or(u64::MAX, |t| t.count)
}

async fn tiles_count_what_each_role_has_to_do(w: &World) {
    let r = ReminderSettings::default();
    let tiles = workbench::tiles(&w.ctx(&w.clerk_a), &r).await.unwrap();
    assert_eq!(count(&tiles, TileKind::ToAcknowledge), 2);
    assert_eq!(count(&tiles, TileKind::Overdue), 0);
    let b = workbench::tiles(&w.ctx(&w.clerk_b), &r).await.unwrap();
    assert_eq!(
        count(&b, TileKind::ToAcknowledge),
        1,
        "市卫生局 sees its own item only"
    );
    // Issued on Monday; by Friday two working days have passed unacknowledged.
    w.advance_days(4);
    let office = workbench::tiles(&w.ctx(&w.office), &r).await.unwrap();
    assert_eq!(count(&office, TileKind::AckOverdue), 3);
    let late = workbench::queue(
        &w.ctx(&w.office),
        Queue::AckOverdue,
        &r,
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(late.total, 3);
    let (a, _) = w.task_one;
    assignments::acknowledge(&w.ctx(&w.clerk_a), a, None)
        .await
        .unwrap();
    let report = NewReport {
        kind: ReportKind::Completion,
        text: "已完成".into(),
        percent: None,
        indicator_values: vec![],
        milestone_id: None,
        recurrence_id: None,
        reason: None,
    };
    assignments::report(&w.ctx(&w.clerk_a), a, report, None)
        .await
        .unwrap();
    let office = workbench::tiles(&w.ctx(&w.office), &r).await.unwrap();
    assert_eq!(count(&office, TileKind::ToReview), 1);
    assert_eq!(count(&office, TileKind::AckOverdue), 2);
}
storage_test!(tiles_count_what_each_role_has_to_do);

async fn a_report_falls_due_near_the_end_of_its_period(w: &World) {
    let r = ReminderSettings::default();
    assignments::acknowledge(&w.ctx(&w.clerk_a), w.task_two, None)
        .await
        .unwrap();
    let due = async |w: &World| -> Vec<i64> {
        workbench::queue(
            &w.ctx(&w.clerk_a),
            Queue::ReportDue,
            &r,
            PageRequest::default(),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.id)
        .collect()
    };
    assert!(due(w).await.is_empty(), "the 25th is weeks away");
    w.clock.set("2026-03-23T01:00:00Z".parse().unwrap());
    assert_eq!(due(w).await, [w.task_two]);
    let report = NewReport {
        kind: ReportKind::Progress,
        text: "本月进展".into(),
        percent: Some(30),
        indicator_values: vec![],
        milestone_id: None,
        recurrence_id: None,
        reason: None,
    };
    assignments::report(&w.ctx(&w.clerk_a), w.task_two, report, None)
        .await
        .unwrap();
    assert!(due(w).await.is_empty(), "reported in this period");
    w.clock.set("2026-04-23T01:00:00Z".parse().unwrap());
    assert_eq!(due(w).await, [w.task_two], "a new period asks again");
}
storage_test!(a_report_falls_due_near_the_end_of_its_period);

async fn extension_tiles_count_the_queue_and_recent_results(w: &World) {
    let r = ReminderSettings::default();
    let (a, b) = w.task_one;
    let asked = extensions::request(&w.ctx(&w.clerk_a), a, date("2026-06-30"), "资金尚未到位")
        .await
        .unwrap();
    w.clock.advance(Duration::hours(1));
    extensions::request(&w.ctx(&w.clerk_b), b, date("2026-05-31"), "等待配套")
        .await
        .unwrap();
    let office = workbench::tiles(&w.ctx(&w.office), &r).await.unwrap();
    assert_eq!(count(&office, TileKind::ExtensionsToDecide), 2);
    extensions::decide(&w.ctx(&w.office), asked.id, true, Some("同意".into()))
        .await
        .unwrap();
    let office = workbench::tiles(&w.ctx(&w.office), &r).await.unwrap();
    assert_eq!(count(&office, TileKind::ExtensionsToDecide), 1);
    let mine = workbench::tiles(&w.ctx(&w.clerk_a), &r).await.unwrap();
    assert_eq!(count(&mine, TileKind::ExtensionResults), 1);
    let other = workbench::tiles(&w.ctx(&w.clerk_b), &r).await.unwrap();
    assert_eq!(
        count(&other, TileKind::ExtensionResults),
        0,
        "another unit's result is not news here"
    );
    w.advance_days(40);
    let mine = workbench::tiles(&w.ctx(&w.clerk_a), &r).await.unwrap();
    assert_eq!(
        count(&mine, TileKind::ExtensionResults),
        0,
        "old news drops off"
    );
}
storage_test!(extension_tiles_count_the_queue_and_recent_results);
