//! `Swap`: one pool, one or two legs, planned and applied by the engine (`hmm_pool_engine::trade`); the fees'
//! protocol parts and the TWAP observations are stored here.

use cosmwasm_std::{Addr, DepsMut, Env, Response, Storage, Uint128};
use hmm::pool::Ask;
use hmm_math::Direction;
use hmm_pool_engine::curve::class_of;
use hmm_pool_engine::prices;
use hmm_pool_engine::trade::{plan_swap, Leg, Side};

use super::{load_pool, transfer_msg};
use crate::error::{ContractError, ContractResult};
use crate::state::{Config, Pool, CONFIG, POOLS, PROTOCOL_FEES};
use crate::twap;

/// Add a fee's treasury and burn parts, in `token`, to the ledger `CollectProtocolFees` pays out.
pub fn record_protocol_fee(
    storage: &mut dyn Storage,
    token: &Addr,
    treasury: Uint128,
    burn: Uint128,
) -> ContractResult<()> {
    if !treasury.is_zero() || !burn.is_zero() {
        let (t, b) = PROTOCOL_FEES.may_load(storage, token)?.unwrap_or_default();
        PROTOCOL_FEES.save(
            storage,
            token,
            &(t.checked_add(treasury)?, b.checked_add(burn)?),
        )?;
    }
    Ok(())
}

/// Apply planned legs with the engine (reserves, LP fees, TWAP, volatility, λ(t)), then store the fees' protocol
/// parts and the TWAP observation it made due.
pub fn finish_trade(
    storage: &mut dyn Storage,
    pool: &mut Pool,
    config: &Config,
    legs: &[Leg],
    now: u64,
) -> ContractResult<()> {
    let finished = prices::finish_trade(pool, legs, now)?;
    for (leg, &(treasury, burn)) in legs.iter().zip(&finished.protocol_fees) {
        record_protocol_fee(storage, &fee_token(pool, config, leg)?, treasury, burn)?;
    }
    twap::observe(storage, pool, finished.observe)
}

/// The token a leg's fee is paid in: $AI when buying a resource, the class's CU when selling one.
pub fn fee_token(pool: &Pool, config: &Config, leg: &Leg) -> ContractResult<Addr> {
    match leg.direction {
        Direction::BuyResource => Ok(config.ai_token.clone()),
        Direction::SellResource => Ok(class_of(pool, leg.class)?.cu_token.clone()),
    }
}

/// Which side of `pool` a token is.
pub fn side_of(pool: &Pool, config: &Config, token: &Addr) -> ContractResult<Side> {
    if *token == config.ai_token {
        return Ok(Side::Ai);
    }
    pool.classes
        .iter()
        .position(|c| c.cu_token == *token)
        .map(Side::Class)
        .ok_or_else(|| ContractError::UnknownClass(token.to_string(), pool.id))
}

pub fn ask_side(
    deps_api: &dyn cosmwasm_std::Api,
    pool: &Pool,
    config: &Config,
    ask: &Ask,
) -> ContractResult<Side> {
    match ask {
        Ask::Ai => Ok(Side::Ai),
        Ask::Cu { token } => side_of(pool, config, &deps_api.addr_validate(token)?),
    }
}

pub fn token_of(pool: &Pool, config: &Config, side: Side) -> ContractResult<Addr> {
    match side {
        Side::Ai => Ok(config.ai_token.clone()),
        Side::Class(i) => Ok(class_of(pool, i)?.cu_token.clone()),
    }
}

pub struct SwapRequest {
    pub pool_id: u64,
    pub token: Addr,
    pub trader: Addr,
    pub amount: Uint128,
    pub ask: Ask,
    pub exact_out: Option<Uint128>,
    pub min_out: Option<Uint128>,
    pub to: Addr,
}

pub fn swap(deps: DepsMut, env: Env, req: SwapRequest) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let mut pool = load_pool(deps.storage, req.pool_id)?;
    if config.paused || pool.paused {
        return Err(ContractError::Paused);
    }
    if pool.batch_window.is_some() {
        return Err(ContractError::BatchOnly(pool.id));
    }
    let offer = side_of(&pool, &config, &req.token)
        .map_err(|_| ContractError::WrongToken(req.token.to_string()))?;
    let ask = ask_side(deps.api, &pool, &config, &req.ask)?;
    let plan = plan_swap(&pool, offer, ask, req.amount, req.exact_out)?;
    if plan.offer_amount > req.amount {
        return Err(ContractError::MaxInExceeded {
            needed: plan.offer_amount,
            max: req.amount,
        });
    }
    if let Some(min) = req.min_out {
        if plan.return_amount < min {
            return Err(ContractError::MinOutNotMet {
                got: plan.return_amount,
                min,
            });
        }
    }
    finish_trade(
        deps.storage,
        &mut pool,
        &config,
        &plan.legs,
        env.block.time.seconds(),
    )?;
    POOLS.save(deps.storage, pool.id, &pool)?;

    let ask_token = token_of(&pool, &config, ask)?;
    let mut resp = Response::new()
        .add_message(transfer_msg(&ask_token, &req.to, plan.return_amount)?)
        .add_attribute("action", "swap")
        .add_attribute("pool_id", pool.id.to_string())
        .add_attribute("offer_token", req.token.as_str())
        .add_attribute("offer_amount", plan.offer_amount)
        .add_attribute("ask_token", ask_token.as_str())
        .add_attribute("return_amount", plan.return_amount)
        .add_attribute("fee_amount", plan.fee_amount);
    let refund = req.amount.checked_sub(plan.offer_amount)?;
    if !refund.is_zero() {
        resp = resp
            .add_message(transfer_msg(&req.token, &req.trader, refund)?)
            .add_attribute("refund", refund);
    }
    Ok(resp)
}
