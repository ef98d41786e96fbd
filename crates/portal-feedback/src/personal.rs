//! Personal data at rest (Điều 5.3; Nghị định 13/2023, Luật 91/2025/QH15): AES-256-GCM under a key
//! from configuration, a fresh 96-bit nonce per value, the case's code bound in as associated
//! data (a ciphertext copied onto another case does not decrypt there). Lists show only masks.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use portal_core::Error;

use crate::model::PersonalData;

/// The key of `PORTAL_DATA_KEY`: 32 bytes. Debug never prints it.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// Reads 64 hexadecimal digits (what `openssl rand -hex 32` prints).
    pub fn from_hex(text: &str) -> Result<DataKey, String> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| "must be 64 hexadecimal digits (openssl rand -hex 32)".to_string())?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            "must be 64 hexadecimal digits: 32 bytes (openssl rand -hex 32)".to_string()
        })?;
        Ok(DataKey(key))
    }

    /// A fresh random key, as 64 hexadecimal digits, for a development data folder.
    pub fn generate_hex() -> Result<String, Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
        Ok(hex::encode(key))
    }

    /// HMAC-SHA-256 of `message` under a key derived from this one for `purpose`, so a digest
    /// made for one use (a form token, a client's throttle key) is worthless for another.
    pub fn mac(&self, purpose: &str, message: &[u8]) -> [u8; 32] {
        use hmac::{Hmac, KeyInit as _, Mac};
        type HmacSha256 = Hmac<sha2::Sha256>;
        let derive = |key: &[u8], data: &[u8]| {
            let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
            mac.update(data);
            let out: [u8; 32] = mac.finalize().into_bytes().into();
            out
        };
        derive(&derive(&self.0, purpose.as_bytes()), message)
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.0))
    }

    /// `v1:` + base64 of nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, data: &PersonalData, bound_to: &str) -> Result<String, Error> {
        self.seal_json(data, bound_to)
    }

    pub fn open(&self, stored: &str, bound_to: &str) -> Result<PersonalData, Error> {
        self.open_json(stored, bound_to)
    }

    /// Seals any serialisable record (a payee's identity and bank account, …) the same way.
    pub fn seal_json<T: serde::Serialize>(
        &self,
        data: &T,
        bound_to: &str,
    ) -> Result<String, Error> {
        let plain = serde_json::to_vec(data).map_err(|e| Error::Internal(e.to_string()))?;
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
        let sealed = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| Error::Internal("encrypting personal data failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("v1:{}", STANDARD.encode(out)))
    }

    /// Fails (an internal error, never garbage) when the key or the binding is not the one sealed with.
    pub fn open_json<T: serde::de::DeserializeOwned>(
        &self,
        stored: &str,
        bound_to: &str,
    ) -> Result<T, Error> {
        let unreadable = || {
            Error::Internal("stored personal data cannot be decrypted with PORTAL_DATA_KEY".into())
        };
        let raw = stored
            .strip_prefix("v1:")
            .and_then(|b| STANDARD.decode(b).ok())
            .ok_or_else(unreadable)?;
        if raw.len() < 12 + 16 {
            return Err(unreadable());
        }
        let (nonce, sealed) = raw.split_at(12);
        let plain = self
            .cipher()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| unreadable())?;
        serde_json::from_slice(&plain).map_err(|_| unreadable())
    }
}

/// What a list shows of a person: initials and the e-mail's first letter and domain, e.g.
/// `N. V. A. · n***@gmail.com`; "(ẩn danh)" when nothing was given.
pub fn mask(data: &PersonalData) -> String {
    let mut parts = Vec::new();
    if let Some(name) = data.name.as_deref().filter(|n| !n.trim().is_empty()) {
        let initials: Vec<String> = name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .map(|c| format!("{}.", c.to_uppercase()))
            .collect();
        parts.push(initials.join(" "));
    }
    if let Some(email) = data.email.as_deref() {
        if let Some((local, domain)) = email.split_once('@') {
            let first: String = local.chars().take(1).collect();
            parts.push(format!("{first}***@{domain}"));
        }
    }
    if let Some(phone) = data.phone.as_deref() {
        let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
        let tail: String = digits[digits.len().saturating_sub(3)..].iter().collect();
        parts.push(format!("***{tail}"));
    }
    if parts.is_empty() {
        "(ẩn danh)".into()
    } else {
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> DataKey {
        DataKey::from_hex(&hex::encode([byte; 32])).expect("a key")
    }

    fn person() -> PersonalData {
        PersonalData {
            name: Some("Nguyễn Văn An".into()),
            email: Some("an.nguyen@gmail.com".into()),
            phone: Some("0905 123 456".into()),
            address: Some("12 Trần Phú, Tam Kỳ".into()),
        }
    }

    #[test]
    fn sealed_data_opens_only_with_its_key_and_its_case() {
        let sealed = key(1).seal(&person(), "QNA-1").expect("sealed");
        assert!(
            !sealed.contains("Nguyễn") && !sealed.contains("gmail"),
            "{sealed}"
        );
        assert_eq!(key(1).open(&sealed, "QNA-1").expect("opens"), person());
        assert!(key(2).open(&sealed, "QNA-1").is_err(), "another key");
        assert!(key(1).open(&sealed, "QNA-2").is_err(), "another case");
        // Two seals of the same data differ: the nonce is fresh each time.
        assert_ne!(sealed, key(1).seal(&person(), "QNA-1").expect("sealed"));
    }

    #[test]
    fn masks_keep_initials_and_the_mail_domain_only() {
        assert_eq!(mask(&person()), "N. V. A. · a***@gmail.com · ***456");
        assert_eq!(mask(&PersonalData::default()), "(ẩn danh)");
    }

    #[test]
    fn keys_are_64_hex_digits() {
        assert!(DataKey::from_hex("abcd").is_err());
        assert!(DataKey::from_hex(&"g".repeat(64)).is_err());
        assert!(DataKey::from_hex(&DataKey::generate_hex().expect("hex")).is_ok());
    }
}
