//! The contracts' entry points wrapped for cw-multi-test.

use cosmwasm_std::{DepsMut, Empty, Env, MessageInfo, Response};
use cw_multi_test::{Contract, ContractWrapper};

pub fn token_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            ai_token::contract::execute,
            ai_token::contract::instantiate,
            ai_token::contract::query,
        )
        .with_migrate(ai_token::contract::migrate),
    )
}

/// A cw20 token that its minter can freeze: while frozen it refuses every transfer, send and burn (a token that
/// "later refuses transfers", as a permissionless pool's CU token may). `{"freeze": true}` / `{"freeze": false}`.
#[derive(serde::Deserialize)]
#[serde(untagged)]
pub enum FlakyTokenMsg {
    Freeze { freeze: bool },
    Token(ai_token::msg::ExecuteMsg),
}

/// The `{"freeze": bool}` message of [`flaky_token_contract`].
#[derive(serde::Serialize, Debug)]
pub struct FreezeMsg {
    pub freeze: bool,
}

const FROZEN: &[u8] = b"frozen";

fn flaky_execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: FlakyTokenMsg,
) -> Result<Response, anyhow::Error> {
    match msg {
        FlakyTokenMsg::Freeze { freeze } => {
            if freeze {
                deps.storage.set(FROZEN, b"1");
            } else {
                deps.storage.remove(FROZEN);
            }
            Ok(Response::new())
        }
        FlakyTokenMsg::Token(msg) => {
            if deps.storage.get(FROZEN).is_some() {
                anyhow::bail!("token frozen: it refuses every transfer");
            }
            Ok(ai_token::contract::execute(deps, env, info, msg)?)
        }
    }
}

pub fn flaky_token_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        flaky_execute,
        ai_token::contract::instantiate,
        ai_token::contract::query,
    ))
}

pub fn pool_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        hmm_pool::contract::execute,
        hmm_pool::contract::instantiate,
        hmm_pool::contract::query,
    ))
}

pub fn router_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            router::contract::execute,
            router::contract::instantiate,
            router::contract::query,
        )
        .with_migrate(router::contract::migrate),
    )
}

pub fn orderbook_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            orderbook::contract::execute,
            orderbook::contract::instantiate,
            orderbook::contract::query,
        )
        .with_migrate(orderbook::contract::migrate),
    )
}

pub fn registry_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            job_registry::contract::execute,
            job_registry::contract::instantiate,
            job_registry::contract::query,
        )
        .with_reply(job_registry::contract::reply)
        .with_migrate(job_registry::contract::migrate),
    )
}

pub fn poai_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            poai::contract::execute,
            poai::contract::instantiate,
            poai::contract::query,
        )
        .with_migrate(poai::contract::migrate),
    )
}
