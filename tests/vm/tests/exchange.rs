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
