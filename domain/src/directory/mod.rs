//! The unit tree and the accounts of the people who work in it.

pub mod channels;
pub mod pick;
pub mod units;
pub mod users;
mod validate;

pub use channels::NewChannel;
pub use units::{NewUnit, UnitFilter, UnitPatch};
pub use users::{NewUser, UserPatch};
