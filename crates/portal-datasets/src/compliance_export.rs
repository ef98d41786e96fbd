//! The compliance report as the offices file it: CSV (one row per agency and category) and an
//! XLSX workbook laid out as a Vietnamese administrative report (unit, title, period, numbered
//! tables, totals), with the late items and the statistics of Điều 25.2 on their own sheets.

use portal_core::text::spreadsheet_safe;
use portal_core::Error;

use crate::compliance::Report;

pub const CSV_HEADINGS: [&str; 12] = [
    "agency",
    "agency_name",
    "score",
    "category",
    "category_name",
    "status",
    "items",
    "on_time",
    "late",
    "undated",
    "newest_at",
    "legal_basis",
];

fn rows(report: &Report) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for a in &report.agencies {
        for c in &a.categories {
            out.push(vec![
                a.code.clone(),
                spreadsheet_safe(&a.name),
                a.score.to_string(),
                c.code.clone(),
                spreadsheet_safe(&c.name),
                c.presence.as_str().to_string(),
                c.items.to_string(),
                c.on_time.to_string(),
                c.late.to_string(),
                c.undated.to_string(),
                c.newest_at
                    .map(|t| t.and_utc().to_rfc3339())
                    .unwrap_or_default(),
                spreadsheet_safe(&c.legal_basis),
            ]);
        }
    }
    out
}

pub fn to_csv(report: &Report) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut body = Vec::from("\u{feff}".as_bytes());
    let _ = w.write_record(CSV_HEADINGS);
    for row in rows(report) {
        let _ = w.write_record(&row);
    }
    body.extend(w.into_inner().unwrap_or_default());
    body
}

pub fn to_xlsx(report: &Report) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let xlsx = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("the workbook: {e}"));
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    let period = format!(
        "Từ ngày {} đến ngày {}",
        report.from.format("%d/%m/%Y"),
        report.to.format("%d/%m/%Y")
    );
    let mut book = Workbook::new();

    let ws = book.add_worksheet();
    ws.set_name("Tuân thủ").map_err(xlsx)?;
    ws.write_string_with_format(
        0,
        0,
        format!("Cổng thông tin điện tử: {}", report.site),
        &bold,
    )
    .map_err(xlsx)?;
    ws.merge_range(
        1,
        0,
        1,
        9,
        "BÁO CÁO TÌNH HÌNH CUNG CẤP THÔNG TIN BẮT BUỘC",
        &title,
    )
    .map_err(xlsx)?;
    ws.merge_range(2, 0, 2, 9, &period, &title).map_err(xlsx)?;
    ws.write_string(
        3,
        0,
        format!("Căn cứ: {} ({})", report.pack_name, report.pack_legal_basis),
    )
    .map_err(xlsx)?;
    let headings = [
        "STT",
        "Cơ quan",
        "Điểm",
        "Danh mục",
        "Tình trạng",
        "Số tin",
        "Đúng hạn",
        "Trễ hạn",
        "Không rõ ngày",
        "Căn cứ",
    ];
    for (col, h) in (0u16..).zip(headings) {
        ws.write_string_with_format(5, col, h, &bold)
            .map_err(xlsx)?;
    }
    let status = |s: &str| match s {
        "present" => "Có",
        "stale" => "Chưa cập nhật",
        _ => "Thiếu",
    };
    let mut row = 6u32;
    let (mut items, mut on_time, mut late) = (0i64, 0i64, 0i64);
    for (n, a) in report.agencies.iter().enumerate() {
        for c in &a.categories {
            ws.write_number(row, 0, (n + 1) as f64).map_err(xlsx)?;
            ws.write_string(row, 1, spreadsheet_safe(&a.name))
                .map_err(xlsx)?;
            ws.write_number(row, 2, f64::from(a.score)).map_err(xlsx)?;
            ws.write_string(row, 3, spreadsheet_safe(&c.name))
                .map_err(xlsx)?;
            ws.write_string(row, 4, status(c.presence.as_str()))
                .map_err(xlsx)?;
            for (col, v) in [(5u16, c.items), (6, c.on_time), (7, c.late), (8, c.undated)] {
                ws.write_number(row, col, v as f64).map_err(xlsx)?;
            }
            ws.write_string(row, 9, spreadsheet_safe(&c.legal_basis))
                .map_err(xlsx)?;
            items += c.items;
            on_time += c.on_time;
            late += c.late;
            row += 1;
        }
    }
    ws.write_string_with_format(row, 1, "Cộng", &bold)
        .map_err(xlsx)?;
    for (col, v) in [(5u16, items), (6, on_time), (7, late)] {
        ws.write_number_with_format(row, col, v as f64, &bold)
            .map_err(xlsx)?;
    }
    ws.set_column_width(1, 40).map_err(xlsx)?;
    ws.set_column_width(3, 45).map_err(xlsx)?;

    let ws = book.add_worksheet();
    ws.set_name("Trễ hạn").map_err(xlsx)?;
    ws.merge_range(0, 0, 0, 7, "CÁC TIN ĐĂNG TRỄ HẠN", &title)
        .map_err(xlsx)?;
    ws.merge_range(1, 0, 1, 7, &period, &title).map_err(xlsx)?;
    for (col, h) in (0u16..).zip([
        "STT",
        "Cơ quan",
        "Danh mục",
        "Tin",
        "Ngày sự kiện",
        "Ngày đăng",
        "Số ngày làm việc",
        "Thời hạn",
    ]) {
        ws.write_string_with_format(3, col, h, &bold)
            .map_err(xlsx)?;
    }
    let mut row = 4u32;
    for a in &report.agencies {
        for c in &a.categories {
            for l in &c.late_items {
                ws.write_number(row, 0, f64::from(row - 3)).map_err(xlsx)?;
                ws.write_string(row, 1, spreadsheet_safe(&a.name))
                    .map_err(xlsx)?;
                ws.write_string(row, 2, spreadsheet_safe(&c.name))
                    .map_err(xlsx)?;
                ws.write_string(row, 3, spreadsheet_safe(&l.title))
                    .map_err(xlsx)?;
                ws.write_string(row, 4, l.event_on.format("%d/%m/%Y").to_string())
                    .map_err(xlsx)?;
                ws.write_string(row, 5, l.published_on.format("%d/%m/%Y").to_string())
                    .map_err(xlsx)?;
                ws.write_number(row, 6, f64::from(l.working_days))
                    .map_err(xlsx)?;
                ws.write_number(row, 7, f64::from(l.limit_days))
                    .map_err(xlsx)?;
                row += 1;
            }
        }
    }

    let ws = book.add_worksheet();
    ws.set_name("Thống kê").map_err(xlsx)?;
    ws.merge_range(
        0,
        0,
        0,
        5,
        "THỐNG KÊ HOẠT ĐỘNG CỦA CÁC CƠ QUAN TRÊN CỔNG (Điều 25.2)",
        &title,
    )
    .map_err(xlsx)?;
    ws.merge_range(1, 0, 1, 5, &period, &title).map_err(xlsx)?;
    let mut kinds: Vec<&String> = report
        .agencies
        .iter()
        .flat_map(|a| a.by_kind.keys())
        .collect();
    kinds.sort();
    kinds.dedup();
    let mut col = 0u16;
    for h in ["STT", "Cơ quan"] {
        ws.write_string_with_format(3, col, h, &bold)
            .map_err(xlsx)?;
        col += 1;
    }
    for k in &kinds {
        ws.write_string_with_format(3, col, k.as_str(), &bold)
            .map_err(xlsx)?;
        col += 1;
    }
    for h in ["Đúng hạn", "Trễ hạn", "Điểm"] {
        ws.write_string_with_format(3, col, h, &bold)
            .map_err(xlsx)?;
        col += 1;
    }
    for (n, a) in report.agencies.iter().enumerate() {
        let row = 4 + n as u32;
        ws.write_number(row, 0, (n + 1) as f64).map_err(xlsx)?;
        ws.write_string(row, 1, spreadsheet_safe(&a.name))
            .map_err(xlsx)?;
        let mut col = 2u16;
        for k in &kinds {
            ws.write_number(row, col, a.by_kind.get(*k).copied().unwrap_or(0) as f64)
                .map_err(xlsx)?;
            col += 1;
        }
        for v in [a.on_time, a.late, i64::from(a.score)] {
            ws.write_number(row, col, v as f64).map_err(xlsx)?;
            col += 1;
        }
    }
    ws.set_column_width(1, 40).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}
