//! Domain errors. The api crate maps each variant to an HTTP status and a stable problem type.

use std::fmt;

/// One invalid field of a request: which, a machine-readable code, and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{entity} '{key}' was not found")]
    NotFound { entity: &'static str, key: String },

    /// The request is well-formed but breaks a rule; each broken rule names its field.
    #[error("{}", join(.0))]
    Validation(Vec<FieldError>),

    /// A query parameter (filter, cursor, limit) that cannot be used as given.
    #[error("invalid parameter '{parameter}': {reason}")]
    InvalidParameter { parameter: String, reason: String },

    #[error("{0}")]
    Conflict(String),

    /// A workflow step that the item's current state does not allow.
    #[error("{message}")]
    InvalidTransition {
        message: String,
        allowed: Vec<String>,
    },

    /// No valid credentials: missing, malformed, expired or revoked.
    #[error("{0}")]
    Unauthenticated(String),

    /// Valid credentials without the scope the action needs.
    #[error("{0}")]
    Forbidden(String),

    /// The change was based on a version that is no longer current.
    #[error("{message}")]
    PreconditionFailed {
        message: String,
        current_version: i64,
    },

    /// A change that must name the version it is based on, and did not.
    #[error("{0}")]
    PreconditionRequired(String),

    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },

    /// The database could not be reached or refused to work (pool timeout, connection lost).
    #[error("database unavailable: {0}")]
    Unavailable(String),

    #[error("internal error: {0}")]
    Internal(String),
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn not_found(entity: &'static str, key: impl fmt::Display) -> Self {
        Self::NotFound {
            entity,
            key: key.to_string(),
        }
    }

    pub fn invalid_parameter(parameter: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidParameter {
            parameter: parameter.into(),
            reason: reason.into(),
        }
    }

    pub fn forbidden_scope(scope: &str) -> Self {
        Self::Forbidden(format!(
            "this needs the scope '{scope}', which the credentials do not carry"
        ))
    }

    pub fn field(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }
}

impl From<diesel::result::Error> for Error {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as D};
        match err {
            D::NotFound => Error::NotFound {
                entity: "record",
                key: String::new(),
            },
            D::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Error::Conflict(format!("already exists: {}", info.message()))
            }
            D::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                Error::Conflict(format!(
                    "refers to a missing or still-used record: {}",
                    info.message()
                ))
            }
            D::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Error::Unavailable(info.message().to_string())
            }
            other => Error::Internal(other.to_string()),
        }
    }
}
