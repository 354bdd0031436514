//! `[mail]` in the configuration: how the outbox is delivered. The SMTP
//! password is never printed.

use std::path::PathBuf;

use lettre::message::Mailbox;
use secrecy::SecretString;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// One .eml file per message in `mail.file_dir` (the embedded default).
    File,
    /// Only a log line per message.
    Log,
    Smtp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tls {
    /// Plain SMTP (a relay on the same host or network).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// A value that must never be printed.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    /// Empty: no authentication.
    pub username: String,
    /// Never printed (Debug shows it redacted).
    pub password: SecretString,
    /// Bounds each whole send (connect, dialogue, data), not only the connect.
    pub timeout_secs: u64,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            host: "localhost".into(),
            port: 25,
            tls: Tls::Starttls,
            username: String::new(),
            password: SecretString::default(),
            timeout_secs: 30,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailSettings {
    pub transport: Transport,
    /// The sender, e.g. `督办系统 <duban@example.gov>`.
    pub from: String,
    /// Where the file transport writes .eml files.
    pub file_dir: PathBuf,
    pub smtp: SmtpSettings,
    /// Attempts before a notification is marked failed (admins can retry it).
    pub max_attempts: u32,
    /// The first retry waits this long; each further one twice as long.
    pub backoff_base_secs: u64,
    pub backoff_max_secs: u64,
    /// How long a dispatcher holds the notifications it claimed; a claim
    /// that runs out (a killed process) is taken over by the next run.
    pub claim_secs: u64,
    /// Recipients claimed per round of a dispatch run.
    pub batch_recipients: u64,
    /// Notices one digest carries at most; more go out as further messages.
    pub digest_max_items: usize,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            transport: Transport::File,
            from: "督办系统 <duban@localhost>".into(),
            file_dir: "data/mail".into(),
            smtp: SmtpSettings::default(),
            max_attempts: 8,
            backoff_base_secs: 60,
            backoff_max_secs: 6 * 3600,
            claim_secs: 300,
            batch_recipients: 200,
            digest_max_items: 100,
        }
    }
}

impl MailSettings {
    /// Every problem at once, each naming its key.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut p = Vec::new();
        if self.from.parse::<Mailbox>().is_err() {
            p.push(format!(
                "mail.from must be an address such as '督办系统 <duban@example.gov>' (got '{}')",
                self.from
            ));
        }
        if !(1..=10_000).contains(&self.digest_max_items) {
            p.push(format!(
                "mail.digest_max_items must be between 1 and 10000 (got {})",
                self.digest_max_items
            ));
        }
        match self.transport {
            Transport::Smtp => {
                if self.smtp.host.trim().is_empty() {
                    p.push("mail.smtp.host is empty; set DUBAN__MAIL__SMTP__HOST".into());
                }
                if self.smtp.port == 0 {
                    p.push("mail.smtp.port must be a port number such as 25, 465 or 587".into());
                }
            }
            Transport::File if self.file_dir.as_os_str().is_empty() => {
                p.push("mail.file_dir is empty; name a folder for the .eml files".into());
            }
            _ => {}
        }
        if !(1..=600).contains(&self.smtp.timeout_secs) {
            p.push("mail.smtp.timeout_secs must be between 1 and 600".into());
        }
        if !(1..=100).contains(&self.max_attempts) {
            p.push("mail.max_attempts must be between 1 and 100".into());
        }
        if self.backoff_base_secs == 0 || self.backoff_max_secs < self.backoff_base_secs {
            p.push(
                "mail.backoff_base_secs must be positive and at most mail.backoff_max_secs".into(),
            );
        }
        if self.claim_secs < 2 * self.smtp.timeout_secs {
            p.push("mail.claim_secs must be at least twice mail.smtp.timeout_secs".into());
        }
        if !(1..=10_000).contains(&self.batch_recipients) {
            p.push("mail.batch_recipients must be between 1 and 10000".into());
        }
        if p.is_empty() { Ok(()) } else { Err(p) }
    }

    /// The wait before attempt `attempts + 1`, after `attempts` failures.
    pub fn backoff(&self, attempts: u32) -> chrono::Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let secs = self
            .backoff_base_secs
            .saturating_mul(1u64 << exp)
            .min(self.backoff_max_secs);
        chrono::Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 1000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_deliver_to_files() {
        let m = MailSettings::default();
        assert_eq!(m.validate(), Ok(()));
        assert_eq!(m.transport, Transport::File);
    }

    #[test]
    fn the_password_is_never_printed() {
        let mut m = MailSettings::default();
        m.smtp.password = SecretString::from("hunter2");
        let shown = format!("{m:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("REDACTED"),
            "{shown}"
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let m = MailSettings::default();
        let secs: Vec<i64> = (1..=10).map(|a| m.backoff(a).num_seconds()).collect();
        assert_eq!(
            secs,
            vec![60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600]
        );
    }

    #[test]
    fn problems_name_their_keys() {
        let m = MailSettings {
            transport: Transport::Smtp,
            from: "not an address".into(),
            smtp: SmtpSettings {
                host: String::new(),
                ..SmtpSettings::default()
            },
            max_attempts: 0,
            ..MailSettings::default()
        };
        let p = m.validate().unwrap_err();
        assert_eq!(p.len(), 3, "{p:#?}");
        assert!(p[0].starts_with("mail.from"));
        assert!(p[1].starts_with("mail.smtp.host"));
        assert!(p[2].starts_with("mail.max_attempts"));
    }

    #[test]
    fn reads_the_tls_modes_and_transports_in_lowercase() {
        let m: MailSettings = serde_json::from_str(
            r#"{"transport": "smtp", "smtp": {"host": "127.0.0.1", "port": 2525, "tls": "none"}}"#,
        )
        .unwrap();
        assert_eq!(m.transport, Transport::Smtp);
        assert_eq!(m.smtp.tls, Tls::None);
        assert_eq!(m.smtp.port, 2525);
        assert_eq!(m.max_attempts, 8);
    }
}
