//! Configuration: the built-in defaults (`config/default.toml`, compiled in),
//! then `config/default.toml` and `config/{DUBAN_ENV}.toml` from the config
//! directory, then `DUBAN__SECTION__KEY` environment variables. Checked at
//! start with messages a person can act on; secrets never printed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use config::{Config, Environment, File, FileFormat};
use duban_domain::db::{DatabaseSettings, Store};
use duban_domain::identity::LockoutPolicy;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

const BUILT_IN: &str = include_str!("../../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub bind: String,
    pub public_url: String,
    pub workers: usize,
    pub json_limit_bytes: usize,
    pub shutdown_timeout_secs: u64,
    /// How long a client may take to send a request's body, from its head.
    pub body_timeout_secs: u64,
    /// Reverse proxies whose X-Forwarded-For is believed.
    #[serde(default)]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// Never printed (Debug shows it redacted).
    pub jwt_secret: SecretString,
    pub issuer: String,
    pub audience: String,
    pub token_ttl_secs: i64,
    pub leeway_secs: u64,
    pub max_failed_logins: i32,
    pub max_failed_per_account: i32,
    pub max_failed_per_source: i32,
    pub lockout_secs: i64,
}

impl AuthSettings {
    pub fn lockout(&self) -> LockoutPolicy {
        LockoutPolicy {
            max_failed_logins: self.max_failed_logins,
            max_failed_per_account: self.max_failed_per_account,
            max_failed_per_source: self.max_failed_per_source,
            lockout_secs: self.lockout_secs,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct StorageSettings {
    /// Where report attachments are kept (created on first upload).
    pub attachments_dir: PathBuf,
    pub max_attachment_bytes: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FeedSettings {
    /// Open items one calendar feed reads at most.
    pub max_items: u64,
}

impl Default for FeedSettings {
    fn default() -> Self {
        Self {
            max_items: duban_domain::supervision::feeds::FEED_ITEM_LIMIT,
        }
    }
}

/// `[metrics]`: where Prometheus scrapes `/metrics`. Empty: not served.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MetricsSettings {
    /// An address of its own, never the public one (e.g. `127.0.0.1:9184`).
    pub bind: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub level: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// From `DUBAN_ENV`; not read from the files.
    #[serde(skip)]
    pub env: String,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub storage: StorageSettings,
    pub log: LogSettings,
    #[serde(default)]
    pub feeds: FeedSettings,
    #[serde(default)]
    pub metrics: MetricsSettings,
    #[serde(default)]
    pub jobs: duban_jobs::JobsSettings,
    #[serde(default)]
    pub mail: duban_jobs::MailSettings,
    #[serde(default)]
    pub assessment: duban_domain::assessment::ScoreRules,
}

/// Secrets that ship in examples and tutorials; never acceptable in production.
const WELL_KNOWN_SECRETS: &[&str] = &["secret", "changeme", "change-me", "duban", "development"];
const MIN_SECRET_LEN: usize = 32;

impl Settings {
    /// Reads the configuration for `DUBAN_ENV` (default `development`) from
    /// `DUBAN_CONFIG_DIR` (default `./config`) and the environment.
    pub fn load() -> anyhow::Result<Self> {
        let env = std::env::var("DUBAN_ENV").unwrap_or_else(|_| "development".into());
        let dir = std::env::var_os("DUBAN_CONFIG_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("config"));
        Self::load_from(&env, &dir, Environment::with_prefix("DUBAN"))
    }

    pub fn load_from(env: &str, dir: &Path, environment: Environment) -> anyhow::Result<Self> {
        if env.is_empty()
            || !env
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            anyhow::bail!(
                "DUBAN_ENV must be a plain name such as development or production (got '{env}')"
            );
        }
        let built = Config::builder()
            .add_source(File::from_str(BUILT_IN, FileFormat::Toml))
            .add_source(File::from(dir.join("default.toml")).required(false))
            .add_source(File::from(dir.join(format!("{env}.toml"))).required(false))
            .add_source(
                environment
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("server.trusted_proxies"),
            )
            .build()
            .map_err(|e| anyhow::anyhow!("reading the configuration: {e}"))?;
        let mut settings: Settings = built
            .try_deserialize()
            .map_err(|e| anyhow::anyhow!("reading the configuration: {e}"))?;
        settings.env = env.to_owned();
        settings.validate()?;
        Ok(settings)
    }

    pub fn is_production(&self) -> bool {
        self.env == "production"
    }

    /// The rules the domain services apply, as configured.
    pub fn rules(&self) -> duban_domain::Rules {
        duban_domain::Rules {
            ladder: self.jobs.escalation.clone(),
            lockout: self.auth.lockout(),
            assessment: self.assessment,
        }
    }

    /// Every problem at once, each with what to do about it.
    fn validate(&mut self) -> anyhow::Result<()> {
        let mut problems: Vec<String> = Vec::new();
        if self.server.bind.parse::<SocketAddr>().is_err() {
            problems.push(format!(
                "server.bind must be an address and port such as 127.0.0.1:8080 (got '{}'); set DUBAN__SERVER__BIND",
                self.server.bind
            ));
        }
        let public = self
            .server
            .public_url
            .trim()
            .trim_end_matches('/')
            .to_owned();
        if public.is_empty() {
            if self.is_production() {
                problems.push("server.public_url is not set: production needs the address people reach the service at (https://duban.example.gov), for the links in mail and feeds; set DUBAN__SERVER__PUBLIC_URL".into());
            }
            // The listening address, as this machine reaches it.
            self.server.public_url = format!(
                "http://{}",
                self.server.bind.replace("0.0.0.0", "127.0.0.1")
            );
        } else if !(public.starts_with("http://") || public.starts_with("https://")) {
            problems.push(format!(
                "server.public_url must start with http:// or https:// (got '{public}'); set DUBAN__SERVER__PUBLIC_URL"
            ));
        } else {
            self.server.public_url = public;
        }
        let metrics = self.metrics.bind.trim();
        if !metrics.is_empty() && metrics.parse::<SocketAddr>().is_err() {
            problems.push(format!(
                "metrics.bind must be empty (no metrics) or an address and port such as 127.0.0.1:9184 (got '{metrics}'); set DUBAN__METRICS__BIND"
            ));
        } else if !metrics.is_empty()
            && metrics.parse::<SocketAddr>().ok().filter(|a| a.port() != 0)
                == self.server.bind.trim().parse::<SocketAddr>().ok()
        {
            problems.push("metrics.bind must differ from server.bind: metrics are not served on the public address".into());
        }
        if !(1..=3600).contains(&self.server.body_timeout_secs) {
            problems.push("server.body_timeout_secs must be between 1 and 3600".into());
        }
        if !(1024..=16 * 1024 * 1024).contains(&self.server.json_limit_bytes) {
            problems.push("server.json_limit_bytes must be between 1024 and 16777216".into());
        }
        if !(1024..=512 * 1024 * 1024).contains(&self.storage.max_attachment_bytes) {
            problems.push("storage.max_attachment_bytes must be between 1024 and 536870912".into());
        }
        if self.database.url.trim().is_empty() {
            problems.push("database.url is empty; set DUBAN__DATABASE__URL (sqlite://FILE?mode=rwc or postgres://…)".into());
        } else if let Err(e) = Store::from_url(&self.database.url) {
            problems.push(format!("{e}; set DUBAN__DATABASE__URL"));
        }
        let secret = self.auth.jwt_secret.expose_secret();
        let weak = secret.len() < MIN_SECRET_LEN
            || WELL_KNOWN_SECRETS.contains(&secret.to_ascii_lowercase().as_str());
        if self.is_production() && weak {
            problems.push(format!(
                "auth.jwt_secret is {}: production needs a random secret of at least {MIN_SECRET_LEN} characters in DUBAN__AUTH__JWT_SECRET (e.g. from `openssl rand -hex 32`)",
                if secret.is_empty() { "not set" } else { "too weak" }
            ));
        } else if secret.is_empty() {
            tracing::warn!(
                "auth.jwt_secret is not set: using a random secret for this process; tokens will not survive a restart"
            );
            self.auth.jwt_secret = SecretString::from(random_secret());
        } else if weak {
            problems.push(format!(
                "auth.jwt_secret must be at least {MIN_SECRET_LEN} characters; set DUBAN__AUTH__JWT_SECRET"
            ));
        }
        if !(60..=7 * 24 * 3600).contains(&self.auth.token_ttl_secs) {
            problems.push("auth.token_ttl_secs must be between 60 and 604800".into());
        }
        if self.auth.leeway_secs > 60 {
            problems.push("auth.leeway_secs must be at most 60".into());
        }
        if self.auth.max_failed_logins < 1
            || self.auth.max_failed_per_account < 1
            || self.auth.max_failed_per_source < 1
            || self.auth.lockout_secs < 1
        {
            problems.push("auth.max_failed_logins, auth.max_failed_per_account, auth.max_failed_per_source and auth.lockout_secs must be positive".into());
        }
        if let Err(p) = duban_jobs::validate_with_mail(&self.jobs, &self.mail) {
            problems.extend(p);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            anyhow::bail!("invalid configuration:\n  - {}", problems.join("\n  - "))
        }
    }
}

fn random_secret() -> String {
    use rand::Rng;
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load(env: &str, vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config");
        Settings::load_from(
            env,
            &dir,
            Environment::with_prefix("DUBAN").source(Some(map)),
        )
    }

    #[test]
    fn development_works_out_of_the_box_with_a_random_secret() {
        let s = load("development", &[]).unwrap();
        assert!(s.database.url.starts_with("sqlite://"));
        assert!(s.auth.jwt_secret.expose_secret().len() >= 32);
        assert!(!format!("{s:?}").contains(s.auth.jwt_secret.expose_secret()));
    }

    #[test]
    fn environment_variables_override_the_files() {
        let s = load(
            "development",
            &[
                ("DUBAN__SERVER__BIND", "127.0.0.1:9999"),
                ("DUBAN__AUTH__TOKEN_TTL_SECS", "600"),
            ],
        )
        .unwrap();
        assert_eq!(s.server.bind, "127.0.0.1:9999");
        assert_eq!(s.auth.token_ttl_secs, 600);
    }

    #[test]
    fn production_refuses_a_missing_or_weak_secret_and_says_what_to_do() {
        let err = load("production", &[("DUBAN__DATABASE__URL", "sqlite://x.db")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("DUBAN__AUTH__JWT_SECRET") && err.contains("not set"),
            "{err}"
        );
        let err = load(
            "production",
            &[
                ("DUBAN__DATABASE__URL", "sqlite://x.db"),
                ("DUBAN__AUTH__JWT_SECRET", "secret"),
            ],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("too weak"), "{err}");
        let secret = (
            "DUBAN__AUTH__JWT_SECRET",
            "0123456789abcdef0123456789abcdef",
        );
        let db = ("DUBAN__DATABASE__URL", "postgres://duban@db/duban");
        let err = load("production", &[db, secret]).unwrap_err().to_string();
        assert!(err.contains("DUBAN__SERVER__PUBLIC_URL"), "{err}");
        let ok = load(
            "production",
            &[
                db,
                secret,
                ("DUBAN__SERVER__PUBLIC_URL", "https://duban.example.gov/"),
            ],
        )
        .unwrap();
        assert_eq!(ok.server.public_url, "https://duban.example.gov");
    }

    #[test]
    fn links_are_built_from_the_listening_address_when_no_public_url_is_set() {
        let s = load("development", &[("DUBAN__SERVER__BIND", "0.0.0.0:9090")]).unwrap();
        assert_eq!(s.server.public_url, "http://127.0.0.1:9090");
        let err = load(
            "development",
            &[("DUBAN__SERVER__PUBLIC_URL", "duban.example.gov")],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("http:// or https://"), "{err}");
    }

    #[test]
    fn every_problem_is_listed_and_no_secret_is_echoed() {
        let err = load(
            "development",
            &[
                ("DUBAN__SERVER__BIND", "nowhere"),
                ("DUBAN__DATABASE__URL", "mysql://root:hunter2@h/db"),
                ("DUBAN__AUTH__JWT_SECRET", "short-but-private"),
            ],
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("server.bind") && err.contains("sqlite:// or postgres://"),
            "{err}"
        );
        assert!(err.contains("auth.jwt_secret must be at least"), "{err}");
        assert!(
            !err.contains("hunter2") && !err.contains("short-but-private"),
            "{err}"
        );
    }

    #[test]
    fn odd_environment_names_are_refused() {
        assert!(load("../etc", &[]).is_err());
    }
}
