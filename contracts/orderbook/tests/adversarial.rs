//! Attacks and bad input on `PlaceOrder`, one class each: wrong funds or token, zero and overflowing amounts,
//! off-tick prices, off-lot quantities, dust, expired orders, unknown markets, native funds where none are taken.
//! Every one is a typed error and changes nothing (balances and the book are checked after each).

use cosmwasm_std::{coins, Uint128};
use cw_multi_test::Executor;
use hmm::asset::AssetInfo;
use hmm::orderbook::{ExecuteMsg, OrderKind, Side};
use hmm_testing::orderbook::{
    refused, Chain, Suite, LOT, MIN_NOTIONAL, NATIVE_AI, NATIVE_CU, TICK,
};
use orderbook::ContractError;

/// The attacker's holdings of every asset and the book's depth, to compare before and after.
fn snapshot(s: &Suite) -> (Vec<u128>, String) {
    let attacker = s.addr("attacker");
    let mut assets = s.assets();
    assets.push(AssetInfo::native(NATIVE_AI));
    let held = assets.iter().map(|a| s.holding(a, &attacker)).collect();
    let depth = format!("{:?}{:?}", s.depth(s.cw20_market), s.depth(s.native_market));
    (held, depth)
}

fn refuses(res: anyhow::Result<cw_multi_test::AppResponse>, expected: ContractError) {
    let err = res.expect_err("refused");
    assert!(refused(&err, &expected), "expected {expected}, got {err:?}");
}

fn setup() -> (Suite, cosmwasm_std::Addr) {
    let mut s = Suite::new();
    let alice = s.addr("alice");
    let m = s.cw20_market;
    s.place(&alice, Suite::limit(m, Side::Ask, 1_000, 5 * LOT))
        .unwrap();
    let a = s.addr("attacker");
    (s, a)
}

#[test]
fn malformed_orders_are_refused_and_change_nothing() {
    let (mut s, attacker) = setup();
    let m = s.cw20_market;
    let before = snapshot(&s);
    let base = Suite::limit(m, Side::Bid, 1_000, LOT);
    let cases: Vec<(hmm::orderbook::PlaceOrderMsg, ContractError)> = vec![
        (
            Suite::limit(m, Side::Bid, 0, LOT),
            ContractError::Zero { what: "price" },
        ),
        (
            Suite::limit(m, Side::Ask, 1_000, 0),
            ContractError::Zero { what: "quantity" },
        ),
        (
            Suite::limit(m, Side::Bid, 1_005, LOT),
            ContractError::OffTick {
                price: Uint128::new(1_005),
                tick_size: Uint128::new(TICK),
            },
        ),
        (
            Suite::limit(m, Side::Ask, 1_000, LOT + 1),
            ContractError::OffLot {
                quantity: Uint128::new(LOT + 1),
                lot_size: Uint128::new(LOT),
            },
        ),
        // Dust: one lot worth less than the minimum notional.
        (
            Suite::limit(m, Side::Ask, TICK, LOT),
            ContractError::BelowMinimum {
                lots: Uint128::one(),
                notional: Uint128::new(TICK),
                min_lots: Uint128::one(),
                min_notional: Uint128::new(MIN_NOTIONAL),
            },
        ),
        (
            hmm::orderbook::PlaceOrderMsg {
                market_id: 7,
                ..base.clone()
            },
            ContractError::UnknownMarket { market_id: 7 },
        ),
        (
            hmm::orderbook::PlaceOrderMsg {
                expires_at: Some(s.now()),
                ..base.clone()
            },
            ContractError::AlreadyExpired {
                expires_at: s.now(),
                now: s.now(),
            },
        ),
        (
            hmm::orderbook::PlaceOrderMsg {
                expires_at: Some(s.now() + 10),
                kind: OrderKind::ImmediateOrCancel,
                ..base.clone()
            },
            ContractError::ExpiryOnImmediate,
        ),
    ];
    for (msg, expected) in cases {
        // Pay something plausible: the quote for a bid, the base for an ask.
        let (asset, amount) = s.escrow(&msg);
        let res = s.place_paying(&attacker, msg, &asset, amount.max(1));
        refuses(res, expected);
        assert_eq!(snapshot(&s), before);
    }
    s.check_invariants();
}

#[test]
fn overflowing_amounts_are_refused() {
    let (mut s, attacker) = setup();
    let m = s.cw20_market;
    let before = snapshot(&s);
    // price × lots overflows u128.
    let huge = Suite::limit(m, Side::Bid, u128::MAX / TICK * TICK, 2 * LOT);
    let quote = s.quote.clone();
    let res = s.place_paying(&attacker, huge, &quote, 1_000);
    let expected = ContractError::Overflow(cosmwasm_std::OverflowError::new(
        cosmwasm_std::OverflowOperation::Mul,
    ));
    refuses(res, expected);
    assert_eq!(snapshot(&s), before);
}

#[test]
fn the_wrong_token_or_amount_or_funds_are_refused() {
    let (mut s, attacker) = setup();
    let (m, n) = (s.cw20_market, s.native_market);
    let before = snapshot(&s);
    let bid = Suite::limit(m, Side::Bid, 1_000, LOT);
    let (quote, cu) = (s.quote.clone(), s.base(m));
    // A bid paid in the base token.
    let res = s.place_paying(&attacker, bid.clone(), &cu, 1_000);
    refuses(
        res,
        ContractError::WrongAsset {
            expected: quote.to_string(),
            got: cu.to_string(),
        },
    );
    // Too little and too much.
    for amount in [999, 1_001] {
        let res = s.place_paying(&attacker, bid.clone(), &quote, amount);
        refuses(
            res,
            ContractError::WrongAmount {
                expected: Uint128::new(1_000),
                got: Uint128::new(amount),
            },
        );
    }
    // A native ask paid in another denom, and with two coins.
    let ask = Suite::limit(n, Side::Ask, 1_000, LOT);
    let res = s.place_paying(&attacker, ask.clone(), &AssetInfo::native(NATIVE_AI), LOT);
    let expected = ContractError::Funds(hmm::asset::FundsError::WrongFunds {
        expected: NATIVE_CU.to_string(),
        got: format!("{LOT}{NATIVE_AI}"),
    });
    refuses(res, expected);
    let book = s.book.clone();
    let mut two = coins(LOT, NATIVE_CU);
    two.extend(coins(1, NATIVE_AI));
    let res = s.app.execute_contract(
        attacker.clone(),
        book.clone(),
        &ExecuteMsg::PlaceOrder(ask),
        &two,
    );
    assert!(res.is_err());
    // Native funds with a message that takes none.
    let res = s.app.execute_contract(
        attacker.clone(),
        book,
        &ExecuteMsg::CollectFees { assets: vec![] },
        &coins(5, NATIVE_AI),
    );
    assert!(res.is_err());
    assert_eq!(snapshot(&s), before);
    s.check_invariants();
}
