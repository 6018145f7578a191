//! # job-registry
//!
//! Jobs of the HMM exchange. A client sends $AI with a job spec (resource vector over CU tokens, SLA, budget,
//! deadlines, input commitment); the registry buys the CU through the pool in the same transaction and locks them
//! in the job, keeping the rest of the $AI in the job's escrow. A worker takes the job (poai checks eligibility),
//! poai records the attestation and settles: on success the used CU are burned and the rest refunded, on failure
//! or timeout everything goes back to the client. Every message type comes from the shared `hmm` package
//! (`hmm::job`); the interface with poai and the pool is fixed in `docs/interfaces.md`.
//!
//! Layout (one file per action, a thin dispatcher): `contract.rs` dispatches; `execute/` holds the actions;
//! `query.rs` the queries; `reply.rs` the reply ids of sub-messages (one enum) and the replies; `state.rs` the
//! storage (an `IndexedMap` of jobs indexed by client, worker and state); `poai.rs` the messages sent to poai.

pub mod contract;
pub mod error;
pub mod execute;
pub mod poai;
pub mod query;
pub mod reply;
pub mod state;

pub use error::ContractError;
