//! Every kind of duty besides one deadline, through the services and the
//! scans on both stores, the clock moved by hand: milestones, recurring
//! duties, handing down (层层分解), suspending and resuming (挂起 / 恢复).

use chrono::NaiveDate;
use duban_domain::assessment::{self, StatsScope};
use duban_domain::duties::delegation::{self, Delegation};
use duban_domain::duties::periods::PeriodStatus;
use duban_domain::duties::{self, NewMilestone, NewRecurrence, suspension};
use duban_domain::entities::notification::NoticeKind;
use duban_domain::entities::recurrence::Per;
use duban_domain::entities::report::ReportKind;
use duban_domain::entities::review::Decision;
use duban_domain::entities::{unit, user};
use duban_domain::page::PageRequest;
use duban_domain::policy::Actor;
use duban_domain::supervision::{self, BoardFilter};
use duban_domain::workflow::assignments::{self, NewReport};
use duban_domain::workflow::listing::{self, AssignmentFilter};
use duban_domain::workflow::plans::{self, NewTask};
use duban_domain::{DomainError, Env};
use duban_jobs::{run_escalations, run_reminders};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::helpers::{TestEnv, at, date};
use crate::storage_test;

async fn actor(env: &TestEnv, id: i64) -> Actor {
    let u = user::Entity::find_by_id(id)
        .one(env.db.conn())
        .await
        .unwrap()
        .unwrap();
    Actor {
        user_id: u.id,
        username: u.username,
        unit_id: u.unit_id,
        roles: u.roles,
    }
}

fn e(env: &TestEnv) -> &Env {
    env.ctx.env()
}

fn task(title: &str, due_on: NaiveDate, lead: i64) -> NewTask {
    NewTask {
        number: None,
        section: None,
        title: title.into(),
        requirements: None,
        due_on,
        due_text: None,
        lead_unit_id: lead,
        assist_unit_ids: Vec::new(),
        unit_due_on: Default::default(),
        report_cron: None,
        indicators: Vec::new(),
        allow_past_due: false,
        milestones: Vec::new(),
        recurrences: Vec::new(),
    }
}

fn report(kind: ReportKind, text: &str) -> NewReport {
    NewReport {
        kind,
        text: text.into(),
        percent: None,
        indicator_values: Vec::new(),
        milestone_id: None,
        recurrence_id: None,
        reason: None,
    }
}

/// A task of its own plan for unit A, issued and acknowledged; its assignment id.
async fn issued(env: &TestEnv, doc_no: &str, new: NewTask) -> i64 {
    let plan = env.plan(doc_no).await;
    let office = actor(env, env.cast.office).await;
    let created = plans::add_task(&e(env).ctx(&office), plan, new)
        .await
        .unwrap();
    plans::issue_plan(&e(env).ctx(&office), plan).await.unwrap();
    let id = created.assignments[0].id;
    let staff = actor(env, env.cast.staff_a).await;
    assignments::acknowledge(&e(env).ctx(&staff), id, None)
        .await
        .unwrap();
    id
}

async fn kinds_for(env: &TestEnv, user_id: i64, kind: NoticeKind) -> Vec<serde_json::Value> {
    env.notifications_of(user_id)
        .await
        .into_iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.payload)
        .collect()
}

async fn milestones_are_reminded_escalated_named_and_reached(env: &TestEnv) {
    let office = actor(env, env.cast.office).await;
    let staff = actor(env, env.cast.staff_a).await;
    let mut t = task("建设农村牧区社区", date("2026-12-31"), env.cast.unit_a);
    t.milestones = vec![
        NewMilestone {
            due_on: date("2026-03-20"),
            title: "建成农村牧区社区1200个".into(),
            target: Some("1200个".into()),
        },
        NewMilestone {
            due_on: date("2026-12-31"),
            title: "建成农村牧区社区3000个".into(),
            target: None,
        },
    ];
    // A step after the task's due date is refused, naming the field.
    let mut late = task("x", date("2026-06-30"), env.cast.unit_a);
    late.milestones = vec![NewMilestone {
        due_on: date("2026-07-01"),
        title: "y".into(),
        target: None,
    }];
    let plan = env.plan("里程碑〔2026〕0号").await;
    match plans::add_task(&e(env).ctx(&office), plan, late).await {
        Err(DomainError::Invalid(f)) => assert_eq!(f[0].field, "milestones[0].due_on"),
        other => panic!("{other:?}"),
    }
    let id = issued(env, "里程碑〔2026〕1号", t).await;
    let ms = duties::milestones_of(e(env).db.conn(), id).await.unwrap();
    assert_eq!(ms.len(), 2);

    // Three days before the first step: reminded although the task is due in December; once.
    env.clock.set(at("2026-03-17T09:00:00+08:00"));
    run_reminders(&env.ctx, env.now()).await.unwrap();
    let reminded = kinds_for(env, env.cast.staff_a, NoticeKind::DutyReminder).await;
    assert_eq!(reminded.len(), 1, "{reminded:?}");
    assert!(reminded[0]["about"].as_str().unwrap().contains("1200"));
    assert_eq!(reminded[0]["days_left"], 3);
    run_reminders(&env.ctx, env.now()).await.unwrap();
    assert_eq!(
        kinds_for(env, env.cast.staff_a, NoticeKind::DutyReminder)
            .await
            .len(),
        1
    );

    // Missed: escalated on the ladder, the message naming the milestone, and on the board.
    env.clock.set(at("2026-03-23T09:00:00+08:00"));
    run_escalations(&env.ctx, env.now()).await.unwrap();
    assert_eq!(env.assignment_row(id).await.escalation_level, 1);
    let told = kinds_for(env, env.cast.head_a, NoticeKind::Escalation).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0]["about"].as_str().unwrap().contains("1200个"));
    assert_eq!(told[0]["due_on"], "2026-03-20");
    let inspector = actor(env, env.cast.inspector).await;
    let ctx = e(env).ctx(&inspector);
    let board = supervision::overdue_board(&ctx, &BoardFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert!(board.items.iter().any(|r| r.id == id));
    let missed = duties::missed_of(&ctx, &board.items).await.unwrap();
    assert_eq!(missed[&id].len(), 1);
    assert_eq!(missed[&id][0].title, "建成农村牧区社区1200个");
    let reasons = duties::escalated_for(e(env).db.conn(), &[id])
        .await
        .unwrap();
    assert!(reasons[&id].contains("1200个"), "{reasons:?}");
    // The item itself is not overdue: its due date is December.
    assert!(!board.items[0].derived(env.now()).overdue);

    // A report against the milestone reaches it; the board names nothing any more.
    let mut r = report(ReportKind::Progress, "已建成1230个");
    r.milestone_id = Some(ms[0].id);
    assignments::report(&e(env).ctx(&staff), id, r, None)
        .await
        .unwrap();
    let ms = duties::milestones_of(e(env).db.conn(), id).await.unwrap();
    assert_eq!(ms[0].reached_on, Some(date("2026-03-23")));
    assert!(ms[0].report_id.is_some());
    let rows = listing::rows_by_ids(e(env).db.conn(), vec![id])
        .await
        .unwrap();
    let row = rows[&id].clone();
    let ctx = e(env).ctx(&inspector);
    assert!(duties::missed_of(&ctx, &[row]).await.unwrap()[&id].is_empty());
    // A second escalation run raises nothing: the late step is reached.
    env.clock.set(at("2026-04-10T09:00:00+08:00"));
    run_escalations(&env.ctx, env.now()).await.unwrap();
    assert_eq!(env.assignment_row(id).await.escalation_level, 1);
    // Reached three days late: it counts in the assessment.
    let stats = assessment::unit_stats(&e(env).ctx(&office), &StatsScope::default())
        .await
        .unwrap();
    let a = stats.iter().find(|s| s.unit_id == env.cast.unit_a).unwrap();
    assert_eq!(a.tally.missed_milestones, 1);
    assert!(
        a.tally
            .points
            .iter()
            .any(|p| p.rule == assessment::Rule::MissedMilestone && p.points < 0.0)
    );
    // Another assignment's milestone is refused.
    let other = issued(
        env,
        "里程碑〔2026〕2号",
        task("z", date("2026-12-31"), env.cast.unit_a),
    )
    .await;
    let mut r = report(ReportKind::Progress, "x");
    r.milestone_id = Some(ms[1].id);
    assert!(matches!(
        assignments::report(&e(env).ctx(&staff), other, r, None).await,
        Err(DomainError::Invalid(_))
    ));
}
storage_test!(milestones_are_reminded_escalated_named_and_reached);

async fn recurring_duties_count_per_period_and_a_missed_period_escalates(env: &TestEnv) {
    let staff = actor(env, env.cast.staff_a).await;
    let mut t = task("到社区调研实验工作", date("2026-05-31"), env.cast.unit_a);
    t.recurrences = vec![NewRecurrence {
        per: Per::Month,
        times: 2,
        title: Some("每月到社区调研不少于两次".into()),
    }];
    let id = issued(env, "经常性〔2026〕1号", t).await;
    let ctx = e(env).ctx(&staff);
    let periods = duties::occurrences(&ctx, id).await.unwrap();
    assert_eq!(periods.len(), 1);
    let p = &periods[0].periods;
    assert_eq!(p.len(), 3, "March, April, May");
    assert!(p.iter().all(|p| p.required == 2));
    assert_eq!(
        p[0].period.start,
        date("2026-03-02"),
        "from the day it was issued"
    );
    assert_eq!(p[0].period.due_on, date("2026-03-31"));
    assert_eq!(p[0].status, PeriodStatus::Open);

    // Twice in March: done.
    for day in ["2026-03-05T10:00:00+08:00", "2026-03-18T10:00:00+08:00"] {
        env.clock.set(at(day));
        assignments::report(
            &e(env).ctx(&staff),
            id,
            report(ReportKind::Occurrence, "到城东社区调研"),
            None,
        )
        .await
        .unwrap();
    }
    // Once in April, reminded before the end of it.
    env.clock.set(at("2026-04-08T10:00:00+08:00"));
    assignments::report(
        &e(env).ctx(&staff),
        id,
        report(ReportKind::Occurrence, "到城西社区调研"),
        None,
    )
    .await
    .unwrap();
    env.clock.set(at("2026-04-27T09:00:00+08:00"));
    run_reminders(&env.ctx, env.now()).await.unwrap();
    let reminded = kinds_for(env, env.cast.staff_a, NoticeKind::DutyReminder).await;
    assert_eq!(reminded.len(), 1, "{reminded:?}");
    assert!(
        reminded[0]["about"]
            .as_str()
            .unwrap()
            .contains("已完成 1 次")
    );
    assert_eq!(reminded[0]["due_on"], "2026-04-30");

    // April ended short: missed, escalated, named; May done: back on track.
    env.clock.set(at("2026-05-04T09:00:00+08:00"));
    let p = duties::occurrences(&e(env).ctx(&staff), id).await.unwrap();
    let st: Vec<(i32, PeriodStatus)> = p[0].periods.iter().map(|p| (p.done, p.status)).collect();
    assert_eq!(
        st,
        [
            (2, PeriodStatus::Done),
            (1, PeriodStatus::Missed),
            (0, PeriodStatus::Open)
        ]
    );
    run_escalations(&env.ctx, env.now()).await.unwrap();
    assert_eq!(env.assignment_row(id).await.escalation_level, 1);
    let told = kinds_for(env, env.cast.head_a, NoticeKind::Escalation).await;
    assert!(
        told[0]["about"]
            .as_str()
            .unwrap()
            .contains("2026-04-01 至 2026-04-30")
    );
    for day in ["2026-05-06T10:00:00+08:00", "2026-05-07T10:00:00+08:00"] {
        env.clock.set(at(day));
        assignments::report(
            &e(env).ctx(&staff),
            id,
            report(ReportKind::Occurrence, "调研"),
            None,
        )
        .await
        .unwrap();
    }
    // Ten working days after April's end the ladder would be at 督办, but May is done.
    env.clock.set(at("2026-05-15T09:00:00+08:00"));
    run_escalations(&env.ctx, env.now()).await.unwrap();
    assert_eq!(env.assignment_row(id).await.escalation_level, 1);
    // The miss stays on record in the assessment.
    let office = actor(env, env.cast.office).await;
    let stats = assessment::unit_stats(&e(env).ctx(&office), &StatsScope::default())
        .await
        .unwrap();
    let a = stats.iter().find(|s| s.unit_id == env.cast.unit_a).unwrap();
    assert_eq!(a.tally.missed_periods, 1);

    // An occurrence on a task without a recurring duty is refused.
    let plain = issued(
        env,
        "经常性〔2026〕2号",
        task("x", date("2026-12-31"), env.cast.unit_a),
    )
    .await;
    assert!(matches!(
        assignments::report(
            &e(env).ctx(&staff),
            plain,
            report(ReportKind::Occurrence, "x"),
            None
        )
        .await,
        Err(DomainError::Invalid(_))
    ));
}
storage_test!(recurring_duties_count_per_period_and_a_missed_period_escalates);

async fn a_unit_hands_its_assignment_down_and_reviews_it(env: &TestEnv) {
    let now = env.now();
    let street = unit::ActiveModel {
        name: Set("城东街道".into()),
        kind: Set(unit::UnitKind::Street),
        parent_id: Set(Some(env.cast.unit_a)),
        aliases: Set(serde_json::json!([])),
        email: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(env.db.schema_conn())
    .await
    .unwrap()
    .id;
    let street_staff = user::ActiveModel {
        username: Set("street".into()),
        display_name: Set("街道同志".into()),
        email: Set(Some("street@example.gov".into())),
        unit_id: Set(Some(street)),
        roles: Set(duban_domain::role::RoleSet::from_stored("unit_staff")),
        active: Set(true),
        password_hash: Set("not-a-hash".into()),
        failed_logins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(env.db.schema_conn())
    .await
    .unwrap()
    .id;
    let id = issued(
        env,
        "分解〔2026〕1号",
        task("建设社区综合服务站", date("2026-04-30"), env.cast.unit_a),
    )
    .await;
    let (staff, head) = (
        actor(env, env.cast.staff_a).await,
        actor(env, env.cast.head_a).await,
    );
    let other = actor(env, env.cast.staff_b).await;
    let office = actor(env, env.cast.office).await;
    let sstaff = actor(env, street_staff).await;
    let hand = |unit_id, due: &str| Delegation {
        unit_id,
        due_on: date(due),
        note: Some("请城东街道具体落实".into()),
    };
    let ctx = e(env).ctx(&staff);
    assert!(matches!(
        delegation::delegate(&ctx, id, hand(street, "2026-05-10")).await,
        Err(DomainError::Invalid(f)) if f[0].field == "due_on"
    ));
    assert!(matches!(
        delegation::delegate(&ctx, id, hand(env.cast.unit_b, "2026-04-10")).await,
        Err(DomainError::Invalid(f)) if f[0].field == "unit_id"
    ));
    // Another unit cannot hand down what is not its own.
    assert!(matches!(
        delegation::delegate(&e(env).ctx(&other), id, hand(street, "2026-04-10")).await,
        Err(DomainError::NotFound(_))
    ));
    let child = delegation::delegate(&ctx, id, hand(street, "2026-04-10"))
        .await
        .unwrap();
    assert_eq!(child.parent_id, Some(id));
    assert_eq!(child.status, duban_domain::workflow::Status::Issued);
    assert!(
        env.notifications_of(street_staff)
            .await
            .iter()
            .any(|n| n.kind == NoticeKind::Assigned)
    );
    // The street works it as any assignment; the parent unit sees it, the sibling does not.
    let mine = listing::list(
        &e(env).ctx(&sstaff),
        &AssignmentFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        mine.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        [child.id]
    );
    assert!(
        assignments::detail(&e(env).ctx(&staff), child.id)
            .await
            .is_ok()
    );
    assert!(matches!(
        assignments::detail(&e(env).ctx(&other), child.id).await,
        Err(DomainError::NotFound(_))
    ));
    let parent = assignments::detail(&e(env).ctx(&staff), id).await.unwrap();
    assert_eq!(
        parent.children.iter().map(|c| c.id).collect::<Vec<_>>(),
        [child.id]
    );

    // The parent asks for completion only with its children done, or a reason.
    assert!(matches!(
        assignments::report(
            &e(env).ctx(&staff),
            id,
            report(ReportKind::Completion, "完成"),
            None
        )
        .await,
        Err(DomainError::Conflict { .. })
    ));

    // Late: escalated to the handing unit first, not yet to the inspectors.
    env.clock.set(at("2026-04-13T09:00:00+08:00"));
    run_escalations(&env.ctx, env.now()).await.unwrap();
    assert_eq!(env.assignment_row(child.id).await.escalation_level, 1);
    assert!(
        !kinds_for(env, env.cast.head_a, NoticeKind::Escalation)
            .await
            .is_empty()
    );
    assert!(
        kinds_for(env, env.cast.inspector, NoticeKind::Escalation)
            .await
            .is_empty()
    );

    // The street asks to close; the handing unit's head decides, not the office, not the street.
    assignments::acknowledge(&e(env).ctx(&sstaff), child.id, None)
        .await
        .unwrap();
    assignments::report(
        &e(env).ctx(&sstaff),
        child.id,
        report(ReportKind::Completion, "城东街道已建成"),
        None,
    )
    .await
    .unwrap();
    for who in [&sstaff, &office, &staff] {
        assert!(
            matches!(
                assignments::review(&e(env).ctx(who), child.id, Decision::Approve, None, None)
                    .await,
                Err(DomainError::Forbidden(_))
            ),
            "{}",
            who.username
        );
    }
    let done = assignments::review(
        &e(env).ctx(&head),
        child.id,
        Decision::Approve,
        Some("同意".into()),
        None,
    )
    .await
    .unwrap();
    assert_eq!(done.row.status, duban_domain::workflow::Status::Completed);
    assignments::report(
        &e(env).ctx(&staff),
        id,
        report(ReportKind::Completion, "已全部完成"),
        None,
    )
    .await
    .unwrap();
}
storage_test!(a_unit_hands_its_assignment_down_and_reviews_it);

async fn a_suspended_item_is_not_late_and_resumes_later(env: &TestEnv) {
    let mut t = task("推进政务公开", date("2026-03-06"), env.cast.unit_a);
    t.milestones = vec![NewMilestone {
        due_on: date("2026-03-04"),
        title: "制定工作方案".into(),
        target: None,
    }];
    let id = issued(env, "挂起〔2026〕1号", t).await;
    let staff = actor(env, env.cast.staff_a).await;
    let office = actor(env, env.cast.office).await;
    assert!(matches!(
        suspension::suspend(&e(env).ctx(&staff), id, "x").await,
        Err(DomainError::Forbidden(_))
    ));
    assert!(matches!(
        suspension::suspend(&e(env).ctx(&office), id, " ").await,
        Err(DomainError::Invalid(_))
    ));
    // Monday 2 March: paused.
    let row = suspension::suspend(&e(env).ctx(&office), id, "上级政策调整，暂缓实施")
        .await
        .unwrap();
    assert!(row.suspended_at.is_some());
    assert!(matches!(
        suspension::suspend(&e(env).ctx(&office), id, "again").await,
        Err(DomainError::Conflict { .. })
    ));
    assert!(
        !kinds_for(env, env.cast.staff_a, NoticeKind::Suspended)
            .await
            .is_empty()
    );

    // Two weeks on: neither overdue nor reminded nor escalated.
    env.clock.set(at("2026-03-05T09:00:00+08:00"));
    run_reminders(&env.ctx, env.now()).await.unwrap();
    env.clock.set(at("2026-03-16T09:00:00+08:00"));
    run_escalations(&env.ctx, env.now()).await.unwrap();
    assert_eq!(env.assignment_row(id).await.escalation_level, 0);
    assert!(
        kinds_for(env, env.cast.staff_a, NoticeKind::Reminder)
            .await
            .is_empty()
    );
    assert!(
        kinds_for(env, env.cast.staff_a, NoticeKind::DutyReminder)
            .await
            .is_empty()
    );
    let overdue = listing::list(
        &e(env).ctx(&office),
        &AssignmentFilter {
            overdue: Some(true),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(overdue.total, 0);
    let d = assignments::detail(&e(env).ctx(&office), id).await.unwrap();
    assert!(!d.derived.overdue);

    // Resumed Monday 16 March: ten working days paused; the due date and the
    // milestone move out by as many.
    let row = suspension::resume(&e(env).ctx(&office), id, None)
        .await
        .unwrap();
    assert!(row.suspended_at.is_none());
    assert_eq!(row.due_on, date("2026-03-20"));
    let ms = duties::milestones_of(e(env).db.conn(), id).await.unwrap();
    assert_eq!(ms[0].due_on, date("2026-03-18"));
    assert!(matches!(
        suspension::resume(&e(env).ctx(&office), id, None).await,
        Err(DomainError::Conflict { .. })
    ));
    let told = kinds_for(env, env.cast.staff_a, NoticeKind::Resumed).await;
    assert_eq!(told[0]["due_on"], "2026-03-20");
    assert_eq!(told[0]["working_days"], 10);
    let history = assignments::history(&e(env).ctx(&office), id)
        .await
        .unwrap();
    let steps: Vec<&str> = history.iter().map(|h| h.action_label).collect();
    assert!(
        steps.contains(&"挂起") && steps.contains(&"恢复"),
        "{steps:?}"
    );

    let mut r = report(ReportKind::Progress, "方案已印发");
    r.milestone_id = Some(ms[0].id);
    assignments::report(&e(env).ctx(&staff), id, r, None)
        .await
        .unwrap();
    // Paused again and resumed with the office's own date.
    suspension::suspend(&e(env).ctx(&office), id, "等待省级批复")
        .await
        .unwrap();
    env.clock.set(at("2026-03-18T09:00:00+08:00"));
    let row = suspension::resume(&e(env).ctx(&office), id, Some(date("2026-04-30")))
        .await
        .unwrap();
    assert_eq!(row.due_on, date("2026-04-30"));
    // Late again once its (moved) date passes.
    env.clock.set(at("2026-05-04T09:00:00+08:00"));
    run_escalations(&env.ctx, env.now()).await.unwrap();
    assert_eq!(env.assignment_row(id).await.escalation_level, 1);
    // After two pauses the ladder's notices are new ones, not swallowed by
    // the keys of a round before.
    let keys: Vec<String> = env
        .notifications_of(env.cast.head_a)
        .await
        .into_iter()
        .filter(|n| n.kind == NoticeKind::Escalation)
        .map(|n| n.dedupe_key)
        .collect();
    assert!(
        keys.iter()
            .any(|k| k.starts_with(&format!("escalate:{id}:1:r2:"))),
        "{keys:?}"
    );
    // Suspending a late item takes it off the ladder.
    suspension::suspend(&e(env).ctx(&office), id, "专项督查暂停")
        .await
        .unwrap();
    let row = env.assignment_row(id).await;
    assert_eq!(row.escalation_level, 0);
    env.clock.set(at("2026-05-20T09:00:00+08:00"));
    run_escalations(&env.ctx, env.now()).await.unwrap();
    assert_eq!(env.assignment_row(id).await.escalation_level, 0);
}
storage_test!(a_suspended_item_is_not_late_and_resumes_later);
