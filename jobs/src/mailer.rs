//! Delivering one message: SMTP (none / STARTTLS / TLS), a file per
//! message, or a log line. Every send is bounded by a timeout as a whole:
//! lettre's own timeout covers only parts of the dialogue.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::mail_settings::{MailSettings, Tls, Transport};

#[derive(Debug)]
pub(crate) enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(PathBuf),
    Log,
}

impl Mailer {
    pub(crate) fn new(settings: &MailSettings) -> anyhow::Result<Self> {
        Ok(match settings.transport {
            Transport::Log => Mailer::Log,
            Transport::File => Mailer::File(settings.file_dir.clone()),
            Transport::Smtp => {
                let s = &settings.smtp;
                let builder = match s.tls {
                    Tls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
                    Tls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
                        .with_context(|| format!("mail.smtp.host '{}'", s.host))?,
                    Tls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)
                        .with_context(|| format!("mail.smtp.host '{}'", s.host))?,
                };
                let mut builder = builder
                    .port(s.port)
                    .timeout(Some(Duration::from_secs(s.timeout_secs)));
                if !s.username.is_empty() {
                    builder = builder.credentials(Credentials::new(
                        s.username.clone(),
                        s.password.expose_secret().to_owned(),
                    ));
                }
                Mailer::Smtp(builder.build())
            }
        })
    }

    /// Sends one message; the error says why, for the attempt's record.
    /// Sends one message. The error says whether the server refused this
    /// message for good (SMTP 5xx): retrying it cannot help.
    pub(crate) async fn send(
        &self,
        message: Message,
        timeout: Duration,
    ) -> Result<(), SendFailure> {
        let work = async {
            match self {
                Mailer::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| SendFailure {
                    permanent: e.is_permanent(),
                    error: e.to_string(),
                }),
                Mailer::File(dir) => {
                    tokio::fs::create_dir_all(dir).await.map_err(|e| {
                        SendFailure::transient(format!("creating {}: {e}", dir.display()))
                    })?;
                    AsyncFileTransport::<Tokio1Executor>::new(dir)
                        .send(message)
                        .await
                        .map(|_| ())
                        .map_err(|e| SendFailure::transient(e.to_string()))
                }
                Mailer::Log => {
                    let headers = message.headers();
                    tracing::info!(
                        to = ?headers.get_raw("To"),
                        subject = ?headers.get_raw("Subject"),
                        message_id = ?headers.get_raw("Message-ID"),
                        "mail (log transport)"
                    );
                    Ok(())
                }
            }
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(SendFailure::transient(format!(
                "no answer within {} s",
                timeout.as_secs()
            ))),
        }
    }
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SendFailure {
    pub error: String,
    /// The server refused this message for good (5xx): give up on it, and
    /// do not count it as the server being down.
    pub permanent: bool,
}

impl SendFailure {
    fn transient(error: String) -> Self {
        Self {
            error,
            permanent: false,
        }
    }
}

impl std::fmt::Display for SendFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.error)
    }
}
