//! The one place Portal CMS is configured: typed settings read from the command line and the
//! environment (`PORTAL_*`), every default written here once — the operator-facing ones in the
//! `default_value` of their argument, the tuning values that are not settings in the functions
//! that build each crate's configuration. The crates below take their configuration as plain
//! structs and define no defaults of their own.

pub mod parse;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::Resettable;
use clap::{Args, Command, FromArgMatches};
use portal_api::http::client_ip::TrustedProxies;
use portal_api::state::{AuditAnchor, PublicConfig, StateConfig};
use portal_auth::{AuthConfig, JwtKeys};
use portal_db::{DatabaseUrl, PoolOptions};
use portal_moderation::webhooks::Policy;

pub use parse::Environment;
use parse::{HeaderNames, Origins, Secret, Setting};

/// Settings every command shares: the environment, the database, the keys and session limits.
#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// `production` makes a missing JWT key an error instead of generating a development one.
    #[arg(long = "env", env = "PORTAL_ENV", default_value = "development", global = true,
          value_parser = Setting(parse::environment))]
    pub environment: Environment,
    /// HS256 secret for access tokens (at least 32 bytes).
    #[arg(long = "jwt-secret", env = "PORTAL_JWT_SECRET", global = true, hide_env_values = true,
          value_parser = Setting(parse::secret))]
    pub jwt_secret: Option<Secret>,
    /// HS256 (default), EdDSA or RS256. The last two need the key files below.
    #[arg(long = "jwt-algorithm", env = "PORTAL_JWT_ALGORITHM", default_value = "HS256",
          global = true, value_parser = Setting(parse::jwt_algorithm))]
    pub jwt_algorithm: String,
    #[arg(
        long = "jwt-private-key",
        env = "PORTAL_JWT_PRIVATE_KEY_FILE",
        global = true
    )]
    pub jwt_private_key: Option<PathBuf>,
    #[arg(
        long = "jwt-public-key",
        env = "PORTAL_JWT_PUBLIC_KEY_FILE",
        global = true
    )]
    pub jwt_public_key: Option<PathBuf>,
    /// Access-token lifetime in seconds.
    #[arg(long = "access-token-ttl", env = "PORTAL_ACCESS_TOKEN_TTL_SECS", default_value = "900",
          global = true, value_parser = Setting(parse::seconds))]
    pub access_ttl: Duration,
    /// Seconds a session may sit idle (no refresh) before it ends, with its access tokens.
    #[arg(long = "refresh-idle", env = "PORTAL_REFRESH_IDLE_SECS", default_value = "900",
          global = true, value_parser = Setting(parse::seconds))]
    pub refresh_idle: Duration,
    /// The same for chief editors and operators; their access tokens live no longer either.
    #[arg(long = "refresh-idle-privileged", env = "PORTAL_REFRESH_IDLE_PRIVILEGED_SECS",
          default_value = "300", global = true, value_parser = Setting(parse::seconds))]
    pub refresh_idle_privileged: Duration,
    /// Longest a session may last, in seconds.
    #[arg(long = "refresh-max", env = "PORTAL_REFRESH_MAX_SECS", default_value = "43200",
          global = true, value_parser = Setting(parse::seconds))]
    pub refresh_max: Duration,
    /// Accounts with no sign-in for this many days are disabled.
    #[arg(long = "idle-disable-days", env = "PORTAL_IDLE_DISABLE_DAYS", default_value = "45",
          global = true, value_parser = Setting(parse::days))]
    pub idle_disable_after: Duration,
    /// Database URL: postgres://…, postgresql://…, sqlite://PATH or a file path. Default: a SQLite
    /// file in the data folder.
    #[arg(long = "database", env = "PORTAL_DATABASE_URL", global = true, hide_env_values = true,
          value_parser = Setting(parse::database_url))]
    pub database: Option<DatabaseUrl>,
    /// Folder for the embedded database and other local state.
    #[arg(
        long = "data-dir",
        env = "PORTAL_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Key (at least 32 bytes) that signs audit checkpoints kept outside the database; without
    /// it the chain is not anchored (docs/security.md, "Audit log").
    #[arg(long = "audit-key", env = "PORTAL_AUDIT_KEY", hide_env_values = true, global = true,
          value_parser = Setting(parse::audit_key))]
    pub audit_key: Option<Secret>,
    /// The file the checkpoints are appended to. Default: <data-dir>/audit-checkpoints.
    #[arg(
        long = "audit-checkpoints",
        env = "PORTAL_AUDIT_CHECKPOINTS",
        global = true
    )]
    pub audit_checkpoints: Option<PathBuf>,
    /// AES-256-GCM key for citizens' personal data at rest: 64 hex digits (`openssl rand -hex
    /// 32`). Required in production; in development one is generated in <data-dir>/data-key.
    #[arg(long = "data-key", env = "PORTAL_DATA_KEY", hide_env_values = true, global = true,
          value_parser = Setting(parse::data_key))]
    pub data_key: Option<portal_feedback::DataKey>,
}

/// Settings of `portal serve`: the listener, the pool, the jobs, the public answers.
#[derive(Args, Debug, Clone)]
pub struct ServeSettings {
    /// Address to listen on, HOST:PORT.
    #[arg(long, env = "PORTAL_BIND", default_value = "127.0.0.1:8080",
          value_parser = Setting(parse::socket_address))]
    pub bind: SocketAddr,
    /// Most database connections to keep open.
    #[arg(long = "db-pool-size", env = "PORTAL_DB_POOL_SIZE", default_value = "10",
          value_parser = Setting(parse::at_least_one_u32))]
    pub pool_size: u32,
    /// Worker threads (default: one per core).
    #[arg(long, env = "PORTAL_WORKERS", value_parser = Setting(parse::at_least_one_usize))]
    pub workers: Option<usize>,
    /// Seconds between runs of scheduled publication and webhook delivery (0 turns them off).
    #[arg(long = "job-interval", env = "PORTAL_JOB_INTERVAL_SECS", default_value = "5",
          value_parser = Setting(parse::seconds_or_zero))]
    pub job_interval: Duration,
    /// Origins allowed by CORS, comma-separated; `*` for any.
    #[arg(long = "cors-origins", env = "PORTAL_CORS_ORIGINS", default_value = "*",
          value_parser = Setting(parse::origins))]
    pub cors_origins: Origins,
    /// Seconds public answers may be cached (`Cache-Control: max-age`).
    #[arg(long = "cache-max-age", env = "PORTAL_CACHE_MAX_AGE_SECS", default_value = "60",
          value_parser = Setting(parse::whole_seconds_u32))]
    pub cache_max_age: u32,
    /// Seconds a stale public answer may be served while revalidating.
    #[arg(long = "cache-stale-while-revalidate", env = "PORTAL_CACHE_STALE_SECS",
          default_value = "300", value_parser = Setting(parse::whole_seconds_u32))]
    pub cache_stale: u32,
    /// MiB of memory for rendered public answers per server (0 turns the cache off).
    #[arg(long = "public-cache-mb", env = "PORTAL_PUBLIC_CACHE_MB", default_value = "32",
          value_parser = Setting(parse::mebibytes))]
    pub public_cache_bytes: usize,
    /// Milliseconds a server may trust its last reading of the change clock, 0 to 450: a
    /// change on any server reaches every server's readers within twice this plus one query.
    #[arg(long = "public-cache-freshness-ms", env = "PORTAL_PUBLIC_CACHE_FRESHNESS_MS",
          default_value = "250", value_parser = Setting(parse::freshness))]
    pub public_cache_freshness: Duration,
    /// Let webhooks call private and loopback addresses (closed networks, tests).
    #[arg(long = "webhooks-allow-private", env = "PORTAL_WEBHOOKS_ALLOW_PRIVATE",
          default_value = "false", value_parser = Setting(parse::boolean))]
    pub webhooks_allow_private: bool,
    /// Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For/Forwarded are believed,
    /// comma-separated (empty: none, the peer address is the client).
    #[arg(long = "trusted-proxies", env = "PORTAL_TRUSTED_PROXIES", default_value = "",
          value_parser = Setting(parse::trusted_proxies))]
    pub trusted_proxies: TrustedProxies,
    /// SMTP server for e-mail to citizens, e.g. `smtp://mail.example.vn:587?tls=required`,
    /// `smtps://user:password@mail.example.vn` (empty: messages wait in the outbox).
    #[arg(long = "smtp-url", env = "PORTAL_SMTP_URL", default_value = "")]
    pub smtp_url: String,
    /// Sender of e-mail to citizens, `Name <address>`.
    #[arg(
        long = "mail-from",
        env = "PORTAL_MAIL_FROM",
        default_value = "Cổng thông tin điện tử <no-reply@localhost>"
    )]
    pub mail_from: String,
    /// PEM file of a certificate authority to trust for the SMTP server, besides the public ones.
    #[arg(long = "smtp-ca-file", env = "PORTAL_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// Submissions of public forms (citizens' cases, comments on drafts) one client address may
    /// make per hour; behind a reverse proxy the address `--trusted-proxies` gives.
    #[arg(long = "intake-max-per-hour", env = "PORTAL_INTAKE_MAX_PER_HOUR", default_value = "20",
          value_parser = Setting(parse::at_least_one_u32))]
    pub intake_max_per_hour: u32,
    /// Seconds between showing a public form and accepting it (robots fill forms at once).
    #[arg(long = "intake-min-fill-secs", env = "PORTAL_INTAKE_MIN_FILL_SECS", default_value = "3",
          value_parser = Setting(parse::whole_seconds_u32))]
    pub intake_min_fill_secs: u32,
    /// Cases one integrator's API key may send per hour through Open311.
    #[arg(long = "open311-max-per-hour", env = "PORTAL_OPEN311_MAX_PER_HOUR", default_value = "500",
          value_parser = Setting(parse::at_least_one_u32))]
    pub open311_max_per_hour: u32,
    /// Request headers browsers may send cross-origin, besides the standard ones.
    #[arg(long = "cors-allow-headers", env = "PORTAL_CORS_ALLOW_HEADERS", default_value = "",
          value_parser = Setting(parse::header_names))]
    pub cors_allow_headers: HeaderNames,
}

/// A configuration problem, reported as one line naming the setting.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The defaults alone, as a server started with no argument and no `PORTAL_*` variable would
/// have them (the tests start from these).
fn defaults_of<T: Args + FromArgMatches>() -> T {
    let command =
        T::augment_args(Command::new("portal")).mut_args(|arg| arg.env(Resettable::Reset));
    let matches = command
        .try_get_matches_from(["portal"])
        .unwrap_or_else(|e| panic!("the defaults parse: {e}"));
    T::from_arg_matches(&matches).unwrap_or_else(|e| panic!("the defaults parse: {e}"))
}

impl Settings {
    pub fn defaults() -> Self {
        defaults_of()
    }

    /// The configured database, or the embedded SQLite file in the data folder.
    pub fn database_url(&self) -> DatabaseUrl {
        self.database
            .clone()
            .unwrap_or_else(|| DatabaseUrl::Sqlite(self.data_dir.join("portal.db")))
    }

    pub fn production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Token lifetimes and account-security limits. The fixed ones follow level-3 practice under
    /// Nghị định 85/2016 and TCVN 11930:2017 (docs/security.md maps each to its rule).
    pub fn auth_config(&self) -> AuthConfig {
        let fifteen_minutes = Duration::from_secs(15 * 60);
        AuthConfig {
            issuer: "portal-cms".into(),
            audience: "portal-api".into(),
            access_ttl: self.access_ttl,
            refresh_idle: self.refresh_idle,
            privileged_idle: self.refresh_idle_privileged,
            // Level-3 practice: a second factor for administrators, unless an operator decides
            // otherwise at run time.
            require_totp_for_privileged_by_default: self.production(),
            refresh_max: self.refresh_max,
            lockout_threshold: 5,
            lockout_duration: fifteen_minutes,
            ip_max_failures: 20,
            ip_window: fifteen_minutes,
            idle_disable_after: self.idle_disable_after,
        }
    }

    /// The key of personal data: the configured one, or in development one kept in the data folder.
    pub fn data_key(&self) -> Result<portal_feedback::DataKey, ConfigError> {
        if let Some(key) = &self.data_key {
            return Ok(key.clone());
        }
        if self.production() {
            return Err(ConfigError(
                "PORTAL_DATA_KEY: required in production (64 hex digits: openssl rand -hex 32)"
                    .into(),
            ));
        }
        let path = self.data_dir.join("data-key");
        let folder = |e: String| ConfigError(format!("--data-dir/PORTAL_DATA_DIR: {e}"));
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(_) => {
                log::warn!(
                    "no PORTAL_DATA_KEY set: using a development key kept in {} (never do this in production)",
                    path.display()
                );
                let fresh =
                    portal_feedback::DataKey::generate_hex().map_err(|e| folder(e.to_string()))?;
                std::fs::create_dir_all(&self.data_dir).map_err(|e| {
                    folder(format!("cannot create {}: {e}", self.data_dir.display()))
                })?;
                std::fs::write(&path, &fresh)
                    .map_err(|e| folder(format!("cannot write {}: {e}", path.display())))?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    // Readable by the server's user only, like the development JWT secret.
                    let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
                }
                fresh
            }
        };
        portal_feedback::DataKey::from_hex(&text)
            .map_err(|e| folder(format!("{} {e}", path.display())))
    }

    /// The signing keys: configured ones, or in development a secret kept in the data folder.
    pub fn jwt_keys(&self) -> Result<JwtKeys, ConfigError> {
        match self.jwt_algorithm.as_str() {
            "HS256" => match &self.jwt_secret {
                Some(secret) => JwtKeys::hs256(secret.0.as_bytes())
                    .map_err(|e| ConfigError(format!("--jwt-secret/PORTAL_JWT_SECRET: {e}"))),
                None if self.production() => Err(ConfigError(
                    "PORTAL_JWT_SECRET: required in production (or set PORTAL_JWT_ALGORITHM=EdDSA|RS256 with key files)".into(),
                )),
                None => {
                    let path = self.data_dir.join("jwt-secret");
                    log::warn!(
                        "no PORTAL_JWT_SECRET set: using a development secret kept in {} (never do this in production)",
                        path.display()
                    );
                    // The secret file lives in the data folder: a failure here is the folder's.
                    JwtKeys::dev_secret_file(&path)
                        .map_err(|e| ConfigError(format!("--data-dir/PORTAL_DATA_DIR: {e}")))
                }
            },
            algorithm => match (&self.jwt_private_key, &self.jwt_public_key) {
                (Some(private), Some(public)) => JwtKeys::from_pem_files(algorithm, private, public)
                    .map_err(|e| ConfigError(format!("--jwt-algorithm/PORTAL_JWT_ALGORITHM: {e}"))),
                _ => Err(ConfigError(format!(
                    "PORTAL_JWT_PRIVATE_KEY_FILE/PORTAL_JWT_PUBLIC_KEY_FILE: both are required with PORTAL_JWT_ALGORITHM={algorithm}"
                ))),
            },
        }
    }

    /// The audit anchor configured, if any: the key and the file the checkpoints go to (its
    /// folder created).
    pub fn audit_anchor(&self) -> Result<Option<AuditAnchor>, ConfigError> {
        let Some(key) = &self.audit_key else {
            return Ok(None);
        };
        let file = self
            .audit_checkpoints
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit-checkpoints"));
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                ConfigError(format!(
                    "--audit-checkpoints/PORTAL_AUDIT_CHECKPOINTS: cannot create {}: {e}",
                    dir.display()
                ))
            })?;
        }
        Ok(Some(AuditAnchor::new(key.0.as_bytes().to_vec(), file)))
    }
}

impl ServeSettings {
    pub fn defaults() -> Self {
        defaults_of()
    }

    pub fn pool_options(&self) -> PoolOptions {
        PoolOptions {
            max_size: self.pool_size,
            // Long enough for a burst; short enough that an exhausted pool answers 503 quickly.
            connection_timeout: Duration::from_secs(5),
        }
    }

    pub fn public_config(&self) -> PublicConfig {
        PublicConfig {
            max_age_secs: self.cache_max_age,
            stale_while_revalidate_secs: self.cache_stale,
            cors_origins: self.cors_origins.0.clone(),
            cors_allow_headers: self.cors_allow_headers.0.clone(),
            cache_bytes: self.public_cache_bytes,
            cache_freshness: self.public_cache_freshness,
            sitemap_urls: portal_delivery::feeds::SITEMAP_MAX_URLS,
        }
    }

    /// Retry and give-up rules of webhook deliveries.
    pub fn webhook_policy(&self) -> Policy {
        Policy {
            base_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
            // A receiver down for a day (a weekend's maintenance) still gets its events.
            give_up_after: Duration::from_secs(25 * 3600),
            disable_after_failures: 50,
            lease: Duration::from_secs(60),
        }
    }

    /// Scheduled publication and webhook delivery run this often; None turns them off.
    pub fn job_interval(&self) -> Option<Duration> {
        (!self.job_interval.is_zero()).then_some(self.job_interval)
    }

    /// The mailer of the job runner, when an SMTP server is configured.
    pub fn mailer(&self) -> Result<Option<crate::worker::Mailer>, ConfigError> {
        if self.smtp_url.trim().is_empty() {
            return Ok(None);
        }
        let mailer =
            crate::worker::Mailer::new(&self.smtp_url, &self.mail_from).map_err(ConfigError)?;
        let Some(file) = &self.smtp_ca_file else {
            return Ok(Some(mailer));
        };
        let pem = std::fs::read_to_string(file).map_err(|e| {
            ConfigError(format!(
                "--smtp-ca-file/PORTAL_SMTP_CA_FILE: cannot read {}: {e}",
                file.display()
            ))
        })?;
        mailer
            .trusting(&self.smtp_url, &pem)
            .map(Some)
            .map_err(ConfigError)
    }

    /// The limits of the public forms.
    pub fn intake_limits(&self) -> portal_feedback::guard::IntakeLimits {
        portal_feedback::guard::IntakeLimits {
            max_per_window: self.intake_max_per_hour,
            window: chrono::Duration::hours(1),
            min_fill_secs: i64::from(self.intake_min_fill_secs),
            integrator_max_per_window: self.open311_max_per_hour,
        }
    }

    /// Everything the app's state needs, from both groups of settings.
    pub fn state_config(&self, settings: &Settings) -> Result<StateConfig, ConfigError> {
        Ok(StateConfig {
            keys: settings.jwt_keys()?,
            auth: settings.auth_config(),
            public: self.public_config(),
            webhooks_allow_private: self.webhooks_allow_private,
            webhook_policy: self.webhook_policy(),
            trusted_proxies: self.trusted_proxies.clone(),
            audit_anchor: settings.audit_anchor()?,
            data_key: settings.data_key()?,
            intake: self.intake_limits(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let settings = Settings::defaults();
        let auth = settings.auth_config();
        // docs/security.md: 15-minute access tokens and idle sessions, 5 for privileged ones,
        // 12 hours at most, idle accounts disabled after 45 days (Nghị định 85/2016, level 3).
        assert_eq!(auth.access_ttl, Duration::from_secs(900));
        assert_eq!(auth.privileged_idle, Duration::from_secs(300));
        assert_eq!(auth.refresh_max, Duration::from_secs(12 * 3600));
        assert_eq!(auth.idle_disable_after, Duration::from_secs(45 * 24 * 3600));
        assert!(!auth.require_totp_for_privileged_by_default);
        let serve = ServeSettings::defaults();
        assert_eq!(serve.bind, "127.0.0.1:8080".parse().expect("an address"));
        assert_eq!(serve.job_interval(), Some(Duration::from_secs(5)));
        assert_eq!(serve.public_config().cache_bytes, 32 * 1024 * 1024);
        assert_eq!(serve.public_config().cors_origins, ["*"]);
        // Attempts keep coming for the whole give-up window: at least 24 hours.
        assert!(serve.webhook_policy().give_up_after >= Duration::from_secs(24 * 3600));
    }

    #[test]
    fn production_asks_privileged_accounts_for_a_second_factor() {
        let settings = Settings {
            environment: Environment::Production,
            ..Settings::defaults()
        };
        assert!(
            settings
                .auth_config()
                .require_totp_for_privileged_by_default
        );
    }

    #[test]
    fn the_embedded_database_lives_in_the_data_folder() {
        let settings = Settings {
            data_dir: PathBuf::from("/var/lib/portal"),
            ..Settings::defaults()
        };
        assert_eq!(
            settings.database_url(),
            DatabaseUrl::Sqlite(PathBuf::from("/var/lib/portal/portal.db"))
        );
    }
}
