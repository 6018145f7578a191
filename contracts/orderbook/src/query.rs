//! The queries. Pages: markets and orders by ascending id, depth levels best price first.

use cosmwasm_std::{Deps, Env, Order as Direction};
use cw_storage_plus::Bound;
use hmm::orderbook::{
    BestPricesResponse, ConfigResponse, DepthResponse, FeesResponse, Market, MarketsResponse,
    Order, OrdersResponse, Side, TakeableOrder, TakeableResponse, MAX_FILLS,
};

use crate::error::{ContractError, ContractResult};
use crate::state::{
    best_price, book_side, levels, opposite, BOOK, BY_OWNER, CONFIG, FEES, MARKETS, ORDERS,
    ORDER_COUNT,
};

const DEFAULT_LIMIT: u32 = 10;
const MAX_LIMIT: u32 = 30;
const MAX_DEPTH_LIMIT: u32 = 100;

fn page(limit: Option<u32>, max: u32) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).min(max) as usize
}

pub fn config(deps: Deps) -> ContractResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        quote: c.quote,
        treasury: c.treasury,
        burn_share: c.burn_share,
        market_count: c.market_count,
        order_count: ORDER_COUNT.may_load(deps.storage)?.unwrap_or(0),
    })
}

pub fn market(deps: Deps, market_id: u32) -> ContractResult<Market> {
    MARKETS
        .may_load(deps.storage, market_id)?
        .ok_or(ContractError::UnknownMarket { market_id })
}

pub fn markets(
    deps: Deps,
    start_after: Option<u32>,
    limit: Option<u32>,
) -> ContractResult<MarketsResponse> {
    let markets = MARKETS
        .range(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Direction::Ascending,
        )
        .take(page(limit, MAX_LIMIT))
        .map(|item| item.map(|(_, m)| m))
        .collect::<Result<_, _>>()?;
    Ok(MarketsResponse { markets })
}

pub fn order(deps: Deps, order_id: u64) -> ContractResult<Order> {
    ORDERS
        .may_load(deps.storage, order_id)?
        .ok_or(ContractError::UnknownOrder { order_id })
}

pub fn orders_by_owner(
    deps: Deps,
    owner: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<OrdersResponse> {
    let owner = deps.api.addr_validate(&owner)?;
    let orders = BY_OWNER
        .prefix(&owner)
        .keys(
            deps.storage,
            start_after.map(Bound::exclusive),
            None,
            Direction::Ascending,
        )
        .take(page(limit, MAX_LIMIT))
        .map(|id| Ok(ORDERS.load(deps.storage, id?)?))
        .collect::<ContractResult<_>>()?;
    Ok(OrdersResponse { orders })
}

pub fn depth(
    deps: Deps,
    market_id: u32,
    bid_start_after: Option<cosmwasm_std::Uint128>,
    ask_start_after: Option<cosmwasm_std::Uint128>,
    limit: Option<u32>,
) -> ContractResult<DepthResponse> {
    let m = market(deps, market_id)?;
    let n = page(limit, MAX_DEPTH_LIMIT);
    Ok(DepthResponse {
        bids: levels(deps.storage, &m, Side::Bid, bid_start_after, n)?,
        asks: levels(deps.storage, &m, Side::Ask, ask_start_after, n)?,
    })
}

pub fn best_prices(deps: Deps, market_id: u32) -> ContractResult<BestPricesResponse> {
    market(deps, market_id)?;
    Ok(BestPricesResponse {
        bid: best_price(deps.storage, market_id, Side::Bid)?,
        ask: best_price(deps.storage, market_id, Side::Ask)?,
    })
}

pub fn fees(deps: Deps) -> ContractResult<FeesResponse> {
    let fees = FEES
        .range(deps.storage, None, None, Direction::Ascending)
        .map(|item| item.map(|(_, f)| f))
        .collect::<Result<_, _>>()?;
    Ok(FeesResponse { fees })
}

/// `Takeable`: the orders a taker of `side` would meet, in the order matching meets them (the same book range).
pub fn takeable(
    deps: Deps,
    env: &Env,
    market_id: u32,
    side: Side,
    taker: Option<String>,
    limit: Option<u32>,
) -> ContractResult<TakeableResponse> {
    let m = market(deps, market_id)?;
    let taker = taker.map(|t| deps.api.addr_validate(&t)).transpose()?;
    let now = env.block.time.seconds();
    let orders = BOOK
        .sub_prefix(book_side(market_id, opposite(side)))
        .keys(deps.storage, None, None, Direction::Ascending)
        .take(limit.unwrap_or(MAX_FILLS).min(MAX_FILLS) as usize)
        .map(|key| {
            let (_, id) = key?;
            let order = ORDERS.load(deps.storage, id)?;
            let expired = order.expires_at.is_some_and(|t| t <= now);
            Ok(TakeableOrder {
                order_id: id,
                price: order.price,
                lots: order.remaining_lots,
                fills: !expired && taker.as_ref() != Some(&order.owner),
            })
        })
        .collect::<ContractResult<_>>()?;
    Ok(TakeableResponse {
        lot_size: m.lot_size,
        taker_fee: m.taker_fee,
        min_lots: m.min_lots,
        min_notional: m.min_notional,
        orders,
    })
}
