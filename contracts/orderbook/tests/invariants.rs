//! Property test: random order flow from many actors (self-trades, immediate-or-cancel, post-only, expiries,
//! cancels by owners and by others, both markets, cw20 and native) and, after every transaction, successful or
//! refused: no market is crossed, and per asset the contract holds exactly the resting orders' escrow plus the fee
//! ledger (`Suite::check_invariants`). The fee ledger is collected now and then, which keeps the equality exact.

use hmm::orderbook::{ConfigResponse, OrderKind, PlaceOrderMsg, QueryMsg, Side};
use hmm_testing::orderbook::{Chain, Suite, LOT, TRADERS};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Place {
        who: usize,
        native: bool,
        bid: bool,
        tick: u128,
        lots: u128,
        kind: u8,
        expiry: Option<u64>,
        max_fills: Option<u32>,
    },
    Cancel {
        who: usize,
        pick: u64,
    },
    Wait(u64),
    Collect,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (
            0..4usize,
            any::<bool>(),
            any::<bool>(),
            0..6u128,
            1..6u128,
            0..3u8,
            prop::option::of(1..40u64),
            prop::option::of(1..4u32)
        )
            .prop_map(|(who, native, bid, tick, lots, kind, expiry, max_fills)| Op::Place {
                who,
                native,
                bid,
                tick,
                lots,
                kind,
                expiry,
                max_fills
            }),
        2 => (0..TRADERS.len(), any::<u64>()).prop_map(|(who, pick)| Op::Cancel { who, pick }),
        1 => (1..30u64).prop_map(Op::Wait),
        1 => Just(Op::Collect),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_book_never_crosses_and_its_balances_equal_escrow_plus_fees(
        ops in prop::collection::vec(op(), 1..60),
        native_quote in any::<bool>(),
    ) {
        let mut s = if native_quote { Suite::native_quote() } else { Suite::new() };
        let mut fills = 0;
        for op in ops {
            match op {
                Op::Place { who, native, bid, tick, lots, kind, expiry, max_fills } => {
                    let kind = match kind {
                        0 => OrderKind::Limit,
                        1 => OrderKind::PostOnly,
                        _ => OrderKind::ImmediateOrCancel,
                    };
                    let msg = PlaceOrderMsg {
                        taker_fee_discount: None,
                        market_id: if native { s.native_market } else { s.cw20_market },
                        side: if bid { Side::Bid } else { Side::Ask },
                        price: (1_000 + 10 * tick).into(),
                        quantity: (lots * LOT).into(),
                        kind,
                        // An expiry on an IOC order is refused: keep a few of those.
                        expires_at: expiry
                            .filter(|_| kind != OrderKind::ImmediateOrCancel || tick == 0)
                            .map(|e| s.now() + e),
                        max_fills,
                        recipient: None,
                    };
                    let who = s.addr(TRADERS[who]);
                    let r = s.place(&who, msg);
                    if let Ok(res) = r {
                        fills += res.events.iter().filter(|e| e.ty == "wasm-fill").count();
                    }
                }
                Op::Cancel { who, pick } => {
                    let c: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
                    if c.order_count > 0 {
                        let id = 1 + pick % c.order_count;
                        let who = s.addr(TRADERS[who]);
                        let _ = s.cancel(&who, vec![id]);
                    }
                }
                Op::Wait(t) => s.wait(t),
                Op::Collect => {
                    let anyone = s.addr("carol");
                    let _ = s.collect_fees(&anyone, vec![]);
                }
            }
            s.check_invariants();
        }
        if std::env::var_os("ORDERBOOK_PROP_STATS").is_some() {
            eprintln!("fills: {fills}");
        }
    }
}
