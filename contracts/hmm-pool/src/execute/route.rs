//! Bundle purchases (2025 §6, 2026 eq.22): each line of a resource vector is bought, exact out, from the pool that
//! sells it cheapest among those whose SLA tags meet the requirement. One pool per line: splitting a line across
//! pools would cost gas on every purchase for a saving that only matters for trades large against the pools.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Deps, DepsMut, Env, Order, Response, Storage, Uint128};
use hmm::pool::{BundleItem, LatencyClass, RouteLeg, SlaRequirement, SlaTags};

use super::swap::{finish_trade, plan_swap, side_of, Side, SwapPlan};
use super::transfer_msg;
use crate::error::{ContractError, ContractResult};
use crate::state::{Config, Pool, CLASS_POOLS, CONFIG, POOLS};

/// Most pools considered per line (bounds gas).
const MAX_CANDIDATES: usize = 16;

/// Whether capacity tagged `tags` meets `req` (2026 §6.2: latency, region, privacy tier; plus TEE).
pub fn sla_matches(tags: &SlaTags, req: &SlaRequirement) -> bool {
    let latency_ok = match req.max_latency {
        None => true,
        Some(max) => latency_rank(tags.latency) <= latency_rank(max),
    };
    let region_ok = req.regions.is_empty() || req.regions.contains(&tags.region);
    latency_ok
        && region_ok
        && tags.privacy_tier >= req.min_privacy_tier
        && (tags.tee || !req.tee_required)
}

fn latency_rank(l: LatencyClass) -> u8 {
    match l {
        LatencyClass::Realtime => 0,
        LatencyClass::Interactive => 1,
        LatencyClass::Batch => 2,
    }
}

/// A planned bundle: the legs and the pools as they would be after it.
pub struct BundlePlan {
    pub legs: Vec<(RouteLeg, SwapPlan)>,
    pub pools: BTreeMap<u64, Pool>,
    pub total_cost: Uint128,
}

/// Plan every line against the pools' current state (lines touching the same pool see each other's effect).
pub fn plan_bundle(
    storage: &dyn Storage,
    api: &dyn cosmwasm_std::Api,
    config: &Config,
    items: &[BundleItem],
    sla: &SlaRequirement,
) -> ContractResult<BundlePlan> {
    if items.is_empty() {
        return Err(ContractError::ZeroAmount);
    }
    let mut pools: BTreeMap<u64, Pool> = BTreeMap::new();
    let mut legs = Vec::with_capacity(items.len());
    let mut total_cost = Uint128::zero();
    for item in items {
        if item.amount.is_zero() {
            return Err(ContractError::ZeroAmount);
        }
        let token = api.addr_validate(&item.cu_token)?;
        let ids: Vec<u64> = CLASS_POOLS
            .prefix(&token)
            .keys(storage, None, None, Order::Ascending)
            .take(MAX_CANDIDATES)
            .collect::<Result<_, _>>()?;
        let mut best: Option<(u64, SwapPlan, Pool)> = None;
        for id in ids {
            let mut pool = match pools.get(&id) {
                Some(p) => p.clone(),
                None => POOLS.load(storage, id)?,
            };
            if pool.paused || pool.batch_window.is_some() || !sla_matches(&pool.sla, sla) {
                continue;
            }
            let Ok(Side::Class(class)) = side_of(&pool, config, &token) else {
                continue;
            };
            // A pool that cannot fill the line (too shallow, price impact) is skipped, not fatal.
            let Ok(plan) = plan_swap(
                &mut pool,
                Side::Ai,
                Side::Class(class),
                item.amount,
                Some(item.amount),
            ) else {
                continue;
            };
            if best
                .as_ref()
                .is_none_or(|(_, b, _)| plan.offer_amount < b.offer_amount)
            {
                best = Some((id, plan, pool));
            }
        }
        let (id, plan, mut pool) =
            best.ok_or_else(|| ContractError::NoRoute(item.cu_token.clone()))?;
        // Apply the leg in memory so a later line on the same pool is priced after it.
        for leg in &plan.legs {
            super::swap::apply_leg(&mut pool, leg)?;
        }
        total_cost = total_cost.checked_add(plan.offer_amount)?;
        legs.push((
            RouteLeg {
                pool_id: id,
                cu_token: token,
                amount: item.amount,
                cost: plan.offer_amount,
            },
            plan,
        ));
        pools.insert(id, pool);
    }
    Ok(BundlePlan {
        legs,
        pools,
        total_cost,
    })
}

pub fn route_query(
    deps: Deps,
    items: Vec<BundleItem>,
    sla: SlaRequirement,
) -> ContractResult<hmm::pool::RouteResponse> {
    let config = CONFIG.load(deps.storage)?;
    let plan = plan_bundle(deps.storage, deps.api, &config, &items, &sla)?;
    Ok(hmm::pool::RouteResponse {
        legs: plan.legs.into_iter().map(|(l, _)| l).collect(),
        total_cost: plan.total_cost,
    })
}

#[allow(clippy::too_many_arguments)]
pub fn buy_bundle(
    deps: DepsMut,
    env: Env,
    token: Addr,
    trader: Addr,
    amount: Uint128,
    items: Vec<BundleItem>,
    sla: SlaRequirement,
    to: Addr,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    if config.paused {
        return Err(ContractError::Paused);
    }
    if token != config.ai_token {
        return Err(ContractError::WrongToken(token.to_string()));
    }
    let plan = plan_bundle(deps.storage, deps.api, &config, &items, &sla)?;
    if plan.total_cost > amount {
        return Err(ContractError::MaxInExceeded {
            needed: plan.total_cost,
            max: amount,
        });
    }
    // Re-run the fee and price bookkeeping on the stored pools (plan_bundle moved reserves in copies).
    let now = env.block.time.seconds();
    let mut touched: BTreeMap<u64, Pool> = BTreeMap::new();
    let mut resp = Response::new().add_attribute("action", "buy_bundle");
    for (leg, swap_plan) in &plan.legs {
        let pool = match touched.remove(&leg.pool_id) {
            Some(p) => p,
            None => POOLS.load(deps.storage, leg.pool_id)?,
        };
        let mut pool = pool;
        finish_trade(deps.storage, &mut pool, &config, &swap_plan.legs, now)?;
        touched.insert(leg.pool_id, pool);
        resp = resp
            .add_message(transfer_msg(&leg.cu_token, &to, leg.amount)?)
            .add_attribute(
                "leg",
                format!(
                    "{}:{}:{}:{}",
                    leg.pool_id, leg.cu_token, leg.amount, leg.cost
                ),
            );
    }
    for (id, pool) in &touched {
        POOLS.save(deps.storage, *id, pool)?;
    }
    let refund = amount.checked_sub(plan.total_cost)?;
    if !refund.is_zero() {
        resp = resp
            .add_message(transfer_msg(&token, &trader, refund)?)
            .add_attribute("refund", refund);
    }
    Ok(resp.add_attribute("total_cost", plan.total_cost))
}
