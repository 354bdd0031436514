//! The callers' standing, read fresh for every request, one read for every
//! request waiting at that moment.
//!
//! Every request reads its caller's credential version and active flag from
//! the primary, and the store's [`Generation`] with them
//! ([`crate::identity::current`]). One read each made that the largest cost
//! of a remembered list page: on SQLite a hand-off to a connection's thread
//! and back, on PostgreSQL a round trip. Requests that arrive while reads
//! are under way wait for the next one, which reads all of them at once
//! (`WHERE id IN (…)`), so under load one read serves many requests.
//!
//! Still fresh: a request is answered only by a read that began after it
//! arrived, never by one already under way, so a deactivation or a new
//! credential version committed before a request is seen by it.
//!
//! Who reads: a request that finds fewer than [`READERS`] reads under way
//! starts one for itself. When a read ends it answers the requests of its
//! batch and hands the next batch (the requests that came meanwhile) to the
//! first of them, which reads for them all. A reader whose request is
//! dropped mid-read (the client went away) still hands the next batch on,
//! and the requests of its own batch read alone, so nobody is left waiting.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use tokio::sync::oneshot;

use crate::db::{Db, Generation};
use crate::entities::user;

/// Past this many callers a read takes no more; the rest wait for the next.
const MAX_BATCH: usize = 500;

/// Reads under way at once, at the most: a request that finds fewer starts
/// its own at once, so one slow read does not hold up everyone behind it.
/// (Under the list benchmark, 16 connections, 1 and 4 measured the same.)
pub const READERS: usize = 4;

/// A caller's standing: (credential version, active), and the generation
/// read with it. None: no such user.
pub(crate) type Fresh = (Option<(i32, bool)>, Generation);

#[derive(Debug, Default)]
pub(crate) struct Standing {
    state: Mutex<State>,
    reads: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    /// Reads under way.
    reading: usize,
    waiting: Vec<Waiter>,
}

#[derive(Debug)]
struct Waiter {
    user_id: i64,
    tx: oneshot::Sender<Message>,
}

#[derive(Debug)]
enum Message {
    /// The read of this waiter's batch; None: it failed, read alone.
    Read(Option<Arc<Batch>>),
    /// Read for the baton's waiters (and yourself), then hand on.
    Lead(Baton),
}

/// The turn to read, with the requests to read for. However it ends (the
/// read done, the reader's request dropped mid-read, or the message that
/// carried it never received), its waiters are answered (told to read
/// alone, if nothing better) and the next batch is handed on: nobody waits
/// forever.
#[derive(Debug)]
struct Baton {
    standing: Arc<Standing>,
    others: Vec<Waiter>,
    pass_on: bool,
}

impl Drop for Baton {
    fn drop(&mut self) {
        for w in std::mem::take(&mut self.others) {
            let _ = w.tx.send(Message::Read(None));
        }
        if self.pass_on {
            self.standing.hand_on();
        }
    }
}

#[derive(Debug)]
struct Batch {
    users: HashMap<i64, (i32, bool)>,
    generation: Option<Generation>,
}

impl Batch {
    fn of(&self, user_id: i64) -> Option<Fresh> {
        let generation = self.generation.clone()?;
        Some((self.users.get(&user_id).copied(), generation))
    }
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Standing {
    /// How many reads have been made (the tests count them).
    pub(crate) fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// The standing of `user_id` as of a read that began after this call.
    pub(crate) async fn read(self: &Arc<Self>, db: &Db, user_id: i64) -> Result<Fresh, DbErr> {
        let (tx, rx) = oneshot::channel();
        let lead = {
            let mut s = lock(&self.state);
            if s.reading >= READERS {
                s.waiting.push(Waiter { user_id, tx });
                false
            } else {
                s.reading += 1;
                true
            }
        };
        let answer = if lead {
            let baton = Baton {
                standing: self.clone(),
                others: Vec::new(),
                pass_on: true,
            };
            self.lead(db, user_id, baton).await
        } else {
            match rx.await {
                Ok(Message::Read(batch)) => batch.and_then(|b| b.of(user_id)),
                Ok(Message::Lead(baton)) => self.lead(db, user_id, baton).await,
                // Dropped unanswered (cannot happen through `Baton`, but
                // never wait forever).
                Err(_) => None,
            }
        };
        match answer {
            Some(fresh) => Ok(fresh),
            // The shared read failed: this caller's own read gives the
            // error as it is (an outage is a 503, not a 500).
            None => alone(db, user_id).await,
        }
    }

    /// Reads for `me` and the baton's waiters, answers them and hands on.
    async fn lead(&self, db: &Db, me: i64, mut baton: Baton) -> Option<Fresh> {
        let mut ids: Vec<i64> = baton.others.iter().map(|w| w.user_id).collect();
        ids.push(me);
        ids.sort_unstable();
        ids.dedup();
        self.reads.fetch_add(1, Ordering::Relaxed);
        let batch = read_many(db, &ids).await.ok().map(Arc::new);
        for w in std::mem::take(&mut baton.others) {
            let _ = w.tx.send(Message::Read(batch.clone()));
        }
        drop(baton);
        batch.and_then(|b| b.of(me))
    }

    /// Hands the next batch to its first waiter still there, or ends the
    /// reading when nobody waits.
    fn hand_on(self: &Arc<Self>) {
        loop {
            let mut next: Vec<Waiter> = {
                let mut s = lock(&self.state);
                if s.waiting.is_empty() {
                    s.reading = s.reading.saturating_sub(1);
                    return;
                }
                let take = s.waiting.len().min(MAX_BATCH);
                s.waiting.drain(..take).collect()
            };
            while !next.is_empty() {
                let first = next.remove(0);
                let baton = Baton {
                    standing: self.clone(),
                    others: next,
                    pass_on: true,
                };
                match first.tx.send(Message::Lead(baton)) {
                    Ok(()) => return,
                    // That request went away while waiting: the next leads.
                    Err(Message::Lead(mut b)) => {
                        b.pass_on = false;
                        next = std::mem::take(&mut b.others);
                    }
                    Err(Message::Read(_)) => return,
                }
            }
        }
    }
}

async fn read_many(db: &Db, ids: &[i64]) -> Result<Batch, DbErr> {
    let rows: Vec<(i64, i32, bool, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::CredentialVersion)
        .column(user::Column::Active)
        .column_as(Expr::cust(db.generation_sql()), "generation")
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db.conn())
        .await?;
    let generation = rows.first().map(|r| Generation(r.3.clone()));
    Ok(Batch {
        users: rows.into_iter().map(|(id, v, a, _)| (id, (v, a))).collect(),
        generation,
    })
}

async fn alone(db: &Db, user_id: i64) -> Result<Fresh, DbErr> {
    let batch = read_many(db, &[user_id]).await?;
    match batch.of(user_id) {
        Some(fresh) => Ok(fresh),
        // No such user: no row, so no generation either; the caller is
        // refused, and the generation is not used.
        None => Ok((None, Generation(String::new()))),
    }
}
