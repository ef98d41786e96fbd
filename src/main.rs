//! `portal`: the one binary of Portal CMS.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::io::Read;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use portal_audit::Actor;
use portal_auth::accounts::{self, NewUser};
use portal_auth::{AuthConfig, JwtKeys, Role};
use portal_db::{establish, migrations, DatabaseUrl, DbConn};
use portal_sections::seed;

mod audit_cmd;
mod serve;

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
    /// Seconds a session may sit idle (no refresh) before it ends, with its access tokens.
    #[arg(
        long = "refresh-idle",
        env = "PORTAL_REFRESH_IDLE_SECS",
        default_value = "900",
        global = true
    )]
    refresh_idle: String,
    /// The same for chief editors and operators; their access tokens live no longer either.
    #[arg(
        long = "refresh-idle-privileged",
        env = "PORTAL_REFRESH_IDLE_PRIVILEGED_SECS",
        default_value = "300",
        global = true
    )]
    refresh_idle_privileged: String,
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
    /// Key (at least 32 bytes) that signs audit checkpoints kept outside the database; without
    /// it the chain is not anchored (docs/security.md, "Audit log").
    #[arg(
        long = "audit-key",
        env = "PORTAL_AUDIT_KEY",
        hide_env_values = true,
        global = true
    )]
    audit_key: Option<String>,
    /// The file the checkpoints are appended to. Default: <data-dir>/audit-checkpoints.
    #[arg(
        long = "audit-checkpoints",
        env = "PORTAL_AUDIT_CHECKPOINTS",
        global = true
    )]
    audit_checkpoints: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, seed on first start, and serve the API.
    Serve(serve::ServeArgs),
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
    /// Walk the hash chain, and with PORTAL_AUDIT_KEY the checkpoints; exit non-zero naming the
    /// first broken row.
    Verify,
    /// Sign the current head and append it to the checkpoint file (the server does this by itself).
    Checkpoint,
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
        privileged_idle: seconds(
            &common.refresh_idle_privileged,
            "--refresh-idle-privileged/PORTAL_REFRESH_IDLE_PRIVILEGED_SECS",
        )?,
        refresh_max: seconds(&common.refresh_max, "--refresh-max/PORTAL_REFRESH_MAX_SECS")?,
        idle_disable_after: Duration::from_secs(days.max(1) * 24 * 3600),
        // Level-3 practice (Nghị định 85/2016): a second factor for administrators, unless an
        // operator decides otherwise at run time.
        require_totp_for_privileged_by_default: production(common)?,
        ..AuthConfig::default()
    })
}

/// The signing keys: configured ones, or in development a secret kept in the data folder.
fn production(common: &Common) -> Result<bool, ConfigError> {
    match common.environment.as_str() {
        "production" => Ok(true),
        "development" => Ok(false),
        other => Err(ConfigError(format!(
            "--env/PORTAL_ENV: '{other}' is not development or production"
        ))),
    }
}

fn jwt_keys(common: &Common) -> Result<JwtKeys, ConfigError> {
    let production = production(common)?;
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
                // The secret file lives in the data folder: a failure here is the folder's.
                JwtKeys::dev_secret_file(&path).map_err(|e| ConfigError(format!("--data-dir/PORTAL_DATA_DIR: {e}")))
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
            // One transaction: a role that cannot be granted (an unknown site) leaves no user
            // behind, so the corrected command can simply be run again.
            let view = portal_db::write_transaction(&mut conn, |conn| {
                let view = accounts::create(
                    conn,
                    &actor,
                    &NewUser {
                        display_name: name.unwrap_or_else(|| username.clone()),
                        username,
                        email,
                        agency,
                        password,
                        must_change_password: false,
                    },
                )?;
                accounts::grant_role(conn, &actor, view.user.id, &site, role, &[])?;
                Ok::<_, portal_core::Error>(view)
            })
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
        Command::Audit(command) => audit_cmd::run(&cli.common, command),
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
                let added = portal_content::demo::generate(
                    &mut conn,
                    count,
                    demo_seed,
                    portal_moderation::workflow::announce_published,
                )
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
        Command::Serve(args) => serve::run(&cli.common, args),
    }
}
