//! The public response cache of each replica: answers are served from memory, and a change
//! committed on any replica still reaches the readers of every replica within one second (the
//! Public delivery API issue), because each replica rereads the audit head's sequence every
//! 250 ms and a write through a replica's own API makes it reread at once.

use std::time::{Duration, Instant};

use portal_api::state::PublicConfig;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    a_change_on_one_replica_reaches_readers_of_another_within_a_second,
    a_write_through_a_replica_is_seen_by_its_next_read,
    repeated_reads_are_served_from_memory_and_304_from_the_cached_etag,
);

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("a page of items")
        .iter()
        .map(|i| i["id"].as_i64().expect("an id"))
        .collect()
}

async fn metric(app: &TestApp, name: &str) -> f64 {
    let text = app.get("/metrics").await.text();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("portal_{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("metric {name} in:\n{text}"))
}

/// Polls `path` on `app` until `done` holds; returns how long that took.
async fn wait_until(app: &TestApp, path: &str, done: impl Fn(&Value) -> bool) -> Duration {
    let started = Instant::now();
    loop {
        let page = app.get(path).await.json();
        if done(&page) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{path} still shows {page} after 3 s"
        );
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn a_change_on_one_replica_reaches_readers_of_another_within_a_second(app: TestApp) {
    let reader = app.replica(app.state.public.as_ref().clone()).await;
    let first = app.publish("quang-nam", "tin-tuc-su-kien", "Tin một", "<p>x</p>", "vi");
    let list = "/api/v1/content?site=quang-nam";
    wait_until(&reader, list, |p| ids(p) == [first]).await;

    // Written through the domain, as another replica would: the reader learns of it only from
    // the change clock.
    let second = app.publish("quang-nam", "tin-tuc-su-kien", "Tin hai", "<p>x</p>", "vi");
    let took = wait_until(&reader, list, |p| ids(p) == [second, first]).await;
    assert!(took < Duration::from_secs(1), "publication took {took:?}");

    app.advance(first, &["unpublish"]);
    let took = wait_until(&reader, list, |p| ids(p) == [second]).await;
    assert!(took < Duration::from_secs(1), "unpublication took {took:?}");
    let took = wait_until(&reader, &format!("/api/v1/content/{second}"), |item| {
        item["title"] == "Tin hai"
    })
    .await;
    assert!(took < Duration::from_secs(1));
    reader
        .get(&format!("/api/v1/content/{first}"))
        .await
        .problem(404);
}

async fn a_write_through_a_replica_is_seen_by_its_next_read(app: TestApp) {
    // A freshness this long would hide the change for most of a test; only the local write
    // makes the next read see it.
    let replica = app
        .replica(PublicConfig {
            cache_freshness: Duration::from_secs(3600),
            ..app.state.public.as_ref().clone()
        })
        .await;
    let id = app.publish("quang-nam", "tin-tuc-su-kien", "Tin cũ", "<p>x</p>", "vi");
    let list = "/api/v1/content?site=quang-nam";
    assert_eq!(ids(&replica.get(list).await.json()), [id]);
    assert_eq!(ids(&replica.get(list).await.json()), [id]);

    let chief = replica
        .token_for("chinh.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    replica
        .call(
            "POST",
            &format!("/api/v1/admin/content/{id}/unpublish"),
            Some(&chief),
            Some(&json!({"comment": "Gỡ để đính chính"})),
        )
        .await
        .json();
    assert_eq!(ids(&replica.get(list).await.json()), Vec::<i64>::new());
}

async fn repeated_reads_are_served_from_memory_and_304_from_the_cached_etag(app: TestApp) {
    let id = app.publish("quang-nam", "tin-tuc-su-kien", "Lưu đệm", "<p>x</p>", "vi");
    let path = format!("/api/v1/content/{id}");
    let first = app.get(&path).await;
    let hits_before = metric(&app, "public_cache_hits_total").await;
    let second = app.get(&path).await;
    assert_eq!(
        metric(&app, "public_cache_hits_total").await,
        hits_before + 1.0
    );
    assert_eq!(first.text(), second.text());
    assert_eq!(first.header("etag"), second.header("etag"));
    let etag = first.header("etag").expect("an ETag");
    let not_modified = app.get_with(&path, &[("if-none-match", &etag)]).await;
    assert_eq!(not_modified.status, 304);
    assert_eq!(not_modified.text(), "");
    assert!(metric(&app, "public_cache_bytes").await > 0.0);

    // Another language is another answer, not the cached one.
    let english = app.get_with(&path, &[("accept-language", "en")]).await;
    assert_eq!(english.status, 200);
    assert_eq!(english.json()["breadcrumb"][0]["name"], "News and events");

    // Turned off, nothing is kept.
    let uncached = app
        .replica(PublicConfig {
            cache_bytes: 0,
            ..app.state.public.as_ref().clone()
        })
        .await;
    // (The replica shares this app's metrics registry.)
    let hits_before = metric(&uncached, "public_cache_hits_total").await;
    uncached.get(&path).await.json();
    uncached.get(&path).await.json();
    assert_eq!(
        metric(&uncached, "public_cache_hits_total").await,
        hits_before
    );
}
