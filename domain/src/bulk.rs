//! Inserting many rows in few statements. PostgreSQL: the rows travel as
//! one JSON parameter read by `json_populate_recordset`, which costs the
//! server one parse and nothing per parameter. SQLite: multi-row `VALUES`
//! with bound parameters (the statement's text written here, the values
//! bound as `insert_many` binds them), because SQLite's `json_each` turns
//! every row's object back into text and parses it again for each field,
//! which cost more than binding (both measured in docs/BENCHMARKS.md, "Escalating a
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
use serde_json::Value as Json;

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
    let target = Target::new(<A::Entity as Default>::default().table_name(), &names, skip);
    match conn.get_database_backend() {
        DbBackend::Sqlite => insert_values(conn, &target, &columns, rows).await,
        _ => insert_json(conn, &target, &columns, &names, rows).await,
    }
}

/// What every statement of one insert names: the quoted table, its quoted
/// column list, and the conflict clause (or nothing).
struct Target {
    table: String,
    list: String,
    conflict: String,
}

impl Target {
    fn new(table: &str, names: &[String], skip: Option<SkipConflicts<'_>>) -> Self {
        Self {
            table: quote(table),
            list: quoted_list(names.iter().map(String::as_str)),
            conflict: skip.map_or(String::new(), |SkipConflicts(on)| {
                format!(
                    " ON CONFLICT ({}) DO NOTHING",
                    quoted_list(on.iter().copied())
                )
            }),
        }
    }
}

/// A row's value of a column, `None` when it is not set.
fn cell<A: ActiveModelTrait>(row: &A, c: <A::Entity as EntityTrait>::Column) -> Option<Value> {
    match row.get(c) {
        ActiveValue::Set(v) | ActiveValue::Unchanged(v) => Some(v),
        ActiveValue::NotSet => None,
    }
}

/// SQLite: multi-row `VALUES`, as many rows a statement as its parameter
/// limit (32,766) allows. The statement is written here, not built by
/// sea-query: building an expression tree of 32,000 values, then the text
/// from it, cost more than SQLite's own work for the rows
/// (docs/BENCHMARKS.md). The values are bound as `insert_many` binds them.
async fn insert_values<A, C>(
    conn: &C,
    target: &Target,
    columns: &[<A::Entity as EntityTrait>::Column],
    rows: &[A],
) -> Result<u64, DbErr>
where
    A: ActiveModelTrait,
    C: ConnectionTrait,
{
    let per_statement = (32_000 / columns.len().max(1)).max(1);
    let placeholders = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut written = 0;
    for chunk in rows.chunks(per_statement) {
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}{}",
            target.table,
            target.list,
            vec![placeholders.as_str(); chunk.len()].join(", "),
            target.conflict
        );
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|row| {
                columns
                    .iter()
                    .map(|c| cell(row, *c).unwrap_or(Value::String(None)))
            })
            .collect();
        written += conn
            .execute(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                sql,
                values,
            ))
            .await?
            .rows_affected();
    }
    Ok(written)
}

/// PostgreSQL: the rows as one JSON parameter per statement. The document
/// is written as text straight from the values: no object per row (a map
/// with its own copy of every key) to build, serialize and drop, which was
/// most of the client's time.
async fn insert_json<A, C>(
    conn: &C,
    target: &Target,
    columns: &[<A::Entity as EntityTrait>::Column],
    names: &[String],
    rows: &[A],
) -> Result<u64, DbErr>
where
    A: ActiveModelTrait,
    C: ConnectionTrait,
{
    let sql = statement(target);
    // Each column's key as JSON text, `"name":`, written once.
    let keys: Vec<String> = names
        .iter()
        .map(|n| format!("{}:", Json::String(n.clone())))
        .collect();
    let mut written = 0;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut text: Vec<u8> = Vec::with_capacity(chunk.len() * 48 * columns.len());
        text.push(b'[');
        for (i, row) in chunk.iter().enumerate() {
            if i > 0 {
                text.push(b',');
            }
            text.push(b'{');
            for (j, (c, key)) in columns.iter().zip(&keys).enumerate() {
                if j > 0 {
                    text.push(b',');
                }
                text.extend_from_slice(key.as_bytes());
                match cell(row, *c) {
                    Some(v) => write_value(&mut text, v)?,
                    None => text.extend_from_slice(b"null"),
                }
            }
            text.push(b'}');
        }
        text.push(b']');
        let text =
            String::from_utf8(text).map_err(|e| DbErr::Custom(format!("bulk insert: {e}")))?;
        written += conn
            .execute(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql.as_str(),
                [Value::from(text)],
            ))
            .await?
            .rows_affected();
    }
    Ok(written)
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quoted_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.map(quote).collect::<Vec<_>>().join(", ")
}

/// PostgreSQL's statement: the rows as one JSON parameter.
fn statement(target: &Target) -> String {
    format!(
        "INSERT INTO {t} ({list}) SELECT {list} FROM json_populate_recordset(NULL::{t}, $1::json){conflict}",
        t = target.table,
        list = target.list,
        conflict = target.conflict
    )
}

/// Appends a value as the JSON the statement reads it from: numbers and
/// booleans as themselves, texts as JSON strings, a JSON column as the
/// document itself, times and dates in the text PostgreSQL's input
/// functions read (as sqlx writes them).
fn write_value(out: &mut Vec<u8>, v: Value) -> Result<(), DbErr> {
    use Value as V;
    use std::io::Write as _;
    // Writing into a Vec cannot fail; serializing a string or a JSON
    // document cannot either.
    fn num(out: &mut Vec<u8>, n: Option<impl std::fmt::Display>) {
        match n {
            Some(n) => {
                let _ = write!(out, "{n}");
            }
            None => out.extend_from_slice(b"null"),
        }
    }
    fn json(out: &mut Vec<u8>, v: &(impl serde::Serialize + ?Sized)) {
        let _ = serde_json::to_writer(out, v);
    }
    match v {
        V::Bool(b) => out.extend_from_slice(match b {
            Some(true) => b"true",
            Some(false) => b"false",
            None => b"null",
        }),
        V::TinyInt(i) => num(out, i),
        V::SmallInt(i) => num(out, i),
        V::Int(i) => num(out, i),
        V::BigInt(i) => num(out, i),
        V::TinyUnsigned(i) => num(out, i),
        V::SmallUnsigned(i) => num(out, i),
        V::Unsigned(i) => num(out, i),
        V::BigUnsigned(i) => num(out, i),
        V::String(Some(s)) => json(out, s.as_str()),
        V::Json(Some(j)) => json(out, &*j),
        V::ChronoDateTimeUtc(Some(t)) => {
            let _ = write!(
                out,
                "\"{}\"",
                t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
            );
        }
        V::ChronoDate(Some(d)) => {
            let _ = write!(out, "\"{}\"", d.format("%F"));
        }
        V::String(None) | V::Json(None) | V::ChronoDateTimeUtc(None) | V::ChronoDate(None) => {
            out.extend_from_slice(b"null");
        }
        other => {
            return Err(DbErr::Custom(format!(
                "bulk insert: unsupported value {other:?}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_postgres_statement() {
        let names = ["a".to_owned(), "b".to_owned()];
        assert_eq!(
            statement(&Target::new("t", &names, Some(SkipConflicts(&["a"])))),
            "INSERT INTO \"t\" (\"a\", \"b\") SELECT \"a\", \"b\" FROM json_populate_recordset(NULL::\"t\", $1::json) ON CONFLICT (\"a\") DO NOTHING"
        );
        assert_eq!(
            statement(&Target::new("t", &names, None)),
            "INSERT INTO \"t\" (\"a\", \"b\") SELECT \"a\", \"b\" FROM json_populate_recordset(NULL::\"t\", $1::json)"
        );
    }

    fn written(v: Value) -> Result<String, DbErr> {
        let mut out = Vec::new();
        write_value(&mut out, v)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn values_are_written_as_postgres_reads_them() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-21T08:00:00.5Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            written(Value::from(t)).unwrap(),
            "\"2026-11-21T08:00:00.500+00:00\""
        );
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(written(Value::from(day)).unwrap(), "\"2026-03-05\"");
        assert!(written(Value::Double(Some(1.0))).is_err());
        let doc = serde_json::json!({"level": 2, "note": "\"引号\"\n"});
        assert_eq!(
            serde_json::from_str::<Json>(&written(Value::from(doc.clone())).unwrap()).unwrap(),
            doc
        );
        assert_eq!(
            written(Value::from("督办\"\\\u{1}")).unwrap(),
            "\"督办\\\"\\\\\\u0001\""
        );
        assert_eq!(written(Value::BigInt(Some(-42))).unwrap(), "-42");
        assert_eq!(written(Value::BigInt(None)).unwrap(), "null");
        assert_eq!(written(Value::Bool(Some(true))).unwrap(), "true");
        assert_eq!(written(Value::String(None)).unwrap(), "null");
    }
}
