//! Keyset pagination: a bounded page size and an opaque cursor that names the last key seen.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::Error;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 100;

/// A validated page request: `limit` within bounds, and the decoded key after which to continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

impl PageRequest {
    pub fn new(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, Error> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid_parameter(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}, got {limit}"),
            ));
        }
        let after = cursor.map(Cursor::decode).transpose()?.map(|c| c.0);
        Ok(Self { limit, after })
    }

    /// The `after` key read as a numeric id (for lists ordered by id).
    pub fn after_id(&self) -> Result<Option<i64>, Error> {
        self.after
            .as_deref()
            .map(|s| {
                s.parse::<i64>()
                    .map_err(|_| Error::invalid_parameter("cursor", "is not a cursor of this list"))
            })
            .transpose()
    }

    /// How many rows to fetch: one more than the page, to know whether another page follows.
    pub fn fetch_limit(&self) -> i64 {
        self.limit + 1
    }
}

/// The opaque form of a page key, as handed to clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(pub String);

impl Cursor {
    pub fn encode(key: &str) -> String {
        URL_SAFE_NO_PAD.encode(format!("k:{key}"))
    }

    pub fn decode(raw: &str) -> Result<Cursor, Error> {
        let bad = || {
            Error::invalid_parameter(
                "cursor",
                "is malformed (use next_cursor from a previous page)",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        text.strip_prefix("k:")
            .map(|k| Cursor(k.to_string()))
            .ok_or_else(bad)
    }
}

/// One page of a list and the cursor of the next one (absent on the last page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `fetch_limit()` rows: the extra row, if any, only proves a next page exists.
    pub fn from_rows(
        mut rows: Vec<T>,
        request: &PageRequest,
        key_of: impl Fn(&T) -> String,
    ) -> Self {
        let has_more = rows.len() as i64 > request.limit;
        rows.truncate(request.limit as usize);
        let next_cursor = if has_more {
            rows.last().map(|last| Cursor::encode(&key_of(last)))
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

/// The key of a row in a list ordered by (time, id), newest first: `<microseconds>|<id>`, what the
/// opaque cursor of such a list carries (the admin list by update time, the public one by
/// publication time).
pub fn time_id_key(at: chrono::NaiveDateTime, id: i64) -> String {
    format!("{}|{id}", at.and_utc().timestamp_micros())
}

/// Reads a `time_id_key` back; anything else is a 400 naming `cursor`.
pub fn parse_time_id_key(raw: &str) -> Result<(chrono::NaiveDateTime, i64), Error> {
    let bad = || Error::invalid_parameter("cursor", "is not a cursor of this list");
    let (micros, id) = raw.split_once('|').ok_or_else(bad)?;
    let micros: i64 = micros.parse().map_err(|_| bad())?;
    let at = chrono::DateTime::from_timestamp_micros(micros)
        .ok_or_else(bad)?
        .naive_utc();
    Ok((at, id.parse().map_err(|_| bad())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_and_id_keys_read_back_to_the_microsecond() {
        let at = chrono::DateTime::from_timestamp_micros(1_764_662_400_123_456)
            .unwrap()
            .naive_utc();
        let key = time_id_key(at, 42);
        assert_eq!(key, "1764662400123456|42");
        assert_eq!(parse_time_id_key(&key).unwrap(), (at, 42));
        for bad in ["", "42", "x|1", "1|x", "1|"] {
            assert!(parse_time_id_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let raw = Cursor::encode("so-tp");
        assert_eq!(Cursor::decode(&raw).unwrap(), Cursor("so-tp".into()));
        assert!(Cursor::decode("not base64!").is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("no prefix")).is_err());
    }

    #[test]
    fn limit_is_bounded() {
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(Some(101), None).is_err());
        assert_eq!(PageRequest::new(None, None).unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn page_reports_next_cursor_only_when_more_rows_exist() {
        let req = PageRequest::new(Some(2), None).unwrap();
        let page = Page::from_rows(vec![1, 2, 3], &req, |n| n.to_string());
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(
            Cursor::decode(page.next_cursor.as_deref().unwrap())
                .unwrap()
                .0,
            "2"
        );
        let last = Page::from_rows(vec![1, 2], &req, |n| n.to_string());
        assert_eq!(last.next_cursor, None);
    }
}
