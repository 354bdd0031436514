use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What kind of body a unit is; the tree usually runs office / department ->
/// county -> street -> community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UnitKind {
    /// The supervising office (政府办公室 / 督查室).
    #[sea_orm(string_value = "office")]
    Office,
    /// A city department (委、办、局).
    #[sea_orm(string_value = "department")]
    Department,
    /// A county or district government (县(市)、区人民政府, 管委会).
    #[sea_orm(string_value = "county")]
    County,
    /// A street office or township (街道 / 乡镇).
    #[sea_orm(string_value = "street")]
    Street,
    /// A community or village (社区 / 村).
    #[sea_orm(string_value = "community")]
    Community,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    /// Other names the unit goes by in notices (JSON array of strings).
    pub aliases: Json,
    pub email: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    pub fn alias_list(&self) -> Vec<String> {
        serde_json::from_value(self.aliases.clone()).unwrap_or_default()
    }
}
