//! Who is paid: an account of the CMS (its payee made on first need) or an external contributor
//! under a pen name. The identity number, tax code and bank account are personal data (Nghị
//! định 13/2023): sealed at rest with `PORTAL_DATA_KEY` bound to the payee's row, listed only as a
//! mask, shown whole only to `royalties:manage`, and every such view is audited.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_auth::scopes::Scope;
use portal_auth::{Acting, Principal};
use portal_core::text::checked;
use portal_core::{Error, FieldError, Page, PageRequest};
use portal_db::schema::royalty_payees;
use portal_db::{now, write_transaction, DbConn};
use portal_feedback::DataKey;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::model::PayeeRow;

/// What is sealed of a payee.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub full_name: Option<String>,
    pub id_number: Option<String>,
    pub tax_code: Option<String>,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PayeeInput {
    pub pen_name: String,
    pub agency: Option<String>,
    pub identity: Identity,
}

#[derive(Debug, Clone)]
pub struct PayeeView {
    pub id: i64,
    pub pen_name: String,
    pub user_id: Option<i64>,
    pub agency: Option<String>,
    pub masked: String,
    /// Only in `show`, to the IT centre.
    pub identity: Option<Identity>,
    pub created_at: NaiveDateTime,
}

fn bound(id: i64) -> String {
    format!("royalty_payee:{id}")
}

/// "CCCD ***1234 · MST ***5678 · TK ***6789 (Vietcombank)": the last four characters only.
fn mask(identity: &Identity) -> String {
    let tail = |v: &str| {
        let chars: Vec<char> = v.chars().collect();
        let start = chars.len().saturating_sub(4);
        format!("***{}", chars[start..].iter().collect::<String>())
    };
    let mut parts = Vec::new();
    if let Some(v) = &identity.id_number {
        parts.push(format!("CCCD {}", tail(v)));
    }
    if let Some(v) = &identity.tax_code {
        parts.push(format!("MST {}", tail(v)));
    }
    if let Some(v) = &identity.bank_account {
        let bank = identity
            .bank_name
            .as_deref()
            .map(|b| format!(" ({b})"))
            .unwrap_or_default();
        parts.push(format!("TK {}{bank}", tail(v)));
    }
    if parts.is_empty() {
        "(chưa có thông tin thanh toán)".into()
    } else {
        parts.join(" · ")
    }
}

fn clean_identity(errors: &mut Vec<FieldError>, identity: &Identity) -> Identity {
    let mut field = |name: &str, value: &Option<String>, max: usize, digits_only: bool| {
        let path = format!("identity.{name}");
        let value = value
            .as_deref()
            .map(|v| checked(errors, &path, v, max, false, false))
            .filter(|v| !v.is_empty());
        if let Some(v) = &value {
            if digits_only && !v.chars().all(|c| c.is_ascii_digit() || c == '-') {
                errors.push(FieldError::new(path, "not_a_number", "digits (and -) only"));
            }
        }
        value
    };
    Identity {
        full_name: field("full_name", &identity.full_name, 200, false),
        id_number: field("id_number", &identity.id_number, 20, true),
        tax_code: field("tax_code", &identity.tax_code, 20, true),
        bank_account: field("bank_account", &identity.bank_account, 40, true),
        bank_name: field("bank_name", &identity.bank_name, 200, false),
    }
}

/// The payee's fields cleaned, or every broken rule.
fn cleaned(
    conn: &mut DbConn,
    input: &PayeeInput,
) -> Result<(String, Option<i64>, Identity), Error> {
    let mut errors = Vec::new();
    let pen_name = checked(&mut errors, "pen_name", &input.pen_name, 200, false, true);
    let identity = clean_identity(&mut errors, &input.identity);
    let agency_id = match &input.agency {
        Some(code) => match portal_sections::agencies::find_by_code(conn, code)? {
            Some(a) => Some(a.id),
            None => {
                errors.push(FieldError::new(
                    "agency",
                    "unknown_agency",
                    format!("no agency {code}"),
                ));
                None
            }
        },
        None => None,
    };
    if errors.is_empty() {
        Ok((pen_name, agency_id, identity))
    } else {
        Err(Error::Validation(errors))
    }
}

fn view(conn: &mut DbConn, row: PayeeRow, identity: Option<Identity>) -> Result<PayeeView, Error> {
    let agency = match row.agency_id {
        Some(id) => Some(portal_sections::agencies::code_of(conn, id)?),
        None => None,
    };
    Ok(PayeeView {
        id: row.id,
        pen_name: row.pen_name,
        user_id: row.user_id,
        agency,
        masked: row.masked,
        identity,
        created_at: row.created_at,
    })
}

pub(crate) fn load(conn: &mut DbConn, id: i64) -> Result<PayeeRow, Error> {
    royalty_payees::table
        .find(id)
        .select(PayeeRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("payee", id))
}

/// An external contributor (or an account's payment details, when `user_id` is given later).
pub fn create(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    input: &PayeeInput,
) -> Result<PayeeView, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    let (pen_name, agency_id, identity) = cleaned(conn, input)?;
    write_transaction(conn, |conn| {
        let at = now();
        let id: i64 = diesel::insert_into(royalty_payees::table)
            .values((
                royalty_payees::pen_name.eq(&pen_name),
                royalty_payees::agency_id.eq(agency_id),
                royalty_payees::masked.eq(mask(&identity)),
                royalty_payees::created_by.eq(&who.actor.label),
                royalty_payees::created_at.eq(at),
                royalty_payees::updated_at.eq(at),
            ))
            .returning(royalty_payees::id)
            .get_result(conn)?;
        diesel::update(royalty_payees::table.find(id))
            .set(royalty_payees::sealed.eq(Some(key.seal_json(&identity, &bound(id))?)))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.payee_created",
            Some(&format!("royalty_payee:{id}")),
            None,
            Some(&json!({"pen_name": pen_name})),
        )?;
        let row = load(conn, id)?;
        view(conn, row, None)
    })
}

/// Replaces a payee's pen name, agency and payment details (an account's payee gets its bank
/// account here); the details are sealed again, and the audit names no value.
pub fn update(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    id: i64,
    input: &PayeeInput,
) -> Result<PayeeView, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    let (pen_name, agency_id, identity) = cleaned(conn, input)?;
    write_transaction(conn, |conn| {
        let before = load(conn, id)?;
        diesel::update(royalty_payees::table.find(id))
            .set((
                royalty_payees::pen_name.eq(&pen_name),
                royalty_payees::agency_id.eq(agency_id.or(before.agency_id)),
                royalty_payees::masked.eq(mask(&identity)),
                royalty_payees::sealed.eq(Some(key.seal_json(&identity, &bound(id))?)),
                royalty_payees::updated_at.eq(now()),
            ))
            .execute(conn)?;
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.payee_updated",
            Some(&format!("royalty_payee:{id}")),
            Some(&json!({"pen_name": before.pen_name})),
            Some(&json!({"pen_name": pen_name})),
        )?;
        let row = load(conn, id)?;
        view(conn, row, None)
    })
}

pub fn list(
    conn: &mut DbConn,
    principal: &Principal,
    page: &PageRequest,
) -> Result<Page<PayeeView>, Error> {
    principal.require(Scope::RoyaltiesManage)?;
    let mut query = royalty_payees::table
        .order(royalty_payees::id.desc())
        .select(PayeeRow::as_select())
        .limit(page.fetch_limit())
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(royalty_payees::id.lt(after));
    }
    let rows: Vec<PayeeRow> = query.load(conn)?;
    let page_rows = Page::from_rows(rows, page, |r| r.id.to_string());
    let mut items = Vec::new();
    for row in page_rows.items {
        items.push(view(conn, row, None)?);
    }
    Ok(Page {
        items,
        next_cursor: page_rows.next_cursor,
    })
}

/// One payee with the sealed details opened; the view is audited.
pub fn show(conn: &mut DbConn, who: &Acting, key: &DataKey, id: i64) -> Result<PayeeView, Error> {
    who.principal.require(Scope::RoyaltiesManage)?;
    write_transaction(conn, |conn| {
        let row = load(conn, id)?;
        let identity = match &row.sealed {
            Some(sealed) => key.open_json::<Identity>(sealed, &bound(id))?,
            None => Identity::default(),
        };
        portal_audit::append(
            conn,
            &who.actor,
            "royalties.payee_viewed",
            Some(&format!("royalty_payee:{id}")),
            None,
            None,
        )?;
        view(conn, row, Some(identity))
    })
}

/// The payee of an account, made on first need under its display name (its payment details are
/// added by the IT centre).
pub fn of_user(conn: &mut DbConn, user_id: i64, by: &str) -> Result<i64, Error> {
    if let Some(id) = royalty_payees::table
        .filter(royalty_payees::user_id.eq(user_id))
        .select(royalty_payees::id)
        .first::<i64>(conn)
        .optional()?
    {
        return Ok(id);
    }
    let user = portal_auth::accounts::user_by_id(conn, user_id)?;
    let at = now();
    Ok(diesel::insert_into(royalty_payees::table)
        .values((
            royalty_payees::user_id.eq(Some(user_id)),
            royalty_payees::pen_name.eq(&user.display_name),
            royalty_payees::agency_id.eq(Some(user.agency_id)),
            royalty_payees::masked.eq(mask(&Identity::default())),
            royalty_payees::created_by.eq(by),
            royalty_payees::created_at.eq(at),
            royalty_payees::updated_at.eq(at),
        ))
        .returning(royalty_payees::id)
        .get_result(conn)?)
}

/// The payee of the signed-in account, if it has one.
pub fn own(conn: &mut DbConn, principal: &Principal) -> Result<Option<i64>, Error> {
    let Some(user_id) = principal.user_id() else {
        return Err(Error::Forbidden(
            "royalties are paid to accounts, not API keys".into(),
        ));
    };
    Ok(royalty_payees::table
        .filter(royalty_payees::user_id.eq(user_id))
        .select(royalty_payees::id)
        .first::<i64>(conn)
        .optional()?)
}
