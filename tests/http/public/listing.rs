//! Lists of published items: filters, cursors, numbered pages with a bounded total, section order.

use super::*;

on_every_backend!(
    filters_and_their_bad_values,
    cursor_paging_neither_skips_nor_repeats_while_items_are_published,
    numbered_pages_carry_a_bounded_total,
    section_order_follows_the_section_tree_then_newest,
);

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
