//! `ai-token`: one cw20 code for the $AI token and for every compute-unit (CU) token of the HMM exchange.
//!
//! cw20-base is used as a library: instantiation, every execute message and every standard query are delegated to it,
//! so the JSON interface is exactly cw20's and wallets work unchanged. What this crate adds:
//! - an optional [`hmm::token::ResourceMetadata`] fixed at instantiation, telling which resource class a CU token counts
//!   (e.g. `a100-hour`, unit `GPU-hour`), and the query `{"resource_metadata":{}}` that returns it;
//! - its own cw2 contract name/version and a `migrate` entry point that refuses other codes and downgrades.
//!
//! As in cw20-base 2.0, zero amounts are accepted by transfer/send/burn/mint (a no-op), so composing contracts need not
//! special-case them; the exchange contracts refuse zero amounts in their own messages.

pub mod contract;
mod error;
pub mod msg;
pub mod state;

pub use crate::error::ContractError;

#[cfg(test)]
mod tests;
