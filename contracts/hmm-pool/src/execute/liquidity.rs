//! `AddLiquidity`, `RemoveLiquidity`, `ClaimFees`: LP shares as an internal ledger.
//!
//! What a deposit mints and a withdrawal pays is the engine's (`hmm_pool_engine::liquidity`: the first deposit's
//! √(Σ Δq·Δp) and targets, later deposits' min-ratio rule). Positions live here: fees accrue per share (2026 eq.32)
//! in the token they were paid in.

use cosmwasm_std::{Addr, Decimal256, DepsMut, Env, MessageInfo, Response, Storage, Uint128};
use hmm::pool::ClassDeposit;
use hmm_math::{MathError, Rounding, Udec};
use hmm_pool_engine::liquidity::{deposit, scale, withdraw, Deposit};
use hmm_pool_engine::prices::Moved;

use super::{check_deadline, deferred_tokens, load_pool, pay, transfer_from_msg, transfer_msg};
use crate::error::{ContractError, ContractResult};
use crate::state::{Pool, Position, CONFIG, OWED, POOLS, POSITIONS};
use crate::twap::update_prices;

/// shares × Δgrowth, rounded down: LPs are never paid more than was collected. Fails closed: an accumulator
/// below the checkpoint or a product past `Uint128` is an error, never a guessed amount.
fn growth_owed(
    shares: Uint128,
    now: Decimal256,
    checkpoint: Decimal256,
) -> ContractResult<Uint128> {
    let delta = now
        .checked_sub(checkpoint)
        .map_err(|_| MathError::Overflow("fee growth below the position's checkpoint"))?;
    Ok(Udec::from(delta)
        .mul(Udec::from_amount(shares), Rounding::Down)?
        .to_amount(Rounding::Down)?)
}

/// Load a position (or an empty one) with its fees settled up to the pool's accumulators.
pub fn settled_position(
    storage: &dyn Storage,
    pool: &Pool,
    owner: &Addr,
) -> ContractResult<Position> {
    let n = pool.classes.len();
    let mut pos = POSITIONS
        .may_load(storage, (pool.id, owner))?
        .unwrap_or_else(|| Position {
            shares: Uint128::zero(),
            fee_checkpoint_credits: pool.fee_growth_credits,
            fee_checkpoint_resources: pool.classes.iter().map(|c| c.fee_growth_resource).collect(),
            owed_credits: Uint128::zero(),
            owed_resources: vec![Uint128::zero(); n],
            deposited_credits: Uint128::zero(),
            deposited_resources: vec![Uint128::zero(); n],
        });
    pos.owed_credits = pos.owed_credits.checked_add(growth_owed(
        pos.shares,
        pool.fee_growth_credits,
        pos.fee_checkpoint_credits,
    )?)?;
    pos.fee_checkpoint_credits = pool.fee_growth_credits;
    for (i, class) in pool.classes.iter().enumerate() {
        let checkpoint = pos
            .fee_checkpoint_resources
            .get(i)
            .copied()
            .unwrap_or_default();
        let owed = growth_owed(pos.shares, class.fee_growth_resource, checkpoint)?;
        if let (Some(o), Some(c)) = (
            pos.owed_resources.get_mut(i),
            pos.fee_checkpoint_resources.get_mut(i),
        ) {
            *o = o.checked_add(owed)?;
            *c = class.fee_growth_resource;
        }
    }
    Ok(pos)
}

pub fn add_liquidity(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    pool_id: u64,
    deposits: Vec<ClassDeposit>,
    min_shares: Uint128,
    deadline: Option<u64>,
) -> ContractResult<Response> {
    check_deadline(&env, deadline)?;
    let config = CONFIG.load(deps.storage)?;
    let mut pool = load_pool(deps.storage, pool_id)?;
    if config.paused || pool.paused {
        return Err(ContractError::Paused);
    }
    let Deposit { minted, pulled, .. } = deposit(&mut pool, deposits)?;
    // The position's fees are settled against the pool's fee accumulators, which a deposit does not move.
    let mut pos = settled_position(deps.storage, &pool, &info.sender)?;
    if minted < min_shares {
        return Err(ContractError::MinSharesNotMet {
            got: minted,
            min: min_shares,
        });
    }
    pos.shares = pos.shares.checked_add(minted)?;
    let mut credits_total = Uint128::zero();
    let mut msgs = Vec::with_capacity(pulled.len() + 1);
    for ((class, p), deposited) in pool
        .classes
        .iter()
        .zip(&pulled)
        .zip(pos.deposited_resources.iter_mut())
    {
        msgs.push(transfer_from_msg(
            &class.cu_token,
            &info.sender,
            &env,
            p.resource,
        )?);
        credits_total = credits_total.checked_add(p.credits)?;
        *deposited = deposited.checked_add(p.resource)?;
    }
    pos.deposited_credits = pos.deposited_credits.checked_add(credits_total)?;
    msgs.push(transfer_from_msg(
        &config.ai_token,
        &info.sender,
        &env,
        credits_total,
    )?);
    update_prices(
        deps.storage,
        &mut pool,
        Moved::All,
        env.block.time.seconds(),
    )?;
    POSITIONS.save(deps.storage, (pool_id, &info.sender), &pos)?;
    POOLS.save(deps.storage, pool_id, &pool)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "add_liquidity")
        .add_attribute("pool_id", pool_id.to_string())
        .add_attribute("shares", minted)
        .add_attribute("credits", credits_total))
}

/// The fields of `RemoveLiquidity`.
pub struct Withdrawal {
    pub pool_id: u64,
    pub shares: Uint128,
    pub min_credits: Uint128,
    pub min_resources: Vec<Uint128>,
    pub deadline: Option<u64>,
    pub defer: Vec<String>,
}

pub fn remove_liquidity(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    w: Withdrawal,
) -> ContractResult<Response> {
    let Withdrawal {
        pool_id,
        shares,
        min_credits,
        min_resources,
        deadline,
        defer,
    } = w;
    check_deadline(&env, deadline)?;
    let defer = deferred_tokens(deps.api, &defer)?;
    if shares.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let config = CONFIG.load(deps.storage)?;
    let mut pool = load_pool(deps.storage, pool_id)?;
    let mut pos = settled_position(deps.storage, &pool, &info.sender)?;
    if shares > pos.shares {
        return Err(ContractError::InsufficientShares {
            has: pos.shares,
            asked: shares,
        });
    }
    if !min_resources.is_empty() && min_resources.len() != pool.classes.len() {
        return Err(ContractError::InvalidParams(
            "min_resources: one entry per class or none".to_string(),
        ));
    }
    let paid = withdraw(&mut pool, shares)?;
    let mut msgs = Vec::with_capacity(pool.classes.len() + 1);
    let mut credits = Uint128::zero();
    for (i, (class, &(dq, dp))) in pool.classes.iter().zip(&paid).enumerate() {
        if let Some(min) = min_resources.get(i) {
            if dq < *min {
                return Err(ContractError::MinOutNotMet { got: dq, min: *min });
            }
        }
        credits = credits.checked_add(dp)?;
        let fee = pos
            .owed_resources
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default();
        let amount = dq.checked_add(fee)?;
        msgs.extend(pay(
            deps.storage,
            &defer,
            &class.cu_token,
            &info.sender,
            amount,
        )?);
        if let Some(d) = pos.deposited_resources.get_mut(i) {
            *d = d.checked_sub(scale(*d, shares, pos.shares, Rounding::Up)?.min(*d))?;
        }
    }
    if credits < min_credits {
        return Err(ContractError::MinOutNotMet {
            got: credits,
            min: min_credits,
        });
    }
    pos.deposited_credits = pos.deposited_credits.checked_sub(
        scale(pos.deposited_credits, shares, pos.shares, Rounding::Up)?.min(pos.deposited_credits),
    )?;
    let pay_credits = credits.checked_add(std::mem::take(&mut pos.owed_credits))?;
    msgs.extend(pay(
        deps.storage,
        &defer,
        &config.ai_token,
        &info.sender,
        pay_credits,
    )?);
    pos.shares = pos.shares.checked_sub(shares)?;
    update_prices(
        deps.storage,
        &mut pool,
        Moved::All,
        env.block.time.seconds(),
    )?;
    POSITIONS.save(deps.storage, (pool_id, &info.sender), &pos)?;
    POOLS.save(deps.storage, pool_id, &pool)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "remove_liquidity")
        .add_attribute("pool_id", pool_id.to_string())
        .add_attribute("shares", shares)
        .add_attribute("credits", credits))
}

pub fn claim_fees(
    deps: DepsMut,
    info: MessageInfo,
    pool_id: u64,
    defer: Vec<String>,
) -> ContractResult<Response> {
    let defer = deferred_tokens(deps.api, &defer)?;
    let config = CONFIG.load(deps.storage)?;
    let pool = load_pool(deps.storage, pool_id)?;
    let mut pos = settled_position(deps.storage, &pool, &info.sender)?;
    let mut msgs = Vec::new();
    let credits = std::mem::take(&mut pos.owed_credits);
    let mut any = !credits.is_zero();
    msgs.extend(pay(
        deps.storage,
        &defer,
        &config.ai_token,
        &info.sender,
        credits,
    )?);
    for (class, owed) in pool.classes.iter().zip(pos.owed_resources.iter_mut()) {
        let amount = std::mem::take(owed);
        any |= !amount.is_zero();
        msgs.extend(pay(
            deps.storage,
            &defer,
            &class.cu_token,
            &info.sender,
            amount,
        )?);
    }
    if !any {
        return Err(ContractError::NothingToClaim);
    }
    POSITIONS.save(deps.storage, (pool_id, &info.sender), &pos)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "claim_fees")
        .add_attribute("pool_id", pool_id.to_string())
        .add_attribute("credits", credits))
}

/// Pays the sender what the owed ledger holds for it in `token`.
pub fn claim_owed(deps: DepsMut, info: MessageInfo, token: String) -> ContractResult<Response> {
    let token = deps.api.addr_validate(&token)?;
    let amount = OWED
        .may_load(deps.storage, (&info.sender, &token))?
        .unwrap_or_default();
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim);
    }
    OWED.remove(deps.storage, (&info.sender, &token));
    Ok(Response::new()
        .add_message(transfer_msg(&token, &info.sender, amount)?)
        .add_attribute("action", "claim_owed")
        .add_attribute("token", token)
        .add_attribute("amount", amount))
}
