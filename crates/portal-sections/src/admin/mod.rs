//! Changes to sites, agencies and sections, each one transaction with its audit event. Who may
//! make them is decided by the caller's scopes, checked before these are called.

use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::text::{is_slug, nfc, slugify};
use portal_core::{Error, FieldError, Lang};
use portal_db::schema::{agencies, sections, sites};
use portal_db::{now, write_transaction, DbConn};
use serde_json::{json, Value};

use crate::model::{Agency, AgencyKind, Section, Site};
use crate::{agencies as agency_queries, sites as site_queries};

mod agency_changes;
mod section_changes;
mod site_changes;

pub use agency_changes::*;
pub use section_changes::*;
pub use site_changes::*;

pub const MAX_NAME_CHARS: usize = 300;
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;

/// A name or description a person wrote: the text rules of Điều 6.6 (no control characters, no
/// legacy TCVN3/VNI text, which would also make a public slug of garbage), then its length.
fn check_name(errors: &mut Vec<FieldError>, field: &str, value: &str, required: bool) {
    let chars = value.chars().count();
    let multiline = field == "description";
    if let Some(problem) = portal_core::text::human_text_problem(field, value, multiline) {
        errors.push(problem);
    } else if required && value.trim().is_empty() {
        errors.push(FieldError::new(field, "required", "must not be empty"));
    } else if chars > MAX_NAME_CHARS {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("at most {MAX_NAME_CHARS} characters, got {chars}"),
        ));
    }
}

fn clean(value: &str) -> String {
    nfc(value.trim())
}

fn clean_optional(value: Option<&str>) -> Option<String> {
    value.map(clean).filter(|v| !v.is_empty())
}

fn finish(errors: Vec<FieldError>) -> Result<(), Error> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

fn agency_json(a: &Agency, parent: Option<&str>) -> Value {
    json!({"code": a.code, "name_vi": a.name_vi, "name_en": a.name_en, "kind": a.kind, "parent": parent, "active": a.active})
}

fn site_json(s: &Site) -> Value {
    json!({"key": s.key, "name_vi": s.name_vi, "name_en": s.name_en, "base_url": s.base_url,
           "languages": s.languages, "owner_agency_id": s.owner_agency_id, "parent_site_id": s.parent_site_id, "active": s.active,
           "require_two_person_approval": s.require_two_person_approval, "review_threshold_hours": s.review_threshold_hours,
           "forwarder_may_approve": s.forwarder_may_approve})
}

fn section_json(s: &Section) -> Value {
    json!({"site_id": s.site_id, "parent_id": s.parent_id, "position": s.position, "slug": s.slug,
           "name_vi": s.name_vi, "name_en": s.name_en, "description": s.description,
           "owner_agency_id": s.owner_agency_id, "visible": s.visible})
}
