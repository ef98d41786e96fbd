//! The public response cache: rendered answers of the public API kept in memory, per replica,
//! so the portal's front page and section pages are served without touching the database.
//!
//! Correctness across replicas rests on one number, the audit head's sequence
//! (`portal_audit::head_seq`). Every change a reader could see — publication, update,
//! unpublication, archiving, a section or site change — is audited in the same transaction that
//! makes it, so the sequence moves whenever a public answer may have changed. Each entry records
//! the sequence it was rendered at and is served only while the replica's view of the sequence
//! is the same. A replica reads the sequence again when its last reading is older than
//! `freshness` (250 ms by default), so a change committed on any replica reaches readers of
//! every replica within twice `freshness` plus one query: inside the one second the delivery
//! issue asks for. A write through this replica's own API forgets the reading at once, so its own
//! readers see their change on the next request.

pub mod render;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use actix_web::http::header::HeaderValue;
use actix_web::web::Bytes;
use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};
use tokio::sync::Notify;

/// One rendered answer and the validators sent with it.
#[derive(Debug)]
pub struct CachedResponse {
    pub body: Bytes,
    pub content_type: HeaderValue,
    /// Strong: a digest of the body.
    pub etag: HeaderValue,
    /// The body gzipped once, for clients that accept it, and its own strong ETag (a different
    /// representation needs a different one, RFC 9110 §8.8.3). None for small bodies.
    pub gzip: Option<(Bytes, HeaderValue)>,
    pub last_modified: Option<(i64, HeaderValue)>,
    /// `Link` header (the canonical URL of an item reached by a former slug).
    pub link: Option<HeaderValue>,
    /// The audit sequence this answer was rendered at.
    pub version: i64,
}

impl CachedResponse {
    pub fn new(
        body: Vec<u8>,
        content_type: &'static str,
        last_modified: Option<NaiveDateTime>,
        link: Option<String>,
        version: i64,
        precompress: bool,
    ) -> Self {
        let digest = &hex::encode(Sha256::digest(&body))[..32];
        let etag = format!("\"{digest}\"");
        let gzip = (precompress && body.len() >= GZIP_FROM_BYTES)
            .then(|| gzip(&body))
            .flatten()
            .and_then(|gz| {
                HeaderValue::from_str(&format!("\"{digest}-gzip\""))
                    .ok()
                    .map(|tag| (Bytes::from(gz), tag))
            });
        Self {
            gzip,
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
            content_type: HeaderValue::from_static(content_type),
            last_modified: last_modified.and_then(|t| {
                let t = t.and_utc();
                HeaderValue::from_str(&t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
                    .ok()
                    .map(|v| (t.timestamp(), v))
            }),
            link: link.and_then(|l| HeaderValue::from_str(&l).ok()),
            body: Bytes::from(body),
            version,
        }
    }

    fn weight(&self, key: &str) -> usize {
        self.body.len() + self.gzip.as_ref().map_or(0, |(gz, _)| gz.len()) + key.len() + 256
    }
}

/// Below this a body goes out as it is (or as the compression middleware makes it).
const GZIP_FROM_BYTES: usize = 1024;

fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::default(),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

struct Clock {
    version: i64,
    checked_at: Option<Instant>,
    /// Moved by every local write, so a reading that started before it is not trusted after.
    generation: u64,
    /// When a request set out to read the version; others keep the previous reading meanwhile.
    /// A time, not a flag, so a reader that never reports back (its client went away) holds
    /// the others off for at most one `freshness`.
    refresh_started: Option<Instant>,
}

#[derive(Default)]
struct Entries {
    version: i64,
    map: HashMap<String, Arc<CachedResponse>>,
    /// Insertion order, for evicting the oldest when the budget is spent.
    order: VecDeque<String>,
    bytes: usize,
}

/// What a request learnt from the clock.
pub enum Reading {
    /// The version is known and fresh enough.
    Known(i64),
    /// The caller must read the version from the database and report it with `record`.
    Check { generation: u64 },
}

pub struct PublicCache {
    /// The `Cache-Control` of every public answer, rendered once.
    pub cache_control: HeaderValue,
    budget_bytes: usize,
    freshness: Duration,
    clock: Mutex<Clock>,
    entries: RwLock<Entries>,
    /// Keys being rendered now. Requests for the same key wait for that render instead of
    /// running the same queries side by side (a cold front page under load, or every page right
    /// after a publication).
    rendering: Mutex<HashMap<String, Arc<Notify>>>,
}

/// What a request that missed the cache should do.
pub enum Turn<'a> {
    /// Render the answer; dropping the guard wakes the requests waiting for it.
    Render(RenderGuard<'a>),
    /// Another request is rendering this key: wait, then look again.
    Wait(Arc<Notify>),
}

pub struct RenderGuard<'a> {
    cache: &'a PublicCache,
    key: String,
}

impl Drop for RenderGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut rendering) = self.cache.rendering.lock() {
            if let Some(waiting) = rendering.remove(&self.key) {
                waiting.notify_waiters();
            }
        }
    }
}

/// How public reads are cached and who may read them from a browser.
#[derive(Debug, Clone)]
pub struct PublicConfig {
    pub max_age_secs: u32,
    pub stale_while_revalidate_secs: u32,
    /// Origins allowed by CORS; `*` allows any.
    pub cors_origins: Vec<String>,
    /// Request headers allowed cross-origin besides the standard ones (lower case).
    pub cors_allow_headers: Vec<String>,
    /// Memory for rendered public answers, per replica; 0 turns the cache off.
    pub cache_bytes: usize,
    /// How old this replica's reading of the change clock may get before it reads it again;
    /// zero reads it on every request. See `crate::cache`.
    pub cache_freshness: Duration,
    /// Items per sitemap file, at most the protocol's 50,000; a site with more gets an index.
    pub sitemap_urls: usize,
}

impl PublicConfig {
    pub fn cache_control(&self) -> String {
        format!(
            "public, max-age={}, stale-while-revalidate={}",
            self.max_age_secs, self.stale_while_revalidate_secs
        )
    }
}

impl PublicCache {
    /// `cache_bytes` 0 turns the cache off; `cache_freshness` 0 reads the version on every
    /// request.
    pub fn from_config(config: &PublicConfig) -> Self {
        Self {
            cache_control: HeaderValue::from_str(&config.cache_control())
                .unwrap_or(HeaderValue::from_static("public")),
            budget_bytes: config.cache_bytes,
            freshness: config.cache_freshness,
            clock: Mutex::new(Clock {
                version: 0,
                checked_at: None,
                generation: 0,
                refresh_started: None,
            }),
            entries: RwLock::new(Entries::default()),
            rendering: Mutex::new(HashMap::new()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget_bytes > 0
    }

    /// The version to serve at, or a request to read it. While one request reads it, the others
    /// keep serving the previous reading for up to one more `freshness`, so no answer is served
    /// from a reading older than twice `freshness`.
    pub fn reading(&self) -> Reading {
        let Ok(mut clock) = self.clock.lock() else {
            return Reading::Check { generation: 0 };
        };
        let fresh = clock
            .checked_at
            .is_some_and(|at| at.elapsed() < self.freshness);
        let someone_reading = clock
            .refresh_started
            .is_some_and(|at| at.elapsed() < self.freshness);
        if fresh || (someone_reading && clock.checked_at.is_some()) {
            return Reading::Known(clock.version);
        }
        clock.refresh_started = Some(Instant::now());
        Reading::Check {
            generation: clock.generation,
        }
    }

    /// Records a version read from the database (or that the read failed, with `None`).
    pub fn record(&self, generation: u64, version: Option<i64>) {
        if let Ok(mut clock) = self.clock.lock() {
            clock.refresh_started = None;
            if let Some(version) = version {
                if clock.generation == generation {
                    clock.version = version;
                    clock.checked_at = Some(Instant::now());
                }
            }
        }
    }

    /// Forgets the version reading: this replica has just written.
    pub fn invalidate(&self) {
        if let Ok(mut clock) = self.clock.lock() {
            clock.checked_at = None;
            clock.generation = clock.generation.wrapping_add(1);
        }
    }

    pub fn get(&self, key: &str, version: i64) -> Option<Arc<CachedResponse>> {
        let entries = self.entries.read().ok()?;
        entries
            .map
            .get(key)
            .filter(|e| e.version == version)
            .cloned()
    }

    /// Keeps `response` under `key`, dropping everything of an older version first and the
    /// oldest entries when the budget is spent. An answer bigger than an eighth of the budget
    /// (a large sitemap) is not kept.
    pub fn put(&self, key: String, response: Arc<CachedResponse>) {
        let weight = response.weight(&key);
        if weight > self.budget_bytes / 8 {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if response.version < entries.version {
            return;
        }
        if response.version > entries.version {
            entries.map.clear();
            entries.order.clear();
            entries.bytes = 0;
            entries.version = response.version;
        }
        while entries.bytes + weight > self.budget_bytes {
            let Some(oldest) = entries.order.pop_front() else {
                break;
            };
            if let Some(gone) = entries.map.remove(&oldest) {
                entries.bytes -= gone.weight(&oldest);
            }
        }
        if let Some(previous) = entries.map.insert(key.clone(), response) {
            entries.bytes -= previous.weight(&key);
            entries.order.retain(|k| k != &key);
        }
        entries.bytes += weight;
        entries.order.push_back(key);
    }

    /// Claims the render of `key`, or hands back the render to wait for with `wait_for`.
    pub fn take_turn(&self, key: &str) -> Turn<'_> {
        let Ok(mut rendering) = self.rendering.lock() else {
            return Turn::Render(RenderGuard {
                cache: self,
                key: String::new(),
            });
        };
        if let Some(notify) = rendering.get(key) {
            return Turn::Wait(notify.clone());
        }
        rendering.insert(key.to_string(), Arc::new(Notify::new()));
        Turn::Render(RenderGuard {
            cache: self,
            key: key.to_string(),
        })
    }

    /// Waits until the render of `key` that `notify` belongs to has finished (or was dropped).
    pub async fn wait_for(&self, key: &str, notify: Arc<Notify>) {
        let notified = notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        // The render may have ended between `take_turn` and `enable`: then the key is free or
        // belongs to another render, and there is nothing to wait for.
        let still_ours = self
            .rendering
            .lock()
            .map(|r| r.get(key).is_some_and(|n| Arc::ptr_eq(n, &notify)))
            .unwrap_or(false);
        if still_ours {
            notified.await;
        }
    }

    /// Bytes held now, for the metrics.
    pub fn held_bytes(&self) -> usize {
        self.entries.read().map(|e| e.bytes).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(cache_bytes: usize, cache_freshness: Duration) -> PublicCache {
        PublicCache::from_config(&PublicConfig {
            cache_bytes,
            cache_freshness,
            max_age_secs: 60,
            stale_while_revalidate_secs: 300,
            cors_origins: vec!["*".into()],
            cors_allow_headers: Vec::new(),
            sitemap_urls: 10,
        })
    }

    fn response(version: i64, size: usize) -> Arc<CachedResponse> {
        Arc::new(CachedResponse::new(
            vec![b'x'; size],
            "application/json",
            None,
            None,
            version,
            false,
        ))
    }

    #[test]
    fn answers_only_at_the_version_they_were_rendered_at() {
        let cache = cache(1 << 20, Duration::ZERO);
        cache.put("/a".into(), response(3, 10));
        assert!(cache.get("/a", 3).is_some());
        assert!(cache.get("/a", 4).is_none());
        cache.put("/b".into(), response(4, 10));
        assert!(
            cache.get("/a", 3).is_none(),
            "a newer version drops older entries"
        );
        cache.put("/a".into(), response(3, 10));
        assert!(
            cache.get("/a", 3).is_none(),
            "an answer older than the cache is not kept"
        );
    }

    #[test]
    fn stays_within_its_budget_by_dropping_the_oldest() {
        let cache = cache(8 * 1024, Duration::ZERO);
        for i in 0..40 {
            cache.put(format!("/{i}"), response(1, 500));
        }
        assert!(cache.held_bytes() <= 8 * 1024);
        assert!(cache.get("/39", 1).is_some());
        assert!(cache.get("/0", 1).is_none());
        cache.put("/huge".into(), response(1, 4 * 1024));
        assert!(
            cache.get("/huge", 1).is_none(),
            "bigger than an eighth of the budget"
        );
    }

    #[test]
    fn a_local_write_makes_the_next_reader_check_the_version() {
        let cache = cache(1 << 20, Duration::from_secs(3600));
        let Reading::Check { generation } = cache.reading() else {
            panic!("nothing read yet");
        };
        cache.record(generation, Some(7));
        assert!(matches!(cache.reading(), Reading::Known(7)));
        cache.invalidate();
        let Reading::Check { generation: after } = cache.reading() else {
            panic!("invalidated");
        };
        // A reading that started before the write is not trusted after it.
        cache.record(generation, Some(7));
        assert!(matches!(cache.reading(), Reading::Check { .. }));
        cache.record(after, Some(8));
        assert!(matches!(cache.reading(), Reading::Known(8)));
    }

    #[actix_web::test]
    async fn one_request_renders_a_key_while_the_others_wait_for_it() {
        let cache = Arc::new(cache(1 << 20, Duration::ZERO));
        let Turn::Render(guard) = cache.take_turn("/a") else {
            panic!("the first request renders");
        };
        assert!(
            matches!(cache.take_turn("/b"), Turn::Render(_)),
            "other keys do not wait"
        );
        let Turn::Wait(notify) = cache.take_turn("/a") else {
            panic!("the second request for the key waits");
        };
        let waiting = cache.clone();
        let waiter = actix_web::rt::spawn(async move { waiting.wait_for("/a", notify).await });
        actix_web::rt::task::yield_now().await;
        assert!(!waiter.is_finished(), "still rendering");
        cache.put("/a".into(), response(1, 10));
        drop(guard);
        actix_web::rt::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("woken when the render ends")
            .expect("the waiter ran");
        assert!(cache.get("/a", 1).is_some());
        assert!(
            matches!(cache.take_turn("/a"), Turn::Render(_)),
            "the key is free again"
        );
    }
}
