//! Password rules and hashing (argon2id). The rules follow level-3 practice: at least 12
//! characters, not the username, not a commonly used password.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use portal_core::{Error, FieldError};

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 256;

/// Passwords people choose most often, lower-cased; shorter ones already fail the length rule.
const COMMON: &str = include_str!("common-passwords.txt");

/// Every rule the password breaks, each naming the rule.
pub fn check_policy(field: &str, password: &str, username: &str) -> Result<(), Error> {
    let mut errors = Vec::new();
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        errors.push(FieldError::new(
            field,
            "too_short",
            format!("at least {MIN_CHARS} characters, got {chars}"),
        ));
    }
    if chars > MAX_CHARS {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("at most {MAX_CHARS} characters"),
        ));
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        errors.push(FieldError::new(
            field,
            "contains_username",
            "must not contain the username",
        ));
    }
    let distinct = {
        let mut seen: Vec<char> = lower.chars().collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    if COMMON.lines().any(|common| common.trim() == lower) || (chars >= MIN_CHARS && distinct <= 2)
    {
        errors.push(FieldError::new(
            field,
            "common_password",
            "is a commonly used password",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

pub fn hash(password: &str) -> Result<String, Error> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hashing a password: {e}")))
}

pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A real argon2id hash of no one's password: verifying against it when the user does not exist
/// makes an unknown username cost the same time as a wrong password.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Y4mJ0hvNuzBYMnHYRb7s8kQyGZ8wGMvD2wP7h8Pq9I";

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(result: Result<(), Error>) -> Vec<String> {
        match result {
            Ok(()) => vec![],
            Err(Error::Validation(errors)) => errors.into_iter().map(|e| e.code).collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn each_rule_is_named() {
        assert_eq!(
            codes(check_policy("password", "short", "lan")),
            ["too_short"]
        );
        assert_eq!(
            codes(check_policy(
                "password",
                "nguyenvanlan-2026",
                "NguyenVanLan"
            )),
            ["contains_username"]
        );
        assert_eq!(
            codes(check_policy("password", "password1234", "lan")),
            ["common_password"]
        );
        assert_eq!(
            codes(check_policy("password", "aaaaaaaaaaaaaaaa", "lan")),
            ["common_password"]
        );
        assert_eq!(
            codes(check_policy("password", "Hội An mùa lụt 2026", "lan")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 11 Vietnamese letters are more than 12 bytes but still too short.
        assert_eq!(
            codes(check_policy("password", "ạbcdéfghíjk", "x")),
            ["too_short"]
        );
    }

    #[test]
    fn hashes_verify_and_are_salted() {
        let a = hash("Hội An mùa lụt 2026").unwrap();
        let b = hash("Hội An mùa lụt 2026").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify("Hội An mùa lụt 2026", &a));
        assert!(!verify("Hội An mùa lụt 2025", &a));
        assert!(!verify("anything", DUMMY_HASH));
    }
}
