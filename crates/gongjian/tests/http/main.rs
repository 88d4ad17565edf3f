//! The real HTTP server on a random port over a fresh database, by capability: each module
//! drives the pages and the API of one part of the product as its users would, on SQLite and
//! (with `GONGJIAN_TEST_POSTGRES`) PostgreSQL; `access` checks every write route as every role.
#![allow(clippy::unwrap_used)]

mod access;
mod admin;
mod approvals;
mod audit;
mod calendar;
mod campaign;
mod dossier;
mod import;
mod layout;
mod ledger;
mod notify;
mod problems;
mod rankings;
mod region;
mod reports;
mod signin;
mod support;
