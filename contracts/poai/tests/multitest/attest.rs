//! `Attest`: bad signatures, replays and strangers refused without change, the deadline, IO Merkle inclusion proofs.

use super::*;

#[test]
fn bad_signatures_replays_and_strangers_are_refused_without_change() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let other = s.workers[1].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.onboard(&other, &Key::secp(2), BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.create_job(2, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(1, &w).unwrap();
    let snap = s.snapshot();

    // Each refused without change.
    let mut for_job2 = s.signed(1, None);
    for_job2.job_id = 2;
    for_job2.input = input_of(2);
    let forged_output = {
        let mut msg = s.attest_msg(1, &key, None);
        if let ExecuteMsg::Attest {
            output_commitment, ..
        } = &mut msg
        {
            *output_commitment = hex(&sha(b"forged output"));
        }
        msg
    };
    let short_signature = {
        let mut msg = s.attest_msg(1, &key, None);
        if let ExecuteMsg::Attest { signature, .. } = &mut msg {
            *signature = Binary::from(vec![1u8; 63]);
        }
        msg
    };
    let bad_hex = {
        let mut msg = s.attest_msg(1, &key, None);
        if let ExecuteMsg::Attest {
            tee_report_hash, ..
        } = &mut msg
        {
            *tee_report_hash = "not hex".to_string();
        }
        msg
    };
    let too_much_cu = {
        let mut msg = s.attest_msg(1, &key, None);
        if let ExecuteMsg::Attest { used, .. } = &mut msg {
            *used = Some(vec![CuAmount {
                token: s.cu.to_string(),
                amount: Uint128::new(JOB_CU + 1),
            }]);
        }
        msg
    };
    s.assert_refusals(vec![
        (
            "wrong key: signed by a key the worker did not register",
            w.clone(),
            s.attest_msg(1, &Key::secp(3), None),
            is(ContractError::InvalidSignature),
        ),
        (
            "wrong scheme: an ed25519 signature against a secp256k1 registration",
            w.clone(),
            s.attest_msg(1, &Key::ed(1), None),
            is(ContractError::InvalidSignature),
        ),
        (
            "a proof for another job: the signature covers job 2's digest",
            w.clone(),
            Suite::attest_with(&s.signed(1, None), key.sign(&s.digest_of(&for_job2))),
            is(ContractError::InvalidSignature),
        ),
        (
            "another output than the one signed",
            w.clone(),
            forged_output,
            is(ContractError::InvalidSignature),
        ),
        (
            "a malformed signature",
            w.clone(),
            short_signature,
            is(ContractError::InvalidSignature),
        ),
        (
            "a malformed commitment",
            w.clone(),
            bad_hex,
            invalid_input("tee_report_hash"),
        ),
        (
            "using more CU than reserved",
            w.clone(),
            too_much_cu,
            invalid_input("used"),
        ),
        (
            "someone else attests the job, even with a valid signature of their own",
            other.clone(),
            s.attest_msg(1, &Key::secp(2), None),
            is(ContractError::Unauthorized("the job's worker")),
        ),
        (
            "an unknown job",
            w.clone(),
            s.attest_msg(99, &key, None),
            is(ContractError::UnknownJob(99)),
        ),
        (
            "a job nobody took",
            w.clone(),
            s.attest_msg(2, &key, None),
            is(ContractError::UnknownJob(2)),
        ),
    ]);
    // Native funds are refused.
    let msg = s.attest_msg(1, &key, None);
    assert!(s
        .app
        .execute_contract(
            w.clone(),
            s.poai.clone(),
            &msg,
            &[cosmwasm_std::coin(1, "uatom")]
        )
        .is_err());
    assert_eq!(s.snapshot(), snap, "refusals changed nothing");

    // The real one passes), and replaying it is refused.
    s.attest(&w, 1, &key).unwrap();
    let snap = s.snapshot();
    assert_eq!(
        err(s.attest(&w, 1, &key).unwrap_err()),
        ContractError::AlreadyAttested(1)
    );
    assert_eq!(s.snapshot(), snap);
    assert_eq!(s.calls("record_attestation"), 1);
}

#[test]
fn attestation_after_the_deadline_is_refused() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 100).unwrap();
    s.take(1, &w).unwrap();
    let finish_by = s.job(1).finish_by;
    s.wait(101);
    let snap = s.snapshot();
    assert_eq!(
        err(s.attest(&w, 1, &key).unwrap_err()),
        ContractError::DeadlinePassed {
            deadline: finish_by,
            now: s.now()
        }
    );
    assert_eq!(s.snapshot(), snap);
}

#[test]
fn io_merkle_inclusion_proofs() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    let data: Vec<Vec<u8>> = (0..7u8)
        .map(|i| format!("io record {i}").into_bytes())
        .collect();
    let leaves: Vec<&[u8]> = data.iter().map(|d| d.as_slice()).collect();
    let root = hex(&poai::merkle::root(&leaves).unwrap());
    for job in [1u64, 2] {
        s.create_job(job, JOB_CU, JOB_VALUE, 1_000).unwrap();
        s.take(job, &w).unwrap();
    }
    let msg = s.attest_msg(1, &key, Some(root.clone()));
    s.exec(&w, &msg).unwrap();
    s.attest(&w, 2, &key).unwrap(); // another io root
    let proof: Vec<String> = poai::merkle::proof(&leaves, 3)
        .unwrap()
        .iter()
        .map(|h| hex(h))
        .collect();
    let check = |s: &Suite, job_id: u64, leaf: &[u8], index: u64| -> InclusionResponse {
        s.q(&QueryMsg::VerifyInclusion {
            job_id,
            leaf: Binary::from(leaf.to_vec()),
            index,
            leaf_count: 7,
            proof: proof.clone(),
        })
        .unwrap()
    };
    let ok = check(&s, 1, &data[3], 3);
    assert!(ok.included);
    assert_eq!(ok.root, root);
    assert!(!check(&s, 1, b"never committed", 3).included);
    assert!(!check(&s, 1, &data[3], 4).included, "index-bound");
    assert!(
        !check(&s, 2, &data[3], 3).included,
        "a proof for another job"
    );
    assert!(s
        .q::<InclusionResponse>(&QueryMsg::VerifyInclusion {
            job_id: 1,
            leaf: Binary::from(data[3].clone()),
            index: 9,
            leaf_count: 7,
            proof: proof.clone(),
        })
        .is_err());
}
