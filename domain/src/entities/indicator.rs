use sea_orm::entity::prelude::*;

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
    /// ">=", "<=" or "=".
    pub comparator: String,
    /// "binding" (约束性) or "expected" (预期性).
    pub kind: Option<String>,
    /// Per-unit targets: {"unit_id": "target"}.
    pub breakdown: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
