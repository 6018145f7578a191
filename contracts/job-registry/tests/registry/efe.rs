//! `EfeRank` (2025 eq.15, 2026 eq.34): policies priced by the pool's `Route` query, weighted by softmax over EFE.

use cosmwasm_std::{Decimal256, SignedDecimal256, Uint128};
use hmm::job::QueryMsg;
use hmm::job::{EfePolicy, EfeRankResponse};
use hmm::pool::SlaRequirement;
use hmm::router::{BundleItem, RouteResponse};
use hmm_testing::registry::{Suite, SuiteBuilder};
use hmm_testing::Chain;
use job_registry::ContractError;

fn policy(s: &Suite, class: usize, cu: u128, info_gain: &str, sla: SlaRequirement) -> EfePolicy {
    EfePolicy {
        items: vec![BundleItem {
            cu_token: s.cu[class].to_string(),
            amount: Uint128::new(cu),
            pools: vec![],
        }],
        sla,
        info_gain: info_gain.parse().unwrap(),
        utility: SignedDecimal256::zero(),
    }
}

fn efe_rank(s: &Suite, policies: Vec<EfePolicy>, beta: &str) -> anyhow::Result<EfeRankResponse> {
    s.query(&QueryMsg::EfeRank {
        policies,
        beta: beta.parse().unwrap(),
        // One EFE unit per whole $AI (18 decimals): λ_c·cost is then exact.
        cost_sensitivity: Decimal256::raw(1),
    })
}

fn f(d: impl ToString) -> f64 {
    d.to_string().parse().unwrap()
}

/// 1000 CU.
const CU: u128 = 1_000_000_000;

#[test]
fn efe_rank_prices_each_policy_by_its_route_and_weights_by_softmax() {
    let s = SuiteBuilder::new().build();
    let nowhere = SlaRequirement {
        regions: vec!["us-east".to_string()],
        ..Suite::sla()
    };
    // Every class trades at the same price: the second policy buys twice as much, so it costs about twice as much.
    let policies = vec![
        policy(&s, 0, CU, "0", Suite::sla()),
        policy(&s, 1, 2 * CU, "0", Suite::sla()),
        policy(&s, 0, CU, "1000000", nowhere),
    ];
    let r = efe_rank(&s, policies.clone(), "0.000001").unwrap();
    assert_eq!(r.scores.len(), 3);
    for (i, score) in r.scores.iter().take(2).enumerate() {
        // The cost is exactly what `Route` quotes for the bundle, and EFE = ΔI + ΔU − λ_c·cost exactly.
        let quoted: RouteResponse = s
            .query_on(
                &s.router,
                &hmm::router::QueryMsg::Route {
                    trader: None,
                    items: policies[i].items.clone(),
                    sla: Suite::sla(),
                },
            )
            .unwrap();
        assert_eq!(score.cost, Some(quoted.total_cost));
        let cost = i128::try_from(quoted.total_cost.u128()).unwrap();
        assert_eq!(score.efe, Some(SignedDecimal256::raw(-cost)));
    }
    let (e0, e1) = (f(r.scores[0].efe.unwrap()), f(r.scores[1].efe.unwrap()));
    assert!(
        e1 < 2.0 * e0 && e1 > 2.2 * e0,
        "{e0} {e1}: twice the CU, a little over twice the cost"
    );
    // Softmax: the weights of the feasible policies sum to exactly 1, in the ratio e^{β·ΔEFE}.
    assert_eq!(r.scores[0].weight + r.scores[1].weight, Decimal256::one());
    let ratio = f(r.scores[0].weight) / f(r.scores[1].weight);
    let expected = (0.000001 * (e0 - e1)).exp();
    assert!(
        (ratio / expected - 1.0).abs() < 1e-9,
        "{ratio} vs {expected}"
    );
    // No pool in us-east: no cost, no weight, ranked last whatever its information gain.
    assert_eq!(r.scores[2].cost, None);
    assert_eq!(r.scores[2].efe, None);
    assert_eq!(r.scores[2].weight, Decimal256::zero());
    assert_eq!(r.ranking, vec![0, 1, 2]);
}

#[test]
fn information_gain_can_outweigh_cost_and_beta_zero_is_uniform() {
    let s = SuiteBuilder::new().build();
    let cost_of = |class, cu| {
        let r = efe_rank(&s, vec![policy(&s, class, cu, "0", Suite::sla())], "0").unwrap();
        -f(r.scores[0].efe.unwrap())
    };
    // The dearer job is expected to teach more than its extra cost: its EFE is now the higher.
    let extra = cost_of(1, 2 * CU) - cost_of(0, CU);
    let gain = format!("{}", (extra + 1000.0).round());
    let policies = vec![
        policy(&s, 0, CU, "0", Suite::sla()),
        policy(&s, 1, 2 * CU, &gain, Suite::sla()),
    ];
    let r = efe_rank(&s, policies.clone(), "0.001").unwrap();
    assert_eq!(r.ranking, vec![1, 0]);
    assert!(r.scores[1].weight > r.scores[0].weight);
    // β = 0: every feasible policy weighs the same.
    let r = efe_rank(&s, policies, "0").unwrap();
    assert_eq!(r.scores[0].weight, Decimal256::percent(50));
    assert_eq!(r.scores[1].weight, Decimal256::percent(50));
    // Ties keep the given order.
    let same = vec![
        policy(&s, 0, CU, "0", Suite::sla()),
        policy(&s, 0, CU, "0", Suite::sla()),
    ];
    assert_eq!(efe_rank(&s, same, "1").unwrap().ranking, vec![0, 1]);
}

#[test]
fn efe_rank_refuses_no_policies_too_many_and_bad_bundles() {
    let s = SuiteBuilder::new().build();
    let count_err = |n: usize| {
        let policies = vec![policy(&s, 0, 1_000, "0", Suite::sla()); n];
        efe_rank(&s, policies, "1").unwrap_err().to_string()
    };
    // Query errors reach the caller as text: the typed error's text.
    for count in [0, 17] {
        let expected = ContractError::EfePolicyCount { count, max: 16 }.to_string();
        assert!(count_err(count).contains(&expected), "{count}");
    }
    // A zero line is the pool's refusal passed on, not an infeasible policy.
    let zero = vec![policy(&s, 0, 0, "0", Suite::sla())];
    let err = efe_rank(&s, zero, "1").unwrap_err().to_string();
    assert!(err.contains("must be positive"), "{err}");
}
