//! The change feed for mirrors, RSS, Atom and sitemaps.

use super::*;

on_every_backend!(
    a_mirror_following_the_change_feed_ends_with_the_published_set,
    feeds_and_sitemap_are_well_formed_xml,
    a_site_past_one_sitemap_file_gets_a_sitemap_index,
    one_page_of_the_change_feed_resolves_each_item_on_its_own_site,
);

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
            ..app.state.public.as_ref().clone()
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

/// The live items of a page of changes are read together (`portal_delivery::views::changes`):
/// each still carries its own site's key, and an item whose section was hidden since is a
/// tombstone, while the others of the same page are not.
async fn one_page_of_the_change_feed_resolves_each_item_on_its_own_site(app: TestApp) {
    let hidden = app
        .item_in("quang-nam", "van-ban-quy-pham-phap-luat")
        .title("Quyết định sẽ bị ẩn")
        .published();
    let portal = app.publish("quang-nam", "tin-tuc-su-kien", "Tin cổng", "<p>x</p>", "vi");
    let district = app.publish("hoi-an", "thong-bao", "Tin Hội An", "<p>x</p>", "vi");
    let chief = app
        .token_for("chinh.doi", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let group = app.section_id("quang-nam", "phap-luat").await;
    let res = app
        .call(
            "PATCH",
            &format!("/api/v1/admin/sections/{group}"),
            Some(&chief),
            Some(&json!({"visible": false})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    let page = app.get("/api/v1/changes?limit=500").await.json();
    let seen: BTreeMap<i64, Value> = page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["item_id"].as_i64().unwrap(), c["item"].clone()))
        .collect();
    assert_eq!(seen.len(), 3, "{page}");
    assert_eq!(seen[&portal]["site"], "quang-nam");
    assert_eq!(seen[&portal]["title"], "Tin cổng");
    assert_eq!(seen[&district]["site"], "hoi-an");
    assert_eq!(seen[&district]["title"], "Tin Hội An");
    assert!(seen[&hidden].is_null(), "{}", seen[&hidden]);
}
