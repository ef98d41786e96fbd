//! `portal user …`: accounts from the command line, through the same domain commands as the API
//! (the first operator of a fresh install has no one to create them over HTTP).

use std::io::Read;

use clap::Subcommand;
use portal_audit::Actor;
use portal_auth::accounts::{self, NewUser};
use portal_auth::Role;

use super::{domain_error, open_migrated};
use crate::settings::{ConfigError, Settings};

#[derive(Subcommand)]
pub enum UserCommand {
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

pub fn run(settings: &Settings, command: UserCommand) -> Result<(), ConfigError> {
    let (url, mut conn) = open_migrated(settings)?;
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
            let ids = accounts::disable_idle(&mut conn, settings.idle_disable_after)
                .map_err(|e| domain_error("user disable-idle", e))?;
            println!("{}: disabled {} idle account(s)", url.masked(), ids.len());
            Ok(())
        }
    }
}
