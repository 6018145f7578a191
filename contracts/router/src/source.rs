//! The planner's view of the pools: records read by raw query of the pool contract (a storage read each, no
//! contract call: ~1k SDK gas plus 3 per byte instead of a 60k smart query), the class index from the router's own
//! storage.

use cosmwasm_std::{from_json, Addr, Deps, Order, StdError};
use hmm::asset::AssetInfo;
use hmm::orderbook::{market_by_base_key, QueryMsg as BookQuery, Side, TakeableResponse};
use hmm_pool_engine::route::{BookAsks, PoolSource, RouteError};
use hmm_pool_engine::{record, Pool};

use crate::state::CLASS_POOLS;

pub struct RawPools<'a> {
    pub deps: Deps<'a>,
    pub pool_contract: &'a Addr,
    /// The order book, if the router uses one.
    pub orderbook: Option<&'a Addr>,
}

impl RawPools<'_> {
    /// Pool `id`'s record, `None` if the pool contract has none.
    pub fn may_load(&self, id: u64) -> Result<Option<Pool>, StdError> {
        self.deps
            .querier
            .query_wasm_raw(self.pool_contract.as_str(), record::key(id))?
            .map(|bytes| record::decode(&bytes))
            .transpose()
    }
}

impl PoolSource for RawPools<'_> {
    fn class_pools(&self, token: &Addr, limit: usize) -> Result<Vec<u64>, RouteError> {
        Ok(CLASS_POOLS
            .prefix(token)
            .keys(self.deps.storage, None, None, Order::Ascending)
            .take(limit)
            .collect::<Result<_, _>>()?)
    }

    fn pool(&self, id: u64) -> Result<Pool, RouteError> {
        self.may_load(id)?
            .ok_or_else(|| RouteError::Std(StdError::not_found(format!("pool {id}"))))
    }

    /// The class's market by one raw read of the book's index, then its asks by one `Takeable` query. Any failure
    /// (no market, a book that errs or answers nonsense) means no book: the pools still sell the line.
    fn book_asks(&self, token: &Addr) -> Option<BookAsks> {
        let book = self.orderbook?;
        let raw = self
            .deps
            .querier
            .query_wasm_raw(
                book.as_str(),
                market_by_base_key(&AssetInfo::cw20(token.clone())),
            )
            .ok()??;
        let market_id: u32 = from_json(&raw).ok()?;
        let view: TakeableResponse = self
            .deps
            .querier
            .query_wasm_smart(
                book.as_str(),
                &BookQuery::Takeable {
                    market_id,
                    side: Side::Bid,
                    taker: None,
                    limit: None,
                },
            )
            .ok()?;
        (!view.lot_size.is_zero()).then_some(BookAsks { market_id, view })
    }
}
