//! `router`: best execution of compute purchases across the pools (the Astroport router's place: a periphery
//! contract that owns no liquidity). A bundle (2025 §6, 2026 eq.22) is planned against the pools' records, read by
//! raw queries and priced by the same engine code the pools run (`hmm-pool-engine`), and executed as one
//! `hmm::pool::ReceiveMsg::Buy` (one order per pool) in the same transaction.
//!
//! Which pools sell a class: the router's own index, filled by `RegisterPools` (anyone; each id is checked
//! against the pool's record) and pruned by the owner. A line that names its pools (`BundleItem::pools`) does not
//! depend on the index.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Decimal256, Uint128};
use cw20::Cw20ReceiveMsg;

use crate::pool::SlaRequirement;

/// Most lines one bundle may have (the job registry's largest resource vector): with each line split in at most 4
/// steps, a plan stays within the 64 lines one pool `Buy` takes.
pub const MAX_ITEMS: usize = 16;
/// Most pools a line is planned against (bounds the solves per line): the deepest eligible ones.
pub const MAX_CANDIDATES: usize = 16;
/// Most index entries of one class read per line (bounds the raw reads per line). Ineligible pools (paused,
/// batch-only, SLA mismatch, empty) are skipped before the candidate bound applies.
pub const MAX_SCAN: usize = 32;

/// Creates the router.
#[cw_serde]
pub struct InstantiateMsg {
    /// Owner (may prune the pool index); defaults to the sender.
    pub owner: Option<String>,
    /// The `hmm-pool` contract whose pools the router buys from.
    pub pool_contract: String,
    /// The $AI cw20 token (what bundles are paid in).
    pub ai_token: String,
    /// The order book whose asks a line may take before the pools (its markets quoted in this $AI); none: pools
    /// only.
    #[serde(default)]
    pub orderbook: Option<String>,
    /// The volume tiers (HIP-8 fee schedule), ascending thresholds; default: 10 / 20 / 30 % off the taker fees
    /// above 1,000 / 10,000 / 100,000 $AI of 30-day volume (in the token's decimals, read at instantiation).
    #[serde(default)]
    pub tiers: Option<Vec<VolumeTier>>,
}

/// One volume tier: a trader whose rolling 30-day volume through the router is at least `min_volume` pays its
/// taker fees (pools' and the book's) less `discount`.
#[cw_serde]
pub struct VolumeTier {
    /// $AI atoms of 30-day volume.
    pub min_volume: Uint128,
    /// Fraction off every taker fee rate, at most `hmm::pool::MAX_FEE_DISCOUNT`.
    pub discount: cosmwasm_std::Decimal,
}

/// The length of the volume window: 30 days.
pub const VOLUME_WINDOW_SECONDS: u64 = 30 * 24 * 3600;
/// Most tiers a router keeps.
pub const MAX_TIERS: usize = 8;

/// The router's execute messages. Native funds are refused on every one.
#[cw_serde]
pub enum ExecuteMsg {
    /// A cw20 `Send` of $AI carrying a [`ReceiveMsg`].
    Receive(Cw20ReceiveMsg),
    /// Add pools to the index of the classes they trade. Anyone may: each id is read from the pool contract and
    /// indexed under every class it has (an unknown id is refused; an indexed one is left as it is).
    RegisterPools {
        /// Pool ids of the pool contract; 1 to 32.
        pool_ids: Vec<u64>,
    },
    /// Remove pools from the index (owner only): a way out if junk pools fill a class's scan window.
    DeregisterPools {
        /// Pool ids; 1 to 32.
        pool_ids: Vec<u64>,
    },
    /// Sets or removes the order book (owner only): a way out if the book misbehaves. Without one, lines are
    /// bought from the pools only.
    SetOrderbook {
        /// The order-book contract; none: stop using a book.
        orderbook: Option<String>,
    },
    /// Replaces the volume tiers (owner only): ascending `min_volume`, non-decreasing discounts, at most 8.
    SetTiers {
        /// The tiers; empty: no discounts.
        tiers: Vec<VolumeTier>,
    },
    /// Two-step ownership transfer (cw-ownable).
    UpdateOwnership(cw_ownable::Action),
}

/// Hooks carried by a cw20 `Send` to the router: of $AI (`BuyBundle`) or of a CU token (`Sell`).
#[cw_serde]
pub enum ReceiveMsg {
    /// Sell all the CU sent for $AI (exact in): the book's bids that pay more than the pools first (one
    /// fill-or-kill ask), the rest into the pool that pays the most (one exact-in swap), in the same transaction.
    /// Refused as a whole if it would pay less than `min_out`. The sale counts toward the seller's volume; volume
    /// discounts apply to purchases only.
    Sell {
        /// The least $AI (atoms) to receive in all.
        min_out: Uint128,
        /// Refuse after this block time (seconds since the Unix epoch); `None`: no deadline.
        deadline: Option<u64>,
        /// Recipient of the $AI; defaults to the seller.
        to: Option<String>,
    },
    /// Buy a bundle of CU with the $AI sent: each line from the cheapest pool that meets the SLA, or split across
    /// pools when that costs less (exact out), executed as one `Buy` of the pool contract; unspent $AI is refunded. Fails as a whole if any line cannot be
    /// filled within the amount sent (the amount sent is the maximum input).
    BuyBundle {
        /// The lines to buy: 1 to 16 (`MAX_ITEMS`), every amount positive.
        items: Vec<BundleItem>,
        /// What every selling pool's SLA tags must meet.
        sla: SlaRequirement,
        /// Refuse after this block time (seconds since the Unix epoch); `None`: no deadline.
        deadline: Option<u64>,
        /// Recipient of the CU; defaults to the sender of the $AI (the refund always goes to the sender).
        to: Option<String>,
    },
}

/// One CU class sold for $AI across the book's bids and a pool (exact in): what the router's `Sell` does, and its
/// `SellQuote` answer.
#[cw_serde]
pub struct SellQuote {
    /// The pool's part: sold with one exact-in `Swap`; none when the book takes it all.
    pub pool: Option<PoolSale>,
    /// The book's part: one fill-or-kill ask; none when the pool pays more for every lot.
    pub book: Option<BookSale>,
    /// $AI atoms received in all, fees deducted.
    pub total_out: Uint128,
}

/// The pool's part of a sale.
#[cw_serde]
pub struct PoolSale {
    /// The pool that pays the most for it.
    pub pool_id: u64,
    /// CU atoms sold into it.
    pub amount: Uint128,
    /// $AI atoms it pays (its fee deducted): the swap's `min_out`.
    pub out: Uint128,
}

/// The book's part of a sale: the bids one fill-or-kill ask takes, in priority order.
#[cw_serde]
pub struct BookSale {
    /// The class's market.
    pub market_id: u32,
    /// The ask's limit: the lowest bid price it reaches (quote atoms per lot).
    pub price: Uint128,
    /// CU atoms sold (whole lots): the ask's escrow.
    pub quantity: Uint128,
    /// The resting orders it meets (expired ones included).
    pub max_fills: u32,
    /// $AI atoms received, less the taker fee of each fill (rounded up per fill).
    pub out: Uint128,
}

impl BookSale {
    /// The fill-or-kill ask that makes this sale, its $AI paid to `recipient`; send it with exactly `quantity` CU.
    pub fn order(&self, recipient: &str) -> crate::orderbook::PlaceOrderMsg {
        crate::orderbook::PlaceOrderMsg {
            market_id: self.market_id,
            side: crate::orderbook::Side::Ask,
            price: self.price,
            quantity: self.quantity,
            kind: crate::orderbook::OrderKind::FillOrKill,
            expires_at: None,
            max_fills: Some(self.max_fills),
            recipient: Some(recipient.to_string()),
            taker_fee_discount: None,
        }
    }
}

/// The router's queries.
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The pool contract and the $AI token.
    #[returns(ConfigResponse)]
    Config {},
    /// Cheapest SLA-matching way to buy a bundle (what `BuyBundle` would do now): each line from the cheapest pool,
    /// or split across pools when that costs less, with the shadow price of each line. The budget has no shadow
    /// price: amounts are exact, so a budget either leaves slack (multiplier 0) or makes the bundle infeasible.
    #[returns(RouteResponse)]
    Route {
        /// The lines to buy, as in `BuyBundle`.
        items: Vec<BundleItem>,
        /// What every selling pool's SLA tags must meet.
        sla: SlaRequirement,
        /// Quote with this trader's volume discount (what its `BuyBundle` would pay); none: no discount.
        #[serde(default)]
        trader: Option<String>,
    },
    /// Best way to sell `amount` of a CU class for $AI now (what `Sell` would do): the book's bids better than the
    /// pools, the rest into the pool that pays the most.
    #[returns(SellQuote)]
    SellQuote {
        /// The CU token to sell.
        cu_token: String,
        /// CU atoms to sell (exact in).
        amount: Uint128,
    },
    /// A trader's rolling 30-day volume through the router and the discount it earns.
    #[returns(TierResponse)]
    Tier {
        /// The trader.
        trader: String,
    },
    /// The indexed pools of one class, by id.
    #[returns(ClassPoolsResponse)]
    ClassPools {
        /// The class's CU token.
        cu_token: String,
        /// Start after this pool id.
        start_after: Option<u64>,
        /// At most this many (default and maximum 32).
        limit: Option<u32>,
    },
    /// The owner, and the proposed owner while a transfer is pending (cw-ownable's `Ownership`).
    #[returns(cw_ownable::Ownership<String>)]
    Ownership {},
}

/// Answer to [`QueryMsg::Config`].
#[cw_serde]
pub struct ConfigResponse {
    /// The `hmm-pool` contract.
    pub pool_contract: Addr,
    /// The $AI cw20 token.
    pub ai_token: Addr,
    /// The order book, if the router uses one.
    pub orderbook: Option<Addr>,
    /// The volume tiers.
    pub tiers: Vec<VolumeTier>,
}

/// Answer to [`QueryMsg::Tier`].
#[cw_serde]
pub struct TierResponse {
    /// $AI atoms bought through the router in the last 30 days (the current window plus the previous one weighted
    /// by how much of it still lies within 30 days: a sliding-window estimate from two counters).
    pub volume: Uint128,
    /// The discount on taker fees it earns now.
    pub discount: cosmwasm_std::Decimal,
    /// The next tier up, if any.
    pub next: Option<VolumeTier>,
}

/// Answer to [`QueryMsg::ClassPools`].
#[cw_serde]
pub struct ClassPoolsResponse {
    /// Pool ids, ascending.
    pub pool_ids: Vec<u64>,
}

/// Migrates the router to a newer code.
#[cw_serde]
#[derive(Default)]
pub struct MigrateMsg {
    /// Sets the order book (as `SetOrderbook` would); absent: unchanged.
    #[serde(default)]
    pub orderbook: Option<String>,
}

/// One line of a bundle purchase: `amount` atoms of a CU token.
#[cw_serde]
pub struct BundleItem {
    /// The CU token to buy.
    pub cu_token: String,
    /// CU atoms to receive (exact out).
    pub amount: Uint128,
    /// Only these pools may sell the line (still filtered for eligibility: not paused, continuous, SLA met,
    /// funded; at most 16). Empty (default): the router's choice among the pools of the class (see `Route`).
    /// A buyer who knows its market names it, so no number of other pools can hide it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<u64>,
}

/// The start of the router's refusal when no SLA-matching pool can fill a line (`NoRoute`): how the registry's
/// `EfeRank` tells an infeasible policy (no weight) from a malformed one (an error).
pub const NO_ROUTE_PREFIX: &str = "no pool offers ";

/// How one line of a bundle is bought.
#[cw_serde]
pub struct RouteLeg {
    /// The pool that sells the line, or the largest part of it when the line is split (see `parts`).
    pub pool_id: u64,
    /// The line's CU token.
    pub cu_token: Addr,
    /// CU atoms bought: the whole line.
    pub amount: Uint128,
    /// $AI in, fee included, for the whole line.
    pub cost: Uint128,
    /// When the line is split across pools (2025 §6.2, 2026 eq.22): each pool's part. Empty: one pool sells it all.
    #[serde(default)]
    pub parts: Vec<RoutePart>,
    /// Shadow price of the line's quantity constraint: the $AI cost of one more CU atom at the end of the purchase
    /// (spot price after it ÷ (1 − fee rate of its last trade); the fee rate's own growth with size is not
    /// included). Lines split across pools end with equal marginal prices to within one split step.
    #[serde(default)]
    pub marginal_price: Decimal256,
}

/// The order book's part of a line, when resting asks sell some of it cheaper than the pools would: the asks one
/// fill-or-kill bid takes, in the book's priority order. The line's leg counts it in its `amount` and `cost`; its
/// `pool_id` and `parts` are the pools' part (`pool_id` 0: the book sells the whole line).
#[cw_serde]
pub struct BookFill {
    /// The line (index into the legs).
    pub line: u32,
    /// The line's CU token.
    pub cu_token: Addr,
    /// The book's market of the line's CU token.
    pub market_id: u32,
    /// The bid's limit: the highest ask price it reaches (quote atoms per lot).
    pub price: Uint128,
    /// Base atoms bid for (whole lots).
    pub quantity: Uint128,
    /// The resting orders the bid meets (expired ones included): its `max_fills`.
    pub max_fills: u32,
    /// $AI atoms the fills cost: the bid's budget, sent as its escrow.
    pub cost: Uint128,
    /// CU atoms delivered: `quantity` less the taker fee of each fill (rounded up per fill).
    pub amount: Uint128,
}

impl BookFill {
    /// The fill-or-kill bid that takes this part, its CU paid to `recipient`; send it with exactly `cost` $AI.
    pub fn order(&self, recipient: &str) -> crate::orderbook::PlaceOrderMsg {
        crate::orderbook::PlaceOrderMsg {
            market_id: self.market_id,
            side: crate::orderbook::Side::Bid,
            price: self.price,
            quantity: self.quantity,
            kind: crate::orderbook::OrderKind::FillOrKill,
            expires_at: None,
            max_fills: Some(self.max_fills),
            recipient: Some(recipient.to_string()),
            taker_fee_discount: None,
        }
    }
}

/// One pool's part of a line split across pools.
#[cw_serde]
pub struct RoutePart {
    /// The pool.
    pub pool_id: u64,
    /// CU atoms bought from this pool.
    pub amount: Uint128,
    /// $AI in, fee included.
    pub cost: Uint128,
}

/// Answer to [`QueryMsg::Route`]: the plan and what `BuyBundle` would execute now.
#[cw_serde]
pub struct RouteResponse {
    /// One leg per line, in the order of the items.
    pub legs: Vec<RouteLeg>,
    /// $AI atoms, fees included, for the whole bundle: what `BuyBundle` would charge now.
    pub total_cost: Uint128,
    /// The plan as orders, one per pool, in the order the pools are first traded: what a `BuyBundle` sends the pool
    /// contract in one `hmm::pool::ReceiveMsg::Buy`. A caller that holds the $AI itself (the job registry) can send
    /// that `Buy` directly, in the same transaction, for exactly `total_cost`.
    pub orders: Vec<PoolOrder>,
    /// The `hmm-pool` contract the orders go to.
    pub pool_contract: Addr,
    /// The book's part of lines, at most one per line: each one fill-or-kill bid ([`BookFill::order`]) paid by a
    /// cw20 `Send` of exactly its `cost` to `orderbook`. Empty: the pools sell everything.
    #[serde(default)]
    pub book_fills: Vec<BookFill>,
    /// The order book the router plans with, if any.
    #[serde(default)]
    pub orderbook: Option<Addr>,
}

/// What one pool sells of a bundle: its steps in plan order (a line split across pools gives each pool its steps;
/// a pool executes them one after the other, so it charges exactly what the plan priced).
#[cw_serde]
pub struct PoolOrder {
    /// The pool.
    pub pool_id: u64,
    /// The steps, as a `hmm::pool::BuyOrder` takes them.
    pub lines: Vec<crate::pool::BuyLine>,
    /// $AI atoms, fees included, the pool charges for them.
    pub cost: Uint128,
}
