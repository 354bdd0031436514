//! Duban's HTTP API (actix-web) and the pieces of the `duban` binary.

pub mod auth;
pub mod backup;
pub mod cli;
pub mod demo;
pub mod error;
pub mod export;
pub mod extract;
pub mod metrics;
pub mod openapi;
pub mod read_your_writes;
pub mod responses;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tokens;
pub mod ui;
