//! The pool record: what a pool is, as the contract stores it (in its binary form, `hmm-pool`'s `record.rs`) and as
//! the simulator holds it in memory.

use cosmwasm_std::{Addr, Decimal256, Uint128};
use hmm::pool::{CurvatureConfig, CurveKind, ExecutionMode, FeeConfig, SlaTags};

/// One resource class of a pool.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolClass {
    pub cu_token: Addr,
    pub weight: Decimal256,
    /// q̄: CU atoms; 0 until the first deposit.
    pub target_reserve: Uint128,
    /// p̄: $AI atoms; 0 until the first deposit.
    pub reference_credit: Uint128,
    /// q.
    pub resource_reserve: Uint128,
    /// p.
    pub credit_reserve: Uint128,
    /// LP fees in this CU token per share (eq.32 accumulator).
    pub fee_growth_resource: Decimal256,
    /// Σ price·dt since creation, $AI atoms per CU atom × seconds (Uniswap-v2 style TWAP accumulator).
    pub price_cumulative: Decimal256,
    /// Spot price at the last update (for the cumulative and the volatility estimate).
    pub last_price: Decimal256,
}

impl PoolClass {
    /// An empty class of `cu_token` with `weight` (reserves and targets are set by the first deposit).
    pub fn empty(cu_token: Addr, weight: Decimal256) -> Self {
        PoolClass {
            cu_token,
            weight,
            target_reserve: Uint128::zero(),
            reference_credit: Uint128::zero(),
            resource_reserve: Uint128::zero(),
            credit_reserve: Uint128::zero(),
            fee_growth_resource: Decimal256::zero(),
            price_cumulative: Decimal256::zero(),
            last_price: Decimal256::zero(),
        }
    }
}

/// A pool.
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    pub id: u64,
    pub kind: CurveKind,
    pub classes: Vec<PoolClass>,
    pub curvature: CurvatureConfig,
    /// λ(t) in force (2026 eq.30).
    pub lambda_now: Decimal256,
    /// EWMA of relative price moves per trade (the Vol of eq.12/28/30).
    pub volatility: Decimal256,
    pub fees: FeeConfig,
    pub execution: ExecutionMode,
    pub sla: SlaTags,
    pub max_price_impact: Decimal256,
    pub total_shares: Uint128,
    /// LP fees in $AI per share (eq.32 accumulator).
    pub fee_growth_credits: Decimal256,
    pub paused: bool,
    /// Block time (seconds) of the last price update.
    pub last_update: u64,
    /// Block time of the last TWAP observation written (0: none yet).
    pub last_observation: u64,
    /// Batch-auction window (seconds); `None`: continuous trading.
    pub batch_window: Option<u64>,
}
