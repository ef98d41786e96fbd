//! Search without diacritics: "quang nam" finds "Quảng Nam", "dau tu cong" finds "đầu tư công".
//! Every published item keeps a folded copy of its title and text (lower-case, no marks, đ as d);
//! the query is folded the same way and matched word by word through a full-text index (FTS5 on
//! SQLite, a GIN-indexed tsvector on PostgreSQL), kept by the database in the same transaction
//! as publication. The newest matches are then ranked: exact-diacritic matches above folded
//! ones, title matches above body matches, and each hit on the page gets a highlighted snippet.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use portal_core::text::fold;
use portal_core::Error;
use portal_db::schema::published_items;
use portal_db::DbConn;

use crate::items::{Filter, PublishedItem};

/// How many of the newest matching items are ranked.
pub const CANDIDATES: i64 = 500;
pub const MAX_TERMS: usize = 8;

#[derive(Debug, Clone)]
pub struct Hit {
    pub item: PublishedItem,
    pub score: u32,
    /// Plain text around the first match, HTML-escaped, the match wrapped in `<mark>`.
    pub snippet: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Folds `text` one character at a time, so positions in the folded text are positions in the
/// original.
fn fold_aligned(text: &str) -> (Vec<char>, Vec<char>) {
    let original: Vec<char> = text.chars().collect();
    let folded = original
        .iter()
        .map(|c| fold(&c.to_string()).chars().next().unwrap_or(' '))
        .collect();
    (original, folded)
}

fn find(hay: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}

pub fn snippet(text: &str, folded_query: &str, terms: &[String]) -> String {
    let (original, folded) = fold_aligned(text);
    let phrase: Vec<char> = folded_query.chars().collect();
    let found = find(&folded, &phrase)
        .map(|i| (i, phrase.len()))
        .or_else(|| {
            terms.iter().find_map(|t| {
                let t: Vec<char> = t.chars().collect();
                find(&folded, &t).map(|i| (i, t.len()))
            })
        });
    let Some((start, len)) = found else {
        let head: String = original.iter().take(160).collect();
        return escape(&head);
    };
    let from = start.saturating_sub(60);
    let to = (start + len + 100).min(original.len());
    let before: String = original[from..start].iter().collect();
    let matched: String = original[start..start + len].iter().collect();
    let after: String = original[start + len..to].iter().collect();
    format!(
        "{}{}<mark>{}</mark>{}{}",
        if from > 0 { "…" } else { "" },
        escape(&before),
        escape(&matched),
        escape(&after),
        if to < original.len() { "…" } else { "" }
    )
}

/// Ranked hits for `q`, one page of them, and whether more follow.
pub fn search(
    conn: &mut DbConn,
    q: &str,
    filter: &Filter,
    page: i64,
    page_size: i64,
) -> Result<(Vec<Hit>, bool), Error> {
    let folded_query = fold(q).split_whitespace().collect::<Vec<_>>().join(" ");
    let terms: Vec<String> = folded_query
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    if terms.is_empty() {
        return Err(Error::invalid_parameter("q", "must contain a word"));
    }
    if terms.len() > MAX_TERMS {
        return Err(Error::invalid_parameter(
            "q",
            format!("at most {MAX_TERMS} words"),
        ));
    }
    let words: Vec<&str> = terms
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Err(Error::invalid_parameter(
            "q",
            "must contain a letter or digit",
        ));
    }
    let visible = crate::items::visible_for(conn, filter)?;
    let matches = match conn {
        // Each word quoted, so nothing in a query is read as FTS5 syntax; words are ANDed.
        DbConn::Sqlite(_) => sql::<Bool>(
            "published_items.item_id IN \
             (SELECT rowid FROM published_search WHERE published_search MATCH ",
        )
        .bind::<Text, _>(
            words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" "),
        )
        .sql(")"),
        DbConn::Pg(_) => sql::<Bool>("published_items.search_vector @@ plainto_tsquery('simple', ")
            .bind::<Text, _>(words.join(" "))
            .sql(")"),
    };
    let mut query = published_items::table
        .filter(published_items::section_id.eq_any(visible))
        .filter(matches)
        .select(PublishedItem::as_select())
        .into_boxed();
    if let Some(site) = filter.site_id {
        query = query.filter(published_items::site_id.eq(site));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(published_items::kind.eq(kind.clone()));
    }
    if let Some(language) = &filter.language {
        query = query.filter(published_items::language.eq(language.clone()));
    }
    let candidates: Vec<PublishedItem> = query
        .order((
            published_items::published_at.desc(),
            published_items::item_id.desc(),
        ))
        .limit(CANDIDATES)
        .load(conn)?;
    let exact_query = q.trim().to_lowercase();
    let mut ranked: Vec<(u32, PublishedItem)> = candidates
        .into_iter()
        .map(|item| {
            let title_lower = item.title.to_lowercase();
            let title_folded = fold(&item.title);
            let mut score = 0;
            if title_lower.contains(&exact_query) {
                score += 16;
            }
            if title_folded.contains(&folded_query) {
                score += 8;
            }
            score += 2 * terms
                .iter()
                .filter(|t| title_folded.contains(t.as_str()))
                .count() as u32;
            // The raw HTML is close enough for this bonus: a phrase split by markup rarely
            // carries the exact diacritics a reader typed.
            let summary = item.summary.as_deref().unwrap_or_default();
            if summary.to_lowercase().contains(&exact_query)
                || item.body.to_lowercase().contains(&exact_query)
            {
                score += 4;
            }
            // Every candidate has each word; this rewards the words side by side. One word is
            // side by side with itself, so the fold of the body is skipped.
            if terms.len() == 1
                || fold(summary).contains(&folded_query)
                || fold(&item.body).contains(&folded_query)
            {
                score += 1;
            }
            (score, item)
        })
        .collect();
    ranked.sort_by(|(a_score, a), (b_score, b)| {
        b_score
            .cmp(a_score)
            .then(b.published_at.cmp(&a.published_at))
            .then(b.item_id.cmp(&a.item_id))
    });
    let offset = ((page - 1) * page_size) as usize;
    let more = ranked.len() > offset + page_size as usize;
    let hits = ranked
        .into_iter()
        .skip(offset)
        .take(page_size as usize)
        .map(|(score, item)| {
            let text = portal_content::published::html_text(&item.body);
            let summary = item.summary.clone().unwrap_or_default();
            let source = if fold(&summary).contains(&folded_query) || text.is_empty() {
                summary
            } else {
                text
            };
            Hit {
                snippet: snippet(&source, &folded_query, &terms),
                item,
                score,
            }
        })
        .collect();
    Ok((hits, more))
}

#[cfg(test)]
mod tests {
    use super::snippet;

    #[test]
    fn snippets_mark_the_match_in_the_original_letters() {
        let text = "Tỉnh Quảng Nam công bố danh mục dự án đầu tư công năm 2026 <đặc biệt>";
        assert_eq!(
            snippet(text, "dau tu cong", &["dau".into()]),
            "Tỉnh Quảng Nam công bố danh mục dự án <mark>đầu tư công</mark> năm 2026 &lt;đặc biệt&gt;"
        );
    }
}
