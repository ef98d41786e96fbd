//! RSS 2.0, Atom 1.0 and sitemap XML, with text escaped for XML.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::items::PublishedItem;

/// URLs one sitemap file may hold (sitemaps.org).
pub const SITEMAP_MAX_URLS: usize = 50_000;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters; the CMS refuses them anyway.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Where a reader finds an item on the site: `<base_url>/<language>/<slug>`.
pub fn item_url(base_url: &str, item: &PublishedItem) -> String {
    format!(
        "{}/{}/{}",
        base_url.trim_end_matches('/'),
        item.language,
        item.slug
    )
}

pub struct Channel<'a> {
    pub title: &'a str,
    pub link: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    /// Where this feed itself is served.
    pub self_url: &'a str,
}

pub fn rss(channel: &Channel, items: &[PublishedItem], base_url: &str) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    xml.push_str(&format!(
        "<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>{}</language>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        escape(channel.title),
        escape(channel.link),
        escape(&escape(channel.description)),
        escape(channel.language),
        escape(channel.self_url)
    ));
    if let Some(first) = items.first() {
        xml.push_str(&format!(
            "<lastBuildDate>{}</lastBuildDate>\n",
            utc(first.updated_at).to_rfc2822()
        ));
    }
    for item in items {
        let url = item_url(base_url, item);
        xml.push_str("<item>\n");
        xml.push_str(&format!(
            "<title>{}</title>\n<link>{}</link>\n",
            escape(&item.title),
            escape(&url)
        ));
        xml.push_str(&format!(
            "<guid isPermaLink=\"false\">portal-item-{}</guid>\n",
            item.item_id
        ));
        xml.push_str(&format!(
            "<pubDate>{}</pubDate>\n",
            utc(item.published_at).to_rfc2822()
        ));
        if let Some(summary) = &item.summary {
            // RSS readers render <description> as HTML once they have read the XML: a summary is
            // plain text, so it is escaped for HTML and then for XML (Atom says `type="text"`).
            xml.push_str(&format!(
                "<description>{}</description>\n",
                escape(&escape(summary))
            ));
        }
        xml.push_str("</item>\n");
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

pub fn atom(channel: &Channel, items: &[PublishedItem], base_url: &str, feed_id: &str) -> String {
    let updated = items.first().map_or_else(Utc::now, |i| utc(i.updated_at));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    xml.push_str(&format!(" xml:lang=\"{}\">\n", escape(channel.language)));
    xml.push_str(&format!(
        "<id>{}</id>\n<title>{}</title>\n<subtitle>{}</subtitle>\n<updated>{}</updated>\n<link rel=\"alternate\" href=\"{}\"/>\n<link rel=\"self\" href=\"{}\"/>\n",
        escape(feed_id),
        escape(channel.title),
        escape(channel.description),
        updated.to_rfc3339(),
        escape(channel.link),
        escape(channel.self_url)
    ));
    for item in items {
        let url = item_url(base_url, item);
        xml.push_str("<entry>\n");
        xml.push_str(&format!(
            "<id>{}:item:{}</id>\n<title>{}</title>\n<link rel=\"alternate\" href=\"{}\"/>\n<published>{}</published>\n<updated>{}</updated>\n",
            escape(feed_id),
            item.item_id,
            escape(&item.title),
            escape(&url),
            utc(item.published_at).to_rfc3339(),
            utc(item.updated_at).to_rfc3339()
        ));
        xml.push_str(&format!(
            "<author><name>{}</name></author>\n",
            escape(item.author.as_deref().unwrap_or(channel.title))
        ));
        if let Some(summary) = &item.summary {
            xml.push_str(&format!("<summary>{}</summary>\n", escape(summary)));
        }
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

pub fn sitemap(items: &[PublishedItem], base_url: &str) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for item in items {
        xml.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape(&item_url(base_url, item)),
            utc(item.updated_at).format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// A sitemap index (sitemaps.org) naming `parts` sitemaps at `<base_url>/sitemap.xml?page=N`,
/// for a site with more items than one sitemap may hold.
pub fn sitemap_index(base_url: &str, parts: i64) -> String {
    let base = base_url.trim_end_matches('/');
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for part in 1..=parts {
        xml.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            escape(&format!("{base}/sitemap.xml?page={part}"))
        ));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn vietnamese_text_and_markup_are_escaped() {
        assert_eq!(
            escape("Đầu tư <công> & \"tư\" 'nhân'"),
            "Đầu tư &lt;công&gt; &amp; &quot;tư&quot; &apos;nhân&apos;"
        );
    }
}
