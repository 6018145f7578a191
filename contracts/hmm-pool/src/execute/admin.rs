//! Owner actions and the permissionless protocol-fee collection.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Order, Response, Uint128};
use hmm::pool::PoolUpdate;

use hmm_pool_engine::curve::check_sound_with;
use hmm_pool_engine::params::{
    check_curvature, validate_execution, validate_fees, validate_max_price_impact,
};
use hmm_pool_engine::prices::record_prices;

use super::{burn_msg, deferred_tokens, load_pool, transfer_msg};
use crate::error::{ContractError, ContractResult};
use crate::state::{CONFIG, POOLS, PROTOCOL_FEES};
use crate::twap;

fn owner_only(deps: &DepsMut, info: &MessageInfo) -> ContractResult<()> {
    Ok(cw_ownable::assert_owner(deps.storage, &info.sender)?)
}

pub fn update_pool(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    pool_id: u64,
    update: PoolUpdate,
) -> ContractResult<Response> {
    owner_only(&deps, &info)?;
    let mut pool = load_pool(deps.storage, pool_id)?;
    if let Some(c) = update.curvature {
        check_curvature(pool.kind, &c, &pool.classes)?;
        // The current reserves must stay sound under the curvature as it will be stored (its λ and its μ).
        let mut updated = pool.clone();
        updated.curvature = c;
        updated.lambda_now = updated.curvature.lambda;
        check_sound_with(&updated, updated.lambda_now)?;
        pool = updated;
        // Every class's curve changed: the TWAP takes the old prices up to now and the new ones from now on (and
        // a later trade of one class keeps the others' prices recorded here).
        let recompute_all = vec![None; pool.classes.len()];
        let due = record_prices(&mut pool, &recompute_all, env.block.time.seconds())?;
        twap::observe(deps.storage, &pool, due)?;
    }
    if let Some(f) = update.fees {
        validate_fees(&f)?;
        pool.fees = f;
    }
    if let Some(e) = update.execution {
        validate_execution(pool.kind, &e)?;
        pool.execution = e;
    }
    if let Some(s) = update.sla {
        pool.sla = s;
    }
    if let Some(m) = update.max_price_impact {
        validate_max_price_impact(m)?;
        pool.max_price_impact = m;
    }
    POOLS.save(deps.storage, pool_id, &pool)?;
    Ok(Response::new()
        .add_attribute("action", "update_pool")
        .add_attribute("pool_id", pool_id.to_string()))
}

pub fn set_paused(
    deps: DepsMut,
    info: MessageInfo,
    pool_id: Option<u64>,
    paused: bool,
) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    owner_only(&deps, &info)?;
    match pool_id {
        Some(id) => {
            let mut pool = load_pool(deps.storage, id)?;
            pool.paused = paused;
            POOLS.save(deps.storage, id, &pool)?;
        }
        None => {
            config.paused = paused;
            CONFIG.save(deps.storage, &config)?;
        }
    }
    Ok(Response::new()
        .add_attribute("action", "set_paused")
        .add_attribute("paused", paused.to_string()))
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    treasury: Option<String>,
    permissionless_pools: Option<bool>,
    router: Option<String>,
) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    owner_only(&deps, &info)?;
    match router.as_deref() {
        Some("") => crate::state::ROUTER.remove(deps.storage),
        Some(r) => crate::state::ROUTER.save(deps.storage, &deps.api.addr_validate(r)?)?,
        None => {}
    }
    if let Some(t) = treasury {
        config.treasury = deps.api.addr_validate(&t)?;
    }
    if let Some(p) = permissionless_pools {
        config.permissionless_pools = p;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute("action", "update_config"))
}

/// Pays the treasury its share and burns the burn share (2025 §4.3: a fraction ζ of fees is burned), of `tokens`
/// (empty: every token). Collection is per token: a token that refuses its transfer or burn fails only a
/// collection that names it (or names none), and anyone can collect the others by naming them. (A sub-message
/// per token with a reply restoring the failed token's ledger would do it in one call, but the reply entry point
/// and its JSON cost wasm that this contract does not have under the 600 KiB limit: docs/wasm-size.md.)
pub fn collect_protocol_fees(deps: DepsMut, tokens: Vec<String>) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let only = deferred_tokens(deps.api, &tokens)?;
    let pending: Vec<(Addr, (Uint128, Uint128))> = PROTOCOL_FEES
        .range(deps.storage, None, None, Order::Ascending)
        .filter(|item| {
            item.as_ref()
                .map_or(true, |(token, _)| only.is_empty() || only.contains(token))
        })
        .collect::<Result<_, _>>()?;
    let mut resp = Response::new().add_attribute("action", "collect_protocol_fees");
    let mut any = false;
    for (token, (treasury, burn)) in pending {
        if !treasury.is_zero() {
            resp = resp.add_message(transfer_msg(&token, &config.treasury, treasury)?);
        }
        if !burn.is_zero() {
            resp = resp.add_message(burn_msg(&token, burn)?);
        }
        any |= !treasury.is_zero() || !burn.is_zero();
        resp = resp.add_attribute("collected", format!("{token}:{treasury}:{burn}"));
        PROTOCOL_FEES.remove(deps.storage, &token);
    }
    if !any {
        return Err(ContractError::NothingToClaim);
    }
    Ok(resp)
}
