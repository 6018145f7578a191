use cosmwasm_std::{OverflowError, StdError};
use hmm_math::MathError;
use thiserror::Error;

/// Every way the engine refuses a pool, a trade or a deposit. The contract's `ContractError` has a variant of the
/// same name and message for each (it converts with `From`), so a client sees the same error from the chain as
/// from the engine run off chain.
#[derive(Error, Debug, PartialEq)]
pub enum EngineError {
    /// An address in a `CreatePool` message that the chain's `Api` refuses.
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Math(#[from] MathError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error("invalid pool parameters: {0}")]
    InvalidParams(String),

    #[error("the amount must be positive")]
    ZeroAmount,

    #[error("price impact {impact_bps} bps exceeds the pool limit of {limit_bps} bps")]
    PriceImpactTooHigh { impact_bps: u32, limit_bps: u32 },

    #[error("the pool has no liquidity yet")]
    NoLiquidity,

    #[error("the first deposit must exceed the {0} locked shares")]
    FirstDepositTooSmall(u128),

    #[error("offer and ask are the same token")]
    SameToken,

    #[error("execution mode {mode} is not offered on {kind} pools: {reason}")]
    UnsupportedExecution {
        mode: &'static str,
        kind: &'static str,
        reason: &'static str,
    },

    /// 2026 eq.30's λ(t) changes κ with no token moving (a step lowers κ by `(Δb/2)(q − q̄)²` per class), and
    /// keeping both κ and the spot price continuous across a step leaves the curve unchanged: on chain the
    /// curvature is static (SECURITY.md, "dynamic curvature"). The engine still runs eq.30 for any pool value
    /// whose α or β is set (the simulator studies it); only [`crate::new_pool`] and the curvature checks refuse it.
    #[error("dynamic curvature (alpha or beta > 0) is refused: a curvature step would change the invariant with no trade")]
    DynamicCurvatureRefused,
}

/// Result of every engine function.
pub type EngineResult<T> = Result<T, EngineError>;

impl EngineError {
    /// An [`EngineError::InvalidParams`] with this reason.
    pub fn invalid(reason: &str) -> Self {
        EngineError::InvalidParams(reason.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_print_their_reason() {
        let e = EngineError::PriceImpactTooHigh {
            impact_bps: 2_500,
            limit_bps: 2_000,
        };
        assert_eq!(
            e.to_string(),
            "price impact 2500 bps exceeds the pool limit of 2000 bps"
        );
        assert_eq!(
            EngineError::invalid("x").to_string(),
            "invalid pool parameters: x"
        );
    }
}
