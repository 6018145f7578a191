use cosmwasm_std::{OverflowError, StdError, Uint128};
use cw_utils::PaymentError;
use hmm_math::MathError;
use hmm_pool_engine::EngineError;
use thiserror::Error;

/// Every way a message to the pool contract can fail. A failed message changes nothing.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Math(#[from] MathError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error("unauthorized: only {0} may do this")]
    Unauthorized(&'static str),

    #[error("pool {0} does not exist")]
    UnknownPool(u64),

    #[error("token {0} is not traded by pool {1}")]
    UnknownClass(String, u64),

    #[error("token {0} is not accepted here")]
    WrongToken(String),

    #[error("invalid pool parameters: {0}")]
    InvalidParams(String),

    #[error("the amount must be positive")]
    ZeroAmount,

    #[error("deadline {deadline} passed (block time {now})")]
    DeadlinePassed { deadline: u64, now: u64 },

    #[error("slippage bound: would receive {got}, minimum is {min}")]
    MinOutNotMet { got: Uint128, min: Uint128 },

    #[error("slippage bound: would pay {needed}, at most {max} was sent")]
    MaxInExceeded { needed: Uint128, max: Uint128 },

    #[error("price impact {impact_bps} bps exceeds the pool limit of {limit_bps} bps")]
    PriceImpactTooHigh { impact_bps: u32, limit_bps: u32 },

    #[error("trading on this pool is paused")]
    Paused,

    #[error("only the configured router may grant a volume discount, of at most 50 %")]
    DiscountNotAllowed,

    #[error("the pool has no liquidity yet")]
    NoLiquidity,

    #[error("would mint {got} shares, minimum is {min}")]
    MinSharesNotMet { got: Uint128, min: Uint128 },

    #[error("insufficient shares: has {has}, asked {asked}")]
    InsufficientShares { has: Uint128, asked: Uint128 },

    #[error("the first deposit must exceed the {0} locked shares")]
    FirstDepositTooSmall(u128),

    #[error("offer and ask are the same token")]
    SameToken,

    #[error("pool {0} trades in batch auctions only: send a BatchIntent")]
    BatchOnly(u64),

    #[error("pool {0} trades continuously, not in batch auctions")]
    NotBatched(u64),

    #[error("the batch window closes at {window_end}; now is {now}")]
    BatchWindow { window_end: u64, now: u64 },

    #[error("the batch is full ({0} intents): settle it first")]
    BatchFull(u32),

    #[error("intent of {amount} atoms is too small: at least {minimum}, and enough to trade after its fee")]
    IntentTooSmall { amount: Uint128, minimum: Uint128 },

    #[error("a trader may hold at most {0} intents in one batch")]
    TooManyIntents(u32),

    #[error("no intent {0} is waiting in this batch")]
    UnknownIntent(u32),

    #[error("execution mode {mode} is not offered on {kind} pools: {reason}")]
    UnsupportedExecution {
        mode: &'static str,
        kind: &'static str,
        reason: &'static str,
    },

    /// 2026 eq.30's λ(t) changes κ with no token moving (a step lowers κ by `(Δb/2)(q − q̄)²` per class), and
    /// keeping both κ and the spot price continuous across a step leaves the curve unchanged: on chain the
    /// curvature is static (SECURITY.md, "dynamic curvature"). From [`EngineError::DynamicCurvatureRefused`].
    #[error("dynamic curvature (alpha or beta > 0) is refused: a curvature step would change the invariant with no trade")]
    DynamicCurvatureRefused,

    #[error("a defer list is honoured from block time {from}; now is {now}: settle without it")]
    DeferTooEarly { from: u64, now: u64 },

    #[error("nothing to claim")]
    NothingToClaim,

    #[error(transparent)]
    Ownership(#[from] cw_ownable::OwnershipError),

    #[error(transparent)]
    Migrate(#[from] hmm_record::MigrateError),
}

pub type ContractResult<T> = Result<T, ContractError>;

/// The engine's refusals keep their variant: the engine has one of the same name and message for each, so clients
/// and tests match `ContractError::PriceImpactTooHigh { .. }` whether the engine or the contract refused.
impl From<EngineError> for ContractError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Std(e) => ContractError::Std(e),
            EngineError::Math(e) => ContractError::Math(e),
            EngineError::Overflow(e) => ContractError::Overflow(e),
            EngineError::InvalidParams(reason) => ContractError::InvalidParams(reason),
            EngineError::ZeroAmount => ContractError::ZeroAmount,
            EngineError::PriceImpactTooHigh {
                impact_bps,
                limit_bps,
            } => ContractError::PriceImpactTooHigh {
                impact_bps,
                limit_bps,
            },
            EngineError::NoLiquidity => ContractError::NoLiquidity,
            EngineError::FirstDepositTooSmall(locked) => {
                ContractError::FirstDepositTooSmall(locked)
            }
            EngineError::SameToken => ContractError::SameToken,
            EngineError::UnsupportedExecution { mode, kind, reason } => {
                ContractError::UnsupportedExecution { mode, kind, reason }
            }
            EngineError::DynamicCurvatureRefused => ContractError::DynamicCurvatureRefused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every engine error becomes the contract error of the same name, with the same message.
    #[test]
    fn engine_errors_keep_their_variant_and_message() {
        let cases = [
            EngineError::Std(StdError::generic_err("bad address")),
            EngineError::Math(MathError::InvariantDecreased),
            EngineError::Overflow(OverflowError::new(cosmwasm_std::OverflowOperation::Add)),
            EngineError::InvalidParams("x".to_string()),
            EngineError::ZeroAmount,
            EngineError::PriceImpactTooHigh {
                impact_bps: 2_001,
                limit_bps: 2_000,
            },
            EngineError::NoLiquidity,
            EngineError::FirstDepositTooSmall(1_000),
            EngineError::SameToken,
            EngineError::UnsupportedExecution {
                mode: "verlet",
                kind: "augmented",
                reason: "r",
            },
            EngineError::DynamicCurvatureRefused,
        ];
        for e in cases {
            let message = e.to_string();
            let name = format!("{e:?}");
            let converted = ContractError::from(e);
            assert_eq!(converted.to_string(), message);
            assert_eq!(format!("{converted:?}"), name);
        }
    }
}
