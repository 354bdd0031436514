use chrono::Duration;
use duban_domain::entities::notification::{DeliveryStatus, NoticeKind};
use duban_domain::plan_policy::{PlanPolicy, set_plan_policy};
use duban_jobs::{run_ack_reminders, run_dispatch, run_reminders, run_report_reminders};

use crate::helpers::{TestEnv, at, date};
use crate::storage_test;

async fn a_three_day_reminder_reaches_the_units_staff_once(env: &TestEnv) {
    let c = env.cast;
    let plan = env.plan("通政办发〔2026〕35号").await;
    let a = env
        .assignment(
            plan,
            c.unit_a,
            "拓展文体教育服务",
            date("2026-03-05"),
            "acknowledged",
            env.now(),
        )
        .await;
    // Not yet due for a reminder: another unit's item due in 20 days.
    env.assignment(
        plan,
        c.unit_b,
        "远期事项",
        date("2026-03-22"),
        "issued",
        env.now(),
    )
    .await;

    let out = run_reminders(&env.ctx, env.now()).await.unwrap();
    assert_eq!(out.notices, 2, "{out}: staffA and the clerk without mail");
    let sent = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(sent.messages_sent, 1, "{sent}");
    assert_eq!(sent.notifications_skipped, 1, "{sent}: no address");

    let mail = env.sink.to("staffA@example.gov");
    assert_eq!(mail.len(), 1);
    let m = &mail[0];
    assert!(
        m.subject.starts_with("【催办提醒】") && m.subject.contains("还剩 3 天"),
        "{}",
        m.subject
    );
    assert!(
        m.text.contains("拓展文体教育服务") && m.text.contains("还剩 3 天"),
        "{}",
        m.text
    );
    assert!(
        m.text
            .contains(&format!("https://duban.example.gov/assignments/{a}"))
            && !m.text.contains("/api/v1/"),
        "the link opens the item's page, not the API: {}",
        m.text
    );
    assert!(
        env.sink.to("headA@example.gov").is_empty(),
        "reminders go to staff only"
    );
    assert!(env.sink.to("staffB@example.gov").is_empty());

    let rows = env.notifications_of(c.staff_a).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, DeliveryStatus::Sent);
    assert_eq!(
        rows[0].dedupe_key,
        format!("remind:{a}:2026-03-05:3:{}", c.staff_a)
    );
    assert_eq!(
        rows[0]
            .message_id
            .as_deref()
            .map(|m| m.trim_matches(['<', '>'])),
        Some(m.message_id.as_str()),
        "the stored Message-ID is the one delivered"
    );
    let skipped = env.notifications_of(c.staff_a_no_mail).await;
    assert_eq!(
        skipped[0].status,
        DeliveryStatus::Skipped,
        "still visible in the app"
    );

    // Re-running the jobs at the same time, or later the same day, sends nothing new.
    for later in [Duration::zero(), Duration::hours(5)] {
        let again = run_reminders(&env.ctx, env.now() + later).await.unwrap();
        assert_eq!(again.notices, 0, "{again}");
        let again = run_dispatch(&env.ctx, env.now() + later).await.unwrap();
        assert_eq!(again.messages_sent, 0, "{again}");
    }
    assert_eq!(env.sink.messages().len(), 1);

    // Two days later the 1-day reminder is a new one.
    let out = run_reminders(&env.ctx, at("2026-03-04T09:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(out.notices, 2, "{out}");
}
storage_test!(a_three_day_reminder_reaches_the_units_staff_once);

async fn forty_items_due_arrive_as_one_digest_listing_each_once(env: &TestEnv) {
    let c = env.cast;
    let plan = env.plan("通政办发〔2026〕36号").await;
    let titles: Vec<String> = (0..40).map(|i| format!("批量事项-{i:02}号")).collect();
    for (i, t) in titles.iter().enumerate() {
        // Half due in 3 days, half in 4 (their 7-day reminder, caught up).
        let due = date("2026-03-05") + Duration::days(i64::from(i % 2 == 1));
        env.assignment(plan, c.unit_a, t, due, "in_progress", env.now())
            .await;
    }
    let out = run_reminders(&env.ctx, env.now()).await.unwrap();
    assert_eq!(out.notices, 80, "{out}");
    let sent = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(sent.messages_sent, 1, "{sent}");
    assert_eq!(sent.notifications_sent, 40, "{sent}");
    let mail = env.sink.to("staffA@example.gov");
    assert_eq!(mail.len(), 1, "one email for 40 items");
    assert!(mail[0].subject.contains("40 项"), "{}", mail[0].subject);
    for t in &titles {
        assert_eq!(
            mail[0].text.matches(t.as_str()).count(),
            1,
            "{t} once:\n{}",
            mail[0].text
        );
    }
    let ids: std::collections::HashSet<_> = env
        .notifications_of(c.staff_a)
        .await
        .into_iter()
        .map(|n| n.message_id)
        .collect();
    assert_eq!(ids.len(), 1, "the rows share their message's id");
}
storage_test!(forty_items_due_arrive_as_one_digest_listing_each_once);

async fn an_approved_extension_replans_the_reminders(env: &TestEnv) {
    use duban_domain::policy::Actor;
    use duban_domain::role::{Role, RoleSet};
    use duban_domain::workflow::extensions;
    let c = env.cast;
    let plan = env.plan("通政办发〔2026〕37号").await;
    let a = env
        .assignment(
            plan,
            c.unit_a,
            "延期事项",
            date("2026-03-05"),
            "in_progress",
            env.now(),
        )
        .await;
    run_reminders(&env.ctx, env.now()).await.unwrap();
    let actor = |id: i64, name: &str, unit: i64, role: Role| Actor {
        user_id: id,
        username: name.into(),
        unit_id: Some(unit),
        roles: RoleSet::new([role]),
    };
    let staff = actor(c.staff_a, "staffA", c.unit_a, Role::UnitStaff);
    let office = actor(c.office, "office", c.office_unit, Role::Office);
    let req = extensions::request(
        &env.ctx.env().ctx(&staff),
        a,
        date("2026-03-20"),
        "需要更多时间",
    )
    .await
    .unwrap();
    extensions::decide(&env.ctx.env().ctx(&office), req.id, true, None)
        .await
        .unwrap();

    // The 3-day reminder for the old date is no longer sent by mail.
    let out = run_dispatch(&env.ctx, env.now()).await.unwrap();
    let mail = env.sink.to("staffA@example.gov");
    assert!(
        mail.iter().all(|m| !m.text.contains("还剩 3 天")),
        "{out}: {:?}",
        mail.iter().map(|m| &m.text).collect::<Vec<_>>()
    );
    // Nothing is due for the new date until 7 days before it; then a new reminder.
    let quiet = run_reminders(&env.ctx, at("2026-03-10T09:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(quiet.notices, 0, "{quiet}");
    let due = run_reminders(&env.ctx, at("2026-03-13T09:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(due.notices, 2, "{due}");
    let keys: Vec<String> = env
        .notifications_of(c.staff_a)
        .await
        .into_iter()
        .filter(|n| n.kind == NoticeKind::Reminder)
        .map(|n| n.dedupe_key)
        .collect();
    assert_eq!(
        keys,
        vec![
            format!("remind:{a}:2026-03-05:3:{}", c.staff_a),
            format!("remind:{a}:2026-03-20:7:{}", c.staff_a)
        ]
    );
}
storage_test!(an_approved_extension_replans_the_reminders);

async fn a_plan_can_set_its_own_offsets(env: &TestEnv) {
    let c = env.cast;
    let plan = env.plan("通政办发〔2026〕38号").await;
    set_plan_policy(
        &env.db,
        plan,
        &PlanPolicy {
            reminder_offsets: Some(vec![10]),
            escalation: None,
        },
    )
    .await
    .unwrap();
    env.assignment(
        plan,
        c.unit_b,
        "提前提醒",
        date("2026-03-12"),
        "issued",
        env.now(),
    )
    .await;
    let out = run_reminders(&env.ctx, env.now()).await.unwrap();
    assert_eq!(out.notices, 1, "{out}: 10 days ahead, per the plan");
    let key = &env.notifications_of(c.staff_b).await[0].dedupe_key;
    assert!(key.contains(":2026-03-12:10:"), "{key}");
}
storage_test!(a_plan_can_set_its_own_offsets);

async fn unacknowledged_items_are_reminded_after_two_working_days(env: &TestEnv) {
    let c = env.cast;
    let plan = env.plan("通政办发〔2026〕39号").await;
    // Issued Friday 6 March 2026; the weekend does not count.
    let issued = at("2026-03-06T15:00:00+08:00");
    env.assignment(
        plan,
        c.unit_a,
        "待签收事项",
        date("2026-06-30"),
        "issued",
        issued,
    )
    .await;
    env.assignment(
        plan,
        c.unit_b,
        "已签收事项",
        date("2026-06-30"),
        "acknowledged",
        issued,
    )
    .await;
    let monday = run_ack_reminders(&env.ctx, at("2026-03-09T10:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(monday.notices, 0, "{monday}: one working day");
    let tuesday = run_ack_reminders(&env.ctx, at("2026-03-10T10:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(tuesday.notices, 2, "{tuesday}: unit A's two clerks");
    let again = run_ack_reminders(&env.ctx, at("2026-03-11T10:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(again.notices, 0, "{again}: once per issue");
    assert_eq!(
        env.notifications_of(c.staff_a).await[0].kind,
        NoticeKind::AckReminder
    );
    assert!(env.notifications_of(c.staff_b).await.is_empty());
}
storage_test!(unacknowledged_items_are_reminded_after_two_working_days);

async fn units_that_have_not_reported_this_period_are_reminded(env: &TestEnv) {
    use duban_domain::entities::assignment;
    use sea_orm::{ActiveModelTrait, Set};
    let c = env.cast;
    let plan = env.plan("通政办发〔2026〕40号").await;
    let issued = at("2026-01-05T09:00:00+08:00");
    env.assignment_with(
        plan,
        c.unit_a,
        "按月报送",
        date("2026-12-31"),
        "in_progress",
        issued,
        Some("0 9 25 * *"),
    )
    .await;
    let b = env
        .assignment_with(
            plan,
            c.unit_b,
            "按月报送乙",
            date("2026-12-31"),
            "in_progress",
            issued,
            Some("0 9 25 * *"),
        )
        .await;
    // Unit B reported on 1 March, after the 25 February deadline.
    let mut row: assignment::ActiveModel = env.assignment_row(b).await.into();
    row.last_report_at = Set(Some(at("2026-03-01T10:00:00+08:00")));
    row.update(env.db.schema_conn()).await.unwrap();

    let early = run_report_reminders(&env.ctx, at("2026-03-10T09:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(early.notices, 0, "{early}: the deadline is weeks away");
    let near = run_report_reminders(&env.ctx, at("2026-03-23T09:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(near.notices, 2, "{near}: unit A's clerks only");
    assert!(env.notifications_of(c.staff_b).await.is_empty());
    let n = &env.notifications_of(c.staff_a).await[0];
    assert_eq!(n.kind, NoticeKind::ReportDue);
    assert_eq!(
        n.payload["deadline"], "2026-03-25T09:00:00",
        "{}",
        n.payload
    );
}
storage_test!(units_that_have_not_reported_this_period_are_reminded);

async fn a_digest_over_its_size_is_split_each_item_in_exactly_one_message(env: &TestEnv) {
    let c = env.cast;
    let plan = env.plan("通政办发〔2026〕37号").await;
    let titles: Vec<String> = (0..40).map(|i| format!("分封事项-{i:02}号")).collect();
    for t in &titles {
        env.assignment(
            plan,
            c.unit_a,
            t,
            date("2026-03-05"),
            "in_progress",
            env.now(),
        )
        .await;
    }
    run_reminders(&env.ctx, env.now()).await.unwrap();
    let small = env
        .second_context(|m: &mut duban_jobs::MailSettings| m.digest_max_items = 15)
        .await;
    let sent = run_dispatch(&small, env.now()).await.unwrap();
    assert_eq!(
        (sent.messages_sent, sent.notifications_sent),
        (3, 40),
        "{sent}"
    );
    let mail = env.sink.to("staffA@example.gov");
    assert_eq!(mail.len(), 3, "15 + 15 + 10");
    for t in &titles {
        let holding = mail.iter().filter(|m| m.text.contains(t.as_str())).count();
        assert_eq!(holding, 1, "{t} in exactly one message");
    }
    let mut sizes: Vec<usize> = mail
        .iter()
        .map(|m| {
            titles
                .iter()
                .filter(|t| m.text.contains(t.as_str()))
                .count()
        })
        .collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [10, 15, 15]);
    let ids: std::collections::HashSet<_> = mail.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(ids.len(), 3, "each part has a Message-ID of its own");
    let again = run_dispatch(&small, env.now() + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(again.messages_sent, 0, "{again}: nothing twice");
}
storage_test!(a_digest_over_its_size_is_split_each_item_in_exactly_one_message);
