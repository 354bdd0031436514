//! Building the application: connect, migrate, bind, serve.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use anyhow::Context;
use duban_domain::Env;
use duban_domain::calendar::WorkingCalendar;
use duban_domain::clock::SharedClock;
use duban_domain::db::Db;
use duban_domain::directory::users;
use duban_domain::messages::Catalogue;
use duban_migrations::{Migrator, MigratorTrait};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::extract;
use crate::openapi::ApiDoc;
use crate::routes;
use crate::settings::Settings;
use crate::state::AppState;
use crate::tokens::TokenKeys;

/// Opens the configured database and brings its schema up to date.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect(&settings.database).await?;
    Migrator::up(db.schema_conn(), None)
        .await
        .context("applying database migrations")?;
    Ok(db)
}

/// What the services run on: the migrated store, the clock, the
/// working-day calendar and the configured rules; and the message
/// catalogue. Built once per process and shared by the API, the web pages
/// and the jobs.
pub async fn environment(
    settings: &Settings,
    clock: SharedClock,
) -> anyhow::Result<(Env, Arc<Catalogue>)> {
    let db = open_database(settings).await?;
    let calendar = WorkingCalendar::load_configured(&settings.jobs.calendar_dir)
        .context("loading the working-day calendar (jobs.calendar_dir)")?;
    let catalogue = Catalogue::load(&settings.jobs.templates_dir, &settings.server.public_url)?;
    Ok((
        Env::new(db, clock, Arc::new(calendar), settings.rules()),
        Arc::new(catalogue),
    ))
}

pub struct Application {
    server: Server,
    port: u16,
    /// `/metrics` on `metrics.bind`, when set.
    metrics: Option<(Server, u16)>,
    /// Set when this start created the first admin: shown once, never stored.
    pub first_admin: Option<(String, String)>,
    pub state: AppState,
}

impl Application {
    pub async fn build(settings: Settings, clock: SharedClock) -> anyhow::Result<Self> {
        let (env, catalogue) = environment(&settings, clock).await?;
        Self::serve(settings, env, catalogue).await
    }

    /// Serves on an environment the caller built (and shares with the jobs).
    pub async fn serve(
        settings: Settings,
        env: Env,
        catalogue: Arc<Catalogue>,
    ) -> anyhow::Result<Self> {
        let metrics = Arc::new(crate::metrics::Metrics::new(Default::default()));
        Self::serve_with_metrics(settings, env, catalogue, metrics).await
    }

    /// [`Application::serve`], counting into `metrics` (shared with the
    /// jobs of this process).
    pub async fn serve_with_metrics(
        settings: Settings,
        env: Env,
        catalogue: Arc<Catalogue>,
        metrics: Arc<crate::metrics::Metrics>,
    ) -> anyhow::Result<Self> {
        let first_admin = users::ensure_first_admin(&env)
            .await
            .map_err(|e| anyhow::anyhow!("creating the first admin: {e}"))?;
        let listener = TcpListener::bind(&settings.server.bind)
            .with_context(|| format!("binding {}", settings.server.bind))?;
        let port = listener.local_addr()?.port();
        let metrics_server = metrics_server(&settings, &env, &metrics)?;
        let state = AppState {
            env,
            catalogue,
            tokens: TokenKeys::new(&settings.auth),
            settings,
            metrics,
        };
        let server = serve(listener, state.clone())?;
        Ok(Self {
            server,
            port,
            metrics: metrics_server,
            first_admin,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on, when `metrics.bind` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(_, p)| *p)
    }

    /// Runs until SIGTERM / SIGINT; in-flight requests get
    /// `server.shutdown_timeout_secs` to finish. The metrics listener stops
    /// with it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics.map(|(server, _)| {
            let handle = server.handle();
            tokio::spawn(server);
            handle
        });
        let served = self.server.await;
        if let Some(h) = metrics {
            h.stop(true).await;
        }
        served
    }

    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

/// The metrics listener on `metrics.bind` (None when empty).
pub fn metrics_server(
    settings: &Settings,
    env: &Env,
    metrics: &Arc<crate::metrics::Metrics>,
) -> anyhow::Result<Option<(Server, u16)>> {
    let bind = settings.metrics.bind.trim();
    if bind.is_empty() {
        return Ok(None);
    }
    let listener =
        TcpListener::bind(bind).with_context(|| format!("binding metrics.bind {bind}"))?;
    let port = listener.local_addr()?.port();
    let exporter = crate::metrics::Exporter {
        metrics: metrics.clone(),
        env: env.clone(),
        zone: settings.jobs.zone(),
    };
    tracing::info!(address = %listener.local_addr()?, "serving Prometheus metrics at /metrics");
    Ok(Some((crate::metrics::serve(listener, exporter)?, port)))
}

/// Unknown addresses: problem+json under `/api/`, the HTML 404 page elsewhere.
async fn not_found(req: actix_web::HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    if req.path().starts_with("/api/") {
        match extract::no_route(req).await {
            Ok(r) => r,
            Err(e) => e.error_response(),
        }
    } else {
        crate::ui::error::UiError::NotFound.error_response()
    }
}

/// The API's routes, each with its OpenAPI path.
fn api_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::health::healthz)
        .service(routes::health::readyz)
        .service(utoipa_actix_web::scope("/api/v1").configure(routes::configure));
}

/// The OpenAPI document: the frame of [`ApiDoc`] and every path the routes
/// register.
pub fn openapi() -> utoipa::openapi::OpenApi {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(api_routes)
        .split_for_parts()
        .1
}

/// When a request came in, for its duration in the access log and metrics.
struct Started(std::time::Instant);

/// Each request's span and, when it is answered, its line in the access log
/// (target `duban::access`) and its count in the metrics: the method, the
/// matched route pattern (`/feeds/{token}.ics`, never the path, which may
/// carry a feed's secret, nor the query), the status, the time taken, the
/// request id and, once the caller is known, the user id. No header, cookie
/// or body is recorded.
struct RequestSpan;

/// The route a request matched, or `unmatched` (so random paths do not
/// make a series each).
fn route_of(req: &actix_web::HttpRequest) -> String {
    req.match_pattern().unwrap_or_else(|| "unmatched".into())
}

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        request
            .extensions_mut()
            .insert(Started(std::time::Instant::now()));
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|r| r.to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            method = %request.method(),
            route = %route_of(request.request()),
            request_id = %request_id,
            user_id = tracing::field::Empty,
        )
    }

    // Called inside the request's span: the line carries its fields.
    fn on_request_end<B: MessageBody>(
        _span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        match outcome {
            Ok(res) => {
                let req = res.request();
                let status = res.status().as_u16();
                let seconds = req
                    .extensions()
                    .get::<Started>()
                    .map_or(0.0, |s| s.0.elapsed().as_secs_f64());
                let duration_ms = (seconds * 1e6).round() / 1e3;
                if status >= 500 {
                    tracing::warn!(target: "duban::access", status, duration_ms, "request");
                } else {
                    tracing::info!(target: "duban::access", status, duration_ms, "request");
                }
                if let Some(state) = req.app_data::<web::Data<AppState>>() {
                    state.metrics.observe_request(
                        req.method().as_str(),
                        &route_of(req),
                        status,
                        seconds,
                    );
                }
            }
            Err(e) => {
                let status = e.as_response_error().status_code().as_u16();
                tracing::info!(target: "duban::access", status, "request");
            }
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
    let body_timeout = std::time::Duration::from_secs(state.settings.server.body_timeout_secs);
    let data = web::Data::new(state);
    let doc = openapi();
    let server = HttpServer::new(move || {
        App::new()
            .into_utoipa_app()
            .map(|app| app.wrap(Compress::default()))
            .map(|app| app.wrap(DefaultHeaders::new().add(("X-Content-Type-Options", "nosniff"))))
            .map(|app| {
                app.wrap_fn(move |mut req, srv| {
                    use actix_web::dev::Service as _;
                    // NUL in a query of the API is refused here, for every
                    // parameter at once (the web UI's forms drop it).
                    let refused =
                        req.path().starts_with("/api/") && req.query_string().contains("%00");
                    if matches!(
                        *req.method(),
                        actix_web::http::Method::POST
                            | actix_web::http::Method::PUT
                            | actix_web::http::Method::PATCH
                    ) {
                        let payload = req.take_payload();
                        let bounded = extract::Deadline::new(payload, body_timeout);
                        req.set_payload(actix_web::dev::Payload::from(
                            Box::pin(bounded) as extract::BoxedBody
                        ));
                    }
                    // A refusal is an answer like any other (so the access
                    // log and the metrics see its status and time).
                    let call = if refused {
                        Err(req.error_response(crate::error::ApiError::from(
                            duban_domain::DomainError::invalid("query", extract::NUL_IN_TEXT),
                        )))
                    } else {
                        Ok(srv.call(req))
                    };
                    async move {
                        let mut res = match call {
                            Ok(fut) => fut.await?.map_into_boxed_body(),
                            Err(refusal) => refusal,
                        };
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
            })
            .map(|app| {
                app.wrap(actix_web::middleware::from_fn(
                    crate::read_your_writes::mark,
                ))
            })
            .map(|app| app.wrap(TracingLogger::<RequestSpan>::new()))
            .app_data(data.clone())
            .app_data(extract::query_config())
            .app_data(extract::path_config())
            .app_data(web::PayloadConfig::new(json_limit))
            .map(|app| app.service(routes::feeds::ics))
            // The docs work offline: Swagger UI is compiled into the binary.
            // Before the API's scope, which answers everything under /api/v1.
            .map(|app| {
                app.service(
                    SwaggerUi::new("/api/v1/docs/{_:.*}")
                        .url("/api/v1/openapi.json", doc.clone())
                        // Swagger UI's default validator is an outside service.
                        .config(Config::from("/api/v1/openapi.json").validator_url("none")),
                )
                .route(
                    "/api/v1/docs",
                    web::get().to(|| async {
                        HttpResponse::PermanentRedirect()
                            .insert_header((header::LOCATION, "/api/v1/docs/"))
                            .finish()
                    }),
                )
            })
            // The web UI, outside /api/v1.
            .map(|app| app.configure(crate::ui::configure))
            .configure(api_routes)
            .default_service(web::to(not_found))
            .into_app()
    })
    .workers(workers)
    .shutdown_timeout(shutdown)
    .listen(listener)?
    .run();
    Ok(server)
}
