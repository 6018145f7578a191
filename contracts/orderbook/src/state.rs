//! Storage. Structs are versioned compact records (`hmm_record`); keys and scalars are plain cw-storage-plus.
//!
//! The book is one map whose key order IS price-time priority: `(market, side, price_key, order id)`, where an
//! ask's price key is its price and a bid's is `u128::MAX − price`, so an ascending range over `(market, side)`
//! yields the best price first and, within a price, the oldest order first. Taking the best order is one range
//! step, whatever else rests in the book. Beside it: the orders by id, an owner index, and the aggregated depth per
//! price level (kept in step with every place, fill and removal, so the depth query reads levels, not orders).

use cosmwasm_std::{Addr, Decimal, Empty, Order as Direction, StdResult, Storage, Uint128};
use cw_storage_plus::{Bound, Item as PlainItem, Map as PlainMap};
use hmm::asset::AssetInfo;
use hmm::orderbook::{DepthLevel, FeeLedger, Market, Order, Side, TopOfBook};
use hmm_record::{Item, Map};
use serde::{Deserialize, Serialize};

/// The contract's configuration.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Config {
    /// The quote asset of every market.
    pub quote: AssetInfo,
    /// Receives the treasury part of the fees.
    pub treasury: Addr,
    /// The burned fraction ζ of every fee.
    pub burn_share: Decimal,
    /// Markets created (the last market id).
    pub market_count: u32,
}

/// Lots and orders resting at one price on one side.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Level {
    pub lots: Uint128,
    pub orders: u32,
}

pub const CONFIG: Item<Config, 1> = Item::new("config");
/// The router whose orders may carry a taker-fee discount (`UpdateConfig.router`).
pub const ROUTER: PlainItem<Addr> = PlainItem::new("router");
/// The last order id (a scalar: written by every placement, so kept apart from the config).
pub const ORDER_COUNT: PlainItem<u64> = PlainItem::new("order_count");
pub const MARKETS: Map<u32, Market, 1> = Map::new("markets");
/// Market id by the base asset's key (`AssetInfo::key`): one market per base asset.
pub const MARKET_BY_BASE: PlainMap<&str, u32> = PlainMap::new("market_by_base");
/// The published top of each market's book by the base asset's key (`hmm::orderbook::top_key`): plain JSON, read
/// by routers with a raw query.
pub const TOP: PlainMap<&str, TopOfBook> = PlainMap::new(hmm::orderbook::TOP_NAMESPACE);
pub const ORDERS: Map<u64, Order, 1> = Map::new("orders");
/// The book: `(book_side(market, side), price_key, order id)` in priority order (see the module doc).
pub const BOOK: PlainMap<(u64, u128, u64), Empty> = PlainMap::new("book");
/// Resting orders by owner.
pub const BY_OWNER: PlainMap<(&Addr, u64), Empty> = PlainMap::new("by_owner");
/// Aggregated depth: `(book_side(market, side), price_key)` → the level.
pub const DEPTH: Map<(u64, u128), Level, 1> = Map::new("depth");
/// Fees waiting for collection, by the asset's key.
pub const FEES: Map<&str, FeeLedger, 1> = Map::new("fees");

/// One side of one market as one key part: `market << 8 | side` (bid 0, ask 1).
pub fn book_side(market: u32, side: Side) -> u64 {
    (u64::from(market) << 8)
        | match side {
            Side::Bid => 0,
            Side::Ask => 1,
        }
}

pub fn opposite(side: Side) -> Side {
    match side {
        Side::Bid => Side::Ask,
        Side::Ask => Side::Bid,
    }
}

/// The key part that sorts a side best price first.
pub fn price_key(side: Side, price: Uint128) -> u128 {
    match side {
        Side::Bid => u128::MAX - price.u128(),
        Side::Ask => price.u128(),
    }
}

/// The price back from its key.
pub fn key_price(side: Side, key: u128) -> Uint128 {
    Uint128::new(match side {
        Side::Bid => u128::MAX - key,
        Side::Ask => key,
    })
}

/// The best resting order of a side: its price and id (one range step).
pub fn best(storage: &dyn Storage, market: u32, side: Side) -> StdResult<Option<(Uint128, u64)>> {
    let first = BOOK
        .sub_prefix(book_side(market, side))
        .keys(storage, None, None, Direction::Ascending)
        .next()
        .transpose()?;
    Ok(first.map(|(key, id)| (key_price(side, key), id)))
}

/// The best price of a side (from the depth levels).
pub fn best_price(storage: &dyn Storage, market: u32, side: Side) -> StdResult<Option<Uint128>> {
    Ok(best(storage, market, side)?.map(|(price, _)| price))
}

/// Puts a new order in the book, the owner index and the depth.
pub fn insert(storage: &mut dyn Storage, order: &Order) -> StdResult<()> {
    let (side, key) = (
        book_side(order.market_id, order.side),
        price_key(order.side, order.price),
    );
    ORDERS.save(storage, order.id, order)?;
    BOOK.save(storage, (side, key, order.id), &Empty {})?;
    BY_OWNER.save(storage, (&order.owner, order.id), &Empty {})?;
    let depth_key = (side, key);
    let mut level = DEPTH.may_load(storage, depth_key)?.unwrap_or_default();
    level.lots = level.lots.checked_add(order.remaining_lots)?;
    level.orders = level
        .orders
        .checked_add(1)
        .ok_or_else(|| cosmwasm_std::StdError::generic_err("too many orders on one price level"))?;
    DEPTH.save(storage, depth_key, &level)
}

/// Takes `lots` off a resting order: the order shrinks, or leaves the book (and its index) when none remain.
pub fn reduce(storage: &mut dyn Storage, order: &mut Order, lots: Uint128) -> StdResult<()> {
    let (side, key) = (
        book_side(order.market_id, order.side),
        price_key(order.side, order.price),
    );
    order.remaining_lots = order.remaining_lots.checked_sub(lots)?;
    let depth_key = (side, key);
    let mut level = DEPTH.may_load(storage, depth_key)?.unwrap_or_default();
    level.lots = level.lots.checked_sub(lots)?;
    if order.remaining_lots.is_zero() {
        ORDERS.remove(storage, order.id);
        BOOK.remove(storage, (side, key, order.id));
        BY_OWNER.remove(storage, (&order.owner, order.id));
        level.orders = level.orders.saturating_sub(1);
    } else {
        ORDERS.save(storage, order.id, order)?;
    }
    if level.orders == 0 {
        DEPTH.remove(storage, depth_key);
    } else {
        DEPTH.save(storage, depth_key, &level)?;
    }
    Ok(())
}

/// Depth levels of one side, best first.
pub fn levels(
    storage: &dyn Storage,
    market: &Market,
    side: Side,
    start_after: Option<Uint128>,
    limit: usize,
) -> StdResult<Vec<DepthLevel>> {
    let book = book_side(market.id, side);
    let start = match start_after {
        Some(p) => Bound::exclusive((book, price_key(side, p))),
        None => Bound::inclusive((book, 0)),
    };
    DEPTH
        .range(
            storage,
            Some(start),
            Some(Bound::inclusive((book, u128::MAX))),
            Direction::Ascending,
        )
        .take(limit)
        .map(|item| {
            let ((_, key), level) = item?;
            Ok(DepthLevel {
                price: key_price(side, key),
                lots: level.lots,
                quantity: level.lots.checked_mul(market.lot_size)?,
                orders: level.orders,
            })
        })
        .collect()
}

/// Rewrites the market's published top of book if it changed (one read; a write only on a change).
pub fn publish_top(storage: &mut dyn Storage, market: &Market) -> StdResult<()> {
    let top = TopOfBook {
        market_id: market.id,
        lot_size: market.lot_size,
        taker_fee: market.taker_fee,
        bid: best_price(storage, market.id, Side::Bid)?,
        ask: best_price(storage, market.id, Side::Ask)?,
    };
    let key = market.base.key();
    if TOP.may_load(storage, &key)?.as_ref() != Some(&top) {
        TOP.save(storage, &key, &top)?;
    }
    Ok(())
}
