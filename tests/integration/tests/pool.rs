//! The pool contract end to end on cw-multi-test: swaps, liquidity, fees, routing, TWAP, admin, and every refusal.

use cosmwasm_std::{Decimal256, Uint128};
use cw20::Cw20ExecuteMsg;
use cw_multi_test::Executor;
use hmm::pool::{
    Ask, ConfigResponse, CrossPriceResponse, CurveKind, ExecuteMsg, ImpermanentLossResponse,
    PoolUpdate, QueryMsg, ReceiveMsg, ShareResponse, SlaRequirement, SpotPriceResponse,
    TwapResponse, MINIMUM_LIQUIDITY,
};
use hmm_pool::ContractError;
use hmm_testing::pool::Suite;
use hmm_testing::Chain;

const Q0: u128 = 100_000_000_000; // 100k CU (6 decimals)
const P0: u128 = 500_000_000_000_000_000_000_000; // 500k $AI (18 decimals): 5 $AI per CU

fn err(e: anyhow::Error) -> ContractError {
    e.downcast().expect("a pool ContractError")
}

/// A bilinear pool with the default fees, seeded by the LP.
fn bilinear() -> (Suite, u64) {
    let mut s = Suite::new(3);
    let id = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[0], "0"))
        .unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
    (s, id)
}

/// Independent reference: constant product with the pool's fee rule (f_m + f_r·Δ/reserve, rounded up), output
/// rounded down.
fn cp_buy(q: u128, p: u128, amount_in: u128) -> u128 {
    // rate = 0.003 + 0.02·amount/p, as an exact fraction ×1e18
    let rate = 3_000_000_000_000_000u128
        + (20_000_000_000_000_000u128 * (amount_in / 1_000_000)) / (p / 1_000_000);
    let fee = (amount_in * (rate / 1_000_000_000)).div_ceil(1_000_000_000); // ceil(amount·rate)
    let net = amount_in - fee;
    let k = q * p; // < 2^128 for these sizes
    let q_after = k.div_ceil(p + net);
    q - q_after
}

#[test]
fn buy_matches_the_constant_product_reference() {
    let (mut s, id) = bilinear();
    let trader = s.trader.clone();
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    let amount = 1_000_000_000_000_000_000_000; // 1000 $AI
    let quote = s
        .quote(
            id,
            &ai,
            hmm::pool::Ask::Cu {
                token: cu.to_string(),
            },
            amount,
        )
        .unwrap();
    let before = s.balance(&cu, &trader);
    s.swap(
        &trader,
        id,
        &ai,
        amount,
        Ask::Cu {
            token: cu.to_string(),
        },
        None,
        None,
    )
    .unwrap();
    let got = s.balance(&cu, &trader) - before;
    assert_eq!(
        got,
        quote.return_amount.u128(),
        "the quote is what the swap pays"
    );
    let reference = cp_buy(Q0, P0, amount);
    // The reference computes the fee rate with integer truncation: allow one atom of difference.
    assert!(
        got.abs_diff(reference) <= 1,
        "got {got}, constant product reference {reference}"
    );
    assert!(quote.slippage_bps > 0 && quote.fee_amount.u128() > 0);
    // The pool's reserves moved by exactly the net input and the output.
    let pool = s.pool_info(id);
    assert_eq!(pool.classes[0].resource_reserve.u128(), Q0 - got);
    assert_eq!(
        pool.classes[0].credit_reserve.u128(),
        P0 + amount - quote.fee_amount.u128()
    );
}

#[test]
fn exact_out_refunds_the_unused_input_and_round_trips_lose() {
    let (mut s, id) = bilinear();
    let trader = s.trader.clone();
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    let ai_before = s.balance(&ai, &trader);
    let cu_before = s.balance(&cu, &trader);
    let want = 1_000_000_000; // 1000 CU
    let max_in = 10_000_000_000_000_000_000_000u128; // 10k $AI budget
    s.swap(
        &trader,
        id,
        &ai,
        max_in,
        Ask::Cu {
            token: cu.to_string(),
        },
        Some(want),
        None,
    )
    .unwrap();
    assert_eq!(s.balance(&cu, &trader) - cu_before, want);
    let spent = ai_before - s.balance(&ai, &trader);
    assert!(
        spent < max_in && spent > 5_000_000_000_000_000_000_000,
        "spent {spent}"
    );
    // Sell everything back: strictly less $AI than was spent (fees and curvature).
    s.swap(&trader, id, &cu, want, Ask::Ai, None, None).unwrap();
    assert_eq!(s.balance(&cu, &trader), cu_before);
    assert!(s.balance(&ai, &trader) < ai_before);
}

#[test]
fn tokens_are_conserved_and_fees_split_and_burn() {
    let (mut s, id) = bilinear();
    let trader = s.trader.clone();
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    let supply_ai = s.supply(&ai);
    let supply_cu = s.supply(&cu);
    for i in 0..6u128 {
        s.swap(
            &trader,
            id,
            &ai,
            3_000_000_000_000_000_000_000 + i,
            Ask::Cu {
                token: cu.to_string(),
            },
            None,
            None,
        )
        .unwrap();
        s.swap(&trader, id, &cu, 300_000_000 + i, Ask::Ai, None, None)
            .unwrap();
    }
    // Every atom is somewhere we know: supplies unchanged and equal to the known balances.
    assert_eq!(s.supply(&ai), supply_ai);
    assert_eq!(s.known_balances(&ai), supply_ai);
    assert_eq!(s.known_balances(&cu), supply_cu);
    // The pool holds reserves + LP fees owed + protocol fees pending.
    let pool = s.pool_info(id);
    let cfg: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    let share: ShareResponse = s
        .query(&QueryMsg::Share {
            pool_id: id,
            owner: s.lp.to_string(),
        })
        .unwrap();
    let pending = |v: &Vec<hmm::pool::TokenAmount>, t: &cosmwasm_std::Addr| {
        v.iter()
            .find(|x| x.token == *t)
            .map(|x| x.amount.u128())
            .unwrap_or(0)
    };
    let ai_accounted = pool.classes[0].credit_reserve.u128()
        + share.pending_fee_credits.u128()
        + pending(&cfg.pending_treasury, &ai)
        + pending(&cfg.pending_burn, &ai);
    let ai_held = s.balance(&ai, &s.pool);
    assert!(
        ai_held >= ai_accounted,
        "pool holds {ai_held} < accounted {ai_accounted}"
    );
    // No fee belongs to nobody: the MINIMUM_LIQUIDITY locked shares earn none and what the per-share accumulator
    // cannot distribute goes to the reserves; what is left is the LP's own rounding (under an atom per trade).
    let unaccounted = ai_held - ai_accounted;
    assert!(
        unaccounted <= 20,
        "unaccounted {unaccounted} $AI atoms (locked shares would have held {})",
        share.pending_fee_credits.u128() * MINIMUM_LIQUIDITY / share.shares.u128()
    );
    // Collect: the treasury is paid, the burn share leaves the supply.
    let burn = pending(&cfg.pending_burn, &ai);
    let treasury_share = pending(&cfg.pending_treasury, &ai);
    assert!(burn > 0 && treasury_share > 0);
    let anyone = s.attacker.clone();
    s.execute(&anyone, &ExecuteMsg::CollectProtocolFees { tokens: vec![] })
        .unwrap();
    assert_eq!(s.supply(&ai), supply_ai - burn);
    assert_eq!(s.balance(&ai, &s.treasury), treasury_share);
    assert_eq!(s.supply(&cu), supply_cu - pending(&cfg.pending_burn, &cu));
    // Nothing left to collect.
    assert_eq!(
        err(s
            .execute(&anyone, &ExecuteMsg::CollectProtocolFees { tokens: vec![] })
            .unwrap_err()),
        ContractError::NothingToClaim
    );
    // LP claims its fees in both tokens.
    let lp = s.lp.clone();
    let lp_ai = s.balance(&ai, &lp);
    s.execute(
        &lp,
        &ExecuteMsg::ClaimFees {
            pool_id: id,
            defer: vec![],
        },
    )
    .unwrap();
    assert_eq!(
        s.balance(&ai, &lp) - lp_ai,
        share.pending_fee_credits.u128()
    );
    assert_eq!(
        err(s
            .execute(
                &lp,
                &ExecuteMsg::ClaimFees {
                    pool_id: id,
                    defer: vec![]
                }
            )
            .unwrap_err()),
        ContractError::NothingToClaim
    );
}

#[test]
fn the_invariant_never_falls_over_a_trade_sequence() {
    let mut s = Suite::new(1);
    let id = s
        .create_pool(s.create_msg(CurveKind::TargetReserve, &[0], "1.2"))
        .unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
    let trader = s.trader.clone();
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    let mut kappa = s.pool_info(id).invariant;
    for i in 0..20u128 {
        if i % 3 == 0 {
            s.swap(
                &trader,
                id,
                &cu,
                2_000_000_000 + i * 7919,
                Ask::Ai,
                None,
                None,
            )
            .unwrap();
        } else {
            s.swap(
                &trader,
                id,
                &ai,
                7_000_000_000_000_000_000_000 + i * 104_729,
                Ask::Cu {
                    token: cu.to_string(),
                },
                None,
                None,
            )
            .unwrap();
        }
        let now = s.pool_info(id).invariant;
        assert!(now >= kappa, "κ fell at trade {i}: {now} < {kappa}");
        kappa = now;
    }
}

#[test]
fn refused_messages_change_nothing() {
    let (mut s, id) = bilinear();
    let trader = s.trader.clone();
    let attacker = s.attacker.clone();
    let (ai, cu0, cu1) = (s.ai.clone(), s.cu[0].clone(), s.cu[1].clone());
    let before = s.snapshot(id);
    let buy = |token: &cosmwasm_std::Addr| Ask::Cu {
        token: token.to_string(),
    };

    // Wrong token: a CU this pool does not trade.
    let e = err(s
        .swap(&trader, id, &cu1, 1000, Ask::Ai, None, None)
        .unwrap_err());
    assert!(matches!(e, ContractError::WrongToken(_)), "{e:?}");
    // Unknown pool.
    assert_eq!(
        err(s
            .swap(&trader, 99, &ai, 1000, buy(&cu0), None, None)
            .unwrap_err()),
        ContractError::UnknownPool(99)
    );
    // Asking for the token offered.
    assert_eq!(
        err(s
            .swap(&trader, id, &ai, 1000, Ask::Ai, None, None)
            .unwrap_err()),
        ContractError::SameToken
    );
    // Slippage bound.
    let e = err(s
        .swap(
            &trader,
            id,
            &ai,
            1_000_000_000_000_000_000,
            buy(&cu0),
            None,
            Some(1_000_000_000),
        )
        .unwrap_err());
    assert!(matches!(e, ContractError::MinOutNotMet { .. }), "{e:?}");
    // Exact out with too small a budget.
    let e = err(s
        .swap(&trader, id, &ai, 1_000, buy(&cu0), Some(1_000_000), None)
        .unwrap_err());
    assert!(matches!(e, ContractError::MaxInExceeded { .. }), "{e:?}");
    // Price impact above the pool's 50 % limit.
    let e = err(s
        .swap(&trader, id, &ai, P0, buy(&cu0), None, None)
        .unwrap_err());
    assert!(
        matches!(e, ContractError::PriceImpactTooHigh { .. }),
        "{e:?}"
    );
    // Draining: exact out of the whole reserve.
    let e = err(s
        .swap(&trader, id, &ai, P0, buy(&cu0), Some(Q0), None)
        .unwrap_err());
    assert!(matches!(e, ContractError::Math(_)), "{e:?}");
    // Expired deadline.
    let hook = ReceiveMsg::Swap {
        pool_id: id,
        ask: buy(&cu0),
        exact_out: None,
        min_out: None,
        deadline: Some(1),
        to: None,
    };
    assert!(matches!(
        err(s.send(&trader, &ai, 1000, &hook).unwrap_err()),
        ContractError::DeadlinePassed { .. }
    ));
    // Zero amounts are refused by cw20 itself; a dust amount that rounds to nothing is refused by the pool.
    assert!(s.swap(&trader, id, &ai, 1, buy(&cu0), None, None).is_err());
    // Unauthorised admin actions.
    let create = s.create_msg(CurveKind::Bilinear, &[1], "0");
    assert!(matches!(
        err(s
            .execute(&attacker, &ExecuteMsg::CreatePool(create))
            .unwrap_err()),
        ContractError::Unauthorized(_)
    ));
    let pause = ExecuteMsg::SetPaused {
        pool_id: Some(id),
        paused: true,
    };
    assert_eq!(
        err(s.execute(&attacker, &pause).unwrap_err()),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner)
    );
    let update = ExecuteMsg::UpdatePool {
        pool_id: id,
        update: PoolUpdate::default(),
    };
    assert_eq!(
        err(s.execute(&attacker, &update).unwrap_err()),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner)
    );
    assert_eq!(
        err(s
            .execute(
                &attacker,
                &ExecuteMsg::UpdateOwnership(cw_ownable::Action::AcceptOwnership)
            )
            .unwrap_err()),
        ContractError::Ownership(cw_ownable::OwnershipError::TransferNotFound)
    );
    // Withdrawing shares one does not have.
    let remove = ExecuteMsg::RemoveLiquidity {
        pool_id: id,
        shares: Uint128::new(1),
        min_credits: Uint128::zero(),
        min_resources: vec![],
        deadline: None,
        defer: vec![],
    };
    assert!(matches!(
        err(s.execute(&attacker, &remove).unwrap_err()),
        ContractError::InsufficientShares { .. }
    ));
    // Native funds are refused.
    let owner = s.owner.clone();
    let pool_addr = s.pool.clone();
    assert!(s
        .app
        .execute_contract(
            owner,
            pool_addr,
            &ExecuteMsg::CollectProtocolFees { tokens: vec![] },
            &[cosmwasm_std::coin(1, "x")]
        )
        .is_err());

    assert_eq!(s.snapshot(id), before, "a refused message changed state");
}

#[test]
fn unsound_curvature_is_refused() {
    let mut s = Suite::new(2);
    for (kind, lambda) in [
        (CurveKind::TargetReserve, "2"),
        (CurveKind::Augmented, "3"),
        (CurveKind::MultiAsset, "1"),
    ] {
        let e = err(s.create_pool(s.create_msg(kind, &[0], lambda)).unwrap_err());
        assert!(
            matches!(e, ContractError::InvalidParams(_)),
            "{kind:?} λ={lambda}: {e:?}"
        );
    }
    // Sound ones are accepted and price at target is p/q.
    let id = s
        .create_pool(s.create_msg(CurveKind::TargetReserve, &[0], "1.5"))
        .unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
    let price: SpotPriceResponse = s
        .query(&QueryMsg::SpotPrice {
            pool_id: id,
            cu_token: s.cu[0].to_string(),
        })
        .unwrap();
    assert_eq!(price.price, Decimal256::from_ratio(P0, Q0));
    // Raising λ to an unsound value through UpdatePool is refused.
    let mut c = s
        .create_msg(CurveKind::TargetReserve, &[0], "1.5")
        .curvature
        .unwrap();
    c.lambda_max = Decimal256::percent(250);
    c.lambda = Decimal256::percent(250);
    let owner = s.owner.clone();
    let e = err(s
        .execute(
            &owner,
            &ExecuteMsg::UpdatePool {
                pool_id: id,
                update: PoolUpdate {
                    curvature: Some(c),
                    ..Default::default()
                },
            },
        )
        .unwrap_err());
    assert!(matches!(e, ContractError::InvalidParams(_)), "{e:?}");
}

#[test]
fn first_depositor_cannot_steal_later_deposits() {
    let mut s = Suite::new(1);
    let id = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[0], "0"))
        .unwrap();
    let attacker = s.attacker.clone();
    // Too small a first deposit is refused (it must exceed the locked minimum).
    assert!(matches!(
        err(s
            .add_liquidity(&attacker, id, &[(1000, 1000)], 0)
            .unwrap_err()),
        ContractError::FirstDepositTooSmall(_)
    ));
    // Minimal first deposit, then a large donation straight to the pool's address.
    s.add_liquidity(&attacker, id, &[(2_000, 2_000)], 0)
        .unwrap();
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    let pool_addr = s.pool.clone();
    s.app
        .execute_contract(
            attacker.clone(),
            ai.clone(),
            &Cw20ExecuteMsg::Transfer {
                recipient: pool_addr.to_string(),
                amount: Uint128::new(P0),
            },
            &[],
        )
        .unwrap();
    // The donation does not move the reserves (they are accounted, not read from balances).
    assert_eq!(s.pool_info(id).classes[0].credit_reserve.u128(), 2_000);
    // The victim deposits and can withdraw what it put in (less rounding).
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(2_000_000, 2_000_000)], 1)
        .unwrap();
    let share: ShareResponse = s
        .query(&QueryMsg::Share {
            pool_id: id,
            owner: lp.to_string(),
        })
        .unwrap();
    assert!(
        share.credits.u128() >= 1_999_999 && share.resources[0].u128() >= 1_999_999,
        "{share:?}"
    );
    let _ = cu;
    assert_eq!(share.total_shares.u128(), 2_000 + 2_000_000);
    const { assert!(MINIMUM_LIQUIDITY < 2_000) };
}

#[test]
fn liquidity_round_trip_is_pro_rata() {
    let (mut s, id) = bilinear();
    let lp = s.lp.clone();
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    let share: ShareResponse = s
        .query(&QueryMsg::Share {
            pool_id: id,
            owner: lp.to_string(),
        })
        .unwrap();
    // Second LP deposit is proportional: the surplus side is not pulled.
    let trader = s.trader.clone();
    let ai_before = s.balance(&ai, &trader);
    s.add_liquidity(&trader, id, &[(Q0 / 10, P0)], 1).unwrap();
    let pulled = ai_before - s.balance(&ai, &trader);
    // Only the proportional credits are pulled (shares round down, so a hair under a tenth).
    assert!(
        pulled <= P0 / 10 && P0 / 10 - pulled < P0 / 10 / 1_000_000_000_000,
        "pulled {pulled}"
    );
    let t: ShareResponse = s
        .query(&QueryMsg::Share {
            pool_id: id,
            owner: trader.to_string(),
        })
        .unwrap();
    assert_eq!(t.shares.u128(), (share.total_shares.u128()) / 10);
    // Remove: bounds respected, pro-rata amounts paid.
    let too_much = ExecuteMsg::RemoveLiquidity {
        pool_id: id,
        shares: t.shares,
        min_credits: Uint128::new(P0),
        min_resources: vec![],
        deadline: None,
        defer: vec![],
    };
    assert!(matches!(
        err(s.execute(&trader, &too_much).unwrap_err()),
        ContractError::MinOutNotMet { .. }
    ));
    let cu_before = s.balance(&cu, &trader);
    let ok = ExecuteMsg::RemoveLiquidity {
        pool_id: id,
        shares: t.shares,
        min_credits: Uint128::zero(),
        min_resources: vec![Uint128::new(1)],
        deadline: None,
        defer: vec![],
    };
    s.execute(&trader, &ok).unwrap();
    assert!(s.balance(&cu, &trader) - cu_before >= Q0 / 10 - 1);
    let il: ImpermanentLossResponse = s
        .query(&QueryMsg::ImpermanentLoss {
            pool_id: id,
            owner: lp.to_string(),
        })
        .unwrap();
    assert!(il.impermanent_loss <= cosmwasm_std::SignedDecimal256::zero());
}

#[test]
fn multi_class_pool_cross_swaps_and_bundles() {
    let mut s = Suite::new(3);
    let id = s
        .create_pool(s.create_msg(CurveKind::TargetReserve, &[0, 1, 2], "0.5"))
        .unwrap();
    let single = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[2], "0"))
        .unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0 / 4), (Q0, P0 / 4), (Q0 / 2, P0 / 4)], 0)
        .unwrap();
    s.add_liquidity(&lp, single, &[(Q0 / 4, P0 / 4)], 0)
        .unwrap();
    let trader = s.trader.clone();
    let (cu0, cu1, cu2) = (s.cu[0].clone(), s.cu[1].clone(), s.cu[2].clone());
    // Cross price: the executed (credit route) rate is π0/π2; eq.21 differs.
    let cross: CrossPriceResponse = s
        .query(&QueryMsg::CrossPrice {
            pool_id: id,
            offer_cu: cu0.to_string(),
            ask_cu: cu2.to_string(),
        })
        .unwrap();
    assert_eq!(cross.route_price, Decimal256::percent(50));
    // Class-against-class swap through credits.
    let before = s.balance(&cu2, &trader);
    s.swap(
        &trader,
        id,
        &cu0,
        1_000_000_000,
        Ask::Cu {
            token: cu2.to_string(),
        },
        None,
        Some(1),
    )
    .unwrap();
    let got = s.balance(&cu2, &trader) - before;
    assert!(got > 480_000_000 && got < 500_000_000, "got {got}");
    // Bundle through the router: the route query prices it, the purchase pays exactly that and refunds the rest.
    let items = vec![
        hmm::router::BundleItem {
            cu_token: cu0.to_string(),
            amount: Uint128::new(1_000_000),
            pools: vec![],
        },
        hmm::router::BundleItem {
            cu_token: cu1.to_string(),
            amount: Uint128::new(2_000_000),
            pools: vec![],
        },
        hmm::router::BundleItem {
            cu_token: cu2.to_string(),
            amount: Uint128::new(3_000_000),
            pools: vec![],
        },
    ];
    let route: hmm::router::RouteResponse = s
        .query_router(&hmm::router::QueryMsg::Route {
            trader: None,
            items: items.clone(),
            sla: SlaRequirement::default(),
        })
        .unwrap();
    assert_eq!(route.legs.len(), 3);
    let ai = s.ai.clone();
    let ai_before = s.balance(&ai, &trader);
    let budget = route.total_cost.u128() * 2;
    let hook = hmm::router::ReceiveMsg::BuyBundle {
        items: items.clone(),
        sla: SlaRequirement::default(),
        deadline: None,
        to: None,
    };
    s.send_router(&trader, &ai, budget, &hook).unwrap();
    assert_eq!(ai_before - s.balance(&ai, &trader), route.total_cost.u128());
    // An SLA no pool meets.
    let strict = SlaRequirement {
        regions: vec!["us-east".to_string()],
        ..Default::default()
    };
    let hook = hmm::router::ReceiveMsg::BuyBundle {
        items,
        sla: strict,
        deadline: None,
        to: None,
    };
    let refused: router::ContractError = s
        .send_router(&trader, &ai, budget, &hook)
        .unwrap_err()
        .downcast()
        .expect("a router ContractError");
    assert!(matches!(
        refused,
        router::ContractError::Route(hmm_pool_engine::route::RouteError::NoRoute(_))
    ));
}

#[test]
fn twap_averages_prices_over_time() {
    let (mut s, id) = bilinear();
    let trader = s.trader.clone();
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    let p_start: SpotPriceResponse = s
        .query(&QueryMsg::SpotPrice {
            pool_id: id,
            cu_token: cu.to_string(),
        })
        .unwrap();
    s.wait(900);
    s.swap(
        &trader,
        id,
        &ai,
        50_000_000_000_000_000_000_000,
        Ask::Cu {
            token: cu.to_string(),
        },
        None,
        None,
    )
    .unwrap();
    let p_high: SpotPriceResponse = s
        .query(&QueryMsg::SpotPrice {
            pool_id: id,
            cu_token: cu.to_string(),
        })
        .unwrap();
    s.wait(900);
    let twap: TwapResponse = s
        .query(&QueryMsg::Twap {
            pool_id: id,
            cu_token: cu.to_string(),
            window: Some(1800),
        })
        .unwrap();
    assert_eq!(twap.window, 1800, "{twap:?}");
    // Half the window at each price.
    let expected = (p_start.price + p_high.price) / Decimal256::from_ratio(2u128, 1u128);
    let diff = if twap.price > expected {
        twap.price - expected
    } else {
        expected - twap.price
    };
    assert!(
        diff <= expected / Decimal256::from_ratio(1_000_000u128, 1u128),
        "{} vs {}",
        twap.price,
        expected
    );
}

/// A trade records only the traded classes' new prices; every other class keeps the price recorded when its curve
/// or reserves last changed. The owner's curvature update is such a change: after it, the TWAP of a class nobody
/// trades is its new spot price, not the price under the old λ.
#[test]
fn untraded_classes_keep_prices_recorded_at_the_last_curve_change() {
    let mut s = Suite::new(3);
    let msg = s.create_msg(CurveKind::TargetReserve, &[0, 1], "0.5");
    let mut curvature = msg.curvature.clone().unwrap();
    let id = s.create_pool(msg).unwrap();
    let (lp, trader, owner) = (s.lp.clone(), s.trader.clone(), s.owner.clone());
    s.add_liquidity(&lp, id, &[(Q0, P0), (Q0, P0)], 0).unwrap();
    let (ai, cu0, cu1) = (s.ai.clone(), s.cu[0].clone(), s.cu[1].clone());
    // Move class 1 off its target so that λ changes its price.
    s.swap(
        &trader,
        id,
        &ai,
        P0 / 10,
        Ask::Cu {
            token: cu1.to_string(),
        },
        None,
        None,
    )
    .unwrap();
    let spot = |s: &Suite| -> Decimal256 {
        let r: SpotPriceResponse = s
            .query(&QueryMsg::SpotPrice {
                pool_id: id,
                cu_token: cu1.to_string(),
            })
            .unwrap();
        r.price
    };
    let before = spot(&s);
    s.wait(900);
    curvature.lambda = Decimal256::percent(100);
    s.execute(
        &owner,
        &ExecuteMsg::UpdatePool {
            pool_id: id,
            update: PoolUpdate {
                curvature: Some(curvature),
                ..Default::default()
            },
        },
    )
    .unwrap();
    let after = spot(&s);
    assert_ne!(
        before, after,
        "λ must move the price of an off-target class"
    );
    // A trade of class 0 only, then time passes: class 1's TWAP since that trade is the price it holds.
    s.wait(900);
    s.swap(
        &trader,
        id,
        &ai,
        P0 / 100,
        Ask::Cu {
            token: cu0.to_string(),
        },
        None,
        None,
    )
    .unwrap();
    s.wait(600);
    let twap: TwapResponse = s
        .query(&QueryMsg::Twap {
            pool_id: id,
            cu_token: cu1.to_string(),
            window: Some(600),
        })
        .unwrap();
    assert_eq!(twap.price, after);
    assert_eq!(spot(&s), after);
}

#[test]
fn pause_and_ownership() {
    let (mut s, id) = bilinear();
    let owner = s.owner.clone();
    let trader = s.trader.clone();
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    s.execute(
        &owner,
        &ExecuteMsg::SetPaused {
            pool_id: Some(id),
            paused: true,
        },
    )
    .unwrap();
    assert_eq!(
        err(s
            .swap(
                &trader,
                id,
                &ai,
                1_000_000_000_000_000,
                Ask::Cu {
                    token: cu.to_string()
                },
                None,
                None
            )
            .unwrap_err()),
        ContractError::Paused
    );
    // Withdrawals stay open while paused.
    let lp = s.lp.clone();
    let remove = ExecuteMsg::RemoveLiquidity {
        pool_id: id,
        shares: Uint128::new(1_000_000),
        min_credits: Uint128::zero(),
        min_resources: vec![],
        deadline: None,
        defer: vec![],
    };
    s.execute(&lp, &remove).unwrap();
    s.execute(
        &owner,
        &ExecuteMsg::SetPaused {
            pool_id: Some(id),
            paused: false,
        },
    )
    .unwrap();
    s.swap(
        &trader,
        id,
        &ai,
        1_000_000_000_000_000_000,
        Ask::Cu {
            token: cu.to_string(),
        },
        None,
        None,
    )
    .unwrap();
    // Two-step ownership transfer.
    s.execute(
        &owner,
        &ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
            new_owner: trader.to_string(),
            expiry: None,
        }),
    )
    .unwrap();
    s.execute(
        &trader,
        &ExecuteMsg::UpdateOwnership(cw_ownable::Action::AcceptOwnership),
    )
    .unwrap();
    let ownership: cw_ownable::Ownership<String> = s.query(&QueryMsg::Ownership {}).unwrap();
    assert_eq!(ownership.owner, Some(trader.to_string()));
    assert!(matches!(
        err(s
            .execute(
                &owner,
                &ExecuteMsg::SetPaused {
                    pool_id: None,
                    paused: true
                }
            )
            .unwrap_err()),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner)
    ));
}

/// 2026 eq.30's dynamic curvature is refused on chain (a λ step changes κ with no trade, SECURITY.md): at creation
/// and at an update, for α and for β; a static curve keeps its λ through trades and time.
#[test]
fn dynamic_curvature_is_refused_and_lambda_stays_put() {
    let mut s = Suite::new(1);
    for (alpha, beta) in [(1u128, 0u128), (0, 4), (1, 4)] {
        let mut msg = s.create_msg(CurveKind::TargetReserve, &[0], "0.5");
        if let Some(c) = msg.curvature.as_mut() {
            c.alpha = Decimal256::from_ratio(alpha, 1u128);
            c.beta = Decimal256::from_ratio(beta, 1u128);
        }
        assert_eq!(
            s.create_pool(msg)
                .unwrap_err()
                .downcast::<ContractError>()
                .unwrap(),
            ContractError::DynamicCurvatureRefused
        );
    }
    let msg = s.create_msg(CurveKind::TargetReserve, &[0], "0.5");
    let mut dynamic = msg.curvature.clone().unwrap();
    let id = s.create_pool(msg).unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
    dynamic.beta = Decimal256::from_ratio(4u128, 1u128);
    let owner = s.owner.clone();
    let err = s
        .app
        .execute_contract(
            owner,
            s.pool.clone(),
            &ExecuteMsg::UpdatePool {
                pool_id: id,
                update: PoolUpdate {
                    curvature: Some(dynamic),
                    fees: None,
                    execution: None,
                    sla: None,
                    max_price_impact: None,
                },
            },
            &[],
        )
        .unwrap_err();
    assert_eq!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::DynamicCurvatureRefused
    );
    // Deplete a fifth of the resource and let time pass: λ and the invariant's level stay where they were.
    let trader = s.trader.clone();
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    let kappa = s.pool_info(id).invariant;
    s.wait(60);
    s.swap(
        &trader,
        id,
        &ai,
        120_000_000_000_000_000_000_000,
        Ask::Cu {
            token: cu.to_string(),
        },
        None,
        None,
    )
    .unwrap();
    for _ in 0..5 {
        s.wait(600);
        s.swap(&trader, id, &cu, 1_000_000, Ask::Ai, None, None)
            .unwrap();
    }
    let pool = s.pool_info(id);
    assert_eq!(pool.lambda_now, Decimal256::percent(50));
    assert!(pool.invariant >= kappa);
}

#[test]
fn batch_auction_clears_at_one_price_pro_rata() {
    let mut s = Suite::new(1);
    let mut msg = s.create_msg(CurveKind::Bilinear, &[0], "0");
    msg.batch_window = Some(60);
    let id = s.create_pool(msg).unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    let (trader, attacker) = (s.trader.clone(), s.attacker.clone());
    // Continuous swaps are refused on a batch pool.
    assert_eq!(
        err(s
            .swap(
                &trader,
                id,
                &ai,
                1_000_000_000_000_000_000,
                Ask::Cu {
                    token: cu.to_string()
                },
                None,
                None
            )
            .unwrap_err()),
        ContractError::BatchOnly(id)
    );
    let kappa = s.pool_info(id).invariant;
    let supply_ai = s.supply(&ai);
    let intent = |ask: Ask, min_out: Option<u128>| ReceiveMsg::BatchIntent {
        pool_id: id,
        ask,
        min_out: min_out.map(Uint128::new),
    };
    let buy = Ask::Cu {
        token: cu.to_string(),
    };
    let (ai_t, cu_t, ai_a, cu_a) = (
        s.balance(&ai, &trader),
        s.balance(&cu, &trader),
        s.balance(&ai, &attacker),
        s.balance(&cu, &attacker),
    );
    // Two buyers of different sizes (the same trader twice and the attacker), one seller, one greedy min_out.
    s.send(
        &trader,
        &ai,
        10_000_000_000_000_000_000_000,
        &intent(buy.clone(), None),
    )
    .unwrap();
    s.send(
        &attacker,
        &ai,
        30_000_000_000_000_000_000_000,
        &intent(buy.clone(), None),
    )
    .unwrap();
    s.send(&trader, &cu, 2_000_000_000, &intent(Ask::Ai, None))
        .unwrap();
    s.send(
        &attacker,
        &ai,
        1_000_000_000_000_000_000_000,
        &intent(buy.clone(), Some(1_000_000_000_000)),
    )
    .unwrap();
    let batch: hmm::pool::BatchResponse = s.query(&QueryMsg::Batch { pool_id: id }).unwrap();
    assert_eq!(batch.intents.len(), 4);
    // Too early.
    assert!(matches!(
        err(s
            .execute(
                &lp,
                &ExecuteMsg::SettleBatch {
                    pool_id: id,
                    defer: vec![]
                }
            )
            .unwrap_err()),
        ContractError::BatchWindow { .. }
    ));
    s.wait(60);
    // Late intents are refused until the batch is settled.
    assert!(matches!(
        err(s
            .send(
                &trader,
                &ai,
                1_000_000_000_000_000_000_000,
                &intent(buy.clone(), None)
            )
            .unwrap_err()),
        ContractError::BatchWindow { .. }
    ));
    s.execute(
        &lp,
        &ExecuteMsg::SettleBatch {
            pool_id: id,
            defer: vec![],
        },
    )
    .unwrap();
    // The greedy intent was refunded in full; the others filled at one price.
    let trader_cu = s.balance(&cu, &trader) + 2_000_000_000 - cu_t; // CU bought by the trader's buy intent
    let attacker_cu = s.balance(&cu, &attacker) - cu_a;
    let seller_proceeds = s.balance(&ai, &trader) + 10_000_000_000_000_000_000_000 - ai_t;
    assert_eq!(
        ai_a - s.balance(&ai, &attacker),
        30_000_000_000_000_000_000_000,
        "greedy intent refunded"
    );
    // Pro rata: the attacker paid 3× the trader's buy and got 3× the CU (to within rounding).
    assert!(
        (attacker_cu as i128 - 3 * trader_cu as i128).abs() <= 3,
        "{attacker_cu} vs 3×{trader_cu}"
    );
    // One clearing price π*: buyers pay π*/(1 − f), sellers get π*·(1 − f), so their prices differ by the fees only.
    let buyer_price = 10_000_000_000_000_000_000_000f64 / trader_cu as f64;
    let seller_price = seller_proceeds as f64 / 2_000_000_000f64;
    assert!(
        seller_price < buyer_price && buyer_price < seller_price * 1.02,
        "buyers {buyer_price}, sellers {seller_price}"
    );
    // κ did not fall, nothing was created.
    assert!(s.pool_info(id).invariant >= kappa);
    assert_eq!(s.supply(&ai), supply_ai);
    assert_eq!(s.known_balances(&ai), supply_ai);
    let batch: hmm::pool::BatchResponse = s.query(&QueryMsg::Batch { pool_id: id }).unwrap();
    assert!(batch.intents.is_empty() && batch.window_end.is_none());
    assert_eq!(
        err(s
            .execute(
                &lp,
                &ExecuteMsg::SettleBatch {
                    pool_id: id,
                    defer: vec![]
                }
            )
            .unwrap_err()),
        ContractError::NothingToClaim
    );
}

#[test]
fn integrator_modes_agree_with_the_exact_solve() {
    for execution in [
        hmm::pool::ExecutionMode::Verlet { steps: 8 },
        hmm::pool::ExecutionMode::Ruth4 { steps: 4 },
    ] {
        let mut s = Suite::new(1);
        let exact_id = s
            .create_pool(s.create_msg(CurveKind::TargetReserve, &[0], "0.5"))
            .unwrap();
        let mut msg = s.create_msg(CurveKind::TargetReserve, &[0], "0.5");
        msg.execution = Some(execution);
        let flow_id = s.create_pool(msg).unwrap();
        let lp = s.lp.clone();
        s.add_liquidity(&lp, exact_id, &[(Q0, P0)], 0).unwrap();
        s.add_liquidity(&lp, flow_id, &[(Q0, P0)], 0).unwrap();
        let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
        for (offer, ask, amount) in [
            (&cu, Ask::Ai, 5_000_000_000u128),
            (
                &ai,
                Ask::Cu {
                    token: cu.to_string(),
                },
                20_000_000_000_000_000_000_000u128,
            ),
        ] {
            let a = s.quote(exact_id, offer, ask.clone(), amount).unwrap();
            let b = s.quote(flow_id, offer, ask.clone(), amount).unwrap();
            assert!(
                a.return_amount.u128().abs_diff(b.return_amount.u128()) <= 1,
                "{execution:?}: {a:?} vs {b:?}"
            );
            assert!(
                b.return_amount <= a.return_amount,
                "the flow never pays more than the closed form"
            );
            let kappa = s.pool_info(flow_id).invariant;
            let trader = s.trader.clone();
            s.swap(&trader, flow_id, offer, amount, ask.clone(), None, None)
                .unwrap();
            s.swap(&trader, exact_id, offer, amount, ask, None, None)
                .unwrap();
            assert!(s.pool_info(flow_id).invariant >= kappa);
        }
    }
}

/// `Buy`: orders on several pools in one message (what the router and the registry send), the CU of each token in
/// one transfer, the rest refunded; every malformed order refused whole, changing nothing.
#[test]
fn buy_executes_orders_on_several_pools_and_refuses_bad_ones_whole() {
    use hmm::pool::{BuyLine, BuyOrder};
    let mut s = Suite::new(2);
    let lp = s.lp.clone();
    let mut ids = vec![];
    for class in [0, 0, 1] {
        let id = s
            .create_pool(s.create_msg(CurveKind::Bilinear, &[class], "0"))
            .unwrap();
        s.add_liquidity(&lp, id, &[(Q0 / 10, P0 / 10)], 0).unwrap();
        ids.push(id);
    }
    let (trader, ai) = (s.trader.clone(), s.ai.clone());
    let (cu0, cu1) = (s.cu[0].clone(), s.cu[1].clone());
    let line = |t: &cosmwasm_std::Addr, n: u128| BuyLine {
        cu_token: t.to_string(),
        amount: Uint128::new(n),
    };
    let buy = |orders: Vec<BuyOrder>| ReceiveMsg::Buy {
        fee_discount: None,
        orders,
        deadline: None,
        to: None,
    };
    let good = vec![
        BuyOrder {
            pool_id: ids[0],
            lines: vec![line(&cu0, 1_000_000), line(&cu0, 2_000_000)],
        },
        BuyOrder {
            pool_id: ids[1],
            lines: vec![line(&cu0, 3_000_000)],
        },
        BuyOrder {
            pool_id: ids[2],
            lines: vec![line(&cu1, 4_000_000)],
        },
    ];
    let budget = 100 * 5 * 1_000_000_000_000_000_000;
    let before: Vec<u128> = [&ai, &cu0, &cu1]
        .iter()
        .map(|t| s.balance(t, &trader))
        .collect();
    let snaps: Vec<_> = ids.iter().map(|id| s.snapshot(*id)).collect();
    // Refused whole: a pool twice, an empty order, no orders, a token the pool does not trade, an unknown pool,
    // paying in CU, too little $AI. (A batch-only pool's refusal, `BatchOnly`, is the fuzzer's.)
    let mut twice = good.clone();
    twice.push(BuyOrder {
        pool_id: ids[0],
        lines: vec![line(&cu0, 1)],
    });
    let mut empty = good.clone();
    empty[1].lines.clear();
    let mut foreign = good.clone();
    foreign[2].lines[0] = line(&cu0, 1_000);
    let mut unknown = good.clone();
    unknown[2].pool_id = 99;
    type Refusal = (Vec<BuyOrder>, fn(&ContractError) -> bool);
    let refusals: Vec<Refusal> = vec![
        (twice, |e| matches!(e, ContractError::InvalidParams(_))),
        (empty, |e| matches!(e, ContractError::InvalidParams(_))),
        (vec![], |e| matches!(e, ContractError::InvalidParams(_))),
        (foreign, |e| matches!(e, ContractError::UnknownClass(..))),
        (unknown, |e| matches!(e, ContractError::UnknownPool(99))),
    ];
    for (orders, expected) in refusals {
        let e = err(s.send(&trader, &ai, budget, &buy(orders)).unwrap_err());
        assert!(expected(&e), "{e:?}");
    }
    let e = err(s
        .send(&trader, &cu0, 1_000_000, &buy(good.clone()))
        .unwrap_err());
    assert!(matches!(e, ContractError::WrongToken(_)), "{e:?}");
    let e = err(s.send(&trader, &ai, 1_000, &buy(good.clone())).unwrap_err());
    assert!(matches!(e, ContractError::MaxInExceeded { .. }), "{e:?}");
    let unchanged: Vec<u128> = [&ai, &cu0, &cu1]
        .iter()
        .map(|t| s.balance(t, &trader))
        .collect();
    assert_eq!(unchanged, before);
    for (id, snap) in ids.iter().zip(&snaps) {
        assert_eq!(&s.snapshot(*id), snap, "pool {id} unchanged");
    }

    let res = s.send(&trader, &ai, budget, &buy(good)).unwrap();
    let attr = |k: &str| -> Vec<String> {
        res.events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .filter(|a| a.key == k)
            .map(|a| a.value.clone())
            .collect()
    };
    let cost: u128 = attr("cost")[0].parse().unwrap();
    assert_eq!(attr("order").len(), 3, "one order attribute per pool");
    assert_eq!(attr("bought").len(), 2, "one transfer per token");
    assert_eq!(before[0] - s.balance(&ai, &trader), cost);
    assert_eq!(s.balance(&cu0, &trader) - before[1], 6_000_000);
    assert_eq!(s.balance(&cu1, &trader) - before[2], 4_000_000);
    assert_eq!(attr("refund")[0].parse::<u128>().unwrap(), budget - cost);
}

/// The TypeScript SDK's `provideLiquidity` (sdk/src/pool.ts) as one transaction: `increase_allowance` of each token,
/// `add_liquidity`, then `decrease_allowance` by what was granted (the same JSON, here from the typed messages). A
/// later deposit off the pool's ratio pulls less than it names; the transaction still succeeds and leaves no
/// allowance behind (nor does a first, exact deposit).
#[test]
fn sdk_one_transaction_provide_leaves_no_allowance() {
    use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, WasmMsg};
    use hmm::pool::ClassDeposit;
    let mut s = Suite::new(2);
    let id = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[0, 1], "0"))
        .unwrap();
    let (pool, ai) = (s.pool.clone(), s.ai.clone());
    let cu = [s.cu[0].clone(), s.cu[1].clone()];
    let exec = |contract: &Addr, msg: Vec<u8>| -> CosmosMsg {
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr: contract.to_string(),
            msg: msg.into(),
            funds: vec![],
        })
    };
    let cw20 =
        |token: &Addr, msg: Cw20ExecuteMsg| exec(token, to_json_binary(&msg).unwrap().to_vec());
    let grant = |amount: u128| Cw20ExecuteMsg::IncreaseAllowance {
        spender: pool.to_string(),
        amount: Uint128::new(amount),
        expires: None,
    };
    let revoke = |amount: u128| Cw20ExecuteMsg::DecreaseAllowance {
        spender: pool.to_string(),
        amount: Uint128::new(amount),
        expires: None,
    };
    // What provideLiquidity returns for these deposits, (resource, credits) per class.
    let provide = |deposits: [(u128, u128); 2]| -> Vec<CosmosMsg> {
        let credits: u128 = deposits.iter().map(|d| d.1).sum();
        let mut msgs: Vec<CosmosMsg> = cu
            .iter()
            .zip(deposits)
            .map(|(t, d)| cw20(t, grant(d.0)))
            .collect();
        msgs.push(cw20(&ai, grant(credits)));
        let add = ExecuteMsg::AddLiquidity {
            pool_id: id,
            deposits: deposits
                .iter()
                .map(|d| ClassDeposit {
                    resource: Uint128::new(d.0),
                    credits: Uint128::new(d.1),
                })
                .collect(),
            min_shares: Uint128::zero(),
            deadline: None,
        };
        msgs.push(exec(&pool, to_json_binary(&add).unwrap().to_vec()));
        msgs.extend(cu.iter().zip(deposits).map(|(t, d)| cw20(t, revoke(d.0))));
        msgs.push(cw20(&ai, revoke(credits)));
        msgs
    };
    let allowance = |s: &Suite, token: &Addr, owner: &Addr| -> u128 {
        let q = cw20::Cw20QueryMsg::Allowance {
            owner: owner.to_string(),
            spender: pool.to_string(),
        };
        let a: cw20::AllowanceResponse = s.app.wrap().query_wasm_smart(token, &q).unwrap();
        a.allowance.u128()
    };
    let shares = |s: &Suite, owner: &Addr| -> u128 {
        let r: ShareResponse = s
            .query(&QueryMsg::Share {
                pool_id: id,
                owner: owner.to_string(),
            })
            .unwrap();
        r.shares.u128()
    };
    let (lp, trader) = (s.lp.clone(), s.trader.clone());
    // The first deposit pulls exactly what it names.
    s.app
        .execute_multi(lp.clone(), provide([(Q0, P0), (Q0 / 2, P0)]))
        .unwrap();
    assert!(shares(&s, &lp) > 0);
    // A later deposit off the ratio: class 1 is short, so less of class 0 and of $AI is pulled than named.
    let ai_before = s.balance(&ai, &trader);
    s.app
        .execute_multi(
            trader.clone(),
            provide([(Q0 / 10, P0 / 10), (Q0 / 40, P0 / 10)]),
        )
        .unwrap();
    assert!(shares(&s, &trader) > 0);
    assert!(ai_before - s.balance(&ai, &trader) < 2 * (P0 / 10));
    for who in [&lp, &trader] {
        for token in [&cu[0], &cu[1], &ai] {
            assert_eq!(
                allowance(&s, token, who),
                0,
                "allowance of {who} on {token}"
            );
        }
    }
}
