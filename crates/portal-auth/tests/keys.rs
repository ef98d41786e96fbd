//! Signing keys: HS256 by secret, EdDSA and RS256 by PEM key pair (test-only keys, made with
//! `openssl genpkey`, never used anywhere else).

use std::path::PathBuf;

use portal_auth::tokens::{Claims, Subject};
use portal_auth::{AuthConfig, JwtKeys};

/// The limits these tests need; the server's own come from `portal::settings`.
fn test_config() -> AuthConfig {
    let minutes = |m: u64| std::time::Duration::from_secs(m * 60);
    AuthConfig {
        issuer: "portal-cms".into(),
        audience: "portal-api".into(),
        access_ttl: minutes(15),
        refresh_idle: minutes(15),
        privileged_idle: minutes(5),
        require_totp_for_privileged_by_default: false,
        refresh_max: minutes(12 * 60),
        lockout_threshold: 5,
        lockout_duration: minutes(15),
        ip_max_failures: 20,
        ip_window: minutes(15),
        idle_disable_after: minutes(45 * 24 * 60),
    }
}

fn key(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/keys")
        .join(name)
}

fn claims(config: &AuthConfig) -> Claims {
    Claims::new(
        config,
        Subject {
            user_id: 7,
            username: "thu.ttcntt",
            agency: "ttcntt",
            version: 3,
        },
        "account:self".into(),
        "session-1",
        config.access_ttl,
    )
    .unwrap()
}

#[test]
fn each_algorithm_signs_and_verifies_its_own_tokens_only() {
    let config = test_config();
    let ed = JwtKeys::from_pem_files(
        "EdDSA",
        &key("ed25519-private.pem"),
        &key("ed25519-public.pem"),
    )
    .unwrap();
    let rsa =
        JwtKeys::from_pem_files("RS256", &key("rsa-private.pem"), &key("rsa-public.pem")).unwrap();
    let hs = JwtKeys::hs256(b"a-secret-of-at-least-thirty-two-bytes").unwrap();
    for keys in [&ed, &rsa, &hs] {
        let token = keys.sign(&claims(&config)).unwrap();
        assert_eq!(keys.verify(&config, &token).unwrap().ver, 3);
    }
    let ed_token = ed.sign(&claims(&config)).unwrap();
    assert!(
        rsa.verify(&config, &ed_token).is_err(),
        "another algorithm is refused"
    );
    assert!(hs.verify(&config, &ed_token).is_err());
    let other = AuthConfig {
        audience: "another-api".into(),
        ..test_config()
    };
    assert!(ed.verify(&other, &ed_token).is_err(), "audience is checked");
}

#[test]
fn bad_key_configurations_are_explained() {
    let short = JwtKeys::hs256(b"short").err().unwrap();
    assert!(short.to_string().contains("at least 32 bytes"), "{short}");
    let swapped = JwtKeys::from_pem_files("EdDSA", &key("rsa-private.pem"), &key("rsa-public.pem"))
        .err()
        .unwrap();
    assert!(
        swapped.to_string().contains("not a valid EdDSA PEM key"),
        "{swapped}"
    );
    // A private key of one pair with the public key of another: every token would fail.
    let mismatched = JwtKeys::from_pem_files(
        "EdDSA",
        &key("other-ed25519-private.pem"),
        &key("ed25519-public.pem"),
    )
    .err()
    .unwrap();
    assert!(
        mismatched.to_string().contains("mismatched pair"),
        "{mismatched}"
    );
    let missing = JwtKeys::from_pem_files("EdDSA", &key("nope.pem"), &key("ed25519-public.pem"))
        .err()
        .unwrap();
    assert!(missing.to_string().contains("cannot read"), "{missing}");
    let unknown = JwtKeys::from_pem_files(
        "HS512",
        &key("ed25519-private.pem"),
        &key("ed25519-public.pem"),
    )
    .err()
    .unwrap();
    assert!(
        unknown.to_string().contains("unsupported JWT algorithm"),
        "{unknown}"
    );
}

#[test]
fn the_development_secret_is_made_once_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/jwt-secret");
    let first = JwtKeys::dev_secret_file(&path).unwrap();
    let token = first.sign(&claims(&test_config())).unwrap();
    let second = JwtKeys::dev_secret_file(&path).unwrap();
    assert!(
        second.verify(&test_config(), &token).is_ok(),
        "a restart keeps tokens valid"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}
