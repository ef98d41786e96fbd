//! The public delivery API: only what is published, found without diacritics, cached with
//! ETags, followed by mirrors through the change feed, and fed as RSS, Atom and sitemaps.

use std::collections::{BTreeMap, BTreeSet};

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

mod feeds;
mod listing;
mod search;

on_every_backend!(
    only_published_items_are_ever_visible,
    etags_and_last_modified_answer_304,
    a_renamed_slug_still_resolves_to_the_canonical_one,
    cors_lets_frontends_read,
    head_answers_like_get_without_a_body,
    answers_are_compressed_for_clients_that_accept_it,
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
