//! Prometheus metrics, served on their own address (`metrics.bind`, off
//! when empty) and never on the public one: requests by route pattern and
//! status with a latency histogram, the database pools' connections, the
//! outbox's depth by status and channel, job steps run and failed, and the
//! years the working-day calendar lacks. Counters are kept as requests and
//! steps happen; the rest is read from the store at each scrape.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};
use duban_domain::Env;
use duban_domain::entities::notification::{self, Channel, DeliveryStatus};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutboxLabels {
    status: String,
    channel: String,
}

/// Request latency buckets, in seconds: pages answer in milliseconds, an
/// import or an export in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// The outbox states worth watching (sent and skipped rows only grow).
const OUTBOX_STATUSES: [DeliveryStatus; 3] = [
    DeliveryStatus::Pending,
    DeliveryStatus::Sending,
    DeliveryStatus::Failed,
];
const CHANNELS: [Channel; 4] = [
    Channel::Email,
    Channel::Dingtalk,
    Channel::Wecom,
    Channel::Feishu,
];

/// The process's metrics. One per process (the API and the jobs in it share
/// it); tests build one per application.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    connections: Family<PoolLabels, Gauge>,
    outbox: Family<OutboxLabels, Gauge>,
    calendar_missing: Gauge,
    jobs: duban_jobs::JobMetrics,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// The registry with every family, counting job steps into `jobs`.
    pub fn new(jobs: duban_jobs::JobMetrics) -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let connections = Family::<PoolLabels, Gauge>::default();
        let outbox = Family::<OutboxLabels, Gauge>::default();
        let calendar_missing = Gauge::default();
        registry.register(
            "duban_http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        registry.register(
            "duban_http_request_duration_seconds",
            "Time to answer an HTTP request (until its head is ready), by method and route pattern",
            latency.clone(),
        );
        registry.register(
            "duban_db_connections",
            "Database pool connections by pool (read, write) and state (in_use, idle)",
            connections.clone(),
        );
        registry.register(
            "duban_outbox_notifications",
            "Notifications waiting (pending), being sent (sending) or given up on (failed), by channel",
            outbox.clone(),
        );
        registry.register(
            "duban_calendar_missing_years",
            "Years (this one, and the next from December) without a working-day calendar file",
            calendar_missing.clone(),
        );
        jobs.register(&mut registry);
        Self {
            registry,
            requests,
            latency,
            connections,
            outbox,
            calendar_missing,
            jobs,
        }
    }

    /// What the jobs in this process count into.
    pub fn jobs(&self) -> &duban_jobs::JobMetrics {
        &self.jobs
    }

    /// One answered request. `route` is the matched pattern
    /// (`/api/v1/assignments/{id}`), never the path a client sent.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// The text exposition, with the store's figures read now.
    pub async fn render(&self, env: &Env, zone: chrono_tz::Tz) -> Result<String, sea_orm::DbErr> {
        for (pool, open, idle) in env.db.pool_use() {
            let idle = i64::try_from(idle).unwrap_or(i64::MAX);
            let in_use = i64::from(open).saturating_sub(idle).max(0);
            self.connections
                .get_or_create(&PoolLabels {
                    pool,
                    state: "in_use",
                })
                .set(in_use);
            self.connections
                .get_or_create(&PoolLabels {
                    pool,
                    state: "idle",
                })
                .set(idle);
        }
        let depth: Vec<(DeliveryStatus, Channel, i64)> = notification::Entity::find()
            .select_only()
            .column(notification::Column::Status)
            .column(notification::Column::Channel)
            .column_as(notification::Column::Id.count(), "n")
            .filter(notification::Column::Status.is_in(OUTBOX_STATUSES))
            .group_by(notification::Column::Status)
            .group_by(notification::Column::Channel)
            .into_tuple()
            .all(env.db.conn())
            .await?;
        for status in OUTBOX_STATUSES {
            for channel in CHANNELS {
                let n = depth
                    .iter()
                    .find(|(s, c, _)| *s == status && *c == channel)
                    .map_or(0, |(_, _, n)| *n);
                self.outbox
                    .get_or_create(&OutboxLabels {
                        status: status.to_value(),
                        channel: channel.to_value(),
                    })
                    .set(n);
            }
        }
        self.calendar_missing
            .set(i64::try_from(crate::routes::health::calendar_gaps(env, zone).len()).unwrap_or(0));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .map_err(|e| sea_orm::DbErr::Custom(format!("encoding metrics: {e}")))?;
        Ok(out)
    }
}

/// What the metrics endpoint reads.
#[derive(Clone)]
pub struct Exporter {
    pub metrics: Arc<Metrics>,
    pub env: Env,
    pub zone: chrono_tz::Tz,
}

async fn scrape(exporter: web::Data<Exporter>) -> HttpResponse {
    match exporter.metrics.render(&exporter.env, exporter.zone).await {
        Ok(body) => HttpResponse::Ok()
            .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the store did not answer");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body(format!("the store did not answer: {e}\n"))
        }
    }
}

/// The metrics endpoint on its own listener: `GET /metrics`, nothing else,
/// one worker.
pub fn serve(listener: TcpListener, exporter: Exporter) -> std::io::Result<Server> {
    let data = web::Data::new(exporter);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/metrics", web::get().to(scrape))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)?
    .run())
}
