//! What a message says about the item it concerns, read when it is
//! rendered: the item's list line.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, QueryFilter};

use crate::entities::assignment;
use crate::workflow::listing::{AssignmentRow, base_select};

/// The item a message is about, as it is now.
pub type ItemFacts = AssignmentRow;

/// The list lines of the given assignments, by id.
pub async fn item_facts<C: ConnectionTrait>(
    conn: &C,
    mut ids: Vec<i64>,
) -> Result<HashMap<i64, ItemFacts>, DbErr> {
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows = base_select()
            .filter(assignment::Column::Id.is_in(chunk.iter().copied()))
            .into_model::<AssignmentRow>()
            .all(conn)
            .await?;
        out.extend(rows.into_iter().map(|r| (r.id, r)));
    }
    Ok(out)
}
