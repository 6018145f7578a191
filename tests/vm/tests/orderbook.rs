//! The order book's artifact in the VM: the gas of a normal fill with and without 10,000 resting dust orders
//! (minimum-size orders, half behind the filled order at its price, half at other price levels of both sides).
//! A fill's cost must not depend on how many orders rest in the book (contracts/orderbook/README.md, "Dust").
//!
//! `cargo test -p vm-tests --test orderbook -- --nocapture` prints both measurements.

use cosmwasm_std::{to_json_binary, Decimal, Uint128};
use cw20::{Cw20Coin, Cw20ExecuteMsg, MinterResponse};
use hmm::asset::AssetInfo;
use hmm::orderbook::{
    CreateMarketMsg, ExecuteMsg, InstantiateMsg, OrderKind, PlaceOrderMsg, ReceiveMsg, Side,
};
use vm_tests::chain::{artifacts_ready, Chain, TxGas};

const LOT: u128 = 1_000;

fn token(chain: &Chain, label: &str, holders: &[String]) -> String {
    let msg = hmm::token::InstantiateMsg {
        name: format!("token {label}"),
        symbol: label.to_string(),
        decimals: 6,
        initial_balances: holders
            .iter()
            .map(|h| Cw20Coin {
                address: h.clone(),
                amount: Uint128::new(1_000_000_000_000_000),
            })
            .collect(),
        mint: Some(MinterResponse {
            minter: chain.addr("owner"),
            cap: None,
        }),
        marketing: None,
        resource: None,
    };
    chain
        .instantiate("ai-token", label, &chain.addr("owner"), &msg)
        .unwrap()
        .0
}

struct Book {
    chain: Chain,
    ai: String,
    cu: String,
    book: String,
}

impl Book {
    fn new() -> Book {
        let chain = Chain::new().unwrap();
        let holders: Vec<String> = ["maker", "second", "duster", "taker"]
            .iter()
            .map(|n| chain.addr(n))
            .collect();
        let ai = token(&chain, "HMMAI", &holders);
        let cu = token(&chain, "CUGPU", &holders);
        let owner = chain.addr("owner");
        let msg = InstantiateMsg {
            owner: None,
            quote: AssetInfo::Cw20 {
                contract_addr: cosmwasm_std::Addr::unchecked(ai.clone()),
            },
            treasury: chain.addr("treasury"),
            burn_share: Decimal::percent(25),
        };
        let (book, _) = chain
            .instantiate("orderbook", "orderbook", &owner, &msg)
            .unwrap();
        let market = CreateMarketMsg {
            base: AssetInfo::Cw20 {
                contract_addr: cosmwasm_std::Addr::unchecked(cu.clone()),
            },
            lot_size: Uint128::new(LOT),
            tick_size: Uint128::new(10),
            min_lots: Uint128::one(),
            min_notional: Uint128::new(500),
            maker_fee: None,
            taker_fee: None,
        };
        chain
            .execute(&owner, &book, &ExecuteMsg::CreateMarket(market))
            .unwrap();
        Book {
            chain,
            ai,
            cu,
            book,
        }
    }

    fn place(&self, who: &str, side: Side, price: u128, lots: u128) {
        let (token, amount) = match side {
            Side::Bid => (&self.ai, price * lots),
            Side::Ask => (&self.cu, lots * LOT),
        };
        let order = PlaceOrderMsg {
            taker_fee_discount: None,
            market_id: 1,
            side,
            price: Uint128::new(price),
            quantity: Uint128::new(lots * LOT),
            kind: OrderKind::Limit,
            expires_at: None,
            max_fills: None,
            recipient: None,
        };
        let send = Cw20ExecuteMsg::Send {
            contract: self.book.clone(),
            amount: Uint128::new(amount),
            msg: to_json_binary(&ReceiveMsg::PlaceOrder(order)).unwrap(),
        };
        self.chain
            .execute(&self.chain.addr(who), token, &send)
            .unwrap_or_else(|e| panic!("{who} places: {e}"));
    }
}

/// A 10-lot bid taking the 10-lot ask at the top (one more ask behind it at its price), after `dust` dust orders.
fn fill_gas(dust: u128) -> TxGas {
    let b = Book::new();
    b.place("maker", Side::Ask, 1_000, 10);
    b.place("second", Side::Ask, 1_000, 10);
    // A bid below: the published top of book reads both sides' best, so both books have one.
    b.place("second", Side::Bid, 900, 1);
    for i in 0..dust {
        match i % 4 {
            0 | 1 => b.place("duster", Side::Ask, 1_000, 1),
            2 => b.place("duster", Side::Ask, 1_010 + 10 * (i % 500), 1),
            _ => b.place("duster", Side::Bid, 990 - 10 * (i % 49), 1),
        }
    }
    b.chain.label_next("fill");
    b.place("taker", Side::Bid, 1_000, 10);
    b.chain.record("fill").unwrap()
}

#[test]
fn a_fill_costs_the_same_with_10000_dust_orders_in_the_book() {
    match artifacts_ready() {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => panic!("{e}"),
    }
    let clean = fill_gas(0);
    let dusty = fill_gas(10_000);
    let (c, d) = (clean.sdk(), dusty.sdk());
    println!(
        "fill, empty book:       VM gas {:>12}, SDK gas estimate {:>8} (storage {})",
        clean.vm_gas(),
        c.total(),
        c.storage
    );
    println!(
        "fill, 10,000 dust:      VM gas {:>12}, SDK gas estimate {:>8} (storage {})",
        dusty.vm_gas(),
        d.total(),
        d.storage
    );
    // Within 1 %: the records' counters (order ids, level totals) are a few bytes longer with 10,000 orders.
    assert!(
        d.total().abs_diff(c.total()) * 100 <= c.total(),
        "{} vs {}",
        c.total(),
        d.total()
    );
    assert!(dusty.vm_gas().abs_diff(clean.vm_gas()) * 100 <= clean.vm_gas());
}
