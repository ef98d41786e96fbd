//! The content types every installation starts with, one for each kind of structured
//! information Điều 7.2 makes an agency publish (leaders, schedules, legal documents, Công báo,
//! projects, enterprises, budgets, statistics, disbursement, science tasks), each naming the
//! article it serves (`seed/types.json`). They are defined when absent, at every start and by
//! `portal seed`; a type that exists is left as the operator made it. Public consultation on
//! drafts (Điều 7.2.n) has its own domain (`portal-consultation`), not a type.

use portal_audit::Actor;
use portal_core::Error;
use portal_db::DbConn;
use serde::Deserialize;

use super::definition::{Definition, FieldDef};
use super::store::{self, TypeInput};

pub const SEEDED: &str = include_str!("../../seed/types.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedType {
    key: String,
    name: String,
    name_en: Option<String>,
    description: Option<String>,
    legal_basis: String,
    fields: Vec<FieldDef>,
}

fn parse() -> Result<Vec<SeedType>, Error> {
    serde_json::from_str(SEEDED)
        .map_err(|e| Error::Internal(format!("seed/types.json does not parse: {e}")))
}

/// Defines the seeded types that do not exist yet; returns the keys it added.
pub fn ensure(conn: &mut DbConn, actor: &Actor) -> Result<Vec<String>, Error> {
    let mut added = Vec::new();
    for t in parse()? {
        match store::get(conn, &t.key) {
            Ok(_) => continue,
            Err(Error::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
        let input = TypeInput {
            name: t.name,
            name_en: t.name_en,
            description: t.description,
            legal_basis: Some(t.legal_basis),
            definition: Definition { fields: t.fields },
            note: Some("seeded".into()),
            drop_fields: Vec::new(),
        };
        store::define(conn, actor, &t.key, &input)?;
        added.push(t.key);
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::definition::{check, FieldType};

    #[test]
    fn every_seeded_type_is_valid_and_names_its_article() {
        let types = parse().expect("parses");
        let keys: Vec<&str> = types.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(types.len(), 11);
        for t in &types {
            let definition = Definition {
                fields: t.fields.clone(),
            };
            if let Err(e) = check(&definition) {
                panic!("{}: {e:?}", t.key);
            }
            assert!(t.legal_basis.contains("Điều 7.2."), "{}", t.key);
            // Every reference names a type that is seeded too.
            for f in &t.fields {
                let spec = match (&f.spec.field_type, &f.spec.items) {
                    (FieldType::List, Some(items)) => items.as_ref(),
                    _ => &f.spec,
                };
                if let Some(target) = &spec.target_type {
                    assert!(keys.contains(&target.as_str()), "{}.{}", t.key, f.name);
                }
            }
        }
        // The legal documents carry what NĐ 42/2022 (NĐ 43/2011, Điều 10.1.e) asks for.
        let documents = types
            .iter()
            .find(|t| t.key == "van-ban-phap-luat")
            .expect("legal documents");
        for field in [
            "loai",
            "so_ky_hieu",
            "co_quan_ban_hanh",
            "nguoi_ky",
            "ngay_ban_hanh",
            "ngay_hieu_luc",
            "tinh_trang",
            "linh_vuc",
            "trich_yeu",
            "tep",
        ] {
            assert!(documents.fields.iter().any(|f| f.name == field), "{field}");
        }
    }
}
