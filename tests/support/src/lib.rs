//! The one cw-multi-test harness of the HMM exchange (issue 19, part 3). Only ever a dev-dependency.
//!
//! - [`StackBuilder`] deploys any subset of the stack: $AI and CU tokens (`ai-token`), `hmm-pool` with one seeded
//!   pool per CU class, `job-registry` or its mock ([`mock_registry`]), `poai` or its mock ([`mock_poai`]), wired.
//! - [`Chain`] (time, cw20 actions and queries, calls and queries of any contract) and [`PoolActions`] (create a
//!   pool, add liquidity) are the typed helpers every suite shares.
//! - The suites, each a preset of the builder with the actions and queries of its tests: [`pool::Suite`] (the
//!   pool's cross-contract tests, `tests/integration`), [`registry::Suite`] (job-registry with a mock poai),
//!   [`poai::Suite`] (poai with a mock registry, or the real one), [`orderbook::Suite`] (the order book with a cw20
//!   and a native market, or a native quote).
//! - [`keys`]: enclave keys and poai's signed digests.
//!
//! The messages of the contracts are built here, in the suites' methods, so that a change of a message touches
//! this crate rather than every test.

pub mod chain;
pub mod contracts;
pub mod keys;
pub mod mock_poai;
pub mod mock_registry;
pub mod orderbook;
pub mod poai;
pub mod pool;
pub mod registry;
pub mod stack;

pub use chain::{attr, create_pool_msg, sla_requirement, sla_tags, Chain, PoolActions};
pub use stack::{PoaiSpec, PoolsSpec, RegistrySpec, Stack, StackBuilder, TokenSpec};
