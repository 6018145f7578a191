//! Selling one CU class for $AI, exact in, across the order book's bids and the pools (HIP-8 best execution, the
//! mirror of a bundle line's purchase in [`crate::route`]): `b` lots into the bids in priority order, the rest into
//! the pool that pays the most for it, `b` maximising `book(b) + pool(amount − b·lot)`. The bids' proceeds fall
//! with each lot and a pool pays less per atom the more it is sold, so the total is concave in `b` and bisection on
//! "one more lot stops paying" finds the maximum. The remainder goes to one pool (no split across pools).

use cosmwasm_std::{Addr, Uint128};
use hmm::orderbook::{fee_of, Side, TakeableResponse, TopOfBook};
use hmm::router::{BookSale, PoolSale, SellQuote, MAX_CANDIDATES, MAX_SCAN};

use crate::route::{first, PoolSource, RouteError};
use crate::trade::{plan_swap, Side as Leg};
use crate::Pool;

/// What a fill-or-kill ask of `lots` lots meets: the fills as the book makes them.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Sale {
    lots: u128,
    /// $AI atoms received, net of each fill's taker fee.
    out: Uint128,
    /// The last (lowest) fill's price: the ask's limit.
    price: Uint128,
    /// Orders met (removed expired ones included).
    touched: u32,
}

/// The bids of `view` taken by an ask of `lots` lots; `None` if they hold fewer.
fn sell_into(view: &TakeableResponse, lots: u128) -> Result<Option<Sale>, RouteError> {
    let mut sale = Sale {
        lots,
        out: Uint128::zero(),
        price: Uint128::zero(),
        touched: 0,
    };
    let mut left = lots;
    for order in &view.orders {
        if left == 0 {
            break;
        }
        sale.touched += 1;
        if !order.fills {
            continue;
        }
        let n = left.min(order.lots.u128());
        let quote = order.price.checked_mul(Uint128::new(n))?;
        sale.out = sale
            .out
            .checked_add(quote.checked_sub(fee_of(quote, view.taker_fee)?)?)?;
        sale.price = order.price;
        left -= n;
    }
    Ok((left == 0).then_some(sale))
}

/// A split of a sale: its total $AI out, the bids' part and the pool's `(id, out)`.
type Proceeds = (Uint128, Option<Sale>, Option<(u64, Uint128)>);

/// The pool paying the most for `amount` (exact in): `(pool id, $AI out)`; `(0, 0)` for nothing to sell.
fn best_pool(pools: &[(u64, usize, Pool)], amount: Uint128) -> Option<(u64, Uint128)> {
    if amount.is_zero() {
        return Some((0, Uint128::zero()));
    }
    pools
        .iter()
        .filter_map(|(id, class, pool)| {
            plan_swap(pool, Leg::Class(*class), Leg::Ai, amount, None)
                .ok()
                .map(|plan| (*id, plan.return_amount))
        })
        .max_by_key(|&(id, out)| (out, std::cmp::Reverse(id)))
}

/// The best sale of `amount` atoms of `token` now; `NoRoute` if neither the pools nor the bids can take it.
pub fn plan_sell(
    source: &dyn PoolSource,
    token: &Addr,
    amount: Uint128,
) -> Result<SellQuote, RouteError> {
    if amount.is_zero() {
        return Err(RouteError::ZeroAmount);
    }
    let mut pools: Vec<(u64, usize, Pool)> = vec![];
    for id in source.class_pools(token, MAX_SCAN)? {
        let pool = source.pool(id)?;
        if pool.paused || pool.batch_window.is_some() || pool.total_shares.is_zero() {
            continue;
        }
        if let Some(class) = pool.classes.iter().position(|c| c.cu_token == *token) {
            pools.push((id, class, pool));
        }
        if pools.len() == MAX_CANDIDATES {
            break;
        }
    }
    let alone = best_pool(&pools, amount);
    let quote = |pool: Option<(u64, Uint128)>, rest: Uint128, book: Option<BookSale>| {
        let pool_out = pool.map_or(Uint128::zero(), |(_, out)| out);
        let book_out = book.as_ref().map_or(Uint128::zero(), |b| b.out);
        Ok::<_, RouteError>(SellQuote {
            pool: pool
                .filter(|(id, _)| *id != 0)
                .map(|(pool_id, out)| PoolSale {
                    pool_id,
                    amount: rest,
                    out,
                }),
            total_out: pool_out.checked_add(book_out)?,
            book,
        })
    };
    let view = match source.book_top(token) {
        Some(top) if bids_could_help(&top, &pools, amount, alone)? => source
            .book_orders(top.market_id, Side::Ask)
            .map(|v| (top.market_id, v)),
        _ => None,
    };
    let Some((market_id, view)) = view.filter(|(_, v)| !v.lot_size.is_zero()) else {
        return match alone {
            Some(pool) => quote(Some(pool), amount, None),
            None => Err(RouteError::NoRoute(token.to_string())),
        };
    };
    let lot = view.lot_size.u128();
    let usable: u128 = view
        .orders
        .iter()
        .filter(|o| o.fills)
        .map(|o| o.lots.u128())
        .fold(0, u128::saturating_add);
    let max_lots = usable.min(amount.u128() / lot);
    // Proceeds of `b` lots into the bids and the rest into the best pool; `None` if not possible.
    let total = |b: u128| -> Result<Option<Proceeds>, RouteError> {
        let sale = if b == 0 {
            None
        } else {
            match sell_into(&view, b)? {
                Some(s)
                    if Uint128::new(b) >= view.min_lots
                        && s.price.checked_mul(Uint128::new(b))? >= view.min_notional =>
                {
                    Some(s)
                }
                _ => return Ok(None),
            }
        };
        let rest = amount.checked_sub(Uint128::new(b * lot))?;
        let Some(pool) = best_pool(&pools, rest) else {
            return Ok(None);
        };
        let out = pool
            .1
            .checked_add(sale.map_or(Uint128::zero(), |s| s.out))?;
        Ok(Some((out, sale, Some(pool))))
    };
    let mut best = total(0)?;
    if let Some(lo) = first(1, max_lots, |b| Ok(total(b)?.is_some()))? {
        // The concave maximum: the first lot count after which one more lot stops paying.
        let b = first(lo, max_lots, |b| {
            if b == max_lots {
                return Ok(true);
            }
            Ok(match (total(b)?, total(b + 1)?) {
                (Some(here), Some(next)) => next.0 <= here.0,
                _ => true,
            })
        })?
        .unwrap_or(lo);
        if let Some(found) = total(b)? {
            if best.as_ref().is_none_or(|(out, _, _)| found.0 > *out) {
                best = Some(found);
            }
        }
    }
    let Some((_, sale, pool)) = best else {
        return Err(RouteError::NoRoute(token.to_string()));
    };
    let sold = Uint128::new(sale.map_or(0, |s| s.lots * lot));
    let book = sale.map(|s| BookSale {
        market_id,
        price: s.price,
        quantity: sold,
        max_fills: s.touched,
        out: s.out,
    });
    quote(pool, amount.checked_sub(sold)?, book)
}

/// Whether the book's top bid could raise the proceeds: one lot at the top price (an upper bound on any lot's:
/// expired orders count in the top, lower bids lie behind it) and the best pool for the rest, against the pools
/// alone. By concavity, if one lot does not pay, no number of lots does; so the bids are read (a contract query)
/// only when this holds.
fn bids_could_help(
    top: &TopOfBook,
    pools: &[(u64, usize, Pool)],
    amount: Uint128,
    alone: Option<(u64, Uint128)>,
) -> Result<bool, RouteError> {
    let Some(bid) = top.bid else {
        return Ok(false);
    };
    let Ok(rest) = amount.checked_sub(top.lot_size) else {
        return Ok(false);
    };
    let Some((_, alone)) = alone else {
        return Ok(true);
    };
    let one_lot = bid.checked_sub(fee_of(bid, top.taker_fee)?)?;
    Ok(match best_pool(pools, rest) {
        Some((_, out)) => out.checked_add(one_lot)? > alone,
        None => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{default_curvature, default_fees};
    use crate::PoolClass;
    use cosmwasm_std::{Decimal, Decimal256, StdError};
    use hmm::orderbook::TakeableOrder;
    use hmm::pool::{CurveKind, ExecutionMode, LatencyClass, SlaTags};
    use proptest::prelude::*;

    fn token() -> Addr {
        cosmwasm_std::testing::MockApi::default().addr_make("cu")
    }

    /// A bilinear pool of one class holding `q` CU atoms against `p` $AI atoms.
    fn pool(q: u128, p: u128) -> Pool {
        Pool {
            id: 1,
            kind: CurveKind::Bilinear,
            classes: vec![PoolClass {
                cu_token: token(),
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

    /// One pool (or none) and one market's bids `(price per lot, lots, fills)`, lots of 1,000 atoms, 0.3 % taker fee.
    struct Venues(Option<Pool>, Vec<(u128, u128, bool)>);

    impl Venues {
        fn view(&self) -> TakeableResponse {
            TakeableResponse {
                lot_size: Uint128::new(1_000),
                taker_fee: Decimal::permille(3),
                min_lots: Uint128::one(),
                min_notional: Uint128::zero(),
                orders: self
                    .1
                    .iter()
                    .enumerate()
                    .map(|(n, &(price, lots, fills))| TakeableOrder {
                        order_id: n as u64 + 1,
                        price: Uint128::new(price),
                        lots: Uint128::new(lots),
                        fills,
                    })
                    .collect(),
            }
        }
    }

    impl PoolSource for Venues {
        fn class_pools(&self, _: &Addr, _: usize) -> Result<Vec<u64>, RouteError> {
            Ok(self.0.iter().map(|p| p.id).collect())
        }
        fn pool(&self, _: u64) -> Result<Pool, RouteError> {
            self.0
                .clone()
                .ok_or(RouteError::Std(StdError::not_found("pool")))
        }
        fn book_top(&self, _: &Addr) -> Option<TopOfBook> {
            Some(TopOfBook {
                market_id: 1,
                lot_size: Uint128::new(1_000),
                taker_fee: Decimal::permille(3),
                bid: self.1.first().map(|o| Uint128::new(o.0)),
                ask: None,
            })
        }
        fn book_orders(&self, _: u32, side: Side) -> Option<TakeableResponse> {
            assert_eq!(side, Side::Ask, "a seller meets the bids");
            Some(self.view())
        }
    }

    #[test]
    fn bids_above_the_pool_are_taken_first_and_low_ones_never() {
        // The pool buys at ~100 $AI atoms per CU atom: 100,000 per lot before its fee and impact.
        let venues = Venues(
            Some(pool(10_000_000, 1_000_000_000)),
            vec![
                (110_000, 2, false),
                (105_000, 3, true),
                (101_000, 2, true),
                (60_000, 50, true),
            ],
        );
        let q = plan_sell(&venues, &token(), Uint128::new(20_500)).unwrap();
        let book = q.book.clone().expect("the bids buy part");
        // The expired 110,000 bid is met, not filled; the five high lots are sold, the 60,000 bid is not.
        assert_eq!(
            (book.quantity.u128(), book.price.u128(), book.max_fills),
            (5_000, 101_000, 3)
        );
        // 0.3 % per fill, rounded up: 945 of 315,000 and 606 of 202,000.
        assert_eq!(book.out.u128(), 315_000 - 945 + 202_000 - 606);
        let pool_part = q.pool.clone().expect("the pool buys the rest");
        assert_eq!(pool_part.amount.u128(), 15_500);
        assert_eq!(q.total_out, book.out + pool_part.out);
        let alone = plan_sell(
            &Venues(venues.0.clone(), vec![]),
            &token(),
            Uint128::new(20_500),
        )
        .unwrap();
        assert!(q.total_out > alone.total_out && alone.book.is_none());
        // No pool: whole lots only.
        let no_pool = Venues(None, vec![(100_000, 3, true)]);
        let q = plan_sell(&no_pool, &token(), Uint128::new(2_000)).unwrap();
        assert!(q.pool.is_none() && q.book.unwrap().quantity.u128() == 2_000);
        assert!(matches!(
            plan_sell(&no_pool, &token(), Uint128::new(2_500)),
            Err(RouteError::NoRoute(_))
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// By brute force over every number of lots: no split between the bids and the pool pays more than the plan.
        #[test]
        fn no_number_of_book_lots_pays_more_than_the_plan(
            depth in 1u128..50,
            bids in prop::collection::vec((70u128..120, 1u128..8, prop::bool::weighted(0.85)), 0..6),
            amount in 1u128..40,
        ) {
            let mut bids: Vec<(u128, u128, bool)> = bids.iter().map(|&(p, l, f)| (p * 1_000, l, f)).collect();
            bids.sort_by_key(|b| std::cmp::Reverse(b.0));
            let venues = Venues(Some(pool(depth * 1_000_000, depth * 100_000_000)), bids);
            let amount = Uint128::new(amount * 1_000 + 17);
            let plan = plan_sell(&venues, &token(), amount).unwrap();
            let sold = plan.book.as_ref().map_or(0, |b| b.quantity.u128())
                + plan.pool.as_ref().map_or(0, |p| p.amount.u128());
            prop_assert_eq!(sold, amount.u128());
            let view = venues.view();
            let pools = vec![(1, 0, venues.0.clone().unwrap())];
            for b in 0..=(amount.u128() / 1_000) {
                let book = if b == 0 { Some(Uint128::zero()) } else { sell_into(&view, b).unwrap().map(|s| s.out) };
                let Some(book) = book else { break };
                let rest = amount - Uint128::new(b * 1_000);
                let Some((_, out)) = best_pool(&pools, rest) else { continue };
                prop_assert!(plan.total_out >= book + out, "{b} lots pay {} > plan {}", book + out, plan.total_out);
            }
        }
    }
}
