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
    let snap = s.snapshot();

    assert!(matches!(
        err(s.take(1, &stranger).unwrap_err()),
        ContractError::NotRegistered(_)
    ));
    assert!(matches!(
        err(s.take(2, &w).unwrap_err()),
        ContractError::SlaMismatch(_)
    ));
    assert!(matches!(
        err(s.take(3, &w).unwrap_err()),
        ContractError::InsufficientObligation { .. }
    ));
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
    assert_eq!(
        err(s.exec(&w, &direct).unwrap_err()),
        ContractError::Unauthorized("the job registry")
    );
    let fail = ExecuteMsg::JobFailed {
        job_id: 1,
        worker: w.to_string(),
        reason: FailureReason::Timeout,
    };
    assert_eq!(
        err(s.exec(&w, &fail).unwrap_err()),
        ContractError::Unauthorized("the job registry")
    );
    assert_eq!(s.snapshot(), snap);

    // A stale heartbeat makes the worker ineligible; a heartbeat restores it.
    s.wait(601);
    let last = s.worker(&w).last_heartbeat;
    assert_eq!(
        err(s.take(1, &w).unwrap_err()),
        ContractError::HeartbeatStale { last, timeout: 600 }
    );
    let elig: EligibilityResponse = s
        .q(&QueryMsg::Eligibility {
            worker: w.to_string(),
            cu: vec![CuAmount {
                token: s.cu.to_string(),
                amount: Uint128::new(JOB_CU),
            }],
            sla: sla(),
        })
        .unwrap();
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
