//! Bundle planning (2025 §6, 2026 eq.22), stateless: each line of a resource vector is bought, exact out, from the
//! pools whose SLA tags meet the requirement — from the cheapest one, or split across several when that costs less.
//! The split solves the convex program of 2025 §6.2 greedily: the line is cut into [`SPLIT_STEPS`] equal steps and
//! each step goes to the pool that sells it cheapest after the steps before it, which equalises the pools' marginal
//! prices to within one step. It is kept only if it beats the best single pool, and it is only tried when more than
//! one pool can sell the line, so single-pool classes cost no extra solves.
//!
//! The router contract plans with pools read by raw queries ([`PoolSource`]); each pool then executes its part
//! with [`plan_lines`], the same solves in the same order, so it charges exactly what the plan priced.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Api, Decimal256, OverflowError, StdError, Uint128};
use hmm::orderbook::{fee_of, Side, TakeableResponse, TopOfBook};
use hmm::pool::{LatencyClass, SlaRequirement, SlaTags};
use hmm::router::{
    BookFill, BundleItem, PoolOrder, RouteLeg, RoutePart, MAX_CANDIDATES, MAX_ITEMS, MAX_SCAN,
};
use hmm_math::{Direction, Rounding, Udec};
use thiserror::Error;

use crate::trade::{apply_leg, plan_buy_after, Prior, SwapPlan};
use crate::{EngineError, Pool};

/// Steps a line is cut into when it is split across pools.
const SPLIT_STEPS: u128 = 4;

/// Every way planning a bundle fails.
#[derive(Error, Debug, PartialEq)]
pub enum RouteError {
    /// A pool refused a solve that had to succeed, or arithmetic overflowed.
    #[error(transparent)]
    Engine(#[from] EngineError),

    /// Reading a pool failed (a malformed record, a failed query).
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error("the amount must be positive")]
    ZeroAmount,

    /// Starts with [`hmm::router::NO_ROUTE_PREFIX`] (the registry's `EfeRank` relies on it; tested).
    #[error("{}{} under the requested SLA", hmm::router::NO_ROUTE_PREFIX, .0)]
    NoRoute(String),

    #[error("a line names {named} pools; at most {max}")]
    TooManyPools { named: usize, max: usize },

    #[error("a bundle has {count} lines; at most {max}")]
    TooManyItems { count: usize, max: usize },
}

/// Where the planner reads pools: the router reads them by raw queries of the pool contract, tests and the
/// simulator from memory.
pub trait PoolSource {
    /// Ids of the pools indexed under `token`, ascending, at most `limit`.
    fn class_pools(&self, token: &Addr, limit: usize) -> Result<Vec<u64>, RouteError>;
    /// The pool record; an unknown id is an error.
    fn pool(&self, id: u64) -> Result<Pool, RouteError>;
    /// The order book's published top of `token`'s market, if a book trades it (a router reads it by raw query).
    /// A book that cannot be read counts as none: the pools still sell the line.
    fn book_top(&self, _token: &Addr) -> Option<TopOfBook> {
        None
    }
    /// The resting orders a taker of `side` would meet now in a market (`Takeable`: a bid meets the asks), asked
    /// only when the top shows an order that could beat the pools.
    fn book_orders(&self, _market_id: u32, _side: Side) -> Option<TakeableResponse> {
        None
    }
}

/// What the planner knows of a class's book.
enum BookState {
    /// No book, or nothing to take.
    Absent,
    /// Only its published top: the orders are read when the top could beat the pools.
    Top(TopOfBook),
    /// Its asks, as the bundle's earlier lines left them.
    Loaded(BookAsks),
}

/// A class's market on the order book, as a taker bid would meet it (`hmm::orderbook::QueryMsg::Takeable`).
#[derive(Clone, Debug, PartialEq)]
pub struct BookAsks {
    pub market_id: u32,
    pub view: TakeableResponse,
}

/// What a fill-or-kill bid for `lots` lots meets: the fills as the book makes them.
#[derive(Clone, Copy, Debug, PartialEq)]
struct BookTake {
    lots: u128,
    /// CU atoms received, net of each fill's taker fee.
    net: Uint128,
    /// $AI atoms paid.
    cost: Uint128,
    /// The last fill's price: the bid's limit.
    price: Uint128,
    /// Orders met (removed expired ones included).
    touched: u32,
}

impl BookAsks {
    /// The fills of a bid for `lots` lots, replaying the book's matching (priority order, fees per fill rounded
    /// up); `None` if the asks hold fewer lots.
    fn take(&self, lots: u128) -> Result<Option<BookTake>, RouteError> {
        let v = &self.view;
        let mut t = BookTake {
            lots,
            net: Uint128::zero(),
            cost: Uint128::zero(),
            price: Uint128::zero(),
            touched: 0,
        };
        let mut left = lots;
        for order in &v.orders {
            if left == 0 {
                break;
            }
            t.touched += 1;
            if !order.fills {
                continue;
            }
            let n = left.min(order.lots.u128());
            let base = Uint128::new(n).checked_mul(v.lot_size)?;
            t.net = t
                .net
                .checked_add(base.checked_sub(fee_of(base, v.taker_fee)?)?)?;
            t.cost = t
                .cost
                .checked_add(order.price.checked_mul(Uint128::new(n))?)?;
            t.price = order.price;
            left -= n;
        }
        Ok((left == 0).then_some(t))
    }

    /// Lots the usable asks hold.
    fn usable_lots(&self) -> u128 {
        self.view
            .orders
            .iter()
            .filter(|o| o.fills)
            .map(|o| o.lots.u128())
            .fold(0, u128::saturating_add)
    }

    /// Whether a bid of `t` meets the market's minimum order (lots and value at its limit).
    fn allowed(&self, t: &BookTake) -> bool {
        Uint128::new(t.lots) >= self.view.min_lots
            && t.price
                .checked_mul(Uint128::new(t.lots))
                .unwrap_or(Uint128::MAX)
                >= self.view.min_notional
    }

    /// The asks after `t` was taken: orders met leave, the last filled one shrinks (as the book does).
    fn consume(&mut self, t: &BookTake) {
        let mut left = t.lots;
        let mut gone = 0;
        for order in self.view.orders.iter_mut() {
            if left == 0 {
                break;
            }
            if order.fills {
                let n = left.min(order.lots.u128());
                left -= n;
                order.lots = Uint128::new(order.lots.u128() - n);
                if !order.lots.is_zero() {
                    break;
                }
            }
            gone += 1;
        }
        self.view.orders.drain(..gone);
    }
}

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
#[derive(Debug)]
pub struct BundlePlan {
    /// Each line and the trades that buy it, one per pool step.
    pub legs: Vec<(RouteLeg, Vec<Trade>)>,
    /// Every pool considered, as it would be after the bundle (only the traded ones differ from storage).
    pub pools: BTreeMap<u64, Pool>,
    /// The book's part of lines, in line order.
    pub book_fills: Vec<BookFill>,
    pub total_cost: Uint128,
}

/// Plan every line against the pools' current state (lines touching the same pool see each other's effect).
pub fn plan_bundle(
    source: &dyn PoolSource,
    api: &dyn Api,
    items: &[BundleItem],
    sla: &SlaRequirement,
) -> Result<BundlePlan, RouteError> {
    if items.is_empty() {
        return Err(RouteError::ZeroAmount);
    }
    if items.len() > MAX_ITEMS {
        return Err(RouteError::TooManyItems {
            count: items.len(),
            max: MAX_ITEMS,
        });
    }
    let mut pools: BTreeMap<u64, Pool> = BTreeMap::new();
    // What the bundle's trades so far did to each (pool, class); few entries: a vector is smaller code than a map.
    let mut priors: Vec<((u64, usize), Prior)> = vec![];
    let mut legs = Vec::with_capacity(items.len());
    let mut total_cost = Uint128::zero();
    // Each class's book asks, read once per bundle and consumed by its lines in turn.
    let mut books: BTreeMap<Addr, BookState> = BTreeMap::new();
    let mut book_fills = vec![];
    for item in items {
        if item.amount.is_zero() {
            return Err(RouteError::ZeroAmount);
        }
        let token = api.addr_validate(&item.cu_token)?;
        let ids: Vec<u64> = if item.pools.is_empty() {
            source.class_pools(&token, MAX_SCAN)?
        } else {
            let mut named = item.pools.clone();
            named.sort_unstable();
            named.dedup();
            if named.len() > MAX_CANDIDATES {
                return Err(RouteError::TooManyPools {
                    named: named.len(),
                    max: MAX_CANDIDATES,
                });
            }
            named
        };
        // The pools that can sell this line, as they are after the lines before it (loaded once per bundle).
        for &id in &ids {
            if let Entry::Vacant(slot) = pools.entry(id) {
                slot.insert(source.pool(id)?);
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
            let Some(class) = pool.classes.iter().position(|c| c.cu_token == token) else {
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
        if let Entry::Vacant(slot) = books.entry(token.clone()) {
            slot.insert(match source.book_top(&token) {
                Some(top) if top.ask.is_some() && !top.lot_size.is_zero() => BookState::Top(top),
                _ => BookState::Absent,
            });
        }
        let state = books
            .get_mut(&token)
            .ok_or(EngineError::invalid("a book state is missing"))?;
        if let BookState::Top(top) = state {
            if top_could_help(&candidates, top, item.amount)? {
                *state = match source.book_orders(top.market_id, Side::Bid) {
                    Some(view) if !view.lot_size.is_zero() => BookState::Loaded(BookAsks {
                        market_id: top.market_id,
                        view,
                    }),
                    _ => BookState::Absent,
                };
            }
        }
        let book = match state {
            BookState::Loaded(asks) => Some(asks),
            _ => None,
        };
        let (steps, take) = match best_line(&candidates, book.as_deref(), item.amount)? {
            Some(line) => line,
            None => return Err(RouteError::NoRoute(item.cu_token.clone())),
        };
        let book_fill = match (take, book) {
            (Some(t), Some(book)) => {
                book.consume(&t);
                Some(BookFill {
                    line: u32::try_from(legs.len()).unwrap_or(u32::MAX),
                    cu_token: token.clone(),
                    market_id: book.market_id,
                    price: t.price,
                    quantity: Uint128::new(t.lots).checked_mul(book.view.lot_size)?,
                    max_fills: t.touched,
                    cost: t.cost,
                    amount: t.net,
                })
            }
            _ => None,
        };
        let book_cost = book_fill.as_ref().map_or(Uint128::zero(), |b| b.cost);
        let cost = cost_of(&steps)?.checked_add(book_cost)?;
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
            let pool = pools
                .get_mut(&id)
                .ok_or(EngineError::invalid("a planned pool was not loaded"))?;
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
            // The book sold the whole line: its last fill's price per CU atom received.
            None => match (&book_fill, books.get(&token)) {
                (Some(fill), Some(BookState::Loaded(book))) => {
                    let keep = Decimal256::one()
                        .checked_sub(book.view.taker_fee.into())
                        .unwrap_or_default();
                    Decimal256::checked_from_ratio(fill.price, book.view.lot_size)
                        .ok()
                        .and_then(|per_atom| per_atom.checked_div(keep).ok())
                        .unwrap_or(Decimal256::MAX)
                }
                _ => Decimal256::zero(),
            },
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
        book_fills.extend(book_fill);
    }
    Ok(BundlePlan {
        legs,
        pools,
        book_fills,
        total_cost,
    })
}

impl BundlePlan {
    /// The plan as one order per pool, in the order the pools are first traded: each pool's steps in plan order
    /// and what they cost. Executing the orders one after the other (each pool with [`plan_lines`]) makes exactly
    /// the trades planned: a step only moves its own pool.
    pub fn orders(&self) -> Result<Vec<PoolOrder>, RouteError> {
        let mut orders: Vec<PoolOrder> = vec![];
        for (leg, trades) in &self.legs {
            for trade in trades {
                let line = hmm::pool::BuyLine {
                    cu_token: leg.cu_token.to_string(),
                    amount: trade.plan.return_amount,
                };
                match orders.iter_mut().find(|o| o.pool_id == trade.pool_id) {
                    Some(order) => {
                        order.lines.push(line);
                        order.cost = order.cost.checked_add(trade.plan.offer_amount)?;
                    }
                    None => orders.push(PoolOrder {
                        pool_id: trade.pool_id,
                        lines: vec![line],
                        cost: trade.plan.offer_amount,
                    }),
                }
            }
        }
        Ok(orders)
    }
}

/// One executed line of a pool's order: the plan and the (treasury, burn) parts of each leg's fee.
pub type BoughtLine = (SwapPlan, Vec<(Uint128, Uint128)>);

/// A pool's order, executed on the pool: buy each `(class, CU atoms)` line exact out, one after the other, moving
/// `pool`. Each line is solved on the pool as the lines before left it, with their totals as its [`Prior`] (the
/// risk fee and the price-impact cap apply to the order's total per class): the planner's solves for this pool's
/// steps, in the same order, so the same costs.
pub fn plan_lines(
    pool: &mut Pool,
    lines: &[(usize, Uint128)],
) -> Result<Vec<BoughtLine>, EngineError> {
    let mut priors: Vec<(usize, Prior)> = vec![];
    let mut bought = Vec::with_capacity(lines.len());
    for &(class, amount) in lines {
        if amount.is_zero() {
            return Err(EngineError::ZeroAmount);
        }
        let prior = match priors.iter().find(|(c, _)| *c == class) {
            Some((_, prior)) => *prior,
            None => Prior::start(pool, class, Direction::BuyResource)?,
        };
        let plan = plan_buy_after(pool, class, amount, &prior)?;
        let mut after = prior;
        for leg in &plan.legs {
            after = after.after(leg)?;
        }
        match priors.iter_mut().find(|(c, _)| *c == class) {
            Some((_, p)) => *p = after,
            None => priors.push((class, after)),
        }
        let fees = plan
            .legs
            .iter()
            .map(|leg| apply_leg(pool, leg))
            .collect::<Result<_, _>>()?;
        bought.push((plan, fees));
    }
    Ok(bought)
}

/// The bundle's earlier trades of class `key.1` of pool `key.0`, if any.
fn find_prior(priors: &[((u64, usize), Prior)], key: (u64, usize)) -> Option<Prior> {
    priors.iter().find(|(k, _)| *k == key).map(|(_, p)| *p)
}

/// One trade of a bundle: the pool, the plan, and the (treasury, burn) parts of each leg's fee.
#[derive(Debug)]
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

fn cost_of(steps: &[Step]) -> Result<Uint128, RouteError> {
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

/// The pools' cheapest way to sell `amount`: one pool, or a split when cheaper; nothing for a zero amount;
/// `None` if no pool can.
fn pool_line(candidates: &[Candidate], amount: Uint128) -> Result<Option<Vec<Step>>, RouteError> {
    if amount.is_zero() {
        return Ok(Some(vec![]));
    }
    let single = cheapest(candidates, amount);
    let split = if candidates.len() > 1 && amount.u128() >= SPLIT_STEPS {
        split_line(candidates, amount)?
    } else {
        None
    };
    Ok(match (single, split) {
        (Some(one), Some(many)) if cost_of(&many)? < one.plan.offer_amount => Some(many),
        (Some(one), _) => Some(vec![one]),
        (None, many) => many,
    })
}

/// A line bought with `b` lots from the book and the rest from the pools: its cost, pool steps and book take.
type Mix = (Uint128, Vec<Step>, Option<BookTake>);
/// How a line is bought: the pools' steps and the book's take.
type Line = (Vec<Step>, Option<BookTake>);

/// The cheapest way to buy a line from the book and the pools (HIP-8 best execution): `b` lots from the book's
/// asks in priority order, the rest `amount − net(b)` from the pools. With the asks sorted by price and the pools'
/// prices rising with size, the cost `f(b) = book(b) + pools(amount − net(b))` is convex in `b`, so the first `b`
/// where one more lot stops saving (`f(b + 1) ≥ f(b)`) is the minimum: found by bisection over the lots the book
/// can deliver without exceeding the line, each step two pool solves. The book is used only when it saves, and
/// the asks it takes are exactly those cheaper than the pools' marginal price to within one lot. `None`: neither
/// can fill the line.
fn best_line(
    candidates: &[Candidate],
    book: Option<&BookAsks>,
    amount: Uint128,
) -> Result<Option<Line>, RouteError> {
    let pools_only = pool_line(candidates, amount)?;
    let Some(book) = book else {
        return Ok(pools_only.map(|steps| (steps, None)));
    };
    let mix = |b: u128| -> Result<Option<Mix>, RouteError> {
        let Some(t) = book.take(b)? else {
            return Ok(None);
        };
        let Ok(rest) = amount.checked_sub(t.net) else {
            return Ok(None);
        };
        let Some(steps) = pool_line(candidates, rest)? else {
            return Ok(None);
        };
        Ok(Some((
            cost_of(&steps)?.checked_add(t.cost)?,
            steps,
            Some(t),
        )))
    };
    let mut best: Option<Mix> = match pools_only {
        Some(steps) => Some((cost_of(&steps)?, steps, None)),
        None => None,
    };
    let usable = book.usable_lots();
    // Lots the book can sell without exceeding the line (its net grows with the lots), …
    let max_lots = match first(1, usable, |b| {
        Ok(book.take(b)?.is_none_or(|t| t.net > amount))
    })? {
        Some(over) => over - 1,
        None => usable,
    };
    // … at least the market's minimum order (its value at the limit grows with the lots), …
    let min_lots = first(1, max_lots, |b| {
        Ok(book.take(b)?.is_some_and(|t| book.allowed(&t)))
    })?;
    // … and enough that the pools can sell the rest.
    let feasible = match min_lots {
        Some(lo) => first(lo, max_lots, |b| Ok(mix(b)?.is_some()))?,
        None => None,
    };
    if let Some(lo) = feasible {
        // The convex minimum: the first lot count after which one more lot stops saving.
        let b = first(lo, max_lots, |b| {
            if b == max_lots {
                return Ok(true);
            }
            Ok(match (mix(b)?, mix(b + 1)?) {
                (Some(here), Some(next)) => next.0 >= here.0,
                _ => true,
            })
        })?
        .unwrap_or(lo);
        if let Some(found) = mix(b)? {
            if best.as_ref().is_none_or(|(cost, _, _)| found.0 < *cost) {
                best = Some(found);
            }
        }
    }
    Ok(best.map(|(_, steps, take)| (steps, take)))
}

/// Whether the book's top ask could make the line cheaper: the cost of one lot at the top price (a lower bound on
/// any lot's: expired orders count in the top, dearer asks lie behind it) and the pools for the rest, against the
/// pools alone. By the convexity `best_line` relies on, if one lot does not save, no number of lots does; so the
/// orders are read (a contract query) only when this holds.
fn top_could_help(
    candidates: &[Candidate],
    top: &TopOfBook,
    amount: Uint128,
) -> Result<bool, RouteError> {
    let Some(ask) = top.ask else {
        return Ok(false);
    };
    let net = top
        .lot_size
        .checked_sub(fee_of(top.lot_size, top.taker_fee)?)?;
    let Ok(rest) = amount.checked_sub(net) else {
        return Ok(false);
    };
    let Some(alone) = pool_line(candidates, amount)? else {
        return Ok(true);
    };
    Ok(match pool_line(candidates, rest)? {
        Some(steps) => cost_of(&steps)?.checked_add(ask)? < cost_of(&alone)?,
        None => true,
    })
}

/// The smallest `x` in `lo..=hi` where the monotone `pred` holds (false, then true), by bisection; `None` if it
/// never does.
pub(crate) fn first(
    lo: u128,
    hi: u128,
    pred: impl Fn(u128) -> Result<bool, RouteError>,
) -> Result<Option<u128>, RouteError> {
    if lo > hi || !pred(hi)? {
        return Ok(None);
    }
    let (mut lo, mut hi) = (lo, hi);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid)? {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(Some(lo))
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
fn split_line(candidates: &[Candidate], amount: Uint128) -> Result<Option<Vec<Step>>, RouteError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{default_curvature, default_fees};
    use crate::PoolClass;
    use hmm::pool::{CurveKind, ExecutionMode};
    use proptest::prelude::*;

    /// A pool of one class holding `q` CU atoms against `p` $AI atoms.
    fn pool(id: u64, kind: CurveKind, q: u128, p: u128) -> Pool {
        Pool {
            id,
            kind,
            classes: vec![PoolClass {
                cu_token: cosmwasm_std::testing::MockApi::default().addr_make("cu"),
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

    /// Pools held in memory, every one indexed under each of its classes.
    struct Memory(BTreeMap<u64, Pool>);

    impl PoolSource for Memory {
        fn class_pools(&self, token: &Addr, limit: usize) -> Result<Vec<u64>, RouteError> {
            Ok(self
                .0
                .values()
                .filter(|p| p.classes.iter().any(|c| c.cu_token == *token))
                .map(|p| p.id)
                .take(limit)
                .collect())
        }
        fn pool(&self, id: u64) -> Result<Pool, RouteError> {
            self.0
                .get(&id)
                .cloned()
                .ok_or(RouteError::Std(StdError::not_found("pool")))
        }
    }

    fn sla() -> SlaRequirement {
        SlaRequirement {
            regions: vec![],
            max_latency: None,
            min_privacy_tier: 0,
            tee_required: false,
        }
    }

    #[test]
    fn refusals_are_typed() {
        let api = cosmwasm_std::testing::MockApi::default();
        let memory = Memory(BTreeMap::from([(
            1,
            pool(1, CurveKind::Bilinear, 1_000_000, 100_000_000),
        )]));
        let line = |amount: u128, pools: Vec<u64>| BundleItem {
            cu_token: cosmwasm_std::testing::MockApi::default()
                .addr_make("cu")
                .to_string(),
            amount: Uint128::new(amount),
            pools,
        };
        assert_eq!(
            plan_bundle(&memory, &api, &[], &sla()).unwrap_err(),
            RouteError::ZeroAmount
        );
        assert_eq!(
            plan_bundle(&memory, &api, &[line(0, vec![])], &sla()).unwrap_err(),
            RouteError::ZeroAmount
        );
        assert_eq!(
            plan_bundle(&memory, &api, &[line(5, (0..17).collect())], &sla()).unwrap_err(),
            RouteError::TooManyPools {
                named: 17,
                max: MAX_CANDIDATES
            }
        );
        // More than the pool holds: no pool can fill it.
        let err = plan_bundle(&memory, &api, &[line(2_000_000, vec![])], &sla()).unwrap_err();
        assert!(matches!(err, RouteError::NoRoute(_)));
        assert!(err.to_string().starts_with(hmm::router::NO_ROUTE_PREFIX));
        let mut tee = sla();
        tee.tee_required = true;
        assert!(matches!(
            plan_bundle(&memory, &api, &[line(5, vec![])], &tee).unwrap_err(),
            RouteError::NoRoute(_)
        ));
    }

    /// Every way to give `total` steps to `n` pools (k₀ + k₁ + … = total).
    fn allocations(n: usize, total: u128) -> Vec<Vec<u128>> {
        if n == 1 {
            return vec![vec![total]];
        }
        let mut all = vec![];
        for first in 0..=total {
            for mut rest in allocations(n - 1, total - first) {
                rest.insert(0, first);
                all.push(rest);
            }
        }
        all
    }

    #[test]
    fn allocations_are_all_the_ways_to_share_the_steps() {
        assert_eq!(allocations(2, 4).len(), 5);
        assert_eq!(allocations(3, 4).len(), 15);
        assert!(allocations(3, 4)
            .iter()
            .all(|a| a.iter().sum::<u128>() == 4));
    }

    /// The cost of buying `steps[n]` steps of `step` atoms (the last step of the line takes `last` instead) from pool
    /// `n`, each pool's steps one after the other: what an allocation of the line's steps costs. `None` if a pool
    /// cannot sell its share.
    fn allocation_cost(pools: &[Pool], steps: &[u128], amount: u128) -> Option<u128> {
        let step = amount / SPLIT_STEPS;
        let last = amount - step * (SPLIT_STEPS - 1);
        let mut cost = 0;
        // The remainder step goes to the last pool that takes any (the planner's last step is the remainder too;
        // which pool gets it only moves a few atoms, and both orders are tried below).
        for (n, (pool, &k)) in pools.iter().zip(steps).enumerate() {
            if k == 0 {
                continue;
            }
            let mut pool = pool.clone();
            let takes_last = steps[n + 1..].iter().all(|&k| k == 0);
            let lines: Vec<(usize, Uint128)> = (0..k)
                .map(|j| {
                    let a = if takes_last && j + 1 == k { last } else { step };
                    (0, Uint128::new(a))
                })
                .collect();
            let bought = plan_lines(&mut pool, &lines).ok()?;
            cost += bought
                .iter()
                .map(|(p, _)| p.offer_amount.u128())
                .sum::<u128>();
        }
        Some(cost)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        /// The rule the planner follows, against brute force: at the granularity of a step (a quarter of the
        /// line), no reallocation of the steps among the pools costs less than the plan, and the plan is never
        /// dearer than the cheapest single pool buying the whole line in one solve. (Greedy steps are optimal
        /// because each pool's marginal cost grows with what it sold: the curve is convex and the risk fee grows
        /// with the transaction's total.) A tolerance of one atom per step covers where the remainder step lands.
        #[test]
        fn no_allocation_of_the_steps_beats_the_plan(
            depths in prop::collection::vec((100u128..1_000, 100u128..120, any::<bool>()), 2..4),
            amount in 4u128..200_000,
        ) {
            let api = cosmwasm_std::testing::MockApi::default();
            let pools: Vec<Pool> = depths
                .iter()
                .enumerate()
                .map(|(n, &(q, price, bilinear))| {
                    let kind = if bilinear { CurveKind::Bilinear } else { CurveKind::TargetReserve };
                    pool(n as u64, kind, q * 1_000_000, q * price * 1_000_000)
                })
                .collect();
            let memory = Memory(pools.iter().map(|p| (p.id, p.clone())).collect());
            let amount = amount * 1_000;
            let item = BundleItem {
                cu_token: api.addr_make("cu").to_string(),
                amount: Uint128::new(amount),
                pools: vec![],
            };
            let plan = match plan_bundle(&memory, &api, &[item], &sla()) {
                Ok(plan) => plan.total_cost.u128(),
                Err(RouteError::NoRoute(_)) => return Ok(()),
                Err(e) => return Err(TestCaseError::fail(e.to_string())),
            };
            // Every allocation of the 4 steps among the pools (k₀ + k₁ + … = 4).
            let n = pools.len();
            let mut best_single = u128::MAX;
            for single in &pools {
                let mut one = single.clone();
                if let Ok(b) = plan_lines(&mut one, &[(0, Uint128::new(amount))]) {
                    best_single = best_single.min(b[0].0.offer_amount.u128());
                }
            }
            prop_assert!(plan <= best_single, "plan {plan} > best single pool {best_single}");
            for alloc in allocations(n, SPLIT_STEPS) {
                for reversed in [false, true] {
                    let (ordered, order): (Vec<Pool>, Vec<u128>) = if reversed {
                        (pools.iter().rev().cloned().collect(), alloc.iter().rev().copied().collect())
                    } else {
                        (pools.clone(), alloc.clone())
                    };
                    if let Some(cost) = allocation_cost(&ordered, &order, amount) {
                        prop_assert!(
                            plan <= cost + SPLIT_STEPS,
                            "allocation {order:?} costs {cost} < plan {plan}"
                        );
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Each pool executing its order with `plan_lines` (on the pool as stored, one pool after the other)
        /// charges exactly what the plan priced, delivers the planned amounts, and ends as the plan's pools.
        #[test]
        fn pools_executing_their_orders_charge_the_plan(
            depths in prop::collection::vec((100u128..1_000, 100u128..120, any::<bool>()), 1..5),
            lines in prop::collection::vec(1u128..40_000, 1..4),
        ) {
            let api = cosmwasm_std::testing::MockApi::default();
            let memory = Memory(
                depths
                    .iter()
                    .enumerate()
                    .map(|(n, &(q, price, bilinear))| {
                        let kind = if bilinear { CurveKind::Bilinear } else { CurveKind::TargetReserve };
                        (n as u64, pool(n as u64, kind, q * 1_000_000, q * price * 1_000_000))
                    })
                    .collect(),
            );
            let items: Vec<BundleItem> = lines
                .iter()
                .map(|&a| BundleItem { cu_token: cosmwasm_std::testing::MockApi::default().addr_make("cu").to_string(), amount: Uint128::new(a * 1_000), pools: vec![] })
                .collect();
            let plan = match plan_bundle(&memory, &api, &items, &sla()) {
                Ok(plan) => plan,
                // Lines larger than the pools can sell within their price-impact caps.
                Err(RouteError::NoRoute(_)) => return Ok(()),
                Err(e) => return Err(TestCaseError::fail(e.to_string())),
            };
            let orders = plan.orders().unwrap();
            let mut total = Uint128::zero();
            for order in &orders {
                let mut pool = memory.0[&order.pool_id].clone();
                let lines: Vec<(usize, Uint128)> = order.lines.iter().map(|l| (0, l.amount)).collect();
                let bought = plan_lines(&mut pool, &lines).unwrap();
                let cost: Uint128 = bought.iter().map(|(p, _)| p.offer_amount).sum();
                prop_assert_eq!(cost, order.cost);
                for ((p, _), line) in bought.iter().zip(&order.lines) {
                    prop_assert_eq!(p.return_amount, line.amount);
                }
                prop_assert_eq!(&pool, &plan.pools[&order.pool_id]);
                total += cost;
            }
            prop_assert_eq!(total, plan.total_cost);
        }

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

    /// Pools in memory beside one class's book asks.
    struct WithBook(Memory, BookAsks, std::cell::Cell<u32>);

    impl WithBook {
        fn new(memory: Memory, asks: BookAsks) -> WithBook {
            WithBook(memory, asks, std::cell::Cell::new(0))
        }
    }

    impl PoolSource for WithBook {
        fn class_pools(&self, token: &Addr, limit: usize) -> Result<Vec<u64>, RouteError> {
            self.0.class_pools(token, limit)
        }
        fn pool(&self, id: u64) -> Result<Pool, RouteError> {
            self.0.pool(id)
        }
        fn book_top(&self, _token: &Addr) -> Option<TopOfBook> {
            let v = &self.1.view;
            Some(TopOfBook {
                market_id: self.1.market_id,
                lot_size: v.lot_size,
                taker_fee: v.taker_fee,
                bid: None,
                ask: v.orders.first().map(|o| o.price),
            })
        }
        fn book_orders(&self, _market_id: u32, _side: Side) -> Option<TakeableResponse> {
            self.2.set(self.2.get() + 1);
            Some(self.1.view.clone())
        }
    }

    /// Asks of `(price per lot, lots, fills)`, lots of 1,000 CU atoms, a 0.3 % taker fee.
    fn asks(orders: &[(u128, u128, bool)], min_lots: u128, min_notional: u128) -> BookAsks {
        BookAsks {
            market_id: 1,
            view: TakeableResponse {
                lot_size: Uint128::new(1_000),
                taker_fee: cosmwasm_std::Decimal::permille(3),
                min_lots: Uint128::new(min_lots),
                min_notional: Uint128::new(min_notional),
                orders: orders
                    .iter()
                    .enumerate()
                    .map(|(n, &(price, lots, fills))| hmm::orderbook::TakeableOrder {
                        order_id: n as u64 + 1,
                        price: Uint128::new(price),
                        lots: Uint128::new(lots),
                        fills,
                    })
                    .collect(),
            },
        }
    }

    fn line(amount: u128) -> BundleItem {
        BundleItem {
            cu_token: cosmwasm_std::testing::MockApi::default()
                .addr_make("cu")
                .to_string(),
            amount: Uint128::new(amount),
            pools: vec![],
        }
    }

    #[test]
    fn asks_cheaper_than_the_pool_are_taken_first_and_dear_ones_never() {
        let api = cosmwasm_std::testing::MockApi::default();
        // The pool sells at ~100 atoms per CU atom: 100,000 per lot of 1,000 before its fee and impact.
        let memory = Memory(BTreeMap::from([(
            1,
            pool(1, CurveKind::Bilinear, 10_000_000, 1_000_000_000),
        )]));
        let book = asks(
            &[
                (90_000, 2, false),
                (95_000, 3, true),
                (99_000, 2, true),
                (150_000, 50, true),
            ],
            1,
            0,
        );
        let source = WithBook::new(memory, book);
        let plan = plan_bundle(&source, &api, &[line(20_000)], &sla()).unwrap();
        let leg = &plan.legs[0].0;
        let fill = plan.book_fills[0].clone();
        assert_eq!((fill.line, plan.book_fills.len()), (0, 1));
        // The expired 90,000 ask is met but not filled; the five cheap lots are taken, the 150,000 ask is not.
        assert_eq!(
            (fill.quantity.u128(), fill.price.u128(), fill.max_fills),
            (5_000, 99_000, 3)
        );
        assert_eq!(fill.cost.u128(), 3 * 95_000 + 2 * 99_000);
        // 0.3 % per fill, rounded up: 9 of 3,000 and 6 of 2,000.
        assert_eq!(fill.amount.u128(), 5_000 - 15);
        let pools: u128 = plan.legs[0]
            .1
            .iter()
            .map(|t| t.plan.return_amount.u128())
            .sum();
        assert_eq!(pools + fill.amount.u128(), 20_000);
        assert_eq!(leg.cost, plan.total_cost);
        // The orders were read once (the top showed a cheaper ask).
        assert_eq!(source.2.get(), 1);
        // Without the book, the same line costs more.
        let alone = plan_bundle(&source.0, &api, &[line(20_000)], &sla()).unwrap();
        assert!(plan.total_cost < alone.total_cost);
        // Two lines of the class: the second meets the asks the first left.
        let twice = plan_bundle(&source, &api, &[line(3_000), line(20_000)], &sla()).unwrap();
        let (first, second) = (twice.book_fills[0].clone(), twice.book_fills[1].clone());
        assert_eq!((first.line, second.line), (0, 1));
        assert_eq!((first.quantity.u128(), first.max_fills), (3_000, 2));
        assert_eq!(
            (
                second.quantity.u128(),
                second.price.u128(),
                second.max_fills
            ),
            (2_000, 99_000, 1)
        );
    }

    #[test]
    fn a_top_ask_dearer_than_the_pools_costs_no_read_of_the_orders() {
        let api = cosmwasm_std::testing::MockApi::default();
        let memory = Memory(BTreeMap::from([(
            1,
            pool(1, CurveKind::Bilinear, 10_000_000, 1_000_000_000),
        )]));
        let source = WithBook::new(memory, asks(&[(150_000, 50, true)], 1, 0));
        let plan = plan_bundle(&source, &api, &[line(20_000), line(5_000)], &sla()).unwrap();
        assert!(plan.book_fills.is_empty());
        assert_eq!(source.2.get(), 0);
    }

    #[test]
    fn the_book_alone_can_sell_a_line_and_minimums_are_met() {
        let api = cosmwasm_std::testing::MockApi::default();
        let empty = Memory(BTreeMap::new());
        // 1,994 atoms net of fees from two lots: exactly the line, no pool needed.
        let source = WithBook::new(empty, asks(&[(95_000, 2, true)], 1, 0));
        let plan = plan_bundle(&source, &api, &[line(1_994)], &sla()).unwrap();
        let fill = plan.book_fills[0].clone();
        assert_eq!((fill.quantity.u128(), fill.amount.u128()), (2_000, 1_994));
        assert!(plan.legs[0].1.is_empty());
        assert_eq!(plan.legs[0].0.pool_id, 0);
        // One atom more: nothing can sell it.
        assert!(matches!(
            plan_bundle(&source, &api, &[line(1_995)], &sla()),
            Err(RouteError::NoRoute(_))
        ));
        // A minimum of 3 lots the book cannot reach: the pool sells everything.
        let memory = Memory(BTreeMap::from([(
            1,
            pool(1, CurveKind::Bilinear, 10_000_000, 1_000_000_000),
        )]));
        let source = WithBook::new(memory, asks(&[(95_000, 2, true)], 3, 0));
        let plan = plan_bundle(&source, &api, &[line(10_000)], &sla()).unwrap();
        assert!(plan.book_fills.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The rule, checked by brute force: no number of book lots (bought from the asks in priority order, the
        /// rest from the pools) costs less than the plan (measured exact over 2,000 cases).
        #[test]
        fn no_number_of_book_lots_beats_the_plan(
            depth in 1u128..50,
            orders in prop::collection::vec((80u128..130, 1u128..8, prop::bool::weighted(0.85)), 0..6),
            min_lots in 1u128..3,
            amount in 1u128..40,
        ) {
            let api = cosmwasm_std::testing::MockApi::default();
            let memory = Memory(BTreeMap::from([(
                1,
                pool(1, CurveKind::Bilinear, depth * 1_000_000, depth * 100_000_000),
            )]));
            let mut sorted: Vec<(u128, u128, bool)> =
                orders.iter().map(|&(p, l, f)| (p * 1_000, l, f)).collect();
            sorted.sort_by_key(|o| o.0);
            let book = asks(&sorted, min_lots, 0);
            let amount = amount * 1_000 + 17;
            let plan = match plan_bundle(&WithBook::new(Memory(memory.0.clone()), book.clone()), &api, &[line(amount)], &sla()) {
                Ok(plan) => plan,
                Err(RouteError::NoRoute(_)) => return Ok(()),
                Err(e) => return Err(TestCaseError::fail(e.to_string())),
            };
            let (leg, trades) = &plan.legs[0];
            let fill = plan.book_fills.first();
            let bought: u128 = trades.iter().map(|t| t.plan.return_amount.u128()).sum::<u128>()
                + fill.map_or(0, |b| b.amount.u128());
            prop_assert_eq!(bought, amount);
            prop_assert_eq!(leg.cost, plan.total_cost);
            for b in 0..=book.usable_lots() {
                let (net, cost) = match book.take(b).unwrap() {
                    Some(t) if b == 0 || book.allowed(&t) => (t.net.u128(), t.cost.u128()),
                    _ => continue,
                };
                if net > amount {
                    break;
                }
                let rest = if net == amount {
                    0
                } else {
                    match plan_bundle(&memory, &api, &[line(amount - net)], &sla()) {
                        Ok(p) => p.total_cost.u128(),
                        Err(_) => continue,
                    }
                };
                prop_assert!(
                    plan.total_cost.u128() <= cost + rest,
                    "{b} lots cost {} < plan {}", cost + rest, plan.total_cost
                );
            }
        }
    }
}
