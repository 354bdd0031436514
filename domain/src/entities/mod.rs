//! sea-orm models, one module a table. Services own the rules; these are rows.

pub mod assignment;
pub mod attachment;
pub mod audit_event;
pub mod calendar_feed;
pub mod comment;
pub mod extension_request;
pub mod indicator;
pub mod job_run;
pub mod login_throttle;
pub mod milestone;
pub mod notification;
pub mod notification_attempt;
pub mod outbox_sent;
pub mod plan;
pub mod recurrence;
pub mod report;
pub mod review;
pub mod section;
pub mod suspension;
pub mod task;
pub mod unit;
pub mod unit_channel;
pub mod user;
