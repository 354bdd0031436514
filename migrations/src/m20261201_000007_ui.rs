//! For the web UI: a unit's plans (the list's plan filter, the plan page)
//! read from the index alone instead of every assignment row of the unit.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000007_ui"
    }
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    UnitId,
    PlanId,
    Status,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_assignments_unit_plan")
                    .table(Assignments::Table)
                    .col(Assignments::UnitId)
                    .col(Assignments::PlanId)
                    .col(Assignments::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_assignments_unit_plan")
                    .table(Assignments::Table)
                    .to_owned(),
            )
            .await
    }
}
