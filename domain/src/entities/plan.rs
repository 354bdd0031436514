use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    /// A plan is a draft until first issued.
    pub enum PlanStatus {
        Draft => "草稿",
        Issued => "已交办",
    }
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
