//! `UpdateConfig` and `Migrate`: parameter bounds, owner only, timelines across contracts, no repointing.

use super::*;

#[test]
fn parameters_are_bounded_and_owner_only() {
    let mut s = Suite::new();
    let anyone = s.anyone.clone();
    let owner = s.owner.clone();
    let mut p = s.config().params;
    let upd = |p: hmm::poai::Params| {
        ExecuteMsg::UpdateConfig(ConfigUpdate {
            params: Some(p),
            ..Default::default()
        })
    };
    assert_eq!(
        err(s.exec(&anyone, &upd(p.clone())).unwrap_err()),
        ContractError::Unauthorized("the owner")
    );
    p.poai_bonus_rate = Decimal256::percent(20);
    assert!(matches!(
        err(s.exec(&owner, &upd(p.clone())).unwrap_err()),
        ContractError::InvalidParam {
            name: "poai_bonus_rate",
            ..
        }
    ));
    p.poai_bonus_rate = Decimal256::percent(10);
    p.emission_curators = Decimal256::percent(20);
    assert!(matches!(
        err(s.exec(&owner, &upd(p.clone())).unwrap_err()),
        ContractError::InvalidParam {
            name: "emission shares",
            ..
        }
    ));
    p.emission_curators = Decimal256::percent(10);
    p.collateral_ratio = Decimal256::percent(90);
    assert!(matches!(
        err(s.exec(&owner, &upd(p.clone())).unwrap_err()),
        ContractError::InvalidParam {
            name: "collateral_ratio",
            ..
        }
    ));
    p.collateral_ratio = Decimal256::percent(200);
    p.epoch_length = 200;
    assert_eq!(
        err(s.exec(&owner, &upd(p.clone())).unwrap_err()),
        ContractError::EpochLengthImmutable
    );
    p.epoch_length = EPOCH;
    s.exec(&owner, &upd(p)).unwrap();
    assert_eq!(s.config().params.collateral_ratio, Decimal256::percent(200));
    // Classes: owner only, and only a token the pool trades.
    let cu = s.cu.to_string();
    assert_eq!(
        err(s
            .exec(
                &anyone,
                &ExecuteMsg::SetResourceClass {
                    cu_token: cu,
                    pool_id: s.pool_id
                }
            )
            .unwrap_err()),
        ContractError::Unauthorized("the owner")
    );
    let ai = s.ai.to_string();
    assert!(matches!(
        err(s
            .exec(
                &owner,
                &ExecuteMsg::SetResourceClass {
                    cu_token: ai,
                    pool_id: s.pool_id
                }
            )
            .unwrap_err()),
        ContractError::WrongToken(_)
    ));
    let lp = s.lp.to_string();
    assert!(matches!(
        err(s
            .exec(
                &owner,
                &ExecuteMsg::SetResourceClass {
                    cu_token: lp,
                    pool_id: s.pool_id
                }
            )
            .unwrap_err()),
        ContractError::InvalidInput {
            field: "pool_id",
            ..
        }
    ));
    // Defaults at instantiation come from the token's decimals (6 here): D = 25 $AI.
    let code = s.app.store_code(poai_contract());
    let fresh = s
        .app
        .instantiate_contract(
            code,
            owner.clone(),
            &hmm::poai::InstantiateMsg {
                owner: None,
                ai_token: s.ai.to_string(),
                pool: s.pool.to_string(),
                job_registry: None,
                treasury: s.treasury.to_string(),
                experience_oracle: None,
                params: None,
            },
            &[],
            "poai2",
            None,
        )
        .unwrap();
    let c: hmm::poai::ConfigResponse = s
        .app
        .wrap()
        .query_wasm_smart(&fresh, &QueryMsg::Config {})
        .unwrap();
    assert_eq!(c.params.experience_deposit.u128(), DEPOSIT);
    assert_eq!(c.params.collateral_ratio, Decimal256::percent(150));
    assert_eq!(c.params.quality_alpha, Decimal256::percent(10));
    assert_eq!(c.params.emission_workers, Decimal256::percent(50));
    let _ = Cw20ExecuteMsg::Burn {
        amount: Uint128::zero(),
    };
    let _ = SettlementOutcome::Failure {
        reason: String::new(),
    };
}

#[test]
fn migrate_keeps_state() {
    let mut s = Suite::new();
    let w = s.workers[0].clone();
    s.onboard(&w, &Key::secp(1), BOND, RAW);
    let code = s.app.store_code(poai_contract());
    let owner = s.owner.clone();
    s.app
        .migrate_contract(owner, s.poai.clone(), &hmm::poai::MigrateMsg {}, code)
        .unwrap();
    assert_eq!(s.worker(&w).bond.u128(), BOND);
}

#[test]
fn timelines_must_fit_across_contracts() {
    let mut s = Suite::new();
    let owner = s.owner.clone();
    let update = |p: hmm::poai::Params| {
        ExecuteMsg::UpdateConfig(ConfigUpdate {
            params: Some(p),
            ..ConfigUpdate::default()
        })
    };
    let base = s.config().params;
    let snap = s.snapshot();
    // The denial window shorter than the heartbeat timeout.
    let mut p = base.clone();
    p.denial_window = p.heartbeat_timeout - 1;
    assert!(matches!(
        err(s.exec(&owner, &update(p)).unwrap_err()),
        ContractError::InvalidParam {
            name: "denial_window",
            ..
        }
    ));
    // Unbonding before a refuted attestation could be slashed.
    let mut p = base.clone();
    p.unbonding_period = p.epoch_length + p.commit_period + p.reveal_period;
    assert!(matches!(
        err(s.exec(&owner, &update(p)).unwrap_err()),
        ContractError::InvalidParam {
            name: "unbonding_period",
            ..
        }
    ));
    // Verification longer than the registry's settlement grace (1 day in the mock).
    let mut p = base.clone();
    p.commit_period = 86_400;
    p.unbonding_period = 10 * 86_400;
    assert!(matches!(
        err(s.exec(&owner, &update(p)).unwrap_err()),
        ContractError::InvalidParam {
            name: "verification timeline",
            ..
        }
    ));
    // Unbonding shorter than the registry's longest job plus verification.
    let mut p = base.clone();
    p.unbonding_period = p.epoch_length + p.commit_period + p.reveal_period + 1;
    assert!(matches!(
        err(s.exec(&owner, &update(p)).unwrap_err()),
        ContractError::InvalidParam {
            name: "unbonding_period",
            ..
        }
    ));
    assert_eq!(s.snapshot(), snap);
}

#[test]
fn the_owner_cannot_repoint_contracts_or_inflate_at_once() {
    let mut s = Suite::new();
    let owner = s.owner.clone();
    let stranger = s.anyone.to_string();
    let snap = s.snapshot();
    for (update, what) in [
        (
            ConfigUpdate {
                pool: Some(stranger.clone()),
                ..ConfigUpdate::default()
            },
            "pool",
        ),
        (
            ConfigUpdate {
                job_registry: Some(stranger.clone()),
                ..ConfigUpdate::default()
            },
            "job_registry",
        ),
    ] {
        assert_eq!(
            err(s
                .exec(&owner, &ExecuteMsg::UpdateConfig(update))
                .unwrap_err()),
            ContractError::Immutable(what)
        );
    }
    let mut p = s.config().params;
    p.emission_per_epoch *= Uint128::new(3);
    assert!(matches!(
        err(s
            .exec(
                &owner,
                &ExecuteMsg::UpdateConfig(ConfigUpdate {
                    params: Some(p.clone()),
                    ..ConfigUpdate::default()
                })
            )
            .unwrap_err()),
        ContractError::InvalidParam {
            name: "emission_per_epoch",
            ..
        }
    ));
    assert_eq!(s.snapshot(), snap);
    // Doubling is allowed.
    p.emission_per_epoch = s.config().params.emission_per_epoch * Uint128::new(2);
    s.exec(
        &owner,
        &ExecuteMsg::UpdateConfig(ConfigUpdate {
            params: Some(p),
            ..ConfigUpdate::default()
        }),
    )
    .unwrap();
}
