//! The callers' standing read for every request: requests at once share
//! one read, which began after they arrived; each gets its own answer; and
//! a reader that goes away leaves nobody waiting.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use duban_domain::entities::user;
use duban_domain::error::DomainError;
use duban_domain::identity;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::{World, storage_test};

async fn version(w: &World, id: i64) -> i32 {
    user::Entity::find_by_id(id)
        .one(w.env.db.conn())
        .await
        .unwrap()
        .unwrap()
        .credential_version
}

/// Polls `f` once, so that it starts; answers whether it is still pending.
async fn start<F: Future>(f: &mut Pin<Box<F>>) -> bool {
    std::future::poll_fn(|cx| Poll::Ready(f.as_mut().poll(cx).is_pending())).await
}

/// Every connection of the pool the standing is read on, taken: a read
/// started now waits until they are handed back, so the requests that come
/// meanwhile find it under way.
async fn hold_the_pool(w: &World) -> Vec<sea_orm::DatabaseTransaction> {
    let mut held = Vec::new();
    // The World's pool has 4 connections (its `max_connections`).
    for _ in 0..4 {
        held.push(w.env.db.conn().begin().await.unwrap());
    }
    held
}

async fn hand_back(held: Vec<sea_orm::DatabaseTransaction>) {
    for t in held {
        t.rollback().await.unwrap();
    }
}

/// What `f` answers; a failure if it waits on and on (a request left waiting).
async fn answered<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(std::time::Duration::from_secs(30), f)
        .await
        .expect("every request is answered")
}

async fn set_active(w: &World, id: i64, active: bool) {
    // As an outside write would: the flag alone, the version unchanged.
    let txn = w.env.db.begin().await.unwrap();
    user::Entity::update_many()
        .col_expr(user::Column::Active, Expr::value(active))
        .filter(user::Column::Id.eq(id))
        .exec(&txn)
        .await
        .unwrap();
    txn.commit().await.unwrap();
}

async fn callers_at_once_share_one_read_begun_after_they_arrived(w: &World) {
    let db = &w.env.db;
    let people = [w.clerk_a.user_id, w.clerk_b.user_id, w.inspector.user_id];
    let mut versions = Vec::new();
    for id in people {
        versions.push(version(w, id).await);
    }
    let before = db.memo().standing_reads();
    let held = hold_the_pool(w).await;
    let mut calls = Box::pin(futures_util::future::join_all((0..64).map(|i| {
        let (id, v) = (people[i % 3], versions[i % 3]);
        async move { (id, identity::current(db, id, v).await) }
    })));
    assert!(
        start(&mut calls).await,
        "the first read waits for a connection"
    );
    hand_back(held).await;
    for (id, answer) in answered(calls).await {
        let (signed, _) = answer.unwrap();
        assert_eq!(signed.actor.user_id, id, "each request gets its own caller");
    }
    // The first requests each began a read (as many as may be under way at
    // once); the others, which came while those were under way, were read
    // by one more read, together.
    let readers = duban_domain::memo::STANDING_READERS as u64;
    assert_eq!(db.memo().standing_reads() - before, readers + 1);
}
storage_test!(callers_at_once_share_one_read_begun_after_they_arrived);

async fn a_deactivated_caller_among_many_at_once_is_refused_alone(w: &World) {
    let db = &w.env.db;
    let (a, b) = (w.clerk_a.user_id, w.clerk_b.user_id);
    let (va, vb) = (version(w, a).await, version(w, b).await);
    set_active(w, b, false).await;
    let held = hold_the_pool(w).await;
    let mut calls = Box::pin(futures_util::future::join_all((0..20).map(|i| {
        let (id, v) = if i % 2 == 0 { (a, va) } else { (b, vb) };
        async move { (id, identity::current(db, id, v).await) }
    })));
    assert!(start(&mut calls).await);
    hand_back(held).await;
    for (id, answer) in answered(calls).await {
        match answer {
            Ok((signed, _)) => assert_eq!((id, signed.actor.user_id), (a, a)),
            Err(e) => assert!(
                id == b && matches!(e, DomainError::Unauthenticated(_)),
                "{id}: {e:?}"
            ),
        }
    }
    // Active again, the same token works at once.
    set_active(w, b, true).await;
    assert!(identity::current(db, b, vb).await.is_ok());
}
storage_test!(a_deactivated_caller_among_many_at_once_is_refused_alone);

async fn a_reader_that_goes_away_leaves_nobody_waiting(w: &World) {
    let db = &w.env.db;
    let a = w.clerk_a.user_id;
    let v = version(w, a).await;
    let held = hold_the_pool(w).await;
    let mut reader = Box::pin(identity::current(db, a, v));
    assert!(start(&mut reader).await);
    let mut waiting = Box::pin(futures_util::future::join_all(
        (0..10).map(|_| identity::current(db, a, v)),
    ));
    assert!(start(&mut waiting).await);
    hand_back(held).await;
    // The client of the first request went away mid-read.
    drop(reader);
    let answers = answered(waiting).await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    // And the reading goes on for whoever comes next.
    assert!(identity::current(db, a, v).await.is_ok());
}
storage_test!(a_reader_that_goes_away_leaves_nobody_waiting);
