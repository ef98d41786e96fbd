//! `portal audit …`: the chain checked, and anchored outside the database
//! (`portal_audit::anchor`) with the key and checkpoint file of the settings.

use std::path::Path;

use clap::Subcommand;
use portal_audit::anchor;

use super::open_migrated;
use crate::settings::{ConfigError, Settings};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain, and with PORTAL_AUDIT_KEY the checkpoints; exit non-zero naming the
    /// first broken row.
    Verify,
    /// Sign the current head and append it to the checkpoint file (the server does this by itself).
    Checkpoint,
}

fn checkpoint_file_text(file: &Path) -> Result<String, ConfigError> {
    match std::fs::read_to_string(file) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(ConfigError(format!(
            "--audit-checkpoints/PORTAL_AUDIT_CHECKPOINTS: cannot read {}: {e}",
            file.display()
        ))),
    }
}

pub fn run(settings: &Settings, command: AuditCommand) -> Result<(), ConfigError> {
    let (url, mut conn) = open_migrated(settings)?;
    let anchor = settings.audit_anchor()?;
    match command {
        AuditCommand::Verify => {
            let rows =
                match portal_audit::verify(&mut conn).map_err(|e| ConfigError(e.to_string()))? {
                    Ok(rows) => rows,
                    Err(broken) => return Err(ConfigError(broken.to_string())),
                };
            let Some(anchor) = anchor else {
                println!(
                    "{}: audit chain intact ({rows} rows); not anchored (no PORTAL_AUDIT_KEY)",
                    url.masked()
                );
                return Ok(());
            };
            let text = checkpoint_file_text(&anchor.file)?;
            let checkpoints =
                anchor::read_file(&text).map_err(|broken| ConfigError(broken.to_string()))?;
            match anchor::verify_checkpoints(&mut conn, &anchor.key, &checkpoints)
                .map_err(|e| ConfigError(e.to_string()))?
            {
                Ok(held) => {
                    println!(
                        "{}: audit chain intact ({rows} rows); {held} checkpoint(s) in {} hold",
                        url.masked(),
                        anchor.file.display()
                    );
                    Ok(())
                }
                Err(broken) => Err(ConfigError(broken.to_string())),
            }
        }
        AuditCommand::Checkpoint => {
            let anchor = anchor.ok_or_else(|| {
                ConfigError("--audit-key/PORTAL_AUDIT_KEY: required to sign a checkpoint".into())
            })?;
            let written = anchor.write(&mut conn).map_err(|e| {
                ConfigError(format!("--audit-checkpoints/PORTAL_AUDIT_CHECKPOINTS: {e}"))
            })?;
            println!(
                "{}: checkpoint at seq {} appended to {}",
                url.masked(),
                written.seq,
                anchor.file.display()
            );
            Ok(())
        }
    }
}
