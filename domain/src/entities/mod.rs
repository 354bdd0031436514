//! sea-orm models, one module a table. Services own the rules; these are rows.

pub mod audit_event;
pub mod unit;
pub mod user;
