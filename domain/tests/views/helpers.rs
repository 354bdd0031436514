//! A fresh, migrated database per test with a small directory: the office,
//! 市民政局 (reachable by mail) and 市卫生局 (nobody with an address), one
//! clerk each, an inspector; and a plan of two tasks, issued.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use duban_domain::calendar::WorkingCalendar;
use duban_domain::clock::{Clock, ManualClock};
pub use duban_domain::db::Store;
use duban_domain::db::{DatabaseSettings, Db};
use duban_domain::directory::users::{self, NewUser};
use duban_domain::directory::{NewUnit, units};
use duban_domain::entities::unit::UnitKind;
use duban_domain::identity;
use duban_domain::policy::Actor;
use duban_domain::testing::TestDatabase;
use duban_domain::workflow::plans::{self, NewPlan, NewTask};
use duban_domain::{Ctx, Env, Rules};
use duban_migrations::{Migrator, MigratorTrait};

/// Generates `sqlite` and `postgres` variants of a storage test.
#[macro_export]
macro_rules! storage_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let env = $crate::helpers::World::new($crate::helpers::Store::Sqlite)
                    .await
                    .expect("SQLite is always available");
                super::$name(&env).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(env) =
                    $crate::helpers::World::new($crate::helpers::Store::Postgres).await
                {
                    super::$name(&env).await;
                }
            }
        }
    };
}

/// Monday 2 March 2026, 09:00 in Beijing.
pub fn t0() -> DateTime<Utc> {
    "2026-03-02T01:00:00Z".parse().unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub const PASSWORD: &str = "Views-pass-1";

pub struct World {
    pub env: Env,
    pub clock: ManualClock,
    pub office: Actor,
    pub clerk_a: Actor,
    pub clerk_b: Actor,
    pub inspector: Actor,
    pub unit_a: i64,
    pub unit_b: i64,
    pub plan_id: i64,
    /// 市民政局 leads task one, 市卫生局 assists: (A's item, B's item).
    pub task_one: (i64, i64),
    /// 市民政局's item of task two (monthly reports by the 25th).
    pub task_two: i64,
    _database: TestDatabase,
}

impl World {
    pub async fn new(store: Store) -> Option<World> {
        let database = TestDatabase::fresh(store).await?;
        let db = Db::connect(&DatabaseSettings {
            url: database.url.clone(),
            max_connections: 4,
            acquire_timeout_secs: 10,
            busy_timeout_ms: 10_000,
            ..Default::default()
        })
        .await
        .unwrap();
        Migrator::up(db.schema_conn(), None).await.unwrap();
        let clock = ManualClock::new(t0());
        let rules = Rules::default();
        let env = Env::new(
            db,
            Arc::new(clock.clone()),
            Arc::new(WorkingCalendar::default()),
            rules,
        );
        let (admin_name, admin_password) = users::ensure_first_admin(&env).await.unwrap().unwrap();
        let admin = identity::authenticate(&env, &admin_name, &admin_password, "test")
            .await
            .unwrap()
            .actor;
        let ctx = env.ctx(&admin);
        let unit = |name: &str, email: Option<&str>| {
            let aliases: Vec<String> = if name == "市卫生局" {
                vec!["市卫计委".into()]
            } else {
                vec![]
            };
            NewUnit::parse(name, UnitKind::Department, None, &aliases, email).unwrap()
        };
        let office_unit = units::create(&ctx, unit("市政府办公室", Some("o@example.gov")))
            .await
            .unwrap()
            .id;
        let unit_a = units::create(&ctx, unit("市民政局", None))
            .await
            .unwrap()
            .id;
        let unit_b = units::create(&ctx, unit("市卫生局", None))
            .await
            .unwrap()
            .id;
        let person = |username: &str, name: &str, unit: i64, role: &str, email: Option<&str>| {
            NewUser::parse(
                username,
                Some(name),
                email,
                Some(unit),
                &[role.to_owned()],
                PASSWORD,
            )
            .unwrap()
        };
        for u in [
            person(
                "office",
                "督查室王主任",
                office_unit,
                "office",
                Some("office@example.gov"),
            ),
            person(
                "staffa",
                "民政局张科员",
                unit_a,
                "unit_staff",
                Some("a@example.gov"),
            ),
            person("staffb", "卫生局李科员", unit_b, "unit_staff", None),
            person(
                "insp",
                "督查专员赵科长",
                office_unit,
                "inspector",
                Some("i@example.gov"),
            ),
        ] {
            users::create(&ctx, u).await.unwrap();
        }
        let sign_in = async |name: &str| {
            identity::authenticate(&env, name, PASSWORD, "test")
                .await
                .unwrap()
                .actor
        };
        let office = sign_in("office").await;
        let clerk_a = sign_in("staffa").await;
        let clerk_b = sign_in("staffb").await;
        let inspector = sign_in("insp").await;
        let octx = env.ctx(&office);
        let plan = plans::create_plan(
            &octx,
            NewPlan {
                doc_no: "通政办发〔2026〕35号".into(),
                title: "2026年统筹城乡社区建设主要工作责任分解".into(),
                issued_on: date("2026-02-20"),
                year: None,
                timezone: None,
                issuer_unit_id: None,
            },
        )
        .await
        .unwrap();
        let task = |title: &str, due: &str, assist: Vec<i64>, cron: Option<&str>| NewTask {
            number: None,
            section: Some("一".into()),
            title: title.into(),
            requirements: None,
            due_on: date(due),
            due_text: None,
            lead_unit_id: unit_a,
            assist_unit_ids: assist,
            unit_due_on: Default::default(),
            report_cron: cron.map(Into::into),
            indicators: vec![],
            allow_past_due: false,
            milestones: Vec::new(),
            recurrences: Vec::new(),
        };
        let one = plans::add_task(
            &octx,
            plan.id,
            task("承接政务便民服务", "2026-04-30", vec![unit_b], None),
        )
        .await
        .unwrap();
        let two = plans::add_task(
            &octx,
            plan.id,
            task("深化医疗卫生服务", "2026-12-31", vec![], Some("0 9 25 * *")),
        )
        .await
        .unwrap();
        plans::issue_plan(&octx, plan.id).await.unwrap();
        let of = |t: &plans::CreatedTask, u: i64| {
            t.assignments.iter().find(|a| a.unit_id == u).unwrap().id
        };
        Some(World {
            task_one: (of(&one, unit_a), of(&one, unit_b)),
            task_two: of(&two, unit_a),
            plan_id: plan.id,
            env,
            clock,
            office,
            clerk_a,
            clerk_b,
            inspector,
            unit_a,
            unit_b,
            _database: database,
        })
    }

    /// A use case on behalf of `actor`, at the clock's now.
    pub fn ctx<'a>(&'a self, actor: &'a Actor) -> Ctx<'a> {
        self.env.ctx(actor)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn advance_days(&self, days: i64) {
        self.clock.advance(Duration::days(days));
    }
}
