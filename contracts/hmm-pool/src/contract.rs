//! Entry points: a thin dispatcher onto `execute/` and `query.rs`, and the cw20 `Receive` hooks' dispatcher.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, Deps, DepsMut, Env, MessageInfo, Response,
};
use cw20::Cw20ReceiveMsg;
use hmm::pool::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};

use crate::error::{ContractError, ContractResult};
use crate::execute::{admin, batch, buy, check_deadline, create, liquidity, swap};
use crate::query;
use crate::state::{Config, CONFIG};

pub const CONTRACT_NAME: &str = "crates.io:hmm-pool";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The oldest version whose state `migrate` converts: 0.3.0 (binary pool records, `record.rs`, and the other records
/// compact, which 0.4.0 stores as JSON). Older layouts are refused rather than left unreadable.
const OLDEST_MIGRATABLE: &str = "0.3.0";

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult<Response> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    cw_ownable::initialize_owner(deps.storage, deps.api, Some(&owner))?;
    let config = Config {
        ai_token: deps.api.addr_validate(&msg.ai_token)?,
        treasury: deps.api.addr_validate(&msg.treasury)?,
        permissionless_pools: msg.permissionless_pools,
        paused: false,
        pool_count: 0,
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", owner))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> ContractResult<Response> {
    // Every action is paid in cw20 tokens: native funds would be stranded.
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::Receive(wrapper) => receive(deps, env, info, wrapper),
        ExecuteMsg::CreatePool(msg) => create::create_pool(deps, env, info, msg),
        ExecuteMsg::AddLiquidity {
            pool_id,
            deposits,
            min_shares,
            deadline,
        } => liquidity::add_liquidity(deps, env, info, pool_id, deposits, min_shares, deadline),
        ExecuteMsg::RemoveLiquidity {
            pool_id,
            shares,
            min_credits,
            min_resources,
            deadline,
            defer,
        } => liquidity::remove_liquidity(
            deps,
            env,
            info,
            liquidity::Withdrawal {
                pool_id,
                shares,
                min_credits,
                min_resources,
                deadline,
                defer,
            },
        ),
        ExecuteMsg::ClaimFees { pool_id, defer } => {
            liquidity::claim_fees(deps, info, pool_id, defer)
        }
        ExecuteMsg::SettleBatch { pool_id, defer } => {
            batch::settle_batch(deps, env, pool_id, defer)
        }
        ExecuteMsg::CancelIntent { pool_id, intent } => {
            batch::cancel_intent(deps, env, info, pool_id, intent)
        }
        ExecuteMsg::RefundBatch { pool_id, defer } => {
            batch::refund_batch(deps, env, pool_id, defer)
        }
        ExecuteMsg::ClaimOwed { token } => liquidity::claim_owed(deps, info, token),
        ExecuteMsg::CollectProtocolFees { tokens } => admin::collect_protocol_fees(deps, tokens),
        ExecuteMsg::UpdatePool { pool_id, update } => {
            admin::update_pool(deps, env, info, pool_id, update)
        }
        ExecuteMsg::SetPaused { pool_id, paused } => admin::set_paused(deps, info, pool_id, paused),
        ExecuteMsg::UpdateConfig {
            treasury,
            permissionless_pools,
            router,
        } => admin::update_config(deps, info, treasury, permissionless_pools, router),
        ExecuteMsg::UpdateOwnership(action) => {
            let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
            Ok(Response::new()
                .add_attribute("action", "update_ownership")
                .add_attributes(ownership.into_attributes()))
        }
    }
}

/// A cw20 `Send` to the pool: the tokens sent pay for the hook's action (a swap, a bundle, a batch intent).
fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20ReceiveMsg,
) -> ContractResult<Response> {
    if wrapper.amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let trader = deps.api.addr_validate(&wrapper.sender)?;
    let token = info.sender;
    match from_json(&wrapper.msg)? {
        ReceiveMsg::Swap {
            pool_id,
            ask,
            exact_out,
            min_out,
            deadline,
            to,
        } => {
            let to = recipient(&deps, &env, deadline, to, &trader)?;
            swap::swap(
                deps,
                env,
                swap::SwapRequest {
                    pool_id,
                    token,
                    trader,
                    amount: wrapper.amount,
                    ask,
                    exact_out,
                    min_out,
                    to,
                },
            )
        }
        ReceiveMsg::Buy {
            orders,
            deadline,
            to,
            fee_discount,
        } => {
            let to = recipient(&deps, &env, deadline, to, &trader)?;
            // Only the configured router grants volume discounts.
            if let Some(d) = fee_discount {
                let router = crate::state::ROUTER.may_load(deps.storage)?;
                if router.as_ref() != Some(&trader) || d > hmm::pool::MAX_FEE_DISCOUNT {
                    return Err(ContractError::DiscountNotAllowed);
                }
            }
            buy::buy(
                deps,
                env,
                buy::BuyRequest {
                    token,
                    trader,
                    amount: wrapper.amount,
                    orders,
                    to,
                    fee_discount,
                },
            )
        }
        ReceiveMsg::BatchIntent {
            pool_id,
            ask,
            min_out,
        } => batch::add_intent(
            deps,
            env,
            token,
            trader,
            wrapper.amount,
            pool_id,
            ask,
            min_out,
        ),
    }
}

/// Who a hook pays (`to`, else the trader), once its deadline is checked.
fn recipient(
    deps: &DepsMut,
    env: &Env,
    deadline: Option<u64>,
    to: Option<String>,
    trader: &Addr,
) -> ContractResult<Addr> {
    check_deadline(env, deadline)?;
    match to {
        Some(to) => Ok(deps.api.addr_validate(&to)?),
        None => Ok(trader.clone()),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
        QueryMsg::Pool { pool_id } => to_json_binary(&query::pool(deps, pool_id)?)?,
        QueryMsg::Pools { start_after, limit } => {
            to_json_binary(&query::pools(deps, start_after, limit)?)?
        }
        QueryMsg::SpotPrice { pool_id, cu_token } => {
            to_json_binary(&query::spot_price(deps, pool_id, cu_token)?)?
        }
        QueryMsg::CrossPrice {
            pool_id,
            offer_cu,
            ask_cu,
        } => to_json_binary(&query::cross_price(deps, pool_id, offer_cu, ask_cu)?)?,
        QueryMsg::Quote {
            pool_id,
            offer,
            ask,
            offer_amount,
        } => to_json_binary(&query::quote(
            deps,
            &env,
            pool_id,
            offer,
            ask,
            offer_amount,
            false,
        )?)?,
        QueryMsg::ReverseQuote {
            pool_id,
            offer,
            ask,
            ask_amount,
        } => to_json_binary(&query::quote(
            deps, &env, pool_id, offer, ask, ask_amount, true,
        )?)?,
        QueryMsg::Share { pool_id, owner } => to_json_binary(&query::share(deps, pool_id, owner)?)?,
        QueryMsg::Twap {
            pool_id,
            cu_token,
            window,
        } => to_json_binary(&query::twap(deps, &env, pool_id, cu_token, window)?)?,
        QueryMsg::ImpermanentLoss { pool_id, owner } => {
            to_json_binary(&query::impermanent_loss(deps, pool_id, owner)?)?
        }
        QueryMsg::Batch { pool_id } => to_json_binary(&query::batch(deps, &env, pool_id)?)?,
        QueryMsg::Owed { address } => to_json_binary(&query::owed(deps, address)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    let api = deps.api;
    let mut dropped = None;
    let res = hmm_record::migrate(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
        OLDEST_MIGRATABLE,
        |storage, from| {
            let mut converted = 0;
            if from < &hmm_record::Version::parse("0.4.0")? {
                converted += crate::state::convert_records(storage)?;
            } else if from < &hmm_record::Version::parse("0.5.0")? {
                crate::state::drop_routing_index(storage);
            }
            if from < &hmm_record::Version::parse("0.6.0")? {
                // Config v1 → v2: the owner moves to cw-ownable; a pending proposal is dropped (state.rs).
                let (n, pending) = crate::state::move_owner_to_cw_ownable(storage, api)?;
                // The config is rewritten, not added to: it was counted once already if it was just versioned.
                converted = converted.max(n);
                dropped = pending;
            }
            Ok(converted)
        },
    )?;
    Ok(match dropped {
        Some(pending) => res.add_attribute("dropped_pending_owner", pending),
        None => res,
    })
}

/// Entry-point unit tests on mock dependencies: authorisation, parameter checks, ownership, pause, migration. The
/// trading paths need cw20 contracts and run in `tests/integration` (cw-multi-test) and `tests/vm` (the artifact).
#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
    use cosmwasm_std::{coins, from_json, to_json_binary, Addr, Decimal256, OwnedDeps, Uint128};
    use cw20::Cw20ReceiveMsg;
    use hmm::pool::{
        Ask, ClassParams, ConfigResponse, CreatePoolMsg, CurvatureConfig, CurveKind, LatencyClass,
        ReceiveMsg, SlaTags,
    };

    use super::*;

    type Deps = OwnedDeps<cosmwasm_std::MemoryStorage, MockApi, cosmwasm_std::testing::MockQuerier>;

    fn addr(name: &str) -> Addr {
        MockApi::default().addr_make(name)
    }

    fn setup() -> Deps {
        let mut deps = mock_dependencies();
        let msg = InstantiateMsg {
            owner: None,
            ai_token: addr("ai").to_string(),
            treasury: addr("treasury").to_string(),
            permissionless_pools: false,
        };
        instantiate(
            deps.as_mut(),
            mock_env(),
            message_info(&addr("owner"), &[]),
            msg,
        )
        .unwrap();
        deps
    }

    fn exec(deps: &mut Deps, who: &str, msg: ExecuteMsg) -> ContractResult<Response> {
        execute(
            deps.as_mut(),
            mock_env(),
            message_info(&addr(who), &[]),
            msg,
        )
    }

    fn ownership(deps: &Deps) -> cw_ownable::Ownership<String> {
        from_json(query(deps.as_ref(), mock_env(), QueryMsg::Ownership {}).unwrap()).unwrap()
    }

    fn config(deps: &Deps) -> ConfigResponse {
        from_json(query(deps.as_ref(), mock_env(), QueryMsg::Config {}).unwrap()).unwrap()
    }

    fn pool_msg(kind: CurveKind, classes: &[&str], lambda: &str) -> CreatePoolMsg {
        CreatePoolMsg {
            kind,
            classes: classes
                .iter()
                .map(|c| ClassParams {
                    cu_token: addr(c).to_string(),
                    weight: Decimal256::one(),
                })
                .collect(),
            curvature: Some(CurvatureConfig {
                lambda: lambda.parse().unwrap(),
                mu: Decimal256::percent(5),
                alpha: Decimal256::zero(),
                beta: Decimal256::zero(),
                lambda_max: Decimal256::percent(150),
            }),
            fees: None,
            execution: None,
            sla: SlaTags {
                region: "eu-west".to_string(),
                latency: LatencyClass::Interactive,
                privacy_tier: 1,
                tee: true,
            },
            max_price_impact: None,
            batch_window: None,
        }
    }

    #[test]
    fn instantiate_records_the_config_and_the_contract_version() {
        let deps = setup();
        let c = config(&deps);
        assert_eq!(ownership(&deps).owner, Some(addr("owner").to_string()));
        assert_eq!(c.ai_token, addr("ai"));
        assert_eq!((c.paused, c.pool_count), (false, 0));
        let v = cw2::get_contract_version(&deps.storage).unwrap();
        assert_eq!(
            (v.contract.as_str(), v.version.as_str()),
            (CONTRACT_NAME, CONTRACT_VERSION)
        );
    }

    #[test]
    fn native_funds_are_refused_on_every_message() {
        let mut deps = setup();
        let info = message_info(&addr("owner"), &coins(5, "uatom"));
        let err = execute(
            deps.as_mut(),
            mock_env(),
            info,
            ExecuteMsg::CollectProtocolFees { tokens: vec![] },
        )
        .unwrap_err();
        assert!(matches!(err, ContractError::Payment(_)), "{err}");
    }

    #[test]
    fn pool_creation_is_owner_only_until_made_permissionless() {
        let mut deps = setup();
        let msg = pool_msg(CurveKind::Bilinear, &["gpu"], "0");
        let err = exec(&mut deps, "alice", ExecuteMsg::CreatePool(msg.clone())).unwrap_err();
        assert_eq!(
            err,
            ContractError::Unauthorized("the owner (pool creation is permissioned)")
        );
        assert_eq!(config(&deps).pool_count, 0);
        // Only the owner may open creation to everyone.
        let open = ExecuteMsg::UpdateConfig {
            router: None,
            treasury: None,
            permissionless_pools: Some(true),
        };
        assert_eq!(
            exec(&mut deps, "alice", open.clone()).unwrap_err(),
            ContractError::Ownership(cw_ownable::OwnershipError::NotOwner)
        );
        exec(&mut deps, "owner", open).unwrap();
        exec(&mut deps, "alice", ExecuteMsg::CreatePool(msg)).unwrap();
        assert_eq!(config(&deps).pool_count, 1);
    }

    #[test]
    fn pool_parameters_outside_bounds_are_refused_and_nothing_is_stored() {
        let mut deps = setup();
        let mut cases = vec![
            pool_msg(CurveKind::Bilinear, &[], "0"),
            pool_msg(CurveKind::MultiAsset, &["gpu", "gpu"], "0.3"),
            pool_msg(CurveKind::Bilinear, &["ai"], "0"),
            // λ = 2 is constant sum, beyond it prices turn negative (DESIGN.md, hmm_math soundness region).
            pool_msg(CurveKind::TargetReserve, &["gpu"], "2.5"),
        ];
        let mut zero_weight = pool_msg(CurveKind::Bilinear, &["gpu"], "0");
        zero_weight.classes[0].weight = Decimal256::zero();
        cases.push(zero_weight);
        for msg in cases {
            let err = exec(&mut deps, "owner", ExecuteMsg::CreatePool(msg.clone())).unwrap_err();
            assert!(
                matches!(
                    err,
                    ContractError::InvalidParams(_) | ContractError::Math(_)
                ),
                "{msg:?}: {err}"
            );
        }
        assert_eq!(config(&deps).pool_count, 0);
        let err = query(deps.as_ref(), mock_env(), QueryMsg::Pool { pool_id: 1 }).unwrap_err();
        assert_eq!(err, ContractError::UnknownPool(1));
    }

    #[test]
    fn ownership_moves_in_two_steps() {
        let mut deps = setup();
        let propose = ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
            new_owner: addr("bob").to_string(),
            expiry: None,
        });
        let accept = ExecuteMsg::UpdateOwnership(cw_ownable::Action::AcceptOwnership);
        assert_eq!(
            exec(&mut deps, "alice", propose.clone()).unwrap_err(),
            ContractError::Ownership(cw_ownable::OwnershipError::NotOwner)
        );
        exec(&mut deps, "owner", propose).unwrap();
        assert_eq!(
            ownership(&deps).pending_owner,
            Some(addr("bob").to_string())
        );
        assert_eq!(
            exec(&mut deps, "alice", accept.clone()).unwrap_err(),
            ContractError::Ownership(cw_ownable::OwnershipError::NotPendingOwner)
        );
        assert_eq!(ownership(&deps).owner, Some(addr("owner").to_string()));
        exec(&mut deps, "bob", accept).unwrap();
        let o = ownership(&deps);
        assert_eq!(
            (o.owner, o.pending_owner),
            (Some(addr("bob").to_string()), None)
        );
        // The old owner has lost its rights.
        let pause = ExecuteMsg::SetPaused {
            pool_id: None,
            paused: true,
        };
        assert!(exec(&mut deps, "owner", pause.clone()).is_err());
        exec(&mut deps, "bob", pause).unwrap();
        assert!(config(&deps).paused);
    }

    #[test]
    fn a_paused_contract_refuses_swaps() {
        let mut deps = setup();
        exec(
            &mut deps,
            "owner",
            ExecuteMsg::CreatePool(pool_msg(CurveKind::Bilinear, &["gpu"], "0")),
        )
        .unwrap();
        let pause = |paused| ExecuteMsg::SetPaused {
            pool_id: None,
            paused,
        };
        exec(&mut deps, "owner", pause(true)).unwrap();
        let hook = ExecuteMsg::Receive(Cw20ReceiveMsg {
            sender: addr("trader").to_string(),
            amount: Uint128::new(1_000),
            msg: to_json_binary(&ReceiveMsg::Swap {
                pool_id: 1,
                ask: Ask::Cu {
                    token: addr("gpu").to_string(),
                },
                exact_out: None,
                min_out: None,
                deadline: None,
                to: None,
            })
            .unwrap(),
        });
        assert_eq!(
            exec(&mut deps, "ai", hook.clone()).unwrap_err(),
            ContractError::Paused
        );
        // Unpaused, the same swap fails for the next reason: the pool is empty.
        exec(&mut deps, "owner", pause(false)).unwrap();
        assert_eq!(
            exec(&mut deps, "ai", hook).unwrap_err(),
            ContractError::NoLiquidity
        );
    }

    #[test]
    fn migrate_accepts_only_this_contract_from_its_oldest_layout_up_to_this_version() {
        use hmm_record::MigrateError;
        let mut deps = setup();
        migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        type Expected = fn(&MigrateError) -> bool;
        let refusals: [(&str, &str, Expected); 4] = [
            (CONTRACT_NAME, "99.0.0", |e| {
                matches!(e, MigrateError::Downgrade { .. })
            }),
            ("crates.io:cw20-base", "0.4.0", |e| {
                matches!(e, MigrateError::WrongContract { .. })
            }),
            // 0.1.x stored pools as JSON, 0.2.x the config and positions in another layout: refused, not
            // half-migrated.
            (CONTRACT_NAME, "0.2.0", |e| {
                matches!(e, MigrateError::TooOld { .. })
            }),
            (CONTRACT_NAME, "latest", |e| {
                matches!(e, MigrateError::InvalidVersion { .. })
            }),
        ];
        for (name, version, expected) in refusals {
            cw2::set_contract_version(&mut deps.storage, name, version).unwrap();
            match migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err() {
                ContractError::Migrate(e) => assert!(expected(&e), "{name} {version}: {e}"),
                other => panic!("{name} {version}: {other}"),
            }
        }
        store_old_config(&mut deps, None, false);
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, OLDEST_MIGRATABLE).unwrap();
        migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        let v = cw2::get_contract_version(&deps.storage).unwrap();
        assert_eq!(v.version, CONTRACT_VERSION);
    }

    /// Writes the config as 0.5 and older stored it (the owner and a proposed owner in the record): record version
    /// 1, or no version byte at all (0.3).
    fn store_old_config(deps: &mut Deps, pending: Option<Addr>, version_byte: bool) -> Config {
        use cosmwasm_std::{Binary, Storage};
        let config = CONFIG.load(&deps.storage).unwrap();
        let old = (
            addr("owner"),
            pending,
            &config.ai_token,
            &config.treasury,
            config.permissionless_pools,
            config.paused,
            config.pool_count,
        );
        let stored = if version_byte {
            cosmwasm_std::to_json_vec(&hmm_record::Stored::<_, 1>(old)).unwrap()
        } else {
            let unversioned = postcard::to_allocvec(&old).unwrap();
            cosmwasm_std::to_json_vec(&Binary::new(unversioned).to_base64()).unwrap()
        };
        deps.storage.set(CONFIG.as_slice(), &stored);
        // The new code keeps the owner in cw-ownable's item, which the old code did not have.
        deps.storage.remove(cw_ownable::OWNERSHIP_KEY.as_bytes());
        assert!(
            CONFIG.load(&deps.storage).is_err(),
            "the old layout is not read"
        );
        config
    }

    fn converted(res: &Response) -> Option<&str> {
        res.attributes
            .iter()
            .find(|a| a.key == "records_converted")
            .map(|a| a.value.as_str())
    }

    /// A 0.3.0 contract's config (no version byte, the owner in it) reads back after `migrate`, which converts it
    /// once, the owner moved to cw-ownable: migrating again leaves it alone. (The VM test
    /// `tests/vm/tests/migration.rs` migrates whole contracts holding real state.)
    #[test]
    fn migrate_converts_the_records_of_0_3() {
        let mut deps = setup();
        let config = store_old_config(&mut deps, None, false);
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.3.0").unwrap();
        let res = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        assert_eq!(converted(&res), Some("1"));
        assert_eq!(CONFIG.load(&deps.storage).unwrap(), config);
        assert_eq!(ownership(&deps).owner, Some(addr("owner").to_string()));
        let res = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        assert_eq!(converted(&res), Some("0"));
        assert_eq!(CONFIG.load(&deps.storage).unwrap(), config);
    }

    /// A 0.5 config (record version 1) becomes version 2: the owner moves to cw-ownable and keeps its rights; a
    /// proposal waiting for `AcceptOwner` is dropped (reported), and the proposed owner cannot accept.
    #[test]
    fn migrate_moves_the_owner_to_cw_ownable_and_drops_a_pending_proposal() {
        let mut deps = setup();
        let config = store_old_config(&mut deps, Some(addr("bob")), true);
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.5.0").unwrap();
        let res = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        assert_eq!(converted(&res), Some("1"));
        let dropped = res
            .attributes
            .iter()
            .find(|a| a.key == "dropped_pending_owner");
        assert_eq!(
            dropped.map(|a| a.value.clone()),
            Some(addr("bob").to_string())
        );
        assert_eq!(CONFIG.load(&deps.storage).unwrap(), config);
        let o = ownership(&deps);
        assert_eq!(
            (o.owner, o.pending_owner),
            (Some(addr("owner").to_string()), None)
        );
        let accept = ExecuteMsg::UpdateOwnership(cw_ownable::Action::AcceptOwnership);
        assert_eq!(
            exec(&mut deps, "bob", accept).unwrap_err(),
            ContractError::Ownership(cw_ownable::OwnershipError::TransferNotFound)
        );
        let pause = ExecuteMsg::SetPaused {
            pool_id: None,
            paused: true,
        };
        exec(&mut deps, "owner", pause).unwrap();
        // A 0.5 config that was never proposed to reports nothing dropped.
        let mut deps = setup();
        store_old_config(&mut deps, None, true);
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.5.0").unwrap();
        let res = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        assert!(!res
            .attributes
            .iter()
            .any(|a| a.key == "dropped_pending_owner"));
    }
}
