//! Body HTML, cleaned with an allow-list (ammonia): structure, tables, links, images, figures and
//! video embeds from known hosts survive; scripts, event handlers, `javascript:` and `data:` URLs
//! (but images), and styles that could hide or overlay content do not.

use std::borrow::Cow;
use std::collections::HashSet;

/// Where embedded video may come from.
pub const EMBED_HOSTS: &[&str] = &[
    "https://www.youtube.com/embed/",
    "https://www.youtube-nocookie.com/embed/",
    "https://player.vimeo.com/video/",
];

const DATA_IMAGE_PREFIXES: &[&str] = &[
    "data:image/png;base64,",
    "data:image/jpeg;base64,",
    "data:image/gif;base64,",
    "data:image/webp;base64,",
];

fn builder() -> ammonia::Builder<'static> {
    let tags: HashSet<&str> = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "iframe",
        "img",
        "ins",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::default();
    builder
        .tags(tags)
        .generic_attributes(["lang", "title"].into_iter().collect())
        .tag_attributes(
            [
                ("a", ["href", "hreflang"].into_iter().collect()),
                (
                    "img",
                    ["src", "alt", "width", "height"].into_iter().collect(),
                ),
                (
                    "iframe",
                    ["src", "width", "height", "allowfullscreen"]
                        .into_iter()
                        .collect(),
                ),
                ("td", ["colspan", "rowspan"].into_iter().collect()),
                ("th", ["colspan", "rowspan", "scope"].into_iter().collect()),
                ("ol", ["start", "type"].into_iter().collect()),
                ("time", ["datetime"].into_iter().collect()),
                ("q", ["cite"].into_iter().collect()),
                ("blockquote", ["cite"].into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .url_schemes(
            ["http", "https", "mailto", "tel", "data"]
                .into_iter()
                .collect(),
        )
        .link_rel(Some("noopener noreferrer"))
        .attribute_filter(filter);
    builder
}

fn filter<'a>(element: &str, attribute: &str, value: &'a str) -> Option<Cow<'a, str>> {
    let lower = value.trim().to_ascii_lowercase();
    match (element, attribute) {
        ("iframe", "src") => EMBED_HOSTS
            .iter()
            .any(|host| lower.starts_with(host))
            .then_some(Cow::Borrowed(value)),
        ("img", "src") if lower.starts_with("data:") => DATA_IMAGE_PREFIXES
            .iter()
            .any(|p| lower.starts_with(p))
            .then_some(Cow::Borrowed(value)),
        // ammonia checks the URL scheme of href and src, not of cite: a quotation's source is
        // kept only as an absolute http(s) URL ("javascript:" and friends are dropped).
        (_, "cite") => {
            let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
            (compact.starts_with("https://") || compact.starts_with("http://"))
                .then_some(Cow::Borrowed(value))
        }
        (_, "href" | "src") if lower.starts_with("data:") => None,
        _ => Some(Cow::Borrowed(value)),
    }
}

/// The body as it is stored and served.
pub fn sanitize(body: &str) -> String {
    builder().clean(body).to_string()
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    /// Known XSS vectors (OWASP cheat sheet and friends): none may survive.
    #[test]
    fn xss_vectors_are_neutralised() {
        for vector in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
            "<iframe src=\"javascript:alert(1)\"></iframe>",
            "<iframe src=\"https://evil.example/embed\"></iframe>",
            "<svg onload=alert(1)>",
            "<body onload=alert(1)>",
            "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%\">overlay</div>",
            "<p style=\"display:none\">hidden</p>",
            "<style>p{display:none}</style>",
            "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
            "<form action=\"https://evil.example\"><input name=p></form>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
            "<q cite=\"javascript:alert(1)\">x</q>",
            "<blockquote cite=\"JaVaScRiPt:alert(1)\">x</blockquote>",
            "<blockquote cite=\" java&#09;script:alert(1)\">x</blockquote>",
            "<q cite=\"vbscript:msgbox(1)\">x</q>",
            "<base href=\"https://evil.example/\">",
            "<a href=\"https://ok.example\" onclick=\"steal()\">ok</a>",
            "<<script>script>alert(1)<</script>/script>",
        ] {
            let clean = sanitize(vector).to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "onclick",
                "javascript:",
                "vbscript:",
                "style",
                "<iframe src=\"https://evil",
                "<object",
                "<embed",
                "<form",
                "<input",
                "<meta",
                "<base",
                "data:text",
                "data:image/svg",
                "position:fixed",
                "display:none",
            ] {
                assert!(!clean.contains(bad), "{vector} left {bad}: {clean}");
            }
        }
    }

    #[test]
    fn structure_links_images_tables_and_known_embeds_survive() {
        let body = concat!(
            "<h2>Tiêu đề</h2><p>Đoạn <strong>đậm</strong> <a href=\"https://quangnam.gov.vn\">liên kết</a></p>",
            "<figure><img src=\"https://quangnam.gov.vn/anh.jpg\" alt=\"Phố cổ Hội An\"><figcaption>Hội An</figcaption></figure>",
            "<table><caption>Ngân sách</caption><thead><tr><th scope=\"col\">Năm</th></tr></thead><tbody><tr><td>2026</td></tr></tbody></table>",
            "<iframe src=\"https://www.youtube.com/embed/abc\" allowfullscreen></iframe>",
            "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"chấm\">"
        );
        let clean = sanitize(body);
        for kept in [
            "<h2>Tiêu đề</h2>",
            "<a href=\"https://quangnam.gov.vn\" rel=\"noopener noreferrer\">liên kết</a>",
            "alt=\"Phố cổ Hội An\"",
            "<th scope=\"col\">Năm</th>",
            "<caption>Ngân sách</caption>",
            "src=\"https://www.youtube.com/embed/abc\"",
            "src=\"data:image/png;base64,iVBORw0KGgo=\"",
        ] {
            assert!(clean.contains(kept), "{kept} missing from {clean}");
        }
    }
}
