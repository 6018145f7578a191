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
    let stranger = s.anyone.clone();
    let offer = |raw: u128, token: &cosmwasm_std::Addr| ExecuteMsg::OfferCapacity {
        cu_token: token.to_string(),
        raw_amount: Uint128::new(raw),
    };
    s.assert_refusals(vec![
        (
            "20 000 raw → 10 000 CU → 20 000 $AI of obligation → 30 000 $AI required > 10 000 bonded",
            w.clone(),
            offer(20_000 * UNIT, &s.cu),
            is(ContractError::InsufficientBond {
                bond: Uint128::new(BOND),
                required: Uint128::new(30_000 * UNIT),
            }),
        ),
        ("nothing", w.clone(), offer(0, &s.cu), is(ContractError::ZeroAmount)),
        ("⌊0.5·1⌋ = 0", w.clone(), offer(1, &s.cu), is(ContractError::ZeroAmount)),
        (
            "not a declared class",
            w.clone(),
            offer(RAW, &s.ai),
            like(|e| matches!(e, ContractError::UnknownClass(_))),
        ),
        (
            "not a worker",
            stranger,
            offer(RAW, &s.cu),
            like(|e| matches!(e, ContractError::NotRegistered(_))),
        ),
    ]);
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
    let client = s.client.clone();
    let withdraw =
        |who: &cosmwasm_std::Addr, token: &cosmwasm_std::Addr, amount: u128, hook: ReceiveMsg| {
            let (who, token) = (who.clone(), token.clone());
            let action: Action = Box::new(move |s: &mut Suite| s.send(&who, &token, amount, &hook));
            action
        };
    s.assert_refused_actions(vec![
        (
            "free obligation is 1000 − 100 reserved = 900",
            withdraw(&w, &cu, 901 * UNIT, ReceiveMsg::WithdrawCapacity {}),
            is(ContractError::InsufficientObligation {
                token: cu.to_string(),
                free: Uint128::new(900 * UNIT),
                needed: Uint128::new(901 * UNIT),
            }),
        ),
        (
            "$AI to withdraw capacity",
            withdraw(&w, &ai, UNIT, ReceiveMsg::WithdrawCapacity {}),
            is(ContractError::WrongToken(ai.to_string())),
        ),
        (
            "CU to bond",
            withdraw(&w, &cu, UNIT, ReceiveMsg::Bond {}),
            is(ContractError::WrongToken(cu.to_string())),
        ),
        (
            "not a worker",
            withdraw(&client, &cu, UNIT, ReceiveMsg::WithdrawCapacity {}),
            like(|e| matches!(e, ContractError::NotRegistered(_))),
        ),
    ]);
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
