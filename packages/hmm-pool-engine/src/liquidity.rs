//! LP shares of a pool: what a deposit mints and pulls, what a withdrawal pays out.
//!
//! First deposit: shares = √(Σᵢ Δqᵢ·Δpᵢ) (2025 eq.13 for one class), of which `MINIMUM_LIQUIDITY` are locked
//! forever; it also sets the targets q̄ = Δq, p̄ = Δp (the pool starts at its target). Later deposits: the
//! min-ratio rule of HIP-8 — the exact proportional amounts are pulled (rounded up) and shares minted rounded down,
//! so prices do not move and no rounding favours the depositor. Targets scale with liquidity. The positions that
//! hold the shares, and the fees they earn per share (2026 eq.32), are the caller's.

use cosmwasm_std::Uint128;
use hmm::pool::{ClassDeposit, MINIMUM_LIQUIDITY};
use hmm_math::{MathError, Rounding, Udec};

use crate::curve::check_sound_with;
use crate::error::{EngineError, EngineResult};
use crate::pool::Pool;

/// `amount × num / den` with the given rounding.
pub fn scale(
    amount: Uint128,
    num: Uint128,
    den: Uint128,
    rounding: Rounding,
) -> EngineResult<Uint128> {
    Ok(Udec::from_amount(amount)
        .mul_div(Udec::from_amount(num), Udec::from_amount(den), rounding)?
        .to_amount(rounding)?)
}

/// What a deposit did to the pool.
#[derive(Clone, Debug, PartialEq)]
pub struct Deposit {
    /// Shares minted to the depositor (on the first deposit, without the locked `MINIMUM_LIQUIDITY`).
    pub minted: Uint128,
    /// What the pool takes of each class's deposit (all of it on the first deposit).
    pub pulled: Vec<ClassDeposit>,
    /// The pool's first deposit: it sets the targets and makes the pool tradable.
    pub first: bool,
}

/// Add `deposits` (one per class) to `pool`: reserves, targets and total shares move. The prices are the caller's
/// to record afterwards (`update_prices` with `Moved::All`).
pub fn deposit(pool: &mut Pool, deposits: Vec<ClassDeposit>) -> EngineResult<Deposit> {
    if deposits.len() != pool.classes.len() {
        return Err(EngineError::InvalidParams(format!(
            "expected {} deposits, one per class",
            pool.classes.len()
        )));
    }
    if deposits
        .iter()
        .any(|d| d.resource.is_zero() || d.credits.is_zero())
    {
        return Err(EngineError::ZeroAmount);
    }
    if pool.total_shares.is_zero() {
        // √(Σ Δq·Δp), rounded down.
        let mut sum = Udec::ZERO;
        for d in &deposits {
            sum = sum.checked_add(
                Udec::from_amount(d.resource).mul(Udec::from_amount(d.credits), Rounding::Down)?,
            )?;
        }
        let shares = sum.sqrt(Rounding::Down)?.to_amount(Rounding::Down)?;
        if shares <= Uint128::new(MINIMUM_LIQUIDITY) {
            return Err(EngineError::FirstDepositTooSmall(MINIMUM_LIQUIDITY));
        }
        for (class, d) in pool.classes.iter_mut().zip(&deposits) {
            class.target_reserve = d.resource;
            class.reference_credit = d.credits;
            class.resource_reserve = d.resource;
            class.credit_reserve = d.credits;
        }
        check_sound_with(pool, pool.lambda_now)?;
        pool.total_shares = shares;
        return Ok(Deposit {
            minted: shares.checked_sub(Uint128::new(MINIMUM_LIQUIDITY))?,
            pulled: deposits,
            first: true,
        });
    }
    // Share of the pool the deposit buys: the smallest ratio over all reserves (rounded down).
    let mut ratio = Udec::MAX;
    for (class, d) in pool.classes.iter().zip(&deposits) {
        let rq = Udec::from_amount(d.resource)
            .div(Udec::from_amount(class.resource_reserve), Rounding::Down)?;
        let rp = Udec::from_amount(d.credits)
            .div(Udec::from_amount(class.credit_reserve), Rounding::Down)?;
        ratio = ratio.min(rq).min(rp);
    }
    let shares = Udec::from_amount(pool.total_shares)
        .mul(ratio, Rounding::Down)?
        .to_amount(Rounding::Down)?;
    if shares.is_zero() {
        return Err(EngineError::ZeroAmount);
    }
    let old_total = pool.total_shares;
    let new_total = old_total.checked_add(shares)?;
    let mut pulled = Vec::with_capacity(deposits.len());
    for class in pool.classes.iter_mut() {
        // Pull the proportional amounts, rounded up; targets scale the same way.
        let dq = scale(class.resource_reserve, shares, old_total, Rounding::Up)?;
        let dp = scale(class.credit_reserve, shares, old_total, Rounding::Up)?;
        class.resource_reserve = class.resource_reserve.checked_add(dq)?;
        class.credit_reserve = class.credit_reserve.checked_add(dp)?;
        class.target_reserve = scale(class.target_reserve, new_total, old_total, Rounding::Down)?;
        class.reference_credit =
            scale(class.reference_credit, new_total, old_total, Rounding::Down)?;
        pulled.push(ClassDeposit {
            resource: dq,
            credits: dp,
        });
    }
    if pulled
        .iter()
        .zip(&deposits)
        .any(|(p, d)| p.resource > d.resource || p.credits > d.credits)
    {
        return Err(MathError::InvariantDecreased.into());
    }
    pool.total_shares = new_total;
    Ok(Deposit {
        minted: shares,
        pulled,
        first: false,
    })
}

/// Take `shares` (at most the pool's total) out of `pool`: each class's (resource, credits) part of the reserves,
/// rounded down; targets scale down, rounded up. The prices are the caller's to record afterwards.
pub fn withdraw(pool: &mut Pool, shares: Uint128) -> EngineResult<Vec<(Uint128, Uint128)>> {
    let total = pool.total_shares;
    let remaining = total.checked_sub(shares)?;
    let mut paid = Vec::with_capacity(pool.classes.len());
    for class in pool.classes.iter_mut() {
        let dq = scale(class.resource_reserve, shares, total, Rounding::Down)?;
        let dp = scale(class.credit_reserve, shares, total, Rounding::Down)?;
        class.resource_reserve = class.resource_reserve.checked_sub(dq)?;
        class.credit_reserve = class.credit_reserve.checked_sub(dp)?;
        class.target_reserve = scale(class.target_reserve, remaining, total, Rounding::Up)?;
        class.reference_credit = scale(class.reference_credit, remaining, total, Rounding::Up)?;
        paid.push((dq, dp));
    }
    pool.total_shares = remaining;
    Ok(paid)
}
