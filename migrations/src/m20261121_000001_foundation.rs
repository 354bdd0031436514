//! Units, users, the audit log, and the row SQLite writers lock first.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::big_pk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261121_000001_foundation"
    }
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
    Name,
    Kind,
    ParentId,
    Aliases,
    Email,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    Email,
    UnitId,
    Roles,
    Active,
    PasswordHash,
    FailedLogins,
    LockedUntil,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorUserId,
    ActorName,
    Entity,
    EntityId,
    Action,
    Before,
    After,
}

#[derive(DeriveIden)]
enum WriteLock {
    Table,
    Id,
    N,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WriteLock::Table)
                    .col(integer(WriteLock::Id).primary_key())
                    .col(big_integer(WriteLock::N).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(WriteLock::Table)
                    .columns([WriteLock::Id, WriteLock::N])
                    .values_panic([1.into(), 0.into()])
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Units::Table)
                    .col(big_pk(Units::Id))
                    .col(string_len_uniq(Units::Name, 100))
                    .col(string_len(Units::Kind, 16))
                    .col(big_integer_null(Units::ParentId))
                    .col(json(Units::Aliases))
                    .col(string_len_null(Units::Email, 254))
                    .col(timestamp_with_time_zone(Units::CreatedAt))
                    .col(timestamp_with_time_zone(Units::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_units_parent")
                            .from(Units::Table, Units::ParentId)
                            .to(Units::Table, Units::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_units_parent")
                    .table(Units::Table)
                    .col(Units::ParentId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk(Users::Id))
                    .col(string_len_uniq(Users::Username, 64))
                    .col(string_len(Users::DisplayName, 64))
                    .col(string_len_null(Users::Email, 254))
                    .col(big_integer_null(Users::UnitId))
                    .col(string_len(Users::Roles, 128))
                    .col(boolean(Users::Active).default(true))
                    .col(string_len(Users::PasswordHash, 255))
                    .col(integer(Users::FailedLogins).default(0))
                    .col(timestamp_with_time_zone_null(Users::LockedUntil))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_unit")
                            .from(Users::Table, Users::UnitId)
                            .to(Units::Table, Units::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_users_unit")
                    .table(Users::Table)
                    .col(Users::UnitId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_pk(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    .col(big_integer_null(AuditEvents::ActorUserId))
                    .col(string_len(AuditEvents::ActorName, 64))
                    .col(string_len(AuditEvents::Entity, 32))
                    .col(big_integer(AuditEvents::EntityId))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(json_null(AuditEvents::Before))
                    .col(json_null(AuditEvents::After))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_events_entity")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::Entity)
                    .col(AuditEvents::EntityId)
                    .col(AuditEvents::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditEvents::Table.into_iden(),
            Users::Table.into_iden(),
            Units::Table.into_iden(),
            WriteLock::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        Ok(())
    }
}
