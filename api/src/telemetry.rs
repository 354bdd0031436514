//! Structured logs (tracing) to stderr, so stdout stays for command output.
//! Logging is installed before the configuration is read (so a problem in
//! it is logged too) and reconfigured from `[log]` once it is.

use tracing_subscriber::layer::{Layered, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry, fmt, reload};

use crate::settings::LogFormat;

type Filtered = Layered<reload::Layer<EnvFilter, Registry>, Registry>;
type Output = Box<dyn Layer<Filtered> + Send + Sync>;

/// The installed logger, to be reconfigured from the settings.
pub struct Logging {
    filter: reload::Handle<EnvFilter, Registry>,
    output: reload::Handle<Output, Filtered>,
}

fn filter(level: &str) -> EnvFilter {
    EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"))
}

fn output(format: LogFormat) -> Output {
    let layer = fmt::layer().with_writer(std::io::stderr);
    match format {
        LogFormat::Json => layer.json().boxed(),
        LogFormat::Text => layer.boxed(),
    }
}

/// Installs text logging at `info` (or `RUST_LOG`). None when a logger is
/// installed already (tests start several applications in one process).
pub fn init() -> Option<Logging> {
    let (filter, filter_handle) = reload::Layer::new(filter("info"));
    let (output, output_handle) = reload::Layer::new(output(LogFormat::Text));
    tracing_subscriber::registry()
        .with(filter)
        .with(output)
        .try_init()
        .ok()?;
    Some(Logging {
        filter: filter_handle,
        output: output_handle,
    })
}

impl Logging {
    /// Applies `[log]`: the level (unless `RUST_LOG` says otherwise) and the format.
    pub fn configure(&self, level: &str, format: LogFormat) {
        if let Err(e) = self.filter.reload(filter(level)) {
            tracing::warn!(error = %e, "could not apply log.level");
        }
        if let Err(e) = self.output.reload(output(format)) {
            tracing::warn!(error = %e, "could not apply log.format");
        }
    }
}
