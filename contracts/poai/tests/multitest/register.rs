//! `Register` (and the $AI `register` hook): the first bond, validation, updates waiting for jobs.

use super::*;

/// A new worker's registration through the $AI hook, with `bond`, of the fields of an `ExecuteMsg::Register`.
fn register_new(
    s: &mut Suite,
    w: &cosmwasm_std::Addr,
    msg: &ExecuteMsg,
    bond: u128,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    let ExecuteMsg::Register {
        capabilities,
        enclave_keys,
        possession,
    } = msg.clone()
    else {
        unreachable!("a registration")
    };
    let ai = s.ai.clone();
    let hook = ReceiveMsg::Register {
        capabilities,
        enclave_keys,
        possession,
    };
    s.send(w, &ai, bond, &hook)
}

/// Registering costs a bond (issue 18, item 8): a new worker registers only through the $AI hook with at least
/// `worker_min_bond` (which becomes its bond), so Sybil identities cannot join the HIP-8 histogram for free; the
/// plain message only updates a registered worker; a second registration is refused.
#[test]
fn registering_a_worker_needs_its_first_bond() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    let msg = s.register_msg(&w, &key);
    let snap = s.snapshot();
    assert_eq!(
        err(s.exec(&w, &msg).unwrap_err()),
        ContractError::RegisterWithBond {
            min: Uint128::new(WORKER_MIN)
        }
    );
    assert_eq!(
        err(register_new(&mut s, &w, &msg, WORKER_MIN - 1).unwrap_err()),
        ContractError::BondTooSmall {
            bond: Uint128::new(WORKER_MIN - 1),
            min: Uint128::new(WORKER_MIN)
        }
    );
    // Paid in a CU token (by a holder of one): refused.
    let (cu, lp) = (s.cu.clone(), s.lp.clone());
    let hook = s.register_hook(&lp, &key);
    assert!(matches!(
        err(s.send(&lp, &cu, WORKER_MIN, &hook).unwrap_err()),
        ContractError::WrongToken(_)
    ));
    assert_eq!(s.snapshot(), snap, "refused registrations change nothing");
    register_new(&mut s, &w, &msg, WORKER_MIN).unwrap();
    assert_eq!(s.worker(&w).bond.u128(), WORKER_MIN);
    assert_eq!(s.totals().worker_bonds.u128(), WORKER_MIN);
    assert_eq!(
        err(register_new(&mut s, &w, &msg, WORKER_MIN).unwrap_err()),
        ContractError::AlreadyRegistered
    );
    s.exec(&w, &msg).unwrap();
    s.assert_ai_conserved();
}

#[test]
fn registration_is_validated_and_updates_wait_for_jobs() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let register = |capabilities, enclave_keys| ExecuteMsg::Register {
        capabilities,
        enclave_keys,
        possession: Default::default(),
    };
    let keys = |secp256k1| hmm::poai::EnclaveKeys {
        secp256k1,
        ed25519: None,
        secp256r1: None,
    };
    let mut bad_region = caps();
    bad_region.region = "EU West".to_string();
    let cases: Vec<(&str, ExecuteMsg, Expect)> = vec![
        (
            "a region that is not a slug",
            register(bad_region, Key::secp(1).keys()),
            invalid_input("region"),
        ),
        (
            "no enclave key",
            register(caps(), keys(None)),
            invalid_input("enclave_keys"),
        ),
        (
            "a short key",
            register(caps(), keys(Some(Binary::from(vec![2u8; 20])))),
            invalid_input("secp256k1"),
        ),
    ];
    for (name, msg, expect) in cases {
        let e = err(register_new(&mut s, &w, &msg, BOND).unwrap_err());
        assert!(expect.accepts(&e), "{name}: refused with {e:?}");
    }
    // Bonding before registering is refused.
    assert!(matches!(
        err(s.bond(&w, BOND).unwrap_err()),
        ContractError::NotRegistered(_)
    ));

    let key = Key::secp(1);
    s.onboard(&w, &key, BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(1, &w).unwrap();
    assert_eq!(
        err(s.register(&w, &Key::secp(5)).unwrap_err()),
        ContractError::WorkerBusy(1)
    );
    s.attest(&w, 1, &key).unwrap();
    s.wait(2 * EPOCH);
    s.finalize(1).unwrap();
    // With no job reserved the keys may rotate; the old key no longer verifies.
    let new_key = Key::ed(5);
    s.register(&w, &new_key).unwrap();
    s.create_job(2, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(2, &w).unwrap();
    assert_eq!(
        err(s.attest(&w, 2, &key).unwrap_err()),
        ContractError::InvalidSignature
    );
    s.attest(&w, 2, &new_key).unwrap();
}
