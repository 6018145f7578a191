//! Owner actions and the parameter defaults and bounds.

use cosmwasm_std::{Decimal256, Deps, DepsMut, Env, MessageInfo, Response, StdResult, Uint128};
use cw20::MinterResponse;
use hmm::job::TimelineMismatch;
use hmm::poai::{ConfigUpdate, Params};
use hmm_math::economics::{
    default_experience_deposit, DEFAULT_COLLATERAL_RATIO, MAX_POAI_BONUS_RATE,
};
use hmm_math::quality::QUALITY_ALPHA;

use crate::error::{ContractError, ContractResult};
use crate::execute::epoch::emission_params;
use crate::state::{Config, CLASSES, CONFIG, PARAMS};
use crate::views::PoolView;
use crate::wire::{
    Cw20Query as Cw20QueryMsg, PoolQuery as PoolQueryMsg, RegistryConfig, RegistryQuery,
};

const DAY: u64 = 86_400;

/// Whole tokens in atoms of a token with `decimals` decimals.
fn tokens(n: u128, decimals: u8) -> ContractResult<Uint128> {
    10u128
        .checked_pow(u32::from(decimals))
        .and_then(|u| u.checked_mul(n))
        .map(Uint128::new)
        .ok_or(ContractError::InvalidParam {
            name: "decimals",
            reason: "too many".to_string(),
        })
}

/// The defaults: seed values where the seeds give one (2025 §4.4, 2026 §6.3 and §12.3), project choices otherwise
/// (see `hmm::poai::Params`). Amounts are in atoms of the $AI token, which has `decimals` decimals.
pub fn default_params(decimals: u8) -> ContractResult<Params> {
    let shares = hmm_math::economics::EmissionParams::default();
    Ok(Params {
        collateral_ratio: DEFAULT_COLLATERAL_RATIO.into(),
        quality_alpha: QUALITY_ALPHA.into(),
        initial_quality: Decimal256::percent(50),
        low_quality_threshold: Decimal256::percent(50),
        low_quality_epochs: 7,
        heartbeat_timeout: 600,
        slash_fraction: Decimal256::percent(10),
        denial_window: DAY,
        unbonding_period: 31 * DAY,
        epoch_length: 3_600,
        sample_rate: Decimal256::percent(10),
        commit_period: 3_600,
        reveal_period: 3_600,
        max_verifiers_per_job: 7,
        verifier_min_bond: tokens(1_000, decimals)?,
        worker_min_bond: tokens(1_000, decimals)?,
        poai_bonus_rate: Decimal256::percent(5),
        verifier_bonus_share: Decimal256::percent(20),
        emission_per_epoch: tokens(1_000, decimals)?,
        emission_validators: shares.validators.into(),
        emission_workers: shares.workers.into(),
        emission_curators: shares.curators.into(),
        experience_deposit: default_experience_deposit(u32::from(decimals))?,
    })
}

fn bound<T: PartialOrd + std::fmt::Display>(
    name: &'static str,
    v: T,
    lo: T,
    hi: T,
) -> ContractResult<()> {
    if v < lo || v > hi {
        return Err(ContractError::InvalidParam {
            name,
            reason: format!("{v} is outside [{lo}, {hi}]"),
        });
    }
    Ok(())
}

fn positive(name: &'static str, v: Decimal256) -> ContractResult<()> {
    if v.is_zero() {
        return Err(ContractError::InvalidParam {
            name,
            reason: "must be positive".to_string(),
        });
    }
    Ok(())
}

/// Every parameter within its bounds.
pub fn validate_params(p: &Params) -> ContractResult<()> {
    let one = Decimal256::one();
    let zero = Decimal256::zero();
    bound(
        "collateral_ratio",
        p.collateral_ratio,
        one,
        Decimal256::percent(1_000),
    )?;
    positive("quality_alpha", p.quality_alpha)?;
    bound("quality_alpha", p.quality_alpha, zero, one)?;
    bound("initial_quality", p.initial_quality, zero, one)?;
    bound("low_quality_threshold", p.low_quality_threshold, zero, one)?;
    bound("low_quality_epochs", p.low_quality_epochs, 1, 365)?;
    bound("heartbeat_timeout", p.heartbeat_timeout, 60, DAY)?;
    positive("slash_fraction", p.slash_fraction)?;
    bound("slash_fraction", p.slash_fraction, zero, one)?;
    bound("denial_window", p.denial_window, 0, 30 * DAY)?;
    bound("unbonding_period", p.unbonding_period, 0, 90 * DAY)?;
    bound("epoch_length", p.epoch_length, 60, 30 * DAY)?;
    bound("sample_rate", p.sample_rate, zero, one)?;
    bound("commit_period", p.commit_period, 1, 7 * DAY)?;
    bound("reveal_period", p.reveal_period, 1, 7 * DAY)?;
    bound("max_verifiers_per_job", p.max_verifiers_per_job, 1, 50)?;
    if p.worker_min_bond.is_zero() {
        return Err(ContractError::InvalidParam {
            name: "worker_min_bond",
            reason: "must be positive".to_string(),
        });
    }
    if p.verifier_min_bond.is_zero() {
        return Err(ContractError::InvalidParam {
            name: "verifier_min_bond",
            reason: "must be positive".to_string(),
        });
    }
    bound(
        "poai_bonus_rate",
        p.poai_bonus_rate,
        zero,
        MAX_POAI_BONUS_RATE.into(),
    )?;
    bound("verifier_bonus_share", p.verifier_bonus_share, zero, one)?;
    emission_params(p)
        .validate()
        .map_err(|e| ContractError::InvalidParam {
            name: "emission shares",
            reason: e.to_string(),
        })?;
    if p.experience_deposit.is_zero() {
        return Err(ContractError::InvalidParam {
            name: "experience_deposit",
            reason: "must be positive".to_string(),
        });
    }
    // A slashed worker stays out at least one heartbeat period, or a silent worker's denial could lapse before
    // it can be reported again.
    if p.denial_window < p.heartbeat_timeout {
        return Err(ContractError::InvalidParam {
            name: "denial_window",
            reason: "must be at least heartbeat_timeout".to_string(),
        });
    }
    // A bond must still be there when an attestation made just before `Unbond` is refuted and slashed.
    if p.unbonding_period <= verification_span(p)? {
        return Err(ContractError::InvalidParam {
            name: "unbonding_period",
            reason: "must exceed epoch_length + commit_period + reveal_period".to_string(),
        });
    }
    Ok(())
}

/// The longest time from an attestation to its `Finalize`: the rest of its epoch, then the commit and reveal
/// windows (README, "verification timeline").
pub fn verification_span(p: &Params) -> ContractResult<u64> {
    p.epoch_length
        .checked_add(p.commit_period)
        .and_then(|x| x.checked_add(p.reveal_period))
        .ok_or(ContractError::InvalidParam {
            name: "verification timeline",
            reason: "overflows".to_string(),
        })
}

/// The registry's timeline must leave room for poai's: an attested job can be settled until `finish_by +
/// settlement_grace`, so verification (at most [`verification_span`] after the attestation, which comes before
/// `finish_by`) must end before the grace does, or every attested job would time out unpaid and no fraud would be
/// slashed; and a bond must outlive the longest job and its verification.
pub fn check_timelines(deps: Deps, config: &Config, p: &Params) -> ContractResult<()> {
    let Some(registry) = &config.job_registry else {
        return Ok(());
    };
    let limits = deps
        .querier
        .query_wasm_smart::<RegistryConfig>(registry, &RegistryQuery::Config {})
        .map_err(|e| ContractError::InvalidParam {
            name: "job_registry",
            reason: format!("its config cannot be read: {e}"),
        })?
        .limits;
    hmm::job::check_timelines(&limits, verification_span(p)?, p.unbonding_period).map_err(|m| {
        ContractError::InvalidParam {
            name: match m {
                TimelineMismatch::GraceTooShort => "verification timeline",
                TimelineMismatch::UnbondingTooShort => "unbonding_period",
            },
            reason: m.reason().to_string(),
        }
    })
}

/// Most `emission_per_epoch` may grow in one `UpdateConfig`: ×2 (governance will replace the owner; until then
/// no single message can inflate without bound).
const MAX_EMISSION_STEP: u128 = 2;

fn only_owner(config: &Config, info: &MessageInfo) -> ContractResult<()> {
    if info.sender != config.owner {
        return Err(ContractError::Unauthorized("the owner"));
    }
    Ok(())
}

/// poai must be the minter of a CU token (it mints the CU) and of $AI (emissions).
pub fn ensure_minter(deps: Deps, env: &Env, token: &str) -> ContractResult<()> {
    let minter: StdResult<Option<MinterResponse>> = deps
        .querier
        .query_wasm_smart(token, &Cw20QueryMsg::Minter {});
    match minter {
        Ok(Some(m)) if m.minter == env.contract.address.as_str() => Ok(()),
        _ => Err(ContractError::NotMinter(token.to_string())),
    }
}

pub fn set_resource_class(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    cu_token: String,
    pool_id: u64,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    only_owner(&config, &info)?;
    let token = deps.api.addr_validate(&cu_token)?;
    if token == config.ai_token {
        return Err(ContractError::WrongToken(cu_token));
    }
    let pool: PoolView = deps
        .querier
        .query_wasm_smart(&config.pool, &PoolQueryMsg::Pool { pool_id })
        .map_err(|e| ContractError::QueryFailed {
            contract: config.pool.to_string(),
            reason: e.to_string(),
        })?;
    if !pool.classes.iter().any(|c| c.cu_token == token) {
        return Err(ContractError::InvalidInput {
            field: "pool_id",
            reason: format!("pool {pool_id} does not trade {token}"),
        });
    }
    ensure_minter(deps.as_ref(), &env, token.as_str())?;
    CLASSES.save(deps.storage, &token, &pool_id)?;
    Ok(Response::new()
        .add_attribute("action", "set_resource_class")
        .add_attribute("cu_token", token)
        .add_attribute("pool_id", pool_id.to_string()))
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    update: ConfigUpdate,
) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    only_owner(&config, &info)?;
    if let Some(o) = update.owner {
        config.owner = deps.api.addr_validate(&o)?;
    }
    // The pool prices every bond and the registry moves every escrow: neither can be re-pointed by the owner
    // (the registry may be set once, when it was not given at instantiation).
    if let Some(p) = update.pool {
        if deps.api.addr_validate(&p)? != config.pool {
            return Err(ContractError::Immutable("pool"));
        }
    }
    // The timelines are checked when either side of them changes here.
    let mut check = update.params.is_some();
    if let Some(r) = update.job_registry {
        let r = deps.api.addr_validate(&r)?;
        match &config.job_registry {
            Some(current) if *current != r => return Err(ContractError::Immutable("job_registry")),
            Some(_) => {}
            None => {
                config.job_registry = Some(r);
                check = true;
            }
        }
    }
    if let Some(t) = update.treasury {
        config.treasury = deps.api.addr_validate(&t)?;
    }
    if let Some(o) = update.experience_oracle {
        config.experience_oracle = deps.api.addr_validate(&o)?;
    }
    let old = PARAMS.load(deps.storage)?;
    let params = match update.params {
        Some(p) => {
            validate_params(&p)?;
            if p.epoch_length != old.epoch_length {
                return Err(ContractError::EpochLengthImmutable);
            }
            let ceiling = old
                .emission_per_epoch
                .checked_mul(Uint128::new(MAX_EMISSION_STEP))?;
            if p.emission_per_epoch > ceiling {
                return Err(ContractError::InvalidParam {
                    name: "emission_per_epoch",
                    reason: format!("may at most double in one update (to {ceiling})"),
                });
            }
            PARAMS.save(deps.storage, &p)?;
            p
        }
        None => old,
    };
    if check {
        check_timelines(deps.as_ref(), &config, &params)?;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("owner", config.owner))
}
