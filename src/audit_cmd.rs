//! `portal audit …` and the anchoring of the audit chain outside the database
//! (`portal_audit::anchor`): the key and the checkpoint file from configuration.

use std::path::PathBuf;

use portal_api::state::AuditAnchor;
use portal_audit::anchor::{self, MIN_KEY_BYTES};

use crate::{open_migrated, AuditCommand, Common, ConfigError};

/// The anchor configured, if any: the key and the file the checkpoints go to.
pub fn anchor(common: &Common) -> Result<Option<AuditAnchor>, ConfigError> {
    let Some(key) = &common.audit_key else {
        return Ok(None);
    };
    if key.len() < MIN_KEY_BYTES {
        return Err(ConfigError(format!(
            "--audit-key/PORTAL_AUDIT_KEY: at least {MIN_KEY_BYTES} bytes, got {}",
            key.len()
        )));
    }
    let file = common
        .audit_checkpoints
        .clone()
        .unwrap_or_else(|| common.data_dir.join("audit-checkpoints"));
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            ConfigError(format!(
                "--audit-checkpoints/PORTAL_AUDIT_CHECKPOINTS: cannot create {}: {e}",
                dir.display()
            ))
        })?;
    }
    Ok(Some(AuditAnchor::new(key.as_bytes().to_vec(), file)))
}

fn checkpoint_file_text(file: &PathBuf) -> Result<String, ConfigError> {
    match std::fs::read_to_string(file) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(ConfigError(format!(
            "--audit-checkpoints/PORTAL_AUDIT_CHECKPOINTS: cannot read {}: {e}",
            file.display()
        ))),
    }
}

pub fn run(common: &Common, command: AuditCommand) -> Result<(), ConfigError> {
    let (url, mut conn) = open_migrated(common)?;
    let anchor = anchor(common)?;
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
