//! `CreateMarket`, `UpdateMarket`, `UpdateConfig`: owner only, bounded parameters, one market per base asset.

use cosmwasm_std::{Decimal, Uint128};
use hmm::asset::AssetInfo;
use hmm::orderbook::{ConfigResponse, ExecuteMsg, Market, MarketsResponse, QueryMsg};
use hmm_testing::orderbook::{refused, Suite, LOT, TICK};
use orderbook::ContractError;

#[test]
fn markets_are_created_by_the_owner_only_with_the_default_fees() {
    let mut s = Suite::new();
    let attacker = s.addr("attacker");
    let base = AssetInfo::native("ugpu");
    let msg = ExecuteMsg::CreateMarket(Suite::market_msg(base.clone()));
    let err = s.execute(&attacker, &msg).unwrap_err();
    assert!(refused(&err, &cw_ownable::OwnershipError::NotOwner));
    let id = s.create_market(base.clone()).unwrap();
    let m: Market = s.query(&QueryMsg::Market { market_id: id }).unwrap();
    assert_eq!(m.base, base);
    assert_eq!(m.maker_fee, Decimal::permille(1));
    assert_eq!(m.taker_fee, Decimal::permille(3));
    assert_eq!((m.lot_size.u128(), m.tick_size.u128()), (LOT, TICK));
    let all: MarketsResponse = s
        .query(&QueryMsg::Markets {
            start_after: None,
            limit: None,
        })
        .unwrap();
    assert_eq!(all.markets.len(), 3);
    let c: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert_eq!(c.market_count, 3);
}

#[test]
fn bad_market_parameters_are_refused() {
    let mut s = Suite::new();
    let owner = s.owner.clone();
    let cu = s.base(s.cw20_market);
    let dup = Suite::market_msg(cu.clone());
    let err = s
        .execute(&owner, &ExecuteMsg::CreateMarket(dup))
        .unwrap_err();
    assert!(refused(
        &err,
        &ContractError::MarketExists {
            base: cu.to_string(),
            market_id: 1
        }
    ));
    let quote = Suite::market_msg(s.quote.clone());
    let err = s
        .execute(&owner, &ExecuteMsg::CreateMarket(quote))
        .unwrap_err();
    assert!(refused(
        &err,
        &ContractError::BaseIsQuote {
            quote: s.quote.to_string()
        }
    ));
    let fresh = AssetInfo::native("ufresh");
    let mut zero_lot = Suite::market_msg(fresh.clone());
    zero_lot.lot_size = Uint128::zero();
    let mut zero_tick = Suite::market_msg(fresh.clone());
    zero_tick.tick_size = Uint128::zero();
    let mut zero_min = Suite::market_msg(fresh.clone());
    zero_min.min_lots = Uint128::zero();
    for (msg, what) in [
        (zero_lot, "lot_size"),
        (zero_tick, "tick_size"),
        (zero_min, "min_lots"),
    ] {
        let err = s
            .execute(&owner, &ExecuteMsg::CreateMarket(msg))
            .unwrap_err();
        assert!(refused(&err, &ContractError::Zero { what }), "{err:?}");
    }
    let mut greedy = Suite::market_msg(fresh.clone());
    greedy.taker_fee = Some(Decimal::percent(11));
    let err = s
        .execute(&owner, &ExecuteMsg::CreateMarket(greedy))
        .unwrap_err();
    assert!(refused(
        &err,
        &ContractError::FeeTooHigh {
            rate: Decimal::percent(11),
            max: Decimal::percent(10)
        }
    ));
    let empty = Suite::market_msg(AssetInfo::native(""));
    assert!(s.execute(&owner, &ExecuteMsg::CreateMarket(empty)).is_err());
    let c: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert_eq!(c.market_count, 2, "nothing was created");
}

#[test]
fn the_owner_updates_fees_minimums_treasury_and_burn_share_within_bounds() {
    let mut s = Suite::new();
    let (owner, attacker) = (s.owner.clone(), s.addr("attacker"));
    let m = s.cw20_market;
    let update = ExecuteMsg::UpdateMarket {
        market_id: m,
        maker_fee: Some(Decimal::zero()),
        taker_fee: Some(Decimal::permille(5)),
        min_lots: Some(Uint128::new(2)),
        min_notional: None,
    };
    assert!(s.execute(&attacker, &update).is_err());
    s.execute(&owner, &update).unwrap();
    let market = s.market(m);
    assert_eq!(
        (market.maker_fee, market.taker_fee, market.min_lots.u128()),
        (Decimal::zero(), Decimal::permille(5), 2)
    );
    let err = s
        .execute(
            &owner,
            &ExecuteMsg::UpdateMarket {
                market_id: 99,
                maker_fee: None,
                taker_fee: None,
                min_lots: None,
                min_notional: None,
            },
        )
        .unwrap_err();
    assert!(refused(
        &err,
        &ContractError::UnknownMarket { market_id: 99 }
    ));
    let cfg = ExecuteMsg::UpdateConfig {
        router: None,
        treasury: Some(s.addr("dao").to_string()),
        burn_share: Some(Decimal::percent(50)),
    };
    assert!(s.execute(&attacker, &cfg).is_err());
    s.execute(&owner, &cfg).unwrap();
    let c: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert_eq!(
        (c.treasury, c.burn_share),
        (s.addr("dao"), Decimal::percent(50))
    );
    let err = s
        .execute(
            &owner,
            &ExecuteMsg::UpdateConfig {
                router: None,
                treasury: None,
                burn_share: Some(Decimal::percent(101)),
            },
        )
        .unwrap_err();
    assert!(refused(
        &err,
        &ContractError::BurnShareTooHigh {
            burn_share: Decimal::percent(101)
        }
    ));
}
