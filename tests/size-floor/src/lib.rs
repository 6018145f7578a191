//! A size probe, not a product: the smallest contract that does what every contract of the exchange does (an
//! owner check, a config `Item`, a cw2 version, a cw20 message sent, a typed error, two execute messages and a
//! query), built by `bash scripts/build-wasm.sh --floor` exactly as the contracts are. Its artifact is the floor
//! under the 300 KiB target: what cosmwasm-std, the JSON reader and writer, std and the allocator cost before a
//! contract's own messages, state and logic (docs/wasm-size.md). With the `querier` feature it also queries a
//! cw20 contract and has a `reply` entry point, which link the parsing of query results, `SystemError`, `Reply`
//! and events.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    entry_point, to_json_binary, Addr, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdError,
    Uint128, WasmMsg,
};
use cw_storage_plus::Item;

#[cw_serde]
pub struct InstantiateMsg {
    /// Defaults to the sender.
    pub owner: Option<String>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Store a number (owner only).
    Set { value: Uint128 },
    /// Send `amount` of cw20 `token` held by this contract to `to` (owner only).
    Pay {
        token: String,
        to: String,
        amount: Uint128,
    },
}

#[cw_serde]
pub enum QueryMsg {
    /// The stored [`Config`].
    Get {},
}

#[cw_serde]
pub struct Config {
    pub owner: Addr,
    pub value: Uint128,
}

const CONFIG: Item<Config> = Item::new("config");

#[derive(thiserror::Error, Debug)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),
    #[error("unauthorized")]
    Unauthorized,
    #[error("the token's supply is below {0}")]
    SupplyTooLow(Uint128),
}

#[entry_point]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    cw2::set_contract_version(
        deps.storage,
        "crates.io:size-floor",
        env!("CARGO_PKG_VERSION"),
    )?;
    let owner = match msg.owner {
        Some(owner) => deps.api.addr_validate(&owner)?,
        None => info.sender,
    };
    let config = Config {
        owner,
        value: Uint128::zero(),
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute("action", "instantiate"))
}

#[entry_point]
pub fn execute(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    let mut config = CONFIG.load(deps.storage)?;
    if info.sender != config.owner {
        return Err(ContractError::Unauthorized);
    }
    match msg {
        ExecuteMsg::Set { value } => {
            config.value = value;
            CONFIG.save(deps.storage, &config)?;
            Ok(Response::new().add_attribute("value", value))
        }
        ExecuteMsg::Pay { token, to, amount } => {
            let token = deps.api.addr_validate(&token)?;
            #[cfg(feature = "querier")]
            {
                let info: cw20::TokenInfoResponse = deps
                    .querier
                    .query_wasm_smart(&token, &cw20::Cw20QueryMsg::TokenInfo {})?;
                if info.total_supply < amount {
                    return Err(ContractError::SupplyTooLow(amount));
                }
            }
            let transfer = WasmMsg::Execute {
                contract_addr: token.into_string(),
                msg: to_json_binary(&cw20::Cw20ExecuteMsg::Transfer {
                    recipient: to,
                    amount,
                })?,
                funds: vec![],
            };
            Ok(Response::new()
                .add_message(transfer)
                .add_attribute("amount", amount))
        }
    }
}

#[entry_point]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    match msg {
        QueryMsg::Get {} => Ok(to_json_binary(&CONFIG.load(deps.storage)?)?),
    }
}

#[cfg(feature = "querier")]
#[entry_point]
pub fn reply(
    _deps: DepsMut,
    _env: Env,
    msg: cosmwasm_std::Reply,
) -> Result<Response, ContractError> {
    Ok(Response::new().add_attribute("reply_id", msg.id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env};

    /// The probe is measured, not used; this only keeps it honest: it runs and refuses a stranger.
    #[test]
    fn stores_for_the_owner_and_refuses_anyone_else() {
        let mut deps = mock_dependencies();
        let owner = deps.api.addr_make("owner");
        let msg = InstantiateMsg { owner: None };
        instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), msg).unwrap();
        let set = ExecuteMsg::Set {
            value: Uint128::new(7),
        };
        let stranger = deps.api.addr_make("stranger");
        let err = execute(
            deps.as_mut(),
            mock_env(),
            message_info(&stranger, &[]),
            set.clone(),
        );
        assert!(matches!(err, Err(ContractError::Unauthorized)));
        execute(deps.as_mut(), mock_env(), message_info(&owner, &[]), set).unwrap();
        assert_eq!(CONFIG.load(&deps.storage).unwrap().value, Uint128::new(7));
    }
}
