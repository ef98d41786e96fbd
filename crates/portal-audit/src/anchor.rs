//! Anchoring the chain outside the database. The hash chain alone shows a changed, deleted or
//! cut row to someone who trusts the database — but whoever can write the database can also
//! recompute every hash after an edit, or delete the last rows and rewind the head, and
//! `verify` then passes. A checkpoint is the head's sequence number and hash, signed with a key
//! the database never sees (`PORTAL_AUDIT_KEY`) and written to a file outside it by every server
//! (`PORTAL_AUDIT_CHECKPOINTS`): rows covered by a checkpoint can no longer be rewritten or
//! removed unnoticed, and a forged checkpoint line does not verify. What it does not protect: the
//! events after the newest checkpoint (at most one job interval, 5 s by default), and an attacker
//! who holds the key as well as the database.

use diesel::prelude::*;
use hmac::{Hmac, KeyInit, Mac};
use portal_core::Error;
use portal_db::schema::{audit_head, audit_log};
use portal_db::DbConn;
use sha2::Sha256;

use crate::Broken;

/// The least key length: an HMAC-SHA256 key of at least 256 bits.
pub const MIN_KEY_BYTES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// Hex HMAC-SHA256 over "<seq>:<hash>".
    pub mac: String,
}

impl Checkpoint {
    /// One line of the checkpoint file: `<seq> <hash> <mac>`.
    pub fn line(&self) -> String {
        format!("{} {} {}", self.seq, self.hash, self.mac)
    }

    pub fn parse(line: &str) -> Option<Checkpoint> {
        let mut parts = line.split_whitespace();
        let checkpoint = Checkpoint {
            seq: parts.next()?.parse().ok()?,
            hash: parts.next()?.to_string(),
            mac: parts.next()?.to_string(),
        };
        parts.next().is_none().then_some(checkpoint)
    }
}

fn hmac(key: &[u8], seq: i64, hash: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(format!("{seq}:{hash}").as_bytes());
    mac
}

fn sign(key: &[u8], seq: i64, hash: &str) -> String {
    hex::encode(hmac(key, seq, hash).finalize().into_bytes())
}

/// The current head, signed.
pub fn checkpoint(conn: &mut DbConn, key: &[u8]) -> Result<Checkpoint, Error> {
    let (seq, hash): (i64, String) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::last_hash))
        .first(conn)?;
    Ok(Checkpoint {
        mac: sign(key, seq, &hash),
        seq,
        hash,
    })
}

/// Checks every checkpoint against the log: its signature, and that the row it names is still
/// there with the same hash (run `crate::verify` too: it checks the rows between). Ok(number of
/// checkpoints) when all hold.
pub fn verify_checkpoints(
    conn: &mut DbConn,
    key: &[u8],
    checkpoints: &[Checkpoint],
) -> Result<Result<usize, Broken>, Error> {
    for cp in checkpoints {
        let signature = hex::decode(&cp.mac).unwrap_or_default();
        if hmac(key, cp.seq, &cp.hash)
            .verify_slice(&signature)
            .is_err()
        {
            return Ok(Err(Broken {
                seq: cp.seq,
                reason: "a checkpoint's signature does not verify with this key: the checkpoint file was forged, or the key is not the one that signed it".into(),
            }));
        }
        if cp.seq == 0 {
            continue;
        }
        let row: Option<String> = audit_log::table
            .filter(audit_log::seq.eq(cp.seq))
            .select(audit_log::hash)
            .first(conn)
            .optional()?;
        match row {
            None => {
                return Ok(Err(Broken {
                    seq: cp.seq,
                    reason: format!(
                        "row {} was signed by a checkpoint and is gone: rows were removed (and the head rewound)",
                        cp.seq
                    ),
                }))
            }
            Some(hash) if hash != cp.hash => {
                return Ok(Err(Broken {
                    seq: cp.seq,
                    reason: format!(
                        "row {} no longer has the hash a checkpoint signed: the chain was rewritten",
                        cp.seq
                    ),
                }))
            }
            Some(_) => {}
        }
    }
    Ok(Ok(checkpoints.len()))
}

/// Reads a checkpoint file; a line that does not parse is reported as tampering.
pub fn read_file(text: &str) -> Result<Vec<Checkpoint>, Broken> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            Checkpoint::parse(line).ok_or_else(|| Broken {
                seq: 0,
                reason: format!("line {} of the checkpoint file does not parse", i + 1),
            })
        })
        .collect()
}
