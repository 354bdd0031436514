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

/// A claimed row with its stored message, decoded once per envelope.
pub(crate) type Row<'a> = (&'a Claimed, &'a Stored);

/// What the catalogue renders for each row: its kind, its stored message
/// and the item as it stands now.
pub(crate) fn renderings<'a>(
    rows: &[Row<'a>],
    facts: &'a HashMap<i64, ItemFacts>,
) -> Vec<Rendering<'a>> {
    rows.iter()
        .map(|(r, s)| Rendering {
            kind: r.kind,
            stored: s,
            item: r.assignment_id.and_then(|a| facts.get(&a)),
        })
        .collect()
}

/// `text` with CRLF line ends, as mail wants them, in one pass. Given
/// bare `\n`s, lettre inserts each `\r` in place, which moves the rest
/// of the body once a line: a tenth of a digest's dispatch time.
pub(crate) fn crlf(text: String) -> String {
    let bare = text
        .match_indices('\n')
        .filter(|(i, _)| !text[..*i].ends_with('\r'))
        .count();
    if bare == 0 {
        return text;
    }
    let mut out = String::with_capacity(text.len() + bare);
    let mut after_cr = false;
    for c in text.chars() {
        if c == '\n' && !after_cr {
            out.push('\r');
        }
        after_cr = c == '\r';
        out.push(c);
    }
    out
}

/// Builds the message for `rows` (the envelope's notices still to mail).
pub(crate) fn compose(
    ctx: &JobContext,
    at: DateTime<Utc>,
    envelope: &Envelope,
    rows: &[Row<'_>],
    to: Mailbox,
    facts: &HashMap<i64, ItemFacts>,
) -> anyhow::Result<Message> {
    let renderings = renderings(rows, facts);
    let recipient = to.name.clone().unwrap_or_default();
    let rendered = ctx.catalogue.digest(&recipient, &renderings, at)?;
    let mut message = Message::builder()
        .message_id(Some(envelope.message_id.clone()))
        .from(ctx.from.clone())
        .to(to)
        .subject(rendered.subject)
        .multipart(MultiPart::alternative_plain_html(
            crlf(rendered.text),
            crlf(rendered.html),
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

#[cfg(test)]
mod tests {
    use lettre::message::SinglePart;

    use super::crlf;

    #[test]
    fn line_ends_become_crlf_once() {
        assert_eq!(crlf("a\nb\r\nc\n".into()), "a\r\nb\r\nc\r\n");
        assert_eq!(crlf("\n督办\n\n".into()), "\r\n督办\r\n\r\n");
        assert_eq!(crlf("no line end".into()), "no line end");
        assert_eq!(crlf("\r\n\r\n".into()), "\r\n\r\n");
        assert_eq!(crlf("lone\rcr\n".into()), "lone\rcr\r\n");
    }

    #[test]
    fn a_part_is_encoded_as_lettre_would_encode_it() {
        let text: String = (0..300)
            .map(|i| format!("{i}. 市发展改革委 牵头,请于 2026年12月31日前完成\n\n"))
            .collect();
        let html = format!("<ul>\n{}</ul>\n", text.replace("\n\n", "</li>\n<li>"));
        for body in [text, html] {
            assert_eq!(
                SinglePart::plain(crlf(body.clone())).formatted(),
                SinglePart::plain(body.clone()).formatted()
            );
            assert_eq!(
                SinglePart::html(crlf(body.clone())).formatted(),
                SinglePart::html(body).formatted()
            );
        }
    }
}
