use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use config::Environment;
use duban_api::settings::Settings;
use duban_api::startup::Application;
use duban_domain::clock::ManualClock;
use duban_domain::db::Db;
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

/// Generates `sqlite` and `postgres` variants of a storage test.
#[macro_export]
macro_rules! storage_test {
    ($name:ident) => {
        $crate::storage_test!($name, &[]);
    };
    // With settings of its own: `&[("DUBAN__FEEDS__MAX_ITEMS", "2")]`.
    ($name:ident, $extra:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app =
                    $crate::helpers::TestApp::spawn_with($crate::helpers::Store::Sqlite, $extra)
                        .await
                        .expect("SQLite is always available");
                super::$name(&app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) =
                    $crate::helpers::TestApp::spawn_with($crate::helpers::Store::Postgres, $extra)
                        .await
                {
                    super::$name(&app).await;
                }
            }
        }
    };
}

pub use duban_domain::db::Store;
use duban_domain::testing::TestDatabase;

pub const T0: &str = "2026-03-02T09:00:00+08:00";

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(T0)
        .unwrap()
        .with_timezone(&Utc)
}

pub struct TestApp {
    pub store: Store,
    pub base: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub db: Db,
    pub settings: Settings,
    pub admin_token: String,
    /// The port of `/metrics` when the test set `DUBAN__METRICS__BIND`.
    pub metrics_port: Option<u16>,
    pub metrics: Arc<duban_api::metrics::Metrics>,
    _database: TestDatabase,
}

pub fn config_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config")
}

/// Settings for a test: a fresh database URL, port 0, a random secret.
pub fn test_settings(database_url: &str, extra: &[(&str, &str)]) -> Settings {
    test_settings_result(database_url, extra).expect("test settings")
}

/// [`test_settings`], or why they are refused.
pub fn test_settings_result(
    database_url: &str,
    extra: &[(&str, &str)],
) -> anyhow::Result<Settings> {
    let mut vars: HashMap<String, String> = HashMap::from([
        ("DUBAN__DATABASE__URL".into(), database_url.to_owned()),
        ("DUBAN__SERVER__BIND".into(), "127.0.0.1:0".into()),
        ("DUBAN__SERVER__WORKERS".into(), "2".into()),
        ("DUBAN__DATABASE__MAX_CONNECTIONS".into(), "4".into()),
        (
            "DUBAN__AUTH__JWT_SECRET".into(),
            format!("test-secret-{}", uuid::Uuid::new_v4()),
        ),
    ]);
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    Settings::load_from(
        "test",
        &config_dir(),
        Environment::with_prefix("DUBAN").source(Some(vars)),
    )
}

impl TestApp {
    pub async fn spawn_with(store: Store, extra: &[(&str, &str)]) -> Option<TestApp> {
        let database = TestDatabase::fresh(store).await?;
        let url = database.url.clone();
        let files = database.dir().join("attachments").display().to_string();
        let mut vars: Vec<(&str, &str)> = vec![
            ("DUBAN__STORAGE__ATTACHMENTS_DIR", files.as_str()),
            ("DUBAN__STORAGE__MAX_ATTACHMENT_BYTES", "262144"),
            // Tests move the clock by days; tokens should outlive that.
            ("DUBAN__AUTH__TOKEN_TTL_SECS", "604800"),
        ];
        vars.extend_from_slice(extra);
        let settings = test_settings(&url, &vars);
        let clock = ManualClock::new(t0());
        let app = Application::build(settings.clone(), Arc::new(clock.clone()))
            .await
            .expect("build the app");
        let (_, admin_password) = app.first_admin.clone().expect("first start creates admin");
        let base = format!("http://127.0.0.1:{}", app.port());
        let db = app.state.env.db.clone();
        let (metrics_port, metrics) = (app.metrics_port(), app.state.metrics.clone());
        tokio::spawn(app.run_until_stopped());
        let mut test = TestApp {
            store,
            base,
            client: reqwest::Client::builder().build().expect("client"),
            clock,
            db,
            settings,
            admin_token: String::new(),
            metrics_port,
            metrics,
            _database: database,
        };
        test.admin_token = test.login("admin", &admin_password).await;
        Some(test)
    }

    /// Today's date in Beijing by the app's clock (the browser suite sets dates by it).
    #[allow(dead_code)]
    pub fn clock_today(&self) -> String {
        use duban_domain::clock::Clock;
        duban_domain::time::local_date(self.clock.now(), chrono_tz::Asia::Shanghai).to_string()
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("/healthz") || path.starts_with("/readyz") {
            format!("{}{path}", self.base)
        } else {
            format!("{}/api/v1{path}", self.base)
        }
    }

    /// Sends a request; answers status, headers and the body as JSON (Null when not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        Resp::from(req.send().await.expect("request")).await
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Resp {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Resp::from(req.send().await.expect("request")).await
    }

    /// An address the app handed out (built from `server.public_url`) as
    /// this test reaches it.
    pub fn local(&self, public: &str) -> String {
        let configured = self.settings.server.public_url.trim_end_matches('/');
        assert!(
            public.starts_with(configured),
            "{public} is not under {configured}"
        );
        format!("{}{}", self.base, &public[configured.len()..])
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// The admin deactivates the user behind `token`; asserts it took.
    pub async fn deactivate_holder_of(&self, token: &str) {
        let id = self.get("/me", token).await.body["id"].as_i64().unwrap();
        let r = self
            .patch(
                &format!("/users/{id}"),
                &self.admin_token,
                serde_json::json!({"active": false}),
            )
            .await;
        assert_eq!(r.status, reqwest::StatusCode::OK, "{}", r.body);
    }

    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    pub async fn try_login(&self, username: &str, password: &str) -> Resp {
        self.call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let r = self.try_login(username, password).await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.body);
        r.body["access_token"].as_str().expect("token").to_owned()
    }

    /// Creates a unit as admin and answers its id.
    pub async fn unit(&self, name: &str, kind: &str) -> i64 {
        let r = self
            .post(
                "/units",
                &self.admin_token,
                json!({"name": name, "kind": kind}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.id()
    }

    /// Creates a user with one role as admin, signs them in, answers (id, token).
    pub async fn user(&self, username: &str, role: &str, unit_id: Option<i64>) -> (i64, String) {
        let password = format!("Pass-{username}-1");
        let r = self
            .post(
                "/users",
                &self.admin_token,
                json!({"username": username, "password": password, "display_name": username,
                       "unit_id": unit_id, "roles": [role], "email": format!("{username}@example.gov")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        (r.id(), self.login(username, &password).await)
    }

    /// Rows in a table, straight from the database.
    pub async fn count(&self, table: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let row = self
            .db
            .conn()
            .query_one(Statement::from_string(
                self.db.backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("n")
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub bytes: Vec<u8>,
}

impl Resp {
    async fn from(r: reqwest::Response) -> Resp {
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            bytes,
        }
    }

    pub fn id(&self) -> i64 {
        self.body["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id in {}", self.body))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem+json answer with the status and a detail.
    pub fn assert_problem(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.content_type(),
            "application/problem+json",
            "{}",
            self.body
        );
        assert_eq!(
            self.body["status"].as_u64(),
            Some(u64::from(status.as_u16()))
        );
        assert!(
            self.body["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{}",
            self.body
        );
        assert!(
            self.body["detail"].as_str().is_some_and(|t| !t.is_empty()),
            "{}",
            self.body
        );
        self
    }
}
