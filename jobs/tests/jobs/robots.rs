//! Group robots (DingTalk, WeCom, Feishu) through the outbox, against a
//! robot server over real TCP that checks the signatures: one message per
//! robot, signed, in each platform's shape; "too fast" answers and outages
//! retried without a second copy; permanent refusals shown to the admin;
//! killed and concurrent dispatchers; the per-minute limit.

use std::collections::HashMap;

use chrono::Duration;
use duban_domain::clock::Clock;
use duban_domain::entities::notification::{self, Channel, DeliveryStatus};
use duban_domain::entities::unit_channel;
use duban_jobs::{JobsSettings, RobotSettings, failed_notifications, run_dispatch, run_reminders};
use sea_orm::EntityTrait;
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{ColumnTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{TestEnv, date, jobs_settings};
use crate::robot_server::{DING_SECRET, FEISHU_SECRET, RobotServer};
use crate::storage_test;

/// `n` items of `unit` due in three days, reminded now; answers their ids.
async fn reminded(env: &TestEnv, unit: i64, prefix: &str, n: usize) -> Vec<i64> {
    let plan = env
        .plan(&format!("通政办发〔2026〕{}号", 60 + prefix.len() + n))
        .await;
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(
            env.assignment(
                plan,
                unit,
                &format!("{prefix}{i:02}号"),
                date("2026-03-05"),
                "issued",
                env.now(),
            )
            .await,
        );
    }
    run_reminders(&env.ctx, env.now()).await.unwrap();
    ids
}

fn settings(robots: RobotSettings) -> JobsSettings {
    JobsSettings {
        robots,
        ..jobs_settings()
    }
}

/// Unit A's DingTalk robot, signed with the server's secret.
async fn signed_dingtalk_of_a(env: &TestEnv, robots: &RobotServer) -> i64 {
    env.robot(
        env.cast.unit_a,
        Channel::Dingtalk,
        &robots.url("/dingtalk?access_token=t"),
        Some(DING_SECRET),
    )
    .await
}

async fn channel(env: &TestEnv, id: i64) -> unit_channel::Model {
    unit_channel::Entity::find_by_id(id)
        .one(env.db.conn())
        .await
        .unwrap()
        .unwrap()
}

async fn each_platform_gets_one_signed_message_in_its_own_shape(env: &TestEnv) {
    let robots = RobotServer::start().await;
    let ding = env
        .robot(
            env.cast.unit_a,
            Channel::Dingtalk,
            &robots.url("/dingtalk?access_token=t1"),
            Some(DING_SECRET),
        )
        .await;
    env.robot(
        env.cast.unit_a,
        Channel::Wecom,
        &robots.url("/wecom?key=k1"),
        None,
    )
    .await;
    env.robot(
        env.cast.unit_b,
        Channel::Feishu,
        &robots.url("/feishu"),
        Some(FEISHU_SECRET),
    )
    .await;
    let a_items = reminded(env, env.cast.unit_a, "民政事项", 2).await;
    reminded(env, env.cast.unit_b, "教育事项", 1).await;
    assert_eq!(
        env.notifications_of_robot(ding).await.len(),
        2,
        "one row per item and robot"
    );

    let out = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(out.messages_failed, 0, "{out}");

    let d = robots.posted_to("/dingtalk");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d[0].signed,
        Some(true),
        "DingTalk signature: {:?}",
        d[0].query
    );
    assert_eq!(
        d[0].query.get("access_token").map(String::as_str),
        Some("t1"),
        "the token stays"
    );
    assert_eq!(
        d[0].timestamp_ms,
        Some(env.lease_clock.now().timestamp_millis()),
        "signed at the wall-clock time, in milliseconds"
    );
    assert_eq!(d[0].body["msgtype"], "markdown");
    let text = d[0].text();
    for want in [
        "民政事项00号",
        "民政事项01号",
        "完成时限：2026-03-05",
        "当前状态：已交办",
        &format!("https://duban.example.gov/assignments/{}", a_items[0]),
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert!(!text.contains("教育事项"), "another unit's item: {text}");
    assert!(
        d[0].body["markdown"]["title"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );

    let w = robots.posted_to("/wecom");
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].signed, None);
    assert_eq!(w[0].query.get("key").map(String::as_str), Some("k1"));
    assert_eq!(w[0].body["msgtype"], "markdown");
    assert!(w[0].text().contains("民政事项01号"), "{}", w[0].text());
    assert!(w[0].text().len() <= 4096);

    let f = robots.posted_to("/feishu");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].signed, Some(true), "Feishu signature: {}", f[0].body);
    assert_eq!(
        f[0].timestamp_ms,
        Some(env.lease_clock.now().timestamp() * 1000)
    );
    assert_eq!(f[0].body["msg_type"], "interactive");
    assert!(f[0].text().contains("教育事项00号"), "{}", f[0].text());

    assert_eq!(
        env.sink.to("staffA@example.gov").len(),
        1,
        "e-mail goes out beside the robots"
    );
    let again = run_dispatch(&env.ctx, env.now() + Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(again.messages_sent, 0, "{again}");
    assert_eq!(robots.posted().len(), 3, "nothing twice");
    for r in env
        .notifications()
        .await
        .iter()
        .filter(|r| r.channel_id.is_some())
    {
        assert_eq!(r.status, DeliveryStatus::Sent, "{r:?}");
    }
}
storage_test!(each_platform_gets_one_signed_message_in_its_own_shape);

async fn a_too_fast_answer_pauses_the_robot_and_it_is_told_once(env: &TestEnv) {
    let robots = RobotServer::start().await;
    let ding = signed_dingtalk_of_a(env, &robots).await;
    reminded(env, env.cast.unit_a, "限流事项", 2).await;
    robots.refuse_next(
        200,
        json!({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}),
    );

    let first = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(first.messages_failed, 1, "{first}");
    assert_eq!(
        env.sink.to("staffA@example.gov").len(),
        1,
        "mail is not held up"
    );
    let rows = env.notifications_of_robot(ding).await;
    assert!(
        rows.iter()
            .all(|r| r.status == DeliveryStatus::Pending && r.attempts == 1),
        "{rows:?}"
    );
    assert!(
        rows[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("130101")),
        "{rows:?}"
    );
    assert!(rows[0].next_attempt_at >= env.now() + Duration::seconds(60));
    assert_eq!(
        channel(env, ding).await.paused_until,
        Some(env.now() + Duration::seconds(60))
    );

    let calls = robots.calls();
    let paused = run_dispatch(&env.ctx, env.now() + Duration::seconds(30))
        .await
        .unwrap();
    assert_eq!(
        robots.calls(),
        calls,
        "{paused}: nothing is posted while the robot is paused"
    );

    let back = run_dispatch(&env.ctx, env.now() + Duration::seconds(61))
        .await
        .unwrap();
    assert_eq!(back.messages_sent, 1, "{back}");
    run_dispatch(&env.ctx, env.now() + Duration::hours(1))
        .await
        .unwrap();
    let d = robots.posted_to("/dingtalk");
    assert_eq!(d.len(), 1, "once: {d:?}");
    assert_eq!(d[0].text().matches("限流事项00号").count(), 1);
    let rows = env.notifications_of_robot(ding).await;
    assert!(
        rows.iter()
            .all(|r| r.status == DeliveryStatus::Sent && r.attempts == 2),
        "{rows:?}"
    );
}
storage_test!(a_too_fast_answer_pauses_the_robot_and_it_is_told_once);

async fn a_robot_that_is_down_for_a_while_is_told_once_when_back(env: &TestEnv) {
    let robots = RobotServer::start().await;
    let wecom = env
        .robot(
            env.cast.unit_a,
            Channel::Wecom,
            &robots.url("/wecom?key=k"),
            None,
        )
        .await;
    reminded(env, env.cast.unit_a, "故障事项", 3).await;
    robots.stop().await;
    let down = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(
        (down.messages_sent, down.messages_failed),
        (1, 1),
        "{down}: mail sent, robot failed"
    );
    let rows = env.notifications_of_robot(wecom).await;
    assert!(
        rows.iter()
            .all(|r| r.status == DeliveryStatus::Pending && r.attempts == 1),
        "{rows:?}"
    );
    let error = rows[0].last_error.clone().unwrap_or_default();
    assert!(
        !error.contains("key=k"),
        "no robot key in the error: {error}"
    );

    // Back, but answering 502 once; then well.
    robots.restart().await;
    robots.refuse_next(502, json!({}));
    let bad_gateway = run_dispatch(&env.ctx, env.now() + Duration::seconds(61))
        .await
        .unwrap();
    assert_eq!(bad_gateway.messages_failed, 1, "{bad_gateway}");
    let early = run_dispatch(&env.ctx, env.now() + Duration::seconds(62))
        .await
        .unwrap();
    assert_eq!(
        early.messages_sent, 0,
        "{early}: the backoff has not passed"
    );
    let back = run_dispatch(&env.ctx, env.now() + Duration::seconds(61 + 121))
        .await
        .unwrap();
    assert_eq!(back.messages_sent, 1, "{back}");
    run_dispatch(&env.ctx, env.now() + Duration::hours(3))
        .await
        .unwrap();
    let w = robots.posted_to("/wecom");
    assert_eq!(w.len(), 1, "{w:?}");
    for i in 0..3 {
        assert_eq!(w[0].text().matches(&format!("故障事项{i:02}号")).count(), 1);
    }
    assert_eq!(env.sink.to("staffA@example.gov").len(), 1);
}
storage_test!(a_robot_that_is_down_for_a_while_is_told_once_when_back);

async fn a_permanent_refusal_fails_visibly_for_the_admin(env: &TestEnv) {
    let robots = RobotServer::start().await;
    let ding = env
        .robot(
            env.cast.unit_a,
            Channel::Dingtalk,
            &robots.url("/dingtalk?access_token=bad"),
            Some("SECwrong"),
        )
        .await;
    reminded(env, env.cast.unit_a, "拒收事项", 1).await;
    robots.refuse_next(200, json!({"errcode": 310000, "errmsg": "sign not match"}));
    let out = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(out.notifications_failed, 1, "{out}: given up at once");
    let rows = env.notifications_of_robot(ding).await;
    assert_eq!(rows[0].status, DeliveryStatus::Failed, "{rows:?}");
    let c = channel(env, ding).await;
    assert!(
        c.last_error
            .as_deref()
            .is_some_and(|e| e.contains("310000")),
        "{c:?}"
    );
    let failed = failed_notifications(&env.db, 10).await.unwrap();
    assert!(
        failed.iter().any(|f| f.channel_id == Some(ding)),
        "{failed:?}"
    );
    let calls = robots.calls();
    run_dispatch(&env.ctx, env.now() + Duration::hours(6))
        .await
        .unwrap();
    assert_eq!(robots.calls(), calls, "not tried again");
}
storage_test!(a_permanent_refusal_fails_visibly_for_the_admin);

async fn a_dispatcher_killed_mid_run_loses_nothing_per_channel(env: &TestEnv) {
    let robots = RobotServer::start().await;
    let ding = signed_dingtalk_of_a(env, &robots).await;
    reminded(env, env.cast.unit_a, "中断事项", 3).await;
    // A dispatcher claimed the robot's rows and died before posting.
    let lease = env.lease_clock.now() + Duration::minutes(5);
    notification::Entity::update_many()
        .col_expr(notification::Column::Status, Expr::value("sending"))
        .col_expr(Alias::new("claimed_by"), Expr::value("dead-worker"))
        .col_expr(Alias::new("claimed_until"), Expr::value(lease))
        .filter(notification::Column::ChannelId.eq(ding))
        .exec(env.db.schema_conn())
        .await
        .unwrap();
    let live = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(
        live.messages_sent, 1,
        "{live}: only the mail; the robot's claim is still live"
    );
    assert!(robots.posted().is_empty());
    env.lease_clock.advance(Duration::minutes(6));
    let resumed = run_dispatch(&env.ctx, env.now()).await.unwrap();
    assert_eq!(resumed.notifications_sent, 3, "{resumed}");
    run_dispatch(&env.ctx, env.now() + Duration::hours(1))
        .await
        .unwrap();
    let d = robots.posted_to("/dingtalk");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].signed, Some(true));
    assert_eq!(env.sink.to("staffA@example.gov").len(), 1);
}
storage_test!(a_dispatcher_killed_mid_run_loses_nothing_per_channel);

async fn two_dispatchers_at_once_post_each_item_once_per_robot(env: &TestEnv) {
    let robots = RobotServer::start().await;
    signed_dingtalk_of_a(env, &robots).await;
    env.robot(
        env.cast.unit_a,
        Channel::Feishu,
        &robots.url("/feishu"),
        Some(FEISHU_SECRET),
    )
    .await;
    reminded(env, env.cast.unit_a, "并发推送", 20).await;
    let small = RobotSettings {
        per_minute: 600,
        items_per_message: 2,
        ..RobotSettings::default()
    };
    let one = env.context_with(settings(small.clone())).await;
    let two = env.context_with(settings(small)).await;
    let (a, b) = tokio::join!(run_dispatch(&one, env.now()), run_dispatch(&two, env.now()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.messages_failed + b.messages_failed, 0, "{a}\n{b}");
    for path in ["/dingtalk", "/feishu"] {
        let posted = robots.posted_to(path);
        assert_eq!(posted.len(), 10, "{path}: 20 items, 2 a message");
        assert!(posted.iter().all(|p| p.signed == Some(true)));
        let mut seen: HashMap<String, usize> = HashMap::new();
        for p in &posted {
            for i in 0..20 {
                let t = format!("并发推送{i:02}号");
                *seen.entry(t.clone()).or_default() += p.text().matches(&t).count();
            }
        }
        assert!(seen.values().all(|n| *n == 1), "{path}: {seen:?}");
    }
    let rows = env.notifications().await;
    assert!(
        rows.iter()
            .filter(|r| r.channel_id.is_some())
            .all(|r| r.status == DeliveryStatus::Sent),
        "{rows:?}"
    );
}
storage_test!(two_dispatchers_at_once_post_each_item_once_per_robot);

/// Claims take turns, so a robot's due items stay whole within one claim:
/// four dispatchers racing over 120 items, 10 a message, post exactly 12
/// messages (row locks alone let a racing claim take half a recipient's
/// rows, and a robot got a message more than its items need).
async fn racing_dispatchers_keep_a_robots_items_whole(env: &TestEnv) {
    let robots = RobotServer::start().await;
    signed_dingtalk_of_a(env, &robots).await;
    reminded(env, env.cast.unit_a, "整批推送", 120).await;
    let tens = RobotSettings {
        per_minute: 600,
        items_per_message: 10,
        ..RobotSettings::default()
    };
    let mut c = Vec::new();
    for _ in 0..4 {
        c.push(env.context_with(settings(tens.clone())).await);
    }
    let at = env.now();
    let runs = tokio::join!(
        run_dispatch(&c[0], at),
        run_dispatch(&c[1], at),
        run_dispatch(&c[2], at),
        run_dispatch(&c[3], at)
    );
    for r in [runs.0, runs.1, runs.2, runs.3] {
        assert_eq!(r.unwrap().messages_failed, 0);
    }
    let posted = robots.posted_to("/dingtalk");
    let sizes: Vec<usize> = posted
        .iter()
        .map(|p| p.text().matches("整批推送").count())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 120, "{sizes:?}");
    assert_eq!(posted.len(), 12, "120 items, 10 a message: {sizes:?}");
}
storage_test!(racing_dispatchers_keep_a_robots_items_whole);

async fn a_robot_is_never_sent_more_than_its_limit_a_minute(env: &TestEnv) {
    let robots = RobotServer::start().await;
    env.robot(
        env.cast.unit_a,
        Channel::Wecom,
        &robots.url("/wecom?key=k"),
        None,
    )
    .await;
    reminded(env, env.cast.unit_a, "限额事项", 5).await;
    let tight = RobotSettings {
        per_minute: 2,
        items_per_message: 1,
        ..RobotSettings::default()
    };
    // Two dispatchers at once share the robot's minute.
    let one = env.context_with(settings(tight.clone())).await;
    let two = env.context_with(settings(tight)).await;
    let (a, b) = tokio::join!(run_dispatch(&one, env.now()), run_dispatch(&two, env.now()));
    a.unwrap();
    b.unwrap();
    assert_eq!(robots.posted().len(), 2, "the first minute");
    run_dispatch(&one, env.now() + Duration::seconds(30))
        .await
        .unwrap();
    assert_eq!(robots.posted().len(), 2, "still the first minute");
    run_dispatch(&one, env.now() + Duration::seconds(60))
        .await
        .unwrap();
    assert_eq!(robots.posted().len(), 4, "the second minute");
    run_dispatch(&two, env.now() + Duration::seconds(120))
        .await
        .unwrap();
    let posted = robots.posted();
    assert_eq!(posted.len(), 5, "the rest");
    for i in 0..5 {
        let t = format!("限额事项{i:02}号");
        assert_eq!(
            posted.iter().filter(|p| p.text().contains(&t)).count(),
            1,
            "{t}: {:?}",
            posted.iter().map(|p| p.text()).collect::<Vec<_>>()
        );
    }
    let rows = env.notifications().await;
    let robot_rows: Vec<_> = rows.iter().filter(|r| r.channel_id.is_some()).collect();
    assert!(
        robot_rows.iter().all(|r| r.status == DeliveryStatus::Sent),
        "{rows:?}"
    );
    assert!(
        robot_rows.iter().all(|r| r.attempts == 1),
        "waiting for the next minute is not a failed attempt: {rows:?}"
    );
}
storage_test!(a_robot_is_never_sent_more_than_its_limit_a_minute);
