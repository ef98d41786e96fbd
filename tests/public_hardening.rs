//! The public API as a feed reader, a browser and a stranger with curl meet it: summaries that
//! stay text in RSS readers, responses browsers may not re-type, and metrics nobody can grow.

use portal_audit::Actor;
use portal_tests::{on_every_backend, TestApp};

on_every_backend!(
    rss_summaries_stay_text_in_a_feed_reader,
    every_response_says_nosniff,
    metrics_labels_are_bounded_whatever_the_method,
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
