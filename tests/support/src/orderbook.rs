//! The order-book suite: $AI (cw20), one cw20 CU token and one native CU denom, the order book quoted in $AI with
//! a market for each (or, [`Suite::native_quote`], the book quoted in a native denom), traders funded with all of
//! them; one method per user action and the queries and invariant checks the assertions need.

use anyhow::Result;
use cosmwasm_std::{coins, Addr, Decimal, Uint128};
use cw_multi_test::{AppResponse, BankSudo, Executor, SudoMsg};
use hmm::asset::AssetInfo;
use hmm::orderbook::{
    BestPricesResponse, CreateMarketMsg, DepthResponse, ExecuteMsg, FeesResponse, Market, Order,
    OrderKind, OrdersResponse, PlaceOrderMsg, QueryMsg, ReceiveMsg, Side,
};

pub use crate::chain::{attr, Chain};
use crate::stack::{StackBuilder, TokenSpec};

/// Every trader starts with this much of every asset (atoms).
pub const START: u128 = 1_000_000_000_000;
/// The native CU denom of the native market.
pub const NATIVE_CU: &str = "ucpu";
/// The native quote denom of [`Suite::native_quote`].
pub const NATIVE_AI: &str = "uai";
/// Base atoms per lot in the suite's markets.
pub const LOT: u128 = 1_000;
/// Price step (quote atoms per lot).
pub const TICK: u128 = 10;
/// Minimum order value (quote atoms).
pub const MIN_NOTIONAL: u128 = 500;

/// The traders, each funded with every asset.
pub const TRADERS: [&str; 5] = ["alice", "bob", "carol", "dave", "attacker"];

pub struct Suite {
    pub app: cw_multi_test::App,
    pub owner: Addr,
    pub treasury: Addr,
    pub book: Addr,
    pub ai: Addr,
    pub cu: Addr,
    /// The quote asset.
    pub quote: AssetInfo,
    /// Market 1: the cw20 CU token against the quote.
    pub cw20_market: u32,
    /// Market 2: the native CU denom against the quote.
    pub native_market: u32,
}

crate::impl_chain!(Suite);

impl Suite {
    /// The book quoted in $AI (cw20) with a cw20 and a native market.
    pub fn new() -> Suite {
        Suite::build(false)
    }

    /// The book quoted in the native denom [`NATIVE_AI`], with the same two markets.
    pub fn native_quote() -> Suite {
        Suite::build(true)
    }

    fn build(native_quote: bool) -> Suite {
        let mut s = StackBuilder::new()
            .ai(TokenSpec::new("HMM AI", "HMMAI", 18).held(&TRADERS, START))
            .cu(TokenSpec::new("Compute unit", "CUGPU", 6).held(&TRADERS, START))
            .build();
        for who in TRADERS {
            let addr = s.addr(who);
            for denom in [NATIVE_CU, NATIVE_AI] {
                s.app
                    .sudo(SudoMsg::Bank(BankSudo::Mint {
                        to_address: addr.to_string(),
                        amount: coins(START, denom),
                    }))
                    .expect("minted");
            }
        }
        let quote = if native_quote {
            AssetInfo::native(NATIVE_AI)
        } else {
            AssetInfo::cw20(s.ai.clone())
        };
        let book = s.deploy_orderbook(quote.clone(), Decimal::percent(25));
        let mut suite = Suite {
            owner: s.owner.clone(),
            treasury: s.treasury.clone(),
            book,
            ai: s.ai.clone(),
            cu: s.cu[0].clone(),
            quote,
            cw20_market: 0,
            native_market: 0,
            app: s.app,
        };
        let cu = AssetInfo::cw20(suite.cu.clone());
        suite.cw20_market = suite.create_market(cu).expect("cw20 market");
        suite.native_market = suite
            .create_market(AssetInfo::native(NATIVE_CU))
            .expect("native market");
        suite
    }

    pub fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    /// The suite's market parameters for `base` (lot [`LOT`], tick [`TICK`], 1 lot and [`MIN_NOTIONAL`] minimum,
    /// default fees).
    pub fn market_msg(base: AssetInfo) -> CreateMarketMsg {
        CreateMarketMsg {
            base,
            lot_size: Uint128::new(LOT),
            tick_size: Uint128::new(TICK),
            min_lots: Uint128::one(),
            min_notional: Uint128::new(MIN_NOTIONAL),
            maker_fee: None,
            taker_fee: None,
        }
    }

    /// `CreateMarket` as the owner; the new market's id.
    pub fn create_market(&mut self, base: AssetInfo) -> Result<u32> {
        let owner = self.owner.clone();
        let res = self.execute(&owner, &ExecuteMsg::CreateMarket(Suite::market_msg(base)))?;
        attr(&res, "market_id").ok_or_else(|| anyhow::anyhow!("no market_id"))
    }

    pub fn market(&self, market_id: u32) -> Market {
        self.query(&QueryMsg::Market { market_id }).expect("market")
    }

    /// The base asset of a market.
    pub fn base(&self, market_id: u32) -> AssetInfo {
        self.market(market_id).base
    }

    /// A plain limit order message.
    pub fn limit(market_id: u32, side: Side, price: u128, quantity: u128) -> PlaceOrderMsg {
        PlaceOrderMsg {
            taker_fee_discount: None,
            market_id,
            side,
            price: Uint128::new(price),
            quantity: Uint128::new(quantity),
            kind: OrderKind::Limit,
            expires_at: None,
            max_fills: None,
            recipient: None,
        }
    }

    /// The escrow an order needs: its asset and amount (a bid `price × lots` of the quote, an ask its quantity of
    /// the base).
    pub fn escrow(&self, msg: &PlaceOrderMsg) -> (AssetInfo, u128) {
        match msg.side {
            Side::Bid => (
                self.quote.clone(),
                msg.price.u128() * (msg.quantity.u128() / LOT),
            ),
            Side::Ask => (self.base(msg.market_id), msg.quantity.u128()),
        }
    }

    /// Places `msg` as `who`, paying exactly its escrow in the right asset.
    pub fn place(&mut self, who: &Addr, msg: PlaceOrderMsg) -> Result<AppResponse> {
        let (asset, amount) = self.escrow(&msg);
        self.place_paying(who, msg, &asset, amount)
    }

    /// Places `msg` as `who`, paying `amount` of `asset` (a cw20 `Send` with the hook, or native funds).
    pub fn place_paying(
        &mut self,
        who: &Addr,
        msg: PlaceOrderMsg,
        asset: &AssetInfo,
        amount: u128,
    ) -> Result<AppResponse> {
        let book = self.book.clone();
        match asset {
            AssetInfo::Cw20 { contract_addr } => {
                let hook = ReceiveMsg::PlaceOrder(msg);
                self.cw20_send(who, contract_addr, &book, amount, &hook)
            }
            AssetInfo::Native { denom } => self.app.execute_contract(
                who.clone(),
                book,
                &ExecuteMsg::PlaceOrder(msg),
                &coins(amount, denom.as_str()),
            ),
        }
    }

    /// The id of the order a `place` response placed.
    pub fn order_id(res: &AppResponse) -> u64 {
        attr(res, "order_id").expect("order_id")
    }

    pub fn cancel(&mut self, who: &Addr, order_ids: Vec<u64>) -> Result<AppResponse> {
        self.execute(who, &ExecuteMsg::Cancel { order_ids })
    }

    pub fn collect_fees(&mut self, who: &Addr, assets: Vec<AssetInfo>) -> Result<AppResponse> {
        self.execute(who, &ExecuteMsg::CollectFees { assets })
    }

    /// Executes `msg` on the book as `who`, no funds.
    pub fn execute(&mut self, who: &Addr, msg: &ExecuteMsg) -> Result<AppResponse> {
        let book = self.book.clone();
        self.call(who, &book, msg)
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T> {
        self.query_on(&self.book, msg)
    }

    pub fn order(&self, order_id: u64) -> Result<Order> {
        self.query(&QueryMsg::Order { order_id })
    }

    /// Every resting order of `who` (all pages).
    pub fn orders_of(&self, who: &Addr) -> Vec<Order> {
        let mut out: Vec<Order> = vec![];
        loop {
            let page: OrdersResponse = self
                .query(&QueryMsg::OrdersByOwner {
                    owner: who.to_string(),
                    start_after: out.last().map(|o| o.id),
                    limit: Some(30),
                })
                .expect("orders");
            if page.orders.is_empty() {
                return out;
            }
            out.extend(page.orders);
        }
    }

    pub fn depth(&self, market_id: u32) -> DepthResponse {
        self.query(&QueryMsg::Depth {
            market_id,
            bid_start_after: None,
            ask_start_after: None,
            limit: Some(100),
        })
        .expect("depth")
    }

    pub fn best(&self, market_id: u32) -> BestPricesResponse {
        self.query(&QueryMsg::BestPrices { market_id })
            .expect("best prices")
    }

    pub fn fees(&self) -> FeesResponse {
        self.query(&QueryMsg::Fees {}).expect("fees")
    }

    /// `who`'s balance of `asset`.
    pub fn holding(&self, asset: &AssetInfo, who: &Addr) -> u128 {
        match asset {
            AssetInfo::Cw20 { contract_addr } => self.balance(contract_addr, who),
            AssetInfo::Native { denom } => self
                .app
                .wrap()
                .query_balance(who, denom)
                .expect("bank balance")
                .amount
                .u128(),
        }
    }

    /// Every asset the book trades: the quote and each market's base.
    pub fn assets(&self) -> Vec<AssetInfo> {
        vec![
            self.quote.clone(),
            self.base(self.cw20_market),
            self.base(self.native_market),
        ]
    }

    /// The book's invariants, checked from outside: no market is crossed (best bid < best ask), and for every
    /// asset the contract holds exactly the escrow of the resting orders plus the fee ledger.
    pub fn check_invariants(&self) {
        for m in [self.cw20_market, self.native_market] {
            let b = self.best(m);
            if let (Some(bid), Some(ask)) = (b.bid, b.ask) {
                assert!(bid < ask, "market {m} crossed: bid {bid} ≥ ask {ask}");
            }
            // The published top of book (what routers read raw) is the book's top and the market's terms.
            let market = self.market(m);
            let raw = self
                .app
                .wrap()
                .query_wasm_raw(self.book.as_str(), hmm::orderbook::top_key(&market.base))
                .expect("raw query");
            let top: hmm::orderbook::TopOfBook =
                cosmwasm_std::from_json(raw.expect("a published top")).expect("a top of book");
            assert_eq!(
                (top.market_id, top.lot_size, top.taker_fee, top.bid, top.ask),
                (m, market.lot_size, market.taker_fee, b.bid, b.ask),
                "market {m}: the published top of book"
            );
        }
        let mut owed: Vec<(AssetInfo, u128)> = self.assets().into_iter().map(|a| (a, 0)).collect();
        let mut add = |asset: &AssetInfo, amount: u128| {
            if let Some(e) = owed.iter_mut().find(|(a, _)| a == asset) {
                e.1 += amount;
            }
        };
        for who in TRADERS {
            for o in self.orders_of(&self.addr(who)) {
                match o.side {
                    Side::Bid => add(&self.quote, o.price.u128() * o.remaining_lots.u128()),
                    Side::Ask => add(&self.base(o.market_id), o.remaining_lots.u128() * LOT),
                }
            }
        }
        for f in self.fees().fees {
            add(&f.asset, f.treasury.u128() + f.burn.u128());
        }
        for (asset, expected) in owed {
            assert_eq!(
                self.holding(&asset, &self.book),
                expected,
                "{asset}: the book's balance is not its resting escrow plus fees"
            );
        }
    }
}

impl Default for Suite {
    fn default() -> Self {
        Suite::new()
    }
}

/// Whether a failed call failed with `expected` (its message somewhere in the error chain: a cw20 hook's error
/// reaches the caller as text inside the token's).
pub fn refused<E: std::fmt::Display>(e: &anyhow::Error, expected: &E) -> bool {
    let wanted = expected.to_string();
    e.chain().any(|c| c.to_string().contains(&wanted))
}
