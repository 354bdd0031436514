use sea_orm::entity::prelude::*;

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
    /// "draft" until first issued, then "issued".
    pub status: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
