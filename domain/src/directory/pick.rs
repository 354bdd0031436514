//! Units picked by a person typing names, as a notice writes them: by name
//! or alias, several separated by 、，, ； or line breaks; a name written
//! without the city's 市 (体育局 after 市文广新局) is read with it.

use crate::DomainError;
use crate::db::Db;
use crate::directory::units;
use crate::workflow::import::Directory;

/// What a typed list of names came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picked {
    /// The units found, in the order typed, each once.
    pub ids: Vec<i64>,
    /// Names nothing in the directory goes by.
    pub unknown: Vec<String>,
}

pub fn pick_in(dir: &Directory, text: &str) -> Picked {
    let mut out = Picked::default();
    let names = text.split(|c: char| "、，,；;\n\r\t".contains(c));
    for name in names {
        let name = name.trim().to_owned();
        if name.is_empty() {
            continue;
        }
        let found = dir
            .find(&name)
            .or_else(|| (!name.starts_with('市')).then(|| dir.find(&format!("市{name}")))?);
        match found {
            Some(id) if !out.ids.contains(&id) => out.ids.push(id),
            Some(_) => {}
            None if !out.unknown.contains(&name) => out.unknown.push(name),
            None => {}
        }
    }
    out
}

/// Reads a typed list of unit names against the whole directory.
pub async fn pick(db: &Db, text: &str) -> Result<Picked, DomainError> {
    Ok(pick_in(&Directory::new(units::all(db.conn()).await?), text))
}

/// Every name and alias people may type, for the form's suggestions.
pub async fn names(db: &Db) -> Result<Vec<String>, DomainError> {
    let mut out = Vec::new();
    for u in units::all(db.conn()).await? {
        out.extend(u.alias_list());
        out.push(u.name);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::unit::{self, UnitKind};

    fn unit(id: i64, name: &str, aliases: &[&str]) -> unit::Model {
        unit::Model {
            id,
            name: name.into(),
            kind: UnitKind::Department,
            parent_id: None,
            aliases: serde_json::json!(aliases),
            email: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn names_and_aliases_in_a_typed_list() {
        let dir = Directory::new(vec![
            unit(1, "市民政局", &[]),
            unit(2, "市卫生局", &["市卫计委"]),
            unit(3, "市文广新局", &[]),
            unit(4, "市体育局", &[]),
        ]);
        assert_eq!(pick_in(&dir, "市民政局").ids, [1]);
        let p = pick_in(&dir, "市卫计委、市文广新局、体育局\n市民政局，市民政局");
        assert_eq!(p.ids, [2, 3, 4, 1]);
        assert!(p.unknown.is_empty(), "{p:?}");
        let p = pick_in(&dir, "市民政局, 市交通局");
        assert_eq!((p.ids, p.unknown), (vec![1], vec!["市交通局".to_owned()]));
        assert_eq!(pick_in(&dir, "  "), Picked::default());
    }
}
