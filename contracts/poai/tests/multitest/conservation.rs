//! Property: $AI and CU are conserved under random operation sequences.

use super::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Bond(usize, u128),
    Offer(usize, u128),
    Unbond(usize, u128),
    ClaimUnbonded(usize),
    /// Create a job for a worker, take it, and attest it (or not).
    Job(usize, u128, bool),
    FinalizeAll,
    TimeoutAll,
    ReportHeartbeat(usize),
    Wait(u64),
    Distribute,
    ClaimRewards(usize),
    Withdraw(usize, u128),
    Experience(u8),
}

fn op() -> impl Strategy<Value = Op> {
    let w = 0usize..3;
    prop_oneof![
        (w.clone(), 1u128..5_000).prop_map(|(w, a)| Op::Bond(w, a * UNIT)),
        (w.clone(), 1u128..4_000).prop_map(|(w, a)| Op::Offer(w, a * UNIT)),
        (w.clone(), 1u128..6_000).prop_map(|(w, a)| Op::Unbond(w, a * UNIT)),
        w.clone().prop_map(Op::ClaimUnbonded),
        (w.clone(), 1u128..300, any::<bool>()).prop_map(|(w, c, h)| Op::Job(w, c * UNIT, h)),
        Just(Op::FinalizeAll),
        Just(Op::TimeoutAll),
        w.clone().prop_map(Op::ReportHeartbeat),
        (1u64..800).prop_map(Op::Wait),
        Just(Op::Distribute),
        (0usize..4).prop_map(Op::ClaimRewards),
        (w, 1u128..500).prop_map(|(w, a)| Op::Withdraw(w, a * UNIT)),
        (0u8..=100).prop_map(Op::Experience),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn ai_and_cu_are_conserved(ops in proptest::collection::vec(op(), 1..30)) {
        let mut s = Suite::new();
        let keys: Vec<Key> = (0..3u8).map(|i| Key::secp(i + 1)).collect();
        for (w, key) in s.workers.clone().iter().zip(&keys) {
            s.onboard(w, key, BOND, RAW);
        }
        let mut jobs: Vec<u64> = vec![];
        let mut next_job = 1u64;
        let mut experiences = 0u64;
        for op in ops {
            match op {
                Op::Bond(i, a) => { let w = s.workers[i].clone(); let _ = s.bond(&w, a); }
                Op::Offer(i, a) => { let w = s.workers[i].clone(); let _ = s.offer(&w, a); }
                Op::Unbond(i, a) => {
                    let w = s.workers[i].clone();
                    let _ = s.exec(&w, &ExecuteMsg::Unbond { amount: Uint128::new(a) });
                }
                Op::ClaimUnbonded(i) => { let w = s.workers[i].clone(); let _ = s.exec(&w, &ExecuteMsg::ClaimUnbonded {}); }
                Op::Job(i, cu, honest) => {
                    let w = s.workers[i].clone();
                    let id = next_job;
                    next_job += 1;
                    let _ = s.exec(&w, &ExecuteMsg::Heartbeat {});
                    if s.create_job(id, cu, 2 * cu, 300).is_ok() && s.take(id, &w).is_ok() {
                        jobs.push(id);
                        if honest {
                            let _ = s.attest(&w, id, &keys[i]);
                        }
                    }
                }
                Op::FinalizeAll => { for id in jobs.clone() { let _ = s.finalize(id); } }
                Op::TimeoutAll => {
                    for id in jobs.clone() {
                        if s.now() > s.job(id).finish_by {
                            let _ = s.fail(id, FailureReason::Timeout);
                        }
                    }
                }
                Op::ReportHeartbeat(i) => {
                    let (anyone, w) = (s.anyone.clone(), s.workers[i].clone());
                    let _ = s.exec(&anyone, &ExecuteMsg::ReportWorker { worker: w.to_string(), condition: ReportCondition::MissedHeartbeat });
                }
                Op::Wait(t) => s.wait(t),
                Op::Distribute => { let a = s.anyone.clone(); let _ = s.exec(&a, &ExecuteMsg::DistributeEmissions {}); }
                Op::ClaimRewards(i) => {
                    let who = if i < 3 { s.workers[i].clone() } else { s.lp.clone() };
                    let _ = s.exec(&who, &ExecuteMsg::ClaimRewards {});
                }
                Op::Withdraw(i, a) => {
                    let (w, cu) = (s.workers[i].clone(), s.cu.clone());
                    let _ = s.send(&w, &cu, a, &ReceiveMsg::WithdrawCapacity {});
                }
                Op::Experience(u) => {
                    let (lp, ai, owner) = (s.lp.clone(), s.ai.clone(), s.owner.clone());
                    let hook = ReceiveMsg::SubmitExperience { content_hash: hex(&sha(&[u])), uri: None };
                    if s.send(&lp, &ai, DEPOSIT, &hook).is_ok() {
                        experiences += 1;
                        let _ = s.exec(&owner, &ExecuteMsg::ScoreExperience { id: experiences, utility: Decimal256::percent(u64::from(u)) });
                    }
                }
            }
            s.assert_ai_conserved();
            s.assert_cu_conserved();
        }
        // Drain: every job ends (settled, refuted or timed out), every epoch closes, every reward is claimed.
        s.wait(2_000);
        let anyone = s.anyone.clone();
        // More than 20 epochs may be pending: Finalize then asks for DistributeEmissions first.
        while s.exec(&anyone, &ExecuteMsg::DistributeEmissions {}).is_ok() {}
        for id in jobs.clone() {
            if s.finalize(id).is_err() && s.job(id).state == AssignmentState::Assigned {
                s.fail(id, FailureReason::Timeout).unwrap();
            }
            s.assert_ai_conserved();
        }
        while s.exec(&anyone, &ExecuteMsg::DistributeEmissions {}).is_ok() {}
        let mut claimants = s.workers.clone();
        claimants.push(s.lp.clone());
        for c in claimants {
            while s.exec(&c, &ExecuteMsg::ClaimRewards {}).is_ok() {}
        }
        prop_assert_eq!(s.totals().reward_reserve, Uint128::zero());
        for w in s.workers.clone() {
            prop_assert_eq!(s.worker(&w).active_jobs, 0);
            prop_assert_eq!(obligation(&s, &w).reserved, Uint128::zero());
        }
        s.assert_ai_conserved();
        s.assert_cu_conserved();
    }
}
