//! `Buy` (a cw20 `Send` of $AI): CU of one or more classes of one pool, exact out, line after line. The router
//! (`contracts/router`) plans a bundle across pools and sends each pool its lines; each pool solves them again with
//! the engine's [`plan_lines`], on the same state in the same order, so it charges what the plan priced.

use cosmwasm_std::{Addr, DepsMut, Env, Response, Uint128};
use hmm::pool::BuyLine;
use hmm_pool_engine::prices::TradedClass;
use hmm_pool_engine::route::plan_lines;

use super::swap::{fee_token, record_protocol_fee};
use super::{load_pool, transfer_msg};
use crate::error::{ContractError, ContractResult};
use crate::state::{CONFIG, POOLS};
use crate::twap::update_prices;

/// Most lines one `Buy` takes (a bundle of 8 classes split in 4 steps each fits).
pub const MAX_LINES: usize = 32;

pub struct BuyRequest {
    pub pool_id: u64,
    pub token: Addr,
    pub trader: Addr,
    pub amount: Uint128,
    pub lines: Vec<BuyLine>,
    pub to: Addr,
}

pub fn buy(deps: DepsMut, env: Env, req: BuyRequest) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    if req.token != config.ai_token {
        return Err(ContractError::WrongToken(req.token.to_string()));
    }
    let mut pool = load_pool(deps.storage, req.pool_id)?;
    if config.paused || pool.paused {
        return Err(ContractError::Paused);
    }
    if pool.batch_window.is_some() {
        return Err(ContractError::BatchOnly(pool.id));
    }
    if req.lines.is_empty() || req.lines.len() > MAX_LINES {
        return Err(ContractError::InvalidParams(format!(
            "a Buy takes 1 to {MAX_LINES} lines"
        )));
    }
    let mut classes = Vec::with_capacity(req.lines.len());
    for line in &req.lines {
        let token = deps.api.addr_validate(&line.cu_token)?;
        let class = pool
            .classes
            .iter()
            .position(|c| c.cu_token == token)
            .ok_or_else(|| ContractError::UnknownClass(line.cu_token.clone(), pool.id))?;
        classes.push((class, line.amount));
    }
    let bought = plan_lines(&mut pool, &classes)?;

    let mut cost = Uint128::zero();
    // What each class received: CU atoms per class (one transfer per token), and the price each trade left.
    let mut delivered: Vec<(usize, Uint128)> = vec![];
    let mut traded: Vec<TradedClass> = vec![];
    for (plan, fee_parts) in &bought {
        cost = cost.checked_add(plan.offer_amount)?;
        for (leg, &(treasury, burn)) in plan.legs.iter().zip(fee_parts) {
            record_protocol_fee(
                deps.storage,
                &fee_token(&pool, &config, leg)?,
                treasury,
                burn,
            )?;
            match traded.iter_mut().find(|c| c.0 == leg.class) {
                Some(known) => *known = (leg.class, Some(leg.price_after)),
                None => traded.push((leg.class, Some(leg.price_after))),
            }
            match delivered.iter_mut().find(|(c, _)| *c == leg.class) {
                Some((_, sum)) => *sum = sum.checked_add(leg.out)?,
                None => delivered.push((leg.class, leg.out)),
            }
        }
    }
    if cost > req.amount {
        return Err(ContractError::MaxInExceeded {
            needed: cost,
            max: req.amount,
        });
    }
    update_prices(
        deps.storage,
        &mut pool,
        hmm_pool_engine::prices::Moved::Traded(&traded),
        env.block.time.seconds(),
    )?;
    POOLS.save(deps.storage, pool.id, &pool)?;

    let mut resp = Response::new()
        .add_attribute("action", "buy")
        .add_attribute("pool_id", pool.id.to_string());
    for (class, amount) in delivered {
        let token = &pool
            .classes
            .get(class)
            .ok_or(ContractError::UnknownPool(pool.id))?
            .cu_token;
        resp = resp
            .add_message(transfer_msg(token, &req.to, amount)?)
            .add_attribute("bought", format!("{token}:{amount}"));
    }
    let refund = req.amount.checked_sub(cost)?;
    if !refund.is_zero() {
        resp = resp
            .add_message(transfer_msg(&req.token, &req.trader, refund)?)
            .add_attribute("refund", refund);
    }
    Ok(resp.add_attribute("cost", cost))
}
