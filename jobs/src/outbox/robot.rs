//! Delivering an envelope to a unit's group robot: take a place in the
//! robot's minute (shared by every dispatcher through its row), render the
//! digest as markdown, post it, and record what the platform answered.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use duban_domain::entities::unit_channel::{self, Column as C};
use duban_domain::messages::ItemFacts;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::claim::Envelope;
use super::compose::{Row, renderings};
use super::record::{self, Retry};
use crate::context::JobContext;
use crate::outcome::Outcome;
use crate::robots::{self, Answer, Robot};

/// The robots of the envelopes, active or not.
pub(crate) async fn load<C2: ConnectionTrait>(
    conn: &C2,
    ids: Vec<i64>,
) -> Result<HashMap<i64, unit_channel::Model>, DbErr> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(1000) {
        out.extend(
            unit_channel::Entity::find()
                .filter(C::Id.is_in(chunk.iter().copied()))
                .all(conn)
                .await?
                .into_iter()
                .map(|c| (c.id, c)),
        );
    }
    Ok(out)
}

const MINUTE: i64 = 60;

/// A place in the robot's current minute, or the instant the next one opens.
/// Compare-and-set on the robot's row, so dispatchers at once share the count.
async fn take_slot(
    ctx: &JobContext,
    channel_id: i64,
    at: DateTime<Utc>,
) -> Result<Result<(), DateTime<Utc>>, DbErr> {
    let limit = i32::try_from(ctx.jobs.robots.per_minute).unwrap_or(i32::MAX);
    let conn = ctx.db.conn();
    for _ in 0..8 {
        let Some(c) = unit_channel::Entity::find_by_id(channel_id)
            .one(conn)
            .await?
        else {
            return Ok(Ok(()));
        };
        if let Some(p) = c.paused_until.filter(|p| *p > at) {
            return Ok(Err(p));
        }
        let open = c
            .window_started_at
            .filter(|w| *w > at - Duration::seconds(MINUTE));
        let (start, sends) = open.map_or((at, 0), |w| (w, c.window_sends));
        if sends >= limit {
            return Ok(Err(start + Duration::seconds(MINUTE)));
        }
        let mut update = unit_channel::Entity::update_many()
            .col_expr(C::WindowStartedAt, Expr::value(Some(start)))
            .col_expr(C::WindowSends, Expr::value(sends + 1))
            .filter(C::Id.eq(channel_id))
            .filter(C::WindowSends.eq(c.window_sends));
        update = match c.window_started_at {
            Some(w) => update.filter(C::WindowStartedAt.eq(w)),
            None => update.filter(C::WindowStartedAt.is_null()),
        };
        if update.exec(conn).await?.rows_affected == 1 {
            return Ok(Ok(()));
        }
    }
    // Others keep taking the places: try again in a moment.
    Ok(Err(at + Duration::seconds(1)))
}

async fn note_robot(
    ctx: &JobContext,
    channel_id: i64,
    paused_until: Option<DateTime<Utc>>,
    refused: Option<&str>,
) -> Result<(), DbErr> {
    let mut update = unit_channel::Entity::update_many().filter(C::Id.eq(channel_id));
    if let Some(p) = paused_until {
        update = update.col_expr(C::PausedUntil, Expr::value(Some(p)));
    }
    if let Some(e) = refused {
        update = update.col_expr(C::LastError, Expr::value(Some(e.to_owned())));
    }
    update.exec(ctx.db.conn()).await.map(|_| ())
}

/// Per run: the robots that failed once are not tried again in this run.
#[derive(Debug, Default)]
pub(crate) struct Down(HashSet<i64>);

#[allow(clippy::too_many_arguments)]
pub(crate) async fn deliver(
    ctx: &JobContext,
    at: DateTime<Utc>,
    envelope: &Envelope,
    channel_id: i64,
    live: &[Row<'_>],
    facts: &HashMap<i64, ItemFacts>,
    robots_by_id: &HashMap<i64, unit_channel::Model>,
    down: &mut Down,
    out: &mut Outcome,
) -> anyhow::Result<()> {
    let ids: Vec<i64> = live.iter().map(|(r, _)| r.id).collect();
    let attempt_no = envelope.attempts() + 1;
    let Some(channel) = robots_by_id.get(&channel_id).filter(|c| c.active) else {
        record::skipped(
            ctx,
            &ids,
            attempt_no,
            "机器人已删除 (the robot was removed)",
            at,
        )
        .await?;
        out.notifications_skipped += ids.len() as u64;
        return Ok(());
    };
    if down.0.contains(&channel_id) {
        record::deferred(ctx, &ids, at + Duration::seconds(MINUTE)).await?;
        return Ok(());
    }
    if let Err(until) = take_slot(ctx, channel_id, at).await? {
        record::deferred(ctx, &ids, until).await?;
        return Ok(());
    }
    let renderings = renderings(live, facts);
    let digest = ctx.catalogue.robot_digest(&renderings, at)?;
    let robot = Robot {
        kind: channel.kind,
        url: &channel.url,
        secret: channel.secret.as_deref(),
    };
    let answer = robots::post(
        &ctx.http,
        &robot,
        &digest.title,
        &digest.markdown,
        ctx.lease_clock.now(),
    )
    .await;
    match answer {
        Answer::Accepted => {
            record::sent(ctx, &ids, attempt_no, &envelope.message_id, at).await?;
            out.messages_sent += 1;
            out.notifications_sent += ids.len() as u64;
        }
        Answer::Retry { error, slow_down } => {
            let pause = slow_down.then(|| at + Duration::seconds(MINUTE));
            if pause.is_some() {
                note_robot(ctx, channel_id, pause, None).await?;
            }
            tracing::warn!(channel_id, attempt = attempt_no, %error, "robot delivery failed; will retry");
            down.0.insert(channel_id);
            let gave_up = record::failed_with(
                ctx,
                &ids,
                attempt_no,
                &envelope.message_id,
                &error,
                at,
                pause.map_or(Retry::Backoff(None), Retry::SlowDown),
            )
            .await?;
            out.messages_failed += 1;
            if gave_up {
                out.notifications_failed += ids.len() as u64;
            }
        }
        Answer::Refused(error) => {
            tracing::error!(channel_id, %error, "a robot refused the message; an admin must fix it");
            note_robot(ctx, channel_id, None, Some(&error)).await?;
            down.0.insert(channel_id);
            record::failed_with(
                ctx,
                &ids,
                attempt_no,
                &envelope.message_id,
                &error,
                at,
                Retry::GiveUp,
            )
            .await?;
            out.messages_failed += 1;
            out.notifications_failed += ids.len() as u64;
        }
    }
    Ok(())
}
