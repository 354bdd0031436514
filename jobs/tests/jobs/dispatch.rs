use std::collections::HashMap;

use chrono::Duration;
use duban_domain::clock::Clock;
use duban_domain::entities::notification::{self, DeliveryStatus};
use duban_domain::entities::notification_attempt::AttemptOutcome;
use duban_domain::entities::outbox_sent;
use duban_domain::messages::Message;
use duban_domain::notify::{self, Address, Notice};
use duban_jobs::{attempts_of, failed_notifications, retry_failed, run_dispatch, run_reminders};
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::helpers::{TestEnv, date};
use crate::smtp::Fault;
use crate::storage_test;

/// Unit A's staff get `n` reminders due in 3 days; answers nothing.
async fn reminders_for(env: &TestEnv, n: usize) {
    let plan = env.plan("通政办发〔2026〕50号").await;
    for i in 0..n {
        env.assignment(
            plan,
            env.cast.unit_a,
            &format!("事项{i:02}"),
            date("2026-03-05"),
            "issued",
            env.now(),
        )
        .await;
    }
    run_reminders(&env.ctx, env.now()).await.unwrap();
}

async fn an_smtp_outage_then_recovery_delivers_once_with_the_same_message_id(env: &TestEnv) {
    reminders_for(env, 2).await;
    env.sink.stop().await;
    let down = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!((down.messages_sent, down.messages_failed), (0, 1), "{down}");
    let rows = env.notifications_of(env.cast.staff_a).await;
    assert!(
        rows.iter()
            .all(|r| r.status == DeliveryStatus::Pending && r.attempts == 1),
        "{rows:?}"
    );
    assert_eq!(
        rows[0].next_attempt_at,
        env.now() + Duration::seconds(60),
        "backoff"
    );
    let first_id = rows[0]
        .message_id
        .clone()
        .expect("the id is stored before sending");

    env.sink.restart().await;
    let early = run_dispatch(&env.ctx, env.now() + Duration::seconds(30))
        .await
        .unwrap();
    assert_eq!(
        early.messages_sent, 0,
        "{early}: the backoff has not passed"
    );
    let back = run_dispatch(&env.ctx, env.now() + Duration::seconds(61))
        .await
        .unwrap();
    assert_eq!(back.messages_sent, 1, "{back}");
    let mail = env.sink.to("staffA@example.gov");
    assert_eq!(mail.len(), 1, "delivered exactly once");
    assert_eq!(
        format!("<{}>", mail[0].message_id),
        first_id,
        "the retry keeps its Message-ID"
    );
    let again = run_dispatch(&env.ctx, env.now() + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(again.messages_sent, 0, "{again}");
    let tries = attempts_of(&env.db, rows[0].id).await.unwrap();
    let outcomes: Vec<(i32, AttemptOutcome)> =
        tries.iter().map(|t| (t.attempt, t.outcome)).collect();
    assert_eq!(
        outcomes,
        vec![(1, AttemptOutcome::Failed), (2, AttemptOutcome::Sent)]
    );
    assert!(tries[0].error.as_deref().is_some_and(|e| !e.is_empty()));
}
storage_test!(an_smtp_outage_then_recovery_delivers_once_with_the_same_message_id);

/// A server that takes the message and then hangs: the send is cut off by
/// its timeout, the notification stays pending, and the retry (same
/// Message-ID) goes through once the server answers again.
async fn a_hanging_server_is_cut_off_by_the_send_timeout(env: &TestEnv) {
    reminders_for(env, 1).await;
    env.sink.set_fault(crate::smtp::Fault::StallAfterData);
    let ctx = env.second_context(|m| m.smtp.timeout_secs = 1).await;
    let started = std::time::Instant::now();
    let hung = run_dispatch(&ctx, env.now()).await.unwrap();
    assert_eq!((hung.messages_sent, hung.messages_failed), (0, 1), "{hung}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "bounded by the timeout"
    );
    let rows = env.notifications_of(env.cast.staff_a).await;
    assert!(
        rows.iter()
            .all(|r| r.status == DeliveryStatus::Pending && r.attempts == 1),
        "{rows:?}"
    );
    let tries = attempts_of(&env.db, rows[0].id).await.unwrap();
    assert!(
        tries[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("no answer within")),
        "{tries:?}"
    );
    env.sink.set_fault(crate::smtp::Fault::None);
    let back = run_dispatch(&ctx, env.now() + Duration::seconds(61))
        .await
        .unwrap();
    assert_eq!(back.messages_sent, 1, "{back}");
    let mail = env.sink.to("staffA@example.gov");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        Some(format!("<{}>", mail[0].message_id)),
        rows[0].message_id
    );
}
storage_test!(a_hanging_server_is_cut_off_by_the_send_timeout);

async fn a_notice_fails_after_max_attempts_and_an_admin_can_retry_it(env: &TestEnv) {
    reminders_for(env, 1).await;
    env.sink.set_fault(Fault::AfterData(451));
    let mut t = env.now();
    let mut waits = Vec::new();
    for _ in 0..3 {
        let out = run_dispatch(&env.ctx, t).await.unwrap();
        assert_eq!(out.messages_failed, 1, "{out}");
        let row = &env.notifications_of(env.cast.staff_a).await[0];
        waits.push((row.next_attempt_at - t).num_seconds());
        t = row.next_attempt_at;
    }
    assert_eq!(&waits[..2], &[60, 120], "exponential backoff");
    let row = &env.notifications_of(env.cast.staff_a).await[0];
    assert_eq!((row.status, row.attempts), (DeliveryStatus::Failed, 3));
    assert!(
        row.last_error.as_deref().is_some_and(|e| e.contains("451")),
        "{row:?}"
    );
    assert!(
        run_dispatch(&env.ctx, t + Duration::days(1))
            .await
            .unwrap()
            .scanned
            == 0
    );
    let failed = failed_notifications(&env.db, 10).await.unwrap();
    assert_eq!(failed.len(), 1);

    env.sink.set_fault(Fault::None);
    assert_eq!(retry_failed(&env.db, t, &[failed[0].id]).await.unwrap(), 1);
    let out = run_dispatch(&env.ctx, t).await.unwrap();
    assert_eq!(out.messages_sent, 1, "{out}");
    let mail = env.sink.to("staffA@example.gov");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        Some(format!("<{}>", mail[0].message_id)),
        failed[0].message_id
    );
}
storage_test!(a_notice_fails_after_max_attempts_and_an_admin_can_retry_it);

async fn two_dispatchers_at_once_never_send_a_notice_twice(env: &TestEnv) {
    // Many recipients, a few per claim round, so the two runs interleave.
    let plan = env.plan("通政办发〔2026〕51号").await;
    for i in 0..20 {
        env.assignment(
            plan,
            env.cast.unit_a,
            &format!("并发事项-{i:02}号"),
            date("2026-03-05"),
            "issued",
            env.now(),
        )
        .await;
    }
    let mut notices = Vec::new();
    let everyone = [
        env.cast.head_a,
        env.cast.staff_b,
        env.cast.inspector,
        env.cast.leader,
        env.cast.office,
    ];
    for (i, u) in everyone.iter().enumerate() {
        for k in 0..3 {
            notices.push(Notice {
                key: format!("test:{i}:{k}"),
                to: Address::User(*u),
                assignment_id: None,
                message: Message::Remark {
                    author: format!("通知-{i}"),
                    text: format!("内容-{i}-{k}"),
                },
            });
        }
    }
    let txn = env.db.begin().await.unwrap();
    notify::enqueue(&txn, env.now(), notices).await.unwrap();
    txn.commit().await.unwrap();
    run_reminders(&env.ctx, env.now()).await.unwrap();

    let small = |m: &mut duban_jobs::MailSettings| m.batch_recipients = 1;
    let one = env.second_context(small).await;
    let two = env.second_context(small).await;
    let (a, b) = tokio::join!(run_dispatch(&one, env.now()), run_dispatch(&two, env.now()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.notifications_sent + b.notifications_sent,
        20 + 15,
        "{a}\n{b}"
    );

    let mail = env.sink.messages();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for m in &mail {
        *ids.entry(m.message_id.clone()).or_default() += 1;
    }
    assert!(
        ids.values().all(|n| *n == 1),
        "a message delivered twice: {ids:?}"
    );
    let staff_text: String = env
        .sink
        .to("staffA@example.gov")
        .iter()
        .map(|m| m.text.clone())
        .collect();
    for i in 0..20 {
        let t = format!("并发事项-{i:02}号");
        assert_eq!(staff_text.matches(&t).count(), 1, "{t}");
    }
    assert_eq!(env.sink.to("staffA@example.gov").len(), 1, "one digest");
    for (i, _) in everyone.iter().enumerate() {
        let all: String = mail.iter().map(|m| m.text.clone()).collect();
        for k in 0..3 {
            assert_eq!(all.matches(&format!("内容-{i}-{k}")).count(), 1);
        }
    }
    let rows = env.notifications().await;
    assert!(
        rows.iter()
            .all(|r| r.status == DeliveryStatus::Sent || r.status == DeliveryStatus::Skipped),
        "{rows:?}"
    );
}
storage_test!(two_dispatchers_at_once_never_send_a_notice_twice);

/// Staff A's notices as a dispatcher leaves them that claimed them for
/// five minutes, gave them `message_id`, and died.
async fn claimed_by_a_dead_worker(env: &TestEnv, message_id: &str) {
    let lease = env.lease_clock.now() + Duration::minutes(5);
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value("sending"))
        .col_expr(
            notification::Column::MessageId,
            Expr::value(Some(message_id.to_owned())),
        )
        .col_expr(Alias::new("claimed_by"), Expr::value("dead-worker"))
        .col_expr(Alias::new("claimed_until"), Expr::value(lease))
        .filter(notification::Column::RecipientUserId.eq(env.cast.staff_a))
        .exec(env.db.schema_conn())
        .await
        .unwrap();
}

async fn a_dispatcher_killed_mid_run_loses_nothing(env: &TestEnv) {
    reminders_for(env, 3).await;
    // A dispatcher claimed the rows, stored the message's id, and died.
    claimed_by_a_dead_worker(env, "<killed@example.gov>").await;
    let live = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(
        live.notifications_sent, 0,
        "{live}: the claim is still live"
    );
    env.lease_clock.advance(Duration::minutes(6));
    let resumed = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(resumed.notifications_sent, 3, "{resumed}");
    let mail = env.sink.to("staffA@example.gov");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].message_id, "killed@example.gov",
        "the interrupted message's id"
    );
}
storage_test!(a_dispatcher_killed_mid_run_loses_nothing);

/// Killed after the server took the message and its journal row was
/// written, before its rows were recorded: nothing is sent again, and the
/// rows end sent, each with its one attempt, under the message's id.
async fn a_dispatcher_killed_after_a_send_repeats_nothing(env: &TestEnv) {
    reminders_for(env, 3).await;
    claimed_by_a_dead_worker(env, "<sent@example.gov>").await;
    let ids: Vec<i64> = notification::Entity::find()
        .filter(notification::Column::RecipientUserId.eq(env.cast.staff_a))
        .all(env.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(ids.len(), 3);
    outbox_sent::Entity::insert(outbox_sent::ActiveModel {
        message_id: Set("<sent@example.gov>".into()),
        worker: Set("dead-worker".into()),
        attempt: Set(1),
        sent_at: Set(env.now()),
        ids: Set(serde_json::to_string(&ids).unwrap()),
    })
    .exec_without_returning(env.db.schema_conn())
    .await
    .unwrap();
    env.lease_clock.advance(Duration::minutes(6));
    let run = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(run.notifications_sent, 0, "{run}");
    assert!(env.sink.to("staffA@example.gov").is_empty(), "sent again");
    for id in ids {
        let row = notification::Entity::find_by_id(id)
            .one(env.db.conn())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.status, DeliveryStatus::Sent, "{row:?}");
        assert_eq!(row.attempts, 1);
        let attempts = attempts_of(&env.db, id).await.unwrap();
        assert_eq!(attempts.len(), 1, "{attempts:?}");
        assert_eq!(attempts[0].outcome, AttemptOutcome::Sent);
        assert_eq!(
            attempts[0].message_id.as_deref(),
            Some("<sent@example.gov>")
        );
    }
    let left = outbox_sent::Entity::find()
        .all(env.db.conn())
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
}
storage_test!(a_dispatcher_killed_after_a_send_repeats_nothing);

async fn a_single_change_notice_uses_its_own_subject(env: &TestEnv) {
    let txn = env.db.begin().await.unwrap();
    notify::enqueue(
        &txn,
        env.now(),
        vec![Notice {
            key: "calendar_gap:2031".into(),
            to: Address::User(env.cast.staff_b),
            assignment_id: None,
            message: Message::CalendarGap {
                year: 2031,
                dir: "config/calendar".into(),
            },
        }],
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    run_dispatch(&env.ctx, env.now()).await.unwrap();
    let mail = env.sink.to("staffB@example.gov");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].subject,
        "【系统提示】工作日历缺少 2031 年节假日安排"
    );
    assert!(
        mail[0].text.contains("config/calendar/2031.toml"),
        "{}",
        mail[0].text
    );
    let raw = String::from_utf8_lossy(&mail[0].raw);
    assert!(raw.contains("text/html"), "an HTML alternative");
}
storage_test!(a_single_change_notice_uses_its_own_subject);

/// A permanent refusal (SMTP 5xx) gives that message up at once rather than
/// retrying it until every row fails, and does not count as the server
/// being down: the next recipients still get theirs in the same run.
async fn a_permanent_refusal_gives_up_that_message_only(env: &TestEnv) {
    reminders_for(env, 1).await;
    let plan = env.plan("通政办发〔2026〕52号").await;
    env.assignment(
        plan,
        env.cast.unit_b,
        "乙单位事项",
        date("2026-03-05"),
        "issued",
        env.now(),
    )
    .await;
    run_reminders(&env.ctx, env.now()).await.unwrap();
    env.sink.set_fault(Fault::AfterData(554));
    let refused = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert!(refused.messages_failed >= 2, "{refused}");
    let rows = env.notifications_of(env.cast.staff_a).await;
    assert!(
        rows.iter()
            .all(|r| r.status == DeliveryStatus::Failed && r.attempts == 1),
        "{rows:?}"
    );
    assert!(
        rows[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("554")),
        "{rows:?}"
    );
    let b = env.notifications_of(env.cast.staff_b).await;
    assert!(
        b.iter().all(|r| r.status == DeliveryStatus::Failed),
        "every recipient was tried in the run (the server is up): {b:?}"
    );
    env.sink.set_fault(Fault::None);
    let later = run_dispatch(&env.ctx, env.now() + Duration::hours(6))
        .await
        .unwrap();
    assert_eq!(later.messages_sent, 0, "{later}: given up, not retried");
    assert!(env.sink.messages().is_empty());
}
storage_test!(a_permanent_refusal_gives_up_that_message_only);

/// SIGTERM while the mail server hangs: the stop claims and sends nothing
/// new, cuts the hanging send off at the end of its grace (not at the
/// send's own 60 s timeout), and hands every notification it held back to
/// the outbox with its Message-ID; the next dispatcher delivers each once.
async fn a_stop_while_the_mail_server_hangs_ends_within_its_grace_and_loses_nothing(env: &TestEnv) {
    let mut notices = Vec::new();
    let everyone = [env.cast.head_a, env.cast.staff_b, env.cast.inspector];
    for (i, u) in everyone.iter().enumerate() {
        notices.push(Notice {
            key: format!("stop:{i}"),
            to: Address::User(*u),
            assignment_id: None,
            message: Message::Remark {
                author: format!("通知-{i}"),
                text: format!("停机前的通知-{i}"),
            },
        });
    }
    let txn = env.db.begin().await.unwrap();
    notify::enqueue(&txn, env.now(), notices).await.unwrap();
    txn.commit().await.unwrap();
    env.sink.set_fault(crate::smtp::Fault::StallAfterData);
    let ctx = std::sync::Arc::new(
        env.second_context_with(
            |j: &mut duban_jobs::JobsSettings| j.shutdown_grace_secs = 1,
            |m: &mut duban_jobs::MailSettings| m.smtp.timeout_secs = 60,
        )
        .await,
    );
    let (handle, outcome) =
        duban_jobs::spawn_once(ctx.clone(), duban_jobs::Job::Dispatch, env.now());
    env.sink.stall().await;
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(30), handle.stop())
        .await
        .expect("the stop is bounded by its grace, not by the send's timeout");
    assert!(!stopped, "the hanging send was cut off");
    assert!(outcome.await.unwrap().is_err(), "the step did not finish");
    let rows = notification::Entity::find()
        .all(env.db.conn())
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|r| r.status == DeliveryStatus::Pending && r.claimed_by.is_none()),
        "every claim handed back: {rows:?}"
    );
    let in_flight: Vec<_> = rows.iter().filter(|r| r.message_id.is_some()).collect();
    assert!(!in_flight.is_empty(), "{rows:?}");
    // Nothing is sent after the stop, by that context.
    assert!(ctx.stop_requested());
    let after = run_dispatch(&ctx, env.now()).await.unwrap();
    assert_eq!(after.messages_sent, 0, "{after}");

    env.sink.set_fault(crate::smtp::Fault::None);
    let next = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(next.notifications_sent, 3, "{next}");
    for u in [
        "headA@example.gov",
        "staffB@example.gov",
        "insp@example.gov",
    ] {
        assert_eq!(env.sink.to(u).len(), 1, "{u} told once");
    }
    let resent = env
        .sink
        .messages()
        .into_iter()
        .find(|m| Some(format!("<{}>", m.message_id)) == in_flight[0].message_id);
    assert!(resent.is_some(), "the cut-off message keeps its Message-ID");
}
storage_test!(a_stop_while_the_mail_server_hangs_ends_within_its_grace_and_loses_nothing);
