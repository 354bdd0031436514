//! What a message says about the item it concerns, read when it is
//! rendered: the item's list line.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr};

use crate::workflow::listing::{AssignmentRow, rows_by_ids};

/// The item a message is about, as it is now.
pub type ItemFacts = AssignmentRow;

/// The list lines of the given assignments, by id.
pub async fn item_facts<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, ItemFacts>, DbErr> {
    rows_by_ids(conn, ids).await
}
