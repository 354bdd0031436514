use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The office's answer to a completion request.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "snake_case"
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Decision {
    /// 通过: the item is completed.
    Approve,
    /// 退回: the unit must add to it.
    Return,
}

impl Decision {
    pub fn label(self) -> &'static str {
        match self {
            Decision::Approve => "通过",
            Decision::Return => "退回",
        }
    }
}

/// The office's decision on a completion request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assignment_id: i64,
    pub report_id: Option<i64>,
    pub decision: Decision,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub reviewer_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
