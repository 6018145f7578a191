//! The engine end to end on pool values: create, fund, trade, record prices, withdraw. (The contract's tests run
//! the same code through its entry points; these check what the engine hands back to its callers.)

use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{Decimal256, Uint128};
use hmm::pool::{
    ClassDeposit, ClassParams, CreatePoolMsg, CurvatureConfig, CurveKind, LatencyClass, SlaTags,
    MINIMUM_LIQUIDITY,
};

use crate::curve::{invariant, split_fee, spot_price};
use crate::liquidity::{deposit, withdraw};
use crate::prices::{finish_trade, update_prices, Moved, OBSERVATION_INTERVAL};
use crate::trade::{plan_swap, Side};
use crate::{new_pool, EngineError, Pool};

const NOW: u64 = 1_000_000;

fn create(kind: CurveKind, curvature: Option<CurvatureConfig>) -> Result<Pool, EngineError> {
    let api = MockApi::default();
    new_pool(
        &api,
        &api.addr_make("ai"),
        7,
        CreatePoolMsg {
            kind,
            classes: vec![ClassParams {
                cu_token: api.addr_make("gpu").to_string(),
                weight: Decimal256::one(),
            }],
            curvature,
            fees: None,
            execution: None,
            sla: SlaTags {
                region: String::new(),
                latency: LatencyClass::Batch,
                privacy_tier: 0,
                tee: false,
            },
            max_price_impact: None,
            batch_window: None,
        },
        NOW,
    )
}

/// A funded target-reserve pool: 1M CU against 5M $AI (in whole tokens of 6 decimals).
fn funded() -> Pool {
    let mut pool = create(CurveKind::TargetReserve, None).unwrap();
    deposit(
        &mut pool,
        vec![ClassDeposit {
            resource: Uint128::new(1_000_000_000_000),
            credits: Uint128::new(5_000_000_000_000),
        }],
    )
    .unwrap();
    assert!(update_prices(&mut pool, Moved::All, NOW).unwrap());
    pool
}

#[test]
fn a_new_pool_is_empty_with_the_defaults_and_refuses_what_the_contract_refuses() {
    let pool = create(CurveKind::TargetReserve, None).unwrap();
    assert_eq!(
        (pool.id, pool.last_update, pool.last_observation),
        (7, NOW, 0)
    );
    assert!(pool.total_shares.is_zero() && pool.classes[0].resource_reserve.is_zero());
    assert_eq!(pool.curvature, crate::params::default_curvature());
    assert_eq!(pool.fees, crate::params::default_fees());
    assert_eq!(pool.max_price_impact, Decimal256::percent(20));
    let dynamic = CurvatureConfig {
        alpha: Decimal256::one(),
        ..crate::params::default_curvature()
    };
    assert_eq!(
        create(CurveKind::TargetReserve, Some(dynamic)),
        Err(EngineError::DynamicCurvatureRefused)
    );
    // Nothing trades before the first deposit.
    assert_eq!(
        plan_swap(&pool, Side::Ai, Side::Class(0), Uint128::new(1_000), None),
        Err(EngineError::NoLiquidity)
    );
}

#[test]
fn a_trade_is_planned_without_moving_the_pool_then_applied_with_its_fee_split() {
    let mut pool = funded();
    let before = pool.clone();
    let kappa = invariant(&pool).unwrap();
    let plan = plan_swap(
        &pool,
        Side::Ai,
        Side::Class(0),
        Uint128::new(10_000_000_000),
        None,
    )
    .unwrap();
    assert_eq!(pool, before);
    let [leg] = plan.legs.as_slice() else {
        panic!("one leg expected")
    };
    assert!(!leg.fee.is_zero() && leg.out == plan.return_amount);
    let finished = finish_trade(&mut pool, &plan.legs, NOW + 5).unwrap();
    // Within the observation interval: no new TWAP observation.
    assert!(!finished.observe);
    let (lp, treasury, burn) = split_fee(&before, leg.fee).unwrap();
    assert_eq!(finished.protocol_fees, vec![(treasury, burn)]);
    assert_eq!(lp + treasury + burn, leg.fee);
    let class = &pool.classes[0];
    assert_eq!(class.resource_reserve, leg.q_after);
    // The LP part is credited per share (and what rounding leaves, to the reserve).
    assert!(class.credit_reserve >= leg.p_after);
    assert!(invariant(&pool).unwrap() >= kappa);
    assert!(spot_price(&pool, 0).unwrap() > spot_price(&before, 0).unwrap());
    assert_eq!(pool.last_update, NOW + 5);
}

#[test]
fn an_observation_is_due_at_most_once_per_interval() {
    let mut pool = funded();
    assert_eq!(pool.last_observation, NOW);
    assert!(!update_prices(&mut pool, Moved::All, NOW + OBSERVATION_INTERVAL - 1).unwrap());
    assert!(update_prices(&mut pool, Moved::All, NOW + OBSERVATION_INTERVAL).unwrap());
    assert_eq!(pool.last_observation, NOW + OBSERVATION_INTERVAL);
    // The accumulator holds the price over the seconds it was in force.
    let price = pool.classes[0].last_price;
    let expected = price * Decimal256::from_ratio(OBSERVATION_INTERVAL, 1u64);
    assert!(pool.classes[0].price_cumulative.abs_diff(expected) <= Decimal256::raw(2));
}

#[test]
fn any_pool_value_runs_eq30_even_the_dynamic_curvature_the_contract_refuses() {
    let mut pool = funded();
    pool.curvature.alpha = Decimal256::from_ratio(50u128, 1u128);
    pool.curvature.beta = Decimal256::one();
    let lambda = pool.lambda_now;
    let mut now = NOW;
    for _ in 0..5 {
        now += OBSERVATION_INTERVAL;
        let plan = plan_swap(
            &pool,
            Side::Ai,
            Side::Class(0),
            Uint128::new(50_000_000_000),
            None,
        )
        .unwrap();
        let _ = finish_trade(&mut pool, &plan.legs, now).unwrap();
    }
    assert!(pool.lambda_now > lambda, "λ(t) should rise with volatility");
}

#[test]
fn deposits_and_withdrawals_keep_the_shares_proportional() {
    let mut pool = funded();
    let first = pool.total_shares;
    assert_eq!(first, Uint128::new(2_236_067_977_499));
    let added = deposit(
        &mut pool,
        vec![ClassDeposit {
            resource: Uint128::new(100_000_000_000),
            credits: Uint128::new(900_000_000_000),
        }],
    )
    .unwrap();
    assert!(!added.first);
    // Pulled in the pool's ratio (1 : 5) for the shares minted (rounded down): the rest stays with the depositor.
    let pulled = &added.pulled[0];
    assert!(pulled.resource <= Uint128::new(100_000_000_000));
    assert!((pulled.resource.u128() * 5).abs_diff(pulled.credits.u128()) <= 5);
    assert!(pulled.credits.u128() > 499_999_999_000);
    assert_eq!(pool.total_shares, first + added.minted);
    let paid = withdraw(&mut pool, added.minted).unwrap();
    assert!(paid[0].0 <= added.pulled[0].resource && paid[0].1 <= added.pulled[0].credits);
    assert_eq!(pool.total_shares, first);
    assert_eq!(
        withdraw(&mut pool, first + Uint128::one()).unwrap_err(),
        EngineError::Overflow(cosmwasm_std::OverflowError::new(
            cosmwasm_std::OverflowOperation::Sub
        ))
    );
    let mut empty = create(CurveKind::Bilinear, None).unwrap();
    let dust = ClassDeposit {
        resource: Uint128::new(10),
        credits: Uint128::new(10),
    };
    assert_eq!(
        deposit(&mut empty, vec![dust]),
        Err(EngineError::FirstDepositTooSmall(MINIMUM_LIQUIDITY))
    );
}
