use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Store, TestApp, test_settings};
use crate::storage_test;

const NANTONG: &str = include_str!("../../data/nantong-2013-35.txt");

pub(crate) async fn office(app: &TestApp) -> String {
    let office_unit = app.unit("市政府办公室", "office").await;
    app.user("office", "office", Some(office_unit)).await.1
}

/// A stored import turns the dated targets and the recurrence phrases the
/// parser read into milestones and recurring duties.
async fn a_stored_import_keeps_milestones_and_recurring_duties(app: &TestApp) {
    let tok = office(app).await;
    app.unit("区民政局", "department").await;
    app.unit("区委办", "office").await;
    let text = "2017年重点工作责任分解\n一、基础设施\n(一)建设农村牧区社区。2017年底实现全区建成农村牧区社区数达到1200个,2020年底达到3000个。\n责任单位:区民政局\n(二)加强组织领导。每年至少召开四次创建工作会议,区级领导每月到社区调研实验工作不少于两次。\n责任单位:区委办\n";
    let dry = app
        .raw(
            Method::POST,
            "/plans/import?dry_run=true",
            Some(&tok),
            "text/plain",
            text.as_bytes().to_vec(),
        )
        .await;
    let parsed_steps = dry.body["tasks"][0]["milestones"]
        .as_array()
        .map_or(0, Vec::len);
    let parsed_duties = dry.body["tasks"][1]["recurrences"]
        .as_array()
        .map_or(0, Vec::len);
    let r = app
        .raw(
            Method::POST,
            "/plans/import",
            Some(&tok),
            "text/plain",
            text.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(app.count("milestones").await as usize, parsed_steps);
    assert_eq!(app.count("recurrences").await as usize, parsed_duties);
    assert!(parsed_steps >= 2 && parsed_duties >= 2, "{}", dry.body);
    let plan = r.body["id"].as_i64().unwrap();
    let detail = app.get(&format!("/plans/{plan}"), &tok).await;
    let first = detail.body["tasks"][0]["assignments"][0]["id"]
        .as_i64()
        .unwrap();
    let item = app.get(&format!("/assignments/{first}"), &tok).await;
    let dates: Vec<&str> = item.body["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["due_on"].as_str().unwrap())
        .collect();
    assert!(dates.ends_with(&["2017-12-31", "2020-12-31"]), "{dates:?}");
}
storage_test!(a_stored_import_keeps_milestones_and_recurring_duties);

async fn a_dry_run_parses_and_writes_nothing(app: &TestApp) {
    let tok = office(app).await;
    let before = (
        app.count("plans").await,
        app.count("units").await,
        app.count("audit_events").await,
    );
    let r = app
        .raw(
            Method::POST,
            "/plans/import?dry_run=true",
            Some(&tok),
            "text/plain; charset=utf-8",
            NANTONG.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["plan"]["doc_no"], "通政办发〔2013〕35号");
    assert_eq!(r.body["plan"]["issued_on"], "2013-02-27");
    assert_eq!(r.body["tasks"].as_array().unwrap().len(), 22);
    assert_eq!(r.body["sections"].as_array().unwrap().len(), 6);
    assert_eq!(r.body["tasks"][18]["due_on"], "2013-06-30");
    assert!(
        r.body["unknown_units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u == "市卫生局")
    );
    assert_eq!(r.body["plan_id"], serde_json::Value::Null);
    let after = (
        app.count("plans").await,
        app.count("units").await,
        app.count("audit_events").await,
    );
    assert_eq!(before, after);
}
storage_test!(a_dry_run_parses_and_writes_nothing);

async fn an_import_stores_a_draft_plan_matched_to_the_directory(app: &TestApp) {
    let tok = office(app).await;
    let health = app.unit("南通市卫生局", "department").await;
    app.patch(
        &format!("/units/{health}"),
        &app.admin_token,
        json!({"aliases": ["市卫生局"]}),
    )
    .await;
    let counties: Vec<i64> = {
        let mut v = Vec::new();
        for c in ["海安县", "如东县", "崇川区"] {
            v.push(app.unit(c, "county").await);
        }
        v
    };
    let r = app
        .raw(
            Method::POST,
            "/plans/import",
            Some(&tok),
            "text/plain",
            NANTONG.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let plan = r.body["id"].as_i64().unwrap();
    // 各县(市)、区人民政府(管委会): the county and the district governments.
    for group in ["各县(市)人民政府(管委会)", "各区人民政府(管委会)"] {
        assert_eq!(
            r.body["groups"][group].as_array().unwrap().len(),
            3,
            "{group}"
        );
    }
    let detail = app.get(&format!("/plans/{plan}"), &tok).await;
    assert_eq!(detail.body["doc_no"], "通政办发〔2013〕35号");
    assert_eq!(detail.body["status"], "draft");
    assert_eq!(detail.body["tasks"].as_array().unwrap().len(), 22);
    assert_eq!(detail.body["sections"].as_array().unwrap().len(), 6);
    // (一): the county governments, each its own draft assignment, all leading.
    let first = &detail.body["tasks"][0];
    assert_eq!(first["due_text"], "年内");
    let units: Vec<i64> = first["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["unit_id"].as_i64().unwrap())
        .collect();
    assert_eq!(units, counties);
    assert!(
        first["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["role"] == "lead" && a["status"] == "draft")
    );
    assert!(first["indicators"].as_array().unwrap().len() >= 2);
    // (二): 市卫生局 by its alias.
    assert_eq!(detail.body["tasks"][1]["assignments"][0]["unit_id"], health);
    // Issue it and the units see their work.
    let issued = app
        .post(&format!("/plans/{plan}/issue"), &tok, json!({}))
        .await;
    assert!(issued.body["issued"].as_u64().unwrap() > 10);
}
storage_test!(an_import_stores_a_draft_plan_matched_to_the_directory);

async fn create_units_fills_the_directory_in_one_step(app: &TestApp) {
    let tok = office(app).await;
    let r = app
        .raw(
            Method::POST,
            "/plans/import?create_units=true",
            Some(&tok),
            "text/plain",
            NANTONG.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created: Vec<&str> = r.body["created_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for name in ["市卫生局", "市文广新局", "市体育局", "团市委", "市委组织部"]
    {
        assert!(created.contains(&name), "{name} in {created:?}");
    }
    assert!(
        r.body["unknown_units"].as_array().unwrap().iter().all(|u| u
            .as_str()
            .unwrap()
            .starts_with("各县")
            || u.as_str().unwrap().starts_with("各区")),
        "only the county and district groups, with no counties yet: {}",
        r.body["unknown_units"]
    );
    let units = app.get("/units?per_page=200&q=市体育局", &tok).await;
    assert_eq!(units.body["total"], 1);
}
storage_test!(create_units_fills_the_directory_in_one_step);

async fn garbage_is_refused_without_a_write(app: &TestApp) {
    let tok = office(app).await;
    let before = app.count("plans").await;
    let mut seed = 7u64;
    let junk: Vec<u8> = (0..100_000)
        .map(|_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 56) as u8
        })
        .collect();
    for body in [
        Vec::new(),
        junk,
        b"\xff\xfe\x00\xd8".repeat(1000),
        "（一）责任单位:".repeat(20_000).into_bytes(),
    ] {
        let r = app
            .raw(
                Method::POST,
                "/plans/import",
                Some(&tok),
                "text/plain",
                body,
            )
            .await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = app
        .raw(
            Method::POST,
            "/plans/import",
            Some(&tok),
            "text/plain",
            vec![b'x'; 5 * 1024 * 1024],
        )
        .await;
    r.assert_problem(StatusCode::PAYLOAD_TOO_LARGE);
    let staff_unit = app.unit("市民政局", "department").await;
    let staff = app.user("clerk", "unit_staff", Some(staff_unit)).await.1;
    app.raw(
        Method::POST,
        "/plans/import?dry_run=true",
        Some(&staff),
        "text/plain",
        NANTONG.as_bytes().to_vec(),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN);
    assert_eq!(app.count("plans").await, before);
}
storage_test!(garbage_is_refused_without_a_write);

async fn demo_on(store: Store) {
    let Some(database) = duban_domain::testing::TestDatabase::fresh(store).await else {
        return;
    };
    let settings = test_settings(&database.url, &[]);
    let clock = duban_domain::clock::ManualClock::new(crate::helpers::t0());
    let (env, catalogue) = duban_api::startup::environment(&settings, std::sync::Arc::new(clock))
        .await
        .unwrap();
    let db = env.db.clone();
    let (logins, again) = duban_api::demo::load(&env, &settings, catalogue.clone())
        .await
        .unwrap();
    assert!(!again);
    assert_eq!(logins.len(), 9);
    let roles: std::collections::BTreeSet<&str> = logins.iter().map(|l| l.role).collect();
    assert_eq!(roles.len(), 6, "one user per role");
    use duban_domain::entities::{assignment, comment, plan, task, unit};
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(plan::Entity::find().count(db.conn()).await.unwrap(), 1);
    // The notice's 22 and one task of each kind of duty.
    assert_eq!(task::Entity::find().count(db.conn()).await.unwrap(), 26);
    let units = unit::Entity::find().all(db.conn()).await.unwrap();
    for c in [
        "海安县",
        "如东县",
        "启东市",
        "如皋市",
        "海门市",
        "通州区",
        "崇川区",
        "港闸区",
        "南通经济技术开发区",
        "市政府办公室",
        "市卫生局",
        "团市委",
    ] {
        assert!(units.iter().any(|u| u.name == c), "{c}");
    }
    let all = assignment::Entity::find().all(db.conn()).await.unwrap();
    assert!(all.len() > 100, "{}", all.len());
    let statuses: std::collections::BTreeSet<&str> =
        all.iter().map(|a| a.status.as_str()).collect();
    for s in [
        "issued",
        "acknowledged",
        "in_progress",
        "completed",
        "returned",
    ] {
        assert!(statuses.contains(s), "{s} in {statuses:?}");
    }
    // Played out over twenty weeks up to today: deadlines spread over the
    // months, some passed and escalated as the ladder leaves them.
    let today = crate::helpers::t0().date_naive();
    let dues: std::collections::BTreeSet<_> = all.iter().map(|a| a.due_on).collect();
    assert!(dues.len() >= 6, "{dues:?}");
    assert!(dues.iter().any(|d| *d < today) && dues.iter().any(|d| *d > today));
    let top = all.iter().map(|a| a.escalation_level).max().unwrap();
    assert_eq!(top, 3, "the longest overdue reached the top of the ladder");
    assert!(all.iter().any(|a| a.escalation_level == 1));
    // Every kind of duty: a milestone reached and one missed (escalated
    // although the task is not yet due), a monthly duty with a short month,
    // a county task handed to two streets, a suspended item.
    use duban_domain::entities::{milestone, recurrence, report, suspension};
    let steps = milestone::Entity::find().all(db.conn()).await.unwrap();
    assert!(steps.iter().any(|m| m.reached_on.is_some()), "{steps:?}");
    // The multi-year task: the first step reached, the second missed and escalated.
    let multi = task::Entity::find()
        .all(db.conn())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.title.contains("分阶段目标"))
        .unwrap();
    let multi_item = all.iter().find(|a| a.task_id == multi.id).unwrap();
    let mut own: Vec<&milestone::Model> = steps
        .iter()
        .filter(|m| m.assignment_id == multi_item.id)
        .collect();
    own.sort_by_key(|m| m.position);
    assert_eq!(own.len(), 3);
    assert!(own[0].reached_on.is_some() && own[1].reached_on.is_none() && own[1].due_on < today);
    assert!(multi_item.escalation_level >= 1 && multi_item.due_on > today);
    // Items late on a milestone (the notice's own dated steps too).
    let missed: std::collections::BTreeSet<i64> = steps
        .iter()
        .filter(|m| m.reached_on.is_none() && m.due_on < today)
        .map(|m| m.assignment_id)
        .collect();
    // The demo's monthly duty, and what the importer read in the notice.
    assert!(recurrence::Entity::find().count(db.conn()).await.unwrap() >= 1);
    let occurrences = report::Entity::find()
        .all(db.conn())
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == duban_domain::entities::report::ReportKind::Occurrence)
        .count();
    assert!(occurrences >= 5, "{occurrences}");
    let children: Vec<&assignment::Model> = all.iter().filter(|a| a.parent_id.is_some()).collect();
    assert_eq!(children.len(), 2);
    assert!(
        children.iter().any(|c| c.escalation_level >= 1),
        "a late street"
    );
    assert_eq!(
        suspension::Entity::find().count(db.conn()).await.unwrap(),
        1
    );
    assert_eq!(all.iter().filter(|a| a.suspended_at.is_some()).count(), 1);
    // ... and items of tasks with a recurring duty (a period missed).
    let recurring: Vec<i64> = recurrence::Entity::find()
        .all(db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.task_id)
        .collect();
    let mut with_duties = missed;
    with_duties.extend(
        all.iter()
            .filter(|a| recurring.contains(&a.task_id))
            .map(|a| a.id),
    );
    assert!(
        all.iter()
            .filter(|a| a.due_on >= today && !with_duties.contains(&a.id))
            .all(|a| a.escalation_level == 0),
        "nothing not yet due is escalated, but for a missed milestone"
    );
    let plan = plan::Entity::find().one(db.conn()).await.unwrap().unwrap();
    assert_eq!(plan.issued_on, today - chrono::Duration::weeks(20));
    assert!(
        plan.doc_no
            .contains(&format!("〔{}〕", chrono::Datelike::year(&plan.issued_on))),
        "{}",
        plan.doc_no
    );
    use duban_domain::entities::comment::CommentKind;
    use duban_domain::entities::{audit_event, extension_request};
    use duban_domain::escalation::event as escalation_event;
    let moments: std::collections::BTreeSet<_> = audit_event::Entity::find()
        .all(db.conn())
        .await
        .unwrap()
        .iter()
        .map(|e| e.at.date_naive())
        .collect();
    assert!(moments.len() >= 20, "work on many days: {moments:?}");
    assert!(moments.iter().all(|d| *d <= today));
    let ladder = escalation_event::Entity::find()
        .all(db.conn())
        .await
        .unwrap();
    assert!(ladder.iter().any(|e| e.level == 3));
    assert!(ladder.iter().all(|e| e.at.date_naive() > plan.issued_on));
    let extensions = extension_request::Entity::find()
        .all(db.conn())
        .await
        .unwrap();
    assert!(extensions.len() >= 2, "{extensions:?}");
    let kinds: Vec<_> = comment::Entity::find()
        .all(db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(
        kinds,
        [CommentKind::Remark, CommentKind::Instruction],
        "督查意见 and 领导批示"
    );
    // A second run keeps the data and gives new passwords that work.
    let (again_logins, again) = duban_api::demo::load(&env, &settings, catalogue.clone())
        .await
        .unwrap();
    assert!(again);
    let office = again_logins
        .iter()
        .find(|l| l.username == "office")
        .unwrap();
    duban_domain::identity::authenticate(&env, "office", &office.password, "test")
        .await
        .unwrap();
    assert_eq!(task::Entity::find().count(db.conn()).await.unwrap(), 26);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_loads_on_sqlite() {
    demo_on(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_loads_on_postgres() {
    demo_on(Store::Postgres).await;
}
