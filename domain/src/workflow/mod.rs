//! Plans, tasks and assignments through their whole lifecycle.

pub mod assignments;
pub mod attachments;
pub mod extensions;
pub mod import;
pub mod lifecycle;
pub mod listing;
pub mod plans;
pub(crate) mod step;

pub use step::stale;

pub use lifecycle::{Action, Party, Status, TransitionError, transition};

use crate::DomainError;

impl From<TransitionError> for DomainError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::NotYourAction { .. } => DomainError::Forbidden(e.message()),
            TransitionError::NotInThisState { .. } => {
                DomainError::conflict(crate::error::ConflictCode::WrongState, e.message())
            }
        }
    }
}
