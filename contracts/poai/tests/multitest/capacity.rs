//! `OfferCapacity` and `WithdrawCapacity`: quality-weighted, bond-capped capacity; unsold CU burned.

use super::*;

#[test]
fn capacity_is_quality_weighted_and_bond_capped() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    let key = Key::secp(1);
    s.register(&w, &key).unwrap();
    let snap = s.snapshot();
    // The registration's minimum bond covers little: the offer is refused.
    assert_eq!(
        err(s.offer(&w, RAW).unwrap_err()),
        ContractError::InsufficientBond {
            bond: Uint128::new(WORKER_MIN),
            required: Uint128::new(3_000 * UNIT)
        }
    );
    assert_eq!(s.snapshot(), snap);
    s.bond(&w, BOND - WORKER_MIN).unwrap();
    // 20 000 raw → 10 000 CU → 20 000 $AI of obligation → 30 000 $AI required > 10 000 bonded.
    let snap = s.snapshot();
    assert_eq!(
        err(s.offer(&w, 20_000 * UNIT).unwrap_err()),
        ContractError::InsufficientBond {
            bond: Uint128::new(BOND),
            required: Uint128::new(30_000 * UNIT)
        }
    );
    assert_eq!(err(s.offer(&w, 0).unwrap_err()), ContractError::ZeroAmount);
    assert_eq!(
        err(s.offer(&w, 1).unwrap_err()),
        ContractError::ZeroAmount,
        "⌊0.5·1⌋ = 0"
    );
    let ai = s.ai.to_string();
    assert!(matches!(
        err(s
            .exec(
                &w,
                &ExecuteMsg::OfferCapacity {
                    cu_token: ai,
                    raw_amount: Uint128::new(RAW)
                }
            )
            .unwrap_err()),
        ContractError::UnknownClass(_)
    ));
    let stranger = s.anyone.clone();
    assert!(matches!(
        err(s.offer(&stranger, RAW).unwrap_err()),
        ContractError::NotRegistered(_)
    ));
    assert_eq!(s.snapshot(), snap);
    // Up to the cap: 6666 raw → 3333 CU → 6666 $AI → 9999 $AI required ≤ 10 000, minted over four epochs: at
    // most the pool's CU reserve (1000 CU) per epoch.
    s.offer(&w, 2_000 * UNIT).unwrap();
    let snap = s.snapshot();
    assert_eq!(
        err(s.offer(&w, 2 * UNIT).unwrap_err()),
        ContractError::MintLimit {
            token: s.cu.to_string(),
            limit: Uint128::new(POOL_CU),
            minted: Uint128::new(POOL_CU),
        }
    );
    assert_eq!(s.snapshot(), snap);
    let epoch = s.config().params.epoch_length;
    for raw in [2_000, 2_000, 666] {
        s.wait(epoch);
        s.offer(&w, raw * UNIT).unwrap();
    }
    assert_eq!(obligation(&s, &w).minted.u128(), 3_333 * UNIT);
    assert!(matches!(
        err(s.offer(&w, 2 * UNIT).unwrap_err()),
        ContractError::InsufficientBond { .. }
    ));
    s.assert_cu_conserved();
}

#[test]
fn withdraw_capacity_burns_unsold_cu() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    s.onboard(&w, &Key::secp(1), BOND, RAW);
    s.create_job(1, JOB_CU, JOB_VALUE, 1_000).unwrap();
    s.take(1, &w).unwrap();
    let cu = s.cu.clone();
    let ai = s.ai.clone();
    let snap = s.snapshot();
    // Free obligation is 1000 − 100 reserved = 900.
    assert_eq!(
        err(s
            .send(&w, &cu, 901 * UNIT, &ReceiveMsg::WithdrawCapacity {})
            .unwrap_err()),
        ContractError::InsufficientObligation {
            token: cu.to_string(),
            free: Uint128::new(900 * UNIT),
            needed: Uint128::new(901 * UNIT)
        }
    );
    // Wrong token for each hook.
    assert_eq!(
        err(s
            .send(&w, &ai, UNIT, &ReceiveMsg::WithdrawCapacity {})
            .unwrap_err()),
        ContractError::WrongToken(ai.to_string())
    );
    assert_eq!(
        err(s.send(&w, &cu, UNIT, &ReceiveMsg::Bond {}).unwrap_err()),
        ContractError::WrongToken(cu.to_string())
    );
    let client = s.client.clone();
    assert!(matches!(
        err(s
            .send(&client, &cu, UNIT, &ReceiveMsg::WithdrawCapacity {})
            .unwrap_err()),
        ContractError::NotRegistered(_)
    ));
    assert_eq!(s.snapshot(), snap);
    let supply = s.supply(&cu);
    s.send(&w, &cu, 300 * UNIT, &ReceiveMsg::WithdrawCapacity {})
        .unwrap();
    assert_eq!(s.supply(&cu), supply - 300 * UNIT);
    let ob = obligation(&s, &w);
    assert_eq!(
        (ob.withdrawn.u128(), ob.open.u128(), ob.free.u128()),
        (300 * UNIT, 700 * UNIT, 600 * UNIT)
    );
    s.assert_cu_conserved();
    s.assert_ai_conserved();
}
