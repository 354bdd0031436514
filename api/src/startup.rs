//! Building the application: connect, migrate, bind, serve.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpMessage, HttpServer, web};
use anyhow::Context;
use duban_domain::clock::SharedClock;
use duban_domain::db::Db;
use duban_domain::directory::users;
use duban_migrations::{Migrator, MigratorTrait};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_scalar::{Scalar, Servable};

use crate::auth::TokenKeys;
use crate::extract;
use crate::openapi::ApiDoc;
use crate::routes;
use crate::settings::Settings;
use crate::state::AppState;

/// Opens the configured database and brings its schema up to date.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect(&settings.database).await?;
    Migrator::up(db.schema_conn(), None)
        .await
        .context("applying database migrations")?;
    Ok(db)
}

pub struct Application {
    server: Server,
    port: u16,
    /// Set when this start created the first admin: shown once, never stored.
    pub first_admin: Option<(String, String)>,
    pub state: AppState,
}

impl Application {
    pub async fn build(settings: Settings, clock: SharedClock) -> anyhow::Result<Self> {
        let db = open_database(&settings).await?;
        let first_admin = users::ensure_first_admin(&db, clock.as_ref())
            .await
            .map_err(|e| anyhow::anyhow!("creating the first admin: {e}"))?;
        let listener = TcpListener::bind(&settings.server.bind)
            .with_context(|| format!("binding {}", settings.server.bind))?;
        let port = listener.local_addr()?.port();
        let calendar = load_calendar(&settings.jobs.calendar_dir);
        let state = AppState {
            db,
            calendar,
            tokens: TokenKeys::new(&settings.auth),
            clock,
            settings,
        };
        let server = serve(listener, state.clone())?;
        Ok(Self {
            server,
            port,
            first_admin,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until SIGTERM / SIGINT; in-flight requests get
    /// `server.shutdown_timeout_secs` to finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

/// The working-day calendar; without one every Monday to Friday counts,
/// which is logged, never fatal.
pub fn load_calendar(dir: &std::path::Path) -> Arc<duban_domain::calendar::WorkingCalendar> {
    match duban_domain::calendar::WorkingCalendar::load_dir(dir) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            tracing::warn!(error = %e, dir = %dir.display(), "no working-day calendar: counting Monday to Friday");
            Arc::new(Default::default())
        }
    }
}

fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let workers = match state.settings.server.workers {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let shutdown = state.settings.server.shutdown_timeout_secs;
    let json_limit = state.settings.server.json_limit_bytes;
    let data = web::Data::new(state);
    let openapi = Arc::new(ApiDoc::openapi());
    let server = HttpServer::new(move || {
        App::new()
            .wrap(Compress::default())
            .wrap(DefaultHeaders::new().add(("X-Content-Type-Options", "nosniff")))
            .wrap_fn(|req, srv| {
                use actix_web::dev::Service as _;
                let fut = srv.call(req);
                async move {
                    let mut res = fut.await?;
                    // Header names are case-insensitive, but some clients
                    // (Python's http.client dict views) look up "Content-Type".
                    res.response_mut().head_mut().set_camel_case_headers(true);
                    let id = res
                        .request()
                        .extensions()
                        .get::<RequestId>()
                        .map(|r| r.to_string());
                    if let Some(v) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                        res.headers_mut()
                            .insert(HeaderName::from_static("x-request-id"), v);
                    }
                    Ok(res)
                }
            })
            .wrap(TracingLogger::default())
            .app_data(data.clone())
            .app_data(extract::json_config(json_limit))
            .app_data(extract::query_config())
            .app_data(extract::path_config())
            .app_data(web::PayloadConfig::new(json_limit))
            .service(routes::health::healthz)
            .service(routes::health::readyz)
            .service(routes::feeds::ics)
            .service(
                web::scope("/api/v1")
                    .route(
                        "/openapi.json",
                        web::get().to({
                            let doc = openapi.clone();
                            move || {
                                let doc = doc.clone();
                                async move { web::Json(doc.as_ref().clone()) }
                            }
                        }),
                    )
                    .service(Scalar::with_url("/docs", openapi.as_ref().clone()))
                    .configure(routes::configure),
            )
            .default_service(web::to(extract::no_route))
    })
    .workers(workers)
    .shutdown_timeout(shutdown)
    .listen(listener)?
    .run();
    Ok(server)
}
