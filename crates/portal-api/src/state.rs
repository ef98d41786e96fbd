use std::sync::Arc;
use std::time::Instant;

use actix_web::web;
use portal_auth::{AuthConfig, JwtKeys};
use portal_core::Error;
use portal_db::{Backend, DbConn, Pool};

use crate::cache::PublicCache;
pub use crate::cache::PublicConfig;
use crate::http::client_ip::TrustedProxies;
use crate::http::problem::ApiError;
use crate::metrics::Metrics;

/// Token signing keys and the account-security limits.
pub struct AuthRuntime {
    pub keys: JwtKeys,
    pub config: AuthConfig,
}

/// Where this server anchors the audit chain: the signing key and the checkpoint file, outside
/// the database (`portal_audit::anchor`).
pub struct AuditAnchor {
    pub key: Vec<u8>,
    pub file: std::path::PathBuf,
    /// The newest sequence number written, so an idle log adds no lines.
    last_written: std::sync::atomic::AtomicI64,
}

impl AuditAnchor {
    pub fn new(key: Vec<u8>, file: std::path::PathBuf) -> Self {
        Self {
            key,
            file,
            last_written: std::sync::atomic::AtomicI64::new(-1),
        }
    }

    /// Signs the head and appends it to the file (flushed to disk), unless it is already there.
    pub fn write(&self, conn: &mut DbConn) -> Result<portal_audit::anchor::Checkpoint, String> {
        use std::io::Write;
        use std::sync::atomic::Ordering;
        let checkpoint =
            portal_audit::anchor::checkpoint(conn, &self.key).map_err(|e| e.to_string())?;
        if self.last_written.load(Ordering::Relaxed) == checkpoint.seq {
            return Ok(checkpoint);
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.file)
            .map_err(|e| format!("cannot open {}: {e}", self.file.display()))?;
        writeln!(file, "{}", checkpoint.line())
            .and_then(|_| file.sync_data())
            .map_err(|e| format!("cannot write {}: {e}", self.file.display()))?;
        self.last_written.store(checkpoint.seq, Ordering::Relaxed);
        Ok(checkpoint)
    }
}

/// Outbound webhook rules.
pub struct WebhookRuntime {
    /// Allow endpoints on private and loopback addresses (tests, closed networks).
    pub allow_private: bool,
    pub policy: portal_moderation::webhooks::Policy,
    /// Certificate authorities trusted besides the public ones (Mozilla's list, built in). Set by
    /// the tests, whose HTTPS receiver has a certificate of their own CA; not a setting.
    pub extra_roots: Vec<reqwest::Certificate>,
}

/// What every handler may reach: the pool, the auth keys and the metrics registry. Cloned per
/// worker; cheap.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub backend: Backend,
    pub auth: Arc<AuthRuntime>,
    pub webhooks: Arc<WebhookRuntime>,
    pub public: Arc<PublicConfig>,
    pub public_cache: Arc<PublicCache>,
    /// Proxies whose `X-Forwarded-For`/`Forwarded` are believed (`crate::http::client_ip`).
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Where the background job writes audit checkpoints, if anchoring is configured.
    pub audit_anchor: Option<Arc<AuditAnchor>>,
    /// Searches rendered at once: one per core.
    pub search_permits: Arc<tokio::sync::Semaphore>,
    pub metrics: Arc<Metrics>,
    /// Encrypts citizens' personal data at rest (`PORTAL_DATA_KEY`, portal-feedback).
    pub data_key: Arc<portal_feedback::DataKey>,
    /// The allowance and fill time of the public forms (`portal_feedback::guard`).
    pub intake: portal_feedback::guard::IntakeLimits,
}

/// What the state is built from (`portal::settings` makes it from the configuration).
pub struct StateConfig {
    pub keys: JwtKeys,
    pub auth: AuthConfig,
    pub public: PublicConfig,
    pub webhooks_allow_private: bool,
    pub webhook_policy: portal_moderation::webhooks::Policy,
    pub trusted_proxies: TrustedProxies,
    pub audit_anchor: Option<AuditAnchor>,
    pub data_key: portal_feedback::DataKey,
    pub intake: portal_feedback::guard::IntakeLimits,
}

impl AppState {
    pub fn new(pool: Pool, backend: Backend, config: StateConfig) -> Self {
        Self {
            pool,
            backend,
            auth: Arc::new(AuthRuntime {
                keys: config.keys,
                config: config.auth,
            }),
            webhooks: Arc::new(WebhookRuntime {
                allow_private: config.webhooks_allow_private,
                policy: config.webhook_policy,
                extra_roots: Vec::new(),
            }),
            public_cache: Arc::new(PublicCache::from_config(&config.public)),
            public: Arc::new(config.public),
            trusted_proxies: Arc::new(config.trusted_proxies),
            audit_anchor: config.audit_anchor.map(Arc::new),
            search_permits: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            metrics: Arc::new(Metrics::new()),
            data_key: Arc::new(config.data_key),
            intake: config.intake,
        }
    }

    /// Other account-security limits (the signing keys stay).
    pub fn with_auth_config(mut self, config: AuthConfig) -> Self {
        self.auth = Arc::new(AuthRuntime {
            keys: self.auth.keys.clone(),
            config,
        });
        self
    }

    pub fn with_audit_anchor(mut self, anchor: Option<AuditAnchor>) -> Self {
        self.audit_anchor = anchor.map(Arc::new);
        self
    }

    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    pub fn with_public(mut self, public: PublicConfig) -> Self {
        self.public_cache = Arc::new(PublicCache::from_config(&public));
        self.public = Arc::new(public);
        self
    }

    pub fn with_webhooks(
        mut self,
        allow_private: bool,
        policy: portal_moderation::webhooks::Policy,
    ) -> Self {
        self.webhooks = Arc::new(WebhookRuntime {
            allow_private,
            policy,
            extra_roots: self.webhooks.extra_roots.clone(),
        });
        self
    }

    /// Trusts one more certificate authority for webhook deliveries (the tests' own CA).
    pub fn trusting_webhook_ca(mut self, pem: &[u8]) -> Result<Self, String> {
        let root = reqwest::Certificate::from_pem(pem).map_err(|e| e.to_string())?;
        let mut extra_roots = self.webhooks.extra_roots.clone();
        extra_roots.push(root);
        self.webhooks = Arc::new(WebhookRuntime {
            allow_private: self.webhooks.allow_private,
            policy: self.webhooks.policy.clone(),
            extra_roots,
        });
        Ok(self)
    }

    /// Runs blocking diesel work on actix's blocking pool, never on the async executor, and
    /// records how long the checkout waited for a connection.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let metrics = self.metrics.clone();
        web::block(move || {
            let started = Instant::now();
            let mut conn = pool.get().map_err(|e| Error::Unavailable(e.to_string()))?;
            metrics.db_checkouts.inc();
            metrics
                .pool_wait_seconds
                .observe(started.elapsed().as_secs_f64());
            work(&mut conn)
        })
        .await
        .map_err(|e| ApiError::from(Error::Internal(format!("blocking task failed: {e}"))))?
        .map_err(ApiError::from)
    }
}
