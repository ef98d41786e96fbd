//! A site's statements of a month as the finance office files them (bảng kê chi nhuận bút, thù
//! lao): the unit and the period in the header, numbered rows, totals, the amount in words and
//! the three signature blocks — as CSV (with a byte-order mark, for Excel) and as XLSX.

use portal_auth::Principal;
use portal_core::text::spreadsheet_safe;
use portal_core::Error;
use portal_db::DbConn;

use crate::statements::{self, StatementView};
use crate::Dong;

pub struct Sheet {
    pub unit: String,
    pub period: String,
    pub rows: Vec<[String; 11]>,
    pub gross: Dong,
    pub tax: Dong,
    pub net: Dong,
}

pub const HEADINGS: [&str; 11] = [
    "STT",
    "Người nhận (bút danh)",
    "Nội dung",
    "Loại",
    "Hệ số",
    "Điều chỉnh",
    "Giá trị 1 hệ số (đ)",
    "Tỷ lệ hưởng (%)",
    "Số tiền (đ)",
    "Thuế TNCN (đ)",
    "Thực lĩnh (đ)",
];

pub const SIGNATURES: [&str; 3] = ["Người lập biểu", "Kế toán trưởng", "Thủ trưởng đơn vị"];

/// The month's statements of a site, or of the payees of one agency.
pub fn sheet(
    conn: &mut DbConn,
    principal: &Principal,
    site: &str,
    period: &str,
    agency: Option<&str>,
) -> Result<Sheet, Error> {
    let found: Vec<StatementView> = statements::list(conn, principal, site, period)?
        .into_iter()
        .filter(|s| agency.is_none() || s.agency.as_deref() == agency)
        .collect();
    let unit = crate::works::any_site(conn, site)?.name_vi;
    let mut rows = Vec::new();
    let mut number = 0;
    for s in &found {
        for (i, line) in s.lines.iter().enumerate() {
            number += 1;
            let last = i + 1 == s.lines.len();
            rows.push([
                number.to_string(),
                spreadsheet_safe(&s.pen_name),
                spreadsheet_safe(
                    line.work_title
                        .as_deref()
                        .or(line.entry.role.as_deref())
                        .unwrap_or(""),
                ),
                line.entry.category.label_vi().to_string(),
                line.coefficient.clone().unwrap_or_default(),
                line.adjustments.clone().unwrap_or_default(),
                line.unit_value.map(|u| u.to_string()).unwrap_or_default(),
                line.share.clone().unwrap_or_default(),
                line.entry.amount.to_string(),
                // The tax is withheld per statement: shown on its last line.
                if last {
                    s.row.tax.to_string()
                } else {
                    String::new()
                },
                if last {
                    s.row.net.to_string()
                } else {
                    String::new()
                },
            ]);
        }
    }
    Ok(Sheet {
        unit,
        period: period.to_string(),
        gross: found.iter().map(|s| Dong(s.row.gross)).sum(),
        tax: found.iter().map(|s| Dong(s.row.tax)).sum(),
        net: found.iter().map(|s| Dong(s.row.net)).sum(),
        rows,
    })
}

fn month_heading(period: &str) -> String {
    match period.split_once('-') {
        Some((y, m)) => format!("Tháng {m}/{y}"),
        None => period.to_string(),
    }
}

pub fn to_csv(sheet: &Sheet) -> String {
    fn field(value: &str) -> String {
        if value.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_string()
        }
    }
    let mut out = String::from("\u{feff}");
    let mut line = |cells: &[&str]| {
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    line(&[&format!("Đơn vị: {}", sheet.unit)]);
    line(&["BẢNG KÊ CHI NHUẬN BÚT, THÙ LAO"]);
    line(&[&month_heading(&sheet.period)]);
    line(&HEADINGS);
    for row in &sheet.rows {
        line(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let (gross, tax, net) = (
        sheet.gross.0.to_string(),
        sheet.tax.0.to_string(),
        sheet.net.0.to_string(),
    );
    line(&["", "Cộng", "", "", "", "", "", "", &gross, &tax, &net]);
    line(&[&format!(
        "Số tiền thực lĩnh bằng chữ: {}",
        sheet.net.in_words()
    )]);
    line(&SIGNATURES);
    out
}

pub fn to_xlsx(sheet: &Sheet) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let xlsx = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("the workbook: {e}"));
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Bảng kê").map_err(xlsx)?;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    let money = Format::new().set_num_format("#,##0");
    let money_bold = Format::new().set_bold().set_num_format("#,##0");
    ws.write_string_with_format(0, 0, format!("Đơn vị: {}", sheet.unit), &bold)
        .map_err(xlsx)?;
    ws.merge_range(1, 0, 1, 10, "BẢNG KÊ CHI NHUẬN BÚT, THÙ LAO", &title)
        .map_err(xlsx)?;
    ws.merge_range(2, 0, 2, 10, &month_heading(&sheet.period), &title)
        .map_err(xlsx)?;
    for (col, heading) in (0u16..).zip(HEADINGS) {
        ws.write_string_with_format(4, col, heading, &bold)
            .map_err(xlsx)?;
    }
    let mut row = 5u32;
    for cells in &sheet.rows {
        for (col, cell) in (0u16..).zip(cells.iter()) {
            let numeric = matches!(col, 0 | 6 | 8 | 9 | 10);
            match (numeric, cell.parse::<i64>()) {
                (true, Ok(n)) => {
                    ws.write_number_with_format(row, col, n as f64, &money)
                        .map_err(xlsx)?;
                }
                _ => {
                    ws.write_string(row, col, cell).map_err(xlsx)?;
                }
            }
        }
        row += 1;
    }
    ws.write_string_with_format(row, 1, "Cộng", &bold)
        .map_err(xlsx)?;
    for (col, amount) in [(8u16, sheet.gross), (9, sheet.tax), (10, sheet.net)] {
        ws.write_number_with_format(row, col, amount.0 as f64, &money_bold)
            .map_err(xlsx)?;
    }
    row += 1;
    ws.write_string(
        row,
        0,
        format!("Số tiền thực lĩnh bằng chữ: {}", sheet.net.in_words()),
    )
    .map_err(xlsx)?;
    row += 2;
    for (col, who) in [
        (1u16, SIGNATURES[0]),
        (5, SIGNATURES[1]),
        (9, SIGNATURES[2]),
    ] {
        ws.write_string_with_format(row, col, who, &bold)
            .map_err(xlsx)?;
        ws.write_string(row + 1, col, "(Ký, ghi rõ họ tên)")
            .map_err(xlsx)?;
    }
    ws.set_column_width(1, 28).map_err(xlsx)?;
    ws.set_column_width(2, 50).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}

/// One agency's part of a site's month: how many payees, and the totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyTotal {
    /// None for contributors who belong to no agency.
    pub agency: Option<String>,
    pub payees: i64,
    pub gross: Dong,
    pub tax: Dong,
    pub net: Dong,
}

/// The month's statements summed per agency of their payees, agencies in code order.
pub fn by_agency(
    conn: &mut DbConn,
    principal: &Principal,
    site: &str,
    period: &str,
) -> Result<Vec<AgencyTotal>, Error> {
    let mut totals: Vec<AgencyTotal> = Vec::new();
    for s in statements::list(conn, principal, site, period)? {
        let total = match totals.iter_mut().find(|t| t.agency == s.agency) {
            Some(t) => t,
            None => {
                totals.push(AgencyTotal {
                    agency: s.agency.clone(),
                    payees: 0,
                    gross: Dong::ZERO,
                    tax: Dong::ZERO,
                    net: Dong::ZERO,
                });
                totals
                    .last_mut()
                    .ok_or_else(|| Error::Internal("a total just pushed".into()))?
            }
        };
        total.payees += 1;
        total.gross = total.gross + Dong(s.row.gross);
        total.tax = total.tax + Dong(s.row.tax);
        total.net = total.net + Dong(s.row.net);
    }
    totals.sort_by(|a, b| a.agency.cmp(&b.agency));
    Ok(totals)
}
