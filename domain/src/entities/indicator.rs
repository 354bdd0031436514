use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// How an actual value meets the target.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(4))")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Comparator {
    #[sea_orm(string_value = ">=")]
    #[serde(rename = ">=")]
    AtLeast,
    #[sea_orm(string_value = "<=")]
    #[serde(rename = "<=")]
    AtMost,
    #[sea_orm(string_value = "=")]
    #[serde(rename = "=")]
    Equal,
    #[sea_orm(string_value = ">")]
    #[serde(rename = ">")]
    Above,
    #[sea_orm(string_value = "<")]
    #[serde(rename = "<")]
    Below,
}

impl Comparator {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::AtMost => "≤",
            Comparator::Equal => "=",
            Comparator::Above => ">",
            Comparator::Below => "<",
        }
    }
}

crate::vocabulary::vocabulary! {
    /// 约束性 (binding) or 预期性 (expected), as five-year plans mark targets.
    pub enum IndicatorKind {
        Binding => "约束性",
        Expected => "预期性",
    }
}

/// A measurable target of a task (or of the plan as a whole).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub task_id: Option<i64>,
    pub name: String,
    /// The target as written ("95"); `target_value` is its number when it has one.
    pub target: String,
    pub target_value: Option<f64>,
    /// Unit of measure ("%", "平方米").
    pub measure: Option<String>,
    pub comparator: Comparator,
    pub kind: Option<IndicatorKind>,
    /// Per-unit targets: {"unit_id": "target"}.
    pub breakdown: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
