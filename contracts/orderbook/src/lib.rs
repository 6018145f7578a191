//! # orderbook
//!
//! HIP-8's limit-order book beside the pools: one market per compute-unit asset against the quote asset ($AI),
//! price-time priority, partial fills, post-only, immediate-or-cancel, expiry, self-trade prevention (the resting
//! order is cancelled), matching work bounded per transaction, minimum order sizes, maker/taker fees split into
//! treasury and burn. Assets are `hmm::asset::AssetInfo` (cw20 or native). Messages: `hmm::orderbook`.
//!
//! Layout (one file per action, a thin dispatcher): `contract.rs` dispatches (and unpacks cw20 `Receive` hooks);
//! `execute/` holds the actions; `query.rs` the queries; `state.rs` the storage and the book's primitives.

pub mod contract;
pub mod error;
pub mod execute;
pub mod query;
pub mod state;

pub use error::ContractError;
