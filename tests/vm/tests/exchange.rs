//! The exchange and the job/PoAI flows in the VM: every contract is its compiled artifact, cross-contract messages
//! and queries are routed by `vm_tests::chain`. One test binary, so each artifact is compiled once.

use vm_tests::chain::{artifacts_ready, Chain};
use vm_tests::scenarios;

fn ready() -> bool {
    match artifacts_ready() {
        Ok(ready) => ready,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn exchange_flow_in_the_vm() {
    if !ready() {
        return;
    }
    let chain = Chain::new().unwrap();
    if let Err(e) = scenarios::exchange::exchange(&chain) {
        panic!("exchange scenario: {e}");
    }
    for r in chain.records() {
        println!("{:<50} {:>12} {}", r.label, r.vm_gas(), r.call_path());
    }
}

#[test]
fn job_and_poai_flows_in_the_vm() {
    if !ready() {
        return;
    }
    let chain = Chain::new().unwrap();
    let x = match scenarios::exchange::exchange(&chain) {
        Ok(x) => x,
        Err(e) => panic!("exchange scenario: {e}"),
    };
    if let Err(e) = scenarios::jobs::jobs(&x) {
        panic!("job/PoAI scenario: {e}");
    }
    for r in chain.records() {
        println!("{:<50} {:>12} {}", r.label, r.vm_gas(), r.call_path());
    }
}

/// The chain is atomic as wasmd is: when the pool refuses a swap inside a cw20 `Send`, the token's debit is reverted
/// too; when poai refuses a take, the registry's state change is reverted.
#[test]
fn a_refused_sub_message_reverts_the_whole_transaction() {
    use cosmwasm_std::{to_json_binary, Uint128};
    use cw20::Cw20ExecuteMsg;
    use hmm::pool::{Ask, ReceiveMsg};
    use scenarios::exchange::{balance, pool_state, UNIT};

    if !ready() {
        return;
    }
    let chain = Chain::new().unwrap();
    let x = scenarios::exchange::deploy(&chain).unwrap();
    let ai_before = balance(&chain, &x.ai, &x.trader).unwrap();
    let pool_ai_before = balance(&chain, &x.ai, &x.pool).unwrap();
    let reserves_before = pool_state(&x, x.bilinear).unwrap().classes;
    let refused = chain.execute(
        &x.trader,
        &x.ai,
        &Cw20ExecuteMsg::Send {
            contract: x.pool.clone(),
            amount: Uint128::new(10 * UNIT),
            msg: to_json_binary(&ReceiveMsg::Swap {
                pool_id: x.bilinear,
                ask: Ask::Cu {
                    token: x.cu_a.clone(),
                },
                exact_out: None,
                min_out: Some(Uint128::new(1_000 * UNIT)),
                deadline: None,
                to: None,
            })
            .unwrap(),
        },
    );
    let err = refused.expect_err("min_out cannot be met");
    assert!(
        err.contract_error().is_some(),
        "a contract error, not a VM failure: {err}"
    );
    assert!(err.to_string().starts_with("pool."), "{err}");
    assert_eq!(balance(&chain, &x.ai, &x.trader).unwrap(), ai_before);
    assert_eq!(balance(&chain, &x.ai, &x.pool).unwrap(), pool_ai_before);
    assert_eq!(pool_state(&x, x.bilinear).unwrap().classes, reserves_before);

    // An unregistered worker cannot take a job: poai refuses JobAssigned and the take is undone at the registry.
    let j = scenarios::jobs::deploy(&x).unwrap();
    scenarios::jobs::onboard(&x, &j).unwrap();
    let input = [1u8; 32];
    let job_id = scenarios::jobs::submit(&x, &j, &input, 1_000, None).unwrap();
    let stranger = chain.addr("stranger");
    let refused = chain.execute(
        &stranger,
        &j.registry,
        &hmm::job::ExecuteMsg::TakeJob { job_id },
    );
    let err = refused.expect_err("an unregistered worker");
    assert!(err.to_string().starts_with("poai."), "{err}");
    let job: hmm::job::JobResponse = chain
        .query(&j.registry, &hmm::job::QueryMsg::Job { job_id })
        .unwrap();
    assert_eq!(job.state, hmm::job::JobState::Open);
    assert_eq!(job.worker, None);
}
