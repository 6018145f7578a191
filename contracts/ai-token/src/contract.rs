//! Entry points: a thin dispatcher over `cw20_base::contract`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult};
use cw2::set_contract_version;
use cw20_base::contract as base;

use crate::error::ContractError;
use crate::msg::{
    ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ResourceMetadata, ResourceMetadataResponse,
    TokenExtQueryMsg,
};
use crate::state::RESOURCE;

/// The cw2 name of this code (cw20-base's own name is overwritten at instantiation).
pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
/// The cw2 version of this code.
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The oldest version `migrate` accepts: every version so far stores the same state.
const OLDEST_MIGRATABLE: &str = "0.1.0";

/// Longest resource kind, in bytes.
pub const MAX_KIND_LEN: usize = 64;
/// Longest resource unit, in bytes.
pub const MAX_UNIT_LEN: usize = 32;
/// Longest resource description, in bytes.
pub const MAX_DESCRIPTION_LEN: usize = 512;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let InstantiateMsg {
        name,
        symbol,
        decimals,
        initial_balances,
        mint,
        marketing,
        resource,
    } = msg;
    if let Some(resource) = &resource {
        validate_resource(resource)?;
    }
    let base_msg = cw20_base::msg::InstantiateMsg {
        name,
        symbol,
        decimals,
        initial_balances,
        mint,
        marketing: marketing.map(|m| cw20_base::msg::InstantiateMarketingInfo {
            project: m.project,
            description: m.description,
            marketing: m.marketing,
            logo: m.logo,
        }),
    };
    let res = base::instantiate(deps.branch(), env, info, base_msg)?;
    // After cw20-base, which records its own name: this code migrates only from itself.
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let kind = match &resource {
        Some(r) => {
            RESOURCE.save(deps.storage, r)?;
            r.kind.clone()
        }
        None => "ai".to_string(),
    };
    Ok(res
        .add_attribute("action", "instantiate")
        .add_attribute("token_kind", kind))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    Ok(base::execute(deps, env, info, msg)?)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Cw20(msg) => base::query(deps, env, msg),
        QueryMsg::Ext(TokenExtQueryMsg::ResourceMetadata {}) => {
            to_json_binary(&ResourceMetadataResponse {
                resource: RESOURCE.may_load(deps.storage)?,
            })
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    // cw20-base's state is JSON without layout versions of ours: nothing to convert (yet).
    Ok(hmm_record::migrate(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
        OLDEST_MIGRATABLE,
        |_, _| Ok(0),
    )?)
}

/// Checks a compute-unit token's resource metadata: `kind` is 1..=64 bytes of `[a-z0-9-]` not starting or ending with
/// `-`; `unit` is 1..=32 bytes; `description` at most 512 bytes; no control characters anywhere.
pub fn validate_resource(resource: &ResourceMetadata) -> Result<(), ContractError> {
    let invalid = |field: &str, reason: &str| ContractError::InvalidResource {
        field: field.to_string(),
        reason: reason.to_string(),
    };
    let kind = resource.kind.as_str();
    if kind.is_empty() || kind.len() > MAX_KIND_LEN {
        return Err(invalid("kind", "must be 1 to 64 bytes"));
    }
    if !kind
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(invalid("kind", "may contain only a-z, 0-9 and '-'"));
    }
    if kind.starts_with('-') || kind.ends_with('-') {
        return Err(invalid("kind", "must not start or end with '-'"));
    }
    if resource.unit.is_empty() || resource.unit.len() > MAX_UNIT_LEN {
        return Err(invalid("unit", "must be 1 to 32 bytes"));
    }
    if resource.unit.trim() != resource.unit {
        return Err(invalid("unit", "must not start or end with whitespace"));
    }
    if resource.description.len() > MAX_DESCRIPTION_LEN {
        return Err(invalid("description", "must be at most 512 bytes"));
    }
    for (field, text) in [
        ("unit", &resource.unit),
        ("description", &resource.description),
    ] {
        if text.chars().any(char::is_control) {
            return Err(invalid(field, "must not contain control characters"));
        }
    }
    Ok(())
}
