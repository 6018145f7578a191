//! Slashing: `JobFailed` timeouts, `ReportWorker` (missed heartbeats, low quality), pending unbonding claims.

use super::*;

#[test]
fn timeout_slashes_burns_and_denies() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 100).unwrap();
    s.create_job(2, JOB_CU, JOB_VALUE, 10_000).unwrap();
    s.take(1, &w).unwrap();
    s.wait(101);
    let supply = s.supply(&s.ai.clone());
    s.fail(1, FailureReason::Timeout).unwrap();
    // σ = 10 % of the 10 000 bond burned.
    assert_eq!(s.supply(&s.ai.clone()), supply - 1_000 * UNIT);
    let wr = s.worker(&w);
    assert_eq!(wr.bond.u128(), 9_000 * UNIT);
    assert_eq!(wr.quality, Decimal256::percent(45)); // eq.24 with a = 0
    assert_eq!(wr.denied_until, s.now() + 600);
    assert_eq!((wr.jobs_failed, wr.active_jobs, wr.slash_count), (1, 0, 1));
    assert_eq!(obligation(&s, &w).reserved.u128(), 0);
    assert_eq!(s.job(1).state, AssignmentState::Failed);
    // In the denial window: no jobs, no new capacity.
    let until = wr.denied_until;
    assert_eq!(
        err(s.take(2, &w).unwrap_err()),
        ContractError::Denied { until }
    );
    assert_eq!(
        err(s.offer(&w, RAW).unwrap_err()),
        ContractError::Denied { until }
    );
    s.wait(600);
    s.exec(&w, &ExecuteMsg::Heartbeat {}).unwrap();
    s.take(2, &w).unwrap();
    s.assert_ai_conserved();
    s.assert_cu_conserved();
}

#[test]
fn timeout_after_attestation_and_cancellation_do_not_slash() {
    let (mut s, w, _key) = attested_job(false);
    let bond = s.worker(&w).bond;
    // poai did not settle in time: the registry times the job out; the worker is not at fault.
    s.fail(1, FailureReason::Timeout).unwrap();
    let wr = s.worker(&w);
    assert_eq!(
        (wr.bond, wr.slash_count, wr.quality),
        (bond, 0, Decimal256::percent(50))
    );
    assert_eq!(obligation(&s, &w).reserved.u128(), 0);
    assert_eq!(
        err(s.finalize(1).unwrap_err()),
        ContractError::AlreadyFinalized(1)
    );
    s.create_job(2, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(2, &w).unwrap();
    s.fail(2, FailureReason::Cancelled).unwrap();
    assert_eq!(s.worker(&w).slash_count, 0);
    s.assert_ai_conserved();
}

#[test]
fn missed_heartbeat_is_reported_and_slashed_once_per_timeout() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let idle = s.workers[1].clone();
    s.onboard(&w, &Key::secp(1), BOND, RAW);
    s.onboard(&idle, &Key::secp(2), BOND, 0); // bonded, no capacity offered
    let anyone = s.anyone.clone();
    let report = |who: &cosmwasm_std::Addr| ExecuteMsg::ReportWorker {
        worker: who.to_string(),
        condition: ReportCondition::MissedHeartbeat,
    };
    assert!(matches!(
        err(s.exec(&anyone, &report(&w)).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    s.wait(601);
    let snap = s.snapshot();
    assert!(matches!(
        err(s.exec(&anyone, &report(&idle)).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    assert_eq!(s.snapshot(), snap);
    let supply = s.supply(&s.ai.clone());
    s.exec(&anyone, &report(&w)).unwrap();
    assert_eq!(s.supply(&s.ai.clone()), supply - 1_000 * UNIT);
    assert!(matches!(
        err(s.exec(&anyone, &report(&w)).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    s.assert_ai_conserved();
}

#[test]
fn low_quality_for_seven_epochs_is_slashed() {
    let mut params = test_params();
    params.initial_quality = Decimal256::percent(40);
    let mut s = Suite::with_params(params);
    let w = s.workers[0].clone();
    s.onboard(&w, &Key::secp(1), BOND, 0);
    assert_eq!(s.worker(&w).low_quality_since, Some(0));
    let anyone = s.anyone.clone();
    let report = ExecuteMsg::ReportWorker {
        worker: w.to_string(),
        condition: ReportCondition::LowQuality,
    };
    s.wait(6 * EPOCH);
    assert!(matches!(
        err(s.exec(&anyone, &report).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    s.wait(EPOCH);
    s.exec(&anyone, &report).unwrap();
    let wr = s.worker(&w);
    assert_eq!(
        (wr.bond.u128(), wr.slash_count, wr.low_quality_since),
        (9_000 * UNIT, 1, Some(7))
    );
    assert!(matches!(
        err(s.exec(&anyone, &report).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    s.assert_ai_conserved();
}

#[test]
fn slashing_reaches_pending_unbonding_claims() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    s.onboard(&w, &Key::secp(1), BOND, RAW);
    // Required 3000: unbonding 8000 of 10 000 would leave too little.
    assert_eq!(
        err(s
            .exec(
                &w,
                &ExecuteMsg::Unbond {
                    amount: Uint128::new(8_000 * UNIT)
                }
            )
            .unwrap_err()),
        ContractError::InsufficientBond {
            bond: Uint128::new(2_000 * UNIT),
            required: Uint128::new(3_000 * UNIT)
        }
    );
    assert!(matches!(
        err(s
            .exec(
                &w,
                &ExecuteMsg::Unbond {
                    amount: Uint128::new(BOND + 1)
                }
            )
            .unwrap_err()),
        ContractError::UnbondTooLarge { .. }
    ));
    s.exec(
        &w,
        &ExecuteMsg::Unbond {
            amount: Uint128::new(5_000 * UNIT),
        },
    )
    .unwrap();
    assert_eq!(
        err(s.exec(&w, &ExecuteMsg::ClaimUnbonded {}).unwrap_err()),
        ContractError::NothingToClaim
    );
    // A timeout while the claim is pending: σ of the bond and of the claim are burned.
    s.create_job(1, JOB_CU, JOB_VALUE, 100).unwrap();
    s.take(1, &w).unwrap();
    s.wait(101);
    let supply = s.supply(&s.ai.clone());
    s.fail(1, FailureReason::Timeout).unwrap();
    assert_eq!(s.supply(&s.ai.clone()), supply - 1_000 * UNIT);
    let claims: ClaimsResponse = s
        .q(&QueryMsg::Claims {
            address: w.to_string(),
        })
        .unwrap();
    assert_eq!(claims.claims[0].amount.u128(), 4_500 * UNIT);
    assert_eq!(s.worker(&w).unbonding.u128(), 4_500 * UNIT);
    s.wait(2_000);
    let before = s.balance(&s.ai.clone(), &w);
    s.exec(&w, &ExecuteMsg::ClaimUnbonded {}).unwrap();
    assert_eq!(s.balance(&s.ai.clone(), &w), before + 4_500 * UNIT);
    s.assert_ai_conserved();
}

/// Reporting a missed heartbeat slashes once per silence, but it is not a heartbeat: the silent worker stays
/// ineligible (before: the report reset `last_heartbeat` and made it eligible again).
#[test]
fn a_heartbeat_report_does_not_make_a_silent_worker_eligible() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.wait(601);
    let anyone = s.anyone.clone();
    let report = ExecuteMsg::ReportWorker {
        worker: w.to_string(),
        condition: ReportCondition::MissedHeartbeat,
    };
    s.exec(&anyone, &report).unwrap();
    assert!(matches!(
        err(s.exec(&anyone, &report).unwrap_err()),
        ContractError::ConditionNotMet(_)
    ));
    // Denied, and once the denial window is over still stale.
    s.wait(s.config().params.denial_window);
    s.create_job(1, JOB_CU, JOB_VALUE, 3_000).unwrap();
    assert!(matches!(
        err(s.take(1, &w).unwrap_err()),
        ContractError::HeartbeatStale { .. }
    ));
}

/// An attestation the verifiers refuted cannot escape its slash by a timeout at the registry before anyone calls
/// `Finalize` (before: a timeout after the attestation never slashed).
#[test]
fn a_refuted_attestation_is_slashed_at_its_timeout() {
    let (mut s, w, _key) = attested_job(true);
    bond_verifiers(&mut s, 3);
    let att = s.job(1).attestation.unwrap();
    s.wait(EPOCH);
    for i in 0..3 {
        commit(&mut s, i, 1, Verdict::Invalid).unwrap();
    }
    s.wait(att.commit_end - s.now());
    for i in 0..3 {
        reveal(&mut s, i, 1, Verdict::Invalid).unwrap();
    }
    s.wait(att.reveal_end - s.now());
    let bond = s.worker(&w).bond.u128();
    s.fail(1, FailureReason::Timeout).unwrap();
    assert_eq!(s.worker(&w).bond.u128(), bond - bond / 10);
    assert!(s.worker(&w).denied_until > s.now());
}
