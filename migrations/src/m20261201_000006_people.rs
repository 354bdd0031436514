//! People's everyday needs: a password an administrator set must be
//! changed at the next sign-in; a credential version that a token carries,
//! so a reset, a role change or a deactivation ends the tokens issued
//! before; remarks and leaders' instructions told apart.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{add_columns, drop_columns};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000006_people"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    MustChangePassword,
    CredentialVersion,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Kind,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            Users::Table,
            vec![
                boolean(Users::MustChangePassword).default(false).take(),
                integer(Users::CredentialVersion).default(1).take(),
            ],
        )
        .await?;
        add_columns(
            manager,
            Comments::Table,
            vec![string_len(Comments::Kind, 16).default("remark").take()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, Comments::Table, vec![Comments::Kind]).await?;
        drop_columns(
            manager,
            Users::Table,
            vec![Users::MustChangePassword, Users::CredentialVersion],
        )
        .await
    }
}
