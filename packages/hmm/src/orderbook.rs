//! `orderbook`: HIP-8's limit-order book beside the pools. One market per compute-unit asset (the base) against
//! the contract's quote asset ($AI); assets are [`AssetInfo`]s, cw20 or native.
//!
//! Units: quantities are base atoms and must be whole lots (`lot_size` base atoms); a price is the quote atoms paid
//! for ONE LOT and must be a multiple of `tick_size`. So the quote amount of any fill, `price × lots`, is an exact
//! integer: a bid escrows exactly what it can pay, and nothing is rounded but the fees (rounded up, so what a maker
//! or a taker receives is rounded down). Fees are charged in the asset each side receives. Times are block times in
//! seconds.
//!
//! Orders arrive as [`ExecuteMsg::PlaceOrder`] with native funds, or as a cw20 `Send` with a
//! [`ReceiveMsg::PlaceOrder`] hook; either way the asset sent must be the order's escrow exactly (a bid: `price ×
//! quantity / lot_size` quote atoms; an ask: `quantity` base atoms). An immediate bid (immediate-or-cancel or
//! fill-or-kill) may send less: it then spends at most what it sent (a budget), so a taker that knows the fills
//! it will get (the [`QueryMsg::Takeable`] query) pays exactly their cost.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Decimal, Uint128};
use cw20::Cw20ReceiveMsg;
use cw_ownable::{cw_ownable_execute, cw_ownable_query};

use crate::asset::AssetInfo;

/// The most maker orders one message may touch (fill, or remove as expired or as a self-trade): the contract's
/// bound on matching work per transaction. A caller's `max_fills` is capped by it.
pub const MAX_FILLS: u32 = 32;
/// The most orders one `Cancel` may name.
pub const MAX_CANCEL: u32 = 100;
/// The highest maker or taker fee rate a market may have (10 %).
pub const MAX_FEE_PERMILLE: u64 = 100;
/// Default maker fee rate: 0.1 % (HIP-8 fee schedule).
pub const DEFAULT_MAKER_FEE_PERMILLE: u64 = 1;
/// Default taker fee rate: 0.3 % (HIP-8 fee schedule).
pub const DEFAULT_TAKER_FEE_PERMILLE: u64 = 3;

/// Creates the order-book contract.
#[cw_serde]
pub struct InstantiateMsg {
    /// Owner (creates markets, sets fees); defaults to the sender. Moves in two steps (`update_ownership`).
    pub owner: Option<String>,
    /// The quote asset of every market ($AI).
    pub quote: AssetInfo,
    /// Receives the treasury part of the fees.
    pub treasury: String,
    /// The fraction ζ of every fee that is burned (the rest goes to the treasury), at most 1.
    pub burn_share: Decimal,
}

/// Which side of the book.
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord)]
pub enum Side {
    /// Buy the base asset, paying the quote asset.
    Bid,
    /// Sell the base asset for the quote asset.
    Ask,
}

/// How an order treats the book.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum OrderKind {
    /// Good till cancelled (or until `expires_at`): matches what it crosses, the rest rests.
    Limit,
    /// Refused (`PostOnlyWouldCross`) if it would match at once; otherwise rests as a maker.
    PostOnly,
    /// Immediate or cancel: matches what it crosses, the rest is refunded; never rests.
    ImmediateOrCancel,
    /// Fill or kill: matches its whole quantity at once or is refused (`NotFilled`); never rests. What the router
    /// and the job registry send for the book's part of a plan, so a plan the book cannot fill exactly reverts.
    FillOrKill,
}

impl OrderKind {
    /// Whether an order of this kind never rests (it takes or is refunded at once).
    pub fn is_immediate(self) -> bool {
        matches!(self, OrderKind::ImmediateOrCancel | OrderKind::FillOrKill)
    }
}

/// A new order (the same fields whether paid in native funds or by a cw20 `Send`).
#[cw_serde]
pub struct PlaceOrderMsg {
    /// The market.
    pub market_id: u32,
    /// Buy or sell.
    pub side: Side,
    /// Quote atoms per lot; a positive multiple of the market's `tick_size`.
    pub price: Uint128,
    /// Base atoms; a positive multiple of the market's `lot_size`, at least `min_lots` lots and `min_notional`
    /// quote atoms at `price`.
    pub quantity: Uint128,
    /// Limit, post-only, or immediate-or-cancel.
    pub kind: OrderKind,
    /// Block time from which a resting order counts as expired (refunded when matching reaches it, or cancelled by
    /// anyone); must be in the future; not allowed on immediate-or-cancel orders.
    pub expires_at: Option<u64>,
    /// The most maker orders this order may touch (default and cap: [`MAX_FILLS`]). Reached with some left, an
    /// immediate-or-cancel order refunds the rest; a limit order rests unless its price still crosses the book,
    /// in which case the rest is refunded too (a resting order never crosses the book).
    pub max_fills: Option<u32>,
    /// Receives what an immediate order buys (its fills, net of the taker fee); defaults to the owner. Refunds
    /// always go to the owner. Not allowed on orders that may rest (their fills are paid to their owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// A volume discount on the taker fee (HIP-8 tiers), at most `hmm::pool::MAX_FEE_DISCOUNT`: honoured only
    /// for the contract's configured router (`UpdateConfig.router`), else `DiscountNotAllowed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taker_fee_discount: Option<Decimal>,
}

/// The order book's execute messages.
#[cw_ownable_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// A cw20 `Send` to the book: the tokens sent escrow the hook's order ([`ReceiveMsg`]).
    Receive(Cw20ReceiveMsg),
    /// An order paid in native funds (exactly one coin: its escrow).
    PlaceOrder(PlaceOrderMsg),
    /// Cancels resting orders and refunds their escrow: the sender's own, or anyone's that has expired.
    Cancel {
        /// The orders (at most [`MAX_CANCEL`]).
        order_ids: Vec<u64>,
    },
    /// Opens a market (owner only: markets are permissioned).
    CreateMarket(CreateMarketMsg),
    /// Changes a market's fees and minimums (owner only); absent fields stay.
    UpdateMarket {
        /// The market.
        market_id: u32,
        /// New maker fee rate.
        maker_fee: Option<Decimal>,
        /// New taker fee rate.
        taker_fee: Option<Decimal>,
        /// New minimum order size in lots.
        min_lots: Option<Uint128>,
        /// New minimum order value in quote atoms.
        min_notional: Option<Uint128>,
    },
    /// Changes the treasury or the burn share (owner only); absent fields stay.
    UpdateConfig {
        /// New treasury.
        treasury: Option<String>,
        /// New burn share ζ.
        burn_share: Option<Decimal>,
        /// The router whose orders may carry a taker-fee discount; the empty string: none.
        #[serde(default)]
        router: Option<String>,
    },
    /// Pays out the fee ledger (anyone may call): the treasury part to the treasury, the burn part burned (cw20
    /// `Burn`, or bank `Burn` for a native asset).
    CollectFees {
        /// Only these assets (empty: all).
        assets: Vec<AssetInfo>,
    },
}

/// The cw20 hooks of the book.
#[cw_serde]
pub enum ReceiveMsg {
    /// An order paid by the tokens sent.
    PlaceOrder(PlaceOrderMsg),
}

/// A new market.
#[cw_serde]
pub struct CreateMarketMsg {
    /// The compute-unit asset traded against the quote asset (one market per base asset).
    pub base: AssetInfo,
    /// Base atoms per lot: every quantity is a whole number of lots.
    pub lot_size: Uint128,
    /// Price step, in quote atoms per lot.
    pub tick_size: Uint128,
    /// Smallest order, in lots (≥ 1).
    pub min_lots: Uint128,
    /// Smallest order value, in quote atoms (`price × lots`).
    pub min_notional: Uint128,
    /// Maker fee rate (default 0.1 %, at most 10 %).
    pub maker_fee: Option<Decimal>,
    /// Taker fee rate (default 0.3 %, at most 10 %).
    pub taker_fee: Option<Decimal>,
}

/// The order book's queries.
#[cw_ownable_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// Quote asset, treasury, burn share, counters.
    #[returns(ConfigResponse)]
    Config {},
    /// One market.
    #[returns(Market)]
    Market {
        /// The market.
        market_id: u32,
    },
    /// Markets by ascending id.
    #[returns(MarketsResponse)]
    Markets {
        /// Start after this id.
        start_after: Option<u32>,
        /// At most this many (default 10, at most 30).
        limit: Option<u32>,
    },
    /// One resting order (filled, cancelled and expired orders are removed).
    #[returns(Order)]
    Order {
        /// The order.
        order_id: u64,
    },
    /// An owner's resting orders by ascending id.
    #[returns(OrdersResponse)]
    OrdersByOwner {
        /// The owner.
        owner: String,
        /// Start after this id.
        start_after: Option<u64>,
        /// At most this many (default 10, at most 30).
        limit: Option<u32>,
    },
    /// Aggregated price levels of both sides, best first (bids descending, asks ascending).
    #[returns(DepthResponse)]
    Depth {
        /// The market.
        market_id: u32,
        /// Bid levels start after (below) this price.
        bid_start_after: Option<Uint128>,
        /// Ask levels start after (above) this price.
        ask_start_after: Option<Uint128>,
        /// At most this many levels per side (default 10, at most 100).
        limit: Option<u32>,
    },
    /// The best bid and ask (expired orders still count until removed).
    #[returns(BestPricesResponse)]
    BestPrices {
        /// The market.
        market_id: u32,
    },
    /// The fee ledger: fees waiting for `collect_fees`, per asset.
    #[returns(FeesResponse)]
    Fees {},
    /// What a taker would meet now: the resting orders of the side opposite `side`, in priority order, as far as
    /// an order with `max_fills = limit` would walk; each marked whether it would fill (expired orders and the
    /// taker's own are removed when reached, and count against `max_fills`). A router replays matching on it
    /// exactly (fills and the taker fee per fill, [`fee_of`]).
    #[returns(TakeableResponse)]
    Takeable {
        /// The market.
        market_id: u32,
        /// The taker's side (`bid` reads the asks).
        side: Side,
        /// The taker (its own orders would be cancelled, not filled); none: every unexpired order fills.
        taker: Option<String>,
        /// At most this many orders (default and cap: [`MAX_FILLS`]).
        limit: Option<u32>,
    },
}

/// Migrates the order book to a newer code.
#[cw_serde]
pub struct MigrateMsg {}

/// The contract's configuration.
#[cw_serde]
pub struct ConfigResponse {
    /// The quote asset.
    pub quote: AssetInfo,
    /// The treasury.
    pub treasury: Addr,
    /// The burned fraction ζ of the fees.
    pub burn_share: Decimal,
    /// Markets created.
    pub market_count: u32,
    /// Orders placed (the last order id).
    pub order_count: u64,
}

/// A market (also its stored record).
#[cw_serde]
pub struct Market {
    /// Its id (from 1).
    pub id: u32,
    /// The base asset.
    pub base: AssetInfo,
    /// Base atoms per lot.
    pub lot_size: Uint128,
    /// Price step, quote atoms per lot.
    pub tick_size: Uint128,
    /// Smallest order in lots.
    pub min_lots: Uint128,
    /// Smallest order value in quote atoms.
    pub min_notional: Uint128,
    /// Maker fee rate.
    pub maker_fee: Decimal,
    /// Taker fee rate.
    pub taker_fee: Decimal,
}

/// Markets by id.
#[cw_serde]
pub struct MarketsResponse {
    /// The markets.
    pub markets: Vec<Market>,
}

/// A resting order (also its stored record).
#[cw_serde]
pub struct Order {
    /// Its id (from 1, in placement order: the time priority).
    pub id: u64,
    /// The market.
    pub market_id: u32,
    /// Who placed it (receives its fills and refunds).
    pub owner: Addr,
    /// Bid or ask.
    pub side: Side,
    /// Quote atoms per lot.
    pub price: Uint128,
    /// Lots placed.
    pub lots: Uint128,
    /// Lots still resting.
    pub remaining_lots: Uint128,
    /// When it expires, if ever.
    pub expires_at: Option<u64>,
    /// Block time of placement.
    pub placed_at: u64,
}

/// Resting orders.
#[cw_serde]
pub struct OrdersResponse {
    /// The orders.
    pub orders: Vec<Order>,
}

/// One price level: everything resting at one price on one side.
#[cw_serde]
pub struct DepthLevel {
    /// Quote atoms per lot.
    pub price: Uint128,
    /// Lots resting.
    pub lots: Uint128,
    /// Base atoms resting (`lots × lot_size`).
    pub quantity: Uint128,
    /// Orders resting.
    pub orders: u32,
}

/// Aggregated depth.
#[cw_serde]
pub struct DepthResponse {
    /// Bid levels, highest price first.
    pub bids: Vec<DepthLevel>,
    /// Ask levels, lowest price first.
    pub asks: Vec<DepthLevel>,
}

/// The top of the book.
#[cw_serde]
pub struct BestPricesResponse {
    /// The highest bid, if any.
    pub bid: Option<Uint128>,
    /// The lowest ask, if any.
    pub ask: Option<Uint128>,
}

/// Fees waiting for collection in one asset.
#[cw_serde]
pub struct FeeLedger {
    /// The asset.
    pub asset: AssetInfo,
    /// Owed to the treasury.
    pub treasury: Uint128,
    /// To be burned.
    pub burn: Uint128,
}

/// The fee ledger.
#[cw_serde]
pub struct FeesResponse {
    /// One entry per asset with fees waiting.
    pub fees: Vec<FeeLedger>,
}

/// One resting order as a taker would meet it.
#[cw_serde]
pub struct TakeableOrder {
    /// The order.
    pub order_id: u64,
    /// Quote atoms per lot.
    pub price: Uint128,
    /// Lots resting.
    pub lots: Uint128,
    /// `false`: expired, or the taker's own: it would be removed, not filled (and still count as one fill).
    pub fills: bool,
}

/// Answer to [`QueryMsg::Takeable`].
#[cw_serde]
pub struct TakeableResponse {
    /// Base atoms per lot.
    pub lot_size: Uint128,
    /// The taker fee rate, charged per fill in the asset the taker receives, rounded up ([`fee_of`]).
    pub taker_fee: Decimal,
    /// The smallest order in lots.
    pub min_lots: Uint128,
    /// The smallest order value in quote atoms (limit price × lots).
    pub min_notional: Uint128,
    /// The orders, in priority order.
    pub orders: Vec<TakeableOrder>,
}

/// The top of one market's book, published by the book under its base asset ([`top_key`]) and rewritten whenever
/// it changes: a router reads it with one raw query (a storage read, no contract call) and asks for the orders
/// (`Takeable`) only when the best ask could beat the pools.
#[cw_serde]
pub struct TopOfBook {
    /// The market.
    pub market_id: u32,
    /// Base atoms per lot.
    pub lot_size: Uint128,
    /// The taker fee rate.
    pub taker_fee: Decimal,
    /// The best bid (quote atoms per lot), if any; expired orders count until removed.
    pub bid: Option<Uint128>,
    /// The best ask (quote atoms per lot), if any; expired orders count until removed.
    pub ask: Option<Uint128>,
}

/// The namespace of the book's published tops (see [`top_key`]).
pub const TOP_NAMESPACE: &str = "top";

/// The storage key of a base asset's [`TopOfBook`] (a JSON value), keyed by its [`AssetInfo::key`].
pub fn top_key(base: &AssetInfo) -> Vec<u8> {
    cw_storage_plus::Map::<&str, TopOfBook>::new(TOP_NAMESPACE)
        .key(base.key().as_str())
        .to_vec()
}

/// `rate` of `amount`, rounded up: a fee, so what its payer keeps is rounded down. The book charges it per fill,
/// on each side's receipt.
pub fn fee_of(amount: Uint128, rate: Decimal) -> Result<Uint128, cosmwasm_std::StdError> {
    amount
        .checked_mul_ceil(rate)
        .map_err(|e| cosmwasm_std::StdError::generic_err(e.to_string()))
}
