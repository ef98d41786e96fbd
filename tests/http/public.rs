//! The public delivery API: only what is published, found without diacritics, cached with
//! ETags, followed by mirrors through the change feed, and fed as RSS, Atom and sitemaps.

use std::collections::{BTreeMap, BTreeSet};

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    only_published_items_are_ever_visible,
    filters_and_their_bad_values,
    cursor_paging_neither_skips_nor_repeats_while_items_are_published,
    numbered_pages_carry_a_bounded_total,
    search_folds_every_vietnamese_vowel_and_tone_and_d,
    search_ranks_exact_diacritics_and_titles_first,
    etags_and_last_modified_answer_304,
    a_mirror_following_the_change_feed_ends_with_the_published_set,
    feeds_and_sitemap_are_well_formed_xml,
    a_renamed_slug_still_resolves_to_the_canonical_one,
    cors_lets_frontends_read,
    head_answers_like_get_without_a_body,
    a_site_past_one_sitemap_file_gets_a_sitemap_index,
    answers_are_compressed_for_clients_that_accept_it,
    section_order_follows_the_section_tree_then_newest,
);

/// A timestamp as a query value (`+` and `:` escaped).
fn percent_encode(text: &str) -> String {
    text.replace('%', "%25")
        .replace('+', "%2B")
        .replace(':', "%3A")
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn only_published_items_are_ever_visible(app: TestApp) {
    let section = "tin-tuc-su-kien";
    let live = app.publish(
        "quang-nam",
        section,
        "Tin đã đăng",
        "<p>công khai</p>",
        "vi",
    );
    let draft = app.draft(
        "quang-nam",
        section,
        "Bản nháp bí mật",
        "<p>công khai</p>",
        "vi",
    );
    let submitted = app.draft(
        "quang-nam",
        section,
        "Đã gửi bí mật",
        "<p>công khai</p>",
        "vi",
    );
    app.advance(submitted, &["submit"]);
    let returned = app.draft(
        "quang-nam",
        section,
        "Trả lại bí mật",
        "<p>công khai</p>",
        "vi",
    );
    app.advance(returned, &["submit", "claim", "return"]);
    let unpublished = app.publish(
        "quang-nam",
        section,
        "Gỡ xuống bí mật",
        "<p>công khai</p>",
        "vi",
    );
    app.advance(unpublished, &["unpublish"]);
    let archived = app.publish(
        "quang-nam",
        section,
        "Lưu trữ bí mật",
        "<p>công khai</p>",
        "vi",
    );
    app.advance(archived, &["archive"]);

    assert_eq!(ids(&app.get("/api/v1/content").await.json()), [live]);
    for hidden in [draft, submitted, returned, unpublished, archived] {
        let doc = app
            .get(&format!("/api/v1/content/{hidden}"))
            .await
            .problem(404);
        assert_eq!(doc["type"], "urn:problem:portal:not-found");
    }
    let found = app.get("/api/v1/search?q=cong%20khai").await.json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["id"], live);
    for feed in ["rss.xml", "atom.xml", "sitemap.xml"] {
        let xml = app
            .get(&format!("/api/v1/sites/quang-nam/{feed}"))
            .await
            .text();
        assert!(
            !xml.contains("bí mật") && !xml.contains("bi-mat"),
            "{feed} leaks: {xml}"
        );
        assert!(xml.contains("tin-da-dang"), "{feed}: {xml}");
    }
    let item = app.get(&format!("/api/v1/content/{live}")).await.json();
    assert_eq!(item["title"], "Tin đã đăng");
    assert_eq!(item["breadcrumb"][0]["slug"], section);
    assert_eq!(item["body"], "<p>công khai</p>");
}

async fn filters_and_their_bad_values(app: TestApp) {
    let news = app.publish("quang-nam", "tin-tuc-su-kien", "Tin tức", "<p>a</p>", "vi");
    let legal = app.publish(
        "quang-nam",
        "van-ban-quy-pham-phap-luat",
        "Văn bản",
        "<p>b</p>",
        "vi",
    );
    let english = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "News in English",
        "<p>c</p>",
        "en",
    );
    let hoi_an = app
        .item_in("hoi-an", "thong-bao")
        .title("Thông báo Hội An")
        .author("Lê Thị Mai")
        .published();
    let group = app.section_id("quang-nam", "phap-luat").await;
    let legal_section = app
        .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
        .await;

    assert_eq!(
        ids(&app.get("/api/v1/content?site=hoi-an").await.json()),
        [hoi_an]
    );
    assert_eq!(
        ids(&app
            .get(&format!("/api/v1/content?section={legal_section}"))
            .await
            .json()),
        [legal]
    );
    assert_eq!(
        ids(&app
            .get(&format!("/api/v1/content?section={group}"))
            .await
            .json()),
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(&app
            .get(&format!(
                "/api/v1/content?section={group}&include_descendants=true"
            ))
            .await
            .json()),
        [legal]
    );
    assert_eq!(
        ids(&app.get("/api/v1/content?language=en").await.json()),
        [english]
    );
    assert_eq!(
        ids(&app
            .get("/api/v1/content?site=quang-nam&language=vi&kind=news")
            .await
            .json()),
        [legal, news]
    );
    // Part of the byline: three items are by "Phóng viên", one by "Lê Thị Mai".
    assert_eq!(
        ids(&app.get("/api/v1/content?author=Ph%C3%B3ng").await.json()),
        [english, legal, news]
    );
    assert_eq!(
        ids(&app.get("/api/v1/content?author=Mai").await.json()),
        [hoi_an]
    );
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ");
    assert_eq!(
        ids(&app
            .get(&format!("/api/v1/content?published_from={future}"))
            .await
            .json()),
        Vec::<i64>::new()
    );
    // The bounds cut between items: before the second publication only the first is left,
    // from it on only the later ones.
    let legal_published_at = app.get(&format!("/api/v1/content/{legal}")).await.json()
        ["published_at"]
        .as_str()
        .unwrap()
        .to_string();
    let at = percent_encode(&legal_published_at);
    assert_eq!(
        ids(&app
            .get(&format!("/api/v1/content?published_to={at}"))
            .await
            .json()),
        [news]
    );
    assert_eq!(
        ids(&app
            .get(&format!("/api/v1/content?published_from={at}"))
            .await
            .json()),
        [hoi_an, english, legal]
    );
    assert_eq!(
        ids(&app
            .get(&format!("/api/v1/content?updated_since={future}"))
            .await
            .json()),
        Vec::<i64>::new()
    );

    for (query, field) in [
        ("colour=red", "colour"),
        ("published_from=yesterday", "query"),
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("cursor=nonsense", "cursor"),
        ("kind=podcast", "kind"),
        ("language=fr", "language"),
        ("section=abc", "query"),
        ("page=1&cursor=x", "page"),
        ("page=2000&page_size=10", "page"),
    ] {
        let doc = app
            .get(&format!("/api/v1/content?{query}"))
            .await
            .problem(400);
        assert_eq!(doc["errors"][0]["field"], field, "{query}: {doc}");
    }
    app.get("/api/v1/content?site=da-nang").await.problem(404);
    app.get("/api/v1/content?section=999999").await.problem(404);
    app.get("/api/v1/search").await.problem(400);
    app.get("/api/v1/search?q=%20%20").await.problem(400);
    // Full-text query syntax in a query is only ever text: no words is a 400, operators are
    // words like any other.
    let doc = app
        .get("/api/v1/search?q=%22%28%29*%3A%5E")
        .await
        .problem(400);
    assert_eq!(doc["errors"][0]["field"], "q", "{doc}");
    for q in [
        "NEAR%28a%20b%29",
        "a%20OR%20b",
        "%22quang%22%20-nam",
        "title%3Anam",
    ] {
        let res = app.get(&format!("/api/v1/search?q={q}")).await;
        assert_eq!(res.status, 200, "{q}: {}", res.text());
    }
    app.get("/api/v1/changes?since=garbage").await.problem(400);
}

async fn cursor_paging_neither_skips_nor_repeats_while_items_are_published(app: TestApp) {
    let mut expected = BTreeSet::new();
    for i in 0..7 {
        expected.insert(app.publish(
            "quang-nam",
            "tin-tuc-su-kien",
            &format!("Tin số {i}"),
            "<p>x</p>",
            "vi",
        ));
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/content?limit=3".to_string();
    let mut round = 0;
    loop {
        let page = app.get(&path).await.json();
        seen.extend(ids(&page));
        // Someone publishes while the reader pages: newer items land before the cursor.
        app.publish(
            "quang-nam",
            "tin-tuc-su-kien",
            &format!("Tin chen {round}"),
            "<p>x</p>",
            "vi",
        );
        round += 1;
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/content?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no item repeated: {seen:?}");
    assert_eq!(
        unique, expected,
        "every item that existed when the walk began was seen exactly once"
    );
}

async fn numbered_pages_carry_a_bounded_total(app: TestApp) {
    for i in 0..5 {
        app.publish(
            "quang-nam",
            "tin-tuc-su-kien",
            &format!("Trang {i}"),
            "<p>x</p>",
            "vi",
        );
    }
    let page = app.get("/api/v1/content?page=2&page_size=2").await.json();
    assert_eq!(page["total"], 5);
    assert_eq!(page["total_is_capped"], false);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["next_cursor"], Value::Null);

    // Past the cap: 10,001 live items (copies of the first, made in two statements rather than
    // through 10,000 workflows), of which a numbered page counts 10,000 and says it stopped.
    let first = app.publish("quang-nam", "tin-tuc-su-kien", "Bản gốc", "<p>x</p>", "vi");
    clone_published(&app, first, 9_995);
    for path in [
        "/api/v1/content?page=1&page_size=2",
        "/api/v1/content?page=1&page_size=2&sort=section",
    ] {
        let page = app.get(path).await.json();
        assert_eq!(page["total"], 10_000, "{path}");
        assert_eq!(page["total_is_capped"], true, "{path}");
    }
    // The deepest page that stays within the cap is served; one further is refused.
    let deepest = app.get("/api/v1/content?page=5000&page_size=2").await;
    assert_eq!(deepest.status, 200, "{}", deepest.text());
    assert_eq!(deepest.json()["items"].as_array().unwrap().len(), 2);
    let doc = app
        .get("/api/v1/content?page=5001&page_size=2")
        .await
        .problem(400);
    assert_eq!(doc["errors"][0]["field"], "page", "{doc}");
}

/// Makes `copies` more live items like `item` (new slugs and translation groups), straight in
/// the tables, on either backend.
fn clone_published(app: &TestApp, item: i64, copies: i64) {
    use diesel::connection::SimpleConnection;
    let counter = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {copies})"
    );
    let mut conn = app.conn();
    conn.batch_execute(&format!(
        "{counter} INSERT INTO content_items (site_id, section_id, kind, language, \
         translation_group, title, slug, summary, body, author, source, tags, featured_image_url, \
         fields, status, version, published_at, created_by, updated_by, created_at, updated_at, \
         published_revision, first_published_at, status_changed_at) \
         SELECT site_id, section_id, kind, language, translation_group || '-' || CAST(n.i AS TEXT), \
         title, slug || '-' || CAST(n.i AS TEXT), summary, body, author, source, tags, \
         featured_image_url, fields, status, version, published_at, created_by, updated_by, \
         created_at, updated_at, published_revision, first_published_at, status_changed_at \
         FROM content_items, n WHERE content_items.id = {item};
         INSERT INTO published_items (item_id, site_id, section_id, kind, language, \
         translation_group, slug, title, summary, body, author, source, tags, featured_image_url, \
         fields, revision, published_at, updated_at, search_title, search_text) \
         SELECT c.id, p.site_id, p.section_id, p.kind, p.language, c.translation_group, c.slug, \
         p.title, p.summary, p.body, p.author, p.source, p.tags, p.featured_image_url, p.fields, \
         p.revision, p.published_at, p.updated_at, p.search_title, p.search_text \
         FROM content_items c, published_items p \
         WHERE p.item_id = {item} AND c.id <> {item} AND c.translation_group LIKE \
         (SELECT translation_group FROM content_items WHERE id = {item}) || '-%';"
    ))
    .expect("copies inserted");
}

async fn search_folds_every_vietnamese_vowel_and_tone_and_d(app: TestApp) {
    // Every vowel with every tone, and đ, with the plain letter a reader types for it, written
    // out by hand rather than computed by the folding the index uses.
    let by_hand = [
        ("aàảãáạăằẳẵắặâầẩẫấậ", 'a'),
        ("eèẻẽéẹêềểễếệ", 'e'),
        ("iìỉĩíị", 'i'),
        ("oòỏõóọôồổỗốộơờởỡớợ", 'o'),
        ("uùủũúụưừửữứự", 'u'),
        ("yỳỷỹýỵ", 'y'),
        ("đ", 'd'),
    ];
    let words: Vec<(String, char)> = by_hand
        .iter()
        .flat_map(|(letters, plain)| letters.chars().map(move |c| (c, *plain)))
        .flat_map(|(c, plain)| {
            [
                (format!("q{c}z"), plain),
                (format!("Q{}Z", c.to_uppercase()), plain),
            ]
        })
        .collect();
    assert_eq!(words.len(), 2 * 73, "73 letters, each in both cases");
    let text: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
    let id = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Bảng chữ cái",
        &format!("<p>{}</p>", text.join(" ")),
        "vi",
    );
    for (word, plain) in &words {
        let typed = format!("q{plain}z");
        let res = app.get(&format!("/api/v1/search?q={typed}")).await.json();
        assert_eq!(res["items"][0]["id"], id, "{word} as {typed}");
    }
    let quang = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Quảng Nam thu hút đầu tư công",
        "<p>Dự án trọng điểm</p>",
        "vi",
    );
    for q in [
        "quang%20nam",
        "QUANG%20NAM",
        "dau%20tu%20cong",
        "%C4%91%E1%BA%A7u%20t%C6%B0",
    ] {
        let res = app.get(&format!("/api/v1/search?q={q}")).await.json();
        assert_eq!(res["items"][0]["id"], quang, "{q}");
    }
    let hit = app.get("/api/v1/search?q=du%20an").await.json();
    assert_eq!(hit["items"][0]["snippet"], "<mark>Dự án</mark> trọng điểm");
}

async fn search_ranks_exact_diacritics_and_titles_first(app: TestApp) {
    let body_only = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Thông tin chung",
        "<p>Nói về ma túy</p>",
        "vi",
    );
    let folded_title = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Mã số mới",
        "<p>x</p>",
        "vi",
    );
    let exact_title = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Ma túy và phòng chống",
        "<p>x</p>",
        "vi",
    );
    let res = app.get("/api/v1/search?q=ma%20t%C3%BAy").await.json();
    assert_eq!(
        ids(&res),
        [exact_title, body_only],
        "exact title first, then the exact phrase in a body"
    );
    let res = app.get("/api/v1/search?q=ma").await.json();
    let order = ids(&res);
    assert_eq!(order[0], exact_title);
    assert!(order.contains(&folded_title) && order.contains(&body_only));
    assert!(
        order.iter().position(|i| *i == folded_title) < order.iter().position(|i| *i == body_only),
        "title above body"
    );
}

async fn etags_and_last_modified_answer_304(app: TestApp) {
    let id = app.publish("quang-nam", "tin-tuc-su-kien", "Lưu đệm", "<p>x</p>", "vi");
    for path in [
        format!("/api/v1/content/{id}"),
        "/api/v1/content".to_string(),
        "/api/v1/sites/quang-nam/rss.xml".to_string(),
    ] {
        let first = app.get(&path).await;
        assert_eq!(first.status, 200);
        let etag = first.header("etag").expect("strong ETag");
        assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
        assert!(
            first
                .header("cache-control")
                .unwrap()
                .contains("max-age=60"),
            "{path}"
        );
        let modified = first.header("last-modified").expect("Last-Modified");
        let again = app.get_with(&path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(
            app.get_with(&path, &[("if-modified-since", &modified)])
                .await
                .status,
            304,
            "{path}"
        );
        assert_eq!(
            app.get_with(&path, &[("if-none-match", "\"other\"")])
                .await
                .status,
            200
        );
    }
    let before = app
        .get(&format!("/api/v1/content/{id}"))
        .await
        .header("etag")
        .unwrap();
    // A new version of the item is approved: the ETag changes at once, on every replica (no cache
    // inside the server).
    let chief = app
        .token_for("chief.cache", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    app.call(
        "PATCH",
        &format!("/api/v1/admin/content/{id}"),
        Some(&chief),
        Some(&json!({"version": 1, "title": "Lưu đệm mới"})),
    )
    .await;
    app.advance(id, &["submit", "claim", "forward", "approve"]);
    let after = app
        .get_with(
            &format!("/api/v1/content/{id}"),
            &[("if-none-match", &before)],
        )
        .await;
    assert_eq!(after.status, 200);
    assert_eq!(after.json()["title"], "Lưu đệm mới");
}

/// One call of a mirror following the feed: applies the changes, keeps the cursor.
async fn follow(
    app: &TestApp,
    cursor: &mut Option<String>,
    mirror: &mut BTreeMap<i64, String>,
) -> usize {
    let path = match cursor {
        Some(c) => format!("/api/v1/changes?site=quang-nam&limit=2&since={c}"),
        None => "/api/v1/changes?site=quang-nam&limit=2".to_string(),
    };
    let page = app.get(&path).await.json();
    for change in page["changes"].as_array().unwrap() {
        let id = change["item_id"].as_i64().unwrap();
        match change["item"].as_object() {
            Some(item) => {
                mirror.insert(id, item["title"].as_str().unwrap().to_string());
            }
            None => {
                mirror.remove(&id);
            }
        }
    }
    *cursor = Some(page["next_cursor"].as_str().unwrap().to_string());
    page["changes"].as_array().unwrap().len()
}

async fn a_mirror_following_the_change_feed_ends_with_the_published_set(app: TestApp) {
    let mut mirror: BTreeMap<i64, String> = BTreeMap::new();
    let mut cursor: Option<String> = None;
    let a = app.publish("quang-nam", "tin-tuc-su-kien", "Một", "<p>x</p>", "vi");
    let b = app.publish("quang-nam", "tin-tuc-su-kien", "Hai", "<p>x</p>", "vi");
    follow(&app, &mut cursor, &mut mirror).await;
    app.advance(a, &["unpublish"]);
    let c = app.publish("quang-nam", "tin-tuc-su-kien", "Ba", "<p>x</p>", "vi");
    app.publish("hoi-an", "thong-bao", "Khác site", "<p>x</p>", "vi");
    follow(&app, &mut cursor, &mut mirror).await;
    app.advance(b, &["archive"]);
    app.advance(a, &["submit", "claim", "forward", "approve"]);
    while follow(&app, &mut cursor, &mut mirror).await > 0 {}
    let published: BTreeMap<i64, String> = app
        .get("/api/v1/content?site=quang-nam&limit=100")
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().unwrap(),
                i["title"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(mirror, published);
    assert_eq!(mirror.keys().copied().collect::<Vec<_>>(), [a, c]);
    // After downtime, nothing is repeated: the cursor is where the mirror left off.
    assert_eq!(follow(&app, &mut cursor, &mut mirror).await, 0);
}

async fn feeds_and_sitemap_are_well_formed_xml(app: TestApp) {
    app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Lễ hội <Đèn lồng> & \"Phố cổ\"",
        "<p>x</p>",
        "vi",
    );
    let res = app.get("/api/v1/sites/quang-nam/rss.xml").await;
    assert!(res
        .header("content-type")
        .unwrap()
        .starts_with("application/rss+xml"));
    // Read back by the feed libraries of the rust-syndication project; RSS is also checked by
    // its validator (dates in RFC 822 form, URLs, required channel elements).
    let channel = rss::Channel::read_from(res.text().as_bytes()).expect("RSS 2.0 parses");
    rss::validation::Validate::validate(&channel).expect("valid RSS 2.0");
    let item = &channel.items()[0];
    assert_eq!(
        item.title(),
        Some("Lễ hội <Đèn lồng> & \"Phố cổ\""),
        "Vietnamese and markup survive escaping"
    );
    assert!(item.pub_date().is_some() && item.link().is_some() && item.guid().is_some());

    let atom = app.get("/api/v1/sites/quang-nam/atom.xml").await.text();
    let feed = atom_syndication::Feed::read_from(atom.as_bytes()).expect("Atom 1.0 parses");
    assert!(!feed.id().is_empty() && !feed.title().as_str().is_empty());
    let entry = &feed.entries()[0];
    assert_eq!(entry.title().as_str(), "Lễ hội <Đèn lồng> & \"Phố cổ\"");
    assert!(!entry.id().is_empty() && !entry.authors().is_empty() && !entry.links().is_empty());
    // What the library leaves to the reader: RFC 4287's required elements, in the XML itself.
    let doc = roxmltree::Document::parse(&atom).expect("Atom parses");
    let feed = doc.root_element();
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    for required in ["id", "title", "updated"] {
        assert!(
            feed.children().any(|n| n.has_tag_name(required)),
            "feed needs {required}"
        );
    }
    let entry = feed.children().find(|n| n.has_tag_name("entry")).unwrap();
    for required in ["id", "title", "updated", "author"] {
        assert!(
            entry.children().any(|n| n.has_tag_name(required)),
            "entry needs {required}"
        );
    }
    let sitemap = app.get("/api/v1/sites/quang-nam/sitemap.xml").await.text();
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap parses");
    let loc = doc
        .descendants()
        .find(|n| n.has_tag_name("loc"))
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(loc, "https://quangnam.gov.vn/vi/le-hoi-den-long-pho-co");
    let section = app
        .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
        .await;
    let empty = app
        .get(&format!(
            "/api/v1/sites/quang-nam/rss.xml?section={section}"
        ))
        .await
        .text();
    let empty = rss::Channel::read_from(empty.as_bytes()).expect("an empty feed parses");
    rss::validation::Validate::validate(&empty).expect("an empty feed is valid RSS 2.0");
    assert!(empty.items().is_empty());
    app.get("/api/v1/sites/nowhere/rss.xml").await.problem(404);
}

async fn a_renamed_slug_still_resolves_to_the_canonical_one(app: TestApp) {
    let id = app.publish("quang-nam", "tin-tuc-su-kien", "Tên cũ", "<p>x</p>", "vi");
    let by_slug = app.get("/api/v1/sites/quang-nam/content/vi/ten-cu").await;
    assert_eq!(by_slug.status, 200);
    assert_eq!(by_slug.json()["id"], id);
    let chief = app
        .token_for("chief.slug", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let res = app
        .call(
            "PATCH",
            &format!("/api/v1/admin/content/{id}"),
            Some(&chief),
            Some(&json!({"version": 1, "slug": "ten-moi"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.advance(id, &["submit", "claim", "forward", "approve"]);
    let old = app.get("/api/v1/sites/quang-nam/content/vi/ten-cu").await;
    assert_eq!(old.status, 200);
    assert_eq!(old.json()["canonical_slug"], "ten-moi");
    assert_eq!(
        old.header("link").as_deref(),
        Some("</api/v1/sites/quang-nam/content/vi/ten-moi>; rel=\"canonical\"")
    );
    let new = app.get("/api/v1/sites/quang-nam/content/vi/ten-moi").await;
    assert_eq!(new.json()["id"], id);
    assert!(new.header("link").is_none());
    app.get("/api/v1/sites/quang-nam/content/en/ten-moi")
        .await
        .problem(404);
    app.get("/api/v1/sites/quang-nam/content/vi/khong-co")
        .await
        .problem(404);
}

async fn cors_lets_frontends_read(app: TestApp) {
    let preflight = app
        .client
        .request(actix_web::http::Method::OPTIONS, app.url("/api/v1/content"))
        .insert_header(("origin", "https://ui.quangnam.gov.vn"))
        .insert_header(("access-control-request-method", "GET"))
        .insert_header(("access-control-request-headers", "if-none-match"))
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert!(preflight
        .headers()
        .contains_key("access-control-allow-origin"));
    let res = app
        .get_with(
            "/api/v1/content",
            &[("origin", "https://ui.quangnam.gov.vn")],
        )
        .await;
    assert!(res.header("access-control-allow-origin").is_some());
    assert!(res
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_lowercase()
        .contains("etag"));
}

async fn head_answers_like_get_without_a_body(app: TestApp) {
    let id = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Chỉ tiêu đề",
        "<p>x</p>",
        "vi",
    );
    for path in [
        format!("/api/v1/content/{id}"),
        "/api/v1/content?site=quang-nam".to_string(),
        "/api/v1/sites/quang-nam/rss.xml".to_string(),
    ] {
        let get = app.get(&path).await;
        let head = app.request_with("HEAD", &path, &[]).await;
        assert_eq!(head.status, 200, "{path}");
        assert_eq!(head.text(), "", "{path}: no body");
        assert_eq!(head.header("etag"), get.header("etag"), "{path}");
        assert_eq!(
            head.header("content-length"),
            Some(get.text().len().to_string()),
            "{path}"
        );
        let etag = get.header("etag").expect("an ETag");
        let revalidated = app
            .request_with("HEAD", &path, &[("if-none-match", &etag)])
            .await;
        assert_eq!(revalidated.status, 304, "{path}");
    }
    let missing = app
        .request_with("HEAD", "/api/v1/content/999999", &[])
        .await;
    assert_eq!(missing.status, 404);
}

fn locs(xml: &str) -> Vec<String> {
    roxmltree::Document::parse(xml)
        .expect("sitemap XML parses")
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

async fn a_site_past_one_sitemap_file_gets_a_sitemap_index(app: TestApp) {
    // Two URLs a file instead of the protocol's 50,000, so five items need three files.
    let small_files = app
        .replica(portal_api::state::PublicConfig {
            sitemap_urls: 2,
            ..Default::default()
        })
        .await;
    for n in 1..=5 {
        app.publish(
            "quang-nam",
            "tin-tuc-su-kien",
            &format!("Tin số {n}"),
            "<p>x</p>",
            "vi",
        );
    }
    let index = small_files
        .get("/api/v1/sites/quang-nam/sitemap.xml")
        .await
        .text();
    let doc = roxmltree::Document::parse(&index).expect("the index parses");
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    assert_eq!(
        locs(&index),
        (1..=3)
            .map(|n| format!("https://quangnam.gov.vn/sitemap.xml?page={n}"))
            .collect::<Vec<_>>()
    );
    let mut listed = Vec::new();
    for page in 1..=3 {
        let part = small_files
            .get(&format!("/api/v1/sites/quang-nam/sitemap.xml?page={page}"))
            .await
            .text();
        listed.extend(locs(&part));
    }
    let mut expected: Vec<String> = (1..=5)
        .map(|n| format!("https://quangnam.gov.vn/vi/tin-so-{n}"))
        .collect();
    assert_eq!(listed, expected, "every item once, oldest first");
    small_files
        .get("/api/v1/sites/quang-nam/sitemap.xml?page=4")
        .await
        .problem(404);
    let doc = small_files
        .get("/api/v1/sites/quang-nam/sitemap.xml?page=0")
        .await
        .problem(400);
    assert_eq!(doc["errors"][0]["field"], "page", "{doc}");

    // With the protocol's limit, the same site is one plain sitemap.
    let whole = app.get("/api/v1/sites/quang-nam/sitemap.xml").await.text();
    let mut one_file = locs(&whole);
    one_file.sort();
    expected.sort();
    assert_eq!(one_file, expected);
}

fn gunzip(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a gzip body");
    text
}

async fn answers_are_compressed_for_clients_that_accept_it(app: TestApp) {
    let body = "<p>Quảng Nam đẩy mạnh chuyển đổi số trong các cơ quan nhà nước.</p>".repeat(40);
    let id = app.publish("quang-nam", "tin-tuc-su-kien", "Chuyển đổi số", &body, "vi");
    let path = format!("/api/v1/content/{id}");
    let plain = app.get(&path).await;
    // Marked identity so that no middleware re-encodes it under the plain ETag.
    assert_eq!(
        plain.header("content-encoding").as_deref(),
        Some("identity")
    );

    let gzipped = app
        .get_with(&path, &[("accept-encoding", "br;q=0.5, gzip")])
        .await;
    assert_eq!(gzipped.status, 200);
    assert_eq!(gzipped.header("content-encoding").as_deref(), Some("gzip"));
    assert!(gzipped.body.len() < plain.body.len() / 3, "it is smaller");
    assert_eq!(gunzip(&gzipped.body), plain.text());
    assert!(gzipped
        .header("vary")
        .is_some_and(|v| v.to_lowercase().contains("accept-encoding")));
    let gzip_tag = gzipped.header("etag").expect("an ETag");
    assert_ne!(
        Some(&gzip_tag),
        plain.header("etag").as_ref(),
        "another representation"
    );
    // Either tag revalidates: a client may have held the other representation.
    for tag in [gzip_tag, plain.header("etag").expect("an ETag")] {
        let res = app
            .get_with(
                &path,
                &[("accept-encoding", "gzip"), ("if-none-match", &tag)],
            )
            .await;
        assert_eq!(res.status, 304);
    }

    let refused = app
        .get_with(&path, &[("accept-encoding", "gzip;q=0, identity")])
        .await;
    assert_eq!(
        refused.header("content-encoding").as_deref(),
        Some("identity")
    );
    assert_eq!(refused.text(), plain.text());

    // A brotli-only client gets the plain body under the plain ETag: never a brotli body
    // under the tag of another representation (which would break its revalidation).
    let feed = app
        .get_with(
            "/api/v1/sites/quang-nam/rss.xml",
            &[("accept-encoding", "br")],
        )
        .await;
    assert_eq!(feed.header("content-encoding").as_deref(), Some("identity"));
}

async fn section_order_follows_the_section_tree_then_newest(app: TestApp) {
    // Two new top-level sections whose tree order is the reverse of their id order: "sau" is
    // made first and goes last, "truoc" is made second and goes first. An order by section id
    // (or by creation, which the seed's depth-first inserts would also give) puts "sau" first.
    let chief = app
        .token_for("chinh.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let mut made = Vec::new();
    for (slug, position) in [("chuyen-muc-sau", None), ("chuyen-muc-truoc", Some(0))] {
        let res = app
            .call(
                "POST",
                "/api/v1/admin/sites/quang-nam/sections",
                Some(&chief),
                Some(&json!({"slug": slug, "name_vi": slug, "owner": "so-tttt", "position": position})),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        made.push(res.json()["id"].as_i64().unwrap());
    }
    assert!(made[0] < made[1]);
    let (first, second) = ("chuyen-muc-truoc", "chuyen-muc-sau");
    // Published alternately, so newest-first would interleave the two sections.
    let a1 = app.publish("quang-nam", first, "Một", "<p>x</p>", "vi");
    let b1 = app.publish("quang-nam", second, "Hai", "<p>x</p>", "vi");
    let a2 = app.publish("quang-nam", first, "Ba", "<p>x</p>", "vi");
    let b2 = app.publish("quang-nam", second, "Bốn", "<p>x</p>", "vi");
    // Written out, not read from the server: "truoc"'s items newest first, then "sau"'s.
    let expected = vec![a2, a1, b2, b1];

    let newest = app.get("/api/v1/content?site=quang-nam").await.json();
    assert_eq!(ids(&newest), [b2, a2, b1, a1]);

    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/content?site=quang-nam&sort=section&limit=1&cursor={c}"),
            None => "/api/v1/content?site=quang-nam&sort=section&limit=1".to_string(),
        };
        let page = app.get(&path).await.json();
        walked.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(walked, expected, "by cursor, one item a page");

    let mut numbered = Vec::new();
    for page in 1..=2 {
        let res = app
            .get(&format!(
                "/api/v1/content?site=quang-nam&sort=section&page={page}&page_size=3"
            ))
            .await
            .json();
        assert_eq!(res["total"], 4);
        numbered.extend(ids(&res));
    }
    assert_eq!(numbered, expected, "by page number");

    let doc = app.get("/api/v1/content?sort=oldest").await.problem(400);
    assert_eq!(doc["errors"][0]["field"], "sort", "{doc}");
    let newest_cursor = app
        .get("/api/v1/content?site=quang-nam&limit=1")
        .await
        .json()["next_cursor"]
        .as_str()
        .expect("more than one item")
        .to_string();
    let doc = app
        .get(&format!(
            "/api/v1/content?site=quang-nam&sort=section&cursor={newest_cursor}"
        ))
        .await
        .problem(400);
    assert_eq!(doc["errors"][0]["field"], "cursor", "{doc}");
}
