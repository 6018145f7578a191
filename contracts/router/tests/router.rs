//! The router on cw-multi-test through the shared harness: the plan a `Route` quotes is what `BuyBundle` executes,
//! a bundle split across pools, the index (who may register what), and every refusal changing nothing.

use cosmwasm_std::{Addr, Uint128};
use hmm::pool::{CurveKind, SlaRequirement};
use hmm::router::{
    BundleItem, ClassPoolsResponse, ExecuteMsg, QueryMsg, ReceiveMsg, RouteResponse,
};
use hmm_pool_engine::route::RouteError;
use hmm_testing::chain::BookActions;
use hmm_testing::pool::{Chain, PoolActions, Suite};
use router::ContractError;

const CU: u128 = 1_000_000;
const AI: u128 = 1_000_000_000_000_000_000;

/// Two bilinear pools of class 0 (one twice as deep) and one of class 1, funded and registered.
fn suite() -> (Suite, Vec<u64>) {
    let mut s = Suite::new(2);
    let lp = s.lp.clone();
    let mut ids = vec![];
    for (class, depth) in [(0, 1), (0, 2), (1, 1)] {
        let id = s
            .create_pool(s.create_msg(CurveKind::Bilinear, &[class], "0"))
            .unwrap();
        s.add_liquidity(&lp, id, &[(depth * 10_000 * CU, depth * 20_000 * AI)], 0)
            .unwrap();
        ids.push(id);
    }
    (s, ids)
}

fn item(s: &Suite, class: usize, amount: u128) -> BundleItem {
    BundleItem {
        cu_token: s.cu[class].to_string(),
        amount: Uint128::new(amount),
        pools: vec![],
    }
}

fn route(s: &Suite, items: &[BundleItem]) -> anyhow::Result<RouteResponse> {
    s.query_router(&QueryMsg::Route {
        trader: None,
        items: items.to_vec(),
        sla: SlaRequirement::default(),
    })
}

fn refusal(e: anyhow::Error) -> ContractError {
    e.downcast().expect("a router ContractError")
}

fn books(s: &Suite, who: &Addr) -> Vec<u128> {
    let mut tokens = vec![s.ai.clone()];
    tokens.extend(s.cu.iter().cloned());
    let mut v: Vec<u128> = tokens.iter().map(|t| s.balance(t, who)).collect();
    v.extend(tokens.iter().map(|t| s.balance(t, &s.router)));
    v
}

#[test]
fn buy_bundle_executes_the_quoted_plan_across_pools() {
    let (mut s, ids) = suite();
    // Large enough that splitting class 0 across its two pools is cheaper than the deeper one alone.
    let items = vec![item(&s, 0, 3_000 * CU), item(&s, 1, 100 * CU)];
    let plan = route(&s, &items).unwrap();
    assert_eq!(plan.legs.len(), 2);
    assert_eq!(
        plan.legs[0].parts.len(),
        2,
        "class 0 split: {:?}",
        plan.legs[0]
    );
    let pools: Vec<u64> = plan.orders.iter().map(|o| o.pool_id).collect();
    assert_eq!(pools.len(), 3, "one order per pool: {pools:?}");
    assert!(ids.iter().all(|id| pools.contains(id)));
    assert_eq!(
        plan.orders.iter().map(|o| o.cost.u128()).sum::<u128>(),
        plan.total_cost.u128()
    );
    assert_eq!(plan.pool_contract, s.pool);

    let (trader, ai) = (s.trader.clone(), s.ai.clone());
    let before = books(&s, &trader);
    let sent = plan.total_cost.u128() + 5 * AI;
    let hook = ReceiveMsg::BuyBundle {
        items: items.clone(),
        sla: SlaRequirement::default(),
        deadline: None,
        to: None,
    };
    let res = s.send_router(&trader, &ai, sent, &hook).unwrap();
    let after = books(&s, &trader);
    assert_eq!(
        before[0] - after[0],
        plan.total_cost.u128(),
        "$AI: exactly the plan"
    );
    assert_eq!(after[1] - before[1], 3_000 * CU);
    assert_eq!(after[2] - before[2], 100 * CU);
    // The router keeps nothing.
    assert!(
        after[3..].iter().all(|b| *b == 0),
        "router balances {:?}",
        &after[3..]
    );
    assert!(res
        .events
        .iter()
        .any(|e| e.attributes.iter().any(|a| a.key == "refund")));
}

#[test]
fn a_bundle_is_refused_whole_and_changes_nothing() {
    let (mut s, _) = suite();
    let (trader, ai) = (s.trader.clone(), s.ai.clone());
    let items = vec![item(&s, 0, 10 * CU), item(&s, 1, 10 * CU)];
    let cost = route(&s, &items).unwrap().total_cost.u128();
    let before = books(&s, &trader);
    let hook = |items: Vec<BundleItem>, deadline: Option<u64>| ReceiveMsg::BuyBundle {
        items,
        sla: SlaRequirement::default(),
        deadline,
        to: None,
    };
    // Too little $AI.
    let e = refusal(
        s.send_router(&trader, &ai, cost - 1, &hook(items.clone(), None))
            .unwrap_err(),
    );
    assert!(matches!(e, ContractError::MaxInExceeded { .. }), "{e:?}");
    // A deadline in the past.
    let e = refusal(
        s.send_router(&trader, &ai, cost, &hook(items.clone(), Some(1)))
            .unwrap_err(),
    );
    assert!(matches!(e, ContractError::DeadlinePassed { .. }), "{e:?}");
    // A line no pool can fill.
    let e = refusal(
        s.send_router(
            &trader,
            &ai,
            cost,
            &hook(vec![item(&s, 0, 1_000_000 * CU)], None),
        )
        .unwrap_err(),
    );
    assert!(
        matches!(e, ContractError::Route(RouteError::NoRoute(_))),
        "{e:?}"
    );
    // Empty and zero lines.
    let e = refusal(
        s.send_router(&trader, &ai, cost, &hook(vec![], None))
            .unwrap_err(),
    );
    assert!(
        matches!(e, ContractError::Route(RouteError::ZeroAmount)),
        "{e:?}"
    );
    // Paid in a CU token instead of $AI.
    let cu = s.cu[0].clone();
    let e = refusal(
        s.send_router(&trader, &cu, 10 * CU, &hook(items, None))
            .unwrap_err(),
    );
    assert!(matches!(e, ContractError::WrongToken { .. }), "{e:?}");
    assert_eq!(books(&s, &trader), before);
}

#[test]
fn the_index_takes_funded_pools_from_anyone_and_drops_them_for_the_owner_only() {
    let (mut s, ids) = suite();
    let (attacker, owner, router) = (s.attacker.clone(), s.owner.clone(), s.router.clone());
    let listed = |s: &Suite, class: usize| -> Vec<u64> {
        let r: ClassPoolsResponse = s
            .query_router(&QueryMsg::ClassPools {
                cu_token: s.cu[class].to_string(),
                start_after: None,
                limit: None,
            })
            .unwrap();
        r.pool_ids
    };
    assert_eq!(listed(&s, 0), vec![ids[0], ids[1]]);
    // An empty pool cannot be indexed (it would crowd the scan window); an unknown one neither.
    let empty = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[0], "0"))
        .unwrap();
    let register = |ids: Vec<u64>| ExecuteMsg::RegisterPools { pool_ids: ids };
    let e = refusal(
        s.call(&attacker, &router, &register(vec![empty]))
            .unwrap_err(),
    );
    assert_eq!(e, ContractError::PoolNotFunded { pool_id: empty });
    let e = refusal(
        s.call(&attacker, &router, &register(vec![999]))
            .unwrap_err(),
    );
    assert_eq!(e, ContractError::UnknownPool { pool_id: 999 });
    let e = refusal(s.call(&attacker, &router, &register(vec![])).unwrap_err());
    assert!(matches!(e, ContractError::PoolIdCount { got: 0, .. }));
    // Only the owner prunes.
    let drop = ExecuteMsg::DeregisterPools {
        pool_ids: vec![ids[0]],
    };
    let e = refusal(s.call(&attacker, &router, &drop).unwrap_err());
    assert!(matches!(e, ContractError::Ownership(_)), "{e:?}");
    s.call(&owner, &router, &drop).unwrap();
    assert_eq!(listed(&s, 0), vec![ids[1]]);
    // Still reachable by naming it.
    let mut named = item(&s, 0, 10 * CU);
    named.pools = vec![ids[0]];
    assert_eq!(route(&s, &[named]).unwrap().legs[0].pool_id, ids[0]);
    // Registering again restores it.
    s.router_register(&attacker, &router, vec![ids[0]]).unwrap();
    assert_eq!(listed(&s, 0), vec![ids[0], ids[1]]);
}

/// An ask `who` rests on the book: `lots` CU of `class` at `price` $AI atoms per CU.
fn rest_ask(s: &mut Suite, book: &Addr, who: &Addr, class: usize, price: u128, lots: u128) {
    let token = s.cu[class].clone();
    s.book_ask(who, book, (class as u32 + 1, &token), price, lots * CU)
        .unwrap();
}

/// HIP-8 best execution: asks cheaper than the pools' marginal price are taken first (one fill-or-kill bid), the
/// rest from the pools; dearer asks are left. `BuyBundle` executes exactly the quoted plan and conserves every
/// token; the book's part is never dearer than buying it all from the pools.
#[test]
fn buy_bundle_takes_cheap_asks_then_the_pools() {
    let (mut s, _) = suite();
    let book = s.add_orderbook();
    let (lp, trader) = (s.lp.clone(), s.trader.clone());
    let pools_only = route(&s, &[item(&s, 0, 10 * CU)]).unwrap();
    // The pools sell class 0 near 2 $AI per CU: 3 CU asked at 1.5 and 10 CU at 3.
    rest_ask(&mut s, &book, &lp, 0, 1_500 * AI / 1_000, 3);
    rest_ask(&mut s, &book, &lp, 0, 3 * AI, 10);
    let plan = route(&s, &[item(&s, 0, 10 * CU)]).unwrap();
    assert_eq!(plan.orderbook.as_ref(), Some(&book));
    assert_eq!(plan.book_fills.len(), 1);
    let fill = &plan.book_fills[0];
    assert_eq!((fill.quantity.u128(), fill.max_fills), (3 * CU, 1));
    assert_eq!(fill.cost.u128(), 4_500 * AI / 1_000);
    // 0.3 % taker fee in CU, rounded up.
    assert_eq!(fill.amount.u128(), 3 * CU - 9_000);
    let from_pools: u128 = plan
        .orders
        .iter()
        .flat_map(|o| &o.lines)
        .map(|l| l.amount.u128())
        .sum();
    assert_eq!(from_pools + fill.amount.u128(), 10 * CU);
    assert!(plan.total_cost < pools_only.total_cost);

    let before_trader = books(&s, &trader);
    let (lp_ai, book_cu) = (
        s.balance(&s.ai.clone(), &lp),
        s.balance(&s.cu[0].clone(), &book),
    );
    let sent = plan.total_cost.u128() + AI;
    let hook = ReceiveMsg::BuyBundle {
        items: vec![item(&s, 0, 10 * CU)],
        sla: SlaRequirement::default(),
        deadline: None,
        to: None,
    };
    let ai = s.ai.clone();
    s.send_router(&trader, &ai, sent, &hook).unwrap();
    let after = books(&s, &trader);
    // The trader paid the plan's cost (the extra $AI refunded) and got exactly 10 CU; the router holds nothing.
    assert_eq!(before_trader[0] - after[0], plan.total_cost.u128());
    assert_eq!(after[1] - before_trader[1], 10 * CU);
    assert!(
        after[3..].iter().all(|&b| b == 0),
        "the router holds {after:?}"
    );
    // The maker was paid 4.5 $AI less its 0.1 % fee; the book's CU escrow shrank by the 3 CU sold.
    assert_eq!(
        s.balance(&s.ai.clone(), &lp) - lp_ai,
        4_500 * AI / 1_000 - 4_500 * AI / 1_000_000
    );
    assert_eq!(book_cu - s.balance(&s.cu[0].clone(), &book), 3 * CU - 9_000);
    // The dear ask still rests; the cheap one is gone.
    assert_eq!(s.book_asks(&book, 1).unwrap(), vec![(3 * AI, 10)]);
}

/// Only the owner sets the book; a book quoted in another asset is refused; without a book the pools sell all.
#[test]
fn the_book_is_the_owners_choice_and_can_be_removed() {
    let (mut s, _) = suite();
    let book = s.add_orderbook();
    let (owner, attacker, lp) = (s.owner.clone(), s.attacker.clone(), s.lp.clone());
    let router = s.router.clone();
    let set = |b: Option<String>| ExecuteMsg::SetOrderbook { orderbook: b };
    let e = s.call(&attacker, &router, &set(None)).unwrap_err();
    assert!(matches!(refusal(e), ContractError::Ownership(_)));
    // The CU token is no order book: its config query fails, nothing changes.
    let not_a_book = s.cu[1].to_string();
    assert!(s.call(&owner, &router, &set(Some(not_a_book))).is_err());
    rest_ask(&mut s, &book, &lp, 0, AI, 2);
    assert_eq!(route(&s, &[item(&s, 0, CU)]).unwrap().book_fills.len(), 1);
    s.call(&owner, &router, &set(None)).unwrap();
    let plan = route(&s, &[item(&s, 0, CU)]).unwrap();
    assert!(plan.book_fills.is_empty() && plan.orderbook.is_none());
}

/// HIP-8 volume tiers: a trader's purchases through the router raise its 30-day volume; past a threshold its next
/// purchases pay the pools' and the book's fees less the tier's discount, as `route` with `trader` quotes them. The
/// pool and the book refuse a discount from anyone but the router.
#[test]
fn volume_tiers_discount_the_fees_of_later_purchases_through_the_router_only() {
    let (mut s, ids) = suite();
    let book = s.add_orderbook();
    let (owner, trader, lp) = (s.owner.clone(), s.trader.clone(), s.lp.clone());
    let router = s.router.clone();
    let tiers = vec![hmm::router::VolumeTier {
        min_volume: Uint128::new(10 * AI),
        discount: cosmwasm_std::Decimal::percent(30),
    }];
    s.call(&owner, &router, &ExecuteMsg::SetTiers { tiers })
        .unwrap();
    let tier = |s: &Suite| -> hmm::router::TierResponse {
        s.query_router(&QueryMsg::Tier {
            trader: trader.to_string(),
        })
        .unwrap()
    };
    assert_eq!(tier(&s).discount, cosmwasm_std::Decimal::zero());
    let quote = |s: &Suite, who: Option<&Addr>| -> RouteResponse {
        s.query_router(&QueryMsg::Route {
            items: vec![item(s, 1, 100 * CU)],
            sla: SlaRequirement::default(),
            trader: who.map(|w| w.to_string()),
        })
        .unwrap()
    };
    let buy = |s: &mut Suite, amount: u128| {
        let hook = ReceiveMsg::BuyBundle {
            items: vec![item(s, 1, amount)],
            sla: SlaRequirement::default(),
            deadline: None,
            to: None,
        };
        let (ai, trader) = (s.ai.clone(), s.trader.clone());
        s.send_router(&trader, &ai, 1_000 * AI, &hook).unwrap()
    };
    // ~2 $AI per CU: 10 CU cost ~20 $AI, past the 10 $AI threshold.
    buy(&mut s, 10 * CU);
    let t = tier(&s);
    assert!(t.volume.u128() > 10 * AI);
    assert_eq!(t.discount, cosmwasm_std::Decimal::percent(30));
    let (plain, discounted) = (quote(&s, None), quote(&s, Some(&trader)));
    assert!(discounted.total_cost < plain.total_cost);
    let before = s.balance(&s.ai.clone(), &trader);
    let res = buy(&mut s, 100 * CU);
    assert_eq!(
        before - s.balance(&s.ai.clone(), &trader),
        discounted.total_cost.u128()
    );
    assert!(res
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .any(|a| a.key == "fee_discount" && a.value == "0.3"));
    // A trader cannot claim the discount directly from the pool or the book.
    let pool = s.pool.clone();
    let direct = hmm::pool::ReceiveMsg::Buy {
        orders: vec![hmm::pool::BuyOrder {
            pool_id: ids[2],
            lines: vec![hmm::pool::BuyLine {
                cu_token: s.cu[1].to_string(),
                amount: Uint128::new(CU),
            }],
        }],
        deadline: None,
        to: None,
        fee_discount: Some(cosmwasm_std::Decimal::percent(30)),
    };
    let ai = s.ai.clone();
    let e = s
        .cw20_send(&trader, &ai, &pool, 10 * AI, &direct)
        .unwrap_err();
    assert!(e
        .root_cause()
        .to_string()
        .contains("only the configured router"));
    s.book_ask(&lp, &book, (2, &s.cu[1].clone()), AI, CU)
        .unwrap();
    let bid = hmm::orderbook::PlaceOrderMsg {
        market_id: 2,
        side: hmm::orderbook::Side::Bid,
        price: Uint128::new(AI),
        quantity: Uint128::new(CU),
        kind: hmm::orderbook::OrderKind::ImmediateOrCancel,
        expires_at: None,
        max_fills: None,
        recipient: None,
        taker_fee_discount: Some(cosmwasm_std::Decimal::percent(30)),
    };
    let e = s
        .cw20_send(
            &trader,
            &ai,
            &book,
            AI,
            &hmm::orderbook::ReceiveMsg::PlaceOrder(bid),
        )
        .unwrap_err();
    assert!(e
        .root_cause()
        .to_string()
        .contains("only the configured router"));
}

/// Exact-in sells: CU sent to the router with `Sell` go to the book's bids that pay more than the pool (one
/// fill-or-kill ask), the rest to the pool that pays the most (one exact-in swap); the seller receives exactly the
/// quote; below `min_out`, or $AI sent as if it were CU, nothing moves.
#[test]
fn sell_takes_high_bids_then_the_pool_and_honours_min_out() {
    let (mut s, _) = suite();
    let book = s.add_orderbook();
    let (lp, trader) = (s.lp.clone(), s.trader.clone());
    // The pools buy class 0 near 2 $AI per CU: 3 CU bid at 2.5, 10 CU at 1.
    let bid = |s: &mut Suite, price: u128, lots: u128| {
        let order = hmm::orderbook::PlaceOrderMsg {
            market_id: 1,
            side: hmm::orderbook::Side::Bid,
            price: Uint128::new(price),
            quantity: Uint128::new(lots * CU),
            kind: hmm::orderbook::OrderKind::Limit,
            expires_at: None,
            max_fills: None,
            recipient: None,
            taker_fee_discount: None,
        };
        let ai = s.ai.clone();
        s.cw20_send(
            &lp,
            &ai,
            &book,
            price * lots,
            &hmm::orderbook::ReceiveMsg::PlaceOrder(order),
        )
        .unwrap();
    };
    bid(&mut s, 2_500 * AI / 1_000, 3);
    bid(&mut s, AI, 10);
    let quote: hmm::router::SellQuote = s
        .query_router(&QueryMsg::SellQuote {
            cu_token: s.cu[0].to_string(),
            amount: Uint128::new(10 * CU),
        })
        .unwrap();
    let sale = quote.book.clone().expect("the high bids buy part");
    assert_eq!((sale.quantity.u128(), sale.max_fills), (3 * CU, 1));
    // 7.5 $AI less the 0.3 % taker fee, in $AI.
    assert_eq!(
        sale.out.u128(),
        7_500 * AI / 1_000 - 7_500 * AI * 3 / 1_000_000
    );
    let part = quote.pool.clone().expect("the pool buys the rest");
    assert_eq!(part.amount.u128(), 7 * CU);
    let (router, cu, ai) = (s.router.clone(), s.cu[0].clone(), s.ai.clone());
    let sell = |min_out: u128| ReceiveMsg::Sell {
        min_out: Uint128::new(min_out),
        deadline: None,
        to: None,
    };
    let before = books(&s, &trader);
    let e = s
        .cw20_send(
            &trader,
            &cu,
            &router,
            10 * CU,
            &sell(quote.total_out.u128() + 1),
        )
        .unwrap_err();
    assert!(matches!(refusal(e), ContractError::MinOutNotMet { .. }));
    let e = s
        .cw20_send(&trader, &ai, &router, AI, &sell(0))
        .unwrap_err();
    assert_eq!(refusal(e), ContractError::SellTakesCu);
    assert_eq!(books(&s, &trader), before, "refusals move nothing");
    s.cw20_send(
        &trader,
        &cu,
        &router,
        10 * CU,
        &sell(quote.total_out.u128()),
    )
    .unwrap();
    let after = books(&s, &trader);
    assert_eq!(after[0] - before[0], quote.total_out.u128());
    assert_eq!(before[1] - after[1], 10 * CU);
    assert!(
        after[3..].iter().all(|&b| b == 0),
        "the router holds {after:?}"
    );
    let volume: hmm::router::TierResponse = s
        .query_router(&QueryMsg::Tier {
            trader: trader.to_string(),
        })
        .unwrap();
    assert_eq!(volume.volume, quote.total_out);
}
