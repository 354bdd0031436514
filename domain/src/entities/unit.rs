use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    /// What kind of body a unit is; the tree usually runs office / department ->
    /// county -> street -> community.
    pub enum UnitKind {
        /// The supervising office (政府办公室 / 督查室).
        Office => "督办机构",
        /// A city department (委、办、局).
        Department => "部门",
        /// A county or district government (县(市)、区人民政府, 管委会).
        County => "县区",
        /// A street office or township (街道 / 乡镇).
        Street => "街道乡镇",
        /// A community or village (社区 / 村).
        Community => "社区村",
    }
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
