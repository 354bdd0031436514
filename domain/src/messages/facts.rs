//! What a message says about the item it concerns, read when it is
//! rendered.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QuerySelect, RelationTrait,
};

use crate::entities::{assignment, plan, task, unit};
use crate::workflow::Status;

#[derive(Debug, Clone, FromQueryResult)]
pub struct ItemFacts {
    pub id: i64,
    pub status: Status,
    pub due_on: NaiveDate,
    pub escalation_level: i32,
    pub task_number: String,
    pub task_title: String,
    pub plan_doc_no: String,
    pub plan_timezone: String,
    pub unit_name: String,
}

impl ItemFacts {
    /// The item as people name it: "通政办发〔2013〕35号 (一)承接政务便民服务".
    pub fn what(&self) -> String {
        format!(
            "{} {}{}",
            self.plan_doc_no, self.task_number, self.task_title
        )
        .trim()
        .to_owned()
    }
}

/// The facts of the given assignments, by id.
pub async fn item_facts<C: ConnectionTrait>(
    conn: &C,
    mut ids: Vec<i64>,
) -> Result<HashMap<i64, ItemFacts>, DbErr> {
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows = assignment::Entity::find()
            .select_only()
            .columns([
                assignment::Column::Id,
                assignment::Column::Status,
                assignment::Column::DueOn,
                assignment::Column::EscalationLevel,
            ])
            .column_as(task::Column::Number, "task_number")
            .column_as(task::Column::Title, "task_title")
            .column_as(plan::Column::DocNo, "plan_doc_no")
            .column_as(plan::Column::Timezone, "plan_timezone")
            .column_as(unit::Column::Name, "unit_name")
            .join(JoinType::InnerJoin, assignment::Relation::Task.def())
            .join(JoinType::InnerJoin, assignment::Relation::Plan.def())
            .join(JoinType::InnerJoin, assignment::Relation::Unit.def())
            .filter(assignment::Column::Id.is_in(chunk.iter().copied()))
            .into_model::<ItemFacts>()
            .all(conn)
            .await?;
        out.extend(rows.into_iter().map(|r| (r.id, r)));
    }
    Ok(out)
}
