//! The one error type of the domain. The API maps each variant to an HTTP
//! status in exactly one place; causes of `Internal` stay in the log.

use serde::Serialize;

/// One invalid field, named as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Fields that are present and well-typed but not acceptable.
    #[error("invalid fields: {0:?}")]
    Invalid(Vec<FieldError>),
    /// Nothing the caller may see goes by that id.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller is known but their role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The state of the object does not allow this, or the caller's copy is stale.
    #[error("conflict ({code:?}): {message}")]
    Conflict { code: ConflictCode, message: String },
    /// Credentials missing, wrong, or the account cannot sign in.
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    /// More than the limit for this input (an attachment's size).
    #[error("too large: {0}")]
    TooLarge(String),
    /// Too many failed attempts; try again after the given number of seconds.
    #[error("locked for {retry_after_secs} s")]
    Locked { retry_after_secs: i64 },
    /// Anything that is our fault, not the caller's.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Why a request conflicts with what is stored: a stable code a client can
/// act on (`code` in the problem document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictCode {
    /// Someone changed the object since the caller read it: reload, retry.
    StaleVersion,
    /// The object's state does not allow this step.
    WrongState,
    /// A name, number or username that must be unique is taken.
    Duplicate,
    /// A request that can be decided once was decided already.
    AlreadyDecided,
    /// The moment for this has passed (e.g. an extension after the deadline).
    TooLate,
    /// Nothing is left to do (e.g. a plan with no draft to issue).
    NothingToDo,
    /// The caller may not do this to themselves (e.g. deactivate their own account).
    OwnAccount,
}

impl ConflictCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictCode::StaleVersion => "stale_version",
            ConflictCode::WrongState => "wrong_state",
            ConflictCode::Duplicate => "duplicate",
            ConflictCode::AlreadyDecided => "already_decided",
            ConflictCode::TooLate => "too_late",
            ConflictCode::NothingToDo => "nothing_to_do",
            ConflictCode::OwnAccount => "own_account",
        }
    }
}

impl DomainError {
    pub fn conflict(code: ConflictCode, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<sea_orm::DbErr> for DomainError {
    /// The store failed: the error keeps the use case it happened in (the
    /// current span), so the log says more than "request failed".
    fn from(e: sea_orm::DbErr) -> Self {
        let during = tracing::Span::current()
            .metadata()
            .map_or("a request", |m| m.name());
        Self::Internal(anyhow::Error::new(e).context(format!("database error during {during}")))
    }
}

impl From<sea_orm::TransactionError<DomainError>> for DomainError {
    fn from(e: sea_orm::TransactionError<DomainError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
