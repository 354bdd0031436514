//! Rendering messages from their templates: one folder per kind in
//! `config/templates/` (`subject.txt`, `text.txt`, `html.html`), and the
//! `digest` folder that lays out what one recipient is told in one run.
//! Folders are read from the configured directory, falling back to the
//! built-in copy of any missing file, and all are checked at start so a
//! broken template stops start-up rather than a send.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use minijinja::{Environment, Value, context};
use sea_orm::Iterable;
use serde::Serialize;

use super::{ItemFacts, Stored};
use crate::entities::notification::NoticeKind;
use crate::escalation::level_name;
use crate::time::{local_date, zone_of};

const PARTS: [&str; 3] = ["subject.txt", "text.txt", "html.html"];
const DIGEST_PARTS: [&str; 4] = ["subject.txt", "text.txt", "html.html", "markdown.md"];

macro_rules! built_in {
    ($folder:literal) => {
        [
            include_str!(concat!(
                "../../../config/templates/",
                $folder,
                "/subject.txt"
            )),
            include_str!(concat!("../../../config/templates/", $folder, "/text.txt")),
            include_str!(concat!("../../../config/templates/", $folder, "/html.html")),
        ]
    };
}

fn folder(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Assigned => "assigned",
        NoticeKind::Reminder => "reminder",
        NoticeKind::AckReminder => "ack_reminder",
        NoticeKind::ReportDue => "report_due",
        NoticeKind::Escalation => "escalation",
        NoticeKind::Returned => "returned",
        NoticeKind::Approved => "approved",
        NoticeKind::CompletionRequested => "completion_requested",
        NoticeKind::ExtensionRequested => "extension_requested",
        NoticeKind::ExtensionDecided => "extension_decided",
        NoticeKind::Cancelled => "cancelled",
        NoticeKind::Remark => "remark",
        NoticeKind::Instruction => "instruction",
        NoticeKind::DueChanged => "due_changed",
        NoticeKind::CalendarGap => "calendar_gap",
        NoticeKind::DutyReminder => "duty_reminder",
        NoticeKind::Suspended => "suspended",
        NoticeKind::Resumed => "resumed",
    }
}

fn built_in(kind: NoticeKind) -> [&'static str; 3] {
    match kind {
        NoticeKind::Assigned => built_in!("assigned"),
        NoticeKind::Reminder => built_in!("reminder"),
        NoticeKind::AckReminder => built_in!("ack_reminder"),
        NoticeKind::ReportDue => built_in!("report_due"),
        NoticeKind::Escalation => built_in!("escalation"),
        NoticeKind::Returned => built_in!("returned"),
        NoticeKind::Approved => built_in!("approved"),
        NoticeKind::CompletionRequested => built_in!("completion_requested"),
        NoticeKind::ExtensionRequested => built_in!("extension_requested"),
        NoticeKind::ExtensionDecided => built_in!("extension_decided"),
        NoticeKind::Cancelled => built_in!("cancelled"),
        NoticeKind::Remark => built_in!("remark"),
        NoticeKind::Instruction => built_in!("instruction"),
        NoticeKind::DueChanged => built_in!("due_changed"),
        NoticeKind::CalendarGap => built_in!("calendar_gap"),
        NoticeKind::DutyReminder => built_in!("duty_reminder"),
        NoticeKind::Suspended => built_in!("suspended"),
        NoticeKind::Resumed => built_in!("resumed"),
    }
}

const DIGEST: [&str; 4] = [
    include_str!("../../../config/templates/digest/subject.txt"),
    include_str!("../../../config/templates/digest/text.txt"),
    include_str!("../../../config/templates/digest/html.html"),
    include_str!("../../../config/templates/digest/markdown.md"),
];

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A digest as a group robot shows it: a title and markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub title: String,
    pub markdown: String,
}

/// One notice to render: what the outbox row holds and the item it is
/// about (None for messages about no item, or an item since deleted).
#[derive(Debug, Clone, Copy)]
pub struct Rendering<'a> {
    pub kind: NoticeKind,
    pub stored: &'a Stored,
    pub item: Option<&'a ItemFacts>,
}

#[derive(Debug, Serialize)]
struct ItemView {
    id: i64,
    what: String,
    title: String,
    doc_no: String,
    number: String,
    unit: String,
    due_on: NaiveDate,
    when: String,
    status_label: &'static str,
    escalation_level: i32,
    level_name: &'static str,
    link: String,
}

#[derive(Debug, Serialize)]
struct Line {
    label: &'static str,
    text: String,
    html: String,
}

#[derive(Debug, Serialize)]
struct ItemLines {
    #[serde(flatten)]
    item: ItemView,
    lines: Vec<Line>,
}

#[derive(Debug, Serialize)]
struct Other {
    label: &'static str,
    subject: String,
    text: String,
    html: String,
}

#[derive(Debug)]
pub struct Catalogue {
    env: Environment<'static>,
    public_url: String,
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Catalogue {
    /// Reads every template, preferring `dir/<kind>/<part>` over the built-in copy.
    pub fn load(dir: &Path, public_url: &str) -> anyhow::Result<Self> {
        let mut sources: Vec<(String, String)> = Vec::new();
        let mut read = |folder: &str, part: &str, fallback: &'static str| -> anyhow::Result<()> {
            let path = dir.join(folder).join(part);
            let source = match std::fs::read_to_string(&path) {
                Ok(s) => s,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => fallback.to_owned(),
                Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
            };
            sources.push((format!("{folder}/{part}"), source));
            Ok(())
        };
        for kind in NoticeKind::iter() {
            for (part, fallback) in PARTS.iter().zip(built_in(kind)) {
                read(folder(kind), part, fallback)?;
            }
        }
        for (part, fallback) in DIGEST_PARTS.iter().zip(DIGEST) {
            read("digest", part, fallback)?;
        }
        Self::from_sources(sources, public_url)
            .with_context(|| format!("message templates in {}", dir.display()))
    }

    /// The templates compiled into the binary.
    pub fn built_in(public_url: &str) -> anyhow::Result<Self> {
        let mut sources = Vec::new();
        for kind in NoticeKind::iter() {
            for (part, source) in PARTS.iter().zip(built_in(kind)) {
                sources.push((format!("{}/{part}", folder(kind)), source.to_owned()));
            }
        }
        for (part, source) in DIGEST_PARTS.iter().zip(DIGEST) {
            sources.push((format!("digest/{part}"), source.to_owned()));
        }
        Self::from_sources(sources, public_url)
    }

    fn from_sources(sources: Vec<(String, String)>, public_url: &str) -> anyhow::Result<Self> {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_function("level_name", |level: i32| level_name(level));
        for (name, source) in sources {
            env.add_template_owned(name.clone(), source)
                .with_context(|| format!("template {name}"))?;
        }
        Ok(Self {
            env,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    /// The address of an item's page in the web UI.
    pub fn item_link(&self, assignment_id: i64) -> String {
        format!("{}/assignments/{assignment_id}", self.public_url)
    }

    fn item_view(&self, f: &ItemFacts, at: DateTime<Utc>) -> ItemView {
        let when = if f.status.is_open() {
            let today = local_date(at, zone_of(&f.plan_timezone));
            match (f.due_on - today).num_days() {
                0 => "今天到期".to_owned(),
                n if n > 0 => format!("还剩 {n} 天"),
                n => format!("已逾期 {} 天", -n),
            }
        } else {
            f.status.label().to_owned()
        };
        ItemView {
            id: f.id,
            what: f.what(),
            title: f.task_title.clone(),
            doc_no: f.plan_doc_no.clone(),
            number: f.task_number.clone(),
            unit: f.unit_name.clone(),
            due_on: f.due_on,
            when,
            status_label: f.status.label(),
            escalation_level: f.escalation_level,
            level_name: level_name(f.escalation_level),
            link: self.item_link(f.id),
        }
    }

    fn part(&self, name: &str, ctx: &Value) -> anyhow::Result<String> {
        self.env
            .get_template(name)?
            .render(ctx)
            .with_context(|| format!("rendering template {name}"))
    }

    /// One notice in its kind's words: the subject it is mailed under
    /// alone, and its text and html (a line of a digest, an entry of a
    /// person's notification list).
    pub fn notice(&self, n: &Rendering<'_>, at: DateTime<Utc>) -> anyhow::Result<Rendered> {
        self.notice_parts(n, at, true)
    }

    /// [`Catalogue::notice`], its subject left empty unless `with_subject`:
    /// a line of a digest about an item shows no subject of its own, and a
    /// digest of a hundred notices would render a hundred unread subjects.
    fn notice_parts(
        &self,
        n: &Rendering<'_>,
        at: DateTime<Utc>,
        with_subject: bool,
    ) -> anyhow::Result<Rendered> {
        let message = match n.stored {
            Stored::Legacy { subject, body } => {
                return Ok(Rendered {
                    subject: one_line(subject),
                    text: body.clone(),
                    html: minijinja::HtmlEscape(body)
                        .to_string()
                        .replace('\n', "<br>"),
                });
            }
            Stored::Message(m) => m,
        };
        let item = n.item.map(|f| self.item_view(f, at));
        let ctx = context! { item => item, ..Value::from_serialize(message) };
        let f = folder(n.kind);
        Ok(Rendered {
            subject: if with_subject {
                one_line(&self.part(&format!("{f}/subject.txt"), &ctx)?)
            } else {
                String::new()
            },
            text: self.part(&format!("{f}/text.txt"), &ctx)?.trim().to_owned(),
            html: self
                .part(&format!("{f}/html.html"), &ctx)?
                .trim()
                .to_owned(),
        })
    }

    fn digest_context(
        &self,
        recipient: &str,
        notices: &[Rendering<'_>],
        at: DateTime<Utc>,
    ) -> anyhow::Result<Value> {
        // Each item once, soonest due first; lines in the order written.
        let mut by_item: BTreeMap<(NaiveDate, i64), ItemLines> = BTreeMap::new();
        let mut others = Vec::new();
        let mut single = None;
        for n in notices {
            // The subject shows when the notice is alone or about no item.
            let r = self.notice_parts(n, at, notices.len() == 1 || n.item.is_none())?;
            if notices.len() == 1 {
                single = Some(r.subject.clone());
            }
            let label = n.kind.label();
            match n.item {
                Some(f) => by_item
                    .entry((f.due_on, f.id))
                    .or_insert_with(|| ItemLines {
                        item: self.item_view(f, at),
                        lines: Vec::new(),
                    })
                    .lines
                    .push(Line {
                        label,
                        text: r.text,
                        html: r.html,
                    }),
                None => others.push(Other {
                    label,
                    subject: r.subject,
                    text: r.text,
                    html: r.html,
                }),
            }
        }
        let items: Vec<ItemLines> = by_item.into_values().collect();
        Ok(context! {
            recipient => recipient,
            count => items.len() + others.len(),
            all_escalations => notices.iter().all(|n| n.kind == NoticeKind::Escalation),
            single => single,
            items => items,
            others => others,
            public_url => self.public_url,
        })
    }

    /// What one recipient is told in one run: each item once with a line
    /// per notice about it, then the notices about no item.
    pub fn digest(
        &self,
        recipient: &str,
        notices: &[Rendering<'_>],
        at: DateTime<Utc>,
    ) -> anyhow::Result<Rendered> {
        let ctx = self.digest_context(recipient, notices, at)?;
        Ok(Rendered {
            subject: one_line(&self.part("digest/subject.txt", &ctx)?),
            text: self.part("digest/text.txt", &ctx)?,
            html: self.part("digest/html.html", &ctx)?,
        })
    }

    /// The same digest for a group robot, in markdown.
    pub fn robot_digest(
        &self,
        notices: &[Rendering<'_>],
        at: DateTime<Utc>,
    ) -> anyhow::Result<Digest> {
        let ctx = self.digest_context("", notices, at)?;
        Ok(Digest {
            title: one_line(&self.part("digest/subject.txt", &ctx)?),
            markdown: self.part("digest/markdown.md", &ctx)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Message;
    use crate::workflow::Status;

    fn facts() -> ItemFacts {
        let due_on = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        ItemFacts {
            id: 7,
            task_id: 1,
            plan_id: 1,
            unit_id: 1,
            role: crate::entities::assignment::AssignmentRole::Lead,
            status: Status::InProgress,
            due_on,
            due_at: crate::time::end_of_day(due_on, chrono_tz::Asia::Shanghai),
            issued_at: None,
            acknowledged_at: None,
            completed_at: None,
            last_report_at: None,
            percent: None,
            escalation_level: 0,
            parent_id: None,
            parent_unit_id: None,
            suspended_at: None,
            version: 1,
            updated_at: at(),
            task_number: "(一)".into(),
            task_title: "承接政务便民服务".into(),
            plan_doc_no: "通政办发〔2026〕35号".into(),
            plan_timezone: "Asia/Shanghai".into(),
            unit_name: "市民政局".into(),
        }
    }

    fn at() -> DateTime<Utc> {
        "2026-12-20T02:00:00Z".parse().unwrap()
    }

    #[test]
    fn every_kind_renders_from_the_built_in_templates() {
        let c = Catalogue::built_in("http://duban.example/").unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let samples = [
            Message::Assigned {
                role: crate::entities::assignment::AssignmentRole::Lead,
                due_on: d,
            },
            Message::Reminder {
                due_on: d,
                days_left: 0,
                acknowledged: false,
            },
            Message::AckReminder { issued_on: d },
            Message::ReportDue {
                deadline: d.and_hms_opt(9, 0, 0).unwrap(),
            },
            Message::Escalation {
                level: 2,
                due_on: d,
                days_overdue: Some(8),
                working_days_overdue: Some(6),
                note: Some("请立即整改".into()),
                about: None,
            },
            Message::Escalation {
                level: 1,
                due_on: d,
                days_overdue: Some(3),
                working_days_overdue: Some(1),
                note: None,
                about: Some("里程碑“建成农村牧区社区1200个”".into()),
            },
            Message::DutyReminder {
                about: "里程碑“建成农村牧区社区1200个”".into(),
                due_on: d,
                days_left: 3,
            },
            Message::Suspended {
                reason: "上级政策调整".into(),
            },
            Message::Resumed {
                due_on: d,
                working_days: 4,
            },
            Message::Returned {
                comment: "请补充名单".into(),
            },
            Message::Approved {
                comment: Some("同意办结。".into()),
            },
            Message::CompletionRequested {
                text: "已全部完成".into(),
            },
            Message::ExtensionRequested {
                from: d,
                to: d,
                reason: "资金未到位".into(),
            },
            Message::ExtensionDecided {
                approved: false,
                due_on: d,
                comment: None,
            },
            Message::Cancelled { reason: None },
            Message::Remark {
                author: "督查专员".into(),
                text: "请于本周内报送整改措施".into(),
            },
            Message::Instruction {
                author: "孙副市长".into(),
                text: "月底前见成效".into(),
            },
            Message::DueChanged { from: d, to: d },
            Message::CalendarGap {
                year: 2027,
                dir: "config/calendar".into(),
            },
        ];
        let f = facts();
        for m in samples {
            let stored = Stored::Message(m.clone());
            let r = c
                .notice(
                    &Rendering {
                        kind: m.kind(),
                        stored: &stored,
                        item: Some(&f),
                    },
                    at(),
                )
                .unwrap_or_else(|e| panic!("{m:?}: {e:#}"));
            assert!(
                !r.subject.is_empty() && !r.text.is_empty() && !r.html.is_empty(),
                "{m:?}: {r:?}"
            );
        }
    }

    #[test]
    fn a_remark_and_an_approval_say_their_words_once() {
        let c = Catalogue::built_in("http://duban.example").unwrap();
        let f = facts();
        let remark = Stored::Message(Message::Remark {
            author: "督查专员".into(),
            text: "请于本周内报送整改措施".into(),
        });
        let approved = Stored::Message(Message::Approved {
            comment: Some("同意办结。".into()),
        });
        let d = c
            .digest(
                "张科员",
                &[
                    Rendering {
                        kind: NoticeKind::Remark,
                        stored: &remark,
                        item: Some(&f),
                    },
                    Rendering {
                        kind: NoticeKind::Approved,
                        stored: &approved,
                        item: Some(&f),
                    },
                ],
                at(),
            )
            .unwrap();
        assert_eq!(d.text.matches("督查意见").count(), 1, "{}", d.text);
        assert_eq!(d.text.matches("同意办结").count(), 1, "{}", d.text);
        assert_eq!(
            d.text.matches("承接政务便民服务").count(),
            1,
            "the item is named once: {}",
            d.text
        );
        assert!(
            d.text.contains("http://duban.example/assignments/7"),
            "{}",
            d.text
        );
    }

    #[test]
    fn a_reminder_for_an_item_not_signed_for_says_so() {
        let c = Catalogue::built_in("http://duban.example").unwrap();
        let f = facts();
        let stored = Stored::Message(Message::Reminder {
            due_on: f.due_on,
            days_left: 3,
            acknowledged: false,
        });
        let r = c
            .notice(
                &Rendering {
                    kind: NoticeKind::Reminder,
                    stored: &stored,
                    item: Some(&f),
                },
                at(),
            )
            .unwrap();
        assert!(r.text.contains("尚未签收"), "{}", r.text);
    }
}
