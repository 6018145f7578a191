//! cw20 `Send` hooks: bonds and experience deposits in $AI, returned CU.

use cosmwasm_std::{from_json, DepsMut, Env, MessageInfo, Response};
use cw20::Cw20ReceiveMsg;
use hmm::poai::ReceiveMsg;

use crate::error::{ContractError, ContractResult};
use crate::execute::{capacity, experience, verify, worker};
use crate::state::{CLASSES, CONFIG};

pub fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20ReceiveMsg,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let token = info.sender;
    let sender = deps.api.addr_validate(&wrapper.sender)?;
    let amount = wrapper.amount;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let msg: ReceiveMsg = from_json(&wrapper.msg)?;
    let is_ai = token == config.ai_token;
    match msg {
        ReceiveMsg::Register {
            capabilities,
            enclave_keys,
            possession,
        } if is_ai => worker::register(
            deps,
            env,
            sender,
            amount,
            worker::Registration {
                capabilities,
                enclave_keys,
                possession,
            },
        ),
        ReceiveMsg::Bond {} if is_ai => worker::bond(deps, sender, amount),
        ReceiveMsg::RegisterVerifier {} if is_ai => {
            verify::register_verifier(deps, env, sender, amount)
        }
        ReceiveMsg::SubmitExperience { content_hash, uri } if is_ai => {
            experience::submit(deps, env, sender, amount, content_hash, uri)
        }
        ReceiveMsg::WithdrawCapacity {} if CLASSES.has(deps.storage, &token) => {
            capacity::withdraw_capacity(deps, sender, token, amount)
        }
        _ => Err(ContractError::WrongToken(token.to_string())),
    }
}
