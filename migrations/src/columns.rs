//! Column, key and index shapes every migration uses.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::big_integer;

/// A 64-bit auto-increment key (plain INTEGER on SQLite, as it requires).
pub(crate) fn big_pk<T: IntoIden>(name: T) -> ColumnDef {
    big_integer(name).auto_increment().primary_key().take()
}

/// A foreign key to `to_table.id`; deleting the parent cascades or is refused.
pub(crate) fn fk<F: IntoIden + 'static, T: IntoIden + 'static, C: IntoIden + 'static>(
    name: &str,
    from_table: F,
    from_col: C,
    to_table: T,
    cascade: bool,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from_table, from_col)
        .to(to_table, Alias::new("id"))
        .on_delete(if cascade {
            ForeignKeyAction::Cascade
        } else {
            ForeignKeyAction::Restrict
        })
        .to_owned()
}

pub(crate) async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: &str,
    cols: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(Alias::new(table));
    for c in cols {
        idx.col(Alias::new(*c));
    }
    if unique {
        idx.unique();
    }
    manager.create_index(idx.to_owned()).await
}

/// Adds columns to a table, one ALTER TABLE each (SQLite takes one at a time).
pub(crate) async fn add_columns<T: IntoIden>(
    manager: &SchemaManager<'_>,
    table: T,
    cols: Vec<ColumnDef>,
) -> Result<(), DbErr> {
    let table = table.into_iden();
    for col in cols {
        manager
            .alter_table(
                Table::alter()
                    .table(table.clone())
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

/// Drops columns from a table, one ALTER TABLE each.
pub(crate) async fn drop_columns<T: IntoIden, C: IntoIden + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    cols: Vec<C>,
) -> Result<(), DbErr> {
    let table = table.into_iden();
    for col in cols {
        manager
            .alter_table(
                Table::alter()
                    .table(table.clone())
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}
