//! The comments of a consultation as the office works with them (CSV, XLSX): every comment with
//! its status, part, author and contact, and disposition. The contact details are personal data:
//! only the owning agency exports, and each export is audited.

use diesel::prelude::*;
use portal_auth::Acting;
use portal_core::text::spreadsheet_safe;
use portal_core::Error;
use portal_db::schema::consultation_comments;
use portal_db::{write_transaction, DbConn};
use portal_feedback::personal::DataKey;
use serde_json::json;

use crate::authoring::owned;
use crate::comments::contact_of_unaudited;
use crate::model::Comment;
use crate::public::part_labels;

/// One row of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub id: i64,
    pub received_at: String,
    pub status: String,
    pub part: String,
    pub organisation: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub shown_with_consent: bool,
    pub body: String,
    pub disposition: String,
    pub disposition_reason: String,
}

pub const HEADINGS: [&str; 12] = [
    "Số",
    "Ngày nhận",
    "Trạng thái",
    "Phần góp ý",
    "Tổ chức",
    "Họ tên",
    "Thư điện tử",
    "Điện thoại",
    "Đồng ý công khai",
    "Nội dung",
    "Tiếp thu",
    "Giải trình",
];

/// Every comment of the agency's consultation, oldest first; the export is audited.
pub fn rows(
    conn: &mut DbConn,
    who: &Acting,
    key: &DataKey,
    agency_code: &str,
    id: i64,
) -> Result<(String, Vec<ExportRow>), Error> {
    write_transaction(conn, |conn| {
        let consultation = owned(conn, who, agency_code, id)?;
        let comments: Vec<Comment> = consultation_comments::table
            .filter(consultation_comments::consultation_id.eq(id))
            .order(consultation_comments::id.asc())
            .select(Comment::as_select())
            .load(conn)?;
        let labels = part_labels(conn, id)?;
        let mut out = Vec::with_capacity(comments.len());
        for c in comments {
            let person = contact_of_unaudited(key, &c)?;
            out.push(ExportRow {
                id: c.id,
                received_at: c.created_at.format("%d/%m/%Y %H:%M").to_string(),
                status: c.status.as_str().to_string(),
                part: c
                    .part_key
                    .as_ref()
                    .and_then(|k| labels.get(&(c.revision, k.clone())).cloned())
                    .unwrap_or_default(),
                organisation: c.organisation.unwrap_or_default(),
                name: person.name.unwrap_or_default(),
                email: person.email.unwrap_or_default(),
                phone: person.phone.unwrap_or_default(),
                shown_with_consent: c.consent_publication,
                body: c.body,
                disposition: c
                    .disposition
                    .map(|d| d.as_str().to_string())
                    .unwrap_or_default(),
                disposition_reason: c.disposition_reason.unwrap_or_default(),
            });
        }
        portal_audit::append(
            conn,
            &who.actor,
            "consultation.comments_exported",
            Some(&format!("consultation:{id}")),
            None,
            Some(&json!({"comments": out.len()})),
        )?;
        Ok((consultation.title, out))
    })
}

fn row_cells(r: &ExportRow) -> [String; 12] {
    [
        r.id.to_string(),
        r.received_at.clone(),
        r.status.clone(),
        r.part.clone(),
        spreadsheet_safe(&r.organisation),
        spreadsheet_safe(&r.name),
        spreadsheet_safe(&r.email),
        spreadsheet_safe(&r.phone),
        if r.shown_with_consent {
            "có"
        } else {
            "không"
        }
        .to_string(),
        spreadsheet_safe(&r.body),
        r.disposition.clone(),
        spreadsheet_safe(&r.disposition_reason),
    ]
}

/// CSV with a byte-order mark, so that Excel reads the Vietnamese as UTF-8.
pub fn to_csv(rows: &[ExportRow]) -> String {
    fn field(value: &str) -> String {
        if value.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_string()
        }
    }
    let mut out = String::from("\u{feff}");
    out.push_str(&HEADINGS.join(","));
    out.push_str("\r\n");
    for r in rows {
        let cells: Vec<String> = row_cells(r).iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn to_xlsx(title: &str, rows: &[ExportRow]) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, Workbook};
    let xlsx = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("the workbook: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Góp ý dự thảo").map_err(xlsx)?;
    let bold = Format::new().set_bold();
    sheet
        .write_string_with_format(0, 0, format!("Tổng hợp góp ý: {title}"), &bold)
        .map_err(xlsx)?;
    for (col, heading) in (0u16..).zip(HEADINGS) {
        sheet
            .write_string_with_format(2, col, heading, &bold)
            .map_err(xlsx)?;
    }
    for (row, r) in (3u32..).zip(rows) {
        sheet.write_number(row, 0, r.id as f64).map_err(xlsx)?;
        for (col, cell) in (1u16..).zip(row_cells(r).iter().skip(1)) {
            // Strings, never formulas: write_string does not interpret a leading '='.
            sheet.write_string(row, col, cell).map_err(xlsx)?;
        }
    }
    sheet.set_column_width(9, 80).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}
