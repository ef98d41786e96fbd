//! Reading the catalogue of procedures in the national format (the list the national
//! public-service portal exports, one procedure a row), from CSV or from the first sheet of an
//! XLSX workbook. Columns are found by their Vietnamese headings, in any order, with or without
//! diacritics; other columns are ignored. Every row is checked before anything is written, and
//! every broken rule names its row (as a spreadsheet numbers it, the heading being row 1) and
//! column: `rows[7].Mức độ`.

use portal_core::text::{checked, fold};
use portal_core::{Error, FieldError};

/// At most this many procedures in one file (a province lists about two thousand).
pub const MAX_ROWS: usize = 10_000;
/// At most this many broken rules are reported, so a wrong file does not make a huge answer.
pub const MAX_ERRORS: usize = 200;

/// The headings, as the national format writes them.
pub const CODE: &str = "Mã thủ tục";
pub const NAME: &str = "Tên thủ tục";
pub const FIELD: &str = "Lĩnh vực";
pub const LEVEL: &str = "Mức độ";
pub const PARTIAL_REASON: &str = "Lý do một phần";
pub const AGENCY: &str = "Cơ quan thực hiện";
pub const URL: &str = "Đường dẫn";
pub const FEES: &str = "Phí, lệ phí";
pub const TIME_LIMIT: &str = "Thời hạn giải quyết";

const REQUIRED: [&str; 8] = [CODE, NAME, FIELD, LEVEL, AGENCY, URL, FEES, TIME_LIMIT];

/// One procedure as read, cleaned (NFC, trimmed), not yet matched to an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// As a spreadsheet numbers it (the heading is row 1).
    pub number: usize,
    pub code: String,
    pub name: String,
    pub field: String,
    /// Online in full ("toàn trình"), or in part ("một phần").
    pub full: bool,
    pub partial_reason: Option<String>,
    pub agency: String,
    pub portal_url: String,
    pub fees: String,
    pub time_limit: String,
}

/// Cells of a table: the heading row first.
pub type Table = Vec<Vec<String>>;

pub fn csv_table(bytes: &[u8]) -> Result<Table, Error> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| Error::field("file", "not_utf8", "a CSV file is read as UTF-8"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| Error::field("file", "not_csv", format!("row {}: {e}", i + 1)))?;
        table.push(record.iter().map(str::to_string).collect());
        if table.len() > MAX_ROWS + 1 {
            return Err(Error::field(
                "file",
                "too_many_rows",
                format!("at most {MAX_ROWS} procedures"),
            ));
        }
    }
    Ok(table)
}

pub fn xlsx_table(bytes: &[u8]) -> Result<Table, Error> {
    use calamine::Reader;
    let unreadable = |e: String| {
        Error::field(
            "file",
            "not_xlsx",
            format!("not a readable XLSX workbook: {e}"),
        )
    };
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .map_err(|e: calamine::XlsxError| unreadable(e.to_string()))?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| unreadable("it has no sheet".into()))?;
    let range = book
        .worksheet_range(&first)
        .map_err(|e| unreadable(e.to_string()))?;
    if range.height() > MAX_ROWS + 1 {
        return Err(Error::field(
            "file",
            "too_many_rows",
            format!("at most {MAX_ROWS} procedures"),
        ));
    }
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    // Codes such as 1.004227 are often typed as numbers: read back as written.
                    calamine::Data::Float(f) => f.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect())
}

fn url_problem(url: &str) -> Option<&'static str> {
    if !url.starts_with("https://") || url.len() <= "https://".len() {
        Some("an https:// address on the national public-service portal")
    } else if url.chars().any(char::is_whitespace) {
        Some("an address has no spaces")
    } else {
        None
    }
}

/// A heading as compared: without diacritics, case or punctuation ("Phí lệ phí" is "Phí, lệ phí").
fn heading_key(heading: &str) -> String {
    fold(heading)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows of a table, or every broken rule (at most `MAX_ERRORS`), nothing half-read.
pub fn rows(table: &Table) -> Result<Vec<Row>, Error> {
    let Some((heading, body)) = table.split_first() else {
        return Err(Error::field("file", "empty", "the file has no heading row"));
    };
    let index_of = |name: &str| {
        heading
            .iter()
            .position(|h| heading_key(h) == heading_key(name))
    };
    let mut errors = Vec::new();
    let columns: Vec<Option<usize>> = REQUIRED.iter().map(|name| index_of(name)).collect();
    for (name, column) in REQUIRED.iter().zip(&columns) {
        if column.is_none() {
            errors.push(FieldError::new(
                "file",
                "missing_column",
                format!("no column «{name}»"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let reason_column = index_of(PARTIAL_REASON);
    let mut out = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, cells) in body.iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let number = i + 2;
        let cell = |column: Option<usize>| {
            column
                .and_then(|c| cells.get(c))
                .map(String::as_str)
                .unwrap_or("")
        };
        let at = |name: &str, max: usize, required: bool, errors: &mut Vec<FieldError>| {
            let column = index_of(name);
            checked(
                errors,
                &format!("rows[{number}].{name}"),
                cell(column),
                max,
                false,
                required,
            )
        };
        let code = at(CODE, 40, true, &mut errors);
        let name = at(NAME, 1_000, true, &mut errors);
        let field = at(FIELD, 300, true, &mut errors);
        let level = at(LEVEL, 40, true, &mut errors);
        let agency = at(AGENCY, 64, true, &mut errors);
        let portal_url = at(URL, 2_000, true, &mut errors);
        let fees = at(FEES, 1_000, false, &mut errors);
        let time_limit = at(TIME_LIMIT, 300, true, &mut errors);
        let reason = checked(
            &mut errors,
            &format!("rows[{number}].{PARTIAL_REASON}"),
            cell(reason_column),
            1_000,
            false,
            false,
        );
        let full = match fold(&level).as_str() {
            "toan trinh" => Some(true),
            "mot phan" => Some(false),
            "" => None,
            _ => {
                errors.push(FieldError::new(
                    format!("rows[{number}].{LEVEL}"),
                    "unknown_level",
                    "«Toàn trình» or «Một phần»",
                ));
                None
            }
        };
        if full == Some(false) && reason.is_empty() {
            errors.push(FieldError::new(
                format!("rows[{number}].{PARTIAL_REASON}"),
                "required",
                "a procedure online only in part says why",
            ));
        }
        if !portal_url.is_empty() {
            if let Some(problem) = url_problem(&portal_url) {
                errors.push(FieldError::new(
                    format!("rows[{number}].{URL}"),
                    "invalid_url",
                    problem,
                ));
            }
        }
        if !code.is_empty() {
            if let Some(first) = seen.insert(code.clone(), number) {
                errors.push(FieldError::new(
                    format!("rows[{number}].{CODE}"),
                    "repeated",
                    format!("{code} is also on row {first}"),
                ));
            }
        }
        if errors.len() >= MAX_ERRORS {
            errors.truncate(MAX_ERRORS);
            break;
        }
        out.push(Row {
            number,
            code,
            name,
            field,
            full: full.unwrap_or(true),
            partial_reason: (!reason.is_empty()).then_some(reason),
            agency,
            portal_url,
            fees,
            time_limit,
        });
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if out.is_empty() {
        return Err(Error::field("file", "empty", "the file lists no procedure"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\u{feff}Mã thủ tục,Tên thủ tục,Lĩnh vực,Mức độ,Lý do một phần,Cơ quan thực hiện,Đường dẫn,\"Phí, lệ phí\",Thời hạn giải quyết,Ghi chú\r\n\
1.004227,Cấp giấy phép xây dựng nhà ở riêng lẻ,Xây dựng,Một phần,Nộp bản vẽ bản giấy tại bộ phận một cửa,so-xd,https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.004227,\"75.000 đồng\",15 ngày làm việc,x\r\n\
2.000908,Chứng thực bản sao từ bản chính,Chứng thực,Toàn trình,,so-tp,https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2.000908,2.000 đồng/trang,Trong ngày,\r\n";

    #[test]
    fn reads_the_national_format_by_its_headings() {
        let read = rows(&csv_table(GOOD.as_bytes()).unwrap()).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].number, 2);
        assert!(!read[0].full);
        assert_eq!(read[0].fees, "75.000 đồng");
        assert_eq!(read[1].partial_reason, None);
        // Headings without diacritics and in another order are the same columns.
        let plain = "ma thu tuc,ten thu tuc,linh vuc,muc do,co quan thuc hien,duong dan,phi le phi,thoi han giai quyet\n1.1,A,B,toan trinh,so-tp,https://dichvucong.gov.vn/x,,1 ngay\n";
        assert_eq!(
            rows(&csv_table(plain.as_bytes()).unwrap()).unwrap()[0].code,
            "1.1"
        );
    }

    #[test]
    fn every_bad_row_is_named_and_nothing_is_read() {
        let bad = format!(
            "{GOOD}2.000908,Trùng mã,Chứng thực,Toàn trình,,so-tp,https://x.vn,0,1 ngày\r\n\
,Thiếu mã,X,Một phần,,so-tp,http://x.vn,0,1 ngày\r\n\
3.1,Mức lạ,X,Trực tuyến,,so-tp,https://x.vn,0,1 ngày\r\n"
        );
        let Err(Error::Validation(errors)) = rows(&csv_table(bad.as_bytes()).unwrap()) else {
            panic!("refused")
        };
        let named: Vec<(String, String)> = errors
            .iter()
            .map(|e| (e.field.clone(), e.code.clone()))
            .collect();
        assert_eq!(
            named,
            vec![
                ("rows[4].Mã thủ tục".into(), "repeated".into()),
                ("rows[5].Mã thủ tục".into(), "required".into()),
                ("rows[5].Lý do một phần".into(), "required".into()),
                ("rows[5].Đường dẫn".into(), "invalid_url".into()),
                ("rows[6].Mức độ".into(), "unknown_level".into()),
            ]
        );
    }

    #[test]
    fn control_characters_and_legacy_encodings_are_named_in_their_cell() {
        let bad = format!(
            "{}1.2,Cấp phép\u{0},X,Toàn trình,,so-tp,https://x.vn,0,1 ngày\r\n1.3,Qu¶ng Nam,X,Toàn trình,,so-tp,https://x.vn,0,1 ngày\r\n",
            GOOD.lines().next().unwrap().to_string() + "\r\n"
        );
        let Err(Error::Validation(errors)) = rows(&csv_table(bad.as_bytes()).unwrap()) else {
            panic!("refused")
        };
        let named: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(named[0].0, "rows[2].Tên thủ tục");
        assert_eq!(named[1], ("rows[3].Tên thủ tục", "legacy_encoding"));
    }

    #[test]
    fn a_file_without_a_required_column_is_refused_whole() {
        let Err(Error::Validation(errors)) =
            rows(&csv_table("Mã thủ tục,Tên thủ tục\n1,A\n".as_bytes()).unwrap())
        else {
            panic!("refused")
        };
        assert_eq!(errors.len(), 6);
        assert!(errors
            .iter()
            .all(|e| e.field == "file" && e.code == "missing_column"));
        assert!(matches!(csv_table(b"\xff\xfe"), Err(Error::Validation(_))));
    }
}
