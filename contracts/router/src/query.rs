//! Queries, every one of them. `Route` runs the planner `BuyBundle` runs, on the same state (the pools' records and
//! the book's asks).

use cosmwasm_std::{Decimal, Deps, Env, Order};
use cw_storage_plus::Bound;
use hmm::pool::SlaRequirement;
use hmm::router::{BundleItem, ClassPoolsResponse, ConfigResponse, RouteResponse, MAX_SCAN};
use hmm_pool_engine::route::plan_bundle;

use crate::error::ContractResult;
use crate::source::RawPools;
use crate::state::{CLASS_POOLS, CONFIG, ORDERBOOK};

pub fn config(deps: Deps) -> ContractResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        pool_contract: c.pool_contract,
        ai_token: c.ai_token,
        orderbook: ORDERBOOK.may_load(deps.storage)?,
        tiers: crate::state::TIERS
            .may_load(deps.storage)?
            .unwrap_or_default(),
    })
}

/// `Route`: the bundle priced and split as `BuyBundle` would buy it now, with the orders it would send.
pub fn route(
    deps: Deps,
    env: &Env,
    items: Vec<BundleItem>,
    sla: SlaRequirement,
    trader: Option<String>,
) -> ContractResult<RouteResponse> {
    let config = CONFIG.load(deps.storage)?;
    let orderbook = ORDERBOOK.may_load(deps.storage)?;
    let discount = match trader {
        Some(t) => {
            let t = deps.api.addr_validate(&t)?;
            crate::tiers::tier_of(deps.storage, &t, env.block.time)?.discount
        }
        None => Decimal::zero(),
    };
    let source = RawPools {
        deps,
        pool_contract: &config.pool_contract,
        orderbook: orderbook.as_ref(),
        discount,
    };
    let plan = plan_bundle(&source, deps.api, &items, &sla)?;
    let orders = plan.orders()?;
    Ok(RouteResponse {
        legs: plan.legs.into_iter().map(|(leg, _)| leg).collect(),
        total_cost: plan.total_cost,
        orders,
        pool_contract: config.pool_contract,
        book_fills: plan.book_fills,
        orderbook,
    })
}

pub fn class_pools(
    deps: Deps,
    cu_token: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<ClassPoolsResponse> {
    let token = deps.api.addr_validate(&cu_token)?;
    let limit = limit.map_or(MAX_SCAN, |l| (l as usize).min(MAX_SCAN));
    let pool_ids = CLASS_POOLS
        .prefix(&token)
        .keys(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit)
        .collect::<Result<_, _>>()?;
    Ok(ClassPoolsResponse { pool_ids })
}

/// `SellQuote`: the sale `Sell` would make now.
pub fn sell_quote(
    deps: Deps,
    cu_token: String,
    amount: cosmwasm_std::Uint128,
) -> ContractResult<hmm::router::SellQuote> {
    let config = CONFIG.load(deps.storage)?;
    let orderbook = ORDERBOOK.may_load(deps.storage)?;
    let token = deps.api.addr_validate(&cu_token)?;
    let source = RawPools {
        deps,
        pool_contract: &config.pool_contract,
        orderbook: orderbook.as_ref(),
        discount: Decimal::zero(),
    };
    Ok(hmm_pool_engine::sell::plan_sell(&source, &token, amount)?)
}
