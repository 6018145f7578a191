//! The queries: depth (aggregated per level, both sides, paginated), best prices, orders by owner (paginated).

use cosmwasm_std::Uint128;
use hmm::orderbook::{DepthResponse, OrdersResponse, QueryMsg, Side};
use hmm_testing::orderbook::{Suite, LOT};

#[test]
fn depth_aggregates_levels_best_first_and_pages() {
    let mut s = Suite::new();
    let (alice, bob) = (s.addr("alice"), s.addr("bob"));
    let m = s.cw20_market;
    for (who, side, price, lots) in [
        (&alice, Side::Bid, 900, 1),
        (&bob, Side::Bid, 900, 2),
        (&alice, Side::Bid, 950, 1),
        (&alice, Side::Ask, 1_000, 3),
        (&bob, Side::Ask, 1_050, 1),
        (&bob, Side::Ask, 1_000, 1),
    ] {
        s.place(who, Suite::limit(m, side, price, lots * LOT))
            .unwrap();
    }
    let d = s.depth(m);
    let bids: Vec<(u128, u128, u32)> = d
        .bids
        .iter()
        .map(|l| (l.price.u128(), l.lots.u128(), l.orders))
        .collect();
    let asks: Vec<(u128, u128, u32)> = d
        .asks
        .iter()
        .map(|l| (l.price.u128(), l.lots.u128(), l.orders))
        .collect();
    assert_eq!(bids, vec![(950, 1, 1), (900, 3, 2)]);
    assert_eq!(asks, vec![(1_000, 4, 2), (1_050, 1, 1)]);
    assert_eq!(d.asks[0].quantity.u128(), 4 * LOT);
    let page: DepthResponse = s
        .query(&QueryMsg::Depth {
            market_id: m,
            bid_start_after: Some(Uint128::new(950)),
            ask_start_after: Some(Uint128::new(1_000)),
            limit: Some(1),
        })
        .unwrap();
    assert_eq!(page.bids[0].price.u128(), 900);
    assert_eq!(page.asks[0].price.u128(), 1_050);
    let best = s.best(m);
    assert_eq!(
        (best.bid, best.ask),
        (Some(Uint128::new(950)), Some(Uint128::new(1_000)))
    );
    assert!(s
        .query::<DepthResponse>(&QueryMsg::Depth {
            market_id: 9,
            bid_start_after: None,
            ask_start_after: None,
            limit: None
        })
        .is_err());
}

#[test]
fn orders_by_owner_pages_by_id() {
    let mut s = Suite::new();
    let alice = s.addr("alice");
    let m = s.cw20_market;
    let mut ids = vec![];
    for i in 0..12u128 {
        let r = s
            .place(&alice, Suite::limit(m, Side::Bid, 500 + 10 * i, LOT))
            .unwrap();
        ids.push(Suite::order_id(&r));
    }
    let first: OrdersResponse = s
        .query(&QueryMsg::OrdersByOwner {
            owner: alice.to_string(),
            start_after: None,
            limit: Some(5),
        })
        .unwrap();
    assert_eq!(
        first.orders.iter().map(|o| o.id).collect::<Vec<_>>(),
        ids[..5]
    );
    let all = s.orders_of(&alice);
    assert_eq!(all.iter().map(|o| o.id).collect::<Vec<_>>(), ids);
    assert!(s.orders_of(&s.addr("bob")).is_empty());
}
