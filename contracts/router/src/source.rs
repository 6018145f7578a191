//! The planner's view of the venues: pool records read by raw query of the pool contract (a storage read each, no
//! contract call: ~1k SDK gas plus 3 per byte instead of a 60k smart query), the class index from the router's own
//! storage, and the order book's published top of book (raw) and asks (one `Takeable` query, only when useful).

use cosmwasm_std::{from_json, Addr, Decimal, Deps, Order, StdError};
use hmm::asset::AssetInfo;
use hmm::orderbook::{top_key, QueryMsg as BookQuery, Side, TakeableResponse, TopOfBook};
use hmm_pool_engine::params::discounted_fees;
use hmm_pool_engine::route::{PoolSource, RouteError};
use hmm_pool_engine::{record, Pool};

use crate::state::CLASS_POOLS;

pub struct RawPools<'a> {
    pub deps: Deps<'a>,
    pub pool_contract: &'a Addr,
    /// The order book, if the router uses one.
    pub orderbook: Option<&'a Addr>,
    /// The trader's volume discount: the pools' and the book's taker fees are planned with it, as they will be
    /// charged.
    pub discount: Decimal,
}

impl RawPools<'_> {
    /// A taker fee rate less the trader's discount, as the book charges it (`fee × (1 − discount)`).
    fn discounted(&self, fee: Decimal) -> Decimal {
        fee.checked_mul(
            Decimal::one()
                .checked_sub(self.discount)
                .unwrap_or_default(),
        )
        .unwrap_or(fee)
    }

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
        let mut pool = self
            .may_load(id)?
            .ok_or_else(|| RouteError::Std(StdError::not_found(format!("pool {id}"))))?;
        if !self.discount.is_zero() {
            pool.fees = discounted_fees(&pool.fees, self.discount);
        }
        Ok(pool)
    }

    /// The class's published top of book: one raw read of the book (no contract call). Any failure (no market, a
    /// malformed value) means no book: the pools still sell the line.
    fn book_top(&self, token: &Addr) -> Option<TopOfBook> {
        let raw = self
            .deps
            .querier
            .query_wasm_raw(
                self.orderbook?.as_str(),
                top_key(&AssetInfo::cw20(token.clone())),
            )
            .ok()??;
        from_json(&raw).ok()
    }

    /// The market's orders as a taker of `side` meets them: one `Takeable` query, made only when the top could
    /// beat the pools. A book that errs counts as none.
    fn book_orders(&self, market_id: u32, side: Side) -> Option<TakeableResponse> {
        self.deps
            .querier
            .query_wasm_smart(
                self.orderbook?.as_str(),
                &BookQuery::Takeable {
                    market_id,
                    side,
                    taker: None,
                    limit: None,
                },
            )
            .ok()
            .map(|mut view: TakeableResponse| {
                view.taker_fee = self.discounted(view.taker_fee);
                view
            })
    }
}
