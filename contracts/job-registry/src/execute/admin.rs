//! `UpdateConfig` (owner only) and the limits' defaults and bounds.

use cosmwasm_std::{Decimal, Deps, DepsMut, MessageInfo, Response};
use hmm::job::Limits;

use crate::error::{ContractError, ContractResult};
use crate::poai::{PoaiConfigView, PoaiQueryMsg};
use crate::state::{Config, CONFIG, ORDERBOOK};

/// Hard cap on resource lines per job (bounds the gas of submit, cancel and settle).
pub const MAX_RESOURCES_CAP: u32 = 16;
/// Hard cap on the job fee, in percent of the job's CU cost.
pub const MAX_JOB_FEE_PERCENT: u64 = 10;
/// Hard cap on a job's duration: one year.
pub const MAX_DURATION_CAP: u64 = 365 * 24 * 3600;

pub fn default_limits() -> Limits {
    Limits {
        max_resources: 8,
        max_job_duration: 30 * 24 * 3600,
        settlement_grace: 24 * 3600,
        job_fee_rate: hmm::job::default_job_fee_rate(),
    }
}

pub fn validate_limits(l: &Limits) -> ContractResult<()> {
    if l.max_resources == 0 || l.max_resources > MAX_RESOURCES_CAP {
        return Err(ContractError::InvalidLimits(format!(
            "max_resources must be in 1..={MAX_RESOURCES_CAP}"
        )));
    }
    if l.max_job_duration == 0 || l.max_job_duration > MAX_DURATION_CAP {
        return Err(ContractError::InvalidLimits(format!(
            "max_job_duration must be in 1..={MAX_DURATION_CAP} seconds"
        )));
    }
    if l.settlement_grace > MAX_DURATION_CAP {
        return Err(ContractError::InvalidLimits(format!(
            "settlement_grace must be at most {MAX_DURATION_CAP} seconds"
        )));
    }
    if l.job_fee_rate > Decimal::percent(MAX_JOB_FEE_PERCENT) {
        return Err(ContractError::InvalidLimits(format!(
            "job_fee_rate must be at most {MAX_JOB_FEE_PERCENT} %"
        )));
    }
    Ok(())
}

/// With poai set, the limits must fit poai's verification timeline (`hmm::job::check_timelines`: the same rule poai
/// checks when its own parameters change), so that an attested job can always be verified and settled before it
/// times out.
fn check_timelines(deps: Deps, config: &Config) -> ContractResult<()> {
    let Some(poai) = &config.poai else {
        return Ok(());
    };
    let view: PoaiConfigView = deps
        .querier
        .query_wasm_smart(poai, &PoaiQueryMsg::Config {})
        .map_err(|e| ContractError::InvalidLimits(format!("poai's config cannot be read: {e}")))?;
    let t = view.params;
    let span = t
        .epoch_length
        .checked_add(t.commit_period)
        .and_then(|x| x.checked_add(t.reveal_period))
        .ok_or_else(|| ContractError::InvalidLimits("poai's timeline overflows".to_string()))?;
    hmm::job::check_timelines(&config.limits, span, t.unbonding_period)
        .map_err(|m| ContractError::InvalidLimits(m.reason().to_string()))
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    poai: Option<String>,
    limits: Option<Limits>,
    orderbook: Option<String>,
) -> ContractResult<Response> {
    let mut config = CONFIG.load(deps.storage)?;
    cw_ownable::assert_owner(deps.storage, &info.sender)?;
    let mut resp = Response::new().add_attribute("action", "update_config");
    if let Some(poai) = poai {
        if config.poai.is_some() {
            return Err(ContractError::PoaiAlreadySet);
        }
        let poai = deps.api.addr_validate(&poai)?;
        resp = resp.add_attribute("poai", &poai);
        config.poai = Some(poai);
    }
    if let Some(limits) = limits {
        validate_limits(&limits)?;
        config.limits = limits;
        check_timelines(deps.as_ref(), &config)?;
    }
    match orderbook.as_deref() {
        Some("") => {
            ORDERBOOK.remove(deps.storage);
            resp = resp.add_attribute("orderbook", "none");
        }
        Some(book) => {
            let book = deps.api.addr_validate(book)?;
            resp = resp.add_attribute("orderbook", &book);
            ORDERBOOK.save(deps.storage, &book)?;
        }
        None => {}
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(resp)
}
