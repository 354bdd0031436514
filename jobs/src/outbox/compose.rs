//! From an envelope of claimed notices to an e-mail: the catalogue renders
//! the digest (each item once, a line per notice about it); this part only
//! finds the addresses and wraps the result in a MIME message.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use duban_domain::entities::{unit, user};
use duban_domain::messages::{ItemFacts, Rendering, Stored};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::claim::{Claimed, Envelope, Recipient};
use crate::context::JobContext;

/// The names and addresses of the envelopes' recipients.
#[derive(Debug, Default)]
pub(crate) struct Addresses {
    users: HashMap<i64, user::Model>,
    units: HashMap<i64, unit::Model>,
}

impl Addresses {
    pub(crate) async fn load<C: ConnectionTrait>(
        conn: &C,
        envelopes: &[Envelope],
    ) -> Result<Self, DbErr> {
        let mut users: Vec<i64> = Vec::new();
        let mut units: Vec<i64> = Vec::new();
        for e in envelopes {
            match e.recipient {
                Recipient::User(u) => users.push(u),
                Recipient::Unit(u) => units.push(u),
                Recipient::Robot(_) => {}
            }
        }
        let mut out = Addresses::default();
        for chunk in users.chunks(1000) {
            out.users.extend(
                user::Entity::find()
                    .filter(user::Column::Id.is_in(chunk.iter().copied()))
                    .all(conn)
                    .await?
                    .into_iter()
                    .map(|u| (u.id, u)),
            );
        }
        for chunk in units.chunks(1000) {
            out.units.extend(
                unit::Entity::find()
                    .filter(unit::Column::Id.is_in(chunk.iter().copied()))
                    .all(conn)
                    .await?
                    .into_iter()
                    .map(|u| (u.id, u)),
            );
        }
        Ok(out)
    }

    /// Where the envelope goes: an active person's address, or a unit's
    /// contact address. None when there is no valid address.
    pub(crate) fn mailbox(&self, to: Recipient) -> Option<Mailbox> {
        let (name, email) = match to {
            Recipient::User(id) => {
                let u = self.users.get(&id).filter(|u| u.active)?;
                (u.display_name.clone(), u.email.as_deref()?)
            }
            Recipient::Unit(id) => {
                let u = self.units.get(&id)?;
                (u.name.clone(), u.email.as_deref()?)
            }
            Recipient::Robot(_) => return None,
        };
        let address = email.trim().parse::<Address>().ok()?;
        Some(Mailbox::new(Some(name), address))
    }
}

/// The stored messages of `rows`, decoded once.
pub(crate) fn stored(rows: &[&Claimed]) -> Vec<Stored> {
    rows.iter().map(|r| Stored::from_json(&r.payload)).collect()
}

/// What the catalogue renders for each row: its kind, its stored message
/// and the item as it stands now.
pub(crate) fn renderings<'a>(
    rows: &[&Claimed],
    stored: &'a [Stored],
    facts: &'a HashMap<i64, ItemFacts>,
) -> Vec<Rendering<'a>> {
    rows.iter()
        .zip(stored)
        .map(|(r, s)| Rendering {
            kind: r.kind,
            stored: s,
            item: r.assignment_id.and_then(|a| facts.get(&a)),
        })
        .collect()
}

/// Builds the message for `rows` (the envelope's notices still to mail).
pub(crate) fn compose(
    ctx: &JobContext,
    at: DateTime<Utc>,
    envelope: &Envelope,
    rows: &[&Claimed],
    to: Mailbox,
    facts: &HashMap<i64, ItemFacts>,
) -> anyhow::Result<Message> {
    let stored = stored(rows);
    let renderings = renderings(rows, &stored, facts);
    let recipient = to.name.clone().unwrap_or_default();
    let rendered = ctx.catalogue.digest(&recipient, &renderings, at)?;
    let mut message = Message::builder()
        .message_id(Some(envelope.message_id.clone()))
        .from(ctx.from.clone())
        .to(to)
        .subject(rendered.subject)
        .multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))?;
    // `Date:` in the offices' zone (Beijing time), which lettre's own
    // header cannot write: it is always UTC.
    let date = ctx
        .lease_clock
        .now()
        .with_timezone(&ctx.jobs.zone())
        .to_rfc2822();
    let headers = message.headers_mut();
    headers.remove_raw("Date");
    headers.insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("Date"),
        date,
    ));
    Ok(message)
}
