//! Search without diacritics: "quang nam" finds "Quảng Nam", "dau tu cong" finds "đầu tư công".
//! Every published item keeps a folded copy of its title and text (lower-case, no marks, đ as d);
//! the query is folded the same way. Exact-diacritic matches rank above folded ones, title
//! matches above body matches, and each hit carries a highlighted snippet.

use diesel::prelude::*;
use portal_core::text::fold;
use portal_core::Error;
use portal_db::schema::published_items;
use portal_db::DbConn;

use crate::items::{Filter, PublishedItem};

/// How many matching items are ranked; beyond that the newest are kept.
pub const CANDIDATES: i64 = 1_000;
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
    let visible = crate::items::visible_for(conn, filter)?;
    let mut query = published_items::table
        .filter(published_items::section_id.eq_any(visible))
        .select(PublishedItem::as_select())
        .into_boxed();
    for term in &terms {
        query = query.filter(
            published_items::search_text.like(format!("%{}%", term.replace(['%', '_'], ""))),
        );
    }
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
    let mut hits: Vec<Hit> = candidates
        .into_iter()
        .map(|item| {
            let title_lower = item.title.to_lowercase();
            let title_folded = fold(&item.title);
            let text = portal_content::published::html_text(&item.body);
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
            let summary = item.summary.clone().unwrap_or_default();
            if summary.to_lowercase().contains(&exact_query)
                || text.to_lowercase().contains(&exact_query)
            {
                score += 4;
            }
            if fold(&summary).contains(&folded_query) || fold(&text).contains(&folded_query) {
                score += 1;
            }
            let source = if fold(&summary).contains(&folded_query) || text.is_empty() {
                summary
            } else {
                text
            };
            let snippet = snippet(&source, &folded_query, &terms);
            Hit {
                item,
                score,
                snippet,
            }
        })
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.item.published_at.cmp(&a.item.published_at))
            .then(b.item.item_id.cmp(&a.item.item_id))
    });
    let offset = ((page - 1) * page_size) as usize;
    let more = hits.len() > offset + page_size as usize;
    Ok((
        hits.into_iter()
            .skip(offset)
            .take(page_size as usize)
            .collect(),
        more,
    ))
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
