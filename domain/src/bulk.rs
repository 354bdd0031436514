//! Inserting many rows in few statements. PostgreSQL: the rows travel as
//! one JSON parameter read by `json_populate_recordset`, which costs the
//! server one parse and nothing per parameter. SQLite: multi-row `VALUES`
//! with bound parameters, because SQLite's `json_each` turns every row's
//! object back into text and parses it again for each field, which cost
//! more than binding (both measured in docs/BENCHMARKS.md, "Escalating a
//! backlog").
//!
//! The rows are the entity's own active models, so what is written is what
//! `insert_many` would write: the same values, in the same text form on
//! SQLite (sqlx's own encodings of dates and times), with the table's own
//! column types converting them on PostgreSQL.

use chrono::SecondsFormat;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, DbBackend, DbErr, EntityName, EntityTrait,
    IdenStatic, Iterable, Statement, Value,
};
use serde_json::{Map, Value as Json};

/// Rows per PostgreSQL statement: the parameter is one text, so the bound
/// is memory, not a parameter limit; 5,000 outbox rows are about 2 MB.
pub const ROWS_PER_STATEMENT: usize = 5000;

/// The columns a conflict on which skips the row (`ON CONFLICT (...) DO
/// NOTHING`), or none.
#[derive(Debug, Clone, Copy)]
pub struct SkipConflicts<'a>(pub &'a [&'a str]);

/// Inserts `rows` on `conn`; answers how many were written (rows skipped on
/// a conflict are not counted). Columns left `NotSet` in the first row
/// (the generated id) are left to their defaults in every row.
pub async fn insert<A, C>(
    conn: &C,
    rows: &[A],
    skip: Option<SkipConflicts<'_>>,
) -> Result<u64, DbErr>
where
    A: ActiveModelTrait,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
    C: ConnectionTrait,
{
    let Some(first) = rows.first() else {
        return Ok(0);
    };
    let columns: Vec<<A::Entity as EntityTrait>::Column> =
        <<A::Entity as EntityTrait>::Column as Iterable>::iter()
            .filter(|c| !matches!(first.get(*c), ActiveValue::NotSet))
            .collect();
    let names: Vec<String> = columns.iter().map(|c| c.as_str().to_owned()).collect();
    let table = <A::Entity as Default>::default().table_name().to_owned();
    let backend = conn.get_database_backend();
    let mut written = 0;
    if backend == DbBackend::Sqlite {
        // Multi-row `VALUES` with bound parameters, as many rows a statement
        // as SQLite's parameter limit (32,766) allows.
        let per_statement = (32_000 / columns.len().max(1)).max(1);
        for chunk in rows.chunks(per_statement) {
            let mut insert = <A::Entity as EntityTrait>::insert_many(chunk.iter().cloned());
            if let Some(SkipConflicts(on)) = skip {
                let keys = <<A::Entity as EntityTrait>::Column as Iterable>::iter()
                    .filter(|c| on.contains(&c.as_str()));
                insert = insert.on_conflict(
                    sea_orm::sea_query::OnConflict::columns(keys)
                        .do_nothing()
                        .to_owned(),
                );
            }
            match insert.exec_without_returning(conn).await {
                Ok(n) => written += n,
                // Every row of the chunk was skipped on a conflict.
                Err(DbErr::RecordNotInserted) => {}
                Err(e) => return Err(e),
            }
        }
        return Ok(written);
    }
    let sql = statement(&table, &names, skip);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut doc = Vec::with_capacity(chunk.len());
        for row in chunk {
            let mut object = Map::with_capacity(columns.len());
            for (c, name) in columns.iter().zip(&names) {
                let v = match row.get(*c) {
                    ActiveValue::Set(v) | ActiveValue::Unchanged(v) => to_json(backend, v)?,
                    ActiveValue::NotSet => Json::Null,
                };
                object.insert(name.clone(), v);
            }
            doc.push(Json::Object(object));
        }
        let text = Json::Array(doc).to_string();
        let res = conn
            .execute(Statement::from_sql_and_values(
                backend,
                sql.as_str(),
                [Value::from(text)],
            ))
            .await?;
        written += res.rows_affected();
    }
    Ok(written)
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// PostgreSQL's statement: the rows as one JSON parameter.
fn statement(table: &str, names: &[String], skip: Option<SkipConflicts<'_>>) -> String {
    let cols: Vec<String> = names.iter().map(|n| quote(n)).collect();
    let list = cols.join(", ");
    let conflict = skip.map_or(String::new(), |SkipConflicts(on)| {
        let on: Vec<String> = on.iter().map(|n| quote(n)).collect();
        format!(" ON CONFLICT ({}) DO NOTHING", on.join(", "))
    });
    format!(
        "INSERT INTO {t} ({list}) SELECT {list} FROM json_populate_recordset(NULL::{t}, $1::json){conflict}",
        t = quote(table)
    )
}

/// A value as the JSON the statement reads it from: in the text sqlx
/// writes for it on SQLite (a JSON column as its text), which PostgreSQL's
/// input functions also read (a JSON column as the document itself).
fn to_json(backend: DbBackend, v: Value) -> Result<Json, DbErr> {
    use Value as V;
    Ok(match v {
        V::Bool(b) => b.map_or(Json::Null, Json::Bool),
        V::TinyInt(i) => i.map_or(Json::Null, Json::from),
        V::SmallInt(i) => i.map_or(Json::Null, Json::from),
        V::Int(i) => i.map_or(Json::Null, Json::from),
        V::BigInt(i) => i.map_or(Json::Null, Json::from),
        V::TinyUnsigned(i) => i.map_or(Json::Null, Json::from),
        V::SmallUnsigned(i) => i.map_or(Json::Null, Json::from),
        V::Unsigned(i) => i.map_or(Json::Null, Json::from),
        V::BigUnsigned(i) => i.map_or(Json::Null, Json::from),
        V::String(s) => s.map_or(Json::Null, |s| Json::String(*s)),
        V::Json(j) => j.map_or(Json::Null, |j| match backend {
            DbBackend::Postgres => *j,
            _ => Json::String(j.to_string()),
        }),
        V::ChronoDateTimeUtc(t) => t.map_or(Json::Null, |t| {
            Json::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, false))
        }),
        V::ChronoDate(d) => d.map_or(Json::Null, |d| Json::String(d.format("%F").to_string())),
        other => {
            return Err(DbErr::Custom(format!(
                "bulk insert: unsupported value {other:?}"
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_postgres_statement() {
        let names = ["a".to_owned(), "b".to_owned()];
        assert_eq!(
            statement("t", &names, Some(SkipConflicts(&["a"]))),
            "INSERT INTO \"t\" (\"a\", \"b\") SELECT \"a\", \"b\" FROM json_populate_recordset(NULL::\"t\", $1::json) ON CONFLICT (\"a\") DO NOTHING"
        );
        assert_eq!(
            statement("t", &names, None),
            "INSERT INTO \"t\" (\"a\", \"b\") SELECT \"a\", \"b\" FROM json_populate_recordset(NULL::\"t\", $1::json)"
        );
    }

    #[test]
    fn times_are_written_as_sqlx_writes_them() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-21T08:00:00.5Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            to_json(DbBackend::Sqlite, Value::from(t)).unwrap(),
            Json::String("2026-11-21T08:00:00.500+00:00".into())
        );
        assert!(to_json(DbBackend::Sqlite, Value::Double(Some(1.0))).is_err());
        let doc = serde_json::json!({"level": 2});
        assert_eq!(
            to_json(DbBackend::Sqlite, Value::from(doc.clone())).unwrap(),
            Json::String("{\"level\":2}".into())
        );
        assert_eq!(
            to_json(DbBackend::Postgres, Value::from(doc.clone())).unwrap(),
            doc
        );
    }
}
