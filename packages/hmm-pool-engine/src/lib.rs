//! # hmm-pool-engine
//!
//! The stateless engine of a Hamiltonian Market Maker pool: the [`Pool`] record, its curves and prices, trade
//! planning and applying, fees, the volatility estimate and λ(t), LP shares, bundle routing. Every function takes and
//! returns values; the one exception is [`record`], the pool record's stored form and its storage keys (the contract
//! stores records with it, the router reads them by raw query with it). The `hmm-pool` contract loads a pool, runs the engine on it and
//! stores the result together with what the engine hands back (protocol fee parts, TWAP observations due); the
//! simulator (`hmm-sim`) runs the same functions on pools it holds in memory, so it prices and charges exactly as
//! the chain does. (The same split as Astroport's `astroport_pcl_common`, used by its pair contracts and tools.)
//!
//! Formulas come from `hmm-math`, parameter and message types from `hmm::pool`. Modules:
//! - [`pool`]: the record types;
//! - [`params`]: defaults, parameter bounds, [`new_pool`] (the checks of `CreatePool`);
//! - [`curve`]: a pool's invariant, spot prices, fee rates, the integrated (flow) swap;
//! - [`trade`]: the legs of a swap, planned without changing the pool, then applied to it;
//! - [`prices`]: TWAP accumulators, volatility and λ(t) after the reserves moved;
//! - [`liquidity`]: shares minted by a deposit and paid out by a withdrawal;
//! - [`record`]: the stored form of a pool (binary format 1) and its keys;
//! - [`route`]: bundle planning across pools (the router) and a pool's part of it.

pub mod curve;
pub mod error;
pub mod liquidity;
pub mod params;
pub mod pool;
pub mod prices;
pub mod record;
pub mod route;
pub mod sell;
pub mod trade;

#[cfg(test)]
mod tests;

pub use error::{EngineError, EngineResult};
pub use params::new_pool;
pub use pool::{Pool, PoolClass};
