//! Whole job lifecycles.

use cosmwasm_std::Uint128;
use hmm::job::{
    CloseReason, CuAmount, EscrowResponse, JobState, JobsResponse, QueryMsg, RefundMode,
    SettlementOutcome, Verdict,
};

use hmm_testing::mock_poai::FailureReason;
use hmm_testing::registry::{SuiteBuilder, CLIENT_AI, FINISH_IN, GRACE, START_IN};
use hmm_testing::Chain;

/// 1000, 2000 and 500 CU of the three classes.
const LINES: [(usize, u128); 3] = [(0, 1_000_000_000), (1, 2_000_000_000), (2, 500_000_000)];
/// What the client sends: comfortably above the route cost (~17.6k $AI), so an escrow remains.
const SENT: u128 = 20_000_000_000;

#[test]
fn happy_path_burns_used_cu_and_rebates_the_rest() {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[0].clone();
    let worker = s.workers[0].clone();
    let spec = s.spec(&LINES, SENT);
    let cost = s.route_cost(&spec).unwrap();
    assert!(cost < SENT);
    let supplies: Vec<u128> = s.cu.iter().map(|t| s.supply(t)).collect();
    let ai_supply = s.supply(&s.ai);
    let pool_ai = s.balance(&s.ai, &s.pool);

    // Submit: exactly the route cost goes to the pool, the CU arrive at the registry, the rest is escrowed.
    let id = s.submit(&client, SENT, &spec).unwrap();
    assert_eq!(id, 1);
    assert_eq!(s.balance(&s.ai, &client), CLIENT_AI - SENT);
    assert_eq!(s.balance(&s.ai, &s.pool), pool_ai + cost);
    assert_eq!(s.balance(&s.ai, &s.registry), SENT - cost);
    for (c, amount) in LINES {
        assert_eq!(s.balance(&s.cu[c], &s.registry), amount);
    }
    let job = s.job(id);
    assert_eq!(job.state, JobState::Open);
    assert_eq!(job.client, client);
    assert_eq!(job.value.u128(), cost);
    assert_eq!(job.escrow.u128(), SENT - cost);
    assert_eq!(job.input_commitment, "ab".repeat(32));
    assert_eq!(job.timeout_at, Some(job.start_by));
    assert_eq!(job.purchase.len(), 3);
    assert_eq!(
        job.purchase.iter().map(|l| l.cost.u128()).sum::<u128>(),
        cost
    );
    let escrow: EscrowResponse = s.query(&QueryMsg::Escrow { job_id: id }).unwrap();
    assert_eq!(escrow.ai.u128(), SENT - cost);
    assert_eq!(escrow.cu, job.cu);

    // Take: poai is told everything interfaces.md lists.
    s.take(&worker, id).unwrap();
    let a = s.assignment(id).expect("poai saw JobAssigned");
    assert_eq!(a.worker, worker.to_string());
    assert_eq!(a.client, client.to_string());
    assert_eq!(a.cu, job.cu);
    assert_eq!(a.value.u128(), cost);
    assert_eq!(a.finish_by, job.finish_by);
    assert_eq!(a.sla, spec.sla);
    assert_eq!(s.state(id), JobState::Assigned);
    assert_eq!(s.job(id).worker, Some(worker.clone()));

    s.wait(10);
    s.start(&worker, id).unwrap();
    assert_eq!(s.state(id), JobState::Running);
    assert_eq!(s.job(id).timeout_at, Some(job.finish_by));
    s.wait(10);
    s.attest(id).unwrap();
    assert_eq!(s.state(id), JobState::Attested);
    assert_eq!(s.job(id).timeout_at, Some(job.settle_by));
    assert_eq!(job.settle_by, job.finish_by + GRACE);
    s.verdict(id, Verdict::Verified).unwrap();
    assert_eq!(s.state(id), JobState::Verified);

    // Settle: 60 % of class 0, all of class 1, class 2 not listed (nothing used).
    let used0 = LINES[0].1 * 6 / 10;
    let used1 = LINES[1].1;
    s.settle(
        id,
        SettlementOutcome::Success {
            used: vec![
                CuAmount {
                    token: s.cu[0].to_string(),
                    amount: Uint128::new(used0),
                },
                CuAmount {
                    token: s.cu[1].to_string(),
                    amount: Uint128::new(used1),
                },
            ],
        },
    )
    .unwrap();
    let job = s.job(id);
    assert_eq!(job.state, JobState::Settled);
    assert_eq!(job.close_reason, Some(CloseReason::Completed));
    assert_eq!(job.escrow, Uint128::zero());
    assert_eq!(job.timeout_at, None);
    assert_eq!(
        job.used.iter().map(|u| u.amount.u128()).collect::<Vec<_>>(),
        vec![used0, used1, 0]
    );
    // Burned: supply down by exactly what was used.
    assert_eq!(s.supply(&s.cu[0]), supplies[0] - used0);
    assert_eq!(s.supply(&s.cu[1]), supplies[1] - used1);
    assert_eq!(s.supply(&s.cu[2]), supplies[2]);
    assert_eq!(s.supply(&s.ai), ai_supply);
    // Rebate and escrow back to the client; nothing left in the registry.
    assert_eq!(s.balance(&s.cu[0], &client), LINES[0].1 - used0);
    assert_eq!(s.balance(&s.cu[1], &client), 0);
    assert_eq!(s.balance(&s.cu[2], &client), LINES[2].1);
    assert_eq!(s.balance(&s.ai, &client), CLIENT_AI - cost);
    for t in s.tokens() {
        assert_eq!(s.balance(&t, &s.registry), 0);
    }
    let total = s.total_escrow();
    assert_eq!(
        (total.ai.u128(), total.cu.len(), total.open_jobs),
        (0, 0, 0)
    );

    // Indexed queries.
    let by_state: JobsResponse = s
        .query(&QueryMsg::JobsByState {
            state: JobState::Settled,
            start_after: None,
            limit: None,
        })
        .unwrap();
    assert_eq!(by_state.jobs.len(), 1);
    let open: JobsResponse = s
        .query(&QueryMsg::JobsByState {
            state: JobState::Open,
            start_after: None,
            limit: None,
        })
        .unwrap();
    assert!(open.jobs.is_empty());
    let by_worker: JobsResponse = s
        .query(&QueryMsg::JobsByWorker {
            worker: worker.to_string(),
            start_after: None,
            limit: None,
        })
        .unwrap();
    assert_eq!(by_worker.jobs[0].job_id, id);
}

#[test]
fn attested_without_start_then_settled_as_failure_refunds_everything() {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[1].clone();
    let worker = s.workers[1].clone();
    let spec = s.spec(&LINES, SENT);
    let id = s.submit(&client, SENT, &spec).unwrap();
    let cost = s.job(id).value.u128();
    s.take(&worker, id).unwrap();
    s.attest(id).unwrap();
    s.verdict(id, Verdict::Disputed).unwrap();
    assert_eq!(s.state(id), JobState::Disputed);
    let supplies: Vec<u128> = s.cu.iter().map(|t| s.supply(t)).collect();
    s.settle(
        id,
        SettlementOutcome::Failure {
            reason: "verifiers rejected the output".to_string(),
        },
    )
    .unwrap();
    let job = s.job(id);
    assert_eq!(job.state, JobState::Failed);
    assert_eq!(
        job.close_reason,
        Some(CloseReason::Failed {
            reason: "verifiers rejected the output".to_string()
        })
    );
    for (c, amount) in LINES {
        assert_eq!(s.balance(&s.cu[c], &client), amount, "all CU back");
        assert_eq!(s.supply(&s.cu[c]), supplies[c], "nothing burned");
    }
    assert_eq!(s.balance(&s.ai, &client), CLIENT_AI - cost);
    assert!(s.tokens().iter().all(|t| s.balance(t, &s.registry) == 0));
}

#[test]
fn failure_can_be_settled_before_attestation() {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[0].clone();
    let worker = s.workers[0].clone();
    let id = s.submit(&client, SENT, &s.spec(&LINES, SENT)).unwrap();
    s.take(&worker, id).unwrap();
    s.start(&worker, id).unwrap();
    s.settle(
        id,
        SettlementOutcome::Failure {
            reason: "malformed attestation".to_string(),
        },
    )
    .unwrap();
    assert_eq!(s.state(id), JobState::Failed);
    assert!(s.tokens().iter().all(|t| s.balance(t, &s.registry) == 0));
}

#[test]
fn cancel_returning_cu() {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[0].clone();
    let id = s.submit(&client, SENT, &s.spec(&LINES, SENT)).unwrap();
    let cost = s.job(id).value.u128();
    let pool_before: Vec<u128> = s.cu.iter().map(|t| s.balance(t, &s.pool)).collect();
    s.cancel(&client, id, RefundMode::ReturnCu).unwrap();
    let job = s.job(id);
    assert_eq!(job.state, JobState::Cancelled);
    assert_eq!(
        job.close_reason,
        Some(CloseReason::Cancelled { sold_back: false })
    );
    for (c, amount) in LINES {
        assert_eq!(s.balance(&s.cu[c], &client), amount);
        assert_eq!(s.balance(&s.cu[c], &s.pool), pool_before[c]);
    }
    assert_eq!(s.balance(&s.ai, &client), CLIENT_AI - cost);
    assert!(s.tokens().iter().all(|t| s.balance(t, &s.registry) == 0));
    assert_eq!(s.total_escrow().open_jobs, 0);
}

#[test]
fn cancel_selling_back_to_the_pools() {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[0].clone();
    let id = s.submit(&client, SENT, &s.spec(&LINES, SENT)).unwrap();
    let cost = s.job(id).value.u128();
    let pool_before: Vec<u128> = s.cu.iter().map(|t| s.balance(t, &s.pool)).collect();
    s.cancel(
        &client,
        id,
        RefundMode::SellToPool {
            min_out: vec![Uint128::new(1); 3],
        },
    )
    .unwrap();
    let job = s.job(id);
    assert_eq!(job.state, JobState::Cancelled);
    assert_eq!(
        job.close_reason,
        Some(CloseReason::Cancelled { sold_back: true })
    );
    for (c, amount) in LINES {
        assert_eq!(s.balance(&s.cu[c], &client), 0, "no CU: sold");
        assert_eq!(s.balance(&s.cu[c], &s.pool), pool_before[c] + amount);
    }
    // The client got the escrow plus the sale: less than it paid (fees both ways), but most of it.
    let back = s.balance(&s.ai, &client) - (CLIENT_AI - SENT);
    let escrow = SENT - cost;
    assert!(
        back > escrow + cost * 9 / 10 && back < SENT,
        "got back {back}"
    );
    assert!(s.tokens().iter().all(|t| s.balance(t, &s.registry) == 0));
}

/// Walk a job to `state` (Open, Assigned, Running, Attested, Verified, Disputed).
fn job_in(state: JobState) -> (hmm_testing::registry::Suite, u64) {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[0].clone();
    let worker = s.workers[0].clone();
    let id = s.submit(&client, SENT, &s.spec(&LINES, SENT)).unwrap();
    if state != JobState::Open {
        s.take(&worker, id).unwrap();
    }
    if state >= JobState::Running {
        s.start(&worker, id).unwrap();
    }
    if state >= JobState::Attested {
        s.attest(id).unwrap();
    }
    match state {
        JobState::Verified => s.verdict(id, Verdict::Verified).unwrap(),
        JobState::Disputed => s.verdict(id, Verdict::Disputed).unwrap(),
        _ => Default::default(),
    };
    assert_eq!(s.state(id), state);
    (s, id)
}

#[test]
fn every_non_final_state_times_out() {
    for state in [
        JobState::Open,
        JobState::Assigned,
        JobState::Running,
        JobState::Attested,
        JobState::Verified,
        JobState::Disputed,
    ] {
        let (mut s, id) = job_in(state);
        let client = s.clients[0].clone();
        let anyone = s.attacker.clone();
        let job = s.job(id);
        let deadline = job.timeout_at.expect("a deadline");
        let expected = match state {
            JobState::Open | JobState::Assigned => job.start_by,
            JobState::Running => job.finish_by,
            _ => job.settle_by,
        };
        assert_eq!(deadline, expected, "{state:?}");
        // At the deadline: too early, nothing changes.
        let now = s.now();
        s.wait(deadline - now);
        let before = s.snapshot();
        let e = s.claim_timeout(&anyone, id).unwrap_err();
        assert_eq!(
            hmm_testing::registry::reg_err(e),
            job_registry::ContractError::DeadlineNotReached {
                job_id: id,
                deadline,
                now: deadline
            }
        );
        assert_eq!(s.snapshot(), before);
        // One second later anyone may claim it.
        s.wait(1);
        s.claim_timeout(&anyone, id).unwrap();
        let job = s.job(id);
        assert_eq!(job.state, JobState::Expired, "{state:?}");
        assert_eq!(job.close_reason, Some(CloseReason::Timeout { state }));
        for (c, amount) in LINES {
            assert_eq!(s.balance(&s.cu[c], &client), amount);
        }
        assert_eq!(s.balance(&s.ai, &client), CLIENT_AI - job.value.u128());
        assert!(s.tokens().iter().all(|t| s.balance(t, &s.registry) == 0));
        // The worker is reported to poai if there was one.
        let report = s.failure_report(id);
        if state == JobState::Open {
            assert_eq!(report, None);
        } else {
            assert_eq!(
                report,
                Some((s.workers[0].to_string(), FailureReason::Timeout))
            );
        }
        // A closed job cannot time out again.
        let e = s.claim_timeout(&anyone, id).unwrap_err();
        assert_eq!(
            hmm_testing::registry::reg_err(e),
            job_registry::ContractError::InvalidState {
                job_id: id,
                state: JobState::Expired,
                action: "time out"
            }
        );
    }
}

#[test]
fn a_refusing_poai_cannot_block_a_timeout_refund() {
    let (mut s, id) = job_in(JobState::Running);
    s.set_refuse_reports(true);
    s.wait(FINISH_IN + 1);
    let anyone = s.attacker.clone();
    let res = s.claim_timeout(&anyone, id).unwrap();
    assert!(res
        .events
        .iter()
        .flat_map(|e| &e.attributes)
        .any(|a| a.key == "action" && a.value == "poai_job_failed_refused"));
    assert_eq!(s.state(id), JobState::Expired);
    assert_eq!(s.failure_report(id), None);
    assert!(s.tokens().iter().all(|t| s.balance(t, &s.registry) == 0));
}

#[test]
fn poai_can_be_set_once_after_instantiation() {
    let mut s = SuiteBuilder::new().without_poai().build();
    assert_eq!(s.config().poai, None);
    let client = s.clients[0].clone();
    let worker = s.workers[0].clone();
    let id = s.submit(&client, SENT, &s.spec(&LINES, SENT)).unwrap();
    let before = s.snapshot();
    let e = s.take(&worker, id).unwrap_err();
    assert_eq!(
        hmm_testing::registry::reg_err(e),
        job_registry::ContractError::PoaiNotSet
    );
    assert_eq!(s.snapshot(), before);
    let admin = s.admin.clone();
    let poai = s.poai.to_string();
    s.exec(
        &admin,
        &hmm::job::ExecuteMsg::UpdateConfig {
            orderbook: None,
            poai: Some(poai.clone()),
            limits: None,
        },
    )
    .unwrap();
    assert_eq!(s.config().poai, Some(s.poai.clone()));
    s.take(&worker, id).unwrap();
    let before = s.snapshot();
    let e = s
        .exec(
            &admin,
            &hmm::job::ExecuteMsg::UpdateConfig {
                orderbook: None,
                poai: Some(poai),
                limits: None,
            },
        )
        .unwrap_err();
    assert_eq!(
        hmm_testing::registry::reg_err(e),
        job_registry::ContractError::PoaiAlreadySet
    );
    assert_eq!(s.snapshot(), before);
}

#[test]
fn jobs_are_paginated_by_client_and_state() {
    let mut s = SuiteBuilder::new().build();
    let (a, b) = (s.clients[0].clone(), s.clients[1].clone());
    let small = [(0usize, 1_000_000u128)];
    let mut ids_a = vec![];
    for i in 0..5 {
        let who = if i % 2 == 0 { &a } else { &b };
        let spec = s.spec(&small, 1_000_000_000);
        let id = s.submit(who, 1_000_000_000, &spec).unwrap();
        if i % 2 == 0 {
            ids_a.push(id);
        }
    }
    let mut seen = vec![];
    let mut start_after = None;
    loop {
        let page: JobsResponse = s
            .query(&QueryMsg::JobsByClient {
                client: a.to_string(),
                start_after,
                limit: Some(2),
            })
            .unwrap();
        if page.jobs.is_empty() {
            break;
        }
        assert!(page.jobs.len() <= 2);
        start_after = page.jobs.last().map(|j| j.job_id);
        seen.extend(page.jobs.into_iter().map(|j| j.job_id));
    }
    assert_eq!(seen, ids_a);
    let open: JobsResponse = s
        .query(&QueryMsg::JobsByState {
            state: JobState::Open,
            start_after: Some(2),
            limit: None,
        })
        .unwrap();
    assert_eq!(
        open.jobs.iter().map(|j| j.job_id).collect::<Vec<_>>(),
        vec![3, 4, 5]
    );
    let all: JobsResponse = s
        .query(&QueryMsg::Jobs {
            start_after: None,
            limit: Some(100),
        })
        .unwrap();
    assert_eq!(all.jobs.len(), 5, "the page is capped at 30, there are 5");
    assert_eq!(s.config().job_count, 5);
    let _ = START_IN;
}
