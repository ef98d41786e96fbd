//! Accounts, roles per site, and the scopes they grant (Điều 7.2, 12.2, 17.4, 19.4, 21.4).
//!
//! Every write endpoint checks a scope, never a role name, through `access`. Scopes are computed when a token is
//! issued, from the current section-ownership table, so an ownership transfer takes effect at the
//! next token refresh; disabling a user, resetting a password or revoking a role bumps the user's
//! token version, which every request checks, so those take effect on the next request.

pub mod access;
pub mod accounts;
pub mod admin;
pub mod apikeys;
pub mod attempts;
pub mod config;
pub mod directory;
pub mod login;
pub mod model;
pub mod org;
pub mod password;
pub mod principal;
pub mod scopes;
pub mod secrets;
pub mod settings;
pub mod tokens;
pub mod totp;

pub use access::{Acting, AuditReach, ContentReach, ItemAccess, ReviewReach};
pub use config::AuthConfig;
pub use model::{Role, User, UserStatus};
pub use principal::{Principal, PrincipalKind};
pub use scopes::{ContentAction, Scope, ScopeSet};
pub use tokens::{JwtKeys, KeyError};
