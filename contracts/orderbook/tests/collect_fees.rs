//! `CollectFees`: the fee ledger is paid out, the treasury part transferred and the burn part burned (cw20 `Burn`,
//! bank `Burn` for a native asset); anyone may call it; an empty ledger is refused.

use cosmwasm_std::Decimal;
use hmm::asset::AssetInfo;
use hmm::orderbook::Side;
use hmm_testing::orderbook::{refused, Chain, Suite, LOT, NATIVE_CU, TRADERS};
use orderbook::ContractError;

#[test]
fn fees_go_to_the_treasury_and_the_burn_share_is_burned_for_both_kinds() {
    let mut s = Suite::new();
    let (alice, bob, carol) = (s.addr("alice"), s.addr("bob"), s.addr("carol"));
    let (m, n) = (s.cw20_market, s.native_market);
    let err = s.collect_fees(&carol, vec![]).unwrap_err();
    assert!(refused(&err, &ContractError::NothingToCollect));
    // 100 lots at 1,000 on each market: taker fee 0.3 % of 100,000 base = 300 base, maker fee 100 quote.
    for market in [m, n] {
        s.place(&alice, Suite::limit(market, Side::Ask, 1_000, 100 * LOT))
            .unwrap();
        s.place(&bob, Suite::limit(market, Side::Bid, 1_000, 100 * LOT))
            .unwrap();
    }
    s.check_invariants();
    let cu = s.cu.clone();
    let (ai, treasury) = (s.ai.clone(), s.treasury.clone());
    let supply = |s: &Suite| {
        let native = AssetInfo::native(NATIVE_CU);
        (
            s.supply(&cu),
            s.supply(&ai),
            // (cw-multi-test's bank answers no supply query: the native supply is the sum of every holder.)
            TRADERS
                .iter()
                .map(|t| s.holding(&native, &s.addr(t)))
                .sum::<u128>()
                + s.holding(&native, &s.treasury)
                + s.holding(&native, &s.book),
        )
    };
    let before = supply(&s);
    s.collect_fees(&carol, vec![]).unwrap();
    let after = supply(&s);
    // ζ = 25 %: of 300 base, 75 burned and 225 to the treasury; of 200 quote (two markets), 50 burned.
    assert_eq!(before.0 - after.0, 75);
    assert_eq!(before.1 - after.1, 50);
    assert_eq!(before.2 - after.2, 75);
    assert_eq!(s.balance(&cu, &treasury), 225);
    assert_eq!(s.balance(&ai, &treasury), 150);
    assert_eq!(s.holding(&AssetInfo::native(NATIVE_CU), &treasury), 225);
    assert!(s.fees().fees.is_empty());
    s.check_invariants();
    let err = s.collect_fees(&carol, vec![]).unwrap_err();
    assert!(refused(&err, &ContractError::NothingToCollect));
}

#[test]
fn collection_can_be_limited_to_some_assets_and_a_zero_burn_share_burns_nothing() {
    let mut s = Suite::new();
    let (alice, bob, owner) = (s.addr("alice"), s.addr("bob"), s.owner.clone());
    s.execute(
        &owner,
        &hmm::orderbook::ExecuteMsg::UpdateConfig {
            router: None,
            treasury: None,
            burn_share: Some(Decimal::zero()),
        },
    )
    .unwrap();
    let m = s.cw20_market;
    s.place(&alice, Suite::limit(m, Side::Ask, 1_000, 100 * LOT))
        .unwrap();
    s.place(&bob, Suite::limit(m, Side::Bid, 1_000, 100 * LOT))
        .unwrap();
    let quote = s.quote.clone();
    s.collect_fees(&alice, vec![quote.clone()]).unwrap();
    let left = s.fees().fees;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].asset, s.base(m));
    assert_eq!(left[0].burn.u128(), 0);
    assert_eq!(s.holding(&quote, &s.treasury.clone()), 100);
    s.check_invariants();
}
