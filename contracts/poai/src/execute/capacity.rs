//! Capacity: minting CU for offered capacity (quality-weighted, bond-capped) and burning returned CU.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use hmm_math::quality::effective_reserve;
use hmm_math::Udec;

use crate::error::{ContractError, ContractResult};
use crate::execute::{class_market, class_pool, ensure_covered, load_worker, requirement};
use crate::helpers::current_epoch;
use crate::helpers::{burn_msg, mint_msg};
use crate::state::{CONFIG, MINTED_IN_EPOCH, MINT_LIMIT_PPM, OBLIGATIONS, PARAMS, WORKERS};

pub fn offer_capacity(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    cu_token: String,
    raw_amount: Uint128,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let token = deps.api.addr_validate(&cu_token)?;
    class_pool(deps.storage, &token)?;
    let mut w = load_worker(deps.storage, &info.sender)?;
    let now = env.block.time.seconds();
    if now < w.denied_until {
        return Err(ContractError::Denied {
            until: w.denied_until,
        });
    }
    if raw_amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    // 2025 eq.10 / 2026 eq.23: the worker's term q_j · raw_j of the effective reserve.
    let minted = effective_reserve(&[(Udec::from(w.quality), raw_amount)])?;
    if minted.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let (price, depth) = class_market(deps.as_ref(), &config, &params, &token)?;
    // 2026 eq.36 with the new CU included, at the collateral price.
    let (_, required) = requirement(
        deps.as_ref(),
        &config,
        &params,
        &info.sender,
        Some((&token, minted, price)),
    )?;
    ensure_covered(w.bond, required)?;
    // At most MINT_LIMIT_PPM of the pool's CU reserve per epoch: minted CU can only be sold into that depth, so a
    // worker that mints and dumps moves the price (and, after an epoch, the collateral price) a bounded step at a
    // time, in the open.
    let epoch = current_epoch(&config, &params, &env);
    let minted_before = match MINTED_IN_EPOCH.may_load(deps.storage, (&info.sender, &token))? {
        Some((e, amount)) if e == epoch => amount,
        _ => Uint128::zero(),
    };
    let minted_in_epoch = minted_before.checked_add(minted)?;
    let limit = depth
        .checked_multiply_ratio(MINT_LIMIT_PPM, 1_000_000u128)
        .map_err(|_| ContractError::ZeroAmount)?;
    if minted_in_epoch > limit {
        return Err(ContractError::MintLimit {
            token: token.to_string(),
            limit,
            minted: minted_before,
        });
    }
    MINTED_IN_EPOCH.save(
        deps.storage,
        (&info.sender, &token),
        &(epoch, minted_in_epoch),
    )?;
    let mut ob = OBLIGATIONS
        .may_load(deps.storage, (&info.sender, &token))?
        .unwrap_or_default();
    ob.minted = ob.minted.checked_add(minted)?;
    OBLIGATIONS.save(deps.storage, (&info.sender, &token), &ob)?;
    w.last_heartbeat = now;
    WORKERS.save(deps.storage, &info.sender, &w)?;
    Ok(Response::new()
        .add_message(mint_msg(&token, &info.sender, minted)?)
        .add_attribute("action", "offer_capacity")
        .add_attribute("worker", info.sender)
        .add_attribute("cu_token", token)
        .add_attribute("raw_amount", raw_amount)
        .add_attribute("minted", minted)
        .add_attribute("required_bond", required))
}

/// The worker sent back `amount` CU of `token` (already in poai's balance): burn them against its free obligation.
pub fn withdraw_capacity(
    deps: DepsMut,
    worker: Addr,
    token: Addr,
    amount: Uint128,
) -> ContractResult<Response> {
    load_worker(deps.storage, &worker)?;
    let mut ob = OBLIGATIONS
        .may_load(deps.storage, (&worker, &token))?
        .unwrap_or_default();
    if ob.free() < amount {
        return Err(ContractError::InsufficientObligation {
            token: token.to_string(),
            free: ob.free(),
            needed: amount,
        });
    }
    ob.withdrawn = ob.withdrawn.checked_add(amount)?;
    OBLIGATIONS.save(deps.storage, (&worker, &token), &ob)?;
    Ok(Response::new()
        .add_message(burn_msg(&token, amount)?)
        .add_attribute("action", "withdraw_capacity")
        .add_attribute("worker", worker)
        .add_attribute("cu_token", token)
        .add_attribute("amount", amount))
}
