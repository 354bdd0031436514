//! Mail templates: one folder per kind (subject, text, html), read from
//! `jobs.templates_dir` with the built-in copies as fallback, checked at
//! start so a broken template stops start-up rather than a send.

use std::path::Path;

use anyhow::Context;
use minijinja::Environment;
use serde::Serialize;

/// The kinds of email, one template folder each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// What one person is told in one run, each item once.
    Digest,
    /// Items that went up the escalation ladder.
    Escalation,
    /// One notice written by a change (review result, extension, ...).
    Notice,
}

impl MailKind {
    pub const ALL: [MailKind; 3] = [MailKind::Digest, MailKind::Escalation, MailKind::Notice];

    pub fn folder(self) -> &'static str {
        match self {
            MailKind::Digest => "digest",
            MailKind::Escalation => "escalation",
            MailKind::Notice => "notice",
        }
    }

    fn built_in(self, part: &str) -> &'static str {
        match (self, part) {
            (MailKind::Digest, "subject.txt") => {
                include_str!("../../config/templates/digest/subject.txt")
            }
            (MailKind::Digest, "text.txt") => {
                include_str!("../../config/templates/digest/text.txt")
            }
            (MailKind::Digest, _) => include_str!("../../config/templates/digest/html.html"),
            (MailKind::Escalation, "subject.txt") => {
                include_str!("../../config/templates/escalation/subject.txt")
            }
            (MailKind::Escalation, "text.txt") => {
                include_str!("../../config/templates/escalation/text.txt")
            }
            (MailKind::Escalation, _) => {
                include_str!("../../config/templates/escalation/html.html")
            }
            (MailKind::Notice, "subject.txt") => {
                include_str!("../../config/templates/notice/subject.txt")
            }
            (MailKind::Notice, "text.txt") => {
                include_str!("../../config/templates/notice/text.txt")
            }
            (MailKind::Notice, _) => include_str!("../../config/templates/notice/html.html"),
        }
    }
}

const PARTS: [&str; 3] = ["subject.txt", "text.txt", "html.html"];

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Reads every template, preferring `dir/<kind>/<part>` over the built-in copy.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for kind in MailKind::ALL {
            for part in PARTS {
                let path = dir.join(kind.folder()).join(part);
                let source = match std::fs::read_to_string(&path) {
                    Ok(s) => s,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        kind.built_in(part).to_owned()
                    }
                    Err(e) => {
                        return Err(e).with_context(|| format!("reading {}", path.display()));
                    }
                };
                env.add_template_owned(format!("{}/{part}", kind.folder()), source)
                    .with_context(|| format!("mail template {}", path.display()))?;
            }
        }
        Ok(Self { env })
    }

    pub fn render<C: Serialize>(&self, kind: MailKind, ctx: &C) -> anyhow::Result<Rendered> {
        let part = |p: &str| -> anyhow::Result<String> {
            let name = format!("{}/{p}", kind.folder());
            self.env
                .get_template(&name)?
                .render(ctx)
                .with_context(|| format!("rendering mail template {name}"))
        };
        let subject = part("subject.txt")?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Rendered {
            subject,
            text: part("text.txt")?,
            html: part("html.html")?,
        })
    }
}
