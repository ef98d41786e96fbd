//! The rules of a definition, each broken once (`definition::check`).

use super::*;
use serde_json::json;

fn def(fields: Value) -> Definition {
    serde_json::from_value(json!({ "fields": fields })).expect("parses")
}

fn codes(r: Result<Definition, Vec<FieldError>>) -> Vec<(String, String)> {
    r.err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

#[test]
fn every_broken_rule_of_a_definition_is_named() {
    let r = check(&def(json!([
        {"name": "Số", "label": "Số", "type": "text"},
        {"name": "a", "label": "", "type": "enum", "options": [{"value": "x", "label": "X"}, {"value": "x", "label": "Y"}]},
        {"name": "a", "label": "A", "type": "decimal"},
        {"name": "b", "label": "B", "type": "text", "pattern": "(", "indexed": true},
        {"name": "c", "label": "C", "type": "list", "items": {"type": "list", "items": {"type": "text"}}},
        {"name": "d", "label": "D", "type": "integer", "min": 5, "max": 1},
        {"name": "e", "label": "E", "type": "rich_text", "unique": true, "indexed": true},
        {"name": "f", "label": "F", "type": "boolean", "scale": 2}
    ])));
    let got = codes(r);
    for want in [
        ("fields[0].name", "invalid_name"),
        ("fields[1].label", "required"),
        ("fields[1].options[1].value", "duplicate"),
        ("fields[2].name", "duplicate"),
        ("fields[2].scale", "required"),
        ("fields[3].pattern", "invalid_pattern"),
        ("fields[3].max", "required_for_index"),
        ("fields[4].items.type", "nested_list"),
        ("fields[5].max", "below_min"),
        ("fields[6].indexed", "not_indexable"),
        ("fields[6].unique", "not_unique_kind"),
        ("fields[7].scale", "not_for_type"),
    ] {
        assert!(
            got.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {got:?}"
        );
    }
}

#[test]
fn a_good_definition_comes_back_in_nfc() {
    let d = check(&def(json!([
        {"name": "so_ky_hieu", "label": "So\u{302}\u{301} ký hiệu", "type": "text", "max": 50, "indexed": true, "unique": true, "required": true},
        {"name": "files", "label": "Tệp", "type": "list", "items": {"type": "file"}, "max": 20}
    ])))
    .expect("valid");
    assert_eq!(d.fields[0].label, "Số ký hiệu");
}
