//! Verification: `Dispute`, `CommitVerdict`, `RevealVerdict`, committee sampling, verdict weight.

use super::*;

#[test]
fn refuted_attestation_fails_the_job_and_pays_the_verifiers() {
    let (mut s, w, _key) = attested_job(true);
    // Three equal bonds and three seats: each sits on the committee with probability 1.
    bond_verifiers(&mut s, 3);
    let att = s.job(1).attestation.unwrap();
    // Commits open at the end of the attestation's epoch.
    assert!(matches!(
        err(commit(&mut s, 0, 1, Verdict::Invalid).unwrap_err()),
        ContractError::OutsideWindow { what: "commit", .. }
    ));
    s.wait(EPOCH);
    commit(&mut s, 0, 1, Verdict::Invalid).unwrap();
    commit(&mut s, 1, 1, Verdict::Invalid).unwrap();
    commit(&mut s, 2, 1, Verdict::Valid).unwrap();
    assert_eq!(
        err(commit(&mut s, 0, 1, Verdict::Valid).unwrap_err()),
        ContractError::AlreadyCommitted(1)
    );
    // A fourth verifier bonded tenfold is drawn (probability min(1, 3·10/13) = 1) but the seats are taken.
    let v3 = s.verifiers[3].clone();
    s.register_verifier(&v3, 10 * VERIFIER_MIN).unwrap();
    assert_eq!(
        err(commit(&mut s, 3, 1, Verdict::Valid).unwrap_err()),
        ContractError::CommitteeFull(1)
    );
    assert_eq!(s.job(1).attestation.unwrap().sampled, Some(true));
    // The worker itself cannot verify; verifiers cannot leave with open commitments.
    let v0 = s.verifiers[0].clone();
    assert_eq!(
        err(s
            .exec(
                &v0,
                &ExecuteMsg::UnbondVerifier {
                    amount: Uint128::new(VERIFIER_MIN)
                }
            )
            .unwrap_err()),
        ContractError::VerifierBusy
    );
    assert!(matches!(
        err(reveal(&mut s, 0, 1, Verdict::Invalid).unwrap_err()),
        ContractError::OutsideWindow { what: "reveal", .. }
    ));
    s.wait(att.commit_end - s.now());
    assert!(matches!(
        err(commit(&mut s, 3, 1, Verdict::Valid).unwrap_err()),
        ContractError::OutsideWindow { what: "commit", .. }
    ));
    reveal(&mut s, 0, 1, Verdict::Invalid).unwrap();
    reveal(&mut s, 1, 1, Verdict::Invalid).unwrap();
    assert_eq!(
        err(reveal(&mut s, 1, 1, Verdict::Invalid).unwrap_err()),
        ContractError::AlreadyRevealed(1)
    );
    assert_eq!(
        err(reveal(&mut s, 3, 1, Verdict::Invalid).unwrap_err()),
        ContractError::NoCommitment(1)
    );
    // Verifier 2 never reveals.
    s.wait(att.reveal_end - s.now());
    assert!(matches!(
        err(reveal(&mut s, 2, 1, Verdict::Valid).unwrap_err()),
        ContractError::OutsideWindow { what: "reveal", .. }
    ));

    let supply = s.supply(&s.ai.clone());
    let (b0, b1) = (
        s.balance(&s.ai.clone(), &s.verifiers[0].clone()),
        s.balance(&s.ai.clone(), &s.verifiers[1].clone()),
    );
    let client_cu = s.balance(&s.cu.clone(), &s.client.clone());
    s.finalize(1).unwrap();
    let rj = s.registry_job(1);
    assert_eq!(rj.state, JobState::Failed);
    assert_eq!(s.job(1).state, AssignmentState::Refuted);
    assert_eq!(
        s.balance(&s.cu.clone(), &s.client.clone()),
        client_cu + JOB_CU,
        "CU back to the client"
    );
    // Worker slashed 1000, silent verifier 100; the verifiers' 20 % of the 10 $AI bonus split between the two.
    assert_eq!(s.balance(&s.ai.clone(), &s.verifiers[0].clone()), b0 + UNIT);
    assert_eq!(s.balance(&s.ai.clone(), &s.verifiers[1].clone()), b1 + UNIT);
    // (Epoch 0 was closed, and its emission minted, by the first commit; finalizing closes nothing more.)
    assert_eq!(s.supply(&s.ai.clone()), supply + 2 * UNIT - 1_100 * UNIT);
    let wr = s.worker(&w);
    assert_eq!(
        (wr.bond.u128(), wr.quality, wr.jobs_failed),
        (9_000 * UNIT, Decimal256::percent(45), 1)
    );
    let v2: VerifierResponse = s
        .q(&QueryMsg::Verifier {
            verifier: s.verifiers[2].to_string(),
        })
        .unwrap();
    assert_eq!(
        (v2.bond.u128(), v2.slash_count, v2.open_commits),
        (900 * UNIT, 1, 0)
    );
    let v0r: VerifierResponse = s
        .q(&QueryMsg::Verifier {
            verifier: s.verifiers[0].to_string(),
        })
        .unwrap();
    assert_eq!((v0r.verdicts, v0r.correct, v0r.open_commits), (1, 1, 0));
    assert_eq!(obligation(&s, &w).reserved.u128(), 0);
    s.assert_ai_conserved();
    s.assert_cu_conserved();
}

#[test]
fn copying_another_verifiers_commitment_cannot_be_revealed() {
    let (mut s, _w, _key) = attested_job(true);
    bond_verifiers(&mut s, 2);
    s.wait(EPOCH);
    commit(&mut s, 0, 1, Verdict::Valid).unwrap();
    // Verifier 1 copies verifier 0's commitment and, after 0 reveals, its verdict and salt.
    let (v0, v1) = (s.verifiers[0].clone(), s.verifiers[1].clone());
    let copied = s.commitment(1, Verdict::Valid, &salt(0), &v0);
    s.exec(
        &v1,
        &ExecuteMsg::CommitVerdict {
            job_id: 1,
            commitment: copied,
        },
    )
    .unwrap();
    s.wait(COMMIT);
    reveal(&mut s, 0, 1, Verdict::Valid).unwrap();
    let copy = ExecuteMsg::RevealVerdict {
        job_id: 1,
        verdict: Verdict::Valid,
        salt: Binary::from(salt(0)),
        audit: None,
    };
    assert_eq!(
        err(s.exec(&v1, &copy).unwrap_err()),
        ContractError::CommitmentMismatch
    );
    s.wait(REVEAL);
    s.finalize(1).unwrap();
    // The copier never revealed: slashed; the honest verifier is paid the whole verifier share.
    let r1: VerifierResponse = s
        .q(&QueryMsg::Verifier {
            verifier: v1.to_string(),
        })
        .unwrap();
    assert_eq!((r1.slash_count, r1.bond.u128()), (1, 900 * UNIT));
    assert_eq!(s.registry_job(1).state, JobState::Settled);
    s.assert_ai_conserved();
}

#[test]
fn failed_dispute_costs_the_disputer_and_unsampled_jobs_need_no_verdict() {
    let (mut s, w, key) = attested_job(false);
    bond_verifiers(&mut s, 3);
    let v0 = s.verifiers[0].clone();
    let att = s.job(1).attestation.unwrap();
    // Not sampled and not disputed: nothing to commit on.
    s.create_job(2, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(2, &w).unwrap();
    s.attest(&w, 2, &key).unwrap();
    let dispute = ExecuteMsg::Dispute {
        job_id: 1,
        evidence_hash: hex(&sha(b"my evidence")),
    };
    let anyone = s.anyone.clone();
    assert!(matches!(
        err(s.exec(&anyone, &dispute).unwrap_err()),
        ContractError::NotVerifier(_)
    ));
    s.exec(&v0, &dispute).unwrap();
    assert_eq!(s.calls("record_verdict"), 1);
    assert_eq!(s.registry_job(1).state, JobState::Disputed);
    assert_eq!(
        err(s.exec(&v0, &dispute).unwrap_err()),
        ContractError::AlreadyDisputed(1)
    );
    s.wait(EPOCH);
    assert_eq!(
        err(commit(&mut s, 1, 2, Verdict::Valid).unwrap_err()),
        ContractError::NotSampled(2)
    );
    commit(&mut s, 0, 1, Verdict::Invalid).unwrap();
    commit(&mut s, 1, 1, Verdict::Valid).unwrap();
    commit(&mut s, 2, 1, Verdict::Valid).unwrap();
    s.wait(COMMIT);
    // Disputes close with the commit period.
    let v1 = s.verifiers[1].clone();
    let late = ExecuteMsg::Dispute {
        job_id: 2,
        evidence_hash: hex(&sha(b"late")),
    };
    assert!(matches!(
        err(s.exec(&v1, &late).unwrap_err()),
        ContractError::OutsideWindow {
            what: "dispute",
            ..
        }
    ));
    for (i, v) in [
        (0, Verdict::Invalid),
        (1, Verdict::Valid),
        (2, Verdict::Valid),
    ] {
        reveal(&mut s, i, 1, v).unwrap();
    }
    s.wait(att.reveal_end - s.now());
    s.finalize(1).unwrap();
    s.finalize(2).unwrap();
    assert_eq!(s.registry_job(1).state, JobState::Settled);
    assert_eq!(s.registry_job(2).state, JobState::Settled);
    let r0: VerifierResponse = s
        .q(&QueryMsg::Verifier {
            verifier: v0.to_string(),
        })
        .unwrap();
    // The disputer lost σ twice: its dispute was not upheld, and its revealed verdict went against the outcome.
    assert_eq!(
        (r0.slash_count, r0.bond.u128(), r0.correct),
        (2, 810 * UNIT, 0)
    );
    assert_eq!(s.worker(&w).jobs_succeeded, 2);
    s.assert_ai_conserved();
    s.assert_cu_conserved();
}

/// A verifier who sees the honest reveals cannot top up its bond and outvote them: its weight is its bond at
/// commit (before: the bond at reveal).
#[test]
fn topping_up_after_commit_buys_no_verdict_weight() {
    let (mut s, _w, _key) = attested_job(true);
    bond_verifiers(&mut s, 2);
    let att = s.job(1).attestation.unwrap();
    s.wait(EPOCH);
    commit(&mut s, 0, 1, Verdict::Valid).unwrap();
    commit(&mut s, 1, 1, Verdict::Invalid).unwrap();
    s.wait(att.commit_end - s.now());
    reveal(&mut s, 0, 1, Verdict::Valid).unwrap();
    // Verifier 1 tops up tenfold before revealing.
    let (v1, ai) = (s.verifiers[1].clone(), s.ai.clone());
    s.send(
        &v1,
        &ai,
        10 * VERIFIER_MIN,
        &ReceiveMsg::RegisterVerifier {},
    )
    .unwrap();
    reveal(&mut s, 1, 1, Verdict::Invalid).unwrap();
    let att = s.job(1).attestation.unwrap();
    assert_eq!(att.valid_weight, att.invalid_weight);
    assert_eq!(att.invalid_weight.u128(), VERIFIER_MIN);
    // A tie leaves the attestation standing.
    s.wait(att.reveal_end - s.now());
    s.finalize(1).unwrap();
    assert_eq!(s.job(1).state, AssignmentState::Succeeded);
}

/// The committee rule of `helpers::on_committee`, written again here: seat iff the first 8 bytes of
/// sha256("poai/committee" ‖ seed ‖ job id ‖ verifier), as x < 2⁶⁴, satisfy x·total < seats·bond·2⁶⁴.
fn drawn(seed: &str, job_id: u64, verifier: &cosmwasm_std::Addr, bond: u128, total: u128) -> bool {
    let mut h = Sha256::new();
    h.update(b"poai/committee");
    h.update(seed.as_bytes());
    h.update(job_id.to_be_bytes());
    h.update(verifier.as_bytes());
    let d = h.finalize();
    let x = u64::from_be_bytes(d[..8].try_into().unwrap());
    let seats = u128::from(s_max_verifiers());
    // x·total < seats·bond·2⁶⁴ ⇔ x < seats·bond·2⁶⁴/total (exact in 256 bits; here both sides fit u128 scaled).
    cosmwasm_std::Uint256::from(x) * cosmwasm_std::Uint256::from(total)
        < cosmwasm_std::Uint256::from(seats * bond) * cosmwasm_std::Uint256::from(1u128 << 64)
}

fn s_max_verifiers() -> u32 {
    test_params().max_verifiers_per_job
}

/// A client's three Sybil verifiers (minimum bonds) try to take every seat of a sampled job in the first block of
/// the commit window. The committee is drawn by bond from the epoch seed: each sits only if drawn, first-come
/// takes nothing (before: the three took every seat, revealed Invalid, and the honest worker was slashed).
#[test]
fn sybil_verifiers_cannot_take_the_seats_they_want() {
    let (mut s, _w, _key) = attested_job(true);
    let ai = s.ai.clone();
    // Three honest verifiers with three times the bond, and three Sybils at the minimum.
    for i in 0..3 {
        let v = s.verifiers[i].clone();
        s.register_verifier(&v, 3 * VERIFIER_MIN).unwrap();
    }
    let sybils: Vec<cosmwasm_std::Addr> = (0..3)
        .map(|n| s.app.api().addr_make(&format!("sybil-verifier{n}")))
        .collect();
    let client = s.client.clone();
    for sybil in &sybils {
        s.app
            .execute_contract(
                client.clone(),
                ai.clone(),
                &Cw20ExecuteMsg::Transfer {
                    recipient: sybil.to_string(),
                    amount: Uint128::new(VERIFIER_MIN),
                },
                &[],
            )
            .unwrap();
        s.send(sybil, &ai, VERIFIER_MIN, &ReceiveMsg::RegisterVerifier {})
            .unwrap();
    }
    s.wait(EPOCH);
    // The epoch closes (its seed is fixed); the Sybils commit first.
    let anyone = s.anyone.clone();
    s.exec(&anyone, &ExecuteMsg::DistributeEmissions {})
        .unwrap();
    let total = 12 * VERIFIER_MIN;
    let mut sybil_seats = 0;
    for (n, sybil) in sybils.iter().enumerate() {
        let c = s.commitment(1, Verdict::Invalid, &salt(10 + n as u8), sybil);
        let res = s.exec(
            sybil,
            &ExecuteMsg::CommitVerdict {
                job_id: 1,
                commitment: c,
            },
        );
        let epoch = s.job(1).attestation.unwrap().epoch;
        let e: EpochResponse = s.q(&QueryMsg::Epoch { epoch: Some(epoch) }).unwrap();
        let seed = e.seed.expect("closed by the first commit");
        let expected = drawn(&seed, 1, sybil, VERIFIER_MIN, total);
        match res {
            Ok(_) => {
                assert!(expected, "an undrawn Sybil sat");
                sybil_seats += 1;
            }
            Err(e) => {
                assert!(!expected, "a drawn Sybil was refused: {e}");
                assert_eq!(err(e), ContractError::NotOnCommittee(1));
            }
        }
    }
    // Each Sybil sits with probability 3·1/12 = 1/4; the three cannot take every seat by arriving first.
    assert!(sybil_seats < 3, "every Sybil was drawn");
}

/// A dispute puts at least the job's value at stake.
#[test]
fn a_dispute_needs_a_bond_of_the_jobs_value() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    let value = 2 * VERIFIER_MIN;
    s.create_job(1, JOB_CU, value, 1_000).unwrap();
    s.take(1, &w).unwrap();
    s.attest(&w, 1, &key).unwrap();
    bond_verifiers(&mut s, 1);
    let v0 = s.verifiers[0].clone();
    let dispute = ExecuteMsg::Dispute {
        job_id: 1,
        evidence_hash: hex(&sha(b"evidence")),
    };
    assert_eq!(
        err(s.exec(&v0, &dispute).unwrap_err()),
        ContractError::DisputeBondTooSmall {
            bond: Uint128::new(VERIFIER_MIN),
            needed: Uint128::new(value),
        }
    );
    let ai = s.ai.clone();
    s.send(&v0, &ai, VERIFIER_MIN, &ReceiveMsg::RegisterVerifier {})
        .unwrap();
    s.exec(&v0, &dispute).unwrap();
}
