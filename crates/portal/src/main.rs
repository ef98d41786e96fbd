//! `portal`: the one binary of Portal CMS.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use portal_db::{establish, migrations, DatabaseUrl, PoolOptions};
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
    },
    /// Run pending database migrations and exit.
    Migrate,
    /// Load the seed data (Quảng Nam by default); what already exists is left alone.
    Seed {
        /// A seed file in the same JSON shape as crates/portal-sections/seed/quang-nam.json.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Print the OpenAPI document the server serves at /api/openapi.json.
    Openapi,
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
        Command::Seed { file } => {
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
            Ok(())
        }
        Command::Serve {
            bind,
            pool_size,
            workers,
        } => {
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
            serve(bind, &url, max_size, workers)
        }
    }
}

fn serve(
    bind: SocketAddr,
    url: &DatabaseUrl,
    max_size: u32,
    workers: Option<usize>,
) -> Result<(), ConfigError> {
    let options = PoolOptions {
        max_size,
        ..PoolOptions::default()
    };
    let prepared = portal_api::bootstrap::prepare(url, &options, true).map_err(ConfigError)?;
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
            let server = portal_api::serve(listener, prepared.state, workers)?;
            server.await
        })
        .map_err(|e| ConfigError(format!("server stopped with an error: {e}")))?;
    log::info!("shut down cleanly");
    Ok(())
}
