//! The command line: `serve`, `migrate`, `seed`, `openapi`, `user`, `audit`. Every command reads
//! the same `Settings`; a configuration problem ends the program with one line naming the setting.

mod audit;
mod serve;
mod users;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};
use portal_db::{establish, migrations, DatabaseUrl, DbConn};
use portal_sections::seed;

use crate::settings::{parse, ConfigError, ServeSettings, Settings};

#[derive(Parser)]
#[command(
    name = "portal",
    version,
    about = "Portal CMS: the headless CMS of a provincial e-portal"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, seed on first start, and serve the API.
    Serve(ServeSettings),
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
        /// Also publish this many items of the demo content type `demo-van-ban` (defined when
        /// absent; for the load benchmark of typed filters).
        #[arg(long = "demo-typed")]
        demo_typed: Option<usize>,
        /// The seed number of the demo content: the same number gives the same items.
        #[arg(long = "demo-seed", default_value_t = 2026)]
        demo_seed: u64,
    },
    /// Print the OpenAPI document the server serves at /api/openapi.json.
    Openapi,
    /// Manage accounts from the command line (the first operator of a fresh install).
    #[command(subcommand)]
    User(users::UserCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
}

/// Parses the command line and the environment, runs the command, and reports a failure as one
/// line `portal: <setting>: <reason>`.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => match (error.kind(), parse::message(&error)) {
            (ErrorKind::ValueValidation, Some(message)) => {
                eprintln!("portal: {message}");
                return ExitCode::FAILURE;
            }
            // --help, --version and clap's own usage errors print as clap prints them.
            _ => error.exit(),
        },
    };
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
    let settings = &cli.settings;
    match cli.command {
        Command::User(command) => users::run(settings, command),
        Command::Audit(command) => audit::run(settings, command),
        Command::Openapi => {
            print!("{}", portal_api::openapi::openapi_json());
            Ok(())
        }
        Command::Migrate => {
            let url = settings.database_url();
            let (_conn, applied) = migrated(&url)?;
            println!("{}: {} migration(s) applied", url.masked(), applied.len());
            for name in applied {
                println!("  {name}");
            }
            Ok(())
        }
        Command::Seed {
            file,
            demo_content,
            demo_typed,
            demo_seed,
        } => seed_command(settings, file, (demo_content, demo_typed), demo_seed),
        Command::Serve(serve) => serve::run(settings, &serve),
    }
}

/// A connection to the configured database with every migration applied, and their names.
fn migrated(url: &DatabaseUrl) -> Result<(DbConn, Vec<String>), ConfigError> {
    let mut conn = establish(url).map_err(|e| ConfigError(e.to_string()))?;
    let applied = migrations::run_pending(&mut conn)
        .map_err(|e| ConfigError(format!("migrating {} failed: {e}", url.masked())))?;
    Ok((conn, applied))
}

fn open_migrated(settings: &Settings) -> Result<(DatabaseUrl, DbConn), ConfigError> {
    let url = settings.database_url();
    let (conn, _) = migrated(&url)?;
    Ok((url, conn))
}

fn seed_command(
    settings: &Settings,
    file: Option<PathBuf>,
    (demo_content, demo_typed): (Option<usize>, Option<usize>),
    demo_seed: u64,
) -> Result<(), ConfigError> {
    let url = settings.database_url();
    let text = match &file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("--file: cannot read {}: {e}", path.display())))?,
        None => seed::QUANG_NAM.to_string(),
    };
    // The file is checked before the database is touched: a typo creates nothing.
    let data = seed::parse(&text).map_err(|e| ConfigError(format!("seed file: {e}")))?;
    let (mut conn, _) = migrated(&url)?;
    let report =
        seed::load(&mut conn, &data).map_err(|e| ConfigError(format!("seeding failed: {e}")))?;
    println!(
        "{}: added {} agencies, {} sites, {} sections (existing ones left as they were)",
        url.masked(),
        report.agencies_added,
        report.sites_added,
        report.sections_added
    );
    let types =
        portal_content::types::seeded::ensure(&mut conn, &portal_audit::Actor::system("seed"))
            .map_err(|e| ConfigError(format!("seeding the content types failed: {e}")))?;
    let packs = portal_datasets::packs::ensure(&mut conn, &portal_audit::Actor::system("seed"))
        .map_err(|e| ConfigError(format!("seeding the rule packs failed: {e}")))?;
    println!(
        "{}: added {} content types and {} rule packs (existing ones left as they were)",
        url.masked(),
        types.len(),
        packs.len()
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
    if let Some(count) = demo_typed {
        let added = portal_content::demo::generate_typed(
            &mut conn,
            count,
            demo_seed,
            portal_moderation::workflow::announce_published,
        )
        .map_err(|e| ConfigError(format!("--demo-typed: {e}")))?;
        portal_db::refresh_statistics(&mut conn)
            .map_err(|e| ConfigError(format!("--demo-typed: {e}")))?;
        println!(
            "{}: published {added} items of the demo type {} (seed {demo_seed})",
            url.masked(),
            portal_content::demo::DEMO_TYPE
        );
    }
    Ok(())
}

/// A domain error as one line: each field error with its code.
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
