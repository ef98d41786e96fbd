//! The value parsers of the settings: each turns one command-line or environment value into its
//! typed form, or says why not. The wrapper names the setting both ways (`--bind/PORTAL_BIND`),
//! so every configuration error is one line an operator can act on.

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::time::Duration;

use clap::builder::TypedValueParser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command};
use portal_api::http::client_ip::TrustedProxies;
use portal_db::DatabaseUrl;

/// A parser of one setting: `parse` says why a value is wrong, without the setting's name.
#[derive(Clone, Copy)]
pub struct Setting<T>(pub fn(&str) -> Result<T, String>);

/// `--long/ENV`, as the operator may have written either.
pub fn names_of(arg: &Arg) -> String {
    let long = arg.get_long().map(|l| format!("--{l}"));
    let env = arg.get_env().map(|e| e.to_string_lossy().into_owned());
    match (long, env) {
        (Some(long), Some(env)) => format!("{long}/{env}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => arg.get_id().to_string(),
    }
}

/// The one-line message of a setting error, carried in the clap error (`main` prints it).
pub fn message(error: &clap::Error) -> Option<String> {
    match error.get(ContextKind::Custom) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        _ => None,
    }
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Setting<T> {
    type Value = T;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<T, clap::Error> {
        let names = arg.map(names_of).unwrap_or_default();
        let reason = match value.to_str() {
            Some(text) => match (self.0)(text) {
                Ok(parsed) => return Ok(parsed),
                Err(reason) => reason,
            },
            None => "is not valid UTF-8".to_string(),
        };
        let mut error = clap::Error::new(ErrorKind::ValueValidation).with_cmd(cmd);
        error.insert(
            ContextKind::Custom,
            ContextValue::String(format!("{names}: {reason}")),
        );
        Err(error)
    }
}

fn number<T: std::str::FromStr>(value: &str, expected: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("'{value}' is not {expected}"))
}

pub fn seconds(value: &str) -> Result<Duration, String> {
    let n: u64 = number(value, "a whole number of seconds")?;
    if n == 0 {
        return Err("must be at least 1".into());
    }
    Ok(Duration::from_secs(n))
}

/// Seconds where 0 is allowed (it turns something off).
pub fn seconds_or_zero(value: &str) -> Result<Duration, String> {
    number(value, "a whole number of seconds").map(Duration::from_secs)
}

pub fn days(value: &str) -> Result<Duration, String> {
    let n: u64 = number(value, "a whole number of days")?;
    if n == 0 {
        return Err("must be at least 1".into());
    }
    Ok(Duration::from_secs(n.saturating_mul(24 * 3600)))
}

pub fn whole_seconds_u32(value: &str) -> Result<u32, String> {
    number(value, "a whole number of seconds")
}

pub fn at_least_one_u32(value: &str) -> Result<u32, String> {
    match number(value, "a whole number")? {
        0 => Err("must be at least 1".into()),
        n => Ok(n),
    }
}

pub fn at_least_one_usize(value: &str) -> Result<usize, String> {
    match number(value, "a whole number")? {
        0 => Err("must be at least 1".into()),
        n => Ok(n),
    }
}

pub fn mebibytes(value: &str) -> Result<usize, String> {
    number::<usize>(value, "a whole number of MiB").map(|mb| mb.saturating_mul(1024 * 1024))
}

/// At most 450 ms, so a change reaches every server's readers within one second (twice this
/// plus one query; `portal_api::cache`).
pub fn freshness(value: &str) -> Result<Duration, String> {
    let ms: u64 = number(value, "a whole number of milliseconds")?;
    if ms > 450 {
        return Err(
            "at most 450, so a change reaches every server's readers within one second".into(),
        );
    }
    Ok(Duration::from_millis(ms))
}

pub fn boolean(value: &str) -> Result<bool, String> {
    number(value, "true or false")
}

pub fn socket_address(value: &str) -> Result<SocketAddr, String> {
    number(value, "a HOST:PORT socket address")
}

/// The URL is never echoed: it may hold a password (the error masks it).
pub fn database_url(value: &str) -> Result<DatabaseUrl, String> {
    DatabaseUrl::parse(value).map_err(|e| e.to_string())
}

pub fn trusted_proxies(value: &str) -> Result<TrustedProxies, String> {
    TrustedProxies::parse(value)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    /// A missing JWT key is an error, and privileged accounts need a second factor by default.
    Production,
}

pub fn environment(value: &str) -> Result<Environment, String> {
    match value {
        "production" => Ok(Environment::Production),
        "development" => Ok(Environment::Development),
        other => Err(format!("'{other}' is not development or production")),
    }
}

pub fn jwt_algorithm(value: &str) -> Result<String, String> {
    match value {
        "HS256" | "EdDSA" | "RS256" => Ok(value.to_string()),
        other => Err(format!("'{other}' is not HS256, EdDSA or RS256")),
    }
}

/// A secret is never echoed, only measured.
pub fn audit_key(value: &str) -> Result<Secret, String> {
    let min = portal_audit::anchor::MIN_KEY_BYTES;
    if value.len() < min {
        return Err(format!("at least {min} bytes, got {}", value.len()));
    }
    Ok(Secret(value.to_string()))
}

pub fn data_key(value: &str) -> Result<portal_feedback::DataKey, String> {
    portal_feedback::DataKey::from_hex(value)
}

pub fn secret(value: &str) -> Result<Secret, String> {
    Ok(Secret(value.to_string()))
}

/// A secret setting: its Debug never shows it.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Origins allowed by CORS.
#[derive(Debug, Clone)]
pub struct Origins(pub Vec<String>);

/// `*`, or origins as browsers send them: `scheme://host[:port]`, no path, no trailing slash
/// (`https://quangnam.gov.vn/` never matches a browser's `Origin`, so it is refused here).
pub fn origins(raw: &str) -> Result<Origins, String> {
    let origins: Vec<String> = raw
        .split(',')
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    for origin in &origins {
        if origin == "*" {
            continue;
        }
        let Some((scheme, rest)) = origin.split_once("://") else {
            return Err(format!(
                "'{origin}' is not an origin like https://portal.example.vn"
            ));
        };
        let host_ok = !rest.is_empty()
            && !rest.contains(['/', '?', '#', '@', ' '])
            && rest
                .rsplit_once(':')
                .is_none_or(|(_, port)| port.parse::<u16>().is_ok() || rest.starts_with('['));
        if !matches!(scheme, "http" | "https") || !host_ok {
            return Err(format!(
                "'{origin}' is not an origin: scheme://host[:port] with no path or trailing slash"
            ));
        }
    }
    Ok(Origins(origins))
}

/// Extra request headers for CORS, lower case.
#[derive(Debug, Clone)]
pub struct HeaderNames(pub Vec<String>);

/// HTTP token characters only.
pub fn header_names(raw: &str) -> Result<HeaderNames, String> {
    let mut headers = Vec::new();
    for name in raw.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if actix_web::http::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(format!("'{name}' is not a header name"));
        }
        headers.push(name.to_ascii_lowercase());
    }
    Ok(HeaderNames(headers))
}
