//! Random secrets and their stored digests. Secrets of 256 random bits need no slow hash: SHA-256
//! is enough, and lets a token be found by its digest.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use portal_core::Error;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub fn random_bytes<const N: usize>() -> Result<[u8; N], Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(bytes)
}

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> Result<String, Error> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets or digests in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}
