//! `portal`: the one binary of Portal CMS.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::io::Read;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use portal_audit::Actor;
use portal_auth::accounts::{self, NewUser};
use portal_auth::{AuthConfig, JwtKeys, Role};
use portal_db::{establish, migrations, DatabaseUrl, DbConn, PoolOptions};
use portal_sections::seed;

#[derive(Parser)]
#[command(
    name = "portal",
    version,
    about = "Portal CMS: the headless CMS of a provincial e-portal"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Common {
    /// `production` makes a missing JWT key an error instead of generating a development one.
    #[arg(
        long = "env",
        env = "PORTAL_ENV",
        default_value = "development",
        global = true
    )]
    environment: String,
    /// HS256 secret for access tokens (at least 32 bytes).
    #[arg(
        long = "jwt-secret",
        env = "PORTAL_JWT_SECRET",
        global = true,
        hide_env_values = true
    )]
    jwt_secret: Option<String>,
    /// HS256 (default), EdDSA or RS256. The last two need the key files below.
    #[arg(
        long = "jwt-algorithm",
        env = "PORTAL_JWT_ALGORITHM",
        default_value = "HS256",
        global = true
    )]
    jwt_algorithm: String,
    #[arg(
        long = "jwt-private-key",
        env = "PORTAL_JWT_PRIVATE_KEY_FILE",
        global = true
    )]
    jwt_private_key: Option<PathBuf>,
    #[arg(
        long = "jwt-public-key",
        env = "PORTAL_JWT_PUBLIC_KEY_FILE",
        global = true
    )]
    jwt_public_key: Option<PathBuf>,
    /// Access-token lifetime in seconds.
    #[arg(
        long = "access-token-ttl",
        env = "PORTAL_ACCESS_TOKEN_TTL_SECS",
        default_value = "900",
        global = true
    )]
    access_ttl: String,
    /// Seconds a refresh token may sit unused.
    #[arg(
        long = "refresh-idle",
        env = "PORTAL_REFRESH_IDLE_SECS",
        default_value = "1800",
        global = true
    )]
    refresh_idle: String,
    /// Longest a session may last, in seconds.
    #[arg(
        long = "refresh-max",
        env = "PORTAL_REFRESH_MAX_SECS",
        default_value = "43200",
        global = true
    )]
    refresh_max: String,
    /// Accounts with no sign-in for this many days are disabled.
    #[arg(
        long = "idle-disable-days",
        env = "PORTAL_IDLE_DISABLE_DAYS",
        default_value = "45",
        global = true
    )]
    idle_days: String,
    /// Database URL: postgres://…, postgresql://…, sqlite://PATH or a file path. Default: a SQLite
    /// file in the data folder.
    #[arg(
        long = "database",
        env = "PORTAL_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    database: Option<String>,
    /// Folder for the embedded database and other local state.
    #[arg(
        long = "data-dir",
        env = "PORTAL_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    data_dir: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, seed on first start, and serve the API.
    Serve {
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
    },
    /// Run pending database migrations and exit.
    Migrate,
    /// Load the seed data (Quảng Nam by default); what already exists is left alone.
    Seed {
        /// A seed file in the same JSON shape as crates/portal-sections/seed/quang-nam.json.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Also publish this many generated demo items (for load tests and frontend work).
        #[arg(long = "demo-content")]
        demo_content: Option<usize>,
        /// The seed number of the demo content: the same number gives the same items.
        #[arg(long = "demo-seed", default_value_t = 2026)]
        demo_seed: u64,
    },
    /// Print the OpenAPI document the server serves at /api/openapi.json.
    Openapi,
    /// Manage accounts from the command line (the first operator of a fresh install).
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user with a role on a site; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// Agency code, e.g. ttcntt.
        #[arg(long)]
        agency: String,
        /// contributor, editor, chief_editor or operator.
        #[arg(long)]
        role: String,
        /// Site key, e.g. quang-nam.
        #[arg(long)]
        site: String,
        /// Display name (defaults to the username).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set a new password (read from standard input); the user must change it at next sign-in.
    ResetPassword {
        #[arg(long)]
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable every account with no sign-in for the configured idle period.
    DisableIdle,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; exit non-zero naming the first broken row.
    Verify,
}

/// A configuration problem, reported as one line naming the setting.
struct ConfigError(String);

fn parse_setting<T: std::str::FromStr>(
    value: &str,
    names: &str,
    expected: &str,
) -> Result<T, ConfigError> {
    value
        .trim()
        .parse()
        .map_err(|_| ConfigError(format!("{names}: '{value}' is not {expected}")))
}

fn database_url(common: &Common) -> Result<DatabaseUrl, ConfigError> {
    match &common.database {
        Some(raw) => DatabaseUrl::parse(raw)
            .map_err(|e| ConfigError(format!("--database/PORTAL_DATABASE_URL: {e}"))),
        None => Ok(DatabaseUrl::Sqlite(default_sqlite_path(&common.data_dir))),
    }
}

fn auth_config(common: &Common) -> Result<AuthConfig, ConfigError> {
    let seconds = |value: &str, names: &str| -> Result<Duration, ConfigError> {
        let n: u64 = parse_setting(value, names, "a whole number of seconds")?;
        if n == 0 {
            return Err(ConfigError(format!("{names}: must be at least 1")));
        }
        Ok(Duration::from_secs(n))
    };
    let days: u64 = parse_setting(
        &common.idle_days,
        "--idle-disable-days/PORTAL_IDLE_DISABLE_DAYS",
        "a whole number of days",
    )?;
    Ok(AuthConfig {
        access_ttl: seconds(
            &common.access_ttl,
            "--access-token-ttl/PORTAL_ACCESS_TOKEN_TTL_SECS",
        )?,
        refresh_idle: seconds(
            &common.refresh_idle,
            "--refresh-idle/PORTAL_REFRESH_IDLE_SECS",
        )?,
        refresh_max: seconds(&common.refresh_max, "--refresh-max/PORTAL_REFRESH_MAX_SECS")?,
        idle_disable_after: Duration::from_secs(days.max(1) * 24 * 3600),
        ..AuthConfig::default()
    })
}

/// The signing keys: configured ones, or in development a secret kept in the data folder.
fn jwt_keys(common: &Common) -> Result<JwtKeys, ConfigError> {
    let production = match common.environment.as_str() {
        "production" => true,
        "development" => false,
        other => {
            return Err(ConfigError(format!(
                "--env/PORTAL_ENV: '{other}' is not development or production"
            )))
        }
    };
    match common.jwt_algorithm.as_str() {
        "HS256" => match &common.jwt_secret {
            Some(secret) => JwtKeys::hs256(secret.as_bytes()).map_err(|e| ConfigError(format!("--jwt-secret/PORTAL_JWT_SECRET: {e}"))),
            None if production => Err(ConfigError(
                "PORTAL_JWT_SECRET: required in production (or set PORTAL_JWT_ALGORITHM=EdDSA|RS256 with key files)".into(),
            )),
            None => {
                let path = common.data_dir.join("jwt-secret");
                log::warn!(
                    "no PORTAL_JWT_SECRET set: using a development secret kept in {} (never do this in production)",
                    path.display()
                );
                JwtKeys::dev_secret_file(&path).map_err(|e| ConfigError(format!("PORTAL_JWT_SECRET: {e}")))
            }
        },
        algorithm => match (&common.jwt_private_key, &common.jwt_public_key) {
            (Some(private), Some(public)) => JwtKeys::from_pem_files(algorithm, private, public)
                .map_err(|e| ConfigError(format!("--jwt-algorithm/PORTAL_JWT_ALGORITHM: {e}"))),
            _ => Err(ConfigError(format!(
                "PORTAL_JWT_PRIVATE_KEY_FILE/PORTAL_JWT_PUBLIC_KEY_FILE: both are required with PORTAL_JWT_ALGORITHM={algorithm}"
            ))),
        },
    }
}

fn open_migrated(common: &Common) -> Result<(DatabaseUrl, DbConn), ConfigError> {
    let url = database_url(common)?;
    let mut conn = establish(&url).map_err(|e| ConfigError(e.to_string()))?;
    migrations::run_pending(&mut conn)
        .map_err(|e| ConfigError(format!("migrating {} failed: {e}", url.masked())))?;
    Ok((url, conn))
}

fn read_password_stdin() -> Result<String, ConfigError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| ConfigError(format!("--password-stdin: cannot read standard input: {e}")))?;
    let password = text.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        return Err(ConfigError(
            "--password-stdin: standard input was empty".into(),
        ));
    }
    Ok(password)
}

fn domain_error(context: &str, e: portal_core::Error) -> ConfigError {
    match e {
        portal_core::Error::Validation(errors) => ConfigError(format!(
            "{context}: {}",
            errors
                .iter()
                .map(|e| format!("{} ({}): {}", e.field, e.code, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        other => ConfigError(format!("{context}: {other}")),
    }
}

fn user_command(common: &Common, command: UserCommand) -> Result<(), ConfigError> {
    let (url, mut conn) = open_migrated(common)?;
    let actor = Actor::system("cli");
    match command {
        UserCommand::Add {
            username,
            agency,
            role,
            site,
            name,
            email,
            password_stdin: _,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                ConfigError(format!(
                    "--role: '{role}' is not contributor, editor, chief_editor or operator"
                ))
            })?;
            let password = read_password_stdin()?;
            let view = accounts::create(
                &mut conn,
                &actor,
                &NewUser {
                    display_name: name.unwrap_or_else(|| username.clone()),
                    username,
                    email,
                    agency,
                    password,
                    must_change_password: false,
                },
            )
            .map_err(|e| domain_error("user add", e))?;
            accounts::grant_role(&mut conn, &actor, view.user.id, &site, role, &[])
                .map_err(|e| domain_error("user add", e))?;
            println!(
                "{}: created user '{}' ({}) as {} on {}",
                url.masked(),
                view.user.username,
                view.agency,
                role.as_str(),
                site
            );
            Ok(())
        }
        UserCommand::ResetPassword {
            username,
            password_stdin: _,
        } => {
            let password = read_password_stdin()?;
            let user = accounts::user_by_username(&mut conn, &username)
                .map_err(|e| domain_error("user reset-password", e))?;
            accounts::reset_password(&mut conn, &actor, user.id, &password)
                .map_err(|e| domain_error("user reset-password", e))?;
            println!(
                "{}: password of '{}' reset; it must be changed at next sign-in",
                url.masked(),
                user.username
            );
            Ok(())
        }
        UserCommand::DisableIdle => {
            let config = auth_config(common)?;
            let ids = accounts::disable_idle(&mut conn, config.idle_disable_after)
                .map_err(|e| domain_error("user disable-idle", e))?;
            println!("{}: disabled {} idle account(s)", url.masked(), ids.len());
            Ok(())
        }
    }
}

fn audit_command(common: &Common, command: AuditCommand) -> Result<(), ConfigError> {
    let (url, mut conn) = open_migrated(common)?;
    match command {
        AuditCommand::Verify => {
            match portal_audit::verify(&mut conn).map_err(|e| ConfigError(e.to_string()))? {
                Ok(rows) => {
                    println!("{}: audit chain intact ({rows} rows)", url.masked());
                    Ok(())
                }
                Err(broken) => Err(ConfigError(broken.to_string())),
            }
        }
    }
}

fn default_sqlite_path(data_dir: &Path) -> PathBuf {
    data_dir.join("portal.db")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(ConfigError(message)) => {
            eprintln!("portal: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), ConfigError> {
    match cli.command {
        Command::User(command) => user_command(&cli.common, command),
        Command::Audit(command) => audit_command(&cli.common, command),
        Command::Openapi => {
            print!("{}", portal_api::openapi::openapi_json());
            Ok(())
        }
        Command::Migrate => {
            let url = database_url(&cli.common)?;
            let mut conn = establish(&url).map_err(|e| ConfigError(e.to_string()))?;
            let applied = migrations::run_pending(&mut conn)
                .map_err(|e| ConfigError(format!("migrating {} failed: {e}", url.masked())))?;
            println!("{}: {} migration(s) applied", url.masked(), applied.len());
            for name in applied {
                println!("  {name}");
            }
            Ok(())
        }
        Command::Seed {
            file,
            demo_content,
            demo_seed,
        } => {
            let url = database_url(&cli.common)?;
            let text = match &file {
                Some(path) => std::fs::read_to_string(path).map_err(|e| {
                    ConfigError(format!("--file: cannot read {}: {e}", path.display()))
                })?,
                None => seed::QUANG_NAM.to_string(),
            };
            let data = seed::parse(&text).map_err(|e| ConfigError(format!("seed file: {e}")))?;
            let mut conn = establish(&url).map_err(|e| ConfigError(e.to_string()))?;
            migrations::run_pending(&mut conn)
                .map_err(|e| ConfigError(format!("migrating {} failed: {e}", url.masked())))?;
            let report = seed::load(&mut conn, &data)
                .map_err(|e| ConfigError(format!("seeding failed: {e}")))?;
            println!(
                "{}: added {} agencies, {} sites, {} sections (existing ones left as they were)",
                url.masked(),
                report.agencies_added,
                report.sites_added,
                report.sections_added
            );
            if let Some(count) = demo_content {
                let added = portal_content::demo::generate(&mut conn, count, demo_seed)
                    .map_err(|e| ConfigError(format!("--demo-content: {e}")))?;
                portal_db::refresh_statistics(&mut conn)
                    .map_err(|e| ConfigError(format!("--demo-content: {e}")))?;
                println!(
                    "{}: published {added} demo items (seed {demo_seed})",
                    url.masked()
                );
            }
            Ok(())
        }
        Command::Serve {
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
        } => {
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
                cors_origins: cors_origins
                    .split(',')
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect(),
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
            let url = database_url(&cli.common)?;
            let keys = jwt_keys(&cli.common)?;
            let auth = auth_config(&cli.common)?;
            let jobs = Jobs {
                interval: (job_interval > 0).then(|| Duration::from_secs(job_interval)),
                allow_private,
                public,
            };
            serve(bind, &url, max_size, workers, keys, auth, jobs)
        }
    }
}

/// Background jobs of the server.
struct Jobs {
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
                .with_public(jobs.public);
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
