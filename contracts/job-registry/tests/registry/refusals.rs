//! Every refused message: its typed error, and a snapshot (every balance, supply, job, pool, config) proving that
//! nothing changed.

use cosmwasm_std::{coins, Decimal, Uint128};
use cw_multi_test::Executor;
use hmm::job::{CuAmount, ExecuteMsg, JobState, Limits, RefundMode, SettlementOutcome, Verdict};
use job_registry::execute::MIN_START_WINDOW;
use job_registry::ContractError;

use hmm_testing::mock_poai::MOCK_SPAN;
use hmm_testing::registry::{reg_err, Suite, SuiteBuilder, CLIENT_AI, FINISH_IN, START_IN};
use hmm_testing::Chain;

const LINES: [(usize, u128); 3] = [(0, 1_000_000_000), (1, 2_000_000_000), (2, 500_000_000)];
const SENT: u128 = 20_000_000_000;

/// Run `f`, expect `expected`, and check that nothing changed.
fn refused<T: std::fmt::Debug>(
    s: &mut Suite,
    expected: ContractError,
    f: impl FnOnce(&mut Suite) -> anyhow::Result<T>,
) {
    let before = s.snapshot();
    let e = f(s).expect_err("must be refused");
    assert_eq!(reg_err(e), expected);
    assert_eq!(s.snapshot(), before, "a refused message changed state");
}

fn with_job() -> (Suite, u64) {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[0].clone();
    let id = s.submit(&client, SENT, &s.spec(&LINES, SENT)).unwrap();
    (s, id)
}

#[test]
fn wrong_token_is_refused() {
    let mut s = SuiteBuilder::new().build();
    let attacker = s.attacker.clone();
    let cu = s.cu[0].clone();
    let spec = s.spec(&LINES, SENT);
    refused(&mut s, ContractError::WrongToken(cu.to_string()), |s| {
        s.submit_with(&attacker, &cu, 1_000_000, &spec)
    });
    assert_eq!(s.config().job_count, 0);
}

#[test]
fn a_budget_below_the_route_cost_fails_the_whole_submit() {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[0].clone();
    let probe = s.spec(&LINES, SENT);
    let cost = s.route_cost(&probe).unwrap();
    let spec = s.spec(&LINES, cost - 1);
    refused(
        &mut s,
        ContractError::BudgetExceeded {
            cost: Uint128::new(cost),
            max_spend: Uint128::new(cost - 1),
        },
        |s| s.submit(&client, SENT, &spec),
    );
    // A budget that allows it but less $AI sent than it costs.
    let spec = s.spec(&LINES, SENT);
    refused(
        &mut s,
        ContractError::InsufficientFunds {
            cost: Uint128::new(cost),
            sent: Uint128::new(cost - 1),
        },
        |s| s.submit(&client, cost - 1, &spec),
    );
    assert_eq!(s.balance(&s.ai, &client), CLIENT_AI);
    assert_eq!(s.config().job_count, 0);
    // Exactly the cost works and leaves no escrow.
    let spec = s.spec(&LINES, cost);
    let id = s.submit(&client, cost, &spec).unwrap();
    assert_eq!(s.job(id).escrow, Uint128::zero());
}

#[test]
fn an_sla_no_pool_meets_fails_the_submit() {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[0].clone();
    let mut spec = s.spec(&LINES, SENT);
    spec.sla.regions = vec!["us-east".to_string()];
    let before = s.snapshot();
    let e = s.submit(&client, SENT, &spec).unwrap_err();
    match reg_err(e) {
        ContractError::RouteFailed(msg) => assert!(msg.contains("no pool offers"), "{msg}"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(s.snapshot(), before);
}

#[test]
fn invalid_specs_are_refused() {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[0].clone();
    let now = s.now();
    let base = s.spec(&LINES, SENT);
    let cases: Vec<(hmm::job::JobSpec, ContractError)> = vec![
        (
            hmm::job::JobSpec {
                resources: vec![],
                ..base.clone()
            },
            ContractError::InvalidSpec("the resource vector is empty".into()),
        ),
        (
            s.spec(&[(0, 1_000), (0, 2_000)], SENT),
            ContractError::InvalidSpec(format!("resource {} listed twice", s.cu[0])),
        ),
        (s.spec(&[(0, 0)], SENT), ContractError::ZeroAmount),
        (s.spec(&LINES, 0), ContractError::ZeroAmount),
        (
            hmm::job::JobSpec {
                input_commitment: "xyz".into(),
                ..base.clone()
            },
            ContractError::InvalidSpec(
                "input_commitment must be a hex sha256 (64 hex digits)".into(),
            ),
        ),
        (
            hmm::job::JobSpec {
                start_by: now,
                ..base.clone()
            },
            ContractError::DeadlinePassed { deadline: now, now },
        ),
        (
            hmm::job::JobSpec {
                finish_by: base.start_by,
                ..base.clone()
            },
            ContractError::InvalidSpec("finish_by must be after start_by".into()),
        ),
        (
            hmm::job::JobSpec {
                finish_by: now + 31 * 24 * 3600,
                ..base.clone()
            },
            ContractError::InvalidSpec(format!("finish_by is more than {} s away", 30 * 24 * 3600)),
        ),
    ];
    for (spec, expected) in cases {
        refused(&mut s, expected, |s| s.submit(&client, SENT, &spec));
    }
    // Zero $AI sent.
    let spec = base.clone();
    refused(&mut s, ContractError::ZeroAmount, |s| {
        s.submit(&client, 0, &spec)
    });
    // $AI listed as a resource.
    let mut spec = base.clone();
    spec.resources[0].cu_token = s.ai.to_string();
    refused(
        &mut s,
        ContractError::InvalidSpec("$AI is not a resource".into()),
        |s| s.submit(&client, SENT, &spec),
    );
    // More lines than the limit.
    let admin = s.admin.clone();
    s.exec(
        &admin,
        &ExecuteMsg::UpdateConfig {
            orderbook: None,
            poai: None,
            limits: Some(Limits {
                max_resources: 2,
                max_job_duration: 3600 * 24,
                settlement_grace: MOCK_SPAN + 60,
                job_fee_rate: Decimal::zero(),
            }),
        },
    )
    .unwrap();
    let spec = s.spec(&LINES, SENT);
    refused(
        &mut s,
        ContractError::InvalidSpec("at most 2 resource lines".into()),
        |s| s.submit(&client, SENT, &spec),
    );
}

#[test]
fn no_eligible_worker_means_no_take() {
    let (mut s, id) = with_job();
    s.set_eligible(false);
    let worker = s.workers[0].clone();
    let before = s.snapshot();
    let e = s.take(&worker, id).unwrap_err();
    assert!(
        format!("{e:?}").contains("worker not eligible"),
        "poai's refusal surfaces: {e:?}"
    );
    assert_eq!(s.snapshot(), before);
    assert_eq!(s.state(id), JobState::Open);
    assert_eq!(s.job(id).worker, None);
    assert!(s.assignment(id).is_none());
    // Once eligible, the same worker can take it.
    s.set_eligible(true);
    s.take(&worker, id).unwrap();
    assert_eq!(s.state(id), JobState::Assigned);
}

#[test]
fn a_job_is_taken_once() {
    let (mut s, id) = with_job();
    let (w0, w1) = (s.workers[0].clone(), s.workers[1].clone());
    s.take(&w0, id).unwrap();
    for w in [&w0, &w1] {
        refused(
            &mut s,
            ContractError::InvalidState {
                job_id: id,
                state: JobState::Assigned,
                action: "take",
            },
            |s| s.take(w, id),
        );
    }
    assert_eq!(s.job(id).worker, Some(w0));
}

#[test]
fn late_take_start_and_attestation_are_refused() {
    let (mut s, id) = with_job();
    let worker = s.workers[0].clone();
    let start_by = s.job(id).start_by;
    s.wait(START_IN + 1);
    let now = s.now();
    refused(
        &mut s,
        ContractError::StartWindowTooShort {
            start_by,
            now,
            min: MIN_START_WINDOW,
        },
        |s| s.take(&worker, id),
    );

    let (mut s, id) = with_job();
    s.take(&worker, id).unwrap();
    s.wait(START_IN + 1);
    let now = s.now();
    refused(
        &mut s,
        ContractError::DeadlinePassed {
            deadline: start_by,
            now,
        },
        |s| s.start(&worker, id),
    );

    let (mut s, id) = with_job();
    let finish_by = s.job(id).finish_by;
    s.take(&worker, id).unwrap();
    s.start(&worker, id).unwrap();
    s.wait(FINISH_IN + 1);
    let now = s.now();
    refused(
        &mut s,
        ContractError::DeadlinePassed {
            deadline: finish_by,
            now,
        },
        |s| s.attest(id),
    );
}

#[test]
fn poai_hooks_refuse_everyone_else() {
    let (mut s, id) = with_job();
    let worker = s.workers[0].clone();
    s.take(&worker, id).unwrap();
    let client = s.clients[0].clone();
    for who in [s.attacker.clone(), client, worker.clone(), s.admin.clone()] {
        for msg in [
            ExecuteMsg::RecordAttestation { job_id: id },
            ExecuteMsg::RecordVerdict {
                job_id: id,
                verdict: Verdict::Verified,
            },
            ExecuteMsg::Settle {
                job_id: id,
                outcome: SettlementOutcome::Success { used: vec![] },
            },
            ExecuteMsg::Settle {
                job_id: id,
                outcome: SettlementOutcome::Failure { reason: "x".into() },
            },
        ] {
            refused(
                &mut s,
                ContractError::Unauthorized("the poai contract"),
                |s| s.exec(&who, &msg),
            );
        }
    }
}

#[test]
fn only_the_client_cancels_and_only_before_assignment() {
    let (mut s, id) = with_job();
    let attacker = s.attacker.clone();
    let worker = s.workers[0].clone();
    let client = s.clients[0].clone();
    refused(
        &mut s,
        ContractError::Unauthorized("the job's client"),
        |s| s.cancel(&attacker, id, RefundMode::ReturnCu),
    );
    refused(
        &mut s,
        ContractError::InvalidRefund("min_out needs one entry per CU line (3) or none".into()),
        |s| {
            s.cancel(
                &client,
                id,
                RefundMode::SellToPool {
                    min_out: vec![Uint128::one()],
                },
            )
        },
    );
    // A sale below the client's minimum fails in the pool; the cancel reverts as a whole.
    let before = s.snapshot();
    let e = s
        .cancel(
            &client,
            id,
            RefundMode::SellToPool {
                min_out: vec![Uint128::new(u128::MAX); 3],
            },
        )
        .unwrap_err();
    assert!(matches!(
        e.downcast::<hmm_pool::ContractError>(),
        Ok(hmm_pool::ContractError::MinOutNotMet { .. })
    ));
    assert_eq!(s.snapshot(), before);
    s.take(&worker, id).unwrap();
    refused(
        &mut s,
        ContractError::InvalidState {
            job_id: id,
            state: JobState::Assigned,
            action: "cancel",
        },
        |s| s.cancel(&client, id, RefundMode::ReturnCu),
    );
}

#[test]
fn only_the_assigned_worker_starts() {
    let (mut s, id) = with_job();
    let (w0, w1) = (s.workers[0].clone(), s.workers[1].clone());
    refused(
        &mut s,
        ContractError::Unauthorized("the assigned worker"),
        |s| s.start(&w0, id),
    );
    s.take(&w0, id).unwrap();
    refused(
        &mut s,
        ContractError::Unauthorized("the assigned worker"),
        |s| s.start(&w1, id),
    );
}

#[test]
fn settlements_out_of_order_or_malformed_are_refused() {
    let (mut s, id) = with_job();
    let worker = s.workers[0].clone();
    // Success before any attestation.
    s.take(&worker, id).unwrap();
    refused(
        &mut s,
        ContractError::InvalidState {
            job_id: id,
            state: JobState::Assigned,
            action: "settle as a success",
        },
        |s| s.settle(id, SettlementOutcome::Success { used: vec![] }),
    );
    refused(
        &mut s,
        ContractError::InvalidState {
            job_id: id,
            state: JobState::Assigned,
            action: "record a verdict",
        },
        |s| s.verdict(id, Verdict::Verified),
    );
    s.attest(id).unwrap();
    let cu0 = s.cu[0].to_string();
    let used = |token: &str, amount: u128| CuAmount {
        token: token.to_string(),
        amount: Uint128::new(amount),
    };
    refused(
        &mut s,
        ContractError::InvalidOutcome(format!(
            "used {} of {cu0} but only {} are locked",
            LINES[0].1 + 1,
            LINES[0].1
        )),
        |s| {
            s.settle(
                id,
                SettlementOutcome::Success {
                    used: vec![used(&cu0, LINES[0].1 + 1)],
                },
            )
        },
    );
    refused(
        &mut s,
        ContractError::InvalidOutcome(format!("token {cu0} listed twice")),
        |s| {
            s.settle(
                id,
                SettlementOutcome::Success {
                    used: vec![used(&cu0, 1), used(&cu0, 1)],
                },
            )
        },
    );
    let ai = s.ai.to_string();
    refused(
        &mut s,
        ContractError::InvalidOutcome(format!("token {ai} is not locked in job {id}")),
        |s| {
            s.settle(
                id,
                SettlementOutcome::Success {
                    used: vec![used(&ai, 1)],
                },
            )
        },
    );
    refused(
        &mut s,
        ContractError::InvalidOutcome("the reason is longer than 256 bytes".into()),
        |s| {
            s.settle(
                id,
                SettlementOutcome::Failure {
                    reason: "x".repeat(257),
                },
            )
        },
    );
    // Settled jobs are final.
    s.settle(id, SettlementOutcome::Success { used: vec![] })
        .unwrap();
    for outcome in [
        SettlementOutcome::Success { used: vec![] },
        SettlementOutcome::Failure { reason: "x".into() },
    ] {
        let action = match outcome {
            SettlementOutcome::Success { .. } => "settle as a success",
            SettlementOutcome::Failure { .. } => "settle as a failure",
        };
        refused(
            &mut s,
            ContractError::InvalidState {
                job_id: id,
                state: JobState::Settled,
                action,
            },
            |s| s.settle(id, outcome),
        );
    }
    refused(
        &mut s,
        ContractError::InvalidState {
            job_id: id,
            state: JobState::Settled,
            action: "record an attestation",
        },
        |s| s.attest(id),
    );
}

#[test]
fn unknown_jobs_are_refused() {
    let (mut s, _) = with_job();
    let worker = s.workers[0].clone();
    let client = s.clients[0].clone();
    let anyone = s.attacker.clone();
    let missing = 99;
    refused(&mut s, ContractError::UnknownJob(missing), |s| {
        s.take(&worker, missing)
    });
    refused(&mut s, ContractError::UnknownJob(missing), |s| {
        s.start(&worker, missing)
    });
    refused(&mut s, ContractError::UnknownJob(missing), |s| {
        s.cancel(&client, missing, RefundMode::ReturnCu)
    });
    refused(&mut s, ContractError::UnknownJob(missing), |s| {
        s.claim_timeout(&anyone, missing)
    });
    refused(&mut s, ContractError::UnknownJob(missing), |s| {
        s.attest(missing)
    });
    refused(&mut s, ContractError::UnknownJob(missing), |s| {
        s.verdict(missing, Verdict::Disputed)
    });
    refused(&mut s, ContractError::UnknownJob(missing), |s| {
        s.settle(missing, SettlementOutcome::Success { used: vec![] })
    });
    let e = s
        .query::<hmm::job::JobResponse>(&hmm::job::QueryMsg::Job { job_id: missing })
        .unwrap_err();
    assert!(e.to_string().contains("job 99 does not exist"), "{e}");
}

#[test]
fn owner_only_config_and_sane_limits() {
    let mut s = SuiteBuilder::new().build();
    let attacker = s.attacker.clone();
    let admin = s.admin.clone();
    let limits = Limits {
        max_resources: 4,
        max_job_duration: 3600,
        settlement_grace: MOCK_SPAN + 60,
        job_fee_rate: Decimal::percent(1),
    };
    refused(
        &mut s,
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
        |s| {
            s.exec(
                &attacker,
                &ExecuteMsg::UpdateConfig {
                    orderbook: None,
                    poai: None,
                    limits: Some(limits.clone()),
                },
            )
        },
    );
    refused(
        &mut s,
        ContractError::InvalidLimits("max_resources must be in 1..=16".into()),
        |s| {
            s.exec(
                &admin,
                &ExecuteMsg::UpdateConfig {
                    orderbook: None,
                    poai: None,
                    limits: Some(Limits {
                        max_resources: 0,
                        ..limits.clone()
                    }),
                },
            )
        },
    );
    // Limits that do not fit poai's verification timeline (read from poai): a grace within the span, or a job
    // longer than poai's bonds outlive.
    for (bad, why) in [
        (
            Limits {
                settlement_grace: MOCK_SPAN,
                ..limits.clone()
            },
            hmm::job::TimelineMismatch::GraceTooShort,
        ),
        (
            Limits {
                max_job_duration: 40 * 86_400,
                ..limits.clone()
            },
            hmm::job::TimelineMismatch::UnbondingTooShort,
        ),
    ] {
        refused(
            &mut s,
            ContractError::InvalidLimits(why.reason().into()),
            |s| {
                s.exec(
                    &admin,
                    &ExecuteMsg::UpdateConfig {
                        orderbook: None,
                        poai: None,
                        limits: Some(bad.clone()),
                    },
                )
            },
        );
    }
    // Hand over the ownership in two steps (cw-ownable): the old owner loses it.
    s.exec(
        &admin,
        &ExecuteMsg::UpdateConfig {
            orderbook: None,
            poai: None,
            limits: Some(limits.clone()),
        },
    )
    .unwrap();
    assert_eq!(s.config().limits, limits);
    let propose = ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
        new_owner: attacker.to_string(),
        expiry: None,
    });
    refused(
        &mut s,
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
        |s| s.exec(&attacker, &propose),
    );
    s.exec(&admin, &propose).unwrap();
    s.exec(
        &attacker,
        &ExecuteMsg::UpdateOwnership(cw_ownable::Action::AcceptOwnership),
    )
    .unwrap();
    let ownership: cw_ownable::Ownership<String> = s
        .app
        .wrap()
        .query_wasm_smart(&s.registry, &hmm::job::QueryMsg::Ownership {})
        .unwrap();
    assert_eq!(ownership.owner, Some(attacker.to_string()));
    refused(
        &mut s,
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
        |s| {
            s.exec(
                &admin,
                &ExecuteMsg::UpdateConfig {
                    orderbook: None,
                    poai: None,
                    limits: None,
                },
            )
        },
    );
}

#[test]
fn native_funds_are_refused() {
    let (mut s, id) = with_job();
    let worker = s.workers[0].clone();
    let registry = s.registry.clone();
    s.app
        .sudo(cw_multi_test::SudoMsg::Bank(
            cw_multi_test::BankSudo::Mint {
                to_address: worker.to_string(),
                amount: coins(10, "ustake"),
            },
        ))
        .unwrap();
    let before = s.snapshot();
    let e = s
        .app
        .execute_contract(
            worker,
            registry,
            &ExecuteMsg::TakeJob { job_id: id },
            &coins(10, "ustake"),
        )
        .unwrap_err();
    assert!(matches!(reg_err(e), ContractError::Payment(_)));
    assert_eq!(s.snapshot(), before);
}

/// The client cannot take its own job (issue 18: trading with yourself to farm the PoAI bonus and emissions).
#[test]
fn a_client_cannot_take_its_own_job() {
    let (mut s, id) = with_job();
    let client = s.clients[0].clone();
    refused(&mut s, ContractError::ClientIsWorker, |s| {
        s.take(&client, id)
    });
}
