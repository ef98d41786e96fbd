//! `portal serve`: its settings, read and checked once, then the server and its background jobs.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use clap::Args;
use portal_api::http::client_ip::TrustedProxies;
use portal_auth::{AuthConfig, JwtKeys};
use portal_db::{DatabaseUrl, PoolOptions};

use crate::{auth_config, database_url, jwt_keys, parse_setting, Common, ConfigError};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT.
    #[arg(long, env = "PORTAL_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Most database connections to keep open.
    #[arg(
        long = "db-pool-size",
        env = "PORTAL_DB_POOL_SIZE",
        default_value = "10"
    )]
    pool_size: String,
    /// Worker threads (default: one per core).
    #[arg(long, env = "PORTAL_WORKERS")]
    workers: Option<String>,
    /// Seconds between runs of scheduled publication and webhook delivery (0 turns them off).
    #[arg(
        long = "job-interval",
        env = "PORTAL_JOB_INTERVAL_SECS",
        default_value = "5"
    )]
    job_interval: String,
    /// Origins allowed by CORS, comma-separated; `*` for any.
    #[arg(
        long = "cors-origins",
        env = "PORTAL_CORS_ORIGINS",
        default_value = "*"
    )]
    cors_origins: String,
    /// Seconds public answers may be cached (`Cache-Control: max-age`).
    #[arg(
        long = "cache-max-age",
        env = "PORTAL_CACHE_MAX_AGE_SECS",
        default_value = "60"
    )]
    cache_max_age: String,
    /// Seconds a stale public answer may be served while revalidating.
    #[arg(
        long = "cache-stale-while-revalidate",
        env = "PORTAL_CACHE_STALE_SECS",
        default_value = "300"
    )]
    cache_stale: String,
    /// MiB of memory for rendered public answers per server (0 turns the cache off).
    #[arg(
        long = "public-cache-mb",
        env = "PORTAL_PUBLIC_CACHE_MB",
        default_value = "32"
    )]
    public_cache_mb: String,
    /// Milliseconds a server may trust its last reading of the change clock, 0 to 450: a
    /// change on any server reaches every server's readers within twice this plus one query.
    #[arg(
        long = "public-cache-freshness-ms",
        env = "PORTAL_PUBLIC_CACHE_FRESHNESS_MS",
        default_value = "250"
    )]
    public_cache_freshness_ms: String,
    /// Let webhooks call private and loopback addresses (closed networks, tests).
    #[arg(
        long = "webhooks-allow-private",
        env = "PORTAL_WEBHOOKS_ALLOW_PRIVATE",
        default_value = "false"
    )]
    webhooks_allow_private: String,
    /// Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For/Forwarded are believed,
    /// comma-separated (empty: none, the peer address is the client).
    #[arg(
        long = "trusted-proxies",
        env = "PORTAL_TRUSTED_PROXIES",
        default_value = ""
    )]
    trusted_proxies: String,
    /// Request headers browsers may send cross-origin, besides the standard ones.
    #[arg(
        long = "cors-allow-headers",
        env = "PORTAL_CORS_ALLOW_HEADERS",
        default_value = ""
    )]
    cors_allow_headers: String,
}

pub fn run(common: &Common, args: ServeArgs) -> Result<(), ConfigError> {
    let ServeArgs {
        bind,
        pool_size,
        workers,
        job_interval,
        webhooks_allow_private,
        cors_origins,
        cache_max_age,
        cache_stale,
        public_cache_mb,
        public_cache_freshness_ms,
        trusted_proxies,
        cors_allow_headers,
    } = args;

    let cache_mb: usize = parse_setting(
        &public_cache_mb,
        "--public-cache-mb/PORTAL_PUBLIC_CACHE_MB",
        "a whole number of MiB",
    )?;
    let freshness_ms: u64 = parse_setting(
        &public_cache_freshness_ms,
        "--public-cache-freshness-ms/PORTAL_PUBLIC_CACHE_FRESHNESS_MS",
        "a whole number of milliseconds",
    )?;
    if freshness_ms > 450 {
        return Err(ConfigError(
            "--public-cache-freshness-ms/PORTAL_PUBLIC_CACHE_FRESHNESS_MS: at most 450, \
             so a change reaches every server's readers within one second"
                .into(),
        ));
    }
    let public = portal_api::state::PublicConfig {
        max_age_secs: parse_setting(
            &cache_max_age,
            "--cache-max-age/PORTAL_CACHE_MAX_AGE_SECS",
            "a whole number of seconds",
        )?,
        stale_while_revalidate_secs: parse_setting(
            &cache_stale,
            "--cache-stale-while-revalidate/PORTAL_CACHE_STALE_SECS",
            "a whole number of seconds",
        )?,
        cors_origins: cors_origins_setting(&cors_origins)?,
        cors_allow_headers: cors_headers_setting(&cors_allow_headers)?,
        cache_bytes: cache_mb.saturating_mul(1024 * 1024),
        cache_freshness: Duration::from_millis(freshness_ms),
        ..portal_api::state::PublicConfig::default()
    };
    let job_interval: u64 = parse_setting(
        &job_interval,
        "--job-interval/PORTAL_JOB_INTERVAL_SECS",
        "a whole number of seconds",
    )?;
    let allow_private: bool = parse_setting(
        &webhooks_allow_private,
        "--webhooks-allow-private/PORTAL_WEBHOOKS_ALLOW_PRIVATE",
        "true or false",
    )?;
    let bind: SocketAddr =
        parse_setting(&bind, "--bind/PORTAL_BIND", "a HOST:PORT socket address")?;
    let max_size: u32 = parse_setting(
        &pool_size,
        "--db-pool-size/PORTAL_DB_POOL_SIZE",
        "a whole number",
    )?;
    if max_size == 0 {
        return Err(ConfigError(
            "--db-pool-size/PORTAL_DB_POOL_SIZE: must be at least 1".into(),
        ));
    }
    let workers: Option<usize> = workers
        .map(|w| parse_setting(&w, "--workers/PORTAL_WORKERS", "a whole number"))
        .transpose()?;
    if workers == Some(0) {
        return Err(ConfigError(
            "--workers/PORTAL_WORKERS: must be at least 1".into(),
        ));
    }
    let url = database_url(common)?;
    let keys = jwt_keys(common)?;
    let auth = auth_config(common)?;
    let trusted_proxies = TrustedProxies::parse(&trusted_proxies)
        .map_err(|e| ConfigError(format!("--trusted-proxies/PORTAL_TRUSTED_PROXIES: {e}")))?;
    let audit_anchor = crate::audit_cmd::anchor(common)?;
    let jobs = Jobs {
        audit_anchor,
        trusted_proxies,
        interval: (job_interval > 0).then(|| Duration::from_secs(job_interval)),
        allow_private,
        public,
    };
    serve(bind, &url, max_size, workers, keys, auth, jobs)
}

/// Background jobs of the server.
struct Jobs {
    audit_anchor: Option<portal_api::state::AuditAnchor>,
    trusted_proxies: TrustedProxies,
    interval: Option<Duration>,
    allow_private: bool,
    public: portal_api::state::PublicConfig,
}

fn serve(
    bind: SocketAddr,
    url: &DatabaseUrl,
    max_size: u32,
    workers: Option<usize>,
    keys: JwtKeys,
    auth: AuthConfig,
    jobs: Jobs,
) -> Result<(), ConfigError> {
    let options = PoolOptions {
        max_size,
        ..PoolOptions::default()
    };
    let prepared =
        portal_api::bootstrap::prepare(url, &options, true, keys, auth).map_err(ConfigError)?;
    for name in &prepared.migrations_applied {
        log::info!("applied migration {name}");
    }
    if let Some(report) = prepared.seeded {
        log::info!(
            "first start: seeded {} agencies, {} sites, {} sections",
            report.agencies_added,
            report.sites_added,
            report.sections_added
        );
    }
    let listener = TcpListener::bind(bind)
        .map_err(|e| ConfigError(format!("--bind/PORTAL_BIND: cannot listen on {bind}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| ConfigError(format!("--bind/PORTAL_BIND: {e}")))?;
    println!("Portal CMS listening on http://{local}");
    println!("API docs at http://{local}/docs/ (OpenAPI at http://{local}/api/openapi.json)");
    println!("Database: {}", portal_db::describe(url));
    actix_web::rt::System::new()
        .block_on(async move {
            let state = prepared
                .state
                .with_webhooks(
                    jobs.allow_private,
                    portal_moderation::webhooks::Policy::default(),
                )
                .with_public(jobs.public)
                .with_trusted_proxies(jobs.trusted_proxies)
                .with_audit_anchor(jobs.audit_anchor);
            if let Some(interval) = jobs.interval {
                portal_api::worker::spawn(state.clone(), interval);
            }
            let server = portal_api::serve(listener, state, workers)?;
            server.await
        })
        .map_err(|e| ConfigError(format!("server stopped with an error: {e}")))?;
    log::info!("shut down cleanly");
    Ok(())
}

/// `*`, or origins as browsers send them: `scheme://host[:port]`, no path, no trailing slash
/// (`https://quangnam.gov.vn/` never matches a browser's `Origin`, so it is refused here).
fn cors_origins_setting(raw: &str) -> Result<Vec<String>, ConfigError> {
    let names = "--cors-origins/PORTAL_CORS_ORIGINS";
    let origins: Vec<String> = raw
        .split(',')
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    for origin in &origins {
        if origin == "*" {
            continue;
        }
        let Some((scheme, rest)) = origin.split_once("://") else {
            return Err(ConfigError(format!(
                "{names}: '{origin}' is not an origin like https://portal.example.vn"
            )));
        };
        let host_ok = !rest.is_empty()
            && !rest.contains(['/', '?', '#', '@', ' '])
            && rest
                .rsplit_once(':')
                .is_none_or(|(_, port)| port.parse::<u16>().is_ok() || rest.starts_with('['));
        if !matches!(scheme, "http" | "https") || !host_ok {
            return Err(ConfigError(format!(
                "{names}: '{origin}' is not an origin: scheme://host[:port] with no path or trailing slash"
            )));
        }
    }
    Ok(origins)
}

/// Extra request headers for CORS: HTTP token characters only.
fn cors_headers_setting(raw: &str) -> Result<Vec<String>, ConfigError> {
    let mut headers = Vec::new();
    for name in raw.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if actix_web::http::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(ConfigError(format!(
                "--cors-allow-headers/PORTAL_CORS_ALLOW_HEADERS: '{name}' is not a header name"
            )));
        }
        headers.push(name.to_ascii_lowercase());
    }
    Ok(headers)
}
