//! Epochs: closing (sampling seed, emissions minted and split, 2025 §4.2) and reward claims.

use cosmwasm_std::{
    Addr, CosmosMsg, DepsMut, Env, MessageInfo, Order, Response, StdResult, Storage, Uint128,
};
use hmm::poai::{Params, RewardPool};
use hmm_math::economics::{split_emissions, EmissionParams};
use hmm_math::fees::mul_div_amount;
use hmm_math::{Rounding, Udec};

use crate::error::{ContractError, ContractResult};
use crate::execute::update_totals;
use crate::helpers::{burn_msg, current_epoch, epoch_seed, push_mint, to_hex, transfer_msg};
use crate::state::{
    Config, EpochState, Points, CONFIG, EPOCHS, NEXT_EPOCH_TO_CLOSE, PARAMS, POINTS,
};

/// Most epochs closed by one call.
pub const MAX_CLOSE_PER_CALL: u64 = 20;
/// Most (epoch, address) point entries paid by one `ClaimRewards`.
pub const MAX_CLAIM_ENTRIES: usize = 50;

pub fn emission_params(params: &Params) -> EmissionParams {
    EmissionParams {
        validators: Udec::from(params.emission_validators),
        workers: Udec::from(params.emission_workers),
        curators: Udec::from(params.emission_curators),
    }
}

/// Closes ended epochs below `upto` (at most [`MAX_CLOSE_PER_CALL`]): fixes each one's seed and mints its
/// emission. Returns the mint messages and how many epochs were closed.
pub fn close_epochs(
    storage: &mut dyn Storage,
    env: &Env,
    config: &Config,
    params: &Params,
    upto: u64,
) -> ContractResult<(Vec<CosmosMsg>, u64)> {
    let target = upto.min(current_epoch(config, params, env));
    let mut next = NEXT_EPOCH_TO_CLOSE.may_load(storage)?.unwrap_or_default();
    let mut prev_seed = match next.checked_sub(1) {
        Some(p) => EPOCHS
            .may_load(storage, p)?
            .and_then(|e| e.seed)
            .unwrap_or_default(),
        None => String::new(),
    };
    let shares = emission_params(params);
    let mut to_treasury = Uint128::zero();
    let mut to_reserve = Uint128::zero();
    let mut closed = 0u64;
    while next < target && closed < MAX_CLOSE_PER_CALL {
        let mut e = EPOCHS.may_load(storage, next)?.unwrap_or_default();
        let seed = to_hex(&epoch_seed(env, next, &e.accumulator, &prev_seed));
        let split = split_emissions(params.emission_per_epoch, &shares)?;
        let mut treasury = split.treasury;
        let mut pool = |part: Uint128, weight: Uint128| -> ContractResult<RewardPool> {
            if weight.is_zero() {
                // Nobody earned this share: it goes to the treasury.
                treasury = treasury.checked_add(part)?;
                Ok(RewardPool::default())
            } else {
                Ok(RewardPool {
                    remaining: part,
                    remaining_weight: weight,
                })
            }
        };
        e.workers = pool(split.workers, e.work)?;
        e.verifiers = pool(split.validators, e.verifier_points)?;
        e.curators = pool(split.curators, e.curator_points)?;
        let reserve = e
            .workers
            .remaining
            .checked_add(e.verifiers.remaining)?
            .checked_add(e.curators.remaining)?;
        e.treasury = treasury;
        e.seed = Some(seed.clone());
        e.sample_rate = Some(params.sample_rate);
        EPOCHS.save(storage, next, &e)?;
        to_treasury = to_treasury.checked_add(treasury)?;
        to_reserve = to_reserve.checked_add(reserve)?;
        prev_seed = seed;
        next += 1;
        closed += 1;
    }
    if closed == 0 {
        return Ok((vec![], 0));
    }
    NEXT_EPOCH_TO_CLOSE.save(storage, &next)?;
    update_totals(storage, &|t| {
        t.minted = t.minted.checked_add(to_treasury)?.checked_add(to_reserve)?;
        t.reward_reserve = t.reward_reserve.checked_add(to_reserve)?;
        Ok(())
    })?;
    let mut msgs = vec![];
    push_mint(&mut msgs, &config.ai_token, &config.treasury, to_treasury)?;
    push_mint(
        &mut msgs,
        &config.ai_token,
        &env.contract.address,
        to_reserve,
    )?;
    Ok((msgs, closed))
}

/// Closes epochs up to and including `epoch` (which must have ended), or fails if more than
/// [`MAX_CLOSE_PER_CALL`] are pending.
pub fn ensure_closed(
    storage: &mut dyn Storage,
    env: &Env,
    config: &Config,
    params: &Params,
    epoch: u64,
) -> ContractResult<Vec<CosmosMsg>> {
    let (msgs, _) = close_epochs(storage, env, config, params, epoch.saturating_add(1))?;
    let next = NEXT_EPOCH_TO_CLOSE.may_load(storage)?.unwrap_or_default();
    if next <= epoch {
        return Err(ContractError::EpochNotClosed(epoch));
    }
    Ok(msgs)
}

pub fn distribute_emissions(deps: DepsMut, env: Env) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let (msgs, closed) = close_epochs(deps.storage, &env, &config, &params, u64::MAX)?;
    if closed == 0 {
        return Err(ContractError::NoEpochToClose);
    }
    let next = NEXT_EPOCH_TO_CLOSE
        .may_load(deps.storage)?
        .unwrap_or_default();
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "distribute_emissions")
        .add_attribute("closed", closed.to_string())
        .add_attribute("next_epoch_to_close", next.to_string()))
}

/// `pool.remaining · weight / pool.remaining_weight`, rounded down, taken out of the pool: the last claimant of a
/// pool receives exactly what is left, so nothing is stranded.
fn take_share(pool: &mut RewardPool, weight: Uint128) -> ContractResult<Uint128> {
    if weight.is_zero() || pool.remaining_weight.is_zero() {
        return Ok(Uint128::zero());
    }
    let w = weight.min(pool.remaining_weight);
    let share = mul_div_amount(pool.remaining, w, pool.remaining_weight, Rounding::Down)?;
    pool.remaining = pool.remaining.checked_sub(share)?;
    pool.remaining_weight = pool.remaining_weight.checked_sub(w)?;
    Ok(share)
}

/// One (epoch, address) entry's claim: `(paid, burned)`. The work and verifier shares are capped by the entry's
/// credit (what the jobs that earned the points burned, ×9/10, less their bonuses): the rest of those shares is
/// burned, so emissions never pay a party more than its jobs burned. Curator shares are paid whole.
fn claim_entry(e: &mut EpochState, p: &Points) -> ContractResult<(Uint128, Uint128)> {
    let earned = take_share(&mut e.workers, p.work)?
        .checked_add(take_share(&mut e.verifiers, p.verifier)?)?;
    let capped = earned.min(p.credit);
    let paid = capped.checked_add(take_share(&mut e.curators, p.curator)?)?;
    Ok((paid, earned.checked_sub(capped)?))
}

/// What `addr` can claim now, and the point entries it would consume (epoch, share).
pub fn claimable(
    storage: &dyn Storage,
    addr: &Addr,
) -> ContractResult<(Uint128, Vec<u64>, Vec<u64>)> {
    let next = NEXT_EPOCH_TO_CLOSE.may_load(storage)?.unwrap_or_default();
    let entries = POINTS
        .prefix_range(storage, addr, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let mut total = Uint128::zero();
    let mut ready = vec![];
    let mut pending = vec![];
    for (epoch, p) in entries {
        if epoch >= next {
            pending.push(epoch);
            continue;
        }
        if ready.len() >= MAX_CLAIM_ENTRIES {
            continue;
        }
        let mut e = EPOCHS.may_load(storage, epoch)?.unwrap_or_default();
        total = total.checked_add(claim_entry(&mut e, &p)?.0)?;
        ready.push(epoch);
    }
    Ok((total, ready, pending))
}

pub fn claim_rewards(deps: DepsMut, info: MessageInfo) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let next = NEXT_EPOCH_TO_CLOSE
        .may_load(deps.storage)?
        .unwrap_or_default();
    let entries = POINTS
        .prefix_range(deps.storage, &info.sender, Order::Ascending)
        .filter(|r| r.as_ref().map(|(e, _)| *e < next).unwrap_or(true))
        .take(MAX_CLAIM_ENTRIES)
        .collect::<StdResult<Vec<_>>>()?;
    if entries.is_empty() {
        return Err(ContractError::NothingToClaim);
    }
    let mut total = Uint128::zero();
    let mut burned = Uint128::zero();
    for (epoch, p) in &entries {
        let mut e = EPOCHS.may_load(deps.storage, *epoch)?.unwrap_or_default();
        let (paid, burn) = claim_entry(&mut e, p)?;
        total = total.checked_add(paid)?;
        burned = burned.checked_add(burn)?;
        EPOCHS.save(deps.storage, *epoch, &e)?;
        POINTS.remove(deps.storage, (&info.sender, *epoch));
    }
    update_totals(deps.storage, &|t| {
        t.reward_reserve = t.reward_reserve.checked_sub(total)?.checked_sub(burned)?;
        t.burned = t.burned.checked_add(burned)?;
        Ok(())
    })?;
    let mut resp = Response::new()
        .add_attribute("action", "claim_rewards")
        .add_attribute("address", info.sender.as_str())
        .add_attribute("epochs", entries.len().to_string())
        .add_attribute("amount", total)
        .add_attribute("burned", burned);
    if !total.is_zero() {
        resp = resp.add_message(transfer_msg(&config.ai_token, &info.sender, total)?);
    }
    if !burned.is_zero() {
        resp = resp.add_message(burn_msg(&config.ai_token, burned)?);
    }
    Ok(resp)
}
