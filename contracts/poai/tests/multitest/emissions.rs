//! `DistributeEmissions`, `ClaimRewards` and the expert weights (Eq. 5).

use super::*;

#[test]
fn expert_weights_follow_eq5() {
    let (mut s, w0, _key) = attested_job(false);
    let w1 = s.workers[1].clone();
    s.onboard(&w1, &Key::secp(2), BOND, RAW);
    s.wait(2 * EPOCH);
    s.finalize(1).unwrap(); // w0: q = 0.55
    let r: ExpertWeightsResponse = s
        .q(&QueryMsg::ExpertWeights {
            workers: vec![w0.to_string(), w1.to_string()],
        })
        .unwrap();
    // η ∝ q/(1−q): 0.55/0.45 = 1.2222… and 0.5/0.5 = 1 → 0.55 and 0.45 of the total.
    let sum = r.weights[0].weight + r.weights[1].weight;
    assert_eq!(sum, Decimal256::one());
    let w0_weight = r.weights[0].weight;
    assert!(
        w0_weight > Decimal256::percent(54) && w0_weight < Decimal256::percent(56),
        "{w0_weight}"
    );
    assert!(s
        .q::<ExpertWeightsResponse>(&QueryMsg::ExpertWeights { workers: vec![] })
        .is_err());
}

#[test]
fn emissions_sum_exactly_to_r_and_pools_empty_out() {
    let (mut s, w0, _key) = attested_job(true);
    bond_verifiers(&mut s, 3);
    let w1 = s.workers[1].clone();
    let key1 = Key::ed(3);
    s.onboard(&w1, &key1, BOND, RAW);
    s.create_job(2, JOB_CU, 333 * UNIT + 7, 1_000).unwrap();
    s.take(2, &w1).unwrap();
    s.attest(&w1, 2, &key1).unwrap();
    // An experience, scored in the same epoch as the finalizations.
    let ai = s.ai.clone();
    let lp = s.lp.clone();
    let submit = ReceiveMsg::SubmitExperience {
        content_hash: hex(&sha(b"trace")),
        uri: Some("ipfs://x".to_string()),
    };
    assert_eq!(
        err(s.send(&lp, &ai, DEPOSIT - 1, &submit).unwrap_err()),
        ContractError::WrongDeposit {
            expected: Uint128::new(DEPOSIT),
            got: Uint128::new(DEPOSIT - 1)
        }
    );
    s.send(&lp, &ai, DEPOSIT, &submit).unwrap();
    s.wait(EPOCH);
    // Every verifier confirms job 1; verifier 2 refutes job 2, the others confirm it.
    let verdict = |i: usize, job_id: u64| {
        if i == 2 && job_id == 2 {
            Verdict::Invalid
        } else {
            Verdict::Valid
        }
    };
    type Step = fn(&mut Suite, usize, u64, Verdict) -> anyhow::Result<cw_multi_test::AppResponse>;
    for (step, window) in [(commit as Step, COMMIT), (reveal, REVEAL)] {
        for i in 0..3 {
            for job_id in [1, 2] {
                step(&mut s, i, job_id, verdict(i, job_id)).unwrap();
            }
        }
        s.wait(window);
    }
    s.finalize(1).unwrap();
    s.finalize(2).unwrap();
    let anyone = s.anyone.clone();
    assert_eq!(
        err(s
            .exec(
                &anyone,
                &ExecuteMsg::ScoreExperience {
                    id: 1,
                    utility: Decimal256::percent(50)
                }
            )
            .unwrap_err()),
        ContractError::Unauthorized("the experience oracle")
    );
    let owner = s.owner.clone();
    let (lp_before, tr_before) = (s.balance(&ai, &lp), s.balance(&ai, &s.treasury.clone()));
    s.exec(
        &owner,
        &ExecuteMsg::ScoreExperience {
            id: 1,
            utility: Decimal256::percent(50),
        },
    )
    .unwrap();
    assert_eq!(s.balance(&ai, &lp), lp_before + DEPOSIT / 2);
    assert_eq!(s.balance(&ai, &s.treasury.clone()), tr_before + DEPOSIT / 2);
    assert_eq!(
        err(s
            .exec(
                &owner,
                &ExecuteMsg::ScoreExperience {
                    id: 1,
                    utility: Decimal256::percent(50)
                }
            )
            .unwrap_err()),
        ContractError::AlreadyScored(1)
    );
    let epoch = s.config().current_epoch;
    s.wait(EPOCH);
    s.exec(&anyone, &ExecuteMsg::DistributeEmissions {})
        .unwrap();
    let e: EpochResponse = s.q(&QueryMsg::Epoch { epoch: Some(epoch) }).unwrap();
    assert!(e.closed);
    // Points are reward credit: 9/10 of each job's fee (10 % of its value), 80 % to the worker, 20 % to the
    // verifiers who judged right (job 1: three; job 2: two, one wrong).
    let credit = |value: u128| value / 10 * 9 / 10;
    assert_eq!(
        e.work.u128(),
        credit(JOB_VALUE) * 8 / 10 + credit(333 * UNIT + 7) * 8 / 10
    );
    assert_eq!(
        e.verifier_points.u128(),
        credit(JOB_VALUE) * 2 / 10 + credit(333 * UNIT + 7) * 2 / 10
    );
    let parts = e.workers.remaining + e.verifiers.remaining + e.curators.remaining + e.treasury;
    assert_eq!(parts.u128(), EMISSION, "the parts sum exactly to R");
    // Everybody claims; every pool ends at exactly zero.
    let mut claimants = vec![w0.clone(), w1.clone(), lp.clone()];
    claimants.extend(s.verifiers[..3].iter().cloned());
    for c in &claimants {
        s.exec(c, &ExecuteMsg::ClaimRewards {}).unwrap();
    }
    let e: EpochResponse = s.q(&QueryMsg::Epoch { epoch: Some(epoch) }).unwrap();
    for pool in [&e.workers, &e.verifiers, &e.curators] {
        assert_eq!(
            (pool.remaining, pool.remaining_weight),
            (Uint128::zero(), Uint128::zero())
        );
    }
    assert_eq!(s.totals().reward_reserve, Uint128::zero());
    // Minted emissions: exactly R per closed epoch.
    let closed = s.config().next_epoch_to_close as u128;
    let bonuses: u128 = 10 * UNIT + (333 * UNIT + 7) * 5 / 100; // both jobs' full ρ·V (verifiers took 20 %)
    assert_eq!(s.totals().minted.u128(), closed * EMISSION + bonuses);
    s.assert_ai_conserved();
}
