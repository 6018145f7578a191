//! Routing a bundle line across several pools that sell the same class (2025 §6.2, 2026 eq.22): the split beats
//! the best single pool, the pools end at nearly equal marginal prices, the shadow price is the marginal cost, and
//! `BuyBundle` executes exactly what `Route` quoted. (`EfeRank`, which prices policies by `Route`, is the
//! registry's query since 0.4.0: `contracts/job-registry/tests/registry/efe.rs`.)

use cosmwasm_std::{Decimal256, Uint128};
use hmm::pool::{Ask, CurveKind, ExecuteMsg, QueryMsg, SlaRequirement};
use hmm_testing::pool::Suite;
use hmm_testing::Chain;
use proptest::prelude::*;

const Q0: u128 = 100_000_000_000; // 100k CU (6 decimals)
const P0: u128 = 500_000_000_000_000_000_000_000; // 500k $AI: 5 $AI per CU

/// Two bilinear pools for class 0 at the same price, `tenths_a` and `tenths_b` tenths of (Q0, P0) deep.
fn two_pools(tenths_a: u128, tenths_b: u128) -> (Suite, u64, u64) {
    let mut s = Suite::new(1);
    let a = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[0], "0"))
        .unwrap();
    let b = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[0], "0"))
        .unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, a, &[(Q0 * tenths_a / 10, P0 * tenths_a / 10)], 0)
        .unwrap();
    s.add_liquidity(&lp, b, &[(Q0 * tenths_b / 10, P0 * tenths_b / 10)], 0)
        .unwrap();
    (s, a, b)
}

fn route(s: &Suite, amount: u128) -> hmm::router::RouteResponse {
    s.query_router(&hmm::router::QueryMsg::Route {
        trader: None,
        items: vec![hmm::router::BundleItem {
            cu_token: s.cu[0].to_string(),
            amount: Uint128::new(amount),
            pools: vec![],
        }],
        sla: SlaRequirement::default(),
    })
    .unwrap()
}

/// The cost of buying `amount` from one pool alone (a fresh suite where only that pool exists would be the same:
/// here, a quote of the exact-out trade through `Route` on a suite with one pool).
fn single_pool_cost(tenths: u128, amount: u128) -> u128 {
    let mut s = Suite::new(1);
    let id = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[0], "0"))
        .unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0 * tenths / 10, P0 * tenths / 10)], 0)
        .unwrap();
    route(&s, amount).total_cost.u128()
}

fn ratio(a: Decimal256, b: Decimal256) -> f64 {
    a.to_string().parse::<f64>().unwrap() / b.to_string().parse::<f64>().unwrap()
}

#[test]
fn a_large_line_is_split_across_equal_pools_and_costs_less() {
    let (s, a, b) = two_pools(8, 8);
    let amount = Q0 / 12; // ~10 % of one pool's CU
    let r = route(&s, amount);
    let leg = &r.legs[0];
    assert_eq!(leg.amount.u128(), amount);
    assert_eq!(leg.cost, r.total_cost);
    // Split over both pools, parts add up to the line.
    assert_eq!(leg.parts.len(), 2, "{leg:?}");
    assert!(leg.parts.iter().any(|p| p.pool_id == a) && leg.parts.iter().any(|p| p.pool_id == b));
    let sum: u128 = leg.parts.iter().map(|p| p.amount.u128()).sum();
    let cost: u128 = leg.parts.iter().map(|p| p.cost.u128()).sum();
    assert_eq!((sum, cost), (amount, leg.cost.u128()));
    // Cheaper than the best single pool.
    let single = single_pool_cost(8, amount);
    assert!(
        leg.cost.u128() < single,
        "split {} vs single {single}",
        leg.cost
    );
    // Equal pools get equal halves (4 steps: 2 + 2; the last step also takes the division's remainder).
    assert!(
        leg.parts[0]
            .amount
            .u128()
            .abs_diff(leg.parts[1].amount.u128())
            < 4,
        "{leg:?}"
    );
}

#[test]
fn split_equalises_marginal_prices_and_buy_bundle_executes_the_route() {
    // The second pool is 3× as deep: it should take about 3/4 of the line.
    let (mut s, a, b) = two_pools(2, 6);
    let amount = Q0 / 20;
    let r = route(&s, amount);
    let leg = r.legs[0].clone();
    let part = |id: u64| {
        leg.parts
            .iter()
            .find(|p| p.pool_id == id)
            .map_or(0, |p| p.amount.u128())
    };
    assert_eq!(part(a) + part(b), amount);
    assert!(part(b) > part(a), "the deeper pool sells more: {leg:?}");
    assert_eq!(leg.pool_id, b, "the main pool is the one selling the most");

    // Execute: the trader pays exactly the quoted cost and gets exactly the line.
    let (trader, ai, cu) = (s.trader.clone(), s.ai.clone(), s.cu[0].clone());
    let (ai0, cu0) = (s.balance(&ai, &trader), s.balance(&cu, &trader));
    let hook = hmm::router::ReceiveMsg::BuyBundle {
        items: vec![hmm::router::BundleItem {
            cu_token: cu.to_string(),
            amount: Uint128::new(amount),
            pools: vec![],
        }],
        sla: SlaRequirement::default(),
        deadline: None,
        to: None,
    };
    s.send_router(&trader, &ai, r.total_cost.u128() + 1_000_000, &hook)
        .unwrap();
    assert_eq!(ai0 - s.balance(&ai, &trader), r.total_cost.u128());
    assert_eq!(s.balance(&cu, &trader) - cu0, amount);

    // After the purchase both pools sell at nearly the same marginal price (within one split step's move).
    let (pa, pb) = (
        s.pool_info(a).classes[0].spot_price,
        s.pool_info(b).classes[0].spot_price,
    );
    let gap = (ratio(pa, pb) - 1.0).abs();
    assert!(gap < 0.02, "spot prices after the split: {pa} vs {pb}");
    // Both moved up from 5 $AI/CU (10⁻¹² $AI-atoms per CU-atom scale aside: compare with the start).
    let start = Decimal256::from_ratio(P0, Q0);
    assert!(pa > start && pb > start);
}

#[test]
fn the_shadow_price_is_the_marginal_cost() {
    let (s, _, _) = two_pools(8, 8);
    let amount = Q0 / 12;
    let r = route(&s, amount);
    let extra = amount / 100; // 1 % more
    let r2 = route(&s, amount + extra);
    let finite_difference = (r2.total_cost.u128() - r.total_cost.u128()) as f64 / extra as f64;
    let shadow = r.legs[0].marginal_price.to_string().parse::<f64>().unwrap();
    let average = r.total_cost.u128() as f64 / amount as f64;
    // Marginal above the average (convex cost), and the finite difference within a few per cent of it.
    assert!(shadow > average, "shadow {shadow} vs average {average}");
    assert!(
        (finite_difference / shadow - 1.0).abs() < 0.05,
        "shadow {shadow} vs finite difference {finite_difference}"
    );
}

#[test]
fn one_pool_per_class_is_not_split() {
    let mut s = Suite::new(1);
    let id = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[0], "0"))
        .unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
    let r = route(&s, Q0 / 10);
    assert!(r.legs[0].parts.is_empty());
    assert_eq!(r.legs[0].pool_id, id);
    assert!(r.legs[0].marginal_price > Decimal256::zero());
}

// ---- EFE weighting of policies (2025 eq.15, 2026 eq.34) ----

/// One pool per class, each with 50k CU: class 0 at 5 $AI per CU, class 1 at 10.
/// A 3-class target-reserve pool seeded at 5 $AI per CU in every class (50k CU per class), no volatility fee.
fn three_class_pool() -> (Suite, u64) {
    let mut s = Suite::new(3);
    let mut msg = s.create_msg(CurveKind::TargetReserve, &[0, 1, 2], "0.5");
    // Without the volatility surcharge a trade's fee does not depend on the trades before it in the same block.
    let mut fees = hmm_pool_engine::params::default_fees();
    fees.volatility_fee = Decimal256::zero();
    msg.fees = Some(fees);
    let id = s.create_pool(msg).unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0 / 2, P0 / 2); 3], 0).unwrap();
    (s, id)
}

/// Buys `lines` ((class, CU atoms), in order) once as one `BuyBundle` and once as exact-out swaps one by one, on two
/// identical 3-class pools, and returns the books of both: reserves, the LP's position with its pending fees, the
/// trader's $AI and CU, the treasury's $AI and the $AI supply (burns) after `CollectProtocolFees`.
fn bundle_and_swaps(lines: &[(usize, u128)]) -> (Books, Books) {
    let (mut bundled, id) = three_class_pool();
    let (mut one_by_one, _) = three_class_pool();
    let (trader, ai) = (bundled.trader.clone(), bundled.ai.clone());
    let items: Vec<hmm::router::BundleItem> = lines
        .iter()
        .map(|&(class, amount)| hmm::router::BundleItem {
            cu_token: bundled.cu[class].to_string(),
            amount: Uint128::new(amount),
            pools: vec![],
        })
        .collect();
    let hook = hmm::router::ReceiveMsg::BuyBundle {
        items,
        sla: SlaRequirement::default(),
        deadline: None,
        to: None,
    };
    bundled.send_router(&trader, &ai, P0, &hook).unwrap();
    for &(class, amount) in lines {
        let cu = one_by_one.cu[class].to_string();
        one_by_one
            .swap(
                &trader,
                id,
                &ai,
                P0 / 5,
                Ask::Cu { token: cu },
                Some(amount),
                None,
            )
            .unwrap();
    }
    for s in [&mut bundled, &mut one_by_one] {
        let owner = s.owner.clone();
        s.execute(&owner, &ExecuteMsg::CollectProtocolFees { tokens: vec![] })
            .unwrap();
    }
    (books(&bundled, id), books(&one_by_one, id))
}

/// (reserves per class, the LP's position, trader $AI, treasury $AI, $AI supply, trader CU per class).
type Books = (Vec<(u128, u128)>, String, u128, u128, u128, Vec<u128>);

fn books(s: &Suite, id: u64) -> Books {
    let reserves = s
        .pool_info(id)
        .classes
        .iter()
        .map(|c| (c.resource_reserve.u128(), c.credit_reserve.u128()))
        .collect();
    let position: hmm::pool::ShareResponse = s
        .query(&QueryMsg::Share {
            pool_id: id,
            owner: s.lp.to_string(),
        })
        .unwrap();
    (
        reserves,
        format!("{position:?}"),
        s.balance(&s.ai, &s.trader),
        s.balance(&s.ai, &s.treasury),
        s.supply(&s.ai),
        (0..3).map(|i| s.balance(&s.cu[i], &s.trader)).collect(),
    )
}

/// `BuyBundle` books each touched pool and fee token once per bundle; the reserves, the LP fee growth, the
/// trader's payment and the protocol's treasury and burn must still be exactly those of the same trades made one
/// by one as exact-out swaps. (With a volatility fee they differ by design: a bundle's lines are all priced at the
/// volatility before the bundle, while each separate swap raises it for the next.)
#[test]
fn a_bundle_books_exactly_what_its_trades_would_one_by_one() {
    let (bundled, one_by_one) = bundle_and_swaps(&[(0, Q0 / 50), (1, Q0 / 20), (2, Q0 / 100)]);
    assert_eq!(bundled, one_by_one);
    // The fees were not zero, so the comparison means something.
    assert!(bundled.3 > 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The same for any lines of distinct classes, in any order.
    #[test]
    fn any_bundle_books_what_its_trades_would(
        lines in prop::collection::vec((0usize..3, 1u128..Q0 / 40), 1..4)
    ) {
        let mut seen = [false; 3];
        let lines: Vec<(usize, u128)> =
            lines.into_iter().filter(|(c, _)| !std::mem::replace(&mut seen[*c], true)).collect();
        let (bundled, one_by_one) = bundle_and_swaps(&lines);
        prop_assert_eq!(bundled, one_by_one);
    }

    /// Several lines of one class pay the fee of one purchase of their total (issue 17: splitting a purchase
    /// into lines must not lower the risk fee), so never less than the same trades as separate swaps, whose risk
    /// fees are each measured on their own size.
    #[test]
    fn repeated_lines_never_pay_less_than_separate_swaps(
        lines in prop::collection::vec((0usize..3, 1u128..Q0 / 40), 2..6)
    ) {
        let (bundled, one_by_one) = bundle_and_swaps(&lines);
        // Same CU bought, no more $AI left with the trader than the swaps left him.
        prop_assert_eq!(&bundled.5, &one_by_one.5);
        prop_assert!(bundled.2 <= one_by_one.2, "bundle paid {} less", bundled.2 - one_by_one.2);
    }
}
