//! Adversarial tests of the pool: what an attacker would try, each asserting that it does not pay and, when refused,
//! that nothing changed. Sandwiches, donations, dust loops, overflowing amounts, and random trade sequences that must
//! never extract value (proptest).

use cosmwasm_std::{Addr, Decimal256, Uint128};
use cw20::Cw20ExecuteMsg;
use cw_multi_test::Executor;
use hmm::pool::{Ask, CurveKind, ExecuteMsg, QueryMsg, ShareResponse};
use hmm_pool::ContractError;
use hmm_testing::pool::Suite;
use hmm_testing::Chain;
use proptest::prelude::*;

const Q0: u128 = 100_000_000_000; // 100k CU (6 decimals)
const P0: u128 = 500_000_000_000_000_000_000_000; // 500k $AI (18 decimals): 5 $AI per CU
const AI: u128 = 1_000_000_000_000_000_000; // 1 $AI

fn err(e: anyhow::Error) -> ContractError {
    e.downcast().expect("a pool ContractError")
}

fn pool_with(kind: CurveKind, lambda: &str) -> (Suite, u64) {
    let mut s = Suite::new(1);
    let id = s.create_pool(s.create_msg(kind, &[0], lambda)).unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
    (s, id)
}

fn buy_cu(s: &Suite) -> Ask {
    Ask::Cu {
        token: s.cu[0].to_string(),
    }
}

/// `cu` atoms valued at `spot` ($AI atoms per CU atom), rounded up (in the attacker's favour).
fn value_at(spot: Decimal256, cu: u128) -> u128 {
    Uint128::try_from((Decimal256::from_ratio(cu, 1u128) * spot).to_uint_ceil())
        .expect("fits in u128")
        .u128()
}

fn holdings(s: &Suite, who: &Addr) -> (u128, u128) {
    (s.balance(&s.ai, who), s.balance(&s.cu[0], who))
}

/// The attacker buys CU before the victim and sells it all right after; the victim protects himself with a 0.5 %
/// slippage bound on the quote he saw.
/// - A victim whose own price impact is below the two fees a sandwich pays (here 200 $AI, ~0.08 %): no front-run
///   size pays.
/// - A larger victim (2,000 $AI, ~0.8 % impact): a small front-run can pay, as on any AMM (the simulator measures
///   how often: docs/simulation.md). What must hold: the attacker gains at most what the victim lost against his
///   quote (a transfer, no value created; LPs keep the fees), and the victim never loses more than his bound.
#[test]
fn sandwiches_only_transfer_what_the_slippage_bound_allows() {
    for kind in [CurveKind::Bilinear, CurveKind::TargetReserve] {
        let lambda = if kind == CurveKind::Bilinear {
            "0"
        } else {
            "0.5"
        };
        for victim_in in [200 * AI, 2_000 * AI] {
            for front in [10, 100, 500, 1_000, 2_000, 5_000, 10_000, 25_000] {
                let (mut s, id) = pool_with(kind, lambda);
                let (attacker, victim) = (s.attacker.clone(), s.trader.clone());
                let (ai, cu0, ask) = (s.ai.clone(), s.cu[0].clone(), buy_cu(&s));
                let quoted = s
                    .quote(id, &ai, ask.clone(), victim_in)
                    .unwrap()
                    .return_amount
                    .u128();
                let min_out = quoted * 995 / 1000;
                let (ai0, cu_start) = holdings(&s, &attacker);
                let victim_cu0 = s.balance(&cu0, &victim);

                s.swap(&attacker, id, &ai, front * AI, ask.clone(), None, None)
                    .unwrap();
                let filled = s
                    .swap(
                        &victim,
                        id,
                        &ai,
                        victim_in,
                        ask.clone(),
                        None,
                        Some(min_out),
                    )
                    .is_ok();
                let (_, cu_mid) = holdings(&s, &attacker);
                s.swap(&attacker, id, &cu0, cu_mid - cu_start, Ask::Ai, None, None)
                    .unwrap();

                let (ai1, cu1) = holdings(&s, &attacker);
                assert_eq!(cu1, cu_start, "the attacker sold everything he bought");
                let gain = ai1 as i128 - ai0 as i128;
                let received = s.balance(&cu0, &victim) - victim_cu0;
                if !filled {
                    assert!(
                        gain < 0,
                        "{kind:?} front {front}: refused victim, attacker gained {gain}"
                    );
                    continue;
                }
                assert!(received >= min_out, "the victim's bound held");
                // The victim's loss against his quote, in $AI at his own average price.
                let victim_loss =
                    (quoted - received) as i128 * victim_in as i128 / quoted as i128 + 1;
                assert!(
                    gain <= victim_loss,
                    "{kind:?} front {front}: attacker gained {gain} > victim's loss {victim_loss}"
                );
                if victim_in == 200 * AI {
                    assert!(
                        gain < 0,
                        "{kind:?} front {front}: sandwich of a small victim paid {gain}"
                    );
                }
            }
        }
    }
}

/// Tokens sent straight to the pool (a cw20 `Transfer`, not a message it understands) change neither its reserves,
/// its prices nor any LP's share, and nobody can take them out through the pool: reserves are the pool's ledger,
/// not its balance.
#[test]
fn donations_change_nothing_and_cannot_be_extracted() {
    let (mut s, id) = pool_with(CurveKind::Bilinear, "0");
    let (attacker, lp) = (s.attacker.clone(), s.lp.clone());
    let (ai, cu0, pool_addr) = (s.ai.clone(), s.cu[0].clone(), s.pool.clone());
    let quote_before = s.quote(id, &ai, buy_cu(&s), 1_000 * AI).unwrap();
    let share_q = QueryMsg::Share {
        pool_id: id,
        owner: lp.to_string(),
    };
    let share_before: ShareResponse = s.query(&share_q).unwrap();
    let pool_before = format!("{:?}", s.pool_info(id));

    for (token, amount) in [(&ai, 50_000 * AI), (&cu0, 10_000_000_000)] {
        s.app
            .execute_contract(
                attacker.clone(),
                token.clone(),
                &Cw20ExecuteMsg::Transfer {
                    recipient: pool_addr.to_string(),
                    amount: Uint128::new(amount),
                },
                &[],
            )
            .unwrap();
    }
    assert_eq!(format!("{:?}", s.pool_info(id)), pool_before);
    assert_eq!(
        s.quote(id, &ai, buy_cu(&s), 1_000 * AI).unwrap(),
        quote_before
    );
    let share_after: ShareResponse = s.query(&share_q).unwrap();
    assert_eq!(share_after, share_before);

    // The attacker holds no shares: removing liquidity or claiming fees is refused and changes nothing.
    let before = s.snapshot(id);
    let e = err(s
        .execute(
            &attacker,
            &ExecuteMsg::RemoveLiquidity {
                pool_id: id,
                shares: Uint128::new(1),
                min_credits: Uint128::zero(),
                min_resources: vec![],
                deadline: None,
                defer: vec![],
            },
        )
        .unwrap_err());
    assert!(
        matches!(e, ContractError::InsufficientShares { .. }),
        "{e:?}"
    );
    let e = err(s
        .execute(
            &attacker,
            &ExecuteMsg::ClaimFees {
                pool_id: id,
                defer: vec![],
            },
        )
        .unwrap_err());
    assert_eq!(e, ContractError::NothingToClaim);
    assert_eq!(s.snapshot(id), before);
}

/// Many tiny trades: each one either is refused (it rounds to nothing) or pays at least one atom more than it gets
/// at the spot price, so a loop of them never extracts value, in either direction.
#[test]
fn dust_loops_never_extract_value() {
    let (mut s, id) = pool_with(CurveKind::TargetReserve, "0.5");
    let attacker = s.attacker.clone();
    let (ai, cu0) = (s.ai.clone(), s.cu[0].clone());
    let (ai0, cu_start) = holdings(&s, &attacker);
    let invariant0 = s.pool_info(id).invariant;
    let spot_before = s.pool_info(id).classes[0].spot_price;
    let mut refused = 0;
    for i in 0..200u128 {
        // $AI dust buys CU at 5 $AI/CU = 5e12 atoms of $AI per atom of CU: anything below that rounds to 0 CU.
        let amount = 1 + i * 37_000_000_000;
        match s.swap(&attacker, id, &ai, amount, buy_cu(&s), None, None) {
            Ok(_) => {}
            Err(e) => {
                refused += 1;
                let e = err(e);
                assert!(
                    matches!(e, ContractError::Math(_) | ContractError::ZeroAmount),
                    "{e:?}"
                );
            }
        }
        // CU dust: 1..=3 atoms, sold back.
        let cu_amount = 1 + i % 3;
        if s.balance(&cu0, &attacker) >= cu_amount {
            if let Err(e) = s.swap(&attacker, id, &cu0, cu_amount, Ask::Ai, None, None) {
                refused += 1;
                let e = err(e);
                assert!(
                    matches!(e, ContractError::Math(_) | ContractError::ZeroAmount),
                    "{e:?}"
                );
            }
        }
    }
    let (ai1, cu1) = holdings(&s, &attacker);
    // Value the CU the attacker gained at the lowest spot seen and the CU he gave at the highest (both in his
    // favour): his $AI gain must not pay for them.
    let (spot0, spot1) = (spot_before, s.pool_info(id).classes[0].spot_price);
    let (low, high) = (spot0.min(spot1), spot0.max(spot1));
    let gained = ai1 as i128 - ai0 as i128 + value_at(low, cu1.saturating_sub(cu_start)) as i128
        - value_at(high, cu_start.saturating_sub(cu1)) as i128;
    assert!(
        gained < 0 || (ai1 == ai0 && cu1 == cu_start),
        "dust loop extracted {gained} atoms: $AI {ai0} -> {ai1}, CU {cu_start} -> {cu1}, {refused} refused"
    );
    assert!(
        s.pool_info(id).invariant >= invariant0,
        "the invariant fell"
    );
}

/// Amounts near u128::MAX: typed errors, no panic, nothing changed.
#[test]
fn overflowing_amounts_are_refused_with_typed_errors() {
    let (mut s, id) = pool_with(CurveKind::Bilinear, "0");
    let (trader, ai) = (s.trader.clone(), s.ai.clone());
    let before = s.snapshot(id);
    // Exact-out of more CU than exist: the pool cannot pay it.
    let e = s
        .swap(
            &trader,
            id,
            &ai,
            1_000 * AI,
            buy_cu(&s),
            Some(u128::MAX),
            None,
        )
        .unwrap_err();
    assert!(e.downcast_ref::<ContractError>().is_some(), "{e:?}");
    // A quote of u128::MAX $AI: refused by the query, not a panic.
    assert!(s.quote(id, &ai, buy_cu(&s), u128::MAX).is_err());
    // min_out of u128::MAX: the slippage bound.
    let e = err(s
        .swap(&trader, id, &ai, AI, buy_cu(&s), None, Some(u128::MAX))
        .unwrap_err());
    assert!(matches!(e, ContractError::MinOutNotMet { .. }), "{e:?}");
    // Removing u128::MAX shares.
    let lp = s.lp.clone();
    let e = err(s
        .execute(
            &lp,
            &ExecuteMsg::RemoveLiquidity {
                pool_id: id,
                shares: Uint128::MAX,
                min_credits: Uint128::zero(),
                min_resources: vec![],
                deadline: None,
                defer: vec![],
            },
        )
        .unwrap_err());
    assert!(
        matches!(e, ContractError::InsufficientShares { .. }),
        "{e:?}"
    );
    assert_eq!(s.snapshot(id), before);
}

#[derive(Debug, Clone)]
enum Trade {
    BuyExactIn(u128),
    SellExactIn(u128),
    BuyExactOut(u128),
}

fn trade() -> impl Strategy<Value = Trade> {
    prop_oneof![
        (1u128..20_000).prop_map(|x| Trade::BuyExactIn(x * AI)),
        (1u128..4_000).prop_map(|x| Trade::SellExactIn(x * 1_000_000)),
        (1u128..4_000).prop_map(|x| Trade::BuyExactOut(x * 1_000_000)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    /// Any sequence of trades, then selling back whatever CU is left: the trader never ends with more $AI, the pool's
    /// invariant never falls, and every token's total (all holders) is conserved.
    #[test]
    fn no_trade_sequence_extracts_value(
        trades in prop::collection::vec(trade(), 1..12),
        target_reserve in any::<bool>(),
    ) {
        let (kind, lambda) = if target_reserve {
            (CurveKind::TargetReserve, "0.5")
        } else {
            (CurveKind::Bilinear, "0")
        };
        let (mut s, id) = pool_with(kind, lambda);
        let trader = s.trader.clone();
        let (ai, cu0) = (s.ai.clone(), s.cu[0].clone());
        let (ai_start, cu_start) = holdings(&s, &trader);
        let totals = (s.known_balances(&ai), s.known_balances(&cu0));
        let mut invariant = s.pool_info(id).invariant;
        for t in &trades {
            let result = match t {
                Trade::BuyExactIn(x) => s.swap(&trader, id, &ai, *x, buy_cu(&s), None, None),
                Trade::SellExactIn(x) => {
                    let x = (*x).min(s.balance(&cu0, &trader));
                    s.swap(&trader, id, &cu0, x, Ask::Ai, None, None)
                }
                Trade::BuyExactOut(x) => s.swap(&trader, id, &ai, 100_000 * AI, buy_cu(&s), Some(*x), None),
            };
            if let Err(e) = result {
                // Refusals must be the pool's typed errors (price impact, dust), never a crash.
                prop_assert!(e.downcast_ref::<ContractError>().is_some(), "{:?}", e);
            }
            let now = s.pool_info(id).invariant;
            prop_assert!(now >= invariant, "invariant fell: {} -> {}", invariant, now);
            invariant = now;
        }
        // Unwind to the starting CU: sell back what was bought, or buy back what was sold (exact out), in slices
        // within the price-impact limit.
        for _ in 0..50 {
            let cu_now = s.balance(&cu0, &trader);
            let result = if cu_now > cu_start {
                let slice = (cu_now - cu_start).min(Q0 / 10);
                s.swap(&trader, id, &cu0, slice, Ask::Ai, None, None)
            } else if cu_now < cu_start {
                let slice = (cu_start - cu_now).min(Q0 / 10);
                s.swap(&trader, id, &ai, 100_000 * AI, buy_cu(&s), Some(slice), None)
            } else {
                break;
            };
            if result.is_err() {
                break; // dust that rounds to nothing
            }
        }
        let (ai_end, cu_end) = holdings(&s, &trader);
        prop_assert!(cu_end >= cu_start && cu_end - cu_start < 10, "unwinding left CU {} -> {}", cu_start, cu_end);
        prop_assert!(ai_end <= ai_start, "gained $AI: {} -> {}", ai_start, ai_end);
        prop_assert_eq!((s.known_balances(&ai), s.known_balances(&cu0)), totals);
    }
}

#[derive(Debug, Clone)]
enum LpAction {
    /// Deposit this many per mille of the reserves (the pool pulls the exact proportional amounts).
    Add(bool, u128),
    /// Deposit and withdraw at once: must not return more than was put in.
    RoundTrip(bool, u128),
    /// Withdraw every share.
    RemoveAll(bool),
    Buy(u128),
    Sell(u128),
}

fn lp_action() -> impl Strategy<Value = LpAction> {
    prop_oneof![
        (any::<bool>(), 1u128..500).prop_map(|(a, m)| LpAction::Add(a, m)),
        (any::<bool>(), 1u128..500).prop_map(|(a, m)| LpAction::RoundTrip(a, m)),
        any::<bool>().prop_map(LpAction::RemoveAll),
        (1u128..20_000).prop_map(|x| LpAction::Buy(x * AI)),
        (1u128..4_000).prop_map(|x| LpAction::Sell(x * 1_000_000)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    /// Two LPs (the seeding LP and the attacker) deposit, withdraw and round-trip between trades: nobody withdraws
    /// more than the position's value the pool reports (pro rata reserves + fees owed), a deposit withdrawn at once
    /// never returns more than it cost, and every token's total is conserved.
    #[test]
    fn lps_never_withdraw_more_than_their_share(
        actions in prop::collection::vec(lp_action(), 1..12),
    ) {
        let (mut s, id) = pool_with(CurveKind::TargetReserve, "0.5");
        let (ai, cu0) = (s.ai.clone(), s.cu[0].clone());
        let totals = (s.known_balances(&ai), s.known_balances(&cu0));
        let share = |s: &Suite, who: &Addr| -> ShareResponse {
            s.query(&QueryMsg::Share { pool_id: id, owner: who.to_string() }).unwrap()
        };
        for action in &actions {
            let who_of = |s: &Suite, attacker: bool| if attacker { s.attacker.clone() } else { s.lp.clone() };
            match action {
                LpAction::Add(a, permille) | LpAction::RoundTrip(a, permille) => {
                    let who = who_of(&s, *a);
                    let class = s.pool_info(id).classes[0].clone();
                    let q = class.resource_reserve.u128() * permille / 1000;
                    let p = class.credit_reserve.u128() * permille / 1000;
                    let before = holdings(&s, &who);
                    let shares_before = share(&s, &who).shares;
                    if s.add_liquidity(&who, id, &[(q, p)], 0).is_err() {
                        continue;
                    }
                    if let LpAction::RoundTrip(..) = action {
                        let minted = share(&s, &who).shares - shares_before;
                        if minted.is_zero() {
                            continue;
                        }
                        s.execute(&who, &ExecuteMsg::RemoveLiquidity {
                            pool_id: id,
                            shares: minted,
                            min_credits: Uint128::zero(),
                            min_resources: vec![],
                            deadline: None,
                            defer: vec![],
                        }).unwrap();
                        let after = holdings(&s, &who);
                        // An account that already held shares is also paid the fees they earned: compare only
                        // fresh accounts.
                        if shares_before.is_zero() {
                            prop_assert!(after.0 <= before.0 && after.1 <= before.1,
                                "round trip gained: {:?} -> {:?}", before, after);
                        }
                    }
                }
                LpAction::RemoveAll(a) => {
                    let who = who_of(&s, *a);
                    let position = share(&s, &who);
                    if position.shares.is_zero() {
                        continue;
                    }
                    let pool = s.pool_info(id);
                    let class = &pool.classes[0];
                    // The reported value is at most pro rata (rounded down).
                    prop_assert!(position.credits <= class.credit_reserve.multiply_ratio(position.shares, pool.total_shares));
                    prop_assert!(position.resources[0] <= class.resource_reserve.multiply_ratio(position.shares, pool.total_shares));
                    let before = holdings(&s, &who);
                    s.execute(&who, &ExecuteMsg::RemoveLiquidity {
                        pool_id: id,
                        shares: position.shares,
                        min_credits: Uint128::zero(),
                        min_resources: vec![],
                        deadline: None,
                        defer: vec![],
                    }).unwrap();
                    let after = holdings(&s, &who);
                    prop_assert!(after.0 - before.0 <= (position.credits + position.pending_fee_credits).u128());
                    prop_assert!(after.1 - before.1 <= (position.resources[0] + position.pending_fee_resources[0]).u128());
                }
                LpAction::Buy(x) => {
                    let trader = s.trader.clone();
                    let _ = s.swap(&trader, id, &ai, *x, buy_cu(&s), None, None);
                }
                LpAction::Sell(x) => {
                    let trader = s.trader.clone();
                    let _ = s.swap(&trader, id, &cu0, *x, Ask::Ai, None, None);
                }
            }
            prop_assert_eq!((s.known_balances(&ai), s.known_balances(&cu0)), totals);
        }
    }
}
