//! Test harness: starts the real app on a real HTTP port over a fresh database per test — a
//! temporary SQLite file always, and a new PostgreSQL database when `PORTAL_TEST_DATABASE_URL`
//! names a server (the database is created for the test and dropped after it).

use std::net::TcpListener;

use actix_web::dev::ServerHandle;
use diesel::connection::SimpleConnection;

mod db;
mod fixtures;
pub use db::*;
pub use fixtures::*;

use portal_api::state::StateConfig;
pub use portal_api::AppState;
use portal_audit::Actor;
use portal_auth::accounts::{self, NewUser};
use portal_auth::{JwtKeys, Role};
pub use portal_db::Backend;
use portal_db::{establish, DatabaseUrl, PoolOptions};
use serde_json::{json, Value};

pub mod smtp;
pub mod tls;

pub const TEST_DATABASE_ENV: &str = "PORTAL_TEST_DATABASE_URL";

/// The HS256 secret every test server signs with, so tests can also forge tokens deliberately.
pub const TEST_JWT_SECRET: &[u8] = b"portal-tests-only-secret-0123456789abcdef";

/// The password of users made with `TestApp::user`.
pub const TEST_PASSWORD: &str = "Hội An mùa lụt 2026";

/// A token for a public form (`portal_feedback::guard`), signed with the test data key as the
/// server signs it when the form is shown (tests/http/feedback/guard.rs fetches real ones).
pub fn form_token(form: &str) -> String {
    let key = portal_feedback::DataKey::from_hex(&"7e".repeat(32)).expect("a 32-byte key");
    portal_feedback::guard::form_token(&key, form, chrono::Utc::now())
}

pub fn test_keys() -> JwtKeys {
    JwtKeys::hs256(TEST_JWT_SECRET).expect("test secret is long enough")
}

/// The app served over HTTP on a free loopback port, on its own database.
pub struct TestApp {
    pub base_url: String,
    pub client: awc::Client,
    pub state: AppState,
    server: ServerHandle,
    db: Option<TestDb>,
}

pub struct TestResponse {
    pub status: u16,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// Asserts a problem+json response of `status` and returns its document.
    pub fn problem(&self, status: u16) -> serde_json::Value {
        assert_eq!(self.status, status, "body: {}", self.text());
        let content_type = self.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("application/problem+json"),
            "content-type was {content_type:?}; body: {}",
            self.text()
        );
        let doc = self.json();
        assert_eq!(doc["status"], status);
        assert!(
            doc["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("urn:problem:portal:")),
            "{doc}"
        );
        assert!(
            doc["title"].is_string() && doc["detail"].is_string(),
            "{doc}"
        );
        doc
    }
}

/// The server's defaults (`portal::settings`), with what tests need instead: the test keys,
/// loopback webhook receivers retried at once instead of after backoff, and the change clock read
/// on every request — tests write straight into the domain and read back at once
/// (`tests/http/public_cache.rs` covers a non-zero freshness). Public answers are cached as in
/// production.
pub fn test_state_config() -> StateConfig {
    let settings = portal::Settings::defaults();
    let mut serve = portal::ServeSettings::defaults();
    serve.public_cache_freshness = std::time::Duration::ZERO;
    serve.webhooks_allow_private = true;
    let mut webhook_policy = serve.webhook_policy();
    webhook_policy.base_backoff = std::time::Duration::ZERO;
    webhook_policy.max_backoff = std::time::Duration::ZERO;
    StateConfig {
        keys: test_keys(),
        auth: settings.auth_config(),
        public: serve.public_config(),
        webhooks_allow_private: serve.webhooks_allow_private,
        webhook_policy,
        trusted_proxies: serve.trusted_proxies.clone(),
        audit_anchor: None,
        // A fixed key: tests that read stored ciphertext know what it was sealed with.
        data_key: portal_feedback::DataKey::from_hex(&"7e".repeat(32)).expect("a 32-byte key"),
        // Tests send many forms at once from one address, at once after fetching them;
        // tests/http/feedback/guard.rs sets the production limits.
        intake: portal_feedback::guard::IntakeLimits {
            max_per_window: 100_000,
            window: chrono::Duration::hours(1),
            min_fill_secs: 0,
            integrator_max_per_window: 100_000,
        },
    }
}

/// The server's pool options with `max_size` connections.
pub fn test_pool(max_size: u32) -> PoolOptions {
    PoolOptions {
        max_size,
        ..portal::ServeSettings::defaults().pool_options()
    }
}

impl TestApp {
    /// Starts the app on a fresh database of `backend`; None for PostgreSQL when not configured.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let db = match backend {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => TestDb::postgres()?,
        };
        Some(Self::spawn_on(db).await)
    }

    pub async fn spawn_on(db: TestDb) -> TestApp {
        let state = portal::bootstrap::prepare(&db.url, &test_pool(4), test_state_config())
            .unwrap_or_else(|e| panic!("{e}"))
            .state
            .trusting_webhook_ca(tls::test_ca().pem.as_bytes())
            .expect("the test CA parses");
        Self::serve(state, Some(db))
    }

    /// Serves `state` on a free loopback port with one worker; the app owns `db` if given.
    fn serve(state: AppState, db: Option<TestDb>) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let port = listener.local_addr().expect("bound").port();
        let server = portal_api::serve(listener, state.clone(), Some(1)).expect("server starts");
        let handle = server.handle();
        actix_web::rt::spawn(server);
        TestApp {
            base_url: format!("http://127.0.0.1:{port}"),
            client: awc::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .finish(),
            state,
            server: handle,
            db,
        }
    }

    /// A second server on the same database with its own public settings (and so its own public
    /// cache), as another replica behind the load balancer would be. It shares this app's pool.
    pub async fn replica(&self, public: portal_api::state::PublicConfig) -> TestApp {
        self.replica_with(|state| state.with_public(public)).await
    }

    /// A second server on the same database whose settings `configure` changes (trusted proxies,
    /// auth limits), as a differently configured replica would be. It shares this app's pool.
    pub async fn replica_with(&self, configure: impl FnOnce(AppState) -> AppState) -> TestApp {
        Self::serve(configure(self.state.clone()), None)
    }

    /// Stops this server and starts a new one on the same database, as a restart would.
    pub async fn restart(mut self) -> TestApp {
        let db = self.db.take().expect("the app owns its database");
        self.server.stop(true).await;
        TestApp::spawn_on(db).await
    }

    pub fn backend(&self) -> Backend {
        self.db.as_ref().map_or(Backend::Sqlite, TestDb::backend)
    }

    /// A replica of this app with a pool of `max_size` connections: more requests in flight at
    /// once than the test app's 4, for races that need them.
    pub async fn with_pool(&self, max_size: u32) -> TestApp {
        let url = self
            .db
            .as_ref()
            .expect("the app owns its database")
            .url
            .clone();
        let pool =
            portal_db::build_pool(&url, &test_pool(max_size)).unwrap_or_else(|e| panic!("{e}"));
        self.replica_with(move |mut state| {
            state.pool = pool;
            state
        })
        .await
    }

    /// A direct database connection, for arranging what no endpoint can (e.g. a lock that expired).
    pub fn conn(&self) -> portal_db::PooledConn {
        self.state.pool.get().expect("a pooled connection")
    }

    /// Creates an active user with `TEST_PASSWORD` and the given roles, straight in the domain.
    pub fn user(&self, username: &str, agency: &str, roles: &[(&str, &str)]) -> i64 {
        let mut conn = self.conn();
        let actor = Actor::system("test");
        let view = accounts::create(
            &mut conn,
            &actor,
            &NewUser {
                username: username.into(),
                display_name: username.into(),
                email: None,
                agency: agency.into(),
                password: TEST_PASSWORD.into(),
                must_change_password: false,
            },
        )
        .unwrap_or_else(|e| panic!("creating {username}: {e}"));
        for (site, role) in roles {
            let role = Role::parse(role).expect("role name");
            accounts::grant_role(&mut conn, &actor, view.user.id, site, role, &[]).expect("grant");
        }
        view.user.id
    }

    /// Signs in over HTTP and returns the whole token response.
    pub async fn login_response(&self, username: &str, password: &str) -> TestResponse {
        self.post_json(
            "/api/v1/auth/login",
            &json!({"username": username, "password": password}),
        )
        .await
    }

    /// Signs in over HTTP with `TEST_PASSWORD`; returns (access token, refresh token).
    pub async fn login(&self, username: &str) -> (String, String) {
        let res = self.login_response(username, TEST_PASSWORD).await;
        assert_eq!(res.status, 200, "login of {username}: {}", res.text());
        let body = res.json();
        (
            body["access_token"].as_str().unwrap().to_string(),
            body["refresh_token"].as_str().unwrap().to_string(),
        )
    }

    /// A user made with `user` and signed in: their access token.
    pub async fn token_for(&self, username: &str, agency: &str, roles: &[(&str, &str)]) -> String {
        self.user(username, agency, roles);
        self.login(username).await.0
    }

    /// Sends `method path` with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> TestResponse {
        let method = actix_web::http::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.insert_header(("authorization", format!("Bearer {token}")));
        }
        match body {
            Some(body) => {
                req = req.insert_header(("content-type", "application/json"));
                self.send(req, Some(body.to_string().into_bytes())).await
            }
            None => self.send(req, None).await,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(self.client.get(self.url(path)), None).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        self.request_with("GET", path, headers).await
    }

    /// Sends `method path` with extra headers and no body.
    pub async fn request_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let method = actix_web::http::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.client.request(method, self.url(path));
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        self.send(req, None).await
    }

    /// Sends `body` as given, with the given content type (None: no Content-Type header).
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> TestResponse {
        let method = actix_web::http::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.client.request(method, self.url(path));
        if let Some(ct) = content_type {
            req = req.insert_header(("content-type", ct));
        }
        self.send(req, Some(body)).await
    }

    /// POSTs a file (`body` as `content_type`) with an optional bearer token.
    pub async fn upload(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> TestResponse {
        let mut req = self
            .client
            .post(self.url(path))
            .insert_header(("content-type", content_type.to_string()));
        if let Some(token) = token {
            req = req.insert_header(("authorization", format!("Bearer {token}")));
        }
        self.send(req, Some(body)).await
    }

    /// POSTs JSON with extra headers (e.g. `X-Forwarded-For` as a proxy would add it).
    pub async fn post_json_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
    ) -> TestResponse {
        let mut req = self.client.post(self.url(path));
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let req = req.insert_header(("content-type", "application/json"));
        self.send(req, Some(body.to_string().into_bytes())).await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> TestResponse {
        self.send_raw(
            "POST",
            path,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    async fn send(&self, req: awc::ClientRequest, body: Option<Vec<u8>>) -> TestResponse {
        let result = match body {
            Some(body) => req.send_body(body).await,
            None => req.send().await,
        };
        let mut res = result.unwrap_or_else(|e| panic!("request failed: {e}"));
        let body = res
            .body()
            .limit(64 * 1024 * 1024)
            .await
            .expect("body")
            .to_vec();
        TestResponse {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body,
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.server.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
    }
}

/// Declares each named `async fn(TestApp)` as two tests, `NAME::sqlite` and `NAME::postgres`.
/// The PostgreSQL one is compiled as ignored when `PORTAL_TEST_DATABASE_URL` is not set (the
/// `portal_postgres_tests` cfg comes from the test package's build script), so the run reports it
/// as ignored rather than passed.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[::actix_web::test]
            async fn sqlite() {
                let app = $crate::TestApp::spawn($crate::Backend::Sqlite).await.expect("sqlite always runs");
                super::$name(app).await
            }

            #[::actix_web::test]
            #[cfg_attr(not(portal_postgres_tests), ignore = "PORTAL_TEST_DATABASE_URL is not set")]
            async fn postgres() {
                let app = $crate::TestApp::spawn_on($crate::TestDb::postgres_configured()).await;
                super::$name(app).await
            }
        }
    )+};
}

/// Declares each named `fn(TestDb)` (tests of storage, not of HTTP) as `NAME::sqlite` and
/// `NAME::postgres`, the latter ignored like `on_every_backend!`'s without a server.
#[macro_export]
macro_rules! on_every_database {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name($crate::TestDb::sqlite())
            }

            #[test]
            #[cfg_attr(not(portal_postgres_tests), ignore = "PORTAL_TEST_DATABASE_URL is not set")]
            fn postgres() {
                super::$name($crate::TestDb::postgres_configured())
            }
        }
    )+};
}

impl TestApp {
    /// The id of the section `slug` of `site`, looked up through the public API.
    pub async fn section_id(&self, site: &str, slug: &str) -> i64 {
        let body = self
            .get(&format!(
                "/api/v1/sites/{site}/sections?flat=true&limit=100"
            ))
            .await
            .json();
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["slug"] == slug)
            .and_then(|s| s["id"].as_i64())
            .unwrap_or_else(|| panic!("no section {slug} on {site}"))
    }

    /// The scopes `/auth/me` reports for a token.
    pub async fn scopes(&self, token: &str) -> Vec<String> {
        let res = self.call("GET", "/api/v1/auth/me", Some(token), None).await;
        assert_eq!(res.status, 200, "{}", res.text());
        res.json()["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn derives_the_test_database_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "t3"), "postgres://h/t3");
    }
}
