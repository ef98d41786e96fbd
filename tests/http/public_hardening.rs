//! The public API as a feed reader, a browser and a stranger with curl meet it: summaries that
//! stay text in RSS readers, responses browsers may not re-type, and metrics nobody can grow.

use portal_audit::Actor;
use portal_testkit::{on_every_backend, TestApp};

on_every_backend!(
    rss_summaries_stay_text_in_a_feed_reader,
    every_response_says_nosniff,
    metrics_labels_are_bounded_whatever_the_method,
    a_mirror_from_zero_ends_with_exactly_the_published_set,
    organisation_answers_carry_caching_headers_and_revalidate,
    cors_refusals_are_problems_and_extra_headers_are_configurable,
    a_brotli_client_never_gets_the_plain_etag_on_another_body,
    search_takes_the_list_filters_counts_and_marks_whole_words,
);

fn publish_with_summary(app: &TestApp, title: &str, summary: &str) -> i64 {
    let id = app.draft("quang-nam", "tin-tuc-su-kien", title, "<p>x</p>", "vi");
    let mut conn = app.conn();
    let version = portal_content::items::get(&mut conn, id).unwrap().version;
    portal_content::items::update(
        &mut conn,
        &Actor::system("test"),
        id,
        version,
        &portal_content::items::Patch {
            summary: Some(Some(summary.to_string())),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    drop(conn);
    app.advance(id, &["submit", "claim", "forward", "approve"]);
    id
}

async fn rss_summaries_stay_text_in_a_feed_reader(app: TestApp) {
    let summary = "Lịch <b>nghỉ</b> Tết <script>alert(1)</script> & <img src=x onerror=alert(1)>";
    publish_with_summary(&app, "Thông báo nghỉ Tết", summary);
    let xml = app.get("/api/v1/sites/quang-nam/rss.xml").await.text();
    let channel = rss::Channel::read_from(xml.as_bytes()).expect("RSS parses");
    // What a reader gets after reading the XML is HTML it will render: the summary must come
    // out as the same text, escaped, with no element a browser would build.
    let description = channel.items()[0].description().unwrap();
    assert!(!description.contains('<'), "{description}");
    assert!(description.contains("&lt;script&gt;"), "{description}");
    let text = description
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    assert_eq!(text, summary, "a reader shows exactly the summary");
    // Atom says type="text": one escaping is right there.
    let atom = app.get("/api/v1/sites/quang-nam/atom.xml").await.text();
    let feed = atom_syndication::Feed::read_from(atom.as_bytes()).expect("Atom parses");
    assert_eq!(
        feed.entries()[0].summary().map(|s| s.as_str()),
        Some(summary)
    );
}

async fn every_response_says_nosniff(app: TestApp) {
    for path in [
        "/api/v1/sites",
        "/api/v1/sites/quang-nam/rss.xml",
        "/api/v1/no-such-route",
        "/api/openapi.json",
        "/healthz",
    ] {
        let res = app.get(path).await;
        assert_eq!(
            res.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
    }
}

async fn metrics_labels_are_bounded_whatever_the_method(app: TestApp) {
    for i in 0..50 {
        app.request_with(&format!("M{i}X"), "/api/v1/sites", &[])
            .await;
    }
    let metrics = app.get("/metrics").await.text();
    assert!(
        !metrics.contains("M7X"),
        "an invented method became a label"
    );
    assert!(metrics.contains("method=\"other\""), "{metrics}");
}

async fn a_mirror_from_zero_ends_with_exactly_the_published_set(app: TestApp) {
    // Published however: by the workflow, and in bulk as demo content.
    let stepped = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Qua quy trình",
        "<p>x</p>",
        "vi",
    );
    let added = portal_content::demo::generate(
        &mut app.conn(),
        50,
        7,
        portal_moderation::workflow::announce_published,
    )
    .unwrap();
    assert_eq!(added, 50);
    let mut mirror = std::collections::BTreeSet::new();
    let mut since = String::new();
    for _ in 0..20 {
        let path = if since.is_empty() {
            "/api/v1/changes?limit=17".to_string()
        } else {
            format!("/api/v1/changes?limit=17&since={since}")
        };
        let page = app.get(&path).await.json();
        let changes = page["changes"].as_array().unwrap().clone();
        for c in &changes {
            let id = c["item_id"].as_i64().unwrap();
            match c["change"].as_str().unwrap() {
                "published" | "updated" => mirror.insert(id),
                _ => mirror.remove(&id),
            };
        }
        since = page["next_cursor"].as_str().unwrap().to_string();
        if changes.is_empty() {
            break;
        }
    }
    let published: std::collections::BTreeSet<i64> = {
        use diesel::prelude::*;
        portal_db::schema::published_items::table
            .select(portal_db::schema::published_items::item_id)
            .load(&mut *app.conn())
            .unwrap()
            .into_iter()
            .collect()
    };
    assert_eq!(published.len(), 51);
    assert!(mirror.contains(&stepped));
    assert_eq!(mirror, published, "the mirror holds exactly what is live");
}

async fn organisation_answers_carry_caching_headers_and_revalidate(app: TestApp) {
    let section = app.section_id("quang-nam", "tin-tuc-su-kien").await;
    for path in [
        "/api/v1/sites".to_string(),
        "/api/v1/sites/quang-nam".to_string(),
        "/api/v1/sites/quang-nam/sections".to_string(),
        format!("/api/v1/sections/{section}"),
        "/api/v1/agencies".to_string(),
        "/api/v1/agencies/so-tp".to_string(),
    ] {
        let first = app.get(&path).await;
        assert_eq!(first.status, 200, "{path}");
        let etag = first
            .header("etag")
            .unwrap_or_else(|| panic!("{path}: no ETag"));
        assert!(
            first
                .header("cache-control")
                .is_some_and(|c| c.contains("max-age")),
            "{path}"
        );
        let again = app.get_with(&path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, 304, "{path}");
    }
    let site = app.get("/api/v1/sites/hoi-an").await;
    assert!(site.header("last-modified").is_some());
    let etag = site.header("etag").unwrap();
    let operator = app
        .token_for("it.cache", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let changed = app
        .call(
            "PATCH",
            "/api/v1/admin/sites/hoi-an",
            Some(&operator),
            Some(&serde_json::json!({"name_vi": "Cổng TTĐT thành phố Hội An (mới)"})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let after = app
        .get_with("/api/v1/sites/hoi-an", &[("if-none-match", &etag)])
        .await;
    assert_eq!(after.status, 200, "a change shows at once");
    assert!(after.text().contains("(mới)"));
}

async fn cors_refusals_are_problems_and_extra_headers_are_configurable(app: TestApp) {
    let preflight = |app: &TestApp, header: &'static str| {
        let url = app.url("/api/v1/sites");
        let client = awc::Client::default();
        async move {
            let res = client
                .request(actix_web::http::Method::OPTIONS, url)
                .insert_header(("origin", "https://quangnam.gov.vn"))
                .insert_header(("access-control-request-method", "GET"))
                .insert_header(("access-control-request-headers", header))
                .send()
                .await
                .unwrap();
            let content_type = res
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string());
            (res.status().as_u16(), content_type)
        }
    };
    let (status, content_type) = preflight(&app, "x-portal-trace").await;
    assert_eq!(status, 400);
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    let allowing = app
        .replica_with(|state| {
            let public = portal_api::state::PublicConfig {
                cors_allow_headers: vec!["x-portal-trace".into()],
                ..(*state.public).clone()
            };
            state.with_public(public)
        })
        .await;
    let (status, _) = preflight(&allowing, "x-portal-trace").await;
    assert_eq!(status, 200);
}

async fn a_brotli_client_never_gets_the_plain_etag_on_another_body(app: TestApp) {
    let plain = app.get("/api/v1/sites").await;
    let br = app
        .get_with("/api/v1/sites", &[("accept-encoding", "br")])
        .await;
    assert_eq!(br.status, 200);
    // Either the same body under the same tag, or another encoding under another tag.
    let same_tag = br.header("etag") == plain.header("etag");
    let encoded = br
        .header("content-encoding")
        .is_some_and(|e| e != "identity");
    assert!(!(same_tag && encoded), "brotli under the plain ETag");
}

async fn search_takes_the_list_filters_counts_and_marks_whole_words(app: TestApp) {
    let a = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "An toàn giao thông dịp Tết",
        "<p>Giải pháp bảo đảm an toàn cho transport hành khách.</p>",
        "vi",
    );
    app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "An toàn thực phẩm",
        "<p>Kiểm tra an toàn thực phẩm.</p>",
        "vi",
    );
    // Every filter of the list is taken (none is a 400).
    for filter in [
        "tag=giao-thong",
        "author=Ph%C3%B3ng",
        "published_from=2020-01-01T00:00:00Z",
        "published_to=2999-01-01T00:00:00Z",
        "updated_since=2020-01-01T00:00:00Z",
        "kind=news",
        "language=vi",
        "site=quang-nam",
    ] {
        let res = app.get(&format!("/api/v1/search?q=an+toan&{filter}")).await;
        assert_eq!(res.status, 200, "{filter}: {}", res.text());
    }
    let all = app.get("/api/v1/search?q=an+toan").await.json();
    assert_eq!(all["total"], 2, "{all}");
    assert_eq!(all["total_is_capped"], false);
    let future = app
        .get("/api/v1/search?q=an+toan&published_from=2999-01-01T00:00:00Z")
        .await
        .json();
    assert_eq!(future["total"], 0, "the date filter applies: {future}");
    let by_author = app
        .get("/api/v1/search?q=an+toan&author=Kh%C3%B4ng+ai")
        .await
        .json();
    assert_eq!(by_author["total"], 0, "the byline filter applies");
    let word = app.get("/api/v1/search?q=an").await.json();
    let hit = word["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == a)
        .unwrap();
    let snippet = hit["snippet"].as_str().unwrap();
    assert!(!snippet.contains("tr<mark>"), "{snippet}");
}
