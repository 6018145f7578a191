//! `PlaceOrder` (cw20 hook and native funds): matching in price-time priority, partial fills, fees and rounding,
//! immediate-or-cancel, post-only, expiry, self-trade prevention, the work bound.

use cosmwasm_std::Uint128;
use hmm::asset::AssetInfo;
use hmm::orderbook::{OrderKind, Side};
use hmm_testing::orderbook::{attr, refused, Chain, Suite, LOT, NATIVE_AI, NATIVE_CU};
use orderbook::ContractError;

fn events<'a>(res: &'a cw_multi_test::AppResponse, ty: &str) -> Vec<&'a cosmwasm_std::Event> {
    res.events
        .iter()
        .filter(|e| e.ty == format!("wasm-{ty}"))
        .collect()
}

fn value(e: &cosmwasm_std::Event, key: &str) -> String {
    e.attributes
        .iter()
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
        .unwrap_or_default()
}

#[test]
fn a_bid_fills_a_resting_ask_at_the_makers_price_with_fees_rounded_for_the_book() {
    let mut s = Suite::new();
    let (alice, bob) = (s.addr("alice"), s.addr("bob"));
    let m = s.cw20_market;
    let base = s.base(m);
    let quote = s.quote.clone();
    let ask = s
        .place(&alice, Suite::limit(m, Side::Ask, 1_000, 10 * LOT))
        .unwrap();
    assert_eq!(attr::<String>(&ask, "status").as_deref(), Some("resting"));
    let (b0, q0, a0) = (
        s.holding(&base, &bob),
        s.holding(&quote, &bob),
        s.holding(&quote, &alice),
    );
    // Bob bids above the ask: he pays the maker's price, the improvement is refunded.
    let res = s
        .place(&bob, Suite::limit(m, Side::Bid, 1_010, 4 * LOT))
        .unwrap();
    assert_eq!(attr::<String>(&res, "status").as_deref(), Some("filled"));
    let fill = events(&res, "fill");
    assert_eq!(fill.len(), 1);
    assert_eq!(value(fill[0], "price"), "1000");
    assert_eq!(value(fill[0], "lots"), "4");
    // Taker fee 0.3 % of 4,000 base = 12 (in base), maker fee 0.1 % of 4,000 quote = 4 (in quote).
    assert_eq!(s.holding(&base, &bob) - b0, 4 * LOT - 12);
    assert_eq!(q0 - s.holding(&quote, &bob), 4_000);
    assert_eq!(s.holding(&quote, &alice) - a0, 4_000 - 4);
    let fees = s.fees().fees;
    let of = |a: &AssetInfo| fees.iter().find(|f| &f.asset == a).unwrap();
    // ζ = 25 %: burn rounded down, the treasury takes the rest.
    assert_eq!((of(&base).burn.u128(), of(&base).treasury.u128()), (3, 9));
    assert_eq!((of(&quote).burn.u128(), of(&quote).treasury.u128()), (1, 3));
    let depth = s.depth(m);
    assert_eq!(depth.asks.len(), 1);
    assert_eq!(depth.asks[0].lots, Uint128::new(6));
    s.check_invariants();
}

#[test]
fn fills_follow_price_then_time_priority() {
    let mut s = Suite::new();
    let [alice, bob, carol, dave] = ["alice", "bob", "carol", "dave"].map(|n| s.addr(n));
    let m = s.cw20_market;
    let a = Suite::order_id(
        &s.place(&alice, Suite::limit(m, Side::Ask, 1_000, LOT))
            .unwrap(),
    );
    let b = Suite::order_id(
        &s.place(&bob, Suite::limit(m, Side::Ask, 1_000, LOT))
            .unwrap(),
    );
    let c = Suite::order_id(
        &s.place(&carol, Suite::limit(m, Side::Ask, 990, LOT))
            .unwrap(),
    );
    let res = s
        .place(&dave, Suite::limit(m, Side::Bid, 1_000, 3 * LOT))
        .unwrap();
    let order: Vec<u64> = events(&res, "fill")
        .iter()
        .map(|e| value(e, "order_id").parse().unwrap())
        .collect();
    assert_eq!(order, vec![c, a, b]);
    // The same on the bid side: highest first, then oldest.
    let a = Suite::order_id(
        &s.place(&alice, Suite::limit(m, Side::Bid, 900, LOT))
            .unwrap(),
    );
    let b = Suite::order_id(&s.place(&bob, Suite::limit(m, Side::Bid, 900, LOT)).unwrap());
    let c = Suite::order_id(
        &s.place(&carol, Suite::limit(m, Side::Bid, 910, LOT))
            .unwrap(),
    );
    let res = s
        .place(&dave, Suite::limit(m, Side::Ask, 900, 3 * LOT))
        .unwrap();
    let order: Vec<u64> = events(&res, "fill")
        .iter()
        .map(|e| value(e, "order_id").parse().unwrap())
        .collect();
    assert_eq!(order, vec![c, a, b]);
    s.check_invariants();
}

#[test]
fn a_partly_filled_limit_order_rests_and_an_ioc_order_is_refunded() {
    let mut s = Suite::new();
    let (alice, bob) = (s.addr("alice"), s.addr("bob"));
    let m = s.cw20_market;
    s.place(&alice, Suite::limit(m, Side::Ask, 1_000, 4 * LOT))
        .unwrap();
    let res = s
        .place(&bob, Suite::limit(m, Side::Bid, 1_000, 10 * LOT))
        .unwrap();
    assert_eq!(
        attr::<String>(&res, "status").as_deref(),
        Some("partially_filled")
    );
    let id = Suite::order_id(&res);
    let o = s.order(id).unwrap();
    assert_eq!((o.lots.u128(), o.remaining_lots.u128()), (10, 6));
    assert_eq!(s.best(m).bid, Some(Uint128::new(1_000)));
    s.check_invariants();
    // IOC: what does not match at once is refunded; nothing rests.
    s.place(&alice, Suite::limit(m, Side::Ask, 1_100, 2 * LOT))
        .unwrap();
    let quote = s.quote.clone();
    let before = s.holding(&quote, &bob);
    let mut ioc = Suite::limit(m, Side::Bid, 1_100, 5 * LOT);
    ioc.kind = OrderKind::ImmediateOrCancel;
    let res = s.place(&bob, ioc).unwrap();
    assert_eq!(attr::<String>(&res, "status").as_deref(), Some("refunded"));
    assert_eq!(attr::<u128>(&res, "filled_lots"), Some(2));
    assert_eq!(before - s.holding(&quote, &bob), 2 * 1_100);
    assert!(s.order(Suite::order_id(&res)).is_err());
    assert_eq!(s.best(m).ask, None);
    s.check_invariants();
}

#[test]
fn post_only_rests_or_is_refused_when_it_would_take() {
    let mut s = Suite::new();
    let (alice, bob) = (s.addr("alice"), s.addr("bob"));
    let m = s.cw20_market;
    s.place(&alice, Suite::limit(m, Side::Ask, 1_000, LOT))
        .unwrap();
    let mut po = Suite::limit(m, Side::Bid, 1_000, LOT);
    po.kind = OrderKind::PostOnly;
    let err = s.place(&bob, po.clone()).unwrap_err();
    assert!(refused(
        &err,
        &ContractError::PostOnlyWouldCross {
            price: Uint128::new(1_000),
            best: Uint128::new(1_000)
        }
    ));
    po.price = Uint128::new(990);
    let res = s.place(&bob, po).unwrap();
    assert_eq!(attr::<String>(&res, "status").as_deref(), Some("resting"));
    s.check_invariants();
}

#[test]
fn an_expired_order_is_removed_and_refunded_when_matching_reaches_it() {
    let mut s = Suite::new();
    let (alice, bob, carol) = (s.addr("alice"), s.addr("bob"), s.addr("carol"));
    let m = s.cw20_market;
    let base = s.base(m);
    let mut ask = Suite::limit(m, Side::Ask, 990, LOT);
    ask.expires_at = Some(s.now() + 10);
    let expiring = Suite::order_id(&s.place(&alice, ask).unwrap());
    let live = Suite::order_id(
        &s.place(&carol, Suite::limit(m, Side::Ask, 1_000, LOT))
            .unwrap(),
    );
    s.wait(20);
    let before = s.holding(&base, &alice);
    let res = s
        .place(&bob, Suite::limit(m, Side::Bid, 1_000, LOT))
        .unwrap();
    let expired = events(&res, "expire");
    assert_eq!(value(expired[0], "order_id"), expiring.to_string());
    assert_eq!(s.holding(&base, &alice) - before, LOT);
    let fills = events(&res, "fill");
    assert_eq!(value(fills[0], "order_id"), live.to_string());
    assert!(s.order(expiring).is_err());
    s.check_invariants();
}

#[test]
fn self_trade_prevention_cancels_the_resting_order() {
    let mut s = Suite::new();
    let (alice, bob) = (s.addr("alice"), s.addr("bob"));
    let m = s.cw20_market;
    let own = Suite::order_id(
        &s.place(&alice, Suite::limit(m, Side::Ask, 990, LOT))
            .unwrap(),
    );
    let other = Suite::order_id(
        &s.place(&bob, Suite::limit(m, Side::Ask, 1_000, LOT))
            .unwrap(),
    );
    let res = s
        .place(&alice, Suite::limit(m, Side::Bid, 1_000, 2 * LOT))
        .unwrap();
    let cancelled = events(&res, "self_trade_cancel");
    assert_eq!(value(cancelled[0], "order_id"), own.to_string());
    let fills = events(&res, "fill");
    assert_eq!(fills.len(), 1);
    assert_eq!(value(fills[0], "order_id"), other.to_string());
    // Alice's bid rests with the lot it did not fill against herself.
    let o = s.order(Suite::order_id(&res)).unwrap();
    assert_eq!(o.remaining_lots.u128(), 1);
    s.check_invariants();
}

#[test]
fn max_fills_bounds_the_work_and_a_still_crossing_rest_is_refunded() {
    let mut s = Suite::new();
    let (alice, bob, dave) = (s.addr("alice"), s.addr("bob"), s.addr("dave"));
    let m = s.cw20_market;
    for i in 0..5 {
        let who = if i % 2 == 0 { &alice } else { &bob };
        s.place(who, Suite::limit(m, Side::Ask, 1_000, LOT))
            .unwrap();
    }
    let mut bid = Suite::limit(m, Side::Bid, 1_000, 5 * LOT);
    bid.max_fills = Some(2);
    let res = s.place(&dave, bid.clone()).unwrap();
    assert_eq!(events(&res, "fill").len(), 2);
    assert_eq!(attr::<String>(&res, "status").as_deref(), Some("refunded"));
    assert_eq!(attr::<u128>(&res, "resting_lots"), Some(0));
    assert_eq!(s.depth(m).asks[0].orders, 3);
    s.check_invariants();
    for bad in [0, hmm::orderbook::MAX_FILLS + 1] {
        bid.max_fills = Some(bad);
        let err = s.place(&dave, bid.clone()).unwrap_err();
        let expected = ContractError::InvalidMaxFills {
            max_fills: bad,
            cap: hmm::orderbook::MAX_FILLS,
        };
        assert!(refused(&err, &expected), "{err:?}");
    }
    // Once the bound is enough, the rest rests.
    bid.max_fills = Some(3);
    let res = s.place(&dave, bid).unwrap();
    assert_eq!(attr::<u128>(&res, "resting_lots"), Some(2));
    assert_eq!(s.best(m).bid, Some(Uint128::new(1_000)));
    assert_eq!(s.best(m).ask, None);
    s.check_invariants();
}

#[test]
fn a_native_base_market_trades_native_funds_against_the_cw20_quote() {
    let mut s = Suite::new();
    let (alice, bob) = (s.addr("alice"), s.addr("bob"));
    let m = s.native_market;
    let base = AssetInfo::native(NATIVE_CU);
    assert_eq!(s.base(m), base);
    s.place(&alice, Suite::limit(m, Side::Ask, 500, 10 * LOT))
        .unwrap();
    assert_eq!(s.holding(&base, &s.book.clone()), 10 * LOT);
    let before = s.holding(&base, &bob);
    s.place(&bob, Suite::limit(m, Side::Bid, 500, 10 * LOT))
        .unwrap();
    assert_eq!(s.holding(&base, &bob) - before, 10 * LOT - 30);
    s.check_invariants();
}

#[test]
fn a_native_quote_book_takes_bids_in_native_funds() {
    let mut s = Suite::native_quote();
    let (alice, bob) = (s.addr("alice"), s.addr("bob"));
    let m = s.cw20_market;
    let quote = AssetInfo::native(NATIVE_AI);
    s.place(&alice, Suite::limit(m, Side::Bid, 700, 3 * LOT))
        .unwrap();
    assert_eq!(s.holding(&quote, &s.book.clone()), 2_100);
    let before = s.holding(&quote, &bob);
    s.place(&bob, Suite::limit(m, Side::Ask, 700, 3 * LOT))
        .unwrap();
    // Bob receives 2,100 minus the taker fee ceil(6.3) = 7.
    assert_eq!(s.holding(&quote, &bob) - before, 2_100 - 7);
    s.check_invariants();
}

/// A fill-or-kill bid paying a budget below its escrow: it takes exactly the fills the `Takeable` query shows and
/// pays exactly their cost, the CU go to its recipient; a kill changes nothing.
#[test]
fn fill_or_kill_with_a_budget_and_a_recipient_takes_what_takeable_shows() {
    let mut s = Suite::new();
    // Dave takes the router's place; the client holds nothing on the book.
    let [alice, bob, carol, router, client] =
        ["alice", "bob", "carol", "dave", "client"].map(|n| s.addr(n));
    let m = s.cw20_market;
    let (base, quote) = (s.base(m), s.quote.clone());
    let mut expiring = Suite::limit(m, Side::Ask, 990, LOT);
    expiring.expires_at = Some(s.now() + 10);
    s.place(&alice, expiring).unwrap();
    s.place(&bob, Suite::limit(m, Side::Ask, 1_000, 2 * LOT))
        .unwrap();
    s.place(&carol, Suite::limit(m, Side::Ask, 1_020, 2 * LOT))
        .unwrap();
    s.wait(20);
    let view: hmm::orderbook::TakeableResponse = s
        .query(&hmm::orderbook::QueryMsg::Takeable {
            market_id: m,
            side: Side::Bid,
            taker: Some(router.to_string()),
            limit: None,
        })
        .unwrap();
    let seen: Vec<(u128, u128, bool)> = view
        .orders
        .iter()
        .map(|o| (o.price.u128(), o.lots.u128(), o.fills))
        .collect();
    assert_eq!(
        seen,
        vec![(990, 1, false), (1_000, 2, true), (1_020, 2, true)]
    );
    // Three lots: two at 1,000 and one at 1,020 = 3,020 $AI atoms, below the 3 × 1,020 escrow.
    let fok = |quantity: u128| hmm::orderbook::PlaceOrderMsg {
        kind: OrderKind::FillOrKill,
        recipient: Some(client.to_string()),
        max_fills: Some(3),
        ..Suite::limit(m, Side::Bid, 1_020, quantity)
    };
    // A budget one atom short cannot buy the third lot: killed, nothing changes.
    let before = s.depth(m);
    let short = s.place_paying(&router, fok(3 * LOT), &quote, 3_019);
    assert!(refused(
        &short.unwrap_err(),
        &ContractError::NotFilled {
            filled: Uint128::new(2),
            lots: Uint128::new(3)
        }
    ));
    assert_eq!(s.depth(m), before);
    let (c0, r0, rb0) = (
        s.holding(&base, &client),
        s.holding(&quote, &router),
        s.holding(&base, &router),
    );
    let res = s
        .place_paying(&router, fok(3 * LOT), &quote, 3_020)
        .unwrap();
    assert_eq!(attr::<String>(&res, "status").as_deref(), Some("filled"));
    // Fees per fill, rounded up: 0.3 % of 2,000 = 6 and of 1,000 = 3.
    assert_eq!(s.holding(&base, &client) - c0, 3 * LOT - 9);
    assert_eq!(r0 - s.holding(&quote, &router), 3_020);
    assert_eq!(s.holding(&base, &router), rb0);
    s.check_invariants();
}

#[test]
fn only_immediate_orders_take_a_recipient_or_a_budget() {
    let mut s = Suite::new();
    let (alice, bob) = (s.addr("alice"), s.addr("bob"));
    let m = s.cw20_market;
    let quote = s.quote.clone();
    let resting = hmm::orderbook::PlaceOrderMsg {
        recipient: Some(bob.to_string()),
        ..Suite::limit(m, Side::Bid, 1_000, LOT)
    };
    let res = s.place(&alice, resting);
    assert!(refused(
        &res.unwrap_err(),
        &ContractError::RecipientOnResting
    ));
    let res = s.place_paying(
        &alice,
        Suite::limit(m, Side::Bid, 1_000, 2 * LOT),
        &quote,
        1_000,
    );
    assert!(refused(
        &res.unwrap_err(),
        &ContractError::WrongAmount {
            expected: Uint128::new(2_000),
            got: Uint128::new(1_000)
        }
    ));
    let mut fok = Suite::limit(m, Side::Bid, 1_000, LOT);
    fok.kind = OrderKind::FillOrKill;
    fok.expires_at = Some(s.now() + 5);
    assert!(refused(
        &s.place(&alice, fok).unwrap_err(),
        &ContractError::ExpiryOnImmediate
    ));
    s.check_invariants();
}
