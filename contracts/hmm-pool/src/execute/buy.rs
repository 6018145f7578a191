//! `Buy` (a cw20 `Send` of $AI): CU from several pools of this contract, exact out, each order's lines one after the
//! other. No routing here: the router (`contracts/router`) plans a bundle across the pools and sends the whole plan as
//! one `Buy`; each pool solves its lines again with the engine's [`plan_lines`], on the same state in the same order,
//! so it charges what the plan priced. One message for the whole bundle: one $AI `Send`, one call of this contract,
//! and one CU transfer per token.

use cosmwasm_std::{Addr, Api, DepsMut, Env, Response, Storage, Uint128};
use hmm::pool::BuyOrder;
use hmm_pool_engine::params::discounted_fees;
use hmm_pool_engine::prices::{Moved, TradedClass};
use hmm_pool_engine::route::plan_lines;

use super::swap::{fee_token, record_protocol_fee};
use super::{load_pool, transfer_msg};
use crate::error::{ContractError, ContractResult};
use crate::state::{Config, CONFIG, POOLS};
use crate::twap::update_prices;

/// Most lines one `Buy` takes over all its orders: the router's largest plan (`hmm::router::MAX_ITEMS` lines split
/// in 4 steps each) fits.
pub const MAX_LINES: usize = 64;

pub struct BuyRequest {
    pub token: Addr,
    pub trader: Addr,
    pub amount: Uint128,
    pub orders: Vec<BuyOrder>,
    pub to: Addr,
    /// The router's volume discount, already checked.
    pub fee_discount: Option<cosmwasm_std::Decimal>,
}

pub fn buy(deps: DepsMut, env: Env, req: BuyRequest) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    if req.token != config.ai_token {
        return Err(ContractError::WrongToken(req.token.to_string()));
    }
    if config.paused {
        return Err(ContractError::Paused);
    }
    let lines: usize = req.orders.iter().map(|o| o.lines.len()).sum();
    if req.orders.is_empty() || lines > MAX_LINES || req.orders.iter().any(|o| o.lines.is_empty()) {
        return Err(ContractError::InvalidParams(format!(
            "a Buy takes 1 to {MAX_LINES} lines, every order at least one"
        )));
    }
    let now = env.block.time.seconds();
    let mut cost = Uint128::zero();
    // CU atoms owed to the buyer per token (one transfer each).
    let mut delivered: Vec<(Addr, Uint128)> = vec![];
    let mut done: Vec<u64> = Vec::with_capacity(req.orders.len());
    let mut resp = Response::new().add_attribute("action", "buy");
    for order in &req.orders {
        if done.contains(&order.pool_id) {
            return Err(ContractError::InvalidParams(format!(
                "pool {} appears in two orders",
                order.pool_id
            )));
        }
        done.push(order.pool_id);
        let paid = buy_from_pool(
            deps.storage,
            deps.api,
            (&config, req.fee_discount),
            order,
            now,
            &mut delivered,
        )?;
        cost = cost.checked_add(paid)?;
        resp = resp.add_attribute("order", format!("{}:{paid}", order.pool_id));
    }
    if cost > req.amount {
        return Err(ContractError::MaxInExceeded {
            needed: cost,
            max: req.amount,
        });
    }
    for (token, amount) in delivered {
        resp = resp
            .add_message(transfer_msg(&token, &req.to, amount)?)
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

/// One order on its pool: the lines solved and applied, the fees' protocol parts recorded, the prices updated once
/// (the order counts as one trade of each class it touched), the pool saved; returns what it cost.
fn buy_from_pool(
    storage: &mut dyn Storage,
    api: &dyn Api,
    (config, fee_discount): (&Config, Option<cosmwasm_std::Decimal>),
    order: &BuyOrder,
    now: u64,
    delivered: &mut Vec<(Addr, Uint128)>,
) -> ContractResult<Uint128> {
    let mut pool = load_pool(storage, order.pool_id)?;
    if pool.paused {
        return Err(ContractError::Paused);
    }
    if pool.batch_window.is_some() {
        return Err(ContractError::BatchOnly(pool.id));
    }
    let mut lines = Vec::with_capacity(order.lines.len());
    for line in &order.lines {
        let token = api.addr_validate(&line.cu_token)?;
        let class = pool
            .classes
            .iter()
            .position(|c| c.cu_token == token)
            .ok_or_else(|| ContractError::UnknownClass(line.cu_token.clone(), pool.id))?;
        lines.push((class, line.amount));
    }
    // A volume discount lowers the rates for this order only: the stored pool keeps its own.
    let fees = pool.fees.clone();
    if let Some(d) = fee_discount {
        pool.fees = discounted_fees(&fees, d);
    }
    let bought = plan_lines(&mut pool, &lines)?;
    pool.fees = fees;
    let mut cost = Uint128::zero();
    let mut traded: Vec<TradedClass> = vec![];
    for (plan, fee_parts) in &bought {
        cost = cost.checked_add(plan.offer_amount)?;
        for (leg, &(treasury, burn)) in plan.legs.iter().zip(fee_parts) {
            record_protocol_fee(storage, &fee_token(&pool, config, leg)?, treasury, burn)?;
            // A later line of the same class leaves the price its own solve found.
            match traded.iter_mut().find(|c| c.0 == leg.class) {
                Some(known) => *known = (leg.class, Some(leg.price_after)),
                None => traded.push((leg.class, Some(leg.price_after))),
            }
            let token = &pool
                .classes
                .get(leg.class)
                .ok_or(ContractError::UnknownPool(pool.id))?
                .cu_token;
            match delivered.iter_mut().find(|(t, _)| t == token) {
                Some((_, sum)) => *sum = sum.checked_add(leg.out)?,
                None => delivered.push((token.clone(), leg.out)),
            }
        }
    }
    update_prices(storage, &mut pool, Moved::Traded(&traded), now)?;
    POOLS.save(storage, pool.id, &pool)?;
    Ok(cost)
}
