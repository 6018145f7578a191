//! Owner actions and the permissionless protocol-fee collection.

use cosmwasm_std::{Addr, DepsMut, Env, MessageInfo, Order, Response, SubMsg, Uint128};
use hmm::pool::PoolUpdate;

use super::create::{check_sound_at_target, validate_curvature, validate_execution, validate_fees};
use super::swap::{record_prices, record_protocol_fee};
use super::{burn_msg, deferred_tokens, load_pool, transfer_msg};
use crate::curve::check_sound_with;
use crate::error::{ContractError, ContractResult};
use crate::state::{Config, COLLECTING, CONFIG, POOLS, PROTOCOL_FEES};
use hmm_math::MathError;

fn owner_only(config: &Config, info: &MessageInfo) -> ContractResult<()> {
    if info.sender != config.owner {
        return Err(ContractError::Unauthorized("the owner"));
    }
    Ok(())
}

pub fn update_pool(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    pool_id: u64,
    update: PoolUpdate,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    owner_only(&config, &info)?;
    let mut pool = load_pool(deps.storage, pool_id)?;
    if let Some(c) = update.curvature {
        let min_weight = pool
            .classes
            .iter()
            .map(|c| c.weight)
            .min()
            .unwrap_or_default();
        validate_curvature(pool.kind, &c, min_weight)?;
        check_sound_at_target(pool.kind, &c, pool.classes.iter().map(|k| k.weight))?;
        // The current reserves must stay sound under the curvature as it will be stored (its λ and its μ).
        let mut updated = pool.clone();
        updated.curvature = c;
        updated.lambda_now = updated.curvature.lambda;
        check_sound_with(&updated, updated.lambda_now)?;
        pool = updated;
        // Every class's curve changed: the TWAP takes the old prices up to now and the new ones from now on (and
        // a later trade of one class keeps the others' prices recorded here).
        let recompute_all = vec![None; pool.classes.len()];
        record_prices(
            deps.storage,
            &mut pool,
            &recompute_all,
            env.block.time.seconds(),
        )?;
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
        if m.is_zero() || m > cosmwasm_std::Decimal256::one() {
            return Err(ContractError::InvalidParams(
                "max_price_impact must be in (0, 1]".to_string(),
            ));
        }
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
    owner_only(&config, &info)?;
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
) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    owner_only(&config, &info)?;
    if let Some(t) = treasury {
        config.treasury = deps.api.addr_validate(&t)?;
    }
    if let Some(p) = permissionless_pools {
        config.permissionless_pools = p;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute("action", "update_config"))
}

pub fn propose_owner(deps: DepsMut, info: MessageInfo, owner: String) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    owner_only(&config, &info)?;
    config.pending_owner = Some(deps.api.addr_validate(&owner)?);
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "propose_owner")
        .add_attribute("proposed", owner))
}

pub fn accept_owner(deps: DepsMut, info: MessageInfo) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    if config.pending_owner.as_ref() != Some(&info.sender) {
        return Err(ContractError::NoPendingOwner);
    }
    config.owner = info.sender.clone();
    config.pending_owner = None;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "accept_owner")
        .add_attribute("owner", info.sender))
}

/// Pays the treasury its share and burns the burn share (2025 §4.3: a fraction ζ of fees is burned), of `tokens`
/// (empty: every token). Each payment is its own sub-message replying on error: a token that refuses its transfer
/// or burn gets its part back in the ledger ([`restore_protocol_fee`]) and the other tokens are paid.
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
    let mut collecting = vec![];
    for (token, (treasury, burn)) in pending {
        if treasury.is_zero() && burn.is_zero() {
            continue;
        }
        let n = u64::try_from(collecting.len()).map_err(|_| MathError::Overflow("reply id"))?;
        if !treasury.is_zero() {
            let msg = transfer_msg(&token, &config.treasury, treasury)?;
            resp = resp.add_submessage(SubMsg::reply_on_error(msg, 2 * n));
        }
        if !burn.is_zero() {
            resp = resp.add_submessage(SubMsg::reply_on_error(burn_msg(&token, burn)?, 2 * n + 1));
        }
        resp = resp.add_attribute("collected", format!("{token}:{treasury}:{burn}"));
        PROTOCOL_FEES.remove(deps.storage, &token);
        collecting.push((token, treasury, burn));
    }
    if collecting.is_empty() {
        return Err(ContractError::NothingToClaim);
    }
    COLLECTING.save(deps.storage, &collecting)?;
    Ok(resp)
}

/// The reply to a failed payment of [`collect_protocol_fees`]: reply id `2n` is the treasury part of the `n`-th
/// token collected, `2n + 1` its burn part; that part returns to the ledger.
pub fn restore_protocol_fee(deps: DepsMut, id: u64) -> ContractResult<Response> {
    let collecting = COLLECTING.load(deps.storage)?;
    let (token, treasury, burn) = usize::try_from(id / 2)
        .ok()
        .and_then(|n| collecting.get(n))
        .ok_or(ContractError::UnknownReply(id))?;
    let (t, b) = if id.is_multiple_of(2) {
        (*treasury, Uint128::zero())
    } else {
        (Uint128::zero(), *burn)
    };
    record_protocol_fee(deps.storage, token, t, b)?;
    Ok(Response::new()
        .add_attribute("action", "collect_failed")
        .add_attribute("token", token.as_str()))
}
