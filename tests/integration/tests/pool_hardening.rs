//! Issue 17: the attacks an outside review mounted on the pool, one test per class, each asserting the property
//! that must hold (every test here fails on the code before the fix). SECURITY.md maps them to the invariants.

use cosmwasm_std::{Addr, Decimal256, Uint128};
use cw_multi_test::Executor;
use hmm::pool::{
    Ask, BatchResponse, ConfigResponse, CreatePoolMsg, CurveKind, ExecuteMsg, ExecutionMode,
    OwedResponse, PoolUpdate, QueryMsg, ReceiveMsg, SlaRequirement, BATCH_GRACE,
    MAX_INTENTS_PER_TRADER,
};
use hmm_pool::ContractError;
use hmm_testing::pool::Suite;
use hmm_testing::Chain;
use proptest::prelude::*;

const Q0: u128 = 100_000_000_000; // 100k CU (6 decimals)
const P0: u128 = 500_000_000_000_000_000_000_000; // 500k $AI (18 decimals): 5 $AI per CU
const AI: u128 = 1_000_000_000_000_000_000; // 1 $AI
const CU: u128 = 1_000_000; // 1 CU

fn err(e: anyhow::Error) -> ContractError {
    e.downcast().expect("a pool ContractError")
}

fn intent(s: &Suite, class: Option<usize>, min_out: Option<u128>) -> ReceiveMsg {
    ReceiveMsg::BatchIntent {
        pool_id: 1,
        ask: match class {
            Some(i) => Ask::Cu {
                token: s.cu[i].to_string(),
            },
            None => Ask::Ai,
        },
        min_out: min_out.map(Uint128::new),
    }
}

/// A batch-auction pool (60 s window) over `classes`, funded; its id is 1.
fn batch_pool(classes: &[usize]) -> Suite {
    let mut s = Suite::new(classes.len());
    let mut msg = s.create_msg(CurveKind::Bilinear, classes, "0");
    msg.batch_window = Some(60);
    assert_eq!(s.create_pool(msg).unwrap(), 1);
    let lp = s.lp.clone();
    let deposits: Vec<(u128, u128)> = classes.iter().map(|_| (Q0, P0)).collect();
    s.add_liquidity(&lp, 1, &deposits, 0).unwrap();
    s
}

fn owed(s: &Suite, who: &Addr, token: &Addr) -> u128 {
    let r: OwedResponse = s
        .query(&QueryMsg::Owed {
            address: who.to_string(),
        })
        .unwrap();
    r.owed
        .iter()
        .find(|t| t.token == *token)
        .map_or(0, |t| t.amount.u128())
}

fn settle(s: &mut Suite, defer: Vec<String>) -> anyhow::Result<cw_multi_test::AppResponse> {
    let anyone = s.attacker.clone();
    s.execute(&anyone, &ExecuteMsg::SettleBatch { pool_id: 1, defer })
}

fn attr(res: &cw_multi_test::AppResponse, key: &str) -> Vec<String> {
    res.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .filter(|a| a.key == key)
        .map(|a| a.value.clone())
        .collect()
}

// ---- 1. A batch always settles or refunds; nobody can lock it --------------------------------------------------

/// The only LP withdraws while intents wait: the clearing of each class fails, and settlement refunds them
/// instead of failing forever (before the fix: `SettleBatch` refused, every token locked).
#[test]
fn a_class_whose_clearing_fails_is_refunded_and_the_rest_settle() {
    let mut s = batch_pool(&[0, 1]);
    let (trader, attacker, lp) = (s.trader.clone(), s.attacker.clone(), s.lp.clone());
    let (ai, cu0, cu1) = (s.ai.clone(), s.cu[0].clone(), s.cu[1].clone());
    let buy0 = intent(&s, Some(0), None);
    let sell1 = intent(&s, None, None);
    s.send(&trader, &ai, 1_000 * AI, &buy0).unwrap();
    s.send(&attacker, &cu1, 50_000 * CU, &sell1).unwrap();
    let before = (s.balance(&ai, &trader), s.balance(&cu1, &attacker));
    // The LP leaves: only the locked shares' dust is left in the reserves.
    let shares = s.pool_info(1).total_shares.u128() - hmm::pool::MINIMUM_LIQUIDITY;
    s.execute(
        &lp,
        &ExecuteMsg::RemoveLiquidity {
            pool_id: 1,
            shares: Uint128::new(shares),
            min_credits: Uint128::zero(),
            min_resources: vec![],
            deadline: None,
            defer: vec![],
        },
    )
    .unwrap();
    s.wait(60);
    let res = settle(&mut s, vec![]).unwrap();
    let refunded = attr(&res, "refunded_class");
    let cleared = attr(&res, "cleared");
    assert_eq!(
        refunded.len() + cleared.len(),
        2,
        "{refunded:?} {cleared:?}"
    );
    assert!(!refunded.is_empty(), "a drained class cannot clear");
    // Refunded in full, or filled: nothing stays in the contract for them.
    let got_ai = s.balance(&ai, &trader) - before.0;
    let got_cu0 = s.balance(&cu0, &trader);
    assert!(got_ai == 1_000 * AI || got_cu0 > 0);
    let back_cu1 = s.balance(&cu1, &attacker) - before.1;
    assert!(back_cu1 == 50_000 * CU || s.balance(&ai, &attacker) > 0);
    let batch: BatchResponse = s.query(&QueryMsg::Batch { pool_id: 1 }).unwrap();
    assert!(batch.intents.is_empty() && batch.window_end.is_none());
}

#[test]
fn dust_intents_are_refused_before_they_can_jam_a_batch() {
    let mut s = batch_pool(&[0, 1]);
    let (trader, attacker) = (s.trader.clone(), s.attacker.clone());
    let (ai, cu1) = (s.ai.clone(), s.cu[1].clone());
    let buy1 = intent(&s, Some(1), None);
    // 1 atom, and 3 atoms whose fee would eat them whole.
    for amount in [1, 3] {
        assert!(matches!(
            err(s.send(&attacker, &ai, amount, &buy1).unwrap_err()),
            ContractError::IntentTooSmall { .. }
        ));
    }
    assert!(matches!(
        err(s
            .send(&attacker, &cu1, 1, &intent(&s, None, None))
            .unwrap_err()),
        ContractError::IntentTooSmall { .. }
    ));
    // A real intent on the other class goes in; the batch settles (before: a 1-atom intent alone in its class
    // made `SettleBatch` fail forever).
    s.send(&trader, &ai, 100 * AI, &intent(&s, Some(0), None))
        .unwrap();
    s.wait(60);
    settle(&mut s, vec![]).unwrap();
    assert!(s.balance(&s.cu[0].clone(), &trader) > 0);
}

#[test]
fn the_owner_of_an_intent_cancels_it_before_the_window_closes() {
    let mut s = batch_pool(&[0]);
    let (trader, attacker) = (s.trader.clone(), s.attacker.clone());
    let ai = s.ai.clone();
    let ai0 = s.balance(&ai, &trader);
    s.send(&trader, &ai, 500 * AI, &intent(&s, Some(0), None))
        .unwrap();
    let batch: BatchResponse = s.query(&QueryMsg::Batch { pool_id: 1 }).unwrap();
    let id = batch.intents[0].intent;
    let cancel = ExecuteMsg::CancelIntent {
        pool_id: 1,
        intent: id,
    };
    assert_eq!(
        err(s.execute(&attacker, &cancel).unwrap_err()),
        ContractError::Unauthorized("the intent's trader")
    );
    s.execute(&trader, &cancel).unwrap();
    assert_eq!(s.balance(&ai, &trader), ai0);
    assert_eq!(
        err(s.execute(&trader, &cancel).unwrap_err()),
        ContractError::UnknownIntent(id)
    );
    // After the window: no cancel (the batch belongs to the clearing then).
    s.send(&trader, &ai, 500 * AI, &intent(&s, Some(0), None))
        .unwrap();
    let batch: BatchResponse = s.query(&QueryMsg::Batch { pool_id: 1 }).unwrap();
    let late = ExecuteMsg::CancelIntent {
        pool_id: 1,
        intent: batch.intents[0].intent,
    };
    s.wait(60);
    assert!(matches!(
        err(s.execute(&trader, &late).unwrap_err()),
        ContractError::BatchWindow { .. }
    ));
}

#[test]
fn anyone_refunds_a_batch_left_unsettled_past_the_grace_period() {
    let mut s = batch_pool(&[0]);
    let (trader, attacker) = (s.trader.clone(), s.attacker.clone());
    let (ai, cu) = (s.ai.clone(), s.cu[0].clone());
    let (ai0, cu0) = (s.balance(&ai, &trader), s.balance(&cu, &attacker));
    s.send(&trader, &ai, 500 * AI, &intent(&s, Some(0), None))
        .unwrap();
    s.send(&attacker, &cu, 70 * CU, &intent(&s, None, None))
        .unwrap();
    let refund = ExecuteMsg::RefundBatch {
        pool_id: 1,
        defer: vec![],
    };
    s.wait(60);
    assert!(matches!(
        err(s.execute(&attacker, &refund).unwrap_err()),
        ContractError::BatchWindow { .. }
    ));
    s.wait(BATCH_GRACE);
    let stranger = s.lp.clone();
    s.execute(&stranger, &refund).unwrap();
    assert_eq!(s.balance(&ai, &trader), ai0);
    assert_eq!(s.balance(&cu, &attacker), cu0);
    // A new batch opens normally.
    s.send(&trader, &ai, 500 * AI, &intent(&s, Some(0), None))
        .unwrap();
}

/// One trader cannot hold more than its share of a window, and Sybils filling it with small intents are evicted
/// by larger ones (to the owed ledger, claimable), so a window cannot be shut (before: 50 intents of 2 atoms).
#[test]
fn nobody_can_fill_a_window_to_shut_others_out() {
    let mut s = batch_pool(&[0]);
    let (ai, minter) = (s.ai.clone(), s.minter.clone());
    let trader = s.trader.clone();
    let small = 100 * AI;
    let buy = intent(&s, Some(0), None);
    for _ in 0..MAX_INTENTS_PER_TRADER {
        s.send(&trader, &ai, small, &buy).unwrap();
    }
    assert_eq!(
        err(s.send(&trader, &ai, small, &buy).unwrap_err()),
        ContractError::TooManyIntents(MAX_INTENTS_PER_TRADER)
    );
    // Sybils fill the rest of the 50 slots.
    let mut sybils = vec![];
    for n in 0..9 {
        let sybil = s.app.api().addr_make(&format!("sybil{n}"));
        s.app
            .execute_contract(
                minter.clone(),
                ai.clone(),
                &cw20::Cw20ExecuteMsg::Mint {
                    recipient: sybil.to_string(),
                    amount: Uint128::new(10 * small),
                },
                &[],
            )
            .unwrap();
        for _ in 0..MAX_INTENTS_PER_TRADER {
            s.send(&sybil, &ai, small, &buy).unwrap();
        }
        sybils.push(sybil);
    }
    let honest = s.attacker.clone();
    // Not larger than the smallest: refused.
    assert_eq!(
        err(s.send(&honest, &ai, small, &buy).unwrap_err()),
        ContractError::BatchFull(50)
    );
    // Larger: takes the smallest's slot; the evicted intent is owed back in full.
    s.send(&honest, &ai, 2 * small, &buy).unwrap();
    let evicted: Vec<&Addr> = std::iter::once(&trader)
        .chain(&sybils)
        .filter(|who| owed(&s, who, &ai) == small)
        .collect();
    assert_eq!(evicted.len(), 1);
    let who = evicted[0].clone();
    let before = s.balance(&ai, &who);
    s.execute(
        &who,
        &ExecuteMsg::ClaimOwed {
            token: ai.to_string(),
        },
    )
    .unwrap();
    assert_eq!(s.balance(&ai, &who), before + small);
    s.wait(60);
    settle(&mut s, vec![]).unwrap();
}

// ---- 2. Dynamic curvature cannot be steered for profit ---------------------------------------------------------

/// Fees low enough that they cannot hide a steering gain: 5 bp, no risk or volatility fee.
fn low_fees() -> hmm::pool::FeeConfig {
    hmm::pool::FeeConfig {
        market_fee: Decimal256::bps(5),
        risk_fee: Decimal256::zero(),
        volatility_fee: Decimal256::zero(),
        max_fee: Decimal256::percent(5),
        burn_share: Decimal256::percent(25),
        treasury_share: Decimal256::percent(10),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any sequence of trades on a 3-class pool over the sound range of λ (the curvature is static on chain), with
    /// time passing between them, leaves the trader no richer at the prices before the sequence, and κ never falls.
    #[test]
    fn no_trade_sequence_pays_and_kappa_never_falls(
        lambda in 0u64..190,
        trades in prop::collection::vec((0usize..3, any::<bool>(), 1u128..40_000, 0u64..400), 1..12),
    ) {
        let mut s = Suite::new(3);
        let mut msg = s.create_msg(CurveKind::TargetReserve, &[0, 1, 2], "0.4");
        if let Some(c) = msg.curvature.as_mut() {
            c.lambda = Decimal256::percent(lambda);
            c.lambda_max = Decimal256::percent(190);
        }
        msg.max_price_impact = Some(Decimal256::one());
        msg.fees = Some(low_fees());
        let id = s.create_pool(msg).unwrap();
        let lp = s.lp.clone();
        s.add_liquidity(&lp, id, &[(Q0, P0), (Q0 / 10, P0 / 10), (Q0 / 100, P0 / 100)], 0).unwrap();
        let a = s.attacker.clone();
        let ai = s.ai.clone();
        let cus = s.cu.clone();
        let prices: Vec<Decimal256> = s.pool_info(id).classes.iter().map(|c| c.spot_price).collect();
        let worth = |s: &Suite| -> i128 {
            let mut v = s.balance(&ai, &a) as i128;
            for (t, p) in cus.iter().zip(&prices) {
                v += Uint128::try_from((Decimal256::from_ratio(s.balance(t, &a), 1u128) * *p).to_uint_floor()).unwrap().u128() as i128;
            }
            v
        };
        let start = worth(&s);
        for (class, buy, amount, wait) in trades {
            s.wait(wait);
            let before = s.pool_info(id);
            let res = if buy {
                s.swap(&a, id, &ai, amount * AI, Ask::Cu { token: cus[class].to_string() }, None, None)
            } else {
                s.swap(&a, id, &cus[class], amount * CU / 5, Ask::Ai, None, None)
            };
            let after = s.pool_info(id);
            prop_assert_eq!(after.lambda_now, before.lambda_now);
            prop_assert!(after.invariant >= before.invariant, "κ fell (trade accepted: {})", res.is_ok());
        }
        // Unwind every CU position back to $AI (selling back what was bought).
        for t in &cus {
            let have = s.balance(t, &a);
            let start_cu = hmm_testing::pool::START_CU;
            if have > start_cu {
                let _ = s.swap(&a, id, t, have - start_cu, Ask::Ai, None, None);
            }
        }
        prop_assert!(worth(&s) <= start, "gained {} $AI atoms", worth(&s) - start);
    }
}

// ---- 3. Fees cannot be dodged ---------------------------------------------------------------------------------

fn route_cost(s: &Suite, lines: &[(usize, u128)]) -> Result<u128, anyhow::Error> {
    let r: hmm::router::RouteResponse = s.query_router(&hmm::router::QueryMsg::Route {
        trader: None,
        items: lines
            .iter()
            .map(|(i, a)| hmm::router::BundleItem {
                cu_token: s.cu[*i].to_string(),
                amount: Uint128::new(*a),
                pools: vec![],
            })
            .collect(),
        sla: SlaRequirement::default(),
    })?;
    Ok(r.total_cost.u128())
}

#[test]
fn splitting_a_purchase_into_bundle_lines_pays_the_fee_of_one() {
    let mut s = Suite::new(1);
    let id = s
        .create_pool(s.create_msg(CurveKind::TargetReserve, &[0], "0.5"))
        .unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
    let total = 20_000 * CU;
    let one = route_cost(&s, &[(0, total)]).unwrap();
    // The most lines a bundle may have (`hmm::router::MAX_ITEMS`).
    let split = route_cost(&s, &vec![(0, total / 16); 16]).unwrap();
    // Rounding per line is at most an atom or two each; the risk fee's saving was 0.39 % (≈ 4e20 atoms).
    assert!(
        split + 32 >= one,
        "16 lines cost {split}, one line {one}: {} less",
        one - split
    );
}

#[test]
fn the_impact_cap_applies_to_the_bundle_total() {
    let mut s = Suite::new(1);
    let mut msg = s.create_msg(CurveKind::Bilinear, &[0], "0");
    msg.max_price_impact = Some(Decimal256::percent(20));
    let id = s.create_pool(msg).unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
    // 60 % of the reserve in one line: refused; in 30 lines of 2 %: refused too.
    assert!(route_cost(&s, &[(0, Q0 * 60 / 100)]).is_err());
    assert!(route_cost(&s, &vec![(0, Q0 * 2 / 100); 30]).is_err());
    // A bundle within the cap passes, however it is cut.
    assert!(route_cost(&s, &vec![(0, Q0 / 1000); 10]).is_ok());
}

/// A large move raises the volatility; forty dust trades (same block, or spread over time) cannot wash it faster
/// than time alone does. Before: forty dust round trips in one block took it from 0.0209 to 0.0000046, and spread
/// over 4 minutes to 0.00000003, against 0.0169 for time alone.
#[test]
fn dust_trades_cannot_wash_the_volatility() {
    let setup = || {
        let mut s = Suite::new(1);
        let id = s
            .create_pool(s.create_msg(CurveKind::Bilinear, &[0], "0"))
            .unwrap();
        let lp = s.lp.clone();
        s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
        let (t, ai, cu) = (s.trader.clone(), s.ai.clone(), s.cu[0].clone());
        s.wait(6);
        s.swap(
            &t,
            id,
            &ai,
            50_000 * AI,
            Ask::Cu {
                token: cu.to_string(),
            },
            None,
            None,
        )
        .unwrap();
        (s, id)
    };
    let vol = |s: &Suite, id| s.pool_info(id).volatility;
    // The smallest trades that execute (0.001 CU, 0.01 $AI), each asserted to execute.
    let dust = |s: &mut Suite, id| {
        let (a, cu, ai) = (s.attacker.clone(), s.cu[0].clone(), s.ai.clone());
        s.swap(&a, id, &cu, CU / 1000, Ask::Ai, None, None)
            .expect("dust sell executes");
        s.swap(
            &a,
            id,
            &ai,
            AI / 100,
            Ask::Cu {
                token: cu.to_string(),
            },
            None,
            None,
        )
        .expect("dust buy executes");
    };
    let (mut s, id) = setup();
    let raised = vol(&s, id);
    assert!(raised > Decimal256::permille(1), "{raised}");
    for _ in 0..40 {
        dust(&mut s, id);
    }
    assert!(vol(&s, id) >= raised, "same-block dust lowered it");
    // Spread over 4 minutes: no lower than 4 minutes of time alone.
    let (mut quiet, qid) = setup();
    for _ in 0..40 {
        s.wait(6);
        dust(&mut s, id);
    }
    quiet.wait(240);
    dust(&mut quiet, qid);
    assert!(
        vol(&s, id) >= vol(&quiet, qid) * Decimal256::percent(99),
        "{} vs {}",
        vol(&s, id),
        vol(&quiet, qid)
    );
    assert!(vol(&s, id) > raised * Decimal256::percent(90));
}

// ---- 4. Routing sees every eligible pool ----------------------------------------------------------------------

#[test]
fn empty_and_dust_pools_cannot_hide_a_class() {
    let mut s = Suite::new(1);
    let owner = s.owner.clone();
    s.execute(
        &owner,
        &ExecuteMsg::UpdateConfig {
            router: None,
            treasury: None,
            permissionless_pools: Some(true),
        },
    )
    .unwrap();
    let attacker = s.attacker.clone();
    let msg = s.create_msg(CurveKind::Bilinear, &[0], "0");
    // 20 empty pools and 20 dust-funded ones, created first.
    for n in 0..40 {
        let id = s
            .app
            .execute_contract(
                attacker.clone(),
                s.pool.clone(),
                &ExecuteMsg::CreatePool(msg.clone()),
                &[],
            )
            .map(|_| n + 1)
            .unwrap();
        if n >= 20 {
            s.add_liquidity(&attacker, id, &[(2_000, 2_000_000_000_000)], 0)
                .unwrap();
        }
    }
    let lp = s.lp.clone();
    let real = s.create_pool(msg.clone()).unwrap();
    assert_eq!(real, 41);
    s.add_liquidity(&lp, real, &[(Q0, P0)], 0).unwrap();
    let route = |s: &Suite, pools: Vec<u64>| -> anyhow::Result<hmm::router::RouteResponse> {
        s.query_router(&hmm::router::QueryMsg::Route {
            trader: None,
            items: vec![hmm::router::BundleItem {
                cu_token: s.cu[0].to_string(),
                amount: Uint128::new(100 * CU),
                pools,
            }],
            sla: SlaRequirement::default(),
        })
    };
    assert_eq!(route(&s, vec![]).unwrap().legs[0].pool_id, real);
    // Past MAX_SCAN funded pools the router's scan ends; a line that names its pool still reaches it.
    for _ in 0..hmm::router::MAX_SCAN {
        let id = s.create_pool(msg.clone()).unwrap();
        s.add_liquidity(&attacker, id, &[(2_000, 2_000_000_000_000)], 0)
            .unwrap();
    }
    let late = s.create_pool(msg).unwrap();
    s.add_liquidity(&lp, late, &[(Q0, P0)], 0).unwrap();
    assert_eq!(route(&s, vec![late]).unwrap().legs[0].pool_id, late);
    assert_eq!(route(&s, vec![1, 2, late]).unwrap().legs[0].pool_id, late);
}

// ---- 5. One bad token cannot block the protocol ---------------------------------------------------------------

/// A two-class pool whose second CU token later refuses every transfer.
fn flaky_pool() -> (Suite, Addr) {
    let mut s = Suite::new(2);
    let flaky = s.make_flaky(1);
    let id = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[0, 1], "0"))
        .unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0), (Q0, P0)], 0).unwrap();
    let (t, ai) = (s.trader.clone(), s.ai.clone());
    for i in 0..2 {
        let cu = s.cu[i].clone();
        s.swap(
            &t,
            id,
            &ai,
            5_000 * AI,
            Ask::Cu {
                token: cu.to_string(),
            },
            None,
            None,
        )
        .unwrap();
        s.swap(&t, id, &cu, 500 * CU, Ask::Ai, None, None).unwrap();
    }
    s.freeze(&flaky, true);
    (s, flaky)
}

#[test]
fn a_token_refusing_transfers_cannot_block_fee_collection() {
    let (mut s, flaky) = flaky_pool();
    let cfg: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    let pending = |v: &Vec<hmm::pool::TokenAmount>, t: &Addr| {
        v.iter()
            .find(|x| x.token == *t)
            .map_or(0, |x| x.amount.u128())
    };
    let (ai, cu0, treasury) = (s.ai.clone(), s.cu[0].clone(), s.treasury.clone());
    let flaky_pending = (
        pending(&cfg.pending_treasury, &flaky),
        pending(&cfg.pending_burn, &flaky),
    );
    assert!(flaky_pending.0 > 0);
    let anyone = s.attacker.clone();
    // Collecting every token fails on the frozen one (and changes nothing); naming the others collects them.
    let all = ExecuteMsg::CollectProtocolFees { tokens: vec![] };
    assert!(s.execute(&anyone, &all).is_err());
    s.execute(
        &anyone,
        &ExecuteMsg::CollectProtocolFees {
            tokens: vec![ai.to_string(), cu0.to_string()],
        },
    )
    .unwrap();
    // $AI and the good CU were paid; the frozen token's ledger is intact.
    assert_eq!(
        s.balance(&ai, &treasury),
        pending(&cfg.pending_treasury, &ai)
    );
    assert_eq!(
        s.balance(&cu0, &treasury),
        pending(&cfg.pending_treasury, &cu0)
    );
    let after: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    assert_eq!(
        (
            pending(&after.pending_treasury, &flaky),
            pending(&after.pending_burn, &flaky)
        ),
        flaky_pending
    );
    assert_eq!(pending(&after.pending_treasury, &ai), 0);
    // Thawed, it is collected.
    s.freeze(&flaky, false);
    s.execute(
        &anyone,
        &ExecuteMsg::CollectProtocolFees {
            tokens: vec![flaky.to_string()],
        },
    )
    .unwrap();
    assert_eq!(s.balance(&flaky, &treasury), flaky_pending.0);
}

#[test]
fn an_lp_withdraws_past_a_frozen_token_and_claims_it_later() {
    let (mut s, flaky) = flaky_pool();
    let lp = s.lp.clone();
    let ai = s.ai.clone();
    let shares = s
        .query::<hmm::pool::ShareResponse>(&QueryMsg::Share {
            pool_id: 1,
            owner: lp.to_string(),
        })
        .unwrap()
        .shares;
    let remove = |defer: Vec<String>| ExecuteMsg::RemoveLiquidity {
        pool_id: 1,
        shares,
        min_credits: Uint128::zero(),
        min_resources: vec![],
        deadline: None,
        defer,
    };
    assert!(s.execute(&lp, &remove(vec![])).is_err());
    let ai0 = s.balance(&ai, &lp);
    s.execute(&lp, &remove(vec![flaky.to_string()])).unwrap();
    assert!(s.balance(&ai, &lp) > ai0);
    let owed_flaky = owed(&s, &lp, &flaky);
    assert!(owed_flaky > 0);
    let claim = ExecuteMsg::ClaimOwed {
        token: flaky.to_string(),
    };
    assert!(s.execute(&lp, &claim).is_err());
    s.freeze(&flaky, false);
    let f0 = s.balance(&flaky, &lp);
    s.execute(&lp, &claim).unwrap();
    assert_eq!(s.balance(&flaky, &lp), f0 + owed_flaky);
    assert_eq!(
        err(s.execute(&lp, &claim).unwrap_err()),
        ContractError::NothingToClaim
    );
}

#[test]
fn a_frozen_token_cannot_block_a_batch() {
    let mut s = Suite::new(2);
    let flaky = s.make_flaky(1);
    let mut msg = s.create_msg(CurveKind::Bilinear, &[0, 1], "0");
    msg.batch_window = Some(60);
    s.create_pool(msg).unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, 1, &[(Q0, P0), (Q0, P0)], 0).unwrap();
    let (trader, attacker, ai) = (s.trader.clone(), s.attacker.clone(), s.ai.clone());
    s.send(&trader, &ai, 1_000 * AI, &intent(&s, Some(0), None))
        .unwrap();
    s.send(&attacker, &ai, 1_000 * AI, &intent(&s, Some(1), None))
        .unwrap();
    s.freeze(&flaky, true);
    s.wait(60);
    assert!(settle(&mut s, vec![]).is_err());
    // A keeper cannot push traders onto the owed ledger right away; after DEFER_AFTER the bad token is deferred.
    assert!(matches!(
        err(settle(&mut s, vec![flaky.to_string()]).unwrap_err()),
        ContractError::DeferTooEarly { .. }
    ));
    s.wait(hmm::pool::DEFER_AFTER);
    settle(&mut s, vec![flaky.to_string()]).unwrap();
    assert!(s.balance(&s.cu[0].clone(), &trader) > 0);
    assert!(owed(&s, &attacker, &flaky) > 0);
}

// ---- 6. Parameters are checked as they will be stored -----------------------------------------------------------

fn augmented(s: &Suite, lambda: &str, lambda_max: u64, mu: u64) -> CreatePoolMsg {
    let mut msg = s.create_msg(CurveKind::Augmented, &[0], lambda);
    if let Some(c) = msg.curvature.as_mut() {
        c.lambda_max = Decimal256::percent(lambda_max);
        c.mu = Decimal256::percent(mu);
    }
    msg
}

#[test]
fn curvatures_unsound_at_the_target_are_refused_at_creation() {
    let mut s = Suite::new(1);
    // λ(1 + μ)² ≥ 2 + μ at the target: μ = 1 with λ_max 1.0 passes the bounds on λ and μ alone.
    let err = err(s.create_pool(augmented(&s, "0.5", 100, 100)).unwrap_err());
    assert!(
        matches!(err, ContractError::InvalidParams(ref r) if r.contains("unsound at the target")),
        "{err}"
    );
    s.create_pool(augmented(&s, "0.5", 100, 20)).unwrap();
}

#[test]
fn update_pool_checks_the_mu_it_stores() {
    let mut s = Suite::new(1);
    let id = s.create_pool(augmented(&s, "0.5", 150, 5)).unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
    let owner = s.owner.clone();
    let mut c = s.pool_info(id).curvature;
    c.mu = Decimal256::one();
    c.lambda_max = Decimal256::percent(150);
    let before = s.pool_info(id);
    assert!(s
        .execute(
            &owner,
            &ExecuteMsg::UpdatePool {
                pool_id: id,
                update: PoolUpdate {
                    curvature: Some(c),
                    ..PoolUpdate::default()
                },
            },
        )
        .is_err());
    assert_eq!(s.pool_info(id), before);
    // The pool still trades.
    let (t, ai) = (s.trader.clone(), s.ai.clone());
    s.swap(
        &t,
        id,
        &ai,
        100 * AI,
        Ask::Cu {
            token: s.cu[0].to_string(),
        },
        None,
        None,
    )
    .unwrap();
}

// ---- 7. Every execution mode trades on every curve it accepts --------------------------------------------------

#[test]
fn integrator_modes_are_refused_on_curves_they_cannot_trade() {
    let mut s = Suite::new(2);
    for (kind, lambda) in [
        (CurveKind::Augmented, "0.5"),
        (CurveKind::MultiAsset, "0.3"),
    ] {
        for mode in [
            ExecutionMode::Verlet { steps: 8 },
            ExecutionMode::Ruth4 { steps: 4 },
        ] {
            let mut msg = s.create_msg(kind, &[0], lambda);
            if let Some(c) = msg.curvature.as_mut() {
                c.lambda_max = Decimal256::percent(90);
            }
            msg.execution = Some(mode);
            assert!(matches!(
                err(s.create_pool(msg).unwrap_err()),
                ContractError::UnsupportedExecution { .. }
            ));
        }
    }
    // Where accepted, they trade.
    for kind in [CurveKind::Bilinear, CurveKind::TargetReserve] {
        let mut msg = s.create_msg(kind, &[0], "0.5");
        msg.execution = Some(ExecutionMode::Ruth4 { steps: 4 });
        let id = s.create_pool(msg).unwrap();
        let lp = s.lp.clone();
        s.add_liquidity(&lp, id, &[(Q0, P0)], 0).unwrap();
        let (t, ai) = (s.trader.clone(), s.ai.clone());
        s.swap(
            &t,
            id,
            &ai,
            100 * AI,
            Ask::Cu {
                token: s.cu[0].to_string(),
            },
            None,
            None,
        )
        .unwrap();
    }
}

// ---- 8. No fee atom belongs to nobody ---------------------------------------------------------------------------

/// A small pool where the locked MINIMUM_LIQUIDITY shares are a quarter of all shares: before, a quarter of every
/// LP fee accrued to them and sat in the contract, owned by nobody. Now the contract holds exactly the reserves,
/// the fees its LP can claim and the protocol's ledger, up to the LP's own rounding.
#[test]
fn lp_fee_dust_is_accounted_for() {
    let mut s = Suite::new(1);
    let id = s
        .create_pool(s.create_msg(CurveKind::Bilinear, &[0], "0"))
        .unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(4_000, 4_000)], 0).unwrap();
    let (t, ai, cu) = (s.trader.clone(), s.ai.clone(), s.cu[0].clone());
    for _ in 0..30 {
        s.swap(
            &t,
            id,
            &ai,
            400,
            Ask::Cu {
                token: cu.to_string(),
            },
            None,
            None,
        )
        .unwrap();
    }
    let pool = s.pool_info(id);
    let cfg: ConfigResponse = s.query(&QueryMsg::Config {}).unwrap();
    let share: hmm::pool::ShareResponse = s
        .query(&QueryMsg::Share {
            pool_id: id,
            owner: lp.to_string(),
        })
        .unwrap();
    let protocol: u128 = cfg
        .pending_treasury
        .iter()
        .chain(&cfg.pending_burn)
        .filter(|x| x.token == ai)
        .map(|x| x.amount.u128())
        .sum();
    let accounted =
        pool.classes[0].credit_reserve.u128() + share.pending_fee_credits.u128() + protocol;
    let held = s.balance(&ai, &s.pool);
    assert!(held >= accounted);
    assert!(
        held - accounted <= 1,
        "{} $AI atoms belong to nobody",
        held - accounted
    );
}

/// The review's pool: two classes, the thin one 1/50 of the deep one, low fees (5 bp, no risk or volatility fee, so
/// fees cannot hide a gain), β as given.
fn review_pool(s: &mut Suite, beta: u128) -> anyhow::Result<u64> {
    let mut msg = s.create_msg(CurveKind::TargetReserve, &[0, 1], "0.3");
    if let Some(c) = msg.curvature.as_mut() {
        c.beta = Decimal256::from_ratio(beta, 1u128);
        c.lambda_max = Decimal256::percent(190);
    }
    msg.fees = Some(low_fees());
    msg.max_price_impact = Some(Decimal256::one());
    s.create_pool(msg)
}

/// The review's cycle: deplete the thin class (with β > 0 this raised λ for every class), buy the deep class,
/// restore the thin class, sell the deep class back. `steps` intervals of 60 s are waited (with a small trade) after
/// each utilisation move, so that a curvature following utilisation would have followed.
fn review_cycle(deep_buy: u128, thin_buy: u128, steps: u32) -> i128 {
    let mut s = Suite::new(2);
    let id = review_pool(&mut s, 0).unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q0, P0), (Q0 / 50, P0 / 50)], 0)
        .unwrap();
    let a = s.attacker.clone();
    let (ai, cu0, cu1) = (s.ai.clone(), s.cu[0].clone(), s.cu[1].clone());
    let prices: Vec<Decimal256> = s
        .pool_info(id)
        .classes
        .iter()
        .map(|c| c.spot_price)
        .collect();
    let worth = |s: &Suite| -> i128 {
        let mut v = s.balance(&ai, &a) as i128;
        for (t, p) in [&cu0, &cu1].iter().zip(&prices) {
            v += Uint128::try_from(
                (Decimal256::from_ratio(s.balance(t, &a), 1u128) * *p).to_uint_floor(),
            )
            .unwrap()
            .u128() as i128;
        }
        v
    };
    let start = worth(&s);
    let cu_start = (s.balance(&cu0, &a), s.balance(&cu1, &a));
    let buy = |s: &mut Suite, t: &Addr, amount: u128| {
        let (a, ai) = (s.attacker.clone(), s.ai.clone());
        s.swap(
            &a,
            id,
            &ai,
            amount,
            Ask::Cu {
                token: t.to_string(),
            },
            None,
            None,
        )
        .unwrap();
    };
    let sell_back = |s: &mut Suite, t: &Addr, keep: u128| {
        let a = s.attacker.clone();
        let amount = s.balance(t, &a) - keep;
        if amount > 0 {
            s.swap(&a, id, t, amount, Ask::Ai, None, None).unwrap();
        }
    };
    let follow = |s: &mut Suite| {
        for _ in 0..steps {
            s.wait(60);
            let (a, ai, cu0) = (s.attacker.clone(), s.ai.clone(), s.cu[0].clone());
            s.swap(
                &a,
                id,
                &ai,
                AI,
                Ask::Cu {
                    token: cu0.to_string(),
                },
                None,
                None,
            )
            .unwrap();
        }
    };
    s.wait(60);
    buy(&mut s, &cu1, thin_buy);
    follow(&mut s);
    buy(&mut s, &cu0, deep_buy);
    sell_back(&mut s, &cu1, cu_start.1);
    follow(&mut s);
    sell_back(&mut s, &cu0, cu_start.0);
    worth(&s) - start
}

/// Measured (`cargo test -p integration-tests --test pool_hardening reviews_steering`): on the code before the fix
/// the worst case gained 1,131.8 $AI a cycle (β 20, deep 60k, thin 9k). β > 0 is now refused (a λ step changes κ
/// with no trade), and on the static curve the same cycle, at every size and wait, loses.
#[test]
fn the_reviews_steering_cycle_does_not_pay() {
    for beta in [4, 20, 100] {
        let mut s = Suite::new(2);
        assert_eq!(
            review_pool(&mut s, beta)
                .unwrap_err()
                .downcast::<ContractError>()
                .unwrap(),
            ContractError::DynamicCurvatureRefused
        );
    }
    let mut worst = (i128::MIN, 0, 0, 0);
    for (deep, thin) in [
        (20_000 * AI, 5_000 * AI),
        (60_000 * AI, 9_000 * AI),
        (100_000 * AI, 2_000 * AI),
    ] {
        for steps in [0, 3, 10] {
            let gain = review_cycle(deep, thin, steps);
            if gain > worst.0 {
                worst = (gain, deep / AI, thin / AI, steps);
            }
        }
    }
    assert!(
        worst.0 < 0,
        "the cycle gained {} $AI atoms (deep, thin, steps) = {:?}",
        worst.0,
        (worst.1, worst.2, worst.3)
    );
}
