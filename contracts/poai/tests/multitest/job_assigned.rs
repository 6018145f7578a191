//! `JobAssigned` (the registry's take): who may work a job.

use super::*;

#[test]
fn ineligible_workers_cannot_take_jobs() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    let stranger = s.workers[2].clone();
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    let mut far = sla();
    far.regions = vec!["us-east".to_string()];
    let finish_by = s.now() + 1_000;
    s.create_job_with(2, JOB_CU, JOB_VALUE, finish_by, far)
        .unwrap();
    s.create_job(3, 2_000 * UNIT, JOB_VALUE, 1_000).unwrap();
    // Only the registry may assign.
    let direct = ExecuteMsg::JobAssigned {
        job_id: 1,
        worker: w.to_string(),
        client: s.client.to_string(),
        cu: vec![CuAmount {
            token: s.cu.to_string(),
            amount: Uint128::new(JOB_CU),
        }],
        sla: sla(),
        value: Uint128::new(JOB_VALUE),
        fee: Uint128::new(JOB_VALUE / 10),
        finish_by: s.now() + 100,
    };
    let fail = ExecuteMsg::JobFailed {
        job_id: 1,
        worker: w.to_string(),
        reason: FailureReason::Timeout,
    };
    let take = |job_id: u64, worker: &cosmwasm_std::Addr| {
        let worker = worker.clone();
        let action: Action = Box::new(move |s: &mut Suite| s.take(job_id, &worker));
        action
    };
    let exec = |who: &cosmwasm_std::Addr, msg: &ExecuteMsg| {
        let (who, msg) = (who.clone(), msg.clone());
        let action: Action = Box::new(move |s: &mut Suite| s.exec(&who, &msg));
        action
    };
    s.assert_refused_actions(vec![
        (
            "not a worker",
            take(1, &stranger),
            like(|e| matches!(e, ContractError::NotRegistered(_))),
        ),
        (
            "another region",
            take(2, &w),
            like(|e| matches!(e, ContractError::SlaMismatch(_))),
        ),
        (
            "more CU than the worker's obligation",
            take(3, &w),
            like(|e| matches!(e, ContractError::InsufficientObligation { .. })),
        ),
        (
            "JobAssigned not from the registry",
            exec(&w, &direct),
            is(ContractError::Unauthorized("the job registry")),
        ),
        (
            "JobFailed not from the registry",
            exec(&w, &fail),
            is(ContractError::Unauthorized("the job registry")),
        ),
    ]);

    // A stale heartbeat makes the worker ineligible; a heartbeat restores it.
    s.wait(601);
    let last = s.worker(&w).last_heartbeat;
    assert_eq!(
        err(s.take(1, &w).unwrap_err()),
        ContractError::HeartbeatStale { last, timeout: 600 }
    );
    let elig = s.eligibility(&w, JOB_CU);
    assert!(!elig.eligible && elig.reason.unwrap().contains("heartbeat"));
    s.exec(&w, &ExecuteMsg::Heartbeat {}).unwrap();
    s.take(1, &w).unwrap();
    // The same job twice.
    let registry = s.registry.clone();
    assert_eq!(
        err(s
            .app
            .execute_contract(registry, s.poai.clone(), &direct, &[])
            .unwrap_err()),
        ContractError::JobExists(1)
    );
}

/// One party cannot be both client and worker of a job (the self-dealing loop of issue 18 started here).
#[test]
fn a_client_cannot_work_its_own_job() {
    let mut s = Suite::new();
    s.create_job(1, JOB_CU, JOB_VALUE, 500).unwrap();
    let client = s.client.clone();
    assert_eq!(
        err(s.take(1, &client).unwrap_err()),
        ContractError::ClientIsWorker
    );
}
