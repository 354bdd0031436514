//! The unit tree and the accounts of the people who work in it.

pub mod pick;
pub mod units;
pub mod users;
mod validate;

pub use units::{NewUnit, UnitFilter, UnitPatch};
pub use users::{NewUser, UserPatch};
