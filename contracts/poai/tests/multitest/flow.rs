//! The honest flow: register, offer, take, attest, finalize; each enclave key type; partial use rebates the rest.

use super::*;

#[test]
fn honest_worker_flow_settles_pays_and_emits() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    // eq.10/23: q = 0.5, so 2000 raw CU mint 1000 CU; eq.36: 1.5 · 1000 CU · 2 $AI = 3000 $AI required.
    assert_eq!(s.balance(&s.cu.clone(), &w), 1_000 * UNIT);
    let req: hmm::poai::BondRequirementResponse = s
        .q(&QueryMsg::BondRequirement {
            worker: w.to_string(),
        })
        .unwrap();
    assert_eq!(req.obligation_value.u128(), 2_000 * UNIT);
    assert_eq!(req.required.u128(), 3_000 * UNIT);
    assert!(req.covered);

    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    let elig = s.eligibility(&w, JOB_CU);
    assert!(elig.eligible, "{:?}", elig.reason);
    s.take(1, &w).unwrap();
    assert_eq!(obligation(&s, &w).reserved.u128(), JOB_CU);
    assert_eq!(s.worker(&w).active_jobs, 1);

    s.attest(&w, 1, &key).unwrap();
    assert_eq!(s.calls("record_attestation"), 1);
    assert_eq!(s.registry_job(1).state, JobState::Attested);
    let job = s.job(1);
    assert_eq!(job.state, AssignmentState::Attested);
    let att = job.attestation.clone().unwrap();
    assert_eq!(att.key_type, "secp256k1");
    assert_eq!(att.output_commitment, hex(&output_of(1)));

    // Not final before the reveal period of its epoch ends.
    let e = err(s.finalize(1).unwrap_err());
    assert_eq!(
        e,
        ContractError::VerificationOpen {
            job_id: 1,
            until: att.reveal_end
        }
    );
    s.wait(att.reveal_end - s.now());

    let cu_supply = s.supply(&s.cu.clone());
    let ai_before = s.balance(&s.ai.clone(), &w);
    s.finalize(1).unwrap();
    // The registry settled with everything used: the CU are burned against the obligation.
    let rj = s.registry_job(1);
    assert_eq!(rj.state, JobState::Settled);
    assert_eq!(rj.used.first().map(|u| u.amount.u128()), Some(JOB_CU));
    assert_eq!(s.supply(&s.cu.clone()), cu_supply - JOB_CU);
    let ob = obligation(&s, &w);
    assert_eq!(
        (ob.open.u128(), ob.reserved.u128(), ob.used.u128()),
        (900 * UNIT, 0, JOB_CU)
    );
    // PoAI bonus ρ·V = 5 % · 200 = 10 $AI; the worker's 80 % (no HIP-8 band with one worker) = 8 $AI.
    assert_eq!(s.balance(&s.ai.clone(), &w), ai_before + 8 * UNIT);
    let wr = s.worker(&w);
    assert_eq!(wr.quality, Decimal256::percent(55)); // eq.24: 0.1·1 + 0.9·0.5
    assert_eq!((wr.jobs_succeeded, wr.active_jobs), (1, 0));
    assert_eq!(s.job(1).state, AssignmentState::Succeeded);
    assert_eq!(
        err(s.finalize(1).unwrap_err()),
        ContractError::AlreadyFinalized(1)
    );
    s.assert_ai_conserved();
    s.assert_cu_conserved();

    // Emissions: the worker's verified work sits in the current epoch; close it and claim γR.
    let epoch_now = s.config().current_epoch;
    let pending: PendingRewardsResponse = s
        .q(&QueryMsg::PendingRewards {
            address: w.to_string(),
        })
        .unwrap();
    assert_eq!(pending.pending_epochs, vec![epoch_now]);
    s.wait(EPOCH);
    let anyone = s.anyone.clone();
    s.exec(&anyone, &ExecuteMsg::DistributeEmissions {})
        .unwrap();
    assert_eq!(
        err(s
            .exec(&anyone, &ExecuteMsg::DistributeEmissions {})
            .unwrap_err()),
        ContractError::NoEpochToClose
    );
    let before = s.balance(&s.ai.clone(), &w);
    let supply = s.supply(&s.ai.clone());
    s.exec(&w, &ExecuteMsg::ClaimRewards {}).unwrap();
    // The worker's share of γR (all of it: the only worker) is capped by the job's reward credit: 9/10 of the
    // 20 $AI job fee, the worker's 80 % (14.4 $AI), less the 8 $AI bonus already paid. The rest is burned.
    let credit = JOB_VALUE / 10 * 9 / 10 * 8 / 10 - 8 * UNIT;
    assert_eq!(s.balance(&s.ai.clone(), &w), before + credit);
    assert_eq!(s.supply(&s.ai.clone()), supply - (EMISSION / 2 - credit));
    assert_eq!(
        err(s.exec(&w, &ExecuteMsg::ClaimRewards {}).unwrap_err()),
        ContractError::NothingToClaim
    );
    // Every closed epoch minted exactly R: the treasury has everything nobody earned.
    let closed = s.config().next_epoch_to_close as u128;
    assert_eq!(closed, 3);
    assert_eq!(
        s.balance(&s.ai.clone(), &s.treasury.clone()),
        closed * EMISSION - EMISSION / 2
    );
    s.assert_ai_conserved();
}

#[test]
fn secp256r1_enclave_attests() {
    let mut s = Suite::new();
    let w = s.workers[2].clone();
    let key = Key::p256(4);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(3, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(3, &w).unwrap();
    // A secp256k1 signature with the same secret does not pass for the P-256 key.
    let msg = s.attest_msg(3, &Key::secp(4), None);
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::InvalidSignature
    );
    s.attest(&w, 3, &key).unwrap();
    assert_eq!(s.job(3).attestation.unwrap().key_type, "secp256r1");
}

#[test]
fn ed25519_enclave_and_partial_use_rebates_the_rest() {
    let mut s = Suite::new();
    let w = s.workers[1].clone();
    let key = Key::ed(9);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(7, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(7, &w).unwrap();
    let mut signed = s.signed(7, None);
    signed.used = Some(vec![CuAmount {
        token: s.cu.to_string(),
        amount: Uint128::new(40 * UNIT),
    }]);
    let msg = s.attest_signed(&signed, &key);
    s.exec(&w, &msg).unwrap();
    assert_eq!(s.job(7).attestation.unwrap().key_type, "ed25519");
    s.wait(2 * EPOCH);
    let client_cu = s.balance(&s.cu.clone(), &s.client.clone());
    s.finalize(7).unwrap();
    // 40 CU burned against the obligation, 60 rebated to the client.
    assert_eq!(
        s.balance(&s.cu.clone(), &s.client.clone()),
        client_cu + 60 * UNIT
    );
    let ob = obligation(&s, &w);
    assert_eq!(
        (ob.used.u128(), ob.open.u128(), ob.reserved.u128()),
        (40 * UNIT, 960 * UNIT, 0)
    );
    s.assert_cu_conserved();
    s.assert_ai_conserved();
}
