//! # hmm-pool
//!
//! Many Hamiltonian Market Maker pools in one contract, addressed by pool id. Every formula comes from
//! `hmm-math`; every message type from the shared `hmm` package (`hmm::pool`).
//!
//! Layout (one file per action, a thin dispatcher): `contract.rs` dispatches; `execute/` holds the actions;
//! `query.rs` the queries; `curve.rs` builds the invariant of a pool and prices it; `state.rs` the storage;
//! `record.rs` the binary form of a stored pool.

pub mod contract;
pub mod curve;
pub mod error;
pub mod execute;
pub mod query;
pub mod record;
pub mod state;

pub use error::ContractError;
