use std::time::Duration;

/// Token lifetimes and account-security limits. Their values, and the level-3 practice under
/// Nghị định 85/2016 and TCVN 11930:2017 they follow, are set in `portal::settings`
/// (docs/security.md maps each to its rule).
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    /// A session with no refresh for this long ends; its access tokens are refused from then on.
    pub refresh_idle: Duration,
    /// The same, for chief editors and operators (their access tokens also live no longer).
    pub privileged_idle: Duration,
    /// Whether chief editors and operators must use a second factor when no operator has said
    /// otherwise (`PUT /api/v1/admin/settings/security`): on in production.
    pub require_totp_for_privileged_by_default: bool,
    /// No session outlives this, however active.
    pub refresh_max: Duration,
    pub lockout_threshold: i32,
    pub lockout_duration: Duration,
    /// Failed logins one client address may make per window before it is throttled.
    pub ip_max_failures: i32,
    pub ip_window: Duration,
    /// Accounts with no login for this long are disabled.
    pub idle_disable_after: Duration,
}

impl AuthConfig {
    /// How long a session of this kind may sit idle.
    pub fn idle_for(&self, privileged: bool) -> Duration {
        if privileged {
            self.privileged_idle.min(self.refresh_idle)
        } else {
            self.refresh_idle
        }
    }

    /// How long an access token of this kind lives: never past its session's idle limit.
    pub fn access_ttl_for(&self, privileged: bool) -> Duration {
        self.access_ttl.min(self.idle_for(privileged))
    }
}

pub(crate) fn chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}
