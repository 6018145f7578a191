//! # router
//!
//! Best execution of compute purchases across the `hmm-pool` pools (the Astroport router's place: a periphery
//! contract that holds no liquidity and nothing between transactions). A bundle is planned by the engine's planner
//! (`hmm_pool_engine::route`) on pool records read by raw queries of the pool contract, then bought as one
//! `hmm::pool::ReceiveMsg::Buy` per pool in the same transaction; each pool solves its lines again on the same
//! state and charges exactly what the plan priced.
//!
//! Layout: `contract.rs` dispatches (and unpacks the cw20 hook); `execute/` holds the actions; `query.rs` the
//! queries; `source.rs` reads pools by raw query and the order book; `tiers.rs` keeps each trader's 30-day volume and
//! its discount (HIP-8's fee schedule); `state.rs` the storage.

pub mod contract;
pub mod error;
pub mod execute;
pub mod query;
pub mod source;
pub mod state;
pub mod tiers;

pub use error::ContractError;
