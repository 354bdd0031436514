//! Duban's schema. One set of migrations serves SQLite and PostgreSQL; keep
//! to column types both understand.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261121_000001_foundation;
mod m20261121_000002_workflow;
mod m20261121_000003_jobs;
mod m20261121_000004_inspection;
mod m20261201_000005_catalogue;
mod m20261201_000006_people;
mod m20261201_000007_ui;
mod m20261201_000009_channels;
mod m20261201_000010_duties;
mod m20261201_000011_login_throttles;
mod m20261201_000012_lists;
mod m20261202_000013_sent_journal;

pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_foundation::Migration),
            Box::new(m20261121_000002_workflow::Migration),
            Box::new(m20261121_000003_jobs::Migration),
            Box::new(m20261121_000004_inspection::Migration),
            Box::new(m20261201_000005_catalogue::Migration),
            Box::new(m20261201_000006_people::Migration),
            Box::new(m20261201_000007_ui::Migration),
            Box::new(m20261201_000009_channels::Migration),
            Box::new(m20261201_000010_duties::Migration),
            Box::new(m20261201_000011_login_throttles::Migration),
            Box::new(m20261201_000012_lists::Migration),
            Box::new(m20261202_000013_sent_journal::Migration),
        ]
    }
}
