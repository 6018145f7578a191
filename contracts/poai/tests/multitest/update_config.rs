//! `UpdateConfig` and `Migrate`: parameter bounds, owner only, timelines across contracts, no repointing.

use super::*;

#[test]
fn parameters_are_bounded_and_owner_only() {
    let mut s = Suite::new();
    let anyone = s.anyone.clone();
    let owner = s.owner.clone();
    let base = s.config().params;
    s.assert_refusals(vec![(
        "a stranger",
        anyone.clone(),
        update_params(base.clone()),
        is(ContractError::Unauthorized("the owner")),
    )]);
    // Each case on top of the changes the earlier ones kept (as the owner would retry).
    s.assert_param_refusals(
        &base,
        vec![(
            "PoAI bonus above 10 %",
            |p| p.poai_bonus_rate = Decimal256::percent(20),
            invalid_param("poai_bonus_rate"),
        )],
    );
    // The owner retries with each refused value fixed.
    let mut p = base;
    p.poai_bonus_rate = Decimal256::percent(10);
    s.assert_param_refusals(
        &p,
        vec![
            (
                "emission shares above 100 %",
                |p| p.emission_curators = Decimal256::percent(20),
                invalid_param("emission shares"),
            ),
            (
                "collateral ratio below 100 %",
                |p| p.collateral_ratio = Decimal256::percent(90),
                invalid_param("collateral_ratio"),
            ),
        ],
    );
    p.collateral_ratio = Decimal256::percent(200);
    s.assert_param_refusals(
        &p,
        vec![(
            "another epoch length",
            |p| p.epoch_length = 200,
            is(ContractError::EpochLengthImmutable),
        )],
    );
    s.exec(&owner, &update_params(p)).unwrap();
    assert_eq!(s.config().params.collateral_ratio, Decimal256::percent(200));
    // Classes: owner only, and only a token the pool trades.
    let class = |token: &cosmwasm_std::Addr, pool_id| ExecuteMsg::SetResourceClass {
        cu_token: token.to_string(),
        pool_id,
    };
    s.assert_refusals(vec![
        (
            "a stranger declares a class",
            anyone,
            class(&s.cu, s.pool_id),
            is(ContractError::Unauthorized("the owner")),
        ),
        (
            "$AI as a class",
            owner.clone(),
            class(&s.ai, s.pool_id),
            like(|e| matches!(e, ContractError::WrongToken(_))),
        ),
        (
            "a token the pool does not trade",
            owner.clone(),
            class(&s.lp, s.pool_id),
            invalid_input("pool_id"),
        ),
    ]);
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
    let base = s.config().params;
    s.assert_param_refusals(
        &base,
        vec![
            (
                "the denial window shorter than the heartbeat timeout",
                |p| p.denial_window = p.heartbeat_timeout - 1,
                invalid_param("denial_window"),
            ),
            (
                "unbonding before a refuted attestation could be slashed",
                |p| p.unbonding_period = p.epoch_length + p.commit_period + p.reveal_period,
                invalid_param("unbonding_period"),
            ),
            (
                "verification longer than the registry's settlement grace (1 day in the mock)",
                |p| {
                    p.commit_period = 86_400;
                    p.unbonding_period = 10 * 86_400;
                },
                invalid_param("verification timeline"),
            ),
            (
                "unbonding shorter than the registry's longest job plus verification",
                |p| p.unbonding_period = p.epoch_length + p.commit_period + p.reveal_period + 1,
                invalid_param("unbonding_period"),
            ),
        ],
    );
}

#[test]
fn the_owner_cannot_repoint_contracts_or_inflate_at_once() {
    let mut s = Suite::new();
    let owner = s.owner.clone();
    let stranger = s.anyone.to_string();
    s.assert_refusals(vec![
        (
            "repoint the pool",
            owner.clone(),
            update_config(ConfigUpdate {
                pool: Some(stranger.clone()),
                ..ConfigUpdate::default()
            }),
            is(ContractError::Immutable("pool")),
        ),
        (
            "repoint the registry",
            owner.clone(),
            update_config(ConfigUpdate {
                job_registry: Some(stranger),
                ..ConfigUpdate::default()
            }),
            is(ContractError::Immutable("job_registry")),
        ),
    ]);
    let base = s.config().params;
    s.assert_param_refusals(
        &base,
        vec![(
            "triple the emission at once",
            |p| p.emission_per_epoch *= Uint128::new(3),
            invalid_param("emission_per_epoch"),
        )],
    );
    // Doubling is allowed.
    let mut p = base;
    p.emission_per_epoch *= Uint128::new(2);
    s.exec(&owner, &update_params(p)).unwrap();
}
