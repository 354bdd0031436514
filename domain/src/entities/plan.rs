use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A plan is a draft until first issued.
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
pub enum PlanStatus {
    Draft,
    Issued,
}

/// A notice (督办文件): doc number, title, issuer, issue date, year.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub doc_no: String,
    pub title: String,
    pub issuer_unit_id: Option<i64>,
    pub issued_on: Date,
    pub year: i32,
    /// IANA zone the plan's due dates are read in.
    pub timezone: String,
    pub status: PlanStatus,
    /// Days before the due date to remind at, overriding `jobs.reminders`
    /// (see [`crate::plan_policy`]).
    pub reminder_offsets: Option<Json>,
    /// The escalation ladder's overrides for this plan.
    pub escalation_policy: Option<Json>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
