//! A scheduled job's run of one slot: taken before the scan starts, so a
//! slot runs once across replicas.

use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    pub enum RunStatus {
        Running => "运行中",
        Done => "已完成",
        Failed => "失败",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub job: String,
    /// The schedule's fire time (or `--at` for a manual run).
    pub slot: DateTimeUtc,
    pub status: RunStatus,
    pub worker: String,
    pub attempt: i32,
    pub started_at: DateTimeUtc,
    pub lease_until: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
