//! `Cancel { order_ids }`: the owner cancels many orders in one message; anyone may cancel an expired order (the
//! refund goes to its owner); everything else is refused and changes nothing.

use hmm::orderbook::{Side, MAX_CANCEL};
use hmm_testing::orderbook::{refused, Chain, Suite, LOT};
use orderbook::ContractError;

#[test]
fn the_owner_cancels_several_orders_at_once_and_gets_every_escrow_back() {
    let mut s = Suite::new();
    let alice = s.addr("alice");
    let (m, n) = (s.cw20_market, s.native_market);
    let (quote, base, native) = (s.quote.clone(), s.base(m), s.base(n));
    let before = [&quote, &base, &native].map(|a| s.holding(a, &alice));
    let ids = [
        s.place(&alice, Suite::limit(m, Side::Bid, 900, 3 * LOT))
            .unwrap(),
        s.place(&alice, Suite::limit(m, Side::Ask, 1_200, 2 * LOT))
            .unwrap(),
        s.place(&alice, Suite::limit(n, Side::Ask, 800, 5 * LOT))
            .unwrap(),
    ]
    .map(|r| Suite::order_id(&r));
    s.check_invariants();
    let res = s.cancel(&alice, ids.to_vec()).unwrap();
    let cancels = res.events.iter().filter(|e| e.ty == "wasm-cancel").count();
    assert_eq!(cancels, 3);
    assert_eq!(
        [&quote, &base, &native].map(|a| s.holding(a, &alice)),
        before
    );
    for id in ids {
        assert!(s.order(id).is_err());
    }
    assert!(s.depth(m).bids.is_empty() && s.depth(m).asks.is_empty());
    assert!(s.orders_of(&alice).is_empty());
    s.check_invariants();
}

#[test]
fn another_account_cannot_cancel_a_live_order_but_anyone_may_cancel_an_expired_one() {
    let mut s = Suite::new();
    let (alice, attacker) = (s.addr("alice"), s.addr("attacker"));
    let m = s.cw20_market;
    let quote = s.quote.clone();
    let mut bid = Suite::limit(m, Side::Bid, 900, 3 * LOT);
    bid.expires_at = Some(s.now() + 100);
    let id = Suite::order_id(&s.place(&alice, bid).unwrap());
    let err = s.cancel(&attacker, vec![id]).unwrap_err();
    assert!(refused(
        &err,
        &ContractError::NotOrderOwner { order_id: id }
    ));
    assert!(s.order(id).is_ok());
    s.wait(100);
    let before = s.holding(&quote, &alice);
    let res = s.cancel(&attacker, vec![id]).unwrap();
    assert!(res.events.iter().any(|e| e.ty == "wasm-expire"));
    assert_eq!(s.holding(&quote, &alice) - before, 2_700);
    s.check_invariants();
}

#[test]
fn unknown_repeated_empty_and_oversized_lists_are_refused() {
    let mut s = Suite::new();
    let alice = s.addr("alice");
    let m = s.cw20_market;
    let id = Suite::order_id(
        &s.place(&alice, Suite::limit(m, Side::Bid, 900, LOT))
            .unwrap(),
    );
    let err = s.cancel(&alice, vec![id, id]).unwrap_err();
    assert!(refused(&err, &ContractError::UnknownOrder { order_id: id }));
    assert!(s.order(id).is_ok(), "a failed cancel changes nothing");
    let err = s.cancel(&alice, vec![999]).unwrap_err();
    assert!(refused(
        &err,
        &ContractError::UnknownOrder { order_id: 999 }
    ));
    let err = s.cancel(&alice, vec![]).unwrap_err();
    assert!(refused(&err, &ContractError::NothingToCancel));
    let many = vec![id; MAX_CANCEL as usize + 1];
    let err = s.cancel(&alice, many).unwrap_err();
    assert!(refused(
        &err,
        &ContractError::TooManyOrders {
            count: MAX_CANCEL as usize + 1,
            max: MAX_CANCEL
        }
    ));
    s.check_invariants();
}
