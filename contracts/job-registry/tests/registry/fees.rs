//! The job fee and the start window (issue 18: rewards bounded by what a job burns; no start_by bait).

use cosmwasm_std::Decimal;
use hmm::job::{CuAmount, ExecuteMsg, RefundMode, SettlementOutcome};
use job_registry::execute::MIN_START_WINDOW;
use job_registry::ContractError;

use hmm_testing::registry::{reg_err, SuiteBuilder, CLIENT_AI, START_IN};
use hmm_testing::Chain;

const LINES: [(usize, u128); 2] = [(0, 1_000_000_000), (1, 2_000_000_000)];
const SENT: u128 = 20_000_000_000;

/// The fee is ⌈1 % of the cost⌉ on top of it: refused when the amount sent does not cover both; burned when the
/// job succeeds (the client gets the rest of its escrow back); returned whole when the job fails, is cancelled or
/// times out.
#[test]
fn the_job_fee_is_burned_on_success_and_returned_otherwise() {
    let mut s = SuiteBuilder::new()
        .with_job_fee(Decimal::percent(1))
        .build();
    let client = s.clients[0].clone();
    let worker = s.workers[0].clone();
    let spec = s.spec(&LINES, SENT);
    let cost = s.route_cost(&spec).unwrap();
    let fee = cost.div_ceil(100);
    assert_eq!(
        reg_err(s.submit(&client, cost + fee - 1, &spec).unwrap_err()),
        ContractError::InsufficientFunds {
            cost: (cost + fee).into(),
            sent: (cost + fee - 1).into(),
        }
    );

    // Success: the fee is burned, the rest of the escrow goes back.
    let supply = s.supply(&s.ai);
    let id = s.submit(&client, SENT, &spec).unwrap();
    let job = s.job(id);
    assert_eq!((job.fee.u128(), job.escrow.u128()), (fee, SENT - cost));
    assert_eq!(s.assignment(id), None);
    s.take(&worker, id).unwrap();
    assert_eq!(s.assignment(id).unwrap().fee.u128(), fee);
    s.start(&worker, id).unwrap();
    s.attest(id).unwrap();
    s.settle(
        id,
        SettlementOutcome::Success {
            used: vec![CuAmount {
                token: s.cu[0].to_string(),
                amount: LINES[0].1.into(),
            }],
        },
    )
    .unwrap();
    assert_eq!(s.supply(&s.ai), supply - fee);
    assert_eq!(s.balance(&s.ai, &client), CLIENT_AI - cost - fee);
    assert_eq!(s.total_escrow().ai.u128(), 0);

    // Cancelled, failed and timed-out jobs: the client gets the fee back with the escrow.
    let before = s.balance(&s.ai, &client);
    let id = s.submit(&client, SENT, &spec).unwrap();
    let cost = s.job(id).value.u128();
    s.cancel(&client, id, RefundMode::ReturnCu).unwrap();
    assert_eq!(s.balance(&s.ai, &client), before - cost);

    let before = s.balance(&s.ai, &client);
    let id = s.submit(&client, SENT, &spec).unwrap();
    let cost = s.job(id).value.u128();
    s.take(&worker, id).unwrap();
    s.settle(
        id,
        SettlementOutcome::Failure {
            reason: "refuted".to_string(),
        },
    )
    .unwrap();
    assert_eq!(s.balance(&s.ai, &client), before - cost);

    let before = s.balance(&s.ai, &client);
    let id = s.submit(&client, SENT, &spec).unwrap();
    let cost = s.job(id).value.u128();
    s.take(&worker, id).unwrap();
    s.wait(START_IN + 1);
    let anyone = s.attacker.clone();
    s.claim_timeout(&anyone, id).unwrap();
    assert_eq!(s.balance(&s.ai, &client), before - cost);
    assert_eq!(s.supply(&s.ai), supply - fee);
}

/// A timeout before the start is the worker's failure (poai slashes it), so a client must not be able to post a
/// job that a worker can take but not start in time: a take needs a minute before `start_by`, and a job with less
/// than that is refused at submission. A worker that takes at the last allowed moment can still start.
#[test]
fn a_client_cannot_bait_a_worker_with_a_start_it_cannot_meet() {
    let mut s = SuiteBuilder::new().build();
    let client = s.clients[0].clone();
    let worker = s.workers[0].clone();
    let now = s.now();
    let mut spec = s.spec(&LINES, SENT);
    spec.start_by = now + MIN_START_WINDOW - 1;
    assert_eq!(
        reg_err(s.submit(&client, SENT, &spec).unwrap_err()),
        ContractError::StartWindowTooShort {
            start_by: now + MIN_START_WINDOW - 1,
            now,
            min: MIN_START_WINDOW,
        }
    );
    let spec = s.spec(&LINES, SENT);
    let id = s.submit(&client, SENT, &spec).unwrap();
    let start_by = s.job(id).start_by;
    s.wait(START_IN - MIN_START_WINDOW + 1);
    let now = s.now();
    assert_eq!(
        reg_err(s.take(&worker, id).unwrap_err()),
        ContractError::StartWindowTooShort {
            start_by,
            now,
            min: MIN_START_WINDOW,
        }
    );
    let id = s.submit(&client, SENT, &s.spec(&LINES, SENT)).unwrap();
    s.wait(START_IN - MIN_START_WINDOW);
    s.take(&worker, id).unwrap();
    s.wait(MIN_START_WINDOW - 6);
    s.exec(&worker, &ExecuteMsg::StartJob { job_id: id })
        .unwrap();
}
