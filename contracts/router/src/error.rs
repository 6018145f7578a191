use cosmwasm_std::{OverflowError, StdError, Uint128};
use cw_utils::PaymentError;
use hmm_pool_engine::route::RouteError;
use thiserror::Error;

/// Every way a message to the router can fail. A failed message changes nothing.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Ownership(#[from] cw_ownable::OwnershipError),

    /// The planner's refusal (`NoRoute` starts with `hmm::router::NO_ROUTE_PREFIX`: the registry's `EfeRank` tells
    /// an infeasible policy by it).
    #[error(transparent)]
    Route(#[from] RouteError),

    #[error("token {token} is not accepted here: bundles are paid in $AI")]
    WrongToken { token: String },

    #[error("the bundle costs {needed} $AI atoms; {max} were sent")]
    MaxInExceeded { needed: Uint128, max: Uint128 },

    #[error("the deadline {deadline} has passed (block time {now})")]
    DeadlinePassed { deadline: u64, now: u64 },

    #[error("pool {pool_id} does not exist in the pool contract")]
    UnknownPool { pool_id: u64 },

    #[error("pool {pool_id} has no liquidity yet: it is indexed once funded")]
    PoolNotFunded { pool_id: u64 },

    #[error("give 1 to {max} pool ids; {got} were given")]
    PoolIdCount { got: usize, max: usize },

    #[error("the order book quotes its markets in {quote}, not in the router's $AI")]
    BookQuoteMismatch { quote: String },

    #[error("a sale sells a CU token, not $AI")]
    SellTakesCu,

    #[error("the sale pays {out} $AI atoms, below min_out {min_out}")]
    MinOutNotMet { out: Uint128, min_out: Uint128 },

    #[error("invalid volume tiers: {0}")]
    InvalidTiers(String),

    #[error(transparent)]
    Migrate(#[from] hmm_record::MigrateError),
}

pub type ContractResult<T> = Result<T, ContractError>;
