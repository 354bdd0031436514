//! A fresh database per test (SQLite file, or a database of its own on the
//! PostgreSQL server named by DUBAN_TEST_DATABASE_URL), seeded directly
//! through the entities, a manual clock, an SMTP sink, and a JobContext
//! that mails the sink.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use duban_domain::clock::{Clock, ManualClock};
use duban_domain::db::{DatabaseSettings, Db};
use duban_domain::entities::{assignment, notification, plan, task, unit, user};
use duban_domain::time::zone_of;
use duban_jobs::{JobContext, JobsSettings, MailSettings, Tls, Transport};
use duban_migrations::{Migrator, MigratorTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::smtp::SmtpSink;

/// Generates `sqlite` and `postgres` variants of a storage test.
#[macro_export]
macro_rules! storage_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let env = $crate::helpers::TestEnv::new($crate::helpers::Store::Sqlite)
                    .await
                    .expect("SQLite is always available");
                super::$name(&env).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(env) =
                    $crate::helpers::TestEnv::new($crate::helpers::Store::Postgres).await
                {
                    super::$name(&env).await;
                }
            }
        }
    };
}

pub use duban_domain::db::Store;
use duban_domain::testing::TestDatabase;

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Monday 2 March 2026, 09:00 in Beijing.
pub const T0: &str = "2026-03-02T09:00:00+08:00";

pub fn repo_path(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
}

/// The people every test starts with.
#[derive(Debug, Clone, Copy)]
pub struct Cast {
    pub office_unit: i64,
    pub unit_a: i64,
    pub unit_b: i64,
    pub staff_a: i64,
    /// Unit A's second clerk, without an email address.
    pub staff_a_no_mail: i64,
    pub head_a: i64,
    pub staff_b: i64,
    pub inspector: i64,
    pub leader: i64,
    pub office: i64,
    pub admin: i64,
}

pub struct TestEnv {
    pub store: Store,
    pub db: Db,
    pub url: String,
    pub clock: ManualClock,
    pub lease_clock: ManualClock,
    pub sink: SmtpSink,
    pub ctx: JobContext,
    pub cast: Cast,
    _database: TestDatabase,
}

pub fn jobs_settings() -> JobsSettings {
    JobsSettings {
        calendar_dir: repo_path("config/calendar"),
        templates_dir: repo_path("config/templates"),
        ..JobsSettings::default()
    }
}

pub fn mail_settings(port: u16) -> MailSettings {
    let mut m = MailSettings {
        transport: Transport::Smtp,
        from: "督办系统 <duban@example.gov>".into(),
        max_attempts: 3,
        ..MailSettings::default()
    };
    m.smtp.host = "127.0.0.1".into();
    m.smtp.port = port;
    m.smtp.tls = Tls::None;
    m.smtp.timeout_secs = 10;
    m
}

impl TestEnv {
    pub async fn new(store: Store) -> Option<TestEnv> {
        Self::with(store, jobs_settings(), |_| {}).await
    }

    pub async fn with(
        store: Store,
        jobs: JobsSettings,
        mail: impl FnOnce(&mut MailSettings),
    ) -> Option<TestEnv> {
        let database = TestDatabase::fresh(store).await?;
        let url = database.url.clone();
        let db = connect(&url).await;
        Migrator::up(db.schema_conn(), None).await.unwrap();
        let clock = ManualClock::new(at(T0));
        let lease_clock = ManualClock::new(at(T0));
        let sink = SmtpSink::start().await;
        let mut m = mail_settings(sink.port);
        mail(&mut m);
        let ctx = JobContext::standalone(
            db.clone(),
            Arc::new(clock.clone()),
            jobs,
            m,
            "https://duban.example.gov",
        )
        .unwrap()
        .with_lease_clock(Arc::new(lease_clock.clone()));
        let cast = seed_cast(&db, clock.now()).await;
        Some(TestEnv {
            store,
            db,
            url,
            clock,
            lease_clock,
            sink,
            ctx,
            cast,
            _database: database,
        })
    }

    /// A second dispatcher on the same database (another process, in effect:
    /// its own pools, its own worker name).
    pub async fn second_context(&self, mail: impl FnOnce(&mut MailSettings)) -> JobContext {
        self.second_context_with(|_| {}, mail).await
    }

    /// Another dispatcher on the same database with jobs settings of its own.
    pub async fn context_with(&self, jobs: JobsSettings) -> JobContext {
        self.second_context_with(|j| *j = jobs, |_| {}).await
    }

    /// Another process on the same database, its jobs and mail settings
    /// changed by `jobs` and `mail`.
    pub async fn second_context_with(
        &self,
        jobs: impl FnOnce(&mut JobsSettings),
        mail: impl FnOnce(&mut MailSettings),
    ) -> JobContext {
        let db = connect(&self.url).await;
        let mut j = jobs_settings();
        jobs(&mut j);
        let mut m = mail_settings(self.sink.port);
        mail(&mut m);
        JobContext::standalone(
            db,
            Arc::new(self.clock.clone()),
            j,
            m,
            "https://duban.example.gov",
        )
        .unwrap()
        .with_lease_clock(Arc::new(self.lease_clock.clone()))
    }

    /// A group robot of `unit_id`; answers its id.
    pub async fn robot(
        &self,
        unit_id: i64,
        kind: duban_domain::entities::notification::Channel,
        url: &str,
        secret: Option<&str>,
    ) -> i64 {
        duban_domain::entities::unit_channel::ActiveModel {
            unit_id: Set(unit_id),
            name: Set(Some("工作群".into())),
            kind: Set(kind),
            url: Set(url.into()),
            secret: Set(secret.map(str::to_owned)),
            active: Set(true),
            last_error: Set(None),
            created_at: Set(self.now()),
            created_by: Set(None),
            window_started_at: Set(None),
            window_sends: Set(0),
            paused_until: Set(None),
            ..Default::default()
        }
        .insert(self.db.schema_conn())
        .await
        .unwrap()
        .id
    }

    pub async fn notifications_of_robot(&self, channel_id: i64) -> Vec<notification::Model> {
        notification::Entity::find()
            .filter(notification::Column::ChannelId.eq(channel_id))
            .order_by_asc(notification::Column::Id)
            .all(self.db.conn())
            .await
            .unwrap()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub async fn plan(&self, doc_no: &str) -> i64 {
        let now = self.now();
        plan::ActiveModel {
            doc_no: Set(doc_no.into()),
            title: Set("督办测试".into()),
            issuer_unit_id: Set(Some(self.cast.office_unit)),
            issued_on: Set(now.date_naive()),
            year: Set(2026),
            timezone: Set("Asia/Shanghai".into()),
            status: Set(duban_domain::entities::plan::PlanStatus::Issued),
            reminder_offsets: Set(None),
            escalation_policy: Set(None),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(self.db.schema_conn())
        .await
        .unwrap()
        .id
    }

    /// A task of `plan` given to `unit`, issued at `issued_at`; answers the assignment id.
    pub async fn assignment(
        &self,
        plan_id: i64,
        unit_id: i64,
        title: &str,
        due_on: NaiveDate,
        status: &str,
        issued_at: DateTime<Utc>,
    ) -> i64 {
        self.assignment_with(plan_id, unit_id, title, due_on, status, issued_at, None)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn assignment_with(
        &self,
        plan_id: i64,
        unit_id: i64,
        title: &str,
        due_on: NaiveDate,
        status: &str,
        issued_at: DateTime<Utc>,
        report_cron: Option<&str>,
    ) -> i64 {
        let conn = self.db.schema_conn();
        let now = self.now();
        let t = task::ActiveModel {
            plan_id: Set(plan_id),
            section_id: Set(None),
            number: Set("(一)".into()),
            title: Set(title.into()),
            requirements: Set(String::new()),
            due_on: Set(due_on),
            due_text: Set(None),
            report_cron: Set(report_cron.map(str::to_owned)),
            position: Set(0),
            created_by: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap();
        let mut row = assignment::ActiveModel::new_row(
            t.id,
            plan_id,
            unit_id,
            duban_domain::entities::assignment::AssignmentRole::Lead,
            duban_domain::workflow::Status::parse(status).expect("a status name"),
            due_on,
            zone_of("Asia/Shanghai"),
            now,
        );
        row.issued_at = Set(Some(issued_at));
        row.insert(conn).await.unwrap().id
    }

    pub async fn notifications(&self) -> Vec<notification::Model> {
        notification::Entity::find()
            .order_by_asc(notification::Column::Id)
            .all(self.db.conn())
            .await
            .unwrap()
    }

    pub async fn notifications_of(&self, user_id: i64) -> Vec<notification::Model> {
        notification::Entity::find()
            .filter(notification::Column::RecipientUserId.eq(user_id))
            .order_by_asc(notification::Column::Id)
            .all(self.db.conn())
            .await
            .unwrap()
    }

    pub async fn assignment_row(&self, id: i64) -> assignment::Model {
        assignment::Entity::find_by_id(id)
            .one(self.db.conn())
            .await
            .unwrap()
            .unwrap()
    }
}

pub async fn connect(url: &str) -> Db {
    Db::connect(&DatabaseSettings {
        url: url.to_owned(),
        max_connections: 4,
        ..DatabaseSettings::default()
    })
    .await
    .unwrap()
}

async fn seed_cast(db: &Db, now: DateTime<Utc>) -> Cast {
    let conn = db.schema_conn();
    let mk_unit = |name: &str, kind: unit::UnitKind| unit::ActiveModel {
        name: Set(name.into()),
        kind: Set(kind),
        parent_id: Set(None),
        aliases: Set(serde_json::json!([])),
        email: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let office_unit = mk_unit("市政府办公室", unit::UnitKind::Office)
        .insert(conn)
        .await
        .unwrap()
        .id;
    let unit_a = mk_unit("市民政局", unit::UnitKind::Department)
        .insert(conn)
        .await
        .unwrap()
        .id;
    let unit_b = mk_unit("市教育局", unit::UnitKind::Department)
        .insert(conn)
        .await
        .unwrap()
        .id;
    let user = async |name: &str, role: &str, unit: i64, email: bool| -> i64 {
        user::ActiveModel {
            username: Set(name.into()),
            display_name: Set(format!("{name}同志")),
            email: Set(email.then(|| format!("{name}@example.gov"))),
            unit_id: Set(Some(unit)),
            roles: Set(duban_domain::role::RoleSet::from_stored(role)),
            active: Set(true),
            password_hash: Set("not-a-hash".into()),
            failed_logins: Set(0),
            locked_until: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap()
        .id
    };
    Cast {
        office_unit,
        unit_a,
        unit_b,
        staff_a: user("staffA", "unit_staff", unit_a, true).await,
        staff_a_no_mail: user("staffA2", "unit_staff", unit_a, false).await,
        head_a: user("headA", "unit_head", unit_a, true).await,
        staff_b: user("staffB", "unit_staff", unit_b, true).await,
        inspector: user("insp", "inspector", office_unit, true).await,
        leader: user("boss", "leader", office_unit, true).await,
        office: user("office", "office", office_unit, true).await,
        admin: user("admin", "admin", office_unit, true).await,
    }
}
