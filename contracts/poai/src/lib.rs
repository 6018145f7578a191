//! # poai
//!
//! Proof-of-AI: why a client can trust a worker it has never met. Workers register a capability vector and enclave
//! keys, bond $AI, and mint compute units (CU) for the capacity they offer, weighted by their quality (2025 eq.10,
//! 2026 eq.23) and capped by their bond (2026 eq.36). A job's attestation is checked on chain (enclave signature),
//! sampled per epoch for verification by bonded verifiers (commit-reveal, disputes), and finalized: the job registry
//! settles it, the worker's quality moves (2026 eq.24), rewards are minted (PoAI bonus, HIP-8 quality tiers,
//! per-epoch emissions) or the bond is slashed (2026 §12.3). Every formula comes from `hmm-math`; every message type
//! from the shared `hmm` package (`hmm::poai`).
//!
//! Layout (one file per action, a thin dispatcher): `contract.rs` dispatches; `execute/` holds the actions;
//! `query.rs` the queries; `state.rs` the storage; `helpers.rs` encodings, digests, epochs and token messages;
//! `digest.rs` the domain-separated digests enclave keys sign (attestation, proof of possession);
//! `merkle.rs` the index-bound io Merkle tree; `views.rs` lenient views of other contracts' answers; `wire.rs` the messages poai sends them.

pub mod contract;
pub mod digest;
pub mod error;
pub mod execute;
pub mod helpers;
pub mod merkle;
pub mod query;
pub mod state;
pub mod views;
pub mod wire;

pub use error::ContractError;
