//! Bundle purchases (2025 §6, 2026 eq.22): each line of a resource vector is bought, exact out, from the pools whose
//! SLA tags meet the requirement — from the cheapest one, or split across several when that costs less. The split
//! solves the convex program of 2025 §6.2 greedily: the line is cut into [`SPLIT_STEPS`] equal steps and each step
//! goes to the pool that sells it cheapest after the steps before it, which equalises the pools' marginal prices to
//! within one step. It is kept only if it beats the best single pool, and it is only tried when more than one pool
//! can sell the line, so single-pool classes cost no extra gas.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Decimal256, DepsMut, Env, Order, Response, Storage, Uint128};
use hmm::pool::{BundleItem, LatencyClass, RouteLeg, RoutePart, SlaRequirement, SlaTags};
use hmm_math::{Direction, Rounding, Udec};
use hmm_pool_engine::prices::{Moved, TradedClass};
use hmm_pool_engine::trade::{apply_leg, plan_buy_after, Prior, Side, SwapPlan};

use super::swap::{fee_token, record_protocol_fee, side_of};
use super::{load_pool, transfer_msg};
use crate::error::{ContractError, ContractResult};
use crate::state::{Config, Pool, CLASS_POOLS, CONFIG, POOLS};
use crate::twap::update_prices;

/// Most pools a line is planned against (bounds the solves per line): the deepest eligible ones.
pub const MAX_CANDIDATES: usize = 16;
/// Most entries of a class's pool index read per line (bounds the records loaded per line: each costs the SDK's
/// flat read price plus 3 gas per byte, ~2k SDK gas, so at most ~70k per line). Pools join the index at their
/// first deposit, and ineligible ones (paused, batch-only, SLA mismatch, empty class) are skipped before the
/// candidate bound applies, so empty or unrelated pools cannot hide a market. Past this many funded pools of one
/// class, later ones (by id) are not seen by the router unless the line names them (`BundleItem::pools`); they
/// always trade directly by `Swap`.
pub const MAX_SCAN: usize = 32;
/// Steps a line is cut into when it is split across pools.
const SPLIT_STEPS: u128 = 4;

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
    /// Each line and the trades that buy it, one per pool step.
    pub legs: Vec<(RouteLeg, Vec<Trade>)>,
    /// Every pool considered, as it would be after the bundle (only the traded ones differ from storage).
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
    // What the bundle's trades so far did to each (pool, class); few entries: a vector is smaller code than a map.
    let mut priors: Vec<((u64, usize), Prior)> = vec![];
    let mut legs = Vec::with_capacity(items.len());
    let mut total_cost = Uint128::zero();
    for item in items {
        if item.amount.is_zero() {
            return Err(ContractError::ZeroAmount);
        }
        let token = api.addr_validate(&item.cu_token)?;
        let ids: Vec<u64> = if item.pools.is_empty() {
            CLASS_POOLS
                .prefix(&token)
                .keys(storage, None, None, Order::Ascending)
                .take(MAX_SCAN)
                .collect::<Result<_, _>>()?
        } else {
            let mut named = item.pools.clone();
            named.sort_unstable();
            named.dedup();
            if named.len() > MAX_CANDIDATES {
                return Err(ContractError::InvalidParams(format!(
                    "a line names at most {MAX_CANDIDATES} pools"
                )));
            }
            named
        };
        // The pools that can sell this line, as they are after the lines before it (loaded once per bundle).
        for &id in &ids {
            if let Entry::Vacant(slot) = pools.entry(id) {
                slot.insert(load_pool(storage, id)?);
            }
        }
        // Eligible pools first, then the deepest of them.
        let mut candidates: Vec<Candidate> = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(pool) = pools.get(&id) else { continue };
            if pool.paused
                || pool.batch_window.is_some()
                || pool.total_shares.is_zero()
                || !sla_matches(&pool.sla, sla)
            {
                continue;
            }
            let Ok(Side::Class(class)) = side_of(pool, config, &token) else {
                continue;
            };
            let prior = match find_prior(&priors, (id, class)) {
                Some(prior) => prior,
                None => match Prior::start(pool, class, Direction::BuyResource) {
                    Ok(prior) => prior,
                    Err(_) => continue,
                },
            };
            candidates.push((id, class, pool, prior));
        }
        // The deepest MAX_CANDIDATES by the class's $AI reserve before the transaction: drop the shallowest
        // (the last by id among equals) until they fit, keeping id order.
        while candidates.len() > MAX_CANDIDATES {
            let shallowest = candidates
                .iter()
                .enumerate()
                .min_by_key(|(_, c)| c.3.reserve_in)
                .map(|(n, _)| n);
            if let Some(n) = shallowest {
                candidates.remove(n);
            }
        }
        let single = cheapest(&candidates, item.amount);
        let split = if candidates.len() > 1 && item.amount.u128() >= SPLIT_STEPS {
            split_line(&candidates, item.amount)?
        } else {
            None
        };
        let steps = match (single, split) {
            (Some(one), Some(many)) if cost_of(&many)? < one.plan.offer_amount => many,
            (Some(one), _) => vec![one],
            (None, Some(many)) => many,
            (None, None) => return Err(ContractError::NoRoute(item.cu_token.clone())),
        };
        let cost = cost_of(&steps)?;
        total_cost = total_cost.checked_add(cost)?;
        // The pools after the line; the shadow price is read on the pool of the last step.
        let mut parts: Vec<RoutePart> = vec![];
        let mut plans = Vec::with_capacity(steps.len());
        let mut last = None;
        for Step { pool_id: id, plan } in steps {
            match parts.iter_mut().find(|p| p.pool_id == id) {
                Some(p) => {
                    p.amount = p.amount.checked_add(plan.return_amount)?;
                    p.cost = p.cost.checked_add(plan.offer_amount)?;
                }
                None => parts.push(RoutePart {
                    pool_id: id,
                    amount: plan.return_amount,
                    cost: plan.offer_amount,
                }),
            }
            // The spot price after the last step is that of its pool after the line (the step's solve found it).
            last = plan.legs.last().map(|leg| (plan.fee_rate, leg.price_after));
            // Move the pool in place: the next step and the next lines see it as it is after this trade, and
            // pay fees and meet the impact cap on the transaction's total.
            let pool = pools.get_mut(&id).ok_or(ContractError::UnknownPool(id))?;
            for leg in &plan.legs {
                let key = (id, leg.class);
                let prior = match find_prior(&priors, key) {
                    Some(prior) => prior,
                    None => Prior::start(pool, leg.class, Direction::BuyResource)?,
                };
                let after = prior.after(leg)?;
                match priors.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, p)) => *p = after,
                    None => priors.push((key, after)),
                }
            }
            let protocol_fees = plan
                .legs
                .iter()
                .map(|leg| apply_leg(pool, leg))
                .collect::<Result<_, _>>()?;
            plans.push(Trade {
                pool_id: id,
                plan,
                protocol_fees,
            });
        }
        let marginal_price = match last {
            Some((fee_rate, spot)) => {
                let keep = Decimal256::one().checked_sub(fee_rate).unwrap_or_default();
                if keep.is_zero() {
                    Decimal256::MAX
                } else {
                    Udec::from(spot)
                        .div(keep.into(), Rounding::Down)
                        .map_or(Decimal256::MAX, Decimal256::from)
                }
            }
            None => Decimal256::zero(),
        };
        let main_pool = parts
            .iter()
            .max_by_key(|p| p.amount)
            .map_or(0, |p| p.pool_id);
        if parts.len() == 1 {
            parts.clear();
        }
        legs.push((
            RouteLeg {
                pool_id: main_pool,
                cu_token: token,
                amount: item.amount,
                cost,
                parts,
                marginal_price,
            },
            plans,
        ));
    }
    Ok(BundlePlan {
        legs,
        pools,
        total_cost,
    })
}

/// The bundle's earlier trades of class `key.1` of pool `key.0`, if any.
fn find_prior(priors: &[((u64, usize), Prior)], key: (u64, usize)) -> Option<Prior> {
    priors.iter().find(|(k, _)| *k == key).map(|(_, p)| *p)
}

/// One trade of a bundle: the pool, the plan, and the (treasury, burn) parts of each leg's fee.
pub struct Trade {
    pub pool_id: u64,
    pub plan: SwapPlan,
    pub protocol_fees: Vec<(Uint128, Uint128)>,
}

/// One trade of a line: planned on a pool as it was, not applied yet.
struct Step {
    pool_id: u64,
    plan: SwapPlan,
}
/// A pool that can sell a line: (pool id, the line's class in it, the pool as it is now, the bundle's earlier
/// trades of that class).
type Candidate<'a> = (u64, usize, &'a Pool, Prior);

fn cost_of(steps: &[Step]) -> ContractResult<Uint128> {
    steps.iter().try_fold(Uint128::zero(), |sum, step| {
        Ok(sum.checked_add(step.plan.offer_amount)?)
    })
}

/// Buy `amount` exact out from `pool`: the plan; `None` if the pool cannot (too shallow, price impact): a pool that
/// cannot fill is skipped, not fatal. Nothing is copied: only the chosen step is applied, by the caller.
fn buy_from(id: u64, class: usize, pool: &Pool, prior: &Prior, amount: Uint128) -> Option<Step> {
    plan_buy_after(pool, class, amount, prior)
        .ok()
        .map(|plan| Step { pool_id: id, plan })
}

/// The cheapest single pool for the whole line.
fn cheapest(candidates: &[Candidate], amount: Uint128) -> Option<Step> {
    let mut best: Option<Step> = None;
    for (id, class, pool, prior) in candidates {
        if let Some(step) = buy_from(*id, *class, pool, prior, amount) {
            if best
                .as_ref()
                .is_none_or(|b| step.plan.offer_amount < b.plan.offer_amount)
            {
                best = Some(step);
            }
        }
    }
    best
}

/// The line in [`SPLIT_STEPS`] equal steps (the last takes the remainder), each from the pool cheapest after the
/// steps before it; `None` if some step finds no pool.
///
/// A step changes one pool only, so the other pools' quotes for the same amount are kept rather than solved again:
/// `n + SPLIT_STEPS − 1` solves for `n` pools (plus `n − 1` when the last step's amount differs) instead of
/// `n · SPLIT_STEPS`, with the same choices as quoting every pool at every step.
fn split_line(candidates: &[Candidate], amount: Uint128) -> ContractResult<Option<Vec<Step>>> {
    let mut state: Vec<(u64, usize, Pool, Prior)> = candidates
        .iter()
        .map(|&(id, class, pool, prior)| (id, class, pool.clone(), prior))
        .collect();
    // quotes[n]: pool n's step at `quoted` (`None`: not solved yet; `Some(None)`: that pool cannot fill it).
    let mut quotes: Vec<Option<Option<Step>>> = state.iter().map(|_| None).collect();
    let mut quoted = Uint128::zero();
    let step_amount = Uint128::new(amount.u128() / SPLIT_STEPS);
    let mut steps = Vec::with_capacity(SPLIT_STEPS as usize);
    let mut bought = Uint128::zero();
    for k in 0..SPLIT_STEPS {
        let this = if k + 1 == SPLIT_STEPS {
            amount.checked_sub(bought)?
        } else {
            step_amount
        };
        if this != quoted {
            quotes.iter_mut().for_each(|q| *q = None);
            quoted = this;
        }
        let mut best: Option<(usize, Uint128)> = None;
        for (n, (quote, (id, class, pool, prior))) in quotes.iter_mut().zip(&state).enumerate() {
            if quote.is_none() {
                *quote = Some(buy_from(*id, *class, pool, prior, this));
            }
            if let Some(Some(step)) = quote {
                // The first strictly cheaper pool wins, as in `cheapest`.
                if best.is_none_or(|(_, cost)| step.plan.offer_amount < cost) {
                    best = Some((n, step.plan.offer_amount));
                }
            }
        }
        let Some((n, _)) = best else {
            return Ok(None);
        };
        // Taking the quote leaves its slot empty: that pool moved and is solved again for the next step.
        let (Some(slot), Some(step)) = (
            state.get_mut(n),
            quotes.get_mut(n).and_then(Option::take).flatten(),
        ) else {
            return Ok(None);
        };
        for leg in &step.plan.legs {
            apply_leg(&mut slot.2, leg)?;
            slot.3 = slot.3.after(leg)?;
        }
        bought = bought.checked_add(this)?;
        steps.push(step);
    }
    Ok(Some(steps))
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
    // `plan.pools` already hold every touched pool after its trades (reserves moved, LP fees credited). What is
    // left is per pool and per fee token, once per bundle rather than once per trade: the protocol's fee ledger,
    // and the price bookkeeping (TWAP, volatility, λ(t)) with the bundle counted as one trade of each pool.
    let now = env.block.time.seconds();
    // Few pools and tokens per bundle: vectors with a linear search are smaller code than more BTreeMap types.
    let mut pools = plan.pools;
    let mut traded: Vec<(u64, Vec<TradedClass>)> = vec![];
    let mut protocol_fees: Vec<(Addr, Uint128, Uint128)> = vec![];
    let mut resp = Response::new().add_attribute("action", "buy_bundle");
    for (leg, trades) in &plan.legs {
        for Trade {
            pool_id,
            plan: swap_plan,
            protocol_fees: fee_parts,
        } in trades
        {
            let pool = pools
                .get(pool_id)
                .ok_or(ContractError::UnknownPool(*pool_id))?;
            for (trade, &(treasury, burn)) in swap_plan.legs.iter().zip(fee_parts) {
                let token = fee_token(pool, &config, trade)?;
                match protocol_fees.iter_mut().find(|(t, _, _)| *t == token) {
                    Some((_, t, b)) => {
                        *t = t.checked_add(treasury)?;
                        *b = b.checked_add(burn)?;
                    }
                    None => protocol_fees.push((token, treasury, burn)),
                }
                // A later trade of the same class leaves the price its own solve found.
                let class = (trade.class, Some(trade.price_after));
                match traded.iter_mut().find(|(id, _)| id == pool_id) {
                    Some((_, classes)) => match classes.iter_mut().find(|c| c.0 == trade.class) {
                        Some(known) => *known = class,
                        None => classes.push(class),
                    },
                    None => traded.push((*pool_id, vec![class])),
                }
            }
        }
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
    for (id, classes) in &traded {
        let pool = pools.get_mut(id).ok_or(ContractError::UnknownPool(*id))?;
        update_prices(deps.storage, pool, Moved::Traded(classes), now)?;
        POOLS.save(deps.storage, *id, pool)?;
    }
    for (token, treasury, burn) in &protocol_fees {
        record_protocol_fee(deps.storage, token, *treasury, *burn)?;
    }
    let refund = amount.checked_sub(plan.total_cost)?;
    if !refund.is_zero() {
        resp = resp
            .add_message(transfer_msg(&token, &trader, refund)?)
            .add_attribute("refund", refund);
    }
    Ok(resp.add_attribute("total_cost", plan.total_cost))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::PoolClass;
    use hmm::pool::{CurveKind, ExecutionMode};
    use hmm_pool_engine::params::{default_curvature, default_fees};
    use proptest::prelude::*;

    /// A pool of one class holding `q` CU atoms against `p` $AI atoms.
    fn pool(id: u64, kind: CurveKind, q: u128, p: u128) -> Pool {
        Pool {
            id,
            kind,
            classes: vec![PoolClass {
                cu_token: Addr::unchecked("cu"),
                weight: Decimal256::one(),
                target_reserve: Uint128::new(q),
                reference_credit: Uint128::new(p),
                resource_reserve: Uint128::new(q),
                credit_reserve: Uint128::new(p),
                fee_growth_resource: Decimal256::zero(),
                price_cumulative: Decimal256::zero(),
                last_price: Decimal256::zero(),
            }],
            curvature: default_curvature(),
            lambda_now: default_curvature().lambda,
            volatility: Decimal256::zero(),
            fees: default_fees(),
            execution: ExecutionMode::Exact,
            sla: SlaTags {
                region: String::new(),
                latency: LatencyClass::Batch,
                privacy_tier: 0,
                tee: false,
            },
            max_price_impact: Decimal256::one(),
            total_shares: Uint128::new(1_000_000),
            fee_growth_credits: Decimal256::zero(),
            paused: false,
            last_update: 0,
            last_observation: 0,
            batch_window: None,
        }
    }

    /// The split as first written: every pool quoted again at every step.
    fn split_by_quoting_everything(
        candidates: &[Candidate],
        amount: Uint128,
    ) -> Option<Vec<(u64, Uint128, Uint128)>> {
        let mut state: Vec<(u64, usize, Pool, Prior)> = candidates
            .iter()
            .map(|&(id, class, pool, prior)| (id, class, pool.clone(), prior))
            .collect();
        let step_amount = Uint128::new(amount.u128() / SPLIT_STEPS);
        let mut steps = vec![];
        let mut bought = Uint128::zero();
        for k in 0..SPLIT_STEPS {
            let this = if k + 1 == SPLIT_STEPS {
                amount - bought
            } else {
                step_amount
            };
            let now: Vec<Candidate> = state.iter().map(|(i, c, p, r)| (*i, *c, p, *r)).collect();
            let step = cheapest(&now, this)?;
            bought += this;
            let moved = state
                .iter_mut()
                .find(|(i, _, _, _)| *i == step.pool_id)
                .unwrap();
            for leg in &step.plan.legs {
                apply_leg(&mut moved.2, leg).unwrap();
                moved.3 = moved.3.after(leg).unwrap();
            }
            steps.push((
                step.pool_id,
                step.plan.return_amount,
                step.plan.offer_amount,
            ));
        }
        Some(steps)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Keeping the quotes of pools a step did not touch picks the same pools at the same costs.
        #[test]
        fn cached_quotes_split_as_quoting_every_pool_does(
            depths in prop::collection::vec((100u128..1_000, 100u128..120, any::<bool>()), 2..5),
            amount in 4u128..50_000,
        ) {
            let pools: Vec<Pool> = depths
                .iter()
                .enumerate()
                .map(|(n, &(q, price, bilinear))| {
                    let kind = if bilinear { CurveKind::Bilinear } else { CurveKind::TargetReserve };
                    pool(n as u64, kind, q * 1_000_000, q * price * 1_000_000)
                })
                .collect();
            let candidates: Vec<Candidate> = pools
                .iter()
                .map(|p| (p.id, 0, p, Prior::start(p, 0, Direction::BuyResource).unwrap()))
                .collect();
            let amount = Uint128::new(amount * 1_000);
            let cached = split_line(&candidates, amount).unwrap().map(|steps| {
                steps
                    .iter()
                    .map(|s| (s.pool_id, s.plan.return_amount, s.plan.offer_amount))
                    .collect::<Vec<_>>()
            });
            prop_assert_eq!(cached, split_by_quoting_everything(&candidates, amount));
        }
    }
}
