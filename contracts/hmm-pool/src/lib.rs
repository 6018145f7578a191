//! # hmm-pool
//!
//! Many Hamiltonian Market Maker pools in one contract, addressed by pool id. The pools themselves (record, curves,
//! prices, trades, fees, λ(t), shares) are the stateless `hmm-pool-engine` package, which the simulator runs too;
//! this contract stores them and moves the tokens. Every formula comes from `hmm-math`; every message type from the
//! shared `hmm` package (`hmm::pool`).
//!
//! Layout (one file per action, a thin dispatcher): `contract.rs` dispatches (and unpacks cw20 `Receive` hooks);
//! `execute/` holds the actions; `query.rs` the queries; `twap.rs` stores the TWAP observations the engine's price
//! updates make due; `state.rs` the storage (a pool record's binary form is the engine's `record` module, which the router reads
//! by raw query).

pub mod contract;
pub mod error;
pub mod execute;
pub mod query;
pub mod state;
pub mod twap;

pub use error::ContractError;
