//! Plans, tasks and assignments through their whole lifecycle.

pub mod actions;
pub mod assignments;
pub mod attachments;
pub mod extensions;
pub mod import;
pub mod issue_preview;
pub mod item_view;
pub mod lifecycle;
pub mod listing;
pub mod plans;
pub mod standing;
pub(crate) mod step;
pub mod workbench;

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
